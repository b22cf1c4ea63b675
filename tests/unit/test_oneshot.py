"""One-shots: kind detection, instrument, root note, and the Analysis they produce.

Every sound is synthesized here from a seeded generator (no audio files): an 808 with a
pitch drop, a kick, a snare, a hat as short as 30 ms, a cymbal, a slow pad, a piano-like
struck note, and a short drum loop that must stay a loop.
"""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.errors import SilentAudioError
from groovegraph.tools.oneshot import (
    INSTRUMENTS,
    ONE_SHOT_INSTRUMENTS,
    analyze_one_shot,
    count_events,
    detect_kind,
    note_name,
)

SR = 22050


def _hz(note: str) -> float:
    names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    pc, octave = (note[:2], note[2:]) if note[1] == "#" else (note[:1], note[1:])
    midi = names.index(pc) + 12 * (int(octave) + 1)
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _t(seconds: float) -> np.ndarray:
    return np.arange(round(seconds * SR)) / SR


def _norm(y: np.ndarray, peak: float = 0.8) -> np.ndarray:
    return (peak * y / np.max(np.abs(y))).astype(np.float32)


def bass_808(note: str, *, seconds: float = 1.5, drop: float = 2.5) -> np.ndarray:
    """A sine 808: starts ``drop`` times higher, falls to ``note`` in ~60 ms, long tail."""
    t = _t(seconds)
    f = _hz(note) * (1.0 + (drop - 1.0) * np.exp(-t / 0.06))
    phase = 2 * np.pi * np.cumsum(f) / SR
    env = np.exp(-t / (seconds / 3.0)) * np.minimum(1.0, t / 0.003)
    return _norm(np.tanh(1.5 * np.sin(phase)) * env)


def kick(seconds: float = 0.15) -> np.ndarray:
    t = _t(seconds)
    f = 50.0 + 150.0 * np.exp(-t / 0.02)
    rng = np.random.default_rng(1)
    click = rng.standard_normal(t.size) * np.exp(-t / 0.002) * 0.3
    return _norm(np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t / 0.05) + click)


def snare(seconds: float = 0.3) -> np.ndarray:
    """A drum body at 190 Hz under snare-wire noise rolled off above ~3 kHz."""
    from scipy.signal import lfilter

    t = _t(seconds)
    rng = np.random.default_rng(2)
    wires = lfilter([0.7], [1.0, -0.3], rng.standard_normal(t.size)) * np.exp(-t / 0.06)
    body = np.sin(2 * np.pi * 190.0 * t) * np.exp(-t / 0.04)
    return _norm(wires / np.max(np.abs(wires)) + 0.5 * body)


def hat(seconds: float = 0.03) -> np.ndarray:
    t = _t(seconds)
    rng = np.random.default_rng(3)
    noise = np.diff(np.diff(rng.standard_normal(t.size + 2)))
    return _norm(noise * np.exp(-t / 0.01), 0.5)


def cymbal(seconds: float = 2.5) -> np.ndarray:
    t = _t(seconds)
    rng = np.random.default_rng(4)
    noise = np.diff(rng.standard_normal(t.size + 1))
    return _norm(noise * np.exp(-t / 0.6), 0.5)


def harmonic_note(
    note: str, *, seconds: float, attack_s: float, decay_s: float, partials: int = 6
) -> np.ndarray:
    t = _t(seconds)
    f0 = _hz(note)
    y = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, partials + 1) if f0 * k < SR / 2)
    env = np.minimum(1.0, t / max(attack_s, 1e-3)) * np.exp(-t / decay_s)
    return _norm(np.asarray(y) * env)


