"""The analysis pipeline: analyze_file on synthesized grooves with known truth, the batch
runner (in-process and the real spawn pool: timeouts, worker crashes, mixed good and bad
files) and warm-up."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools import analysis
from groovegraph.tools.analysis import (
    AnalysisPool,
    analyze_file,
    analyze_many,
    analyze_signal,
    warm_up,
)
from groovegraph.tools.errors import (
    AudioTooShortError,
    CorruptAudioError,
    DecodeTimeoutError,
    GrooveGraphError,
    NoPitchedContentError,
    SilentAudioError,
    UnsupportedFormatError,
)
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio
from groovegraph.tools.tonality import estimate_key
from tests.unit._analysis_pool_tasks import hang_or_crash

SPEC = GrooveSpec(
    tempo_bpm=96.0, swing_percent=58.0, key="A minor", pattern="boombap", duration_s=12.0,
    sample_rate=44100, seed=7,
)  # fmt: skip


@pytest.fixture(scope="module")
def groove(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GrooveSpec]:
    y, _ = synthesize_groove(SPEC)
    path = write_audio(tmp_path_factory.mktemp("groove") / "boombap 96.flac", y, SPEC.sample_rate)
    return path, SPEC


def test_analyze_file_fills_every_field_with_sane_values(
    groove: tuple[Path, GrooveSpec], settings: Settings
) -> None:
    path, spec = groove
    result = analyze_file(path, settings=settings)

    assert isinstance(result, Analysis)
    assert set(result.model_dump()) == set(Analysis.model_fields)
    assert result.file == str(path)
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.duration_s == pytest.approx(spec.duration_s, abs=0.01)
    assert result.sample_rate == 44100  # the file's rate, not the analysis rate
    assert result.tempo_bpm == pytest.approx(spec.tempo_bpm, rel=0.02)
    assert 0.0 <= result.tempo_confidence <= 1.0
    beats = np.asarray(result.beats_s)
    assert len(beats) >= 0.8 * spec.duration_s * spec.tempo_bpm / 60
    assert np.all(np.diff(beats) > 0)
    assert beats[0] >= 0.0
    assert beats[-1] <= spec.duration_s
    assert result.swing_percent == pytest.approx(spec.swing_percent, abs=3.0)
    assert result.swing_ratio == pytest.approx(
        result.swing_percent / (100 - result.swing_percent), rel=1e-6
    )
    assert 0.0 <= result.timing_deviation_ms < 60.0
    assert abs(result.backbeat_lag_ms) < 15.0
    assert result.key == "A minor"
    assert result.camelot == "8A"
    assert result.key_runner_up is not None
    assert result.key_runner_up != result.key
    assert 0.0 <= result.key_confidence <= 1.0
    assert -40.0 < result.rms_db < 0.0
    assert 1.0 < result.onset_rate_hz < 20.0


def test_only_the_first_analysis_max_s_seconds_are_measured(
    groove: tuple[Path, GrooveSpec], tmp_path: Path
) -> None:
    path, spec = groove
    short = Settings(data_dir=tmp_path / "data", analysis_max_s=6.0)
    result = analyze_file(path, settings=short)
    assert result.duration_s == pytest.approx(spec.duration_s, abs=0.01)
    assert max(result.beats_s) <= 6.0


def test_silence_is_refused_by_the_analysis(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "silence.wav"
    sf.write(str(path), np.zeros(44100 * 3, np.float32), 44100)
    with pytest.raises(SilentAudioError) as err:
        analyze_file(path, settings=settings)
    assert err.value.path == str(path)
    assert isinstance(err.value, AudioTooShortError)


def test_too_short_clip_names_the_file(tmp_path: Path, settings: Settings) -> None:
    y, _ = synthesize_groove(GrooveSpec(duration_s=1.0, sample_rate=22050))
    path = write_audio(tmp_path / "blip.wav", y, 22050)
    with pytest.raises(AudioTooShortError) as err:
        analyze_file(path, settings=settings)
    assert err.value.path == str(path)


DRUMS = GrooveSpec(
    tempo_bpm=92.0, swing_percent=62.0, pattern="rock", mix="drums_only", duration_s=8.0,
    sample_rate=22050, seed=3,
)  # fmt: skip


def test_a_drum_break_analyses_with_no_key(tmp_path: Path, settings: Settings) -> None:
    # A drum break has nothing pitched: the key estimator says so with its own error...
    y, _ = synthesize_groove(DRUMS)
    with pytest.raises(NoPitchedContentError):
        estimate_key(y=y, sr=DRUMS.sample_rate)
    # ...and the analysis keeps everything a producer wants from it, with key null.
    path = write_audio(tmp_path / "break 92.wav", y, DRUMS.sample_rate)
    result = analyze_file(path, settings=settings)
    assert result.tempo_bpm == pytest.approx(DRUMS.tempo_bpm, rel=0.02)
    assert result.swing_percent == pytest.approx(DRUMS.swing_percent, abs=3.0)
    assert len(result.beats_s) >= 0.8 * DRUMS.duration_s * DRUMS.tempo_bpm / 60
    assert result.key is None
    assert result.camelot is None
    assert result.key_runner_up is None
    assert result.key_confidence == 0.0
    # The JSON contract keeps the keys, as null.
    doc = json.loads(result.model_dump_json())
    assert doc["key"] is None
    assert doc["camelot"] is None
    assert doc["key_runner_up"] is None
    assert doc["key_confidence"] == 0.0
    assert Analysis.model_validate(doc) == result


def test_analyze_signal_defaults_describe_the_signal() -> None:
    y, _ = synthesize_groove(GrooveSpec(duration_s=6.0, sample_rate=22050, seed=3))
    result = analyze_signal(y=y, sr=22050)
    assert result.duration_s == pytest.approx(6.0)
    assert result.sample_rate == 22050
    assert result.file == "<signal>"


# --- batches ------------------------------------------------------------------------------


def _batch(tmp_path: Path, n_good: int) -> tuple[list[str], list[str]]:
    good = []
    for i in range(n_good):
        y, _ = synthesize_groove(GrooveSpec(duration_s=4.0, seed=i, tempo_bpm=90.0 + 10 * i))
        good.append(str(write_audio(tmp_path / f"good{i}.wav", y, 22050)))
    text = tmp_path / "readme.wav"
    text.write_text("not audio at all\n" * 20)
    bad = [str(text), str(tmp_path / "missing.wav")]
    return good, bad


def test_analyze_many_in_process_reports_each_file_once(tmp_path: Path, settings: Settings) -> None:
    good, bad = _batch(tmp_path, 2)
    progress: list[tuple[int, int, str]] = []
    results = dict(
        analyze_many(
            good + bad, settings=settings, workers=1, on_progress=lambda *a: progress.append(a)
        )
    )
    assert set(results) == set(good + bad)
    assert all(isinstance(results[p], Analysis) for p in good)
    assert isinstance(results[bad[0]], UnsupportedFormatError)
    assert results[bad[1]].code == "file_not_found"  # type: ignore[union-attr]
    assert [p[0] for p in progress] == [1, 2, 3, 4]
    assert {p[1] for p in progress} == {4}


def test_analyze_many_on_the_process_pool(tmp_path: Path, settings: Settings) -> None:
    good, bad = _batch(tmp_path, 3)
    results = dict(analyze_many(good + bad, settings=settings, workers=2, inprocess_max_files=0))
    assert set(results) == set(good + bad)
    for p in good:
        assert isinstance(results[p], Analysis), results[p]
        assert results[p].file == p  # type: ignore[union-attr]
    # Errors cross the process boundary with their type, code and path intact.
    assert isinstance(results[bad[0]], UnsupportedFormatError)
    assert results[bad[0]].path == bad[0]  # type: ignore[union-attr]
    in_process = analyze_file(good[0], settings=settings)
    assert results[good[0]] == in_process


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_the_pool_starts_its_fork_server_before_the_first_file(tmp_path: Path) -> None:
    """The fork server's imports (~0.3 s) overlap the parent's own (pebble, the Analysis
    model) instead of following them: it is running as soon as the pool exists."""
    code = (
        "from multiprocessing import forkserver\n"
        "from groovegraph.settings import Settings\n"
        "from groovegraph.tools.analysis import AnalysisPool\n"
        "assert forkserver._forkserver._forkserver_pid is None\n"
        "pool = AnalysisPool(settings=Settings(), workers=2)\n"
        "print(forkserver._forkserver._forkserver_pid is not None)\n"
        "pool.close()\n"
    )
    env = {**os.environ, "GROOVEGRAPH_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "True"


def test_analyze_many_of_nothing_yields_nothing(settings: Settings) -> None:
    assert list(analyze_many([], settings=settings)) == []


def test_pool_kills_a_hung_worker_and_carries_on(tmp_path: Path) -> None:
    # 5 s: far below the 120 s hang, far above a 4 s loop's analysis (~15 ms; workers pay
    # their import and first-call costs in the initializer, outside the timeout).
    settings = Settings(data_dir=tmp_path / "data", decode_timeout_s=5.0)
    good, _ = _batch(tmp_path, 2)
    hang, crash = str(tmp_path / "hang.wav"), str(tmp_path / "crash.wav")
    names = [hang, *good, crash]
    started = time.monotonic()
    results = dict(
        analysis._analyze_pool(
            names, settings=settings, workers=2, on_progress=None, task=hang_or_crash
        )
    )
    assert time.monotonic() - started < 60  # the 120 s sleep was cut short
    assert isinstance(results[hang], DecodeTimeoutError)
    assert results[hang].path == hang  # type: ignore[union-attr]
    assert isinstance(results[crash], CorruptAudioError)
    assert "died" in results[crash].message  # type: ignore[union-attr]
    assert all(isinstance(results[p], Analysis) for p in good)


async def test_analysis_pool_futures_work_from_asyncio(tmp_path: Path, settings: Settings) -> None:
    """The server's way in: one long-lived pool, awaited with asyncio.wrap_future."""
    good, bad = _batch(tmp_path, 1)
    with AnalysisPool(settings=settings, workers=1) as pool:
        analysed = await asyncio.wait_for(asyncio.wrap_future(pool.submit(good[0])), 120)
        assert isinstance(analysed, Analysis)
        assert analysed.file == good[0]
        with pytest.raises(UnsupportedFormatError) as err:
            await asyncio.wait_for(asyncio.wrap_future(pool.submit(Path(bad[0]))), 120)
        assert err.value.path == bad[0]


