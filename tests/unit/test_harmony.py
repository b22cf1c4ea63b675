"""Camelot relations for all 24 keys, tempo compatibility and the combined verdict."""

from __future__ import annotations

import math

import pytest

from groovegraph.state import Analysis
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.harmony import (
    CAMELOT_CODES,
    camelot_score_matrix,
    compatibility,
    compatible_camelots,
    key_compatibility,
    key_relation,
    tempo_compatibility,
    verdict_for,
)
from groovegraph.tools.keys import ALL_KEYS, Key, from_camelot


def _code(n: int, letter: str) -> str:
    return f"{(n - 1) % 12 + 1}{letter}"


def _semitones_up(a: Key, b: Key) -> int:
    return (b.pc - a.pc) % 12


@pytest.mark.parametrize("key", ALL_KEYS, ids=lambda k: k.camelot)
def test_relations_of_every_key(key: Key) -> None:
    n, letter = int(key.camelot[:-1]), key.camelot[-1]
    other = "B" if letter == "A" else "A"
    assert key_relation(key, key).relation == "same"
    assert key_relation(key, key).score == 1.0
    # relative: same number, other letter, and it really is the relative key
    rel = from_camelot(f"{n}{other}")
    assert rel == key.relative
    assert key_relation(key, rel).relation == "relative"
    # adjacent: a fifth up or down, same mode
    for step in (1, -1):
        b = from_camelot(_code(n + step, letter))
        assert key_relation(key, b).relation == "adjacent"
        assert b.mode == key.mode
        assert _semitones_up(key, b) == (7 if step == 1 else 5)
    # +2 = a whole tone up (energy boost), -2 = a whole tone down
    up2 = from_camelot(_code(n + 2, letter))
    assert key_relation(key, up2).relation == "energy_boost"
    assert _semitones_up(key, up2) == 2
    assert key_relation(key, from_camelot(_code(n - 2, letter))).relation == "energy_drop"
    # +7 on the wheel = one semitone up
    up7 = from_camelot(_code(n + 7, letter))
    assert key_relation(key, up7).relation == "semitone"
    assert _semitones_up(key, up7) == 1
    # parallel: same tonic, other mode
    parallel = Key(key.pc, "minor" if key.mode == "major" else "major")
    assert key_relation(key, parallel).relation == "parallel"
    # the tritone (6 steps) always clashes, with the lowest score
    far = from_camelot(_code(n + 6, letter))
    assert key_relation(key, far).relation == "clash"
    assert key_relation(key, far).score == min(
        camelot_score_matrix()[CAMELOT_CODES.index(key.camelot)]
    )


def test_relation_counts_over_all_pairs() -> None:
    from collections import Counter

    counts = Counter(key_relation(a, b).relation for a in ALL_KEYS for b in ALL_KEYS)
    assert counts["same"] == 24
    assert counts["relative"] == 24
    assert counts["adjacent"] == 48
    assert counts["diagonal"] == 24
    assert counts["parallel"] == 24
    assert sum(counts.values()) == 24 * 24


def test_scores_order_and_matrix_agree() -> None:
    m = camelot_score_matrix()
    assert m.shape == (24, 24)
    for i, a in enumerate(CAMELOT_CODES):
        for j, b in enumerate(CAMELOT_CODES):
            assert m[i, j] == key_relation(a, b).score
    s = {
        r: key_relation("8A", c).score
        for r, c in [
            ("same", "8A"),
            ("relative", "8B"),
            ("adjacent", "9A"),
            ("boost", "10A"),
            ("clash", "2A"),
        ]
    }
    assert s["same"] > s["relative"] >= s["adjacent"] > s["boost"] > s["clash"]


def test_spellings_and_camelot_codes_agree() -> None:
    rep = key_compatibility("Am", "C major")
    assert (rep.relation, rep.camelot_a, rep.camelot_b) == ("relative", "8A", "8B")
    assert key_compatibility("8A", "A minor").relation == "same"
    assert key_compatibility("F#m", "Gb minor").relation == "same"
    with pytest.raises(InvalidQueryError):
        key_compatibility("H minor", "C")


def test_compatible_camelots_for_a_minor() -> None:
    codes = compatible_camelots("A minor")
    assert codes[0] == "8A"
    assert set(codes) == {"8A", "8B", "7A", "9A", "9B", "10A", "6A"}
    assert compatible_camelots("A minor", min_score=0.95) == ["8A"]


