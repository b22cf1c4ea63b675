"""The ground-truth generator: deterministic, valid audio, and hits where the truth says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.synth import (
    PATTERN_TEMPO_RANGES,
    PATTERNS,
    GrooveSpec,
    random_spec,
    synthesize_groove,
    write_audio,
)

SR = 22050


def _onset_strength_at(y: np.ndarray, t: float, sr: int = SR) -> float:
    """Energy of the high-passed signal just after ``t`` over just before it."""
    hp = np.diff(y, prepend=0.0)
    i = round(t * sr)
    w = int(0.006 * sr)
    after = float(np.mean(hp[i : i + w] ** 2))
    before = float(np.mean(hp[max(0, i - 2 * w) : i - w] ** 2)) + 1e-12
    return after / before


def test_same_spec_gives_identical_audio() -> None:
    spec = GrooveSpec(tempo_bpm=97.0, swing_percent=60.0, jitter_ms=4.0, seed=11, duration_s=4.0)
    y1, t1 = synthesize_groove(spec)
    y2, t2 = synthesize_groove(spec)
    assert np.array_equal(y1, y2)
    assert np.array_equal(t1.beats_s, t2.beats_s)
    y3, _ = synthesize_groove(
        GrooveSpec(tempo_bpm=97.0, swing_percent=60.0, jitter_ms=4.0, seed=12, duration_s=4.0)
    )
    assert not np.array_equal(y1, y3)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_audio_is_mono_float32_in_range(pattern: str) -> None:
    spec = GrooveSpec(
        pattern=pattern,
        tempo_bpm=float(np.mean(PATTERN_TEMPO_RANGES[pattern])),
        duration_s=3.0,
        seed=1,
    )
    y, truth = synthesize_groove(spec)
    assert y.dtype == np.float32
    assert y.ndim == 1
    assert len(y) == round(3.0 * SR)
    assert np.all(np.isfinite(y))
    assert 0.5 < float(np.max(np.abs(y))) <= 1.0
    assert truth.pattern == pattern


def test_truth_grid() -> None:
    spec = GrooveSpec(tempo_bpm=120.0, start_s=0.8, duration_s=10.0, key="f#m")
    _, truth = synthesize_groove(spec)
    assert truth.key == "F# minor"
    assert truth.camelot == "11A"
    assert np.allclose(np.diff(truth.beats_s), 0.5)
    assert truth.beats_s[0] >= 0.0
    assert truth.beats_s[-1] < 10.0
    # The pickup beat before the first downbeat is part of the truth too.
    assert truth.beats_s[0] == pytest.approx(0.3)
    assert truth.downbeats_s[0] == pytest.approx(0.8)
    assert np.allclose(np.diff(truth.downbeats_s), 2.0)
    assert set(np.round(truth.downbeats_s, 6)) <= set(np.round(truth.beats_s, 6))
    assert truth.swing_ratio == pytest.approx(1.0)


@pytest.mark.parametrize("swing", [50.0, 58.0, 66.7])
def test_offbeat_hats_land_at_the_swing_position(swing: float) -> None:
    spec = GrooveSpec(
        tempo_bpm=90.0, swing_percent=swing, mix="drums_only", pattern="rock", duration_s=6.0
    )
    y, truth = synthesize_groove(spec)
    beat = 60.0 / 90.0
    # Beat 1 of the first full bar, off-beat 8th after it.
    t_on = truth.downbeats_s[1]
    t_off = t_on + swing / 100.0 * beat
    assert _onset_strength_at(y, t_off) > 20.0
    if swing > 55.0:
        # Nothing starts at the straight position.
        assert _onset_strength_at(y, t_on + 0.5 * beat) < 3.0


@pytest.mark.parametrize("lag_ms", [-12.0, 25.0])
def test_backbeat_snare_is_shifted_by_the_lag(lag_ms: float) -> None:
    spec = GrooveSpec(
        tempo_bpm=100.0, backbeat_lag_ms=lag_ms, mix="drums_only", pattern="rock", duration_s=6.0
    )
    y, truth = synthesize_groove(spec)
    beat2 = truth.downbeats_s[1] + 60.0 / 100.0
    assert _onset_strength_at(y, beat2 + lag_ms / 1000.0) > 20.0


def test_aliases_and_validation() -> None:
    assert GrooveSpec(pattern="doubletime", tempo_bpm=174.0).pattern == "dnb"
    assert GrooveSpec(key="8A").key == "A minor"
    with pytest.raises(InvalidQueryError):
        GrooveSpec(tempo_bpm=300.0)
    with pytest.raises(InvalidQueryError):
        GrooveSpec(pattern="polka")
    with pytest.raises(InvalidQueryError):
        GrooveSpec(key="H major")
    with pytest.raises(InvalidQueryError):
        GrooveSpec(swing_percent=40.0)


def test_random_spec_draws_within_ranges() -> None:
    rng = np.random.default_rng(5)
    specs = [random_spec(rng) for _ in range(60)]
    assert {s.pattern for s in specs} == set(PATTERNS)
    for s in specs:
        lo, hi = PATTERN_TEMPO_RANGES[s.pattern]
        assert lo <= s.tempo_bpm <= hi
        assert 50.0 <= s.swing_percent <= 72.0
        assert 0.0 <= s.jitter_ms <= 8.0
        assert -15.0 <= s.backbeat_lag_ms <= 30.0
    assert len({s.key for s in specs}) > 12
    fixed = random_spec(rng, pattern="halftime", key="Bb major", tempo_bpm=150.0)
    assert (fixed.pattern, fixed.key, fixed.tempo_bpm) == ("halftime", "Bb major", 150.0)
    # Same generator state, same spec.
    assert random_spec(np.random.default_rng(9)) == random_spec(np.random.default_rng(9))


@pytest.mark.parametrize("suffix", ["wav", "flac", "ogg", "mp3"])
def test_write_audio_round_trips(tmp_path: Path, suffix: str) -> None:
    y, _ = synthesize_groove(GrooveSpec(duration_s=2.0))
    path = write_audio(tmp_path / f"loop.{suffix}", y, SR)
    back, sr = sf.read(str(path), dtype="float32")
    assert sr == SR
    assert abs(len(back) - len(y)) < 0.1 * SR  # lossy codecs pad a little
    if suffix in ("wav", "flac"):
        assert np.max(np.abs(back - y)) < 1e-3


def test_write_audio_rejects_unknown_formats(tmp_path: Path) -> None:
    y, _ = synthesize_groove(GrooveSpec(duration_s=1.0))
    with pytest.raises(InvalidQueryError):
        write_audio(tmp_path / "loop.xyz", y, SR)


def test_repeated_tones_are_rendered_once_without_changing_a_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """synthesize_groove renders each distinct tone once per call (the demo build's main
    cost); the audio must be exactly what rendering every note afresh gives."""
    from groovegraph.tools import synth

    spec = GrooveSpec(tempo_bpm=96.0, duration_s=8.0, sample_rate=SR, seed=7, mix="full")
    calls: list[tuple[object, ...]] = []
    real_tone = synth._tone

    def counted(*args: object, **kwargs: object) -> np.ndarray:
        calls.append((*args, *sorted(kwargs.items())))
        return real_tone(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(synth, "_tone", counted)
    cached, _ = synthesize_groove(spec)
    assert len(calls) == len(set(calls))  # no tone rendered twice in one loop
    distinct = len(calls)
    monkeypatch.setattr(synth.functools, "cache", lambda fn: fn)
    calls.clear()
    fresh, _ = synthesize_groove(spec)
    assert len(calls) > distinct  # the loop does repeat notes
    np.testing.assert_array_equal(cached, fresh)