def drum_loop(bars: int = 1, bpm: float = 120.0) -> np.ndarray:
    """Kick on 1 and 3, snare on 2 and 4, 8th-note hats."""
    beat = 60.0 / bpm
    y = np.zeros(round(bars * 4 * beat * SR) + SR // 2, dtype=np.float64)

    def put(sound: np.ndarray, at_s: float) -> None:
        i = round(at_s * SR)
        n = min(sound.size, y.size - i)
        y[i : i + n] += sound[:n]

    for b in range(bars * 4):
        put(kick() if b % 2 == 0 else snare(), b * beat)
        put(0.4 * hat(0.05), b * beat)
        put(0.3 * hat(0.05), (b + 0.5) * beat)
    return _norm(y)


@pytest.mark.parametrize(
    ("name", "y", "instrument"),
    [
        ("kick 150 ms", kick(0.15), "kick"),
        ("snare", snare(), "snare"),
        ("hat 30 ms", hat(0.03), "hat"),
        ("hat 10 ms", hat(0.01), "hat"),
        ("crash", cymbal(), "cymbal"),
        ("808 F#1", bass_808("F#1"), "bass"),
    ],
)
def test_drum_and_bass_hits_are_one_shots_with_their_instrument(
    name: str, y: np.ndarray, instrument: str
) -> None:
    a = analyze_signal(y=y, sr=SR, file=name)
    assert a.kind == "one_shot", name
    assert a.instrument == instrument, name
    # No invented tempo, beats, swing or pocket; no key for a single hit.
    assert a.tempo_bpm is None
    assert a.beats_s is None
    assert a.downbeats_s is None
    assert a.swing_percent is None
    assert a.backbeat_lag_ms is None
    assert a.timing_deviation_ms is None
    assert a.tempo_confidence == 0.0
    assert a.key is None
    assert a.camelot is None
    assert a.duration_s == pytest.approx(y.size / SR)


@pytest.mark.parametrize("note", ["F#1", "A1", "C2", "D#2", "F1"])
def test_an_808_is_named_by_the_pitch_it_settles_on(note: str) -> None:
    a = analyze_signal(y=bass_808(note), sr=SR)
    assert (a.kind, a.instrument, a.root_note) == ("one_shot", "bass", note)


def test_an_808_with_a_long_tail_is_still_one_shot() -> None:
    y = bass_808("G1", seconds=3.0)
    assert detect_kind(y, SR) == "one_shot"


def test_a_two_second_pad_note_is_a_tonal_one_shot() -> None:
    y = harmonic_note("A3", seconds=2.0, attack_s=0.4, decay_s=3.0)
    a = analyze_signal(y=y, sr=SR)
    assert (a.kind, a.instrument, a.root_note) == ("one_shot", "pad", "A3")


def test_a_struck_note_is_keys_with_its_root() -> None:
    y = harmonic_note("C4", seconds=1.5, attack_s=0.002, decay_s=0.5)
    r = analyze_one_shot(y=y, sr=SR)
    assert (r.instrument, r.root_note) == ("keys", "C4")


@pytest.mark.parametrize("bars", [1, 2])
def test_a_drum_loop_stays_a_loop_with_a_tempo(bars: int) -> None:
    y = drum_loop(bars=bars)
    assert count_events(y, SR) >= 8 * bars
    assert detect_kind(y, SR) == "loop"


def test_a_two_bar_drum_loop_analyses_as_a_drums_loop() -> None:
    a = analyze_signal(y=drum_loop(bars=2), sr=SR)
    assert a.kind == "loop"
    assert a.instrument == "drums"
    assert a.tempo_bpm is not None
    assert a.beats_s


def test_silence_stays_an_error_at_any_length() -> None:
    for seconds in (0.03, 1.0):
        with pytest.raises(SilentAudioError):
            analyze_signal(y=np.zeros(round(seconds * SR), dtype=np.float32), sr=SR)


def test_a_few_samples_of_sound_still_analyse() -> None:
    y = hat(0.005)
    a = analyze_signal(y=y, sr=SR)
    assert a.kind == "one_shot"
    assert a.instrument in ONE_SHOT_INSTRUMENTS


def test_note_names_use_sharps_and_scientific_octaves() -> None:
    assert [note_name(m) for m in (21, 30, 60, 61, 69)] == ["A0", "F#1", "C4", "C#4", "A4"]


def test_instrument_vocabulary_matches_the_contract() -> None:
    from groovegraph.state import Analysis

    description = Analysis.model_fields["instrument"].description or ""
    assert all(name in description for name in INSTRUMENTS)


def test_a_held_note_with_deep_tremolo_is_one_shot_but_a_repeated_note_is_a_loop() -> None:
    t = _t(2.5)
    note = harmonic_note("E4", seconds=2.5, attack_s=0.05, decay_s=5.0)
    # 5 Hz tremolo, ~12 dB deep: the level swings, but the note never stops.
    tremolo = (note * (0.625 + 0.375 * np.sin(2 * np.pi * 5.0 * t))).astype(np.float32)
    assert detect_kind(tremolo, SR) == "one_shot"
    a = analyze_signal(y=tremolo, sr=SR)
    assert a.tempo_bpm is None
    assert a.root_note == "E4"
    # The same pitch struck eight times, dying away in between: a (one-note) loop.
    hit = harmonic_note("E2", seconds=0.25, attack_s=0.002, decay_s=0.04)
    repeated = np.zeros(round(4.0 * SR), dtype=np.float32)
    for k in range(8):
        i = round(k * 0.5 * SR)
        repeated[i : i + hit.size] += hit
    assert detect_kind(repeated, SR) == "loop"


def _partials(
    note: str, levels_db: dict[float, float], *, seconds: float = 1.5, decay_s: float = 2.0
) -> np.ndarray:
    """A held tone: partials at multiples of ``note`` (0.5 = a sub-octave) with the given
    levels in dB, a 20 ms attack and a slow decay."""
    t = _t(seconds)
    f0 = _hz(note)
    y = sum(10 ** (db / 20) * np.sin(2 * np.pi * f0 * k * t) for k, db in levels_db.items())
    env = np.minimum(1.0, t / 0.02) * np.exp(-t / decay_s)
    return _norm(np.asarray(y) * env)


def test_an_organ_note_over_a_sub_octave_stop_is_named_by_the_key_played() -> None:
    # 16' + 8' + 4' + 2' drawbars: the waveform repeats at the sub-octave, the note is G4.
    organ = _partials("G4", {0.5: 0.0, 1.0: -1.0, 2.0: -4.0, 4.0: -11.0})
    assert analyze_one_shot(y=organ, sr=SR).root_note == "G4"


def test_a_weak_fundamental_under_a_strong_octave_is_still_the_root() -> None:
    # A choir "aah": the 2nd harmonic 13 dB over the fundamental.
    aah = _partials("C4", {1.0: -13.0, 2.0: 0.0, 3.0: -12.0, 4.0: -14.0, 5.0: -30.0})
    assert analyze_one_shot(y=aah, sr=SR).root_note == "C4"


@pytest.mark.parametrize("note", ["B2", "E1"])
def test_a_bass_note_whose_odd_harmonics_fade_keeps_its_octave(note: str) -> None:
    bass = _partials(note, {1.0: 0.0, 2.0: -8.0, 3.0: -20.0, 4.0: -12.0, 5.0: -33.0, 6.0: -20.0})
    assert analyze_one_shot(y=bass, sr=SR).root_note == note


def test_a_pad_pulsing_18_db_deep_is_one_held_note() -> None:
    t = _t(2.4)
    pad = _partials("C5", {1.0: 0.0, 2.0: -6.0, 3.0: -12.0}, seconds=2.4, decay_s=60.0)
    # An LFO on the level, ~3 Hz, troughs 18 dB down: a sound that never stops, not a
    # repeated note (that one dies away between hits, see the test above).
    floor = 10 ** (-18 / 20)
    lfo = floor + (1 - floor) * (0.5 + 0.5 * np.cos(2 * np.pi * 3.2 * t))
    a = analyze_signal(y=(pad * lfo).astype(np.float32), sr=SR)
    assert a.kind == "one_shot"
    assert a.tempo_bpm is None
    assert a.root_note == "C5"


def _fm_tone(
    note: str,
    partials: dict[float, float],
    *,
    seconds: float = 1.5,
    vibrato_cents: float = 0.0,
    vibrato_hz: float = 5.5,
    attack_s: float = 0.01,
    decay_s: float = 5.0,
) -> np.ndarray:
    """Partials at ``ratio × note`` (levels in dB), all under one vibrato (peak deviation
    in cents)."""
    t = _t(seconds)
    fm = 2 ** (vibrato_cents / 1200 * np.sin(2 * np.pi * vibrato_hz * t))
    rng = np.random.default_rng(5)
    y = sum(
        10 ** (db / 20) * np.sin(2 * np.pi * np.cumsum(_hz(note) * k * fm) / SR + rng.uniform(0, 6))
        for k, db in partials.items()
        if _hz(note) * k < SR / 2
    )
    env = np.minimum(1.0, t / attack_s) * np.exp(-t / decay_s)
    return _norm(np.asarray(y) * env)


_SAW = {float(k): -20 * np.log10(k) for k in range(1, 9)}


@pytest.mark.parametrize("note", ["A2", "C4", "F4", "D5", "C6"])
@pytest.mark.parametrize("vibrato_hz", [4.5, 5.5])
def test_a_deep_vibrato_is_named_by_its_centre(note: str, vibrato_hz: float) -> None:
    # ±80 cents: the pitch dwells near its extremes, each closer to a neighbouring
    # semitone than to the note; it is still the note.
    y = _fm_tone(note, _SAW, vibrato_cents=80.0, vibrato_hz=vibrato_hz)
    assert analyze_one_shot(y=y, sr=SR).root_note == note


@pytest.mark.parametrize("note", ["C3", "G3", "A4", "E5"])
def test_a_major_chord_stab_is_named_by_its_root_not_its_common_period(note: str) -> None:
    # Root, major third and fifth (4:5:6) repeat together two octaves under the root.
    ratios = {1.0: 0.0, 2 ** (4 / 12): -1.0, 2 ** (7 / 12): -2.0}
    stab = {r * k: db - 20 * np.log10(k) for r, db in ratios.items() for k in range(1, 6)}
    y = _fm_tone(note, stab, seconds=0.8, attack_s=0.003, decay_s=0.4)
    assert analyze_one_shot(y=y, sr=SR).root_note == note


@pytest.mark.parametrize("note", ["C3", "C4", "A4", "C6"])
def test_an_inharmonic_bell_is_named_by_its_lowest_partial(note: str) -> None:
    # Partials of a struck bar or bell, not whole multiples: a pitch tracker's best
    # period falls between them, over a semitone under the fundamental.
    bell = {1.0: 0.0, 2.76: -3.0, 5.4: -8.0, 8.93: -12.0}
    y = _fm_tone(note, bell, seconds=1.2, attack_s=0.002, decay_s=1.0)
    assert analyze_one_shot(y=y, sr=SR).root_note == note


def swept_kick(f_start: float, f_end: float, sweep_s: float, decay_s: float) -> np.ndarray:
    """A sine kick: the pitch falls from ``f_start`` to ``f_end`` (time constant
    ``sweep_s``) while the level dies away (time constant ``decay_s``)."""
    t = _t(min(1.0, 6.0 * decay_s))
    f = f_end + (f_start - f_end) * np.exp(-t / sweep_s)
    return _norm(np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t / decay_s))


