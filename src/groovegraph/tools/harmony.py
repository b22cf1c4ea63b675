"""Will two things mix? Harmonic (Camelot wheel) and tempo compatibility.

Key relations follow the conventions DJs use on the Camelot wheel (numbers 1–12 around
the circle of fifths, ``A`` = minor, ``B`` = major):

=================  =========================================  =====
relation           wheel move                                 score
=================  =========================================  =====
``same``           8A → 8A                                    1.00
``relative``       8A ↔ 8B (same number, other letter)        0.90
``adjacent``       8A → 7A / 9A (one fifth)                   0.85
``diagonal``       8A → 9B, 8B → 7A (mood shift)              0.65
``energy_boost``   8A → 10A (up a whole tone)                 0.55
``energy_drop``    8A → 6A (down a whole tone)                0.50
``semitone``       8A → 3A / 1A (±7 steps = ±1 semitone)      0.40
``parallel``       8A ↔ 11B (same tonic, other mode)          0.40
``clash``          anything else                              0.0–0.2
=================  =========================================  =====

Tempo compatibility picks the cheapest of matching B as is, at double time or at half
time, and reports the stretch that takes B to A's tempo and the pitch change that
stretch causes when the deck runs without key lock (12·log2 of the ratio).

A mix's score is key factor × tempo factor (see :func:`compatibility`): the Camelot score
above (1 when a side has no key: a drum loop cannot clash) times ``1 − 0.05·|stretch %|``
(×0.9 at half/double time); its verdict word is a fixed function of the score
(:func:`verdict_for`: great ≥ 0.8, good ≥ 0.6, workable ≥ 0.4, else poor).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    KeyCompatibility,
    SampleRecord,
    TempoCompatibility,
)
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.feel import key_doubt, tempo_doubt
from groovegraph.tools.keys import ALL_KEYS, Key, parse_key, parse_note

__all__ = [
    "CAMELOT_CODES",
    "MIXES_MIN_SCORE",
    "KeyRelation",
    "all_relations",
    "camelot_score_matrix",
    "camelot_step",
    "compatibility",
    "compatible_camelots",
    "key_compatibility",
    "key_relation",
    "note_compatibility",
    "tempo_compatibility",
    "verdict_for",
]

#: Every Camelot code, ``1A … 12A, 1B … 12B`` (index order of :func:`camelot_score_matrix`).
CAMELOT_CODES: tuple[str, ...] = tuple(f"{n}{letter}" for letter in "AB" for n in range(1, 13))

#: The keys that "mix with" a key, for every search (the CLI's ``--compatible-with``, the
#: API's ``compatible_with``, the chat's "loops that mix with it") and the key plot: those
#: scoring this or more against it, the standard harmonic moves of DJ practice — the same
#: key, its relative, one step either way round the wheel. The diagonal and the ±2 energy
#: moves are rated by a mix check (good, workable) and searched when asked for ("an energy
#: boost from 8A"), not listed as keys that mix.
MIXES_MIN_SCORE = 0.85

_CLASH_FLOOR = 0.2  # a one-off clash is still better than no key info at all in a ranking


@dataclass(frozen=True)
class KeyRelation:
    """How key B relates to key A on the Camelot wheel."""

    relation: str
    score: float
    steps: int  # signed wheel steps from A's number to B's number, -5..6
    explanation: str


def _split(code: str) -> tuple[int, str]:
    return int(code[:-1]), code[-1]


def _steps(n_a: int, n_b: int) -> int:
    d = (n_b - n_a) % 12
    return d - 12 if d > 6 else d


@lru_cache(maxsize=1024)
def _relation_codes(cam_a: str, cam_b: str) -> KeyRelation:
    n_a, l_a = _split(cam_a)
    n_b, l_b = _split(cam_b)
    d = _steps(n_a, n_b)
    same_letter = l_a == l_b
    if same_letter:
        if d == 0:
            return KeyRelation("same", 1.0, d, "same key")
        if abs(d) == 1:
            return KeyRelation(
                "adjacent",
                0.85,
                d,
                f"one step {'up' if d > 0 else 'down'} the wheel (a fifth apart)",
            )
        if d == 2:
            return KeyRelation(
                "energy_boost", 0.55, d, "two steps up: a whole tone higher, an energy lift"
            )
        if d == -2:
            return KeyRelation(
                "energy_drop", 0.5, d, "two steps down: a whole tone lower, energy drops"
            )
        if abs(d) == 5:
            # ±7 steps (≡ ∓5) is one semitone: the classic "key change" jump.
            direction = "up" if d == -5 else "down"
            return KeyRelation(
                "semitone", 0.4, d, f"one semitone {direction}: a deliberate key-change jump"
            )
    else:
        if d == 0:
            return KeyRelation("relative", 0.9, d, "relative major/minor: same notes, other mood")
        # Minor → major one step up (8A→9B) and major → minor one step down (8B→7A) share
        # most notes: the "diagonal" mix.
        if (l_a == "A" and d == 1) or (l_a == "B" and d == -1):
            return KeyRelation("diagonal", 0.65, d, "diagonal move: shares most notes, mood shifts")
        if (l_a == "A" and d == 3) or (l_a == "B" and d == -3):
            return KeyRelation("parallel", 0.4, d, "same tonic, other mode: works with care")
    # Clash: the further round the wheel, the worse.
    score = round(_CLASH_FLOOR * (1.0 - (abs(d) - 1) / 5.0), 3) if abs(d) >= 1 else _CLASH_FLOOR
    return KeyRelation(
        "clash", max(0.0, score), d, f"{abs(d)} steps apart on the wheel: the keys clash"
    )


def _as_key(value: str | Key) -> Key:
    if isinstance(value, Key):
        return value
    return parse_key(value)


def key_relation(a: str | Key, b: str | Key) -> KeyRelation:
    """Relation of key ``b`` to key ``a`` (any spelling: ``"A minor"``, ``"Am"``, ``"8A"``).

    Raises
    ------
    InvalidQueryError
        If either key cannot be parsed.
    """
    return _relation_codes(_as_key(a).camelot, _as_key(b).camelot)


def key_compatibility(a: str | Key, b: str | Key) -> KeyCompatibility:
    """Camelot relation between two keys as a :class:`~groovegraph.state.KeyCompatibility`."""
    ka, kb = _as_key(a), _as_key(b)
    rel = _relation_codes(ka.camelot, kb.camelot)
    return KeyCompatibility(
        relation=rel.relation,
        score=rel.score,
        camelot_a=ka.camelot,
        camelot_b=kb.camelot,
        explanation=f"{ka.name} ({ka.camelot}) → {kb.name} ({kb.camelot}): {rel.explanation}",
    )


_NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# (relation, score, what it means) by the note's place in the key
_DEGREES = {
    0: ("root", 1.0, "the key's tonic"),
    7: ("fifth", 0.9, "the key's fifth"),
}


def note_compatibility(key: str | Key, note: str) -> KeyCompatibility:
    """How a pitched one-shot's root ``note`` ("F#1", "A") sits in ``key``: the tonic
    (1.0), the fifth (0.9), another note of the scale (0.8, natural minor for a minor
    key) or outside it (clash, 0.1). ``camelot_b`` holds the note's name.

    Raises
    ------
    InvalidQueryError
        If the key or the note cannot be parsed.
    """
    k = _as_key(key)
    pc, _ = parse_note(note)
    step = (pc - k.pc) % 12
    name = _NOTE_NAMES[pc]
    if step in _DEGREES:
        relation, score, what = _DEGREES[step]
    elif k.has_note(pc):
        relation, score, what = "in_key", 0.8, f"a note of the {k.name} scale"
    else:
        relation, score, what = "clash", 0.1, f"outside the {k.name} scale: it clashes"
    return KeyCompatibility(
        relation=relation,
        score=score,
        camelot_a=k.camelot,
        camelot_b=name,
        explanation=f"{k.name} ({k.camelot}) with a one-shot on {name}: {what}",
    )


#: Names of the intervals within an octave, by semitones.
_INTERVALS = (
    "in unison",
    "a semitone apart",
    "a whole tone apart",
    "a minor third apart",
    "a major third apart",
    "a fourth apart",
    "a tritone apart",
    "a fifth apart",
    "a minor sixth apart",
    "a major sixth apart",
    "a minor seventh apart",
    "a major seventh apart",
)


def root_compatibility(
    note_a: str, note_b: str, *, label_a: str = "A", label_b: str = "B"
) -> KeyCompatibility:
    """Two pitched one-shots (a kick and an 808): the interval between their roots, and
    how far to retune ``a`` (the shorter way, "is my kick in tune with the 808?": the
    kick) to sit on ``b``'s note. Unison 1.0, a fifth
    or fourth 0.8 (they sit as a power chord), a third or sixth 0.5, a semitone, whole tone,
    tritone or seventh clash (0.15).

    Raises
    ------
    InvalidQueryError
        If a note cannot be parsed.
    """
    pc_a, _ = parse_note(note_a)
    pc_b, _ = parse_note(note_b)
    up = (pc_b - pc_a) % 12  # semitones a goes up to reach b's pitch class
    shift = up if up <= 6 else up - 12
    between = min(up, 12 - up)
    name = _INTERVALS[between]
    if between == 0:
        relation, score = "same", 1.0
    elif between == 5:
        relation, score = "fifth", 0.8
    elif between in (3, 4):
        relation, score = "third", 0.5
    else:
        relation, score = "clash", 0.15
    text = f"{note_a} vs {note_b}: {name}"
    if between == 0:
        text += " (same note: in tune)"
    else:
        way = "up" if shift > 0 else "down"
        n = abs(shift)
        text += (
            f" — retune {label_a} {way} {n} semitone{'s' if n != 1 else ''}"
            f" or pick one on {_NOTE_NAMES[pc_b]}"
        )
        if relation == "fifth":
            text += " (a fourth/fifth apart they still sit together)"
    return KeyCompatibility(
        relation=relation,
        score=score,
        camelot_a=_NOTE_NAMES[pc_a],
        camelot_b=_NOTE_NAMES[pc_b],
        explanation=text,
    )


@lru_cache(maxsize=1)
def camelot_score_matrix() -> np.ndarray:
    """24×24 float array of key scores, rows/columns in :data:`CAMELOT_CODES` order.

    The catalog ranks 100k rows with one fancy-indexing lookup into this matrix instead of
    a Python call per row.
    """
    m = np.zeros((24, 24), dtype=np.float64)
    for i, a in enumerate(CAMELOT_CODES):
        for j, b in enumerate(CAMELOT_CODES):
            m[i, j] = _relation_codes(a, b).score
    m.setflags(write=False)
    return m


def camelot_step(key: str | Key, steps: int) -> str:
    """The Camelot code ``steps`` up the wheel from ``key`` (same letter): +1 is a fifth up,
    +2 a whole tone up (the DJ's "energy boost"), -1 a fifth down."""
    n, letter = _split(_as_key(key).camelot)
    return f"{(n - 1 + steps) % 12 + 1}{letter}"


def compatible_camelots(key: str | Key, *, min_score: float = 0.5) -> list[str]:
    """Camelot codes that mix with ``key`` at or above ``min_score``, best first.

    With the default threshold: the key itself, its relative, both neighbours, the
    diagonal move and the energy boost/drop.
    """
    if not 0.0 <= min_score <= 1.0:
        raise InvalidQueryError(f"min_score must be in 0..1, got {min_score}")
    code = _as_key(key).camelot
    scored = [(c, _relation_codes(code, c).score) for c in CAMELOT_CODES]
    return [c for c, s in sorted(scored, key=lambda cs: -cs[1]) if s >= min_score]


#: Each 1 % of time-stretch costs this much of the tempo factor: 4 % → 0.8, 10 % → 0.5,
#: 20 % and more → 0 (linear, so the penalty grows with the stretch and never flattens).
TEMPO_COST_PER_PERCENT = 0.05
#: Playing B at half or double time changes its feel: the tempo factor is multiplied by this.
HALF_DOUBLE_FACTOR = 0.9
#: Past this stretch (in %) the answer says plainly that the stretch is too far to sound natural.
FAR_STRETCH_PERCENT = 16.0


def _tempo_score(stretch_percent: float, multiplier: float) -> float:
    """The tempo factor of a mix: 1 − 0.05 per % of stretch (0 from 20 % on), × 0.9 at
    half or double time. Monotone: a bigger stretch never scores better."""
    score = max(0.0, 1.0 - TEMPO_COST_PER_PERCENT * abs(stretch_percent))
    if multiplier != 1.0:
        score *= HALF_DOUBLE_FACTOR
    return round(score, 4)


def tempo_compatibility(
    a_bpm: float, b_bpm: float, *, half_double: bool = True, label_b: str = "B"
) -> TempoCompatibility:
    """How far B must be stretched to sit on A's tempo.

    Parameters
    ----------
    a_bpm, b_bpm : float
        Tempi in beats per minute (0 < bpm ≤ 1000).
    half_double : bool
        Also consider playing B at double or half time (B·2, B/2) and keep the closest.
    label_b : str
        How the explanation names B when it plays at half or double time.

    Returns
    -------
    TempoCompatibility
        ``stretch_percent`` is the change in percent applied to B (after any
        half/double) to reach A; ``semitone_shift`` = 12·log2(ratio) is the pitch change if
        the stretch is done by varispeed.
    """
    for name, value in (("a_bpm", a_bpm), ("b_bpm", b_bpm)):
        if not isinstance(value, int | float) or not math.isfinite(value) or not 0 < value <= 1000:
            raise InvalidQueryError(
                f"{name} must be a tempo in BPM (0 < bpm ≤ 1000), got {value!r}"
            )
    options = [(1.0, "same")]
    if half_double:
        options += [(2.0, "half_time"), (0.5, "double_time")]
    best_mult, best_rel = min(options, key=lambda o: abs(math.log(a_bpm / (b_bpm * o[0]))))
    ratio = a_bpm / (b_bpm * best_mult)
    stretch = (ratio - 1.0) * 100.0
    semis = 12.0 * math.log2(ratio)
    relation = best_rel
    if best_mult == 1.0 and abs(stretch) > 1.0:
        relation = "stretch"
    if best_mult == 1.0:
        how = f"{b_bpm:.1f} → {a_bpm:.1f} BPM"
    elif best_mult == 2.0:
        how = (
            f"only at double time: {label_b}'s {b_bpm:.1f} BPM counted double is {b_bpm * 2:.1f}"
            f" → {a_bpm:.1f} BPM"
        )
    else:
        how = (
            f"only at half time: {label_b}'s {b_bpm:.1f} BPM counted half is {b_bpm / 2:.1f}"
            f" → {a_bpm:.1f} BPM"
        )
    explanation = f"{how}, stretch {stretch:+.1f} % ({semis:+.2f} semitones without key lock)"
    return TempoCompatibility(
        bpm_a=float(a_bpm),
        bpm_b=float(b_bpm),
        relation=relation,
        stretch_percent=round(stretch, 3),
        semitone_shift=round(semis, 3),
        score=_tempo_score(stretch, best_mult),
        explanation=explanation,
    )


# ----------------------------------------------------------------------------- combined

MixItem = Analysis | CatalogHit | SampleRecord | str | float | int


def _root(item: MixItem | None) -> str | None:
    """The root note of a pitched one-shot (no key, no tempo), else ``None``."""
    if isinstance(item, SampleRecord):
        item = item.analysis
    if isinstance(item, Analysis | CatalogHit) and item.key is None and item.tempo_bpm is None:
        return item.root_note
    return None


def _meter(item: MixItem | None) -> int | None:
    """Beats per bar of a measured loop, else ``None``."""
    if isinstance(item, SampleRecord):
        item = item.analysis
    meter = getattr(item, "meter", None)
    return int(meter) if isinstance(meter, int | float) and meter > 0 else None


#: What a verdict keeps when the two loops count bars differently (3/4 against 4/4).
METER_FACTOR = 0.6


def _extract(item: MixItem | None) -> tuple[str | None, float | None, str | None]:
    """(key, bpm, label) from whatever the caller has."""
    if item is None:
        return None, None, None
    if isinstance(item, SampleRecord):
        if item.analysis is None:
            raise InvalidQueryError(f"sample {item.id} has no analysis ({item.status})")
        return item.analysis.key, item.analysis.tempo_bpm, item.id
    if isinstance(item, Analysis):
        return item.key, item.tempo_bpm, item.file
    if isinstance(item, CatalogHit):
        return item.key, item.tempo_bpm, item.sample_id
    if isinstance(item, bool):
        raise InvalidQueryError("a tempo must be a number of BPM")
    if isinstance(item, int | float):
        return None, float(item), f"{float(item):g} BPM"
    if isinstance(item, str):
        return parse_key(item).name, None, item
    raise InvalidQueryError(f"cannot compare a {type(item).__name__}")


def _is_keyless(item: MixItem | None) -> bool:
    """An analysed item with a tempo but no key: a drum loop (nothing pitched to key)."""
    if isinstance(item, SampleRecord):
        return item.analysis is not None and item.analysis.key is None
    if isinstance(item, Analysis | CatalogHit):
        return item.key is None and item.tempo_bpm is not None
    return False


def _is_one_shot(item: MixItem | None) -> bool:
    if isinstance(item, SampleRecord):
        item = item.analysis
    return isinstance(item, Analysis | CatalogHit) and item.tempo_bpm is None


#: Verdict words, each the lowest score it takes (a fixed function of the score).
VERDICTS: tuple[tuple[str, float], ...] = (
    ("great", 0.8),
    ("good", 0.6),
    ("workable", 0.4),
    ("poor", 0.0),
)


def verdict_for(score: float) -> str:
    """The verdict word of a mix score: ``great`` ≥ 0.8, ``good`` ≥ 0.6, ``workable``
    ≥ 0.4, else ``poor``."""
    return next(word for word, floor in VERDICTS if score >= floor)


def _far_stretch(t: TempoCompatibility, label_b: str) -> str | None:
    """A plain sentence for a stretch too far to sound natural (over 16 %)."""
    if abs(t.stretch_percent) <= FAR_STRETCH_PERCENT:
        return None
    way = "speeding it up" if t.stretch_percent > 0 else "slowing it down"
    return (
        f"{label_b} needs a {abs(t.stretch_percent):.1f} % time-stretch ({way}): too far to "
        f"sound natural, so look for a loop nearer {t.bpm_a:.1f} BPM"
    )


def _doubts(
    sides: tuple[
        tuple[MixItem | None, str, float | None, float | None, str | None, str | None], ...
    ],
    *,
    tempo_used: bool = True,
    key_used: bool = True,
) -> list[str]:
    """The "not sure" sentences of a verdict: a side's measured tempo or key below the
    not-sure line, when the verdict used that measurement (not a value given instead,
    and only when it shows a stretch, ``tempo_used``, or a key relation, ``key_used``)."""
    out: list[str] = []
    for item, name, measured_bpm, used_bpm, measured_key, used_key in sides:
        analysis = item.analysis if isinstance(item, SampleRecord) else item
        if not isinstance(analysis, Analysis):
            continue
        if tempo_used and measured_bpm is not None and used_bpm == measured_bpm:
            doubt = tempo_doubt(name, measured_bpm, analysis.tempo_confidence)
            if doubt:
                out.append(doubt + "; the stretch above changes with it")
        if key_used and measured_key is not None and used_key == measured_key:
            doubt = key_doubt(name, measured_key, analysis.key_confidence, analysis.key_runner_up)
            if doubt:
                out.append(doubt + "; the key relation above changes with it")
    return out


def compatibility(
    a: MixItem | None = None,
    b: MixItem | None = None,
    *,
    key_a: str | None = None,
    key_b: str | None = None,
    bpm_a: float | None = None,
    bpm_b: float | None = None,
    label_a: str | None = None,
    label_b: str | None = None,
    half_double: bool = True,
    root_a: str | None = None,
    root_b: str | None = None,
) -> CompatibilityReport:
    """Key and tempo compatibility of B against A, with a verdict and reasons.

    ``a`` and ``b`` may be :class:`~groovegraph.state.Analysis`, ``CatalogHit`` or
    ``SampleRecord`` objects (key and tempo both taken from them), a key string or a BPM
    number; the keyword arguments fill in or override single values.

    The score is the product of a key factor and a tempo factor, so it only goes down
    when the keys move apart on the Camelot wheel or the stretch grows:

    * key factor: the Camelot relation's score (same 1.0, relative 0.9, adjacent 0.85,
      diagonal 0.65, energy boost 0.55, energy drop 0.5, semitone and parallel 0.4, clash
      0.2 down to 0); a pitched one-shot's root against a loop's key by
      :func:`note_compatibility`. A side without a key (a drum loop: nothing pitched)
      cannot clash, so the key factor is 1 and the report says the key is not
      applicable (``key`` is None); likewise 1 when no keys are given.
    * tempo factor: ``1 − 0.05 × |stretch %|`` (0 from 20 % on), × 0.9 when B plays at
      half or double time; 1 when no tempi are given.

    * meter factor: :data:`METER_FACTOR` when both sides are loops whose measured
      meters differ (a 3/4 waltz against a 4/4 loop), said in the reasons; else 1.

    The verdict is :func:`verdict_for` the score: ``great`` (≥ 0.8), ``good`` (≥ 0.6),
    ``workable`` (≥ 0.4) or ``poor``. A stretch over 16 % is said plainly in the reasons.

    Raises
    ------
    InvalidQueryError
        If there is nothing to compare (no key pair, no tempo pair, no drum loop), or a
        value cannot be parsed.
    """
    ka, ta, la = _extract(a)
    kb, tb, lb = _extract(b)
    key_a, key_b = key_a or ka, key_b or kb
    bpm_a = bpm_a if bpm_a is not None else ta
    bpm_b = bpm_b if bpm_b is not None else tb
    name_a = label_a or la or (key_a or f"{bpm_a} BPM")
    name_b = label_b or lb or (key_b or f"{bpm_b} BPM")
    key_rep = key_compatibility(key_a, key_b) if key_a and key_b else None
    if key_rep is None:
        # A loop and a pitched one-shot: the one-shot's root against the loop's key.
        # (``root_a``/``root_b``: a root note given as such, "an 808 on E")
        root_a, root_b = root_a or _root(a), root_b or _root(b)
        if key_a and root_b:
            key_rep = note_compatibility(key_a, root_b)
        elif key_b and root_a:
            key_rep = note_compatibility(key_b, root_a)
        elif root_a and root_b:
            # two pitched one-shots ("is my kick in tune with the 808?"): their roots
            key_rep = root_compatibility(root_a, root_b, label_a=name_a, label_b=name_b)
    tempo_rep = (
        tempo_compatibility(bpm_a, bpm_b, half_double=half_double, label_b=name_b)
        if bpm_a and bpm_b
        else None
    )
    keyless = [
        name
        for item, key, name in ((a, key_a, name_a), (b, key_b, name_b))
        if key is None and _is_keyless(item)
    ]
    if key_rep is None and tempo_rep is None and not keyless:
        one_shots = [x for x in (a, b) if _is_one_shot(x)]
        if one_shots:
            raise InvalidQueryError(
                "a one-shot has no tempo, and no pitched root to set against a key: "
                "compare it with a loop that has a key, or compare two loops"
            )
        raise InvalidQueryError("need two keys or two tempi to compare")
    key_factor = key_rep.score if key_rep is not None else 1.0
    tempo_factor = tempo_rep.score if tempo_rep is not None else 1.0
    meter_a, meter_b = _meter(a), _meter(b)
    meters_differ = meter_a is not None and meter_b is not None and meter_a != meter_b
    # a waltz against a 4/4 loop: the tempo may match, the bars do not
    meter_factor = METER_FACTOR if meters_differ else 1.0
    score = round(key_factor * tempo_factor * meter_factor, 4)
    reasons: list[str] = []
    if meters_differ:
        reasons.append(
            f"meter: {name_a} is in {meter_a}/4 and {name_b} in {meter_b}/4 — the bars do "
            "not line up (the downbeats drift apart every bar), so they only mix as a "
            f"deliberate polymeter ({meter_b} bars of one against {meter_a} of the other); "
            "pick a loop in the same meter otherwise"
        )
    if key_rep is not None:
        reasons.append(key_rep.explanation)
    elif keyless:
        who = " and ".join(keyless)
        reasons.append(
            f"key: not applicable — {who} {'is' if len(keyless) == 1 else 'are'} drums only "
            "(nothing pitched), so the keys cannot clash and the verdict is on tempo alone"
            if tempo_rep is not None
            else f"key: not applicable — {who} {'is' if len(keyless) == 1 else 'are'} drums "
            "only (nothing pitched), so it sits over any key; give a tempo to check the stretch"
        )
    if tempo_rep is not None:
        reasons.append(tempo_rep.explanation)
        far = _far_stretch(tempo_rep, name_b)
        if far:
            reasons.append(far)
        if abs(tempo_rep.semitone_shift) >= 0.5 and key_rep is not None:
            reasons.append(
                "use key lock when stretching, or the pitch moves by "
                f"{abs(tempo_rep.semitone_shift):.1f} semitones and the key relation changes"
            )
    reasons.extend(
        _doubts(
            ((a, name_a, ta, bpm_a, ka, key_a), (b, name_b, tb, bpm_b, kb, key_b)),
            tempo_used=tempo_rep is not None,
            key_used=key_rep is not None,
        )
    )
    return CompatibilityReport(
        a=name_a,
        b=name_b,
        key=key_rep,
        tempo=tempo_rep,
        score=score,
        verdict=verdict_for(score),
        reasons=reasons,
    )


def all_relations() -> dict[tuple[str, str], str]:
    """Relation name for every ordered pair of the 24 keys (for docs and tests)."""
    return {(a.camelot, b.camelot): key_relation(a, b).relation for a in ALL_KEYS for b in ALL_KEYS}
