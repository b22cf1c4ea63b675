"""Plots and previews on synthesized grooves with known timing (no analysis run: the
beat grid given to them is the generator's truth)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import soundfile as sf

from groovegraph.state import Analysis
from groovegraph.tools import plots
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.harmony import compatibility
from groovegraph.tools.preview import click_track, mix_plan, render_mix, wav_bytes
from groovegraph.tools.synth import GrooveSpec, synthesize_groove

SR = 22050


def groove(**kw: object) -> tuple[np.ndarray, Analysis]:
    spec = GrooveSpec(**{"duration_s": 8.0, "sample_rate": SR, "seed": 3, **kw})  # type: ignore[arg-type]
    y, truth = synthesize_groove(spec)
    swing = float(truth.swing_percent)
    analysis = Analysis(
        file="groove.wav",
        sha256="0" * 64,
        duration_s=float(spec.duration_s),
        sample_rate=SR,
        tempo_bpm=float(truth.tempo_bpm),
        tempo_confidence=0.9,
        meter=4,
        beats_s=[float(b) for b in truth.beats_s],
        downbeats_s=[float(d) for d in truth.downbeats_s],
        swing_percent=swing,
        swing_ratio=swing / (100 - swing),
        swing_subdivision=int(truth.swing_subdivision),
        timing_deviation_ms=1.0,
        backbeat_lag_ms=float(truth.backbeat_lag_ms),
        key=truth.key,
        key_runner_up="A minor",
        camelot=truth.camelot,
        key_confidence=0.8,
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )
    return y.astype(np.float32), analysis


def test_grid_svg_has_one_element_per_beat_and_bar() -> None:
    y, a = groove(tempo_bpm=96.0, swing_percent=58.0)
    svg = plots.render("grid", a, fmt="svg", y=y, sr=SR).decode()
    assert len(re.findall(r'id="beat-\d+"', svg)) == len(a.beats_s or [])
    assert len(re.findall(r'id="downbeat-\d+"', svg)) == len(a.downbeats_s or [])
    assert "96.0 BPM" in svg
    png = plots.render("grid", a, fmt="png", y=y, sr=SR)
    assert png[:4] == b"\x89PNG"
    # Deterministic bytes: the cache may serve either render.
    assert plots.render("grid", a, fmt="svg", y=y, sr=SR).decode() == svg


def test_pocket_reads_a_laid_back_snare() -> None:
    y, a = groove(
        tempo_bpm=92.0, swing_percent=50.0, backbeat_lag_ms=20.0, pattern="rock", mix="drums_only"
    )
    hits = plots.pocket_hits(a, plots.band_onsets(y, SR))
    kick = np.median([h.offset_ms for h in hits if h.band == "kick"])
    snare = np.median([h.offset_ms for h in hits if h.band == "snare"])
    assert abs(kick) < 5.0, kick
    assert snare - kick == pytest.approx(20.0, abs=6.0)
    svg = plots.render("pocket", a, y=y, sr=SR).decode()
    assert 'id="hits-kick"' in svg
    assert 'id="hits-snare"' in svg


@pytest.mark.parametrize("swing", [50.0, 58.0, 66.0])
def test_swing_per_pair_follows_the_groove(swing: float) -> None:
    y, a = groove(tempo_bpm=96.0, swing_percent=swing)
    starts, values = plots.swing_per_pair(a, plots.band_onsets(y, SR))
    assert starts.size >= 8
    assert float(np.median(values)) == pytest.approx(swing, abs=2.5)


def test_key_wheel_and_one_shots() -> None:
    _, a = groove(tempo_bpm=96.0, key="A minor")
    svg = plots.render("key", a).decode()
    assert 'id="key-8A"' in svg
    assert "A minor" in svg
    drums = a.model_copy(update={"key": None, "camelot": None, "key_runner_up": None})
    assert "no key" in plots.render("key", drums).decode()
    shot = a.model_copy(
        update={"kind": "one_shot", "beats_s": None, "downbeats_s": None, "tempo_bpm": None}
    )
    with pytest.raises(plots.PlotUnavailableError):
        plots.render("pocket", shot, y=np.zeros(SR, dtype=np.float32), sr=SR)
    assert b"no beat grid" in plots.render("grid", shot, y=np.zeros(SR, dtype=np.float32), sr=SR)


def test_mix_plan_stretches_and_shifts_as_the_verdict_proposes() -> None:
    _, a = groove(tempo_bpm=96.0, key="A minor")
    _, b = groove(tempo_bpm=100.0, key="Eb minor")  # a tritone away: a clash
    plan = mix_plan(a, b)
    assert plan.stretch_rate == pytest.approx(0.96)
    assert plan.semitones in (6, -6)  # Eb minor moved onto A minor
    # The verdict is the chat's, on the pair as it is (one function): a tritone clashes.
    as_is = compatibility(a, b)
    assert (plan.verdict, plan.score) == (as_is.verdict, as_is.score)
    assert plan.verdict == "poor"
    assert as_is.key is not None
    assert plan.key_relation == as_is.key.relation != "same"
    # After the shift the keys are the same, and the verdict after says so.
    assert plan.after.key_relation == "same"
    assert plan.after.verdict == "great"
    assert plan.after.score > plan.score
    # 100 vs 124 BPM in one key: a 24 % stretch is not "great" because the preview stretches.
    _, slow = groove(tempo_bpm=100.0, key="A minor")
    _, fast = groove(tempo_bpm=124.0, key="A minor")
    plan = mix_plan(slow, fast)
    assert plan.verdict == compatibility(slow, fast).verdict
    assert plan.verdict not in ("great", "good")
    _, near = groove(tempo_bpm=190.0, key="E minor")  # adjacent key, double time
    plan = mix_plan(a, near)
    assert plan.tempo_relation == "double_time"
    assert plan.semitones == 0
    assert plan.key_relation == plan.after.key_relation == "adjacent"
    shot = b.model_copy(update={"tempo_bpm": None, "beats_s": None, "kind": "one_shot"})
    with pytest.raises(InvalidQueryError):
        mix_plan(a, shot)


def test_a_mix_plan_says_the_verdict_before_and_after_its_shift() -> None:
    """Three semitones apart in the same mode (C minor on A minor): the plan shifts B
    onto A's key, and its JSON keeps the pair as it is and after the shift apart."""
    from groovegraph.tools.harmony import key_relation, verdict_for

    _, a = groove(tempo_bpm=92.0, key="A minor")
    _, b = groove(tempo_bpm=92.0, key="C minor")
    plan = mix_plan(a, b).as_json()
    assert plan["semitones"] == -3
    assert plan["key_relation"] == key_relation("A minor", "C minor").relation
    assert plan["verdict"] == verdict_for(float(plan["score"]))  # type: ignore[arg-type]
    after = plan["after"]
    assert isinstance(after, dict)
    assert after["key_relation"] == "same"
    assert after["verdict"] == verdict_for(after["score"]) == "great"