def test_a_sine_kick_swept_into_the_sub_bass_is_a_kick_not_a_tom() -> None:
    # 150 -> 50 Hz, audible for about 300 ms (read "tom" before: a sinking low pitch).
    assert analyze_one_shot(y=swept_kick(150.0, 50.0, 0.03, 0.12), sr=SR).instrument == "kick"


@pytest.mark.parametrize("seed", range(8))
def test_swept_kicks_of_random_shape_are_kicks(seed: int) -> None:
    rng = np.random.default_rng(4200 + seed)
    y = swept_kick(
        rng.uniform(110, 240), rng.uniform(40, 62), rng.uniform(0.01, 0.05), rng.uniform(0.06, 0.14)
    )
    assert analyze_one_shot(y=y, sr=SR).instrument == "kick"


@pytest.mark.parametrize("note", ["F1", "A1", "C2"])
def test_an_808_that_drops_into_its_note_and_holds_stays_bass(note: str) -> None:
    assert analyze_one_shot(y=bass_808(note, seconds=1.2, drop=3.0), sr=SR).instrument == "bass"


@pytest.mark.parametrize(("n_fft", "hop"), [(1024, 1024), (1024, 256), (2048, 256)])
@pytest.mark.parametrize("length", [300, 2048, 22050 + 17, 8 * 22050])
def test_stft_power_is_the_whole_clip_transform(n_fft: int, hop: int, length: int) -> None:
    """The blockwise power spectrum equals one float32 transform of every frame at once,
    in the same (bins, frames) transposed layout (reductions over bins keep their order)."""
    from groovegraph.tools import oneshot

    rng = np.random.default_rng(length + hop)
    y = (0.3 * rng.standard_normal(length)).astype(np.float32)
    got = oneshot._stft_power(y, 22050, n_fft, hop)
    x = np.pad(y, (0, max(0, n_fft - length)))
    n_frames = 1 + (len(x) - n_fft) // hop
    frames = np.stack([x[i * hop : i * hop + n_fft] for i in range(n_frames)])
    spec = np.fft.rfft(frames * np.hanning(n_fft).astype(np.float32), axis=1)
    want = (spec.real**2 + spec.imag**2).astype(np.float32).T
    assert np.array_equal(got, want)
    assert got.dtype == np.float32
    assert got.strides == (4, 4 * (n_fft // 2 + 1))


def electric_piano_stab(root: str, *, minor: bool, seconds: float = 1.6) -> np.ndarray:
    """A triad on an FM electric piano: each note a sine phase-modulated by its own
    frequency with a fading index (the bark of the attack), struck together, ringing on."""
    t = _t(seconds)
    y = np.zeros(t.size)
    for st, gain in ((0, 1.0), (3 if minor else 4, 0.7), (7, 0.7)):
        f = _hz(root) * 2 ** (st / 12)
        index = 2.5 * np.exp(-t / 0.12)
        y += gain * np.sin(2 * np.pi * f * t + index * np.sin(2 * np.pi * f * t))
    return _norm(y * np.exp(-t / 0.9) * np.minimum(1.0, t / 0.002))


@pytest.mark.parametrize(("root", "minor"), [("A#2", True), ("D3", False), ("G2", True)])
def test_an_electric_piano_chord_stab_is_tonal_and_named_by_its_lowest_note(
    root: str, minor: bool
) -> None:
    # A minor triad repeats only every 10 periods of its root, below any pitch tracker's
    # range: the peaky, ringing spectrum still says tonal (it was called a clap, rootless).
    res = analyze_one_shot(y=electric_piano_stab(root, minor=minor), sr=SR)
    assert res.instrument not in {"clap", "snare", "hat", "cymbal", "tom", "kick", "perc"}
    assert res.root_note == root


def string_pad_with_rippling_release(note: str, seconds: float = 1.8) -> np.ndarray:
    """A slow string pad (0.6 s swell) let go at 1.1 s: its release fades 30 dB while a
    fast tremolo keeps rippling it up and down by several dB."""
    t = _t(seconds)
    f = _hz(note)
    saw = sum(np.sin(2 * np.pi * k * f * t) / k for k in range(1, 12))
    swell = np.minimum(1.0, t / 0.6)
    release = np.where(t < 1.1, 1.0, 10 ** (-36 * (t - 1.1) / 0.7 / 20))
    ripple = np.where(t < 1.1, 1.0, 1.0 + 0.9 * np.sin(2 * np.pi * 9.0 * t))
    return _norm(saw * swell * release * ripple)


def test_a_pad_whose_release_ripples_is_one_note_and_analyses() -> None:
    # The ripples of the fading release rise like new attacks, but never come back
    # within 15 dB of the note: still one held note (it was a "loop" too short to time).
    y = string_pad_with_rippling_release("F#4")
    assert detect_kind(y, SR) == "one_shot"
    a = analyze_signal(y=y, sr=SR)
    assert (a.kind, a.tempo_bpm, a.root_note) == ("one_shot", None, "F#4")


def high_tom(hz: float, seconds: float = 0.6, seed: int = 3) -> np.ndarray:
    """A struck tom tuned high: the head's pitch sinks 5 semitones as it rings, two
    inharmonic modes (×1.59, ×2.14) fade quicker, a stick click on top."""
    t = _t(seconds)
    f = hz * 2 ** (5.0 * np.exp(-t / 0.12) / 12)
    ph = 2 * np.pi * np.cumsum(f) / SR
    y = np.sin(ph) + 0.5 * np.sin(1.59 * ph) * np.exp(-t / 0.1) + 0.3 * np.sin(2.14 * ph)
    y *= np.exp(-t / 0.15) * np.minimum(1.0, t / 0.001)
    click = np.random.default_rng(seed).standard_normal(t.size) * np.exp(-t / 0.004)
    return _norm(y + 0.3 * np.diff(click, prepend=0.0))


@pytest.mark.parametrize("hz", [150.0, 190.0, 240.0])
def test_a_high_tom_is_a_tom_not_keys_or_perc(hz: float) -> None:
    assert analyze_one_shot(y=high_tom(hz), sr=SR).instrument == "tom"


@pytest.mark.parametrize("note", ["E3", "C4", "A4"])
def test_an_organ_sounding_two_octaves_under_its_key_is_named_by_the_key(note: str) -> None:
    # A drawbar organ voiced 16' + 8' + 5 1/3' + 4' with one more rank an octave under
    # the 16': the lowest partial is two octaves down. The quint (1.5 x the note) is the
    # 3rd harmonic of the 16', none of the lowest rank, so the 16' is the sub-octave stop
    # and the key played is an octave over that, not an octave over the lowest partial.
    organ = _partials(note, {0.25: -1.0, 0.5: 0.0, 1.0: -4.0, 1.5: -15.0, 2.0: -11.0}, decay_s=4.0)
    assert analyze_one_shot(y=organ, sr=SR).root_note == note


@pytest.mark.parametrize("note", ["E3", "C4"])
def test_an_organ_one_octave_over_a_rank_without_a_quint_keeps_one_octave(note: str) -> None:
    # 16' + 8' + 4' + 2' and no quint: the lowest partial is the sub-octave stop itself.
    organ = _partials(note, {0.5: 0.0, 1.0: -1.0, 2.0: -4.0, 4.0: -11.0}, decay_s=4.0)
    assert analyze_one_shot(y=organ, sr=SR).root_note == note


@pytest.mark.parametrize("note", ["D3", "A#3"])
def test_a_flue_organ_with_faint_odd_partials_of_its_sub_is_named_by_the_key(note: str) -> None:
    # 16' + 8' + 4' with the pipes' own soft overtones: relative to the 16' sub, the 3rd,
    # 5th and 7th are present but 20-40 dB down while the evens carry the sound.
    organ = _partials(
        note,
        {0.5: -8.0, 1.0: -10.0, 1.5: -30.0, 2.0: 0.0, 2.5: -42.0, 3.0: -25.0, 3.5: -31.0},
    )
    assert analyze_one_shot(y=organ, sr=SR).root_note == note


def piano_triad(root: str, *, minor: bool, seconds: float = 1.6) -> np.ndarray:
    """Three struck strings (root, third, fifth), each with six harmonics falling 6 dB an
    octave and its own decay."""
    t = _t(seconds)
    y = np.zeros(t.size)
    for st in (0, 3 if minor else 4, 7):
        f = _hz(root) * 2 ** (st / 12)
        for k in range(1, 7):
            y += np.sin(2 * np.pi * k * f * t) / k * np.exp(-t * (0.8 + 0.5 * k))
    return _norm(y * np.minimum(1.0, t / 0.003))


@pytest.mark.parametrize("root", ["F#4", "C4", "G#3"])
def test_a_minor_triad_is_named_by_its_lowest_note_not_the_note_the_tracker_locks_on(
    root: str,
) -> None:
    assert analyze_one_shot(y=piano_triad(root, minor=True), sr=SR).root_note == root


def gliding_808(note: str, *, glide_st: float, seconds: float = 0.9) -> np.ndarray:
    """An 808 that glides down ``glide_st`` semitones into its note over a few hundred
    ms (portamento from the previous note) and holds there: no fade until the cut."""
    t = _t(seconds)
    f = _hz(note) * 2 ** (glide_st * np.exp(-t / 0.12) / 12)
    y = np.sin(2 * np.pi * np.cumsum(f) / SR)
    y = np.tanh(2.0 * y) * np.minimum(1.0, t / 0.003) * np.clip((seconds - t) / 0.02, 0, 1)
    return _norm(y)


@pytest.mark.parametrize(("note", "glide_st"), [("D1", 7.0), ("F#1", 5.0), ("A1", 9.0)])
def test_an_808_gliding_into_a_held_note_is_bass_not_a_tom(note: str, glide_st: float) -> None:
    res = analyze_one_shot(y=gliding_808(note, glide_st=glide_st), sr=SR)
    assert (res.instrument, res.root_note) == ("bass", note)


def organ_with_swelling_sub(note: str, *, eight_foot_db: float, seconds: float = 1.8) -> np.ndarray:
    """16' + 8' + 4' flue organ whose 16' swells in and out (0.7 Hz): the waveform's period
    is the sub's while it sounds, the 4' rank's when it fades — a tracker hops between
    three octaves of the key."""
    t = _t(seconds)
    f = _hz(note)
    sub = (1 - 0.5 * (1 + np.sin(2 * np.pi * 0.7 * t))) * 10 ** (-8 / 20)
    y = sub * np.sin(np.pi * f * t)
    levels = {1.0: eight_foot_db, 1.5: -30, 2.0: 0, 2.5: -44, 3.0: -25, 3.5: -31, 4.0: -22}
    y += sum(10 ** (db / 20) * np.sin(2 * np.pi * k * f * t) for k, db in levels.items())
    return _norm(y * np.minimum(1.0, t / 0.05))


@pytest.mark.parametrize(("note", "eight_foot_db"), [("C3", -6.0), ("F3", -14.0), ("A3", -14.0)])
def test_an_organ_whose_tracker_hops_octaves_is_named_by_the_key(
    note: str, eight_foot_db: float
) -> None:
    y = organ_with_swelling_sub(note, eight_foot_db=eight_foot_db)
    assert analyze_one_shot(y=y, sr=SR).root_note == note


def soft_chord_stab(root: str, steps: tuple[int, ...], *, seconds: float = 1.2) -> np.ndarray:
    """Soft mellow tones (a fundamental and a 2nd harmonic 10 dB down, like a filtered
    synth or a felt piano) on the root and the given steps above it: a root and fifth
    repeat together an octave under the root, where nothing sounds."""
    t = _t(seconds)
    y = np.zeros(t.size)
    for st in steps:
        f = _hz(root) * 2 ** (st / 12)
        y += np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t + 1.0)
    return _norm(y * np.exp(-t / 0.8) * np.minimum(1.0, t / 0.004))


@pytest.mark.parametrize(
    ("root", "steps"), [("F2", (0, 7)), ("A#2", (0, 4, 7)), ("D3", (0, 7, 12)), ("G3", (0, 7))]
)
def test_a_chord_is_named_by_its_root_not_the_empty_octave_under_it(
    root: str, steps: tuple[int, ...]
) -> None:
    assert analyze_one_shot(y=soft_chord_stab(root, steps), sr=SR).root_note == root


def voiced_chord(
    root: str, steps: tuple[int, ...], gains: tuple[float, ...], harmonics: int
) -> np.ndarray:
    """A struck chord voiced with its root softer than the notes above it (a pianist's
    left hand light, a synth patch's upper voices louder): each note ``harmonics``
    partials falling 4.5 dB an octave, the upper ones dying faster."""
    t = _t(1.4)
    y = np.zeros(t.size)
    for st, g in zip(steps, gains, strict=True):
        f = _hz(root) * 2 ** (st / 12)
        for k in range(1, harmonics + 1):
            y += g * np.sin(2 * np.pi * k * f * t + k) / k**1.5 * np.exp(-t * (0.5 + 0.4 * k))
    return _norm(y * np.minimum(1.0, t / 0.003))


@pytest.mark.parametrize(
    ("root", "steps", "gains", "harmonics"),
    [
        ("F#4", (0, 3, 7), (0.5, 1.0, 0.7), 3),  # the third was named (A4)
        ("A#2", (0, 3, 7), (0.5, 0.7, 1.0), 6),  # the third (C#3)
        ("D3", (0, 4, 7), (0.5, 1.0, 0.7), 1),  # soft sines: the third (F#3)
        ("G2", (0, 7), (0.5, 1.0), 3),  # a fifth: D3
        ("D3", (0, 7), (1.0, 1.0), 1),  # an empty octave under it: D2
        ("A#2", (0, 4, 7), (0.5, 1.0, 0.7), 6),
    ],
)
def test_a_chord_with_a_soft_root_is_named_by_its_lowest_note(
    root: str, steps: tuple[int, ...], gains: tuple[float, ...], harmonics: int
) -> None:
    y = voiced_chord(root, steps, gains, harmonics)
    assert analyze_one_shot(y=y, sr=SR).root_note == root


def _resonate(x: np.ndarray, hz: float, width_hz: float) -> np.ndarray:
    """A two-pole resonator (one formant)."""
    r = np.exp(-np.pi * width_hz / SR)
    c1, c2 = 2 * r * np.cos(2 * np.pi * hz / SR), -r * r
    out = np.zeros(x.size)
    for i in range(x.size):
        out[i] = x[i] + c1 * out[i - 1] + c2 * out[i - 2] if i >= 2 else x[i]
    return out


def sung_oo(note: str, *, seconds: float = 1.1, seed: int = 5) -> np.ndarray:
    """A sung "oo" (formants 300, 870 and 2,240 Hz): a glottal pulse train at ``note``
    with a little breath noise, through the three formants. The breath rings the lowest
    formant into a broad peak of its own under the sung note."""
    t = _t(seconds)
    pulses = np.diff(np.floor(_hz(note) * t), prepend=0.0)
    pulses += 0.02 * np.random.default_rng(seed).standard_normal(t.size)
    y = sum(
        _resonate(pulses, hz, bw) * 0.8**k
        for k, (hz, bw) in enumerate(((300.0, 50.0), (870.0, 80.0), (2240.0, 120.0)))
    )
    return _norm(np.asarray(y) * np.minimum(1.0, t / 0.03) * np.clip((seconds - t) / 0.05, 0, 1))


@pytest.mark.parametrize("note", ["A#4", "B4", "C5"])
def test_a_sung_vowel_is_not_named_by_its_formant(note: str) -> None:
    assert analyze_one_shot(y=sung_oo(note), sr=SR).root_note == note


@pytest.mark.parametrize("note", ["E2", "A2"])
def test_a_bass_with_a_resonance_under_it_out_of_tune_keeps_its_note(note: str) -> None:
    # A slap bass's body mode 7.5 semitones under the string: loud, but between two
    # semitones of the note, so no note of a chord.
    bass = _partials(note, {0.649: -10.0, 1.0: 0.0, 2.0: -8.0, 3.0: -14.0})
    assert analyze_one_shot(y=bass, sr=SR).root_note == note


def tuned_snare(hz: float, *, seconds: float = 0.45, seed: int = 11) -> np.ndarray:
    """An electronic snare tuned low: a head ringing at ``hz`` (sinking 2 semitones) and
    white-ish wire noise that rattles on above 2 kHz for a couple of hundred ms."""
    t = _t(seconds)
    f = hz * 2 ** (2.0 * np.exp(-t / 0.03) / 12)
    head = np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t / 0.2)
    noise = np.diff(np.random.default_rng(seed).standard_normal(t.size), prepend=0.0)
    wires = 0.35 * noise * np.exp(-t / 0.15)
    return _norm((head + wires) * np.minimum(1.0, t / 0.001))


