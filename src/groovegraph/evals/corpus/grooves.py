"""Realistic grooves with exact ground truth, as MIDI performances for General MIDI kits.

Written independently of :mod:`groovegraph.tools.synth` (the analysis's own generator):
drum parts are the patterns drummers play in each style, on GM kits; bass, keys and a
lead line play a chord progression of a named family (functional major/minor, Aeolian,
Dorian, Mixolydian). Every clip comes from a :class:`GrooveSpec` drawn from a seed, and its
:class:`~groovegraph.evals.corpus.truth.Truth` is computed from the same note times that
are rendered (no measurement is involved).

Timing model. A tempo curve gives every beat its time (a steady clip has one tempo; a
"live band" clip drifts by ±3–6 %). Positions inside a beat follow the subdivision:
16th-note swing moves the 2nd and 4th sixteenth of a beat to ``swing/100`` of their
8th-note pair, 8th-note swing moves the off-8th to ``swing/100`` of the beat, and 12/8
uses triplets. Backbeat hits (snare or clap on 2 and 4; on 2 and 3 in a waltz) sit
``backbeat_lag_ms`` after the grid; every hit is humanised by Gaussian jitter.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from groovegraph.evals.corpus import music
from groovegraph.evals.corpus.render import DRUM_CHANNEL, Note, Performance

# Pattern grids: for 4/4 and 3/4, 4 sixteenths per beat; for 12/8, 3 triplet 8ths per beat.
# Each voice is {position: velocity}; "bb" marks the backbeat voice (lag applies to it).


@dataclass(frozen=True)
class Style:
    name: str
    meter: int
    grid: int  # slots per beat: 4 (16ths) or 3 (12/8 triplets)
    subdivision: int  # the note value that swings: 16 or 8
    voices: dict[str, dict[int, int]]  # GM drum key name -> {slot in bar: velocity}
    backbeat: tuple[int, ...]  # slots of the backbeat hits (lagged)
    kits: tuple[str, ...]
    halftime: bool = False


def _every(
    step: int, n: int, vel: int, accent: int | None = None, every: int = 1
) -> dict[int, int]:
    return {
        i: (accent if accent is not None and (i // step) % every == 0 else vel)
        for i in range(0, n, step)
    }


# Voice keys are GM percussion note numbers as strings, so patterns read like a drum chart.
KICK, SNARE, RIM, CLAP, CHH, PHH, OHH, RIDE, TAMB, SHAKER = (
    "36", "38", "37", "39", "42", "44", "46", "51", "54", "70",
)  # fmt: skip


def _hats16(n: int = 16) -> dict[int, int]:
    return {i: (88 if i % 4 == 0 else 70 if i % 2 == 0 else 52) for i in range(n)}


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        # --- swung 16ths: hip hop / neo-soul
        Style(
            "boom_bap", 4, 4, 16,
            {KICK: {0: 118, 6: 88, 10: 110}, SNARE: {4: 118, 12: 120, 15: 34},
             CHH: _hats16()},
            (4, 12), ("standard", "room", "tr808"),
        ),
        Style(
            "neo_soul", 4, 4, 16,
            {KICK: {0: 112, 3: 76, 10: 104, 11: 70}, RIM: {4: 110, 12: 112},
             SNARE: {7: 30, 14: 28}, CHH: _hats16(), OHH: {}},
            (4, 12), ("standard", "room", "jazz"),
        ),
        Style(
            "lofi_hiphop", 4, 4, 16,
            {KICK: {0: 115, 7: 80, 9: 96}, SNARE: {4: 116, 12: 118}, CHH: _hats16(),
             SHAKER: {2: 50, 6: 50, 10: 50, 14: 50}},
            (4, 12), ("room", "tr808", "standard"),
        ),
        # --- swung 8ths: shuffle, swing
        Style(
            "shuffle", 4, 4, 8,
            {KICK: {0: 112, 8: 104, 11: 70}, SNARE: {4: 116, 12: 118},
             CHH: {i: (86 if i % 4 == 0 else 64) for i in range(0, 16, 2)}},
            (4, 12), ("standard", "room"),
        ),
        Style(
            "swing_ride", 4, 4, 8,
            {KICK: {0: 60, 4: 50, 8: 60, 12: 50}, RIDE: {0: 96, 4: 100, 6: 70, 8: 96, 12: 100, 14: 70},
             PHH: {4: 80, 12: 80}, RIM: {4: 96, 12: 98}},
            (4, 12), ("jazz", "brush", "standard"),
        ),
        # --- straight
        Style(
            "rock", 4, 4, 8,
            {KICK: {0: 118, 8: 112, 10: 96}, SNARE: {4: 120, 12: 122},
             CHH: {i: (92 if i % 4 == 0 else 72) for i in range(0, 16, 2)}},
            (4, 12), ("standard", "power", "room"),
        ),
        Style(
            "funk", 4, 4, 16,
            {KICK: {0: 118, 3: 84, 6: 96, 10: 108}, SNARE: {4: 118, 12: 120, 7: 32, 9: 30, 14: 34},
             CHH: _hats16()},
            (4, 12), ("standard", "room"),
        ),
        Style(
            "house", 4, 4, 16,
            {KICK: {0: 120, 4: 118, 8: 120, 12: 118}, CLAP: {4: 110, 12: 112},
             OHH: {2: 86, 6: 86, 10: 86, 14: 86}, CHH: {i: 56 for i in range(1, 16, 2)}},
            (4, 12), ("electronic", "tr808"),
        ),
        Style(
            "pop", 4, 4, 8,
            {KICK: {0: 116, 6: 92, 8: 110}, SNARE: {4: 118, 12: 120}, CLAP: {4: 90, 12: 90},
             CHH: {i: (84 if i % 4 == 0 else 66) for i in range(0, 16, 2)}, TAMB: {4: 60, 12: 60}},
            (4, 12), ("standard", "electronic", "power"),
        ),
        Style(
            "halftime", 4, 4, 16,
            {KICK: {0: 120, 11: 96}, SNARE: {8: 122},
             CHH: {i: (80 if i % 4 == 0 else 60) for i in range(0, 16, 2)}},
            (), ("tr808", "electronic", "standard"), halftime=True,
        ),
        # --- 3/4 waltz (jazz waltz may swing its 8ths)
        Style(
            "waltz", 3, 4, 8,
            {KICK: {0: 112}, SNARE: {4: 96, 8: 98},
             CHH: {i: (80 if i % 4 == 0 else 60) for i in range(0, 12, 2)}},
            (4, 8), ("standard", "brush", "jazz"),
        ),
        # --- 12/8 shuffle (four dotted-quarter beats; triplet grid)
        Style(
            "twelve_eight", 4, 3, 8,
            {KICK: {0: 116, 6: 108, 8: 72}, SNARE: {3: 118, 9: 120},
             CHH: {i: (86 if i % 3 == 0 else 62) for i in range(12) if i % 3 != 1}},
            (3, 9), ("standard", "room", "brush"),
        ),
    )
}  # fmt: skip

#: Corpus categories: which styles, tempi, swing and extras each one draws.
CATEGORIES: dict[str, dict[str, Any]] = {
    "swung16": {"styles": ("boom_bap", "neo_soul", "lofi_hiphop"), "bpm": (85, 100),
                "swing": (56, 68), "mix": ("drums_bass", "full", "full")},
    "shuffle8": {"styles": ("shuffle", "swing_ride"), "bpm": (95, 150),
                 "swing": (58, 68), "mix": ("drums_bass", "full")},
    "straight": {"styles": ("rock", "funk", "house", "pop", "halftime"), "bpm": (88, 128),
                 "swing": (50, 50), "mix": ("drums", "drums_bass", "full")},
    "drift": {"styles": ("rock", "funk", "shuffle", "neo_soul"), "bpm": (80, 130),
              "swing": (50, 62), "mix": ("drums_bass", "full"), "drift": (0.03, 0.06)},
    "waltz": {"styles": ("waltz",), "bpm": (96, 168), "swing": (50, 64),
              "mix": ("drums_bass", "full")},
    "twelve_eight": {"styles": ("twelve_eight",), "bpm": (50, 78), "swing": (66.67, 66.67),
                     "mix": ("drums_bass", "full")},
    "drumless_intro": {"styles": ("rock", "funk", "boom_bap", "pop", "neo_soul"), "bpm": (80, 124),
                       "swing": (50, 64), "mix": ("full",), "intro_bars": (2, 4)},
    "pocket": {"styles": ("boom_bap", "neo_soul", "rock", "funk", "pop"), "bpm": (78, 112),
               "swing": (50, 62), "mix": ("drums", "drums_bass", "full"), "lag": (-20.0, 45.0)},
    "modal": {"styles": ("boom_bap", "neo_soul", "rock", "pop", "house", "funk"), "bpm": (84, 124),
              "swing": (50, 62), "mix": ("full",), "families": ("aeolian", "dorian", "mixolydian")},
}  # fmt: skip

FAMILY_CYCLE: tuple[str, ...] = ("major", "aeolian", "minor", "dorian", "mixolydian")


@dataclass(frozen=True)
class GrooveSpec:
    """Everything a groove clip is made from (all numbers explicit, JSON-able)."""

    id: str
    category: str
    style: str
    seed: int
    soundfont: str
    kit: str
    tempo_bpm: float  # at the start of the clip (the beat: quarter, dotted quarter in 12/8)
    drift: float  # relative amplitude of the tempo curve (0 = steady)
    drift_shape: str  # "ramp" | "arch" | "wave"
    swing_percent: float
    backbeat_lag_ms: float
    jitter_ms: float
    tonic_pc: int
    family: str
    progression: int
    mix: str  # "drums" | "drums_bass" | "full"
    intro_bars: int
    duration_s: float
    start_s: float  # silence before the first beat
    bass_program: int
    keys_program: int
    lead_program: int


def draw_spec(
    rng: np.random.Generator, *, id: str, category: str, index: int, soundfont: str
) -> GrooveSpec:
    """Draw one spec of a category; ``index`` spreads styles, families and lags evenly."""
    cat = CATEGORIES[category]
    styles = cat["styles"]
    style = STYLES[styles[index % len(styles)]]
    lo, hi = cat["bpm"]
    bpm = round(float(rng.uniform(lo, hi)), 2)
    slo, shi = cat["swing"]
    swing = round(float(rng.uniform(slo, shi)), 2) if shi > slo else float(slo)
    if style.name in ("rock", "house", "pop", "halftime") and category != "drift":
        swing = 50.0
    if "lag" in cat:
        # An even sweep of the range (with a random phase), so every pocket is covered.
        lo_l, hi_l = cat["lag"]
        n_steps = 12
        lag = lo_l + (hi_l - lo_l) * (((index * 5) % n_steps) + float(rng.uniform(0, 1))) / n_steps
    else:
        lag = float(rng.normal(6.0, 9.0))
        lag = float(np.clip(lag, -12.0, 30.0))
    if not style.backbeat:
        lag = 0.0
    families = cat.get("families", FAMILY_CYCLE)
    family = families[(index // len(styles)) % len(families)]
    mix = cat["mix"][index % len(cat["mix"])]
    drift = float(rng.uniform(*cat["drift"])) if "drift" in cat else 0.0
    intro = (
        int(rng.integers(cat["intro_bars"][0], cat["intro_bars"][1] + 1))
        if "intro_bars" in cat
        else 0
    )
    kit = style.kits[int(rng.integers(len(style.kits)))]
    return GrooveSpec(
        id=id,
        category=category,
        style=style.name,
        seed=int(rng.integers(2**31 - 1)),
        soundfont=soundfont,
        kit=kit,
        tempo_bpm=bpm,
        drift=round(drift, 4),
        drift_shape=("ramp", "arch", "wave")[int(rng.integers(3))],
        swing_percent=swing,
        backbeat_lag_ms=round(lag, 2),
        jitter_ms=round(float(rng.uniform(1.0, 6.0 if category == "drift" else 4.0)), 2),
        tonic_pc=int(rng.integers(12)),
        family=family,
        progression=int(rng.integers(len(music.PROGRESSIONS[family]))),
        mix=mix,
        intro_bars=intro,
        duration_s=round(float(rng.uniform(18.0, 26.0)), 2),
        start_s=round(float(rng.uniform(0.05, 0.6)), 3),
        bass_program=int(rng.choice(music.PROGRAMS["bass"])),
        keys_program=int(rng.choice((0, 4, 5, 16, 17, 89, 90))),
        lead_program=int(rng.choice((73, 80, 81, 56, 65, 11, 26))),
    )


# --------------------------------------------------------------------------- time model


def beat_times(spec: GrooveSpec) -> np.ndarray:
    """Times (s) of every beat from ``start_s`` to past the end of the clip."""
    style = STYLES[spec.style]
    base = 60.0 / spec.tempo_bpm
    n = int(spec.duration_s / (base * 0.9)) + 2 * style.meter + 4
    x = np.linspace(0.0, 1.0, n)
    if spec.drift_shape == "ramp":
        shape = 2 * x - 1  # rushing (or dragging) across the clip
    elif spec.drift_shape == "arch":
        shape = np.sin(np.pi * x) * 2 - 1
    else:
        shape = np.sin(2 * np.pi * x * 1.5)
    rng = np.random.default_rng(spec.seed + 11)
    sign = 1.0 if rng.uniform() < 0.5 else -1.0
    bpm = spec.tempo_bpm * (1.0 + sign * spec.drift * shape)
    ibi = 60.0 / bpm
    return spec.start_s + np.concatenate([[0.0], np.cumsum(ibi[:-1])])


def slot_fraction(slot_in_beat: int, grid: int, subdivision: int, swing: float) -> float:
    """Where a grid slot falls inside its beat (0..1), swing applied at its subdivision."""
    s = swing / 100.0
    if grid == 3:  # 12/8 triplets
        return slot_in_beat / 3.0
    if subdivision == 16:  # swung sixteenths: the 2nd of each 16th pair moves
        pair, second = divmod(slot_in_beat, 2)
        return pair * 0.5 + (s * 0.5 if second else 0.0)
    # swung 8ths: the off-8th (slot 2) moves; odd 16ths are not used by 8th-swing styles
    return {0: 0.0, 1: s * 0.5, 2: s, 3: s + (1 - s) * 0.5}[slot_in_beat]


def _time_at(beats: np.ndarray, beat: int, frac: float) -> float:
    return float(beats[beat] + frac * (beats[beat + 1] - beats[beat]))


# --------------------------------------------------------------------------- parts


def _chord_pitches(root_pc: int, quality: str, low: int = 55) -> list[int]:
    """Close voicing starting at or above ``low``."""
    root = low + ((root_pc - low) % 12)
    if root > low + 7:  # keep the voicing centred around middle C
        root -= 12
    return [root + i for i in music.CHORD_INTERVALS[quality]]


def _progression(spec: GrooveSpec) -> tuple[tuple[int, str], ...]:
    return music.PROGRESSIONS[spec.family][spec.progression]


def build_performance(spec: GrooveSpec) -> tuple[Performance, dict[str, Any]]:
    """The notes of a groove and its exact truth (as a dict of Truth fields)."""
    style = STYLES[spec.style]
    rng = np.random.default_rng(spec.seed)
    beats = beat_times(spec)
    meter = style.meter
    slots_per_bar = style.grid * meter
    n_bars = (len(beats) - 2) // meter
    kit = music.KITS[spec.kit]
    notes: list[Note] = []
    jit = spec.jitter_ms / 1000.0
    backbeat_offsets: list[float] = []
    end = spec.duration_s

    def add(t: float, dur: float, pitch: int, vel: int, ch: int, prog: int) -> None:
        if 0.0 <= t < end - 0.02:
            notes.append(Note(t, min(t + dur, end + 1.0), pitch, int(vel), ch, prog))

    # ---- drums
    if spec.mix != "none":
        for bar in range(spec.intro_bars, n_bars):
            for voice, hits in style.voices.items():
                pitch = int(voice)
                for slot, vel in hits.items():
                    beat_in_bar, slot_in_beat = divmod(slot, style.grid)
                    b = bar * meter + beat_in_bar
                    frac = slot_fraction(
                        slot_in_beat, style.grid, style.subdivision, spec.swing_percent
                    )
                    grid_t = _time_at(beats, b, frac)
                    t = grid_t + float(rng.normal(0.0, jit))
                    is_bb = slot in style.backbeat and voice in (SNARE, CLAP, RIM) and vel >= 80
                    if is_bb:
                        t += spec.backbeat_lag_ms / 1000.0
                    v = vel + int(rng.integers(-8, 9))
                    if 0.0 <= t < end - 0.02:
                        add(t, 0.12, pitch, v, DRUM_CHANNEL, kit)
                        if is_bb:
                            backbeat_offsets.append(t - grid_t)
            # a crash on the first bar the drums play, then every 8 bars
            if (bar - spec.intro_bars) % 8 == 0:
                add(
                    _time_at(beats, bar * meter, 0.0) + float(rng.normal(0.0, jit)),
                    1.5,
                    49,
                    92,
                    DRUM_CHANNEL,
                    kit,
                )

    prog = _progression(spec)
    scale = music.SCALES[spec.family]
    tonic = spec.tonic_pc
    has_bass = spec.mix in ("drums_bass", "full")
    has_keys = spec.mix == "full"
    # ---- bass: roots on the kick slots (fifth or octave now and then), legato
    if has_bass:
        kick = style.voices.get(KICK, {0: 110})
        for bar in range(0, n_bars):
            if bar < spec.intro_bars and rng.uniform() < 0.5:
                continue
            root_off, quality = prog[bar % len(prog)]
            root = 36 + (tonic + root_off) % 12  # C2..B2
            if root > 45:
                root -= 12
            slots = sorted(kick) if bar >= spec.intro_bars else [0]
            for j, slot in enumerate(slots):
                beat_in_bar, sib = divmod(slot, style.grid)
                b = bar * meter + beat_in_bar
                t = _time_at(
                    beats, b, slot_fraction(sib, style.grid, style.subdivision, spec.swing_percent)
                )
                nxt = slots[j + 1] if j + 1 < len(slots) else slots_per_bar
                nb, ns = divmod(nxt, style.grid)
                t_end = (
                    _time_at(
                        beats,
                        bar * meter + nb,
                        slot_fraction(ns, style.grid, style.subdivision, spec.swing_percent),
                    )
                    if nb < meter
                    else _time_at(beats, (bar + 1) * meter, 0.0)
                )
                pitch = root
                if j > 0 and rng.uniform() < 0.3:
                    pitch = root + (7 if rng.uniform() < 0.6 else 12)
                add(
                    t + float(rng.normal(0, jit)),
                    max(0.08, (t_end - t) * 0.9),
                    pitch,
                    100,
                    1,
                    spec.bass_program,
                )
    # ---- keys: chords; quarter-note comping in a drumless intro, then the style's comp
    if has_keys or spec.intro_bars:
        for bar in range(0, n_bars):
            root_off, quality = prog[bar % len(prog)]
            pitches = _chord_pitches((tonic + root_off) % 12, quality)
            if spec.family == "minor" and root_off == 7 and quality in ("maj", "dom7"):
                pass  # the V of functional minor is already major (leading tone)
            if bar < spec.intro_bars or meter == 3:
                comp = [(b, 0.0, 0.85) for b in range(meter)]  # every beat (oom-pah-pah feel)
            elif rng.uniform() < 0.5:
                comp = [(0, 0.0, 1.9), (2, 0.0, 1.9)] if meter == 4 else [(0, 0.0, 2.8)]
            else:
                comp = [(0, 0.0, 0.4), (1, 0.5, 0.4), (2, 0.5, 0.9), (3, 0.5, 0.4)]
            for beat_in_bar, frac, beats_long in comp:
                if beat_in_bar >= meter:
                    continue
                b = bar * meter + beat_in_bar
                if frac:  # the "and": swung in 8th-swing styles, a triplet late in 12/8
                    frac = slot_fraction(2, style.grid, style.subdivision, spec.swing_percent)
                t = _time_at(beats, b, frac) + float(rng.normal(0, jit))
                dur = beats_long * (beats[b + 1] - beats[b])
                for p in pitches:
                    add(t, dur, p, 72 + int(rng.integers(-6, 7)), 2, spec.keys_program)
    # ---- lead: a line in the mode, chord tones on strong beats, ending on the tonic
    if spec.mix == "full":
        prev = 72 + tonic % 12
        for bar in range(spec.intro_bars, n_bars):
            root_off, quality = prog[bar % len(prog)]
            chord_pcs = [(tonic + root_off + i) % 12 for i in music.CHORD_INTERVALS[quality]]
            scale_pcs = [(tonic + i) % 12 for i in scale]
            if spec.family == "minor" and root_off == 7:
                scale_pcs = [(pc + 1) % 12 if pc == (tonic + 10) % 12 else pc for pc in scale_pcs]
            phrase_end = (bar - spec.intro_bars) % 4 == 3
            for beat_in_bar in range(meter):
                if rng.uniform() < 0.25 and not (phrase_end and beat_in_bar == 0):
                    continue  # rests
                b = bar * meter + beat_in_bar
                strong = beat_in_bar == 0 or (meter == 4 and beat_in_bar == 2)
                pool = chord_pcs if strong else scale_pcs
                if phrase_end and beat_in_bar == 0:
                    pool = [tonic % 12]
                cands = [p for p in range(62, 86) if p % 12 in pool]
                pitch = min(cands, key=lambda p: abs(p - prev) + rng.uniform(0, 4))
                prev = pitch
                long = phrase_end and beat_in_bar == 0
                dur = (beats[b + 1] - beats[b]) * (meter - 0.2 if long else 0.9)
                t = _time_at(beats, b, 0.0) + float(rng.normal(0, jit))
                add(t, dur, pitch, 88 + int(rng.integers(-8, 9)), 3, spec.lead_program)
                if long:
                    break

    # ---- truth
    in_clip = beats[(beats >= 0.0) & (beats < end)]
    idx = np.nonzero((beats >= 0.0) & (beats < end))[0]
    downbeats = [float(beats[i]) for i in idx if i % meter == 0]
    ibi = np.diff(beats[idx[0] : idx[-1] + 2]) if len(idx) else np.array([60.0 / spec.tempo_bpm])
    tempo = 60.0 / float(np.median(ibi))
    local = 60.0 / ibi
    has_drums = spec.mix != "none"
    octave_ambiguous = bool(style.halftime or tempo < 70.0 or tempo > 150.0 or not has_drums)
    lag = float(np.mean(backbeat_offsets) * 1000.0) if backbeat_offsets else None
    family_mode = music.FAMILY_MODE[spec.family]
    truth = {
        "kind": "loop",
        "instrument": "mix" if (has_bass or has_keys) else "drums",
        "tempo_bpm": round(tempo, 3),
        "tempo_range_bpm": [round(float(local.min()), 2), round(float(local.max()), 2)],
        "tempo_octave_ambiguous": octave_ambiguous,
        "meter": meter,
        "beats_s": [round(float(t), 5) for t in in_clip],
        "downbeats_s": [round(t, 5) for t in downbeats],
        "swing_percent": round(spec.swing_percent, 2),
        "swing_subdivision": style.subdivision,
        "backbeat_lag_ms": round(lag, 2) if lag is not None else None,
        "key": music.key_name(tonic, family_mode) if (has_bass or has_keys) else None,
        "key_family": spec.family if (has_bass or has_keys) else None,
        "modal": spec.family in music.MODAL_FAMILIES,
        # bass roots alone under drums leave relative major/minor open
        "key_ambiguous": spec.mix != "full",
        "drumless_intro_s": round(float(beats[spec.intro_bars * meter]), 3)
        if spec.intro_bars
        else 0.0,
    }
    levels = {
        DRUM_CHANNEL: {7: 110},
        1: {7: 100},
        2: {7: 88 if spec.mix == "full" else 100},
        3: {7: 84},
    }
    if spec.intro_bars:
        # drums and bass sit on top in the mix; the lone keys in an intro are full level
        levels[2][7] = 96
    return Performance(notes=notes, duration_s=spec.duration_s, controllers=levels), truth


def spec_dict(spec: GrooveSpec) -> dict[str, Any]:
    return asdict(spec)


def clip_seconds(spec: GrooveSpec) -> float:
    return math.ceil(spec.duration_s * 1000) / 1000