def test_render_mix_and_click_track() -> None:
    ya, a = groove(tempo_bpm=96.0, key="A minor")
    yb, b = groove(tempo_bpm=100.0, key="C major", seed=9)
    plan = mix_plan(a, b)
    mix = render_mix(ya, yb, SR, a, b, plan, seconds=6.0)
    assert mix.size == 6 * SR
    assert 0.1 < float(np.max(np.abs(mix))) <= 0.9
    clicked = click_track(ya, SR, a)
    assert clicked.size == ya.size

    def accent(x: np.ndarray, at_s: float) -> float:
        w = x[int(at_s * SR) : int(at_s * SR) + 1024]
        spec = np.abs(np.fft.rfft(w * np.hanning(w.size))) ** 2
        freqs = np.fft.rfftfreq(w.size, 1 / SR)
        return float(spec[(freqs > 1400) & (freqs < 1600)].sum() / spec.sum())

    # The accent click (1.5 kHz) is on every bar start, and not between beats.
    for bar in a.downbeats_s or []:
        assert accent(clicked, bar) > 5 * accent(ya, bar) + 0.01
    beats = a.beats_s or []
    between = (beats[1] + beats[2]) / 2
    assert accent(clicked, between) < 2 * accent(ya, between) + 0.01
    data, sr = sf.read(io.BytesIO(wav_bytes(mix, SR)))
    assert sr == SR
    assert len(data) == mix.size