@pytest.mark.parametrize("hz", [140.0, 180.0, 220.0])
def test_a_tuned_snare_is_a_snare_without_a_root(hz: float) -> None:
    res = analyze_one_shot(y=tuned_snare(hz), sr=SR)
    assert (res.instrument, res.root_note) == ("snare", None)


def driven_sub(note: str, *, drop_st: float, drive: float, seconds: float = 1.2) -> np.ndarray:
    """A sub bass dropping ``drop_st`` semitones into its note in ~60 ms, through tanh
    saturation (odd harmonics over the sine)."""
    t = _t(seconds)
    f = _hz(note) * 2 ** (drop_st * np.exp(-t / 0.02) / 12)
    y = np.tanh(drive * np.sin(2 * np.pi * np.cumsum(f) / SR))
    return _norm(y * np.minimum(1.0, t / 0.004) * np.exp(-t / 1.5))


@pytest.mark.parametrize(("note", "drive"), [("A0", 1.0), ("A#0", 6.0), ("A0", 10.0)])
def test_a_sub_bass_below_c1_is_named_in_its_own_octave(note: str, drive: float) -> None:
    # Under the old B0 floor of the tracker an A0 sub read B0.
    sub = driven_sub(note, drop_st=6.0, drive=drive)
    assert analyze_one_shot(y=sub, sr=SR).root_note == note


