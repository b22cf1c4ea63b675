"""One-shots and "one sample, one id" over real HTTP: a real ``groovegraph serve`` on its
own Postgres database, a library folder indexed by the real ``groovegraph index``, two
owners uploading with real multipart requests.

The id rule under test: bytes the shared library holds have one id (the shared one) for
everybody — an upload of them resolves to it, and an earlier upload of the same bytes is
no longer listed beside it — while bytes only an owner uploaded keep an owner-scoped id,
so nobody learns whether someone else uploaded the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.integration.server_proc import ServerProcess
from tests.unit.test_oneshot import bass_808, hat, kick

pytestmark = pytest.mark.integration

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"Authorization": "Bearer bob-key"}
SR = 22050


def wav(y: np.ndarray) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, y, SR, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def loop_bytes() -> bytes:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(tempo_bpm=100.0, duration_s=5.0, sample_rate=SR, mix="drums_only", seed=5)
    )
    return wav(y)


FILES = {
    "kicks/punchy_one.wav": wav(kick(0.2)),
    "808/low_808.wav": wav(bass_808("F1")),
    "loops/break_100bpm.wav": loop_bytes(),
}
# Never in the library: only uploaded.
PRIVATE_HAT = wav(hat(0.08))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def own_db() -> Iterator[str]:
    """A Postgres database of this module only (the shared library gets indexed here)."""
    import psycopg

    from tests.conftest import PG_ADMIN_URL

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as err:  # the session fixture reports missing services the same way
        pytest.skip(f"PostgreSQL is not reachable: {err}")
    name = f"gg_test_oneshot_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lib = tmp_path_factory.mktemp("oneshot-lib")
    for rel, data in FILES.items():
        (lib / rel).parent.mkdir(parents=True, exist_ok=True)
        (lib / rel).write_bytes(data)
    return lib


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, own_db: str, library: Path
) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("oneshot-server") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": own_db,
            "GROOVEGRAPH_API_KEYS": "alice-key:alice,bob-key:bob",
            "GROOVEGRAPH_LIBRARY_ROOTS": str(library),
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
        },
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def upload(http: httpx.Client, who: dict[str, str], name: str, data: bytes) -> httpx.Response:
    return http.post("/v1/samples", files={"file": (name, data, "audio/wav")}, headers=who)


def cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", *args],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def hits(http: httpx.Client, who: dict[str, str], **params: str) -> list[dict]:
    r = http.get("/v1/samples", params={"limit": "200", **params}, headers=who)
    assert r.status_code == 200, r.text
    return list(r.json()["hits"])


@pytest.fixture(scope="module")
def early_upload(http: httpx.Client, server: ServerProcess, library: Path) -> dict:
    """Alice uploads the 808 before anyone indexes the library; then the library is indexed."""
    r = upload(http, ALICE, "my_808.wav", FILES["808/low_808.wav"])
    assert r.status_code == 201, r.text
    body = r.json()
    done = cli(server, "index", str(library), "--workers", "1")
    assert done.returncode == 0, done.stderr
    return dict(body)


def test_an_uploaded_one_shot_has_null_rhythm_and_its_root(early_upload: dict) -> None:
    a = early_upload["analysis"]
    assert (a["kind"], a["instrument"], a["root_note"]) == ("one_shot", "bass", "F1")
    for field in ("tempo_bpm", "beats_s", "downbeats_s", "swing_percent", "backbeat_lag_ms"):
        assert a[field] is None, field
    assert early_upload["owner"] == "alice"


def test_search_lists_each_audio_once_under_the_shared_id(
    http: httpx.Client, early_upload: dict
) -> None:
    listed = hits(http, ALICE)
    shas = [h["sample_id"] for h in listed]
    assert len(shas) == len(set(shas))
    by_path = {Path(h["path"]).name: h["sample_id"] for h in listed}
    shared_808 = sha(FILES["808/low_808.wav"])[:16]
    assert by_path.get("low_808.wav") == shared_808
    assert early_upload["id"] not in shas  # the earlier upload is not listed beside it
    assert len(listed) == len(FILES)
    # ... and the upload's own id still answers (threads may hold it).
    r = http.get(f"/v1/samples/{early_upload['id']}", headers=ALICE)
    assert r.status_code == 200
    assert r.json()["sha256"] == sha(FILES["808/low_808.wav"])


def test_uploading_library_audio_resolves_to_the_shared_sample(
    http: httpx.Client, early_upload: dict
) -> None:
    for who in (ALICE, BOB):
        r = upload(http, who, "again.wav", FILES["808/low_808.wav"])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["id"] == sha(FILES["808/low_808.wav"])[:16]
        assert body["owner"] is None
        assert body["created"] is False
    assert len(hits(http, BOB, kind="one_shot", instrument="bass")) == 1


def test_private_uploads_keep_owner_ids_and_do_not_leak(
    http: httpx.Client, early_upload: dict
) -> None:
    first = upload(http, BOB, "hat.wav", PRIVATE_HAT)
    assert first.status_code == 201, first.text
    second = upload(http, ALICE, "hat.wav", PRIVATE_HAT)
    # Alice cannot tell that Bob uploaded the same hat: a new sample of her own.
    assert second.status_code == 201, second.text
    assert second.json()["created"] is True
    assert second.json()["id"] != first.json()["id"]
    alice_hats = hits(http, ALICE, instrument="hat")
    assert [h["sample_id"] for h in alice_hats] == [second.json()["id"]]
    r = http.get(f"/v1/samples/{first.json()['id']}", headers=ALICE)
    assert r.status_code == 404


def test_http_filters_kind_instrument_and_root(http: httpx.Client, early_upload: dict) -> None:
    kicks = hits(http, ALICE, kind="one_shot", instrument="kick")
    assert [Path(h["path"]).name for h in kicks] == ["punchy_one.wav"]
    assert kicks[0]["kind"] == "one_shot"
    assert kicks[0]["tempo_bpm"] is None
    loops = hits(http, ALICE, kind="loop")
    assert [Path(h["path"]).name for h in loops] == ["break_100bpm.wav"]
    assert loops[0]["instrument"] == "drums"
    in_f = hits(http, ALICE, kind="one_shot", root="F")
    assert [h["root_note"] for h in in_f] == ["F1"]
    assert hits(http, ALICE, kind="one_shot", root="F#") == []
    for bad in ({"kind": "drone"}, {"root": "H2"}):
        r = http.get("/v1/samples", params=bad, headers=ALICE)
        assert r.status_code == 422, r.text
        assert set(r.json()["error"]) >= {"code", "message"}


def test_cli_search_flags(server: ServerProcess, early_upload: dict) -> None:
    done = cli(server, "search", "--kind", "one_shot", "--instrument", "kick", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [Path(r["path"]).name for r in rows] == ["punchy_one.wav"]
    assert rows[0]["kind"] == "one_shot"
    table = cli(server, "search", "--kind", "one_shot", "--root", "F")
    assert table.returncode == 0, table.stderr
    assert "low_808.wav" in table.stdout
    assert "one-shot bass" in table.stdout


# ------------------------------------------------------------- uploads kept per owner

BOBS_SECRET = wav(hat(0.15))  # never in the library, uploaded by bob only


def turn(http: httpx.Client, who: dict[str, str], text: str) -> list[tuple[str, dict]]:
    """One chat turn on a new thread of ``who``: its SSE events as (event, data)."""
    from httpx_sse import connect_sse

    tid = http.post("/v1/threads", headers=who).json()["thread_id"]
    events: list[tuple[str, dict]] = []
    with connect_sse(
        http, "POST", f"/v1/threads/{tid}/chat", json={"message": text}, headers=who
    ) as source:
        assert source.response.status_code == 200
        for event in source.iter_sse():
            events.append((event.event, json.loads(event.data)))
    assert events[-1][0] == "end", events
    return events


def analysed(events: list[tuple[str, dict]]) -> dict:
    out: dict = {}
    for kind, data in events:
        if kind == "tool_end" and isinstance(data.get("result"), dict):
            out.update(data["result"].get("analyses") or {})
    return out


def test_an_upload_is_opened_by_its_owner_only_and_shown_without_server_paths(
    http: httpx.Client, server: ServerProcess, library: Path, early_upload: dict
) -> None:
    r = upload(http, BOB, "secret hat.wav", BOBS_SECRET)
    assert r.status_code == 201, r.text
    digest = sha(BOBS_SECRET)
    server_dirs = {str(server.data_dir), str(server.data_dir.resolve()), str(library)}
    assert not any(d in r.text for d in server_dirs), r.text
    shown = r.json()["analysis"]["file"]
    assert shown == f"uploads/{digest[:2]}/{digest}.wav"
    # On disk in a folder of bob's own, below the uploads.
    uploads = server.data_dir / "uploads"
    (stored,) = uploads.rglob(f"{digest}*")
    assert stored.parent.parent.parent == uploads
    assert stored.parent.parent.name not in ("", digest[:2])

    # Bob's tools open it by the name he was shown; nothing names a server path.
    mine = turn(http, BOB, f"what's the tempo of `{shown}`?")
    assert not any(d in json.dumps(mine) for d in server_dirs), mine
    (got,) = analysed(mine).values()
    assert got["file"] == shown
    assert got["sha256"] == digest
    assert (got["kind"], got["instrument"]) == ("one_shot", "hat")

    # Alice naming bob's upload, by any path, gets a refusal and no analysis.
    for ref in (
        str(stored),  # absolute
        str(stored.resolve()),
        os.path.relpath(stored, server.data_dir / "library"),  # ../uploads/<bob>/…
        os.path.relpath(stored, library),  # from the configured library folder
        shown,  # the name bob was shown: alice's own uploads have no such file
        f"uploads/../{stored.parent.parent.name}/{digest[:2]}/{stored.name}",
    ):
        theirs = turn(http, ALICE, f"what's the tempo of `{ref}`?")
        assert analysed(theirs) == {}, (ref, theirs)
        ends = [d for k, d in theirs if k == "tool_end"]
        assert ends, (ref, theirs)
        for d in ends:  # refused: the error, not bob's numbers
            result = d["result"]
            assert isinstance(result, dict), (ref, d)
            assert result.get("errors"), (ref, d)
        answer = " ".join(str(d["content"]) for k, d in theirs if k == "message")
        assert "one-shot" not in answer, (ref, answer)
        text = json.dumps(theirs).replace(ref, "")  # what alice typed may be echoed
        assert not any(d in text for d in server_dirs), (ref, theirs)


def test_library_hits_are_named_library_relative(http: httpx.Client, early_upload: dict) -> None:
    listed = {h["path"] for h in hits(http, ALICE)}
    assert set(FILES) <= listed  # relative to the library folder
    assert all(p in FILES or p.startswith("uploads/") for p in listed), listed
    events = turn(http, ALICE, "find me one-shot kicks")
    paths = [
        h["path"]
        for k, d in events
        if k == "tool_end" and isinstance(d.get("result"), dict)
        for h in d["result"].get("hits") or []
    ]
    assert "kicks/punchy_one.wav" in paths
    assert all(not p.startswith("/") for p in paths)


def test_a_refused_upload_leaves_no_file(http: httpx.Client, server: ServerProcess) -> None:
    full = wav(hat(0.4))
    cut = full[: len(full) // 2]  # the header promises more frames than there are
    for who in (ALICE, BOB):
        r = upload(http, who, "cut.wav", cut)
        assert r.status_code == 422, r.text
    assert not list((server.data_dir / "uploads").rglob(f"{sha(cut)}*"))