def test_previews_keep_stereo_and_the_rate(tmp_path: object) -> None:
    """A stereo 44.1 kHz loop is heard in stereo at 44.1 kHz: the click on both
    channels, a mono B laid on a stereo A in the middle (the outside trial got 22.05 kHz
    mono back)."""
    from pathlib import Path

    from groovegraph.tools.decode import load_audio

    sr = 44100
    ya, a = groove(tempo_bpm=96.0, key="A minor", sample_rate=sr)
    yb, b = groove(tempo_bpm=100.0, key="C major", seed=9, sample_rate=sr)
    left, right = ya, 0.5 * np.roll(ya, 441)  # two different channels
    path = Path(str(tmp_path)) / "stereo.wav"
    sf.write(path, np.stack([left, right], axis=1), sr, subtype="PCM_16")
    stereo = load_audio(path, sr=sr, keep_channels=2)
    assert stereo.y.shape == (2, ya.size)
    assert np.abs(stereo.y[0] - left).max() < 1e-3
    assert np.abs(stereo.y[1] - right).max() < 1e-3
    assert load_audio(path, sr=sr).y.shape == (ya.size,)  # the analysis still gets mono
    half = load_audio(path, sr=22050, keep_channels=2)  # resampled, both channels
    assert half.y.shape == (2, ya.size // 2)

    clicked = click_track(stereo.y, sr, a)
    assert clicked.shape == stereo.y.shape

    def accent(x: np.ndarray, at_s: float) -> float:
        w = x[int(at_s * sr) : int(at_s * sr) + 2048]
        spec = np.abs(np.fft.rfft(w * np.hanning(w.size))) ** 2
        freqs = np.fft.rfftfreq(w.size, 1 / sr)
        return float(spec[(freqs > 1400) & (freqs < 1600)].sum() / spec.sum())

    for bar in a.downbeats_s or []:  # the accent click is on both channels
        for ch in range(2):
            assert accent(clicked[ch], bar) > 5 * accent(stereo.y[ch], bar) + 0.01
    mix = render_mix(stereo.y, yb, sr, a, b, mix_plan(a, b), seconds=4.0)
    assert mix.shape == (2, 4 * sr)
    assert not np.allclose(mix[0], mix[1])  # A's channels stay apart
    data, got_sr = sf.read(io.BytesIO(wav_bytes(mix, sr)))
    assert got_sr == sr
    assert data.shape == (4 * sr, 2)


@pytest.mark.parametrize("sr", [22050, 44100])
def test_band_onsets_are_librosas(sr: int) -> None:
    """The numpy spectrum and peak picking find exactly the onsets librosa's stft,
    power_to_db and onset_detect find (the plots no longer import librosa.core)."""
    import librosa

    y, _ = groove(tempo_bpm=96.0, swing_percent=58.0, sample_rate=sr)
    hop, n_fft = 128, 512
    spec = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop)) ** 2
    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    rises = []
    for lo, hi in plots.BANDS.values():
        rows = (freqs >= lo) & (freqs < min(hi, sr / 2))
        energy = librosa.power_to_db(spec[rows].sum(axis=0) + 1e-10)
        rise = np.maximum(0.0, np.diff(energy, prepend=energy[:1]))
        rises.append(rise / float(np.percentile(rise, 98)))
    stack = np.asarray(rises)
    got = plots.band_onsets(y, sr)
    for i, band in enumerate(plots.BANDS):
        frames = librosa.onset.onset_detect(
            onset_envelope=stack[i], sr=sr, hop_length=hop, backtrack=False, delta=0.2, wait=2
        )
        keep = [
            f for f in frames if int(np.argmax(stack[:, max(0, f - 1) : f + 2].max(axis=1))) == i
        ]
        want = librosa.frames_to_time(np.asarray(keep, dtype=int), sr=sr, hop_length=hop)
        np.testing.assert_allclose(got[band], want + n_fft / 4 / sr, atol=1e-9)
    assert sum(times.size for times in got.values()) >= 16  # a groove's worth of hits


def test_no_pocket_plot_where_the_analysis_measured_no_pocket() -> None:
    # A loop without drum hits has a beat grid but no pocket (backbeat lag and timing
    # deviation null): a plot of per-hit timing would draw band "hits" among its chord
    # attacks and a snare median, as an outside tester saw (+33 ms on a drumless pad loop).
    y, a = groove(tempo_bpm=100.0, key="D minor")
    drumless = a.model_copy(update={"backbeat_lag_ms": None, "timing_deviation_ms": None})
    with pytest.raises(plots.PlotUnavailableError, match="no drum hits"):
        plots.render("pocket", drumless, y=y, sr=SR)
    assert b"hits-" in plots.render("pocket", a, y=y, sr=SR)


def test_the_servers_plot_warm_up_draws_every_kind() -> None:
    # The server draws each plot kind once after it is ready (server.wiring.warm_up_plots);
    # its warm-up groove must have a measured pocket, or every start logged
    # plots_warm_up_failed with a traceback and the pocket plot stayed cold (outside tester).
    plots.warm_up()