@pytest.mark.parametrize("note", ["G#2", "A1", "D2"])
def test_a_thin_bass_whose_octave_outsings_its_fundamental_keeps_its_octave(note: str) -> None:
    # Four partials, the 2nd 7 dB over the fundamental and nothing above the 4th: no 5th
    # or 7th to miss, so not an organ's sub-octave stop.
    thin = _partials(note, {1.0: -7.0, 2.0: 0.0, 3.0: -13.0, 4.0: -15.0}, seconds=0.7, decay_s=0.4)
    assert analyze_one_shot(y=thin, sr=SR).root_note == note


def detuned_stab(
    root: str, intervals: tuple[int, ...], *, square: bool, seconds: float = 0.5
) -> np.ndarray:
    """A synth chord stab: two oscillators per note detuned +-8 cents (saw or square,
    random phases from a fixed seed), 20 ms attack, gone in ~0.3 s."""
    rng = np.random.default_rng(5)
    t = _t(seconds)
    y = np.zeros(t.size)
    for st in intervals:
        for cents in (-8.0, 8.0):
            f = _hz(root) * 2 ** ((st + cents / 100) / 12)
            phase = rng.uniform(0, 6)
            for k in range(1, 12, 2 if square else 1):
                if k * f < SR / 2 - 500:
                    y += np.sin(2 * np.pi * k * f * t + k * phase) / k
    return _norm(y * np.minimum(1.0, t / 0.02) * np.exp(-t / 0.12))


