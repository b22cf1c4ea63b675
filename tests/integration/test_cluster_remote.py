"""A library behind an fsspec URL, indexed on a real Dask cluster, and the cluster's
per-file timeout.

The store is S3 as the ``remote`` extra speaks it (s3fs over HTTP) against moto's S3 server
on loopback; two ``dask worker`` processes read the objects themselves, configured only by
the standard AWS variables in their environment (nothing travels with the files). Every
incremental rule of ``groovegraph index`` is checked on URLs: size/mtime skip, relink of a
moved object by hash, ``gone``, replaced content, a failure recorded and not retried.

The timeout: a file that never arrives (an HTTP server that accepts the request and never
answers) is recorded as ``decode_timeout`` after ``decode_timeout_s`` while the other files
of the run are analysed, and the worker goes on with later files.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools.analysis import LocalAnalyzer
from groovegraph.tools.cluster import ClusterAnalyzer, files_analysed
from groovegraph.tools.errors import DecodeTimeoutError
from tests.integration.dask_proc import DaskProcesses

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BUCKET = "crates"
ROOT = f"s3://{BUCKET}/library"
_GROOVES = (  # tempo, key, pattern, swing
    (92.0, "A minor", "boombap", 60.0),
    (124.0, "F major", "house", 50.0),
    (104.0, "E minor", "funk", 56.0),
)


@pytest.fixture(scope="module")
def s3_env() -> Iterator[dict[str, str]]:
    """moto's S3 server on a free loopback port; the AWS variables that point at it are
    set for this process (and handed to the Dask workers)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": "groovegraph-test",
        "AWS_SECRET_ACCESS_KEY": "groovegraph-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    import boto3

    boto3.client("s3").create_bucket(Bucket=BUCKET)
    try:
        yield env
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


@pytest.fixture(scope="module")
def dask_cluster(
    tmp_path_factory: pytest.TempPathFactory, s3_env: dict[str, str]
) -> Iterator[DaskProcesses]:
    with DaskProcesses(tmp_path_factory.mktemp("dask-remote"), env=dict(os.environ)) as procs:
        yield procs.start(workers=2)


@pytest.fixture
def cluster(dask_cluster: DaskProcesses) -> DaskProcesses:
    dask_cluster.ensure_workers(2)
    return dask_cluster


def _clips() -> dict[str, bytes]:
    """Nine 3 s loops (three levels of three grooves: nine content hashes) and a cut WAV."""
    import io

    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    out: dict[str, bytes] = {}
    for i, (bpm, key, pattern, swing) in enumerate(_GROOVES):
        spec = GrooveSpec(
            tempo_bpm=bpm,
            key=key,
            pattern=pattern,
            swing_percent=swing,
            duration_s=3.0,
            sample_rate=22050,
            seed=70 + i,
        )
        y = synthesize_groove(spec)[0]
        for level, gain in enumerate((0.9, 0.7, 0.5)):
            buf = io.BytesIO()
            sf.write(buf, (y * gain).astype(np.float32), 22050, format="WAV", subtype="PCM_16")
            out[f"{pattern}/70s/loop_{level}_{int(bpm)}bpm.wav"] = buf.getvalue()
    out["funk/cut.wav"] = b"RIFF\x00\x00\x10\x00WAVEfmt "
    return out


def _s3() -> Any:
    import s3fs

    return s3fs.S3FileSystem(skip_instance_cache=True)


def _rows(settings: Settings, root: str) -> dict[str, tuple[str, str, dict | None, str | None]]:
    with CatalogStore.open(settings) as store:
        out = {}
        for path, row in store.files_under(root).items():
            rec = store.get(row.id)
            out[path] = (
                row.id,
                rec.status,
                rec.analysis.model_dump() if rec.analysis is not None else None,
                rec.error,
            )
        return out


def _settings(base: Path, name: str, **kw: Any) -> Settings:
    s = Settings(data_dir=base / name, **kw)
    s.ensure_dirs()
    return s


def _worker_files(cluster: DaskProcesses) -> int:
    from distributed import Client

    with Client(cluster.address, timeout=10) as client:
        return sum(client.run(files_analysed).values())