@pytest.mark.parametrize(
    ("a", "b", "relation", "stretch"),
    [
        (96.0, 96.0, "same", 0.0),
        (96.0, 95.5, "same", (96 / 95.5 - 1) * 100),
        (100.0, 96.0, "stretch", (100 / 96 - 1) * 100),
        (174.0, 87.0, "half_time", 0.0),
        (87.0, 174.0, "double_time", 0.0),
        (140.0, 72.0, "half_time", (140 / 144 - 1) * 100),
    ],
)
def test_tempo_relations(a: float, b: float, relation: str, stretch: float) -> None:
    rep = tempo_compatibility(a, b)
    assert rep.relation == relation
    assert rep.stretch_percent == pytest.approx(stretch, abs=1e-3)
    mult = {"same": 1, "stretch": 1, "half_time": 2, "double_time": 0.5}[relation]
    assert rep.semitone_shift == pytest.approx(12 * math.log2(a / (b * mult)), abs=1e-3)


def test_tempo_score_falls_with_stretch_and_without_half_double() -> None:
    s = [tempo_compatibility(100.0, b).score for b in (100.0, 97.0, 94.0, 88.0)]
    assert s == sorted(s, reverse=True)
    assert s[0] == 1.0
    # 1 − 0.05 per % of stretch: 100 vs 88 BPM is a 13.6 % stretch
    assert s[-1] == pytest.approx(1 - 0.05 * (100 / 88 - 1) * 100, abs=1e-4)
    assert tempo_compatibility(100.0, 80.0).score == 0.0  # 25 %: nothing survives
    assert tempo_compatibility(174.0, 87.0, half_double=False).relation == "stretch"
    with pytest.raises(InvalidQueryError):
        tempo_compatibility(0.0, 100.0)
    with pytest.raises(InvalidQueryError):
        tempo_compatibility(float("nan"), 100.0)


def _analysis(bpm: float, key: str | None) -> Analysis:
    """A loop at ``bpm`` in ``key``; ``key=None`` is a drum loop (nothing pitched)."""
    from groovegraph.tools.keys import parse_key

    k = parse_key(key) if key else None
    return Analysis(
        file=f"{key or 'drums'}.wav",
        sha256="0" * 64,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=bpm,
        tempo_confidence=0.9,
        beats_s=[],
        swing_percent=55.0,
        swing_ratio=1.22,
        timing_deviation_ms=2.0,
        backbeat_lag_ms=3.0,
        key=k.name if k else None,
        camelot=k.camelot if k else None,
        key_confidence=0.8 if k else 0.0,
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )


def test_combined_verdicts_from_analyses() -> None:
    great = compatibility(_analysis(96.0, "A minor"), _analysis(97.0, "C major"))
    assert great.verdict == "great"
    assert great.key
    assert great.tempo
    assert great.a == "A minor.wav"
    assert len(great.reasons) >= 2
    clash = compatibility(_analysis(96.0, "A minor"), _analysis(96.0, "Eb minor"))
    assert clash.key is not None
    assert clash.key.relation == "clash"
    # perfect tempo cannot rescue a key clash: the verdict, its score and the key line
    # all say clash (issue 10: "workable (0.49)" beside a clashing key)
    assert clash.verdict == "poor"
    assert clash.score < 0.4
    near_clash = compatibility(_analysis(96.0, "A minor"), _analysis(96.0, "F# minor"))
    far = compatibility(_analysis(96.0, "A minor"), _analysis(104.0, "F# minor"))
    assert far.verdict == near_clash.verdict == "poor"
    assert 0 < far.score < near_clash.score < 0.4


def test_verdict_word_is_a_fixed_function_of_the_score() -> None:
    assert [verdict_for(x) for x in (1.0, 0.8, 0.7999, 0.6, 0.5, 0.4, 0.3999, 0.0)] == [
        "great", "great", "good", "good", "workable", "workable", "poor", "poor",
    ]  # fmt: skip


STRETCHES = (0.0, 1.0, 3.0, 5.0, 8.7, 12.0, 16.0, 20.0, 31.0)


