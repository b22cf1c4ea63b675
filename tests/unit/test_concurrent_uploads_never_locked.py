"""Uploads that arrive together on the embedded defaults (SQLite, no Postgres) are all
stored: none is answered 503 ``database_unavailable`` ("database is locked").

Every connection to the SQLite file (catalog store, checkpointer, thread store, a CLI
``index`` or a second worker next to the server) waits for the write lock up to the busy
timeout. A write transaction that read first and then wrote could not wait: SQLite refuses
a read lock's upgrade at once (the busy handler is not called), so an upload's insert
failed whenever another connection wrote in between. Write transactions now take the lock
at ``BEGIN IMMEDIATE``, where the busy timeout applies.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.state import SampleRecord
from groovegraph.tools import catalog as cat
from tests.catalogs import app_client, stored_loop


def _bell_wav(pitch_hz: float, seconds: float = 1.5, sr: int = 22050) -> bytes:
    t = np.arange(int(sr * seconds)) / sr
    y = 0.4 * np.sin(2 * np.pi * pitch_hz * t) * np.exp(-3.0 * t)
    buf = io.BytesIO()
    sf.write(buf, y, sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def _loop(n: int, owner: str | None = None) -> SampleRecord:
    sid = f"{(owner or 'lib')[:3]}{n:013x}"
    row = stored_loop(sid, f"/lib/{sid}.wav", genre="funk", era="70s", bpm=96.0, key=None)
    return cat.record_from_row({**row, "owner": owner})


@contextmanager
def _another_writer(settings: Settings) -> Iterator[list[int]]:
    """A second connection to the same file writing all the time, as ``groovegraph index``
    or a second ``serve`` worker does next to the server; yields its write count."""
    done = threading.Event()
    writes = [0]
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with CatalogStore.open(settings) as other:
                n = 0
                while not done.is_set():
                    n += 1
                    other.upsert([_loop(n)])
                    writes[0] += 1
        except BaseException as err:
            failed.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while writes[0] < 3 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield writes
    finally:
        done.set()
        thread.join(timeout=60)
    assert not failed, failed


def test_owner_writes_wait_for_a_busy_database_instead_of_failing(settings: Settings) -> None:
    with CatalogStore.open(settings) as store, _another_writer(settings) as writes:
        for n in range(1, 201):
            store.upsert([_loop(n, owner="mia")])
        assert writes[0] >= 3
    with CatalogStore.open(settings) as store:
        assert all(store.get(_loop(n, owner="mia").id, "mia") for n in range(1, 201))


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    soul = stored_loop(
        "c0c0000000000001", "/lib/soul.wav", genre="soul", era="70s", bpm=98.0, key="A minor"
    )
    with app_client(settings, monkeypatch, [soul]) as c:
        yield c


def test_uploads_and_chat_turns_at_once_are_all_served(
    client: TestClient, settings: Settings
) -> None:
    sounds = [_bell_wav(110.0 + 37.0 * i) for i in range(6)]
    threads = [client.post("/v1/threads").json()["thread_id"] for _ in range(2)]

    def upload(i: int) -> tuple[int, str]:
        r = client.post("/v1/samples", files={"file": (f"bell_{i}.wav", sounds[i], "audio/wav")})
        return r.status_code, r.text

    def chat(thread_id: str) -> tuple[int, str]:
        with client.stream(
            "POST", f"/v1/threads/{thread_id}/chat", json={"message": "any 70s soul around 98 bpm"}
        ) as s:
            body = "".join(s.iter_lines())
        return s.status_code, body

    with _another_writer(settings), ThreadPoolExecutor(max_workers=8) as pool:
        chats = [pool.submit(chat, t) for t in threads]
        uploads = [pool.submit(upload, i) for i in range(len(sounds))]
        answers = [f.result() for f in uploads]
        talked = [f.result() for f in chats]

    assert [status for status, _ in answers] == [201] * len(sounds), answers
    for status, body in talked:
        assert status == 200
        assert "database_unavailable" not in body, body
        assert "locked" not in body, body
    for _, body in answers:
        stored = client.get(f"/v1/samples/{json.loads(body)['id']}")
        assert stored.status_code == 200, stored.text