def test_an_s3_library_indexed_on_the_cluster_keeps_every_incremental_rule(
    cluster: DaskProcesses, s3_env: dict[str, str], tmp_path: Path
) -> None:
    clips = _clips()
    fresh = clips.pop("funk/70s/loop_2_104bpm.wav")  # new content for an existing path, later
    for rel in [r for r in clips if "loop_2_" in r]:
        del clips[rel]
    fs = _s3()
    for rel, data in clips.items():
        fs.pipe(f"{BUCKET}/library/{rel}", data)
    fs.pipe(f"{BUCKET}/library/.hidden/skip.wav", clips["funk/cut.wav"])
    fs.pipe(f"{BUCKET}/library/notes.txt", b"not audio")
    # the same bytes on local disk, indexed by the local pool: the reference analyses
    local_lib = tmp_path / "local"
    for rel, data in clips.items():
        (local_lib / rel).parent.mkdir(parents=True, exist_ok=True)
        (local_lib / rel).write_bytes(data)
    ref = _settings(tmp_path, "ref")
    with CatalogStore.open(ref) as store:
        store.index_directory(local_lib, settings=ref, analyzer=LocalAnalyzer(settings=ref))
    reference = {
        path[len(str(local_lib)) + 1 :]: row for path, row in _rows(ref, str(local_lib)).items()
    }

    settings = _settings(tmp_path, "remote")
    before = _worker_files(cluster)
    with (
        ClusterAnalyzer(cluster.address, settings=settings) as analyzer,
        CatalogStore.open(settings) as store,
    ):
        first = store.index_directory(ROOT, settings=settings, analyzer=analyzer)
        assert (first.scanned, first.added, first.failed) == (7, 6, 1), first
        assert first.root == ROOT
        assert _worker_files(cluster) - before == 7  # every file was read by a worker
        rows = _rows(settings, ROOT)
        assert set(rows) == {f"{ROOT}/{rel}" for rel in clips}
        for rel, (sid, status, analysis, error) in reference.items():
            got = rows[f"{ROOT}/{rel}"]
            assert (got[0], got[1], got[3]) == (sid, status, error), rel  # same id, verdict
            if analysis is not None:
                assert got[2] is not None
                assert got[2]["file"] == f"{ROOT}/{rel}"
                assert {**got[2], "file": None} == {**analysis, "file": None}, rel
        tags = store.get(rows[f"{ROOT}/funk/70s/loop_0_104bpm.wav"][0]).tags
        assert (tags.genre, tags.era, tags.bpm_hint) == ("funk", "70s", 104.0)

        # unchanged: size and mtime match, nothing is read (not even hashed) or analysed
        before = _worker_files(cluster)
        again = store.index_directory(ROOT, settings=settings, analyzer=analyzer)
        assert (again.unchanged, again.added, again.failed) == (7, 0, 0), again
        assert _worker_files(cluster) == before  # the recorded failure is not retried

        # moved (copy + delete: a new key, the same bytes) → relinked, analysis kept;
        # deleted → gone; overwritten with other audio → updated
        moved_from = f"{BUCKET}/library/house/70s/loop_0_124bpm.wav"
        moved_to = f"{BUCKET}/library/house/renamed_124bpm.wav"
        fs.copy(moved_from, moved_to)
        fs.rm(moved_from)
        fs.rm(f"{BUCKET}/library/boombap/70s/loop_1_92bpm.wav")
        replaced = f"{BUCKET}/library/funk/70s/loop_1_104bpm.wav"
        fs.pipe(replaced, fresh)
        before = _worker_files(cluster)
        third = store.index_directory(ROOT, settings=settings, analyzer=analyzer)
        assert (third.relinked, third.gone, third.updated, third.added) == (1, 1, 1, 0), third
        assert third.unchanged == 4
        assert _worker_files(cluster) - before == 1  # only the replaced content
        rows = _rows(settings, ROOT)
        assert rows[f"s3://{moved_to}"][0] == reference["house/70s/loop_0_124bpm.wav"][0]
        assert rows[f"s3://{moved_to}"][2]["tempo_bpm"] == pytest.approx(  # type: ignore[index]
            reference["house/70s/loop_0_124bpm.wav"][2]["tempo_bpm"]  # type: ignore[index]
        )
        assert rows[f"{ROOT}/boombap/70s/loop_1_92bpm.wav"][1] == "gone"
        assert rows[f"s3://{replaced}"][0] != reference["funk/70s/loop_1_104bpm.wav"][0]
        assert rows[f"s3://{replaced}"][2]["file"] == f"s3://{replaced}"  # type: ignore[index]
        # searchable: the six loops, less the deleted one and the replaced content, plus
        # the new content
        assert store.count() == 5
        moved_id = rows[f"s3://{moved_to}"][0]

    # the server plays and plots a sample indexed from the store (it reads the object too)
    import httpx

    from groovegraph.server.app import create_app
    from tests.integration.server_proc import serve_in_thread

    app = create_app(settings, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as http:
        audio = http.get(f"/v1/samples/{moved_id}/audio")
        assert audio.status_code == 200, audio.text
        assert audio.content == clips["house/70s/loop_0_124bpm.wav"]
        plot = http.get(f"/v1/samples/{moved_id}/plot", params={"kind": "grid"})
        assert plot.status_code == 200, plot.text
        assert plot.headers["content-type"].startswith("image/svg")


def test_cli_indexes_an_s3_url_on_the_cluster(
    cluster: DaskProcesses, s3_env: dict[str, str], tmp_path: Path
) -> None:
    fs = _s3()
    clips = _clips()
    for rel in ("house/70s/loop_1_124bpm.wav", "funk/cut.wav"):
        fs.pipe(f"{BUCKET}/cli/{rel}", clips[rel])
    env = {**os.environ, "GROOVEGRAPH_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "groovegraph.cli",
            "index",
            f"s3://{BUCKET}/cli",
            "--cluster",
            cluster.address,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout, done.stdout
    assert "1 failed" in done.stdout, done.stdout
    assert f"s3://{BUCKET}/cli/funk/cut.wav" in done.stderr  # the skipped file, by its URL
    missing = subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", "index", f"s3://{BUCKET}/no-such-prefix"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert missing.returncode != 0
    assert "no such folder or prefix" in missing.stderr
    assert "Traceback" not in missing.stderr


class _Stall(http.server.BaseHTTPRequestHandler):
    """Accepts every request and never answers (a store that hangs mid-read)."""

    release = threading.Event()

    def do_HEAD(self) -> None:
        self.release.wait(120)

    do_GET = do_HEAD

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stalled_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stall)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/stuck.wav"
    finally:
        _Stall.release.set()
        server.shutdown()
        server.server_close()


def test_a_stuck_file_times_out_on_the_cluster_and_the_run_goes_on(
    cluster: DaskProcesses, stalled_url: str, tmp_path: Path
) -> None:
    clips = _clips()
    good = []
    for rel in ("house/70s/loop_0_124bpm.wav", "funk/70s/loop_0_104bpm.wav"):
        path = tmp_path / rel.replace("/", "_")
        path.write_bytes(clips[rel])
        good.append(str(path))
    settings = _settings(tmp_path, "timeout", decode_timeout_s=4.0)
    with ClusterAnalyzer(cluster.address, settings=settings) as analyzer:
        start = time.monotonic()
        outcomes = dict(analyzer.analyze([stalled_url, *good]))
        took = time.monotonic() - start
        assert isinstance(outcomes[stalled_url], DecodeTimeoutError), outcomes[stalled_url]
        assert outcomes[stalled_url].path == stalled_url
        assert "4 s" in outcomes[stalled_url].message
        assert all(isinstance(outcomes[p], Analysis) for p in good), outcomes
        assert took < 60, took
        # the worker that held the stuck file goes on: every thread still analyses
        later = dict(analyzer.analyze(good))
        assert all(isinstance(a, Analysis) for a in later.values())
        assert analyzer.threads() == 2