@pytest.mark.parametrize("code", ["8A", "8B", "9A", "9B", "10A", "6A", "3A", "11B", "2A"])
def test_mix_score_is_key_factor_times_tempo_factor_and_falls_with_the_stretch(
    code: str,
) -> None:
    """Outside trial: a 31 % stretch in one key was "workable (0.50)" while an 8.7 %
    stretch to a neighbouring key got a worse word. The score is the Camelot factor times
    a tempo factor that only falls as the stretch grows, so neither can happen."""
    key_score = key_compatibility("A minor", code).score
    reports = [
        compatibility(_analysis(100.0, "A minor"), _analysis(100.0 / (1 + s / 100), code))
        for s in STRETCHES
    ]
    scores = [r.score for r in reports]
    assert scores == sorted(scores, reverse=True), scores
    for s, r in zip(STRETCHES, reports, strict=True):
        assert r.tempo is not None
        assert r.score == pytest.approx(key_score * max(0.0, 1 - 0.05 * s), abs=2e-3)
        assert r.verdict == verdict_for(r.score)
    ranks = ["poor", "workable", "good", "great"]
    words = [ranks.index(r.verdict) for r in reports]
    assert words == sorted(words, reverse=True)


def test_a_big_stretch_never_beats_a_small_one_to_a_neighbouring_key() -> None:
    far_same_key = compatibility(_analysis(124.0, "A minor"), _analysis(94.5, "A minor"))
    near_neighbour = compatibility(_analysis(100.0, "A minor"), _analysis(92.0, "E minor"))
    assert far_same_key.tempo is not None
    assert near_neighbour.tempo is not None
    assert far_same_key.tempo.stretch_percent > 30
    assert 8 < near_neighbour.tempo.stretch_percent < 9
    assert far_same_key.score < near_neighbour.score
    assert far_same_key.verdict == "poor"
    assert near_neighbour.verdict == "workable"
    # past ~16 % the answer says so in words
    assert any("too far to sound natural" in r for r in far_same_key.reasons)
    assert not any("too far" in r for r in near_neighbour.reasons)


def test_a_drum_loop_is_judged_on_tempo_alone_and_its_key_is_not_applicable() -> None:
    """Outside trial: a drums-only loop against a keyed loop at an 8.7 % stretch was
    "clash 0.12". Nothing pitched cannot clash: the key factor is neutral and the
    reasons say the key does not apply."""
    drums, tune = _analysis(92.0, None), _analysis(100.0, "A minor")
    for a, b in ((drums, tune), (tune, drums)):
        r = compatibility(a, b)
        assert r.key is None
        assert r.tempo is not None
        assert r.score == pytest.approx(r.tempo.score)
        assert r.verdict == verdict_for(r.tempo.score)
        assert r.verdict in ("good", "workable")  # an 8–8.7 % stretch
        assert any(reason.startswith("key: not applicable") for reason in r.reasons)
        assert "keys clash" not in " ".join(r.reasons)
    # in time, a drum loop sits on anything
    assert compatibility(_analysis(100.0, None), tune).verdict == "great"
    # with a key and no tempo there is nothing to clash and no stretch: it fits
    over_key = compatibility(drums, "A minor")
    assert over_key.verdict == "great"
    assert "any key" in over_key.reasons[0]


def test_half_and_double_time_are_said_plainly() -> None:
    r = compatibility(_analysis(140.0, "A minor"), _analysis(72.0, "A minor"))
    assert r.tempo is not None
    assert r.tempo.relation == "half_time"
    assert "only at double time" in r.tempo.explanation
    assert "A minor.wav's 72.0 BPM counted double is 144.0" in r.tempo.explanation
    assert r.score == pytest.approx(0.9 * (1 - 0.05 * abs(r.tempo.stretch_percent)), abs=1e-3)


def test_combined_from_keys_or_bpms_only() -> None:
    only_key = compatibility("Am", "Em")
    assert only_key.tempo is None
    assert only_key.key is not None
    assert only_key.verdict == "great"
    only_tempo = compatibility(170.0, 86.0)
    assert only_tempo.key is None
    assert only_tempo.tempo is not None
    assert only_tempo.tempo.relation == "half_time"
    mixed = compatibility(key_a="Am", key_b="G", bpm_a=96, bpm_b=94, label_a="x", label_b="y")
    assert mixed.key is not None
    assert mixed.key.relation == "diagonal"
    assert (mixed.a, mixed.b) == ("x", "y")
    with pytest.raises(InvalidQueryError):
        compatibility("Am", 96.0)