@pytest.mark.parametrize(
    ("root", "intervals", "square"),
    [
        ("D3", (0, 4, 7, 11), True),  # major seventh
        ("E3", (0, 4, 7, 11), True),
        ("A#2", (0, 3, 8), False),  # a major triad over its third
        ("D3", (0, 3, 7), False),  # minor triad
        ("A#2", (0, 3, 7), True),
        ("D3", (0, 4, 9), False),  # a minor triad over its third
        ("E3", (0, 4, 9), False),
    ],
)
def test_a_detuned_chord_stab_is_named_by_its_lowest_note(
    root: str, intervals: tuple[int, ...], square: bool
) -> None:
    # The chorus smears the common period: the tracker settles at a compromise a quarter
    # tone off a note, or on a period octaves under the chord where nothing plays.
    stab = detuned_stab(root, intervals, square=square)
    assert analyze_one_shot(y=stab, sr=SR).root_note == root


@pytest.mark.parametrize("note", ["G1", "A1", "C2", "E1"])
def test_a_120_ms_bass_note_is_named_by_its_tracked_pitch(note: str) -> None:
    # One or two periods held: the spectrum's partials are smeared over semitones, and
    # moving the tracked pitch to the strongest bin near it named G1 G#1 and E1 D1.
    t = _t(0.12)
    y = sum(np.sin(2 * np.pi * k * _hz(note) * t) / k**1.5 for k in range(1, 9))
    y = np.asarray(y) * np.minimum(1.0, t / 0.003) * np.clip((0.12 - t) / 0.01, 0, 1)
    assert analyze_one_shot(y=_norm(y), sr=SR).root_note == note
