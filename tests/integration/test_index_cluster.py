"""``groovegraph index`` on a real Dask cluster: a ``dask scheduler`` and two ``dask worker``
processes on loopback (:class:`tests.integration.dask_proc.DaskProcesses`).

The catalog the cluster builds must equal the local pool's (same ids, same analyses, the
same failure recorded), also when a worker is killed mid-run; an interrupted cluster run
resumes; the command line takes ``--cluster``.

The issue asks for 200 clips; CI on 2 cores indexes :data:`CLIPS` (3 s each) twice (local
pool, then the cluster), which keeps this module near a minute. ``benchmarks/index_cluster.py``
runs the 200.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.tools.analysis import LocalAnalyzer
from groovegraph.tools.cluster import ClusterAnalyzer
from groovegraph.tools.errors import GrooveGraphError
from tests.integration.dask_proc import DaskProcesses

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIPS = int(os.environ.get("GROOVEGRAPH_TEST_CLUSTER_CLIPS", "48"))
_GROOVES = (  # tempo, key, pattern, swing
    (92.0, "A minor", "boombap", 60.0),
    (124.0, "F major", "house", 50.0),
    (104.0, "E minor", "funk", 56.0),
    (86.0, "G minor", "shuffle", 64.0),
    (140.0, "C minor", "halftime", 52.0),
    (100.0, "D major", "funk", 54.0),
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:data:`CLIPS` distinct 3 s loops (six grooves, each copy at its own level so every
    file has its own content hash) and one truncated WAV."""
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    lib = tmp_path_factory.mktemp("cluster-lib")
    bases = []
    for i, (bpm, key, pattern, swing) in enumerate(_GROOVES):
        spec = GrooveSpec(
            tempo_bpm=bpm,
            key=key,
            pattern=pattern,
            swing_percent=swing,
            duration_s=3.0,
            sample_rate=22050,
            seed=40 + i,
        )
        bases.append((pattern, bpm, synthesize_groove(spec)[0]))
    for k in range(CLIPS):
        pattern, bpm, y = bases[k % len(bases)]
        gain = 0.9 - 0.004 * (k // len(bases))
        write_audio(
            lib / pattern / f"loop_{k:03d}_{int(bpm)}bpm.wav", (y * gain).astype(np.float32), 22050
        )
    (lib / "funk" / "cut.wav").write_bytes(b"RIFF\x00\x00\x10\x00WAVEfmt ")
    return lib


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskProcesses]:
    with DaskProcesses(tmp_path_factory.mktemp("dask")) as procs:
        yield procs.start(workers=2)


@pytest.fixture
def cluster(dask_cluster: DaskProcesses) -> DaskProcesses:
    """The module's cluster with two live workers (a test before may have killed one)."""
    dask_cluster.ensure_workers(2)
    return dask_cluster


def _catalog(settings: Settings, root: Path) -> dict[str, tuple[str, str, dict | None, str | None]]:
    """id → (path, status, analysis, error) of every shared row under ``root``."""
    with CatalogStore.open(settings) as store:
        rows = store.files_under(root)
        out = {}
        for path, row in rows.items():
            rec = store.get(row.id)
            out[row.id] = (
                path,
                rec.status,
                rec.analysis.model_dump() if rec.analysis is not None else None,
                rec.error,
            )
        return out


def _settings(base: Path, name: str) -> Settings:
    s = Settings(data_dir=base / name)
    s.ensure_dirs()
    return s


def test_cluster_catalog_equals_local_pool_with_a_worker_killed_mid_run(
    cluster: DaskProcesses, library: Path, tmp_path: Path
) -> None:
    local = _settings(tmp_path, "local")
    with CatalogStore.open(local) as store:
        by_pool = store.index_directory(
            library, settings=local, analyzer=LocalAnalyzer(settings=local, workers=2)
        )
    assert (by_pool.added, by_pool.failed) == (CLIPS, 1), by_pool

    remote = _settings(tmp_path, "cluster")
    killed: list[int] = []
    progress: list[tuple[int, int]] = []

    def on_progress(event: object) -> None:
        if getattr(event, "phase", None) != "analyze":
            return
        progress.append((event.done, event.total))  # type: ignore[attr-defined]
        if event.done == (CLIPS + 1) // 3 and not killed:  # type: ignore[attr-defined]
            killed.append(cluster.kill_worker(0))

    with ClusterAnalyzer(cluster.address, settings=remote) as analyzer:
        assert analyzer.threads() == 2
        with CatalogStore.open(remote) as store:
            by_cluster = store.index_directory(
                library, settings=remote, analyzer=analyzer, on_progress=on_progress
            )
        assert killed, "the worker was never killed"
        assert analyzer.threads() == 1  # the run finished on the survivor
    # every file once, the bar counting the whole cluster up to the total
    assert [d for d, _ in progress] == list(range(1, CLIPS + 2))
    assert {t for _, t in progress} == {CLIPS + 1}
    assert (by_cluster.added, by_cluster.failed, by_cluster.scanned) == (CLIPS, 1, CLIPS + 1), (
        by_cluster.errors
    )
    assert by_cluster.errors[0][0].endswith("cut.wav")

    from_pool, from_cluster = _catalog(local, library), _catalog(remote, library)
    assert set(from_cluster) == set(from_pool)
    assert from_cluster == from_pool  # same paths, statuses, analyses, error texts
    assert sum(1 for _, status, _, _ in from_cluster.values() if status == "error") == 1