def test_errors_are_grooveraph_errors(tmp_path: Path, settings: Settings) -> None:
    _, bad = _batch(tmp_path, 0)
    for _, outcome in analyze_many(bad, settings=settings):
        assert isinstance(outcome, GrooveGraphError)
        assert outcome.exit_code != 0


def test_warm_up_runs_a_real_analysis(settings: Settings) -> None:
    seconds = warm_up(settings)
    assert seconds > 0
    assert os.environ["NUMBA_CACHE_DIR"] == str(settings.numba_cache_dir)
    assert settings.numba_cache_dir.is_dir()
    # The temporary clip is cleaned up; only the cache folder may remain in the data dir.
    assert not list(settings.data_dir.glob("warmup-*"))


def test_a_forked_worker_analyses_a_file_without_importing_anything(
    tmp_path: Path, settings: Settings
) -> None:
    """Every module a file's analysis needs is in WORKER_PRELOAD (imported once by the
    fork server, inherited by every worker): a worker's warm-up and its files import
    nothing more, neither the synthesizer's numpy.random nor a lazily imported kernel."""
    y, _ = synthesize_groove(SPEC)
    path = write_audio(tmp_path / "loop.wav", y, 44100)
    code = (
        "import importlib, sys\n"
        "from groovegraph.tools.analysis import WORKER_PRELOAD\n"
        "for name in WORKER_PRELOAD:\n"
        "    importlib.import_module(name)\n"
        "before = set(sys.modules)\n"
        "from groovegraph.settings import Settings\n"
        "from groovegraph.tools.analysis import measure_file_guarded, prepare_worker\n"
        "prepare_worker(Settings())\n"
        f"fields = measure_file_guarded({str(path)!r}, Settings())\n"
        "assert isinstance(fields, dict) and fields['kind'] == 'loop', fields\n"
        "print(sorted(m for m in set(sys.modules) - before if not m.startswith('_')))\n"
    )
    env = {**os.environ, "GROOVEGRAPH_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


def test_the_worker_warm_up_signal_is_a_loop_with_a_key() -> None:
    fields = analysis._measure_signal(
        y=analysis._prime_signal(22050), sr=22050, file="<warm-up>", sha256="",
        duration_s=None, sample_rate=None,
    )  # fmt: skip
    assert fields["kind"] == "loop"
    assert fields["key"] == "A minor"
    assert fields["tempo_bpm"] > 0


def test_configure_runtime_points_numba_at_the_data_dir(tmp_path: Path) -> None:
    """In a fresh process with no NUMBA_CACHE_DIR, numba (imported afterwards, as librosa
    would) caches under DATA_DIR/numba-cache."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["GROOVEGRAPH_DATA_DIR"] = str(tmp_path / "data")
    code = (
        "from groovegraph.settings import Settings\n"
        "from groovegraph.tools.analysis import configure_runtime\n"
        "configure_runtime(Settings())\n"
        "from numba.core import config\n"
        "print(config.CACHE_DIR)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    expected = tmp_path / "data" / "numba-cache"
    assert proc.stdout.strip() == str(expected.resolve())
    assert expected.is_dir()