def test_results_back_before_their_worker_dies_are_kept(
    cluster: DaskProcesses, library: Path, tmp_path: Path
) -> None:
    """Files analysed and gathered, then their worker killed before the caller read them:
    each is still reported with its analysis (the scheduler computes lost results again,
    and the client marks those futures pending again; that is no failure of the file)."""
    files = sorted(str(p) for p in library.rglob("loop_*.wav"))[:12]
    settings = _settings(tmp_path, "late-kill")
    outcomes = []
    with ClusterAnalyzer(cluster.address, settings=settings) as analyzer:

        def in_memory(dask_scheduler: Any) -> int:
            return sum(1 for ts in dask_scheduler.tasks.values() if ts.state == "memory")

        run = analyzer.analyze(files)
        outcomes.append(next(run))
        deadline = time.monotonic() + 120
        while analyzer._client.run_on_scheduler(in_memory) < len(files) - 1:
            assert time.monotonic() < deadline, "the cluster never finished the files"
            time.sleep(0.1)
        time.sleep(0.5)  # the client gathers what the scheduler says is done
        cluster.kill_worker(0)
        while analyzer.threads() > 1:  # the scheduler has seen the death (and told us)
            assert time.monotonic() < deadline, "the scheduler never noticed the kill"
            time.sleep(0.02)
        outcomes.extend(run)
    assert len(outcomes) == len(files)
    errors = [(name, o) for name, o in outcomes if isinstance(o, GrooveGraphError)]
    assert errors == []
    assert sorted(name for name, _ in outcomes) == files


def test_an_interrupted_cluster_run_resumes(
    cluster: DaskProcesses, library: Path, tmp_path: Path
) -> None:
    part = tmp_path / "lib"
    shutil.copytree(library / "house", part / "house")
    shutil.copytree(library / "funk", part / "funk")
    files = sum(1 for _ in part.rglob("*.wav"))
    settings = _settings(tmp_path, "resume")

    class Stop(Exception):
        pass

    def stop_after_first_batch(event: object) -> None:
        if getattr(event, "phase", None) == "analyze" and event.done == 5:  # type: ignore[attr-defined]
            raise Stop

    with (
        ClusterAnalyzer(cluster.address, settings=settings) as analyzer,
        CatalogStore.open(settings) as store,
    ):
        with pytest.raises(Stop):
            store.index_directory(
                part,
                settings=settings,
                analyzer=analyzer,
                batch_size=2,
                on_progress=stop_after_first_batch,
            )
        saved = store.count(status=None)
        assert saved >= 4  # what finished before the stop was committed
        again = store.index_directory(part, settings=settings, analyzer=analyzer, batch_size=2)
        assert store.count(status=None) == files
    assert again.unchanged == saved  # nothing finished was analysed twice
    assert again.added + again.failed == files - saved


def test_cli_index_with_cluster_flag_and_setting(
    cluster: DaskProcesses,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    part = tmp_path / "lib"
    shutil.copytree(library / "halftime", part / "halftime")
    n = sum(1 for _ in part.rglob("*.wav"))
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(tmp_path / "data"))
    # the installed command, as a user runs it
    first = subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", "index", str(part), "--cluster", cluster.address],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert f"{n} added" in first.stdout
    assert "0 failed" in first.stdout
    # GROOVEGRAPH_CLUSTER is the same switch (in-process from here: same command code)
    (part / "halftime" / "new.wav").write_bytes(
        (library / "house" / "loop_001_124bpm.wav").read_bytes()
    )
    monkeypatch.setenv("GROOVEGRAPH_CLUSTER", cluster.address)
    assert _cli(["index", str(part)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out
    assert f"{n} unchanged" in out
    # --workers sizes the local pool: meaningless with a cluster, refused before any work
    assert _cli(["index", str(part), "--workers", "2"]) == 2
    assert "--workers" in capsys.readouterr().err


def _cli(args: list[str]) -> int:
    from groovegraph import cli
    from groovegraph.settings import get_settings

    get_settings.cache_clear()
    return cli.main(args)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://127.0.0.1:8786", "not a Dask scheduler address"),
        ("tcp://127.0.0.1:9", "cannot reach the Dask scheduler"),
    ],
)
def test_cli_index_with_an_unusable_cluster_fails_clearly(
    address: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lib").mkdir()
    assert _cli(["index", str(tmp_path / "lib"), "--cluster", address]) == 5
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
