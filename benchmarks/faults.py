"""Fault and concurrency probes against real ``groovegraph serve`` processes (loopback,
offline model, a fresh Postgres database per scenario, private redis-servers).

Scenarios (each bounded in count and time; counts go to JSON):

``sigkill``     SIGKILL the server mid-turn (anywhere from the first event to the end),
                restart it, check the thread: earlier turns intact, the killed turn
                absent or whole (never half, never twice), the next turn accepted (HTTP
                200, not 409) within 5 s of the restarted server being ready.
``pg_terminate`` every connection of an idle server terminated by Postgres; the next
                requests (threads, catalog, a chat turn) timed.
``redis``       a private Redis killed at 20 s and restarted empty at 40 s while one
                owner sends 3 requests/s for 60 s against a 30/min limit: requests let
                through in the minute, 5xx, a chat turn and /readyz while it is down.
``replicas``    two servers on one database with their Redis dead: both take a turn on
                the same thread at the same moment; turns lost (``end ok:true`` but
                missing from the thread).
``two_runs``    two runs on one thread on one server: ``/agent/batch`` with three inputs
                on one thread, and two ``/agent/stream`` at once; turns lost.
``storage``     checkpoint storage of one thread after 50 turns, default retention and
                keep-all, Postgres and SQLite.

    uv run --frozen python -m benchmarks.faults [--trials 20] [--only sigkill,redis,...]

Bars (issue 13): 20/20 SIGKILL trials clean with the next turn accepted <= 5 s after
restart; 0 turns lost; idle pool after pg_terminate_backend answers <= 2 s; <= 40
requests let through in a minute at 30/min across a Redis failure and restart; <= 1 MB
of checkpoints for a 50-turn thread with the default retention.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import connect_sse
from tests.integration.server_proc import ServerProcess, free_port

from benchmarks.common import PG_ADMIN, drop_database, fresh_database, machine_info
from groovegraph.settings import scratch_numba_cache_dir

RESULTS = Path(__file__).parent / "results" / "faults.json"
QUESTIONS = (
    "find me 70s funk loops near 96 BPM",
    "what defined Philly soul drumming?",
    "will 8A and 9A mix?",
    "find swung hip hop loops between 85 and 95 BPM in A minor",
    "what defined Motown drumming?",
)


# --------------------------------------------------------------------------- helpers


def _port_outside_ephemeral_range() -> int:
    """A free port below the kernel's ephemeral range. ``free_port()`` hands out ports
    from that range, and a server takes ~30 s to import before it binds: another process
    could be given the same port meanwhile, and this server's readiness poll would be
    answered by the other one. Ports below the range are never handed out that way."""
    import socket

    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 30000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return free_port()


def _server(data: Path, db_url: str, **env: str) -> ServerProcess:
    proc = ServerProcess(
        data_dir=data,
        env={"GROOVEGRAPH_DATABASE_URL": db_url, "GROOVEGRAPH_SSE_HEARTBEAT_S": "0.5", **env},
        # Generous: a loaded 2-core machine takes minutes to import and warm up.
        ready_timeout_s=600,
    )
    proc.port = _port_outside_ephemeral_range()
    proc.url = f"http://127.0.0.1:{proc.port}"
    proc.log_path = data.parent / f"server-{proc.port}.log"
    return proc


def chat(
    http: httpx.Client,
    thread_id: str,
    text: str,
    *,
    on_first: Any = None,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One SSE turn; returns status, the end event's ``ok``, the event kinds and when the
    turn was accepted (``accepted_s``: the 200 and its headers) and ended (``ended_s``),
    both in seconds from the request. Pass ``out`` to keep what was seen when the
    connection dies mid-stream (a killed server)."""
    out = {} if out is None else out
    out.update({"status": None, "ok": None, "kinds": [], "accepted_s": None, "ended_s": None})
    t0 = time.monotonic()
    with connect_sse(
        http, "POST", f"/v1/threads/{thread_id}/chat", json={"message": text}
    ) as source:
        out["status"] = source.response.status_code
        if source.response.status_code != 200:
            source.response.read()
            out["body"] = source.response.text[:300]
            return out
        out["accepted_s"] = round(time.monotonic() - t0, 3)
        for event in source.iter_sse():
            out["kinds"].append(event.event)
            if on_first is not None and len(out["kinds"]) == 1:
                on_first()
            if event.event == "end":
                out["ok"] = json.loads(event.data).get("ok")
                out["ended_s"] = round(time.monotonic() - t0, 3)
                break
    return out


def humans(http: httpx.Client, thread_id: str) -> list[str]:
    state = http.get(f"/v1/threads/{thread_id}").json()
    return [m["content"] for m in state["messages"] if m["type"] == "human"]


def turns(http: httpx.Client, thread_id: str) -> list[tuple[str, str | None]]:
    """The thread as (human text, the turn's answer or None) pairs, in order.

    A turn's answer is its last AI message with text (DESIGN: with one specialist, that
    specialist's message is the answer, so it is named ``era``, ``discovery``, … rather
    than ``groovegraph``). A human message with no AI text after it is a half turn."""
    state = http.get(f"/v1/threads/{thread_id}").json()
    out: list[tuple[str, str | None]] = []
    for m in state["messages"]:
        if m["type"] == "human":
            out.append((m["content"], None))
        elif m["type"] == "ai" and m.get("content") and out:
            out[-1] = (out[-1][0], m["content"])
    return out


@contextmanager
def redis_server(port: int | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes], int]]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed")
    port = port or free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis.from_url(f"redis://127.0.0.1:{port}/0")
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    try:
        yield f"redis://127.0.0.1:{port}/0", proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


# --------------------------------------------------------------------------- scenarios


def _summarise_sigkill(results: list[dict[str, Any]], trials: int) -> dict[str, Any]:
    clean = [
        r
        for r in results
        if r["earlier_turns_intact"]
        and r["killed_turn"] in ("absent", "whole")
        and r["next_turn_ok"]
        and r["ready_to_next_turn_accepted_s"] is not None
        and r["ready_to_next_turn_accepted_s"] <= 5.0
    ]
    return {
        "trials_planned": trials,
        "trials": len(results),
        "clean_trials": len(clean),
        "killed_before_end_event": sum(not r["end_seen_before_kill"] for r in results),
        "killed_turn_absent": sum(r["killed_turn"] == "absent" for r in results),
        "killed_turn_whole": sum(r["killed_turn"] == "whole" for r in results),
        "killed_turn_half_or_duplicated": sum(
            r["killed_turn"] == "half_or_duplicated" for r in results
        ),
        "max_ready_to_next_turn_accepted_s": max(
            ((r["ready_to_next_turn_accepted_s"] or 1e9) for r in results), default=None
        ),
        "max_ready_to_next_turn_done_s": max(
            ((r["ready_to_next_turn_done_s"] or 1e9) for r in results), default=None
        ),
        "max_restart_to_ready_s": max((r["restart_to_ready_s"] for r in results), default=None),
        "bar": "all trials clean, next turn accepted (200) <= 5 s after the restarted server "
        "is ready (>= 20 trials)",
        "pass": len(clean) == len(results) and len(results) >= 20,
        "per_trial": results,
    }


def scenario_sigkill(work: Path, trials: int, progress: Path | None = None) -> dict[str, Any]:
    """SIGKILL mid-turn, ``trials`` times on one thread.

    The kill is timed from the turn's first SSE event, uniformly over the length of the
    same question answered whole just before, so kills land early, mid-run and around
    the checkpoint commit (the killed turn may then be whole). After the restart the next turn is sent until it is
    accepted (HTTP 200; a 409 means the dead run's lock is still held) and is then read
    to its ``end``."""
    name, url = fresh_database()
    data = work / "sigkill"
    rng = random.Random(13)
    results: list[dict[str, Any]] = []
    server = _server(data, url).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            thread_id = http.post("/v1/threads").json()["thread_id"]
            first = chat(http, thread_id, "turn 0: what defined Motown drumming?")
            assert first["ok"], first
        for trial in range(1, trials + 1):
            http = httpx.Client(base_url=server.url, timeout=60)
            text = f"turn {trial}: {QUESTIONS[trial % len(QUESTIONS)]}"
            # The same question once whole first: its length (first event to ``end``) is
            # the kill window, so kills land inside the turn, not after it (the first
            # turns of a restarted server are several times slower than the next ones).
            whole = chat(http, thread_id, f"{text} (whole)")
            assert whole["ok"], whole
            turn_s = whole["ended_s"] - whole["accepted_s"]
            before = turns(http, thread_id)
            delay = rng.uniform(0.0, turn_s)
            proc = server.proc
            assert proc is not None

            def kill(proc: subprocess.Popen[bytes] = proc, delay: float = delay) -> None:
                threading.Timer(delay, lambda: proc.send_signal(signal.SIGKILL)).start()

            seen: dict[str, Any] = {}
            try:
                chat(http, thread_id, text, on_first=kill, out=seen)
            except httpx.HTTPError as err:
                seen["transport_error"] = type(err).__name__
            proc.wait(10 + delay)
            http.close()
            restarted = time.monotonic()
            server = _server(data, url).start()
            ready = time.monotonic()
            with httpx.Client(base_url=server.url, timeout=60) as http:
                after = turns(http, thread_id)
                nxt_text = f"after {trial}: hello"
                accepted_at = done_at = None
                refused_409 = 0
                deadline = time.monotonic() + 30
                nxt: dict[str, Any] = {}
                while time.monotonic() < deadline:
                    sent = time.monotonic()
                    nxt = chat(http, thread_id, nxt_text)
                    if nxt["status"] == 200:
                        accepted_at = sent + nxt["accepted_s"]
                        if nxt["ended_s"] is not None:
                            done_at = sent + nxt["ended_s"]
                        break
                    refused_409 += nxt["status"] == 409
                    time.sleep(0.1)
                final = turns(http, thread_id)
            prefix_intact = after[: len(before)] == before
            extra = after[len(before) :]
            killed_turn = (
                "absent"
                if not extra
                else "whole"
                if len(extra) == 1 and extra[0][0] == text and extra[0][1]
                else "half_or_duplicated"
            )
            results.append(
                {
                    "trial": trial,
                    "kill_delay_ms": round(delay * 1000, 1),
                    "whole_turn_ms": round(turn_s * 1000, 1),
                    "events_before_kill": len(seen.get("kinds", [])),
                    "end_seen_before_kill": "end" in seen.get("kinds", []),
                    "earlier_turns_intact": prefix_intact,
                    "killed_turn": killed_turn,
                    "restart_to_ready_s": round(ready - restarted, 2),
                    "next_turn_refused_409": refused_409,
                    "ready_to_next_turn_accepted_s": round(accepted_at - ready, 3)
                    if accepted_at
                    else None,
                    "ready_to_next_turn_done_s": round(done_at - ready, 3) if done_at else None,
                    "next_turn_ok": bool(nxt.get("ok")) and final[-1][0] == nxt_text,
                }
            )
            if progress is not None:  # a long probe: what is done survives an interruption
                progress.write_text(json.dumps(_summarise_sigkill(results, trials), indent=1))
    finally:
        server.stop()
        drop_database(name)
    return _summarise_sigkill(results, trials)


def _terminate(db_name: str) -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (db_name,),
        ).fetchall()
    return len(rows)


def scenario_pg_terminate(work: Path, rounds: int = 5) -> dict[str, Any]:
    name, url = fresh_database()
    server = _server(work / "pgterm", url).start()
    out: list[dict[str, Any]] = []
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            thread_id = http.post("/v1/threads").json()["thread_id"]
            for i in range(rounds):
                assert chat(http, thread_id, f"warm {i}: {QUESTIONS[i % 5]}")["ok"]
                http.get("/v1/samples")
                time.sleep(1.0)  # idle
                killed = _terminate(name)
                row: dict[str, Any] = {"connections_terminated": killed}
                for path in ("/v1/threads", "/v1/samples", f"/v1/threads/{thread_id}"):
                    t = time.monotonic()
                    r = http.get(path)
                    row[path.split("/")[2] if path.count("/") == 2 else "thread_state"] = {
                        "status": r.status_code,
                        "s": round(time.monotonic() - t, 3),
                    }
                t = time.monotonic()
                turn = chat(http, thread_id, f"after terminate {i}: hello")
                row["chat"] = {
                    "status": turn["status"],
                    "ok": turn["ok"],
                    "s": round(time.monotonic() - t, 3),
                }
                out.append(row)
    finally:
        server.stop()
        drop_database(name)
    worst = max(v["s"] for row in out for k, v in row.items() if isinstance(v, dict))
    failures = sum(
        1
        for row in out
        for v in row.values()
        if isinstance(v, dict) and (v["status"] != 200 or v.get("ok") is False)
    )
    return {
        "rounds": rounds,
        "worst_request_s": worst,
        "failed_requests": failures,
        "bar": "next requests answered 200 within 2 s",
        "pass": failures == 0 and worst <= 2.0,
        "per_round": out,
    }


def scenario_redis(work: Path, fault: str = "kill") -> dict[str, Any]:
    """One owner sends 3 requests/s for 60 s against a 30/min limit while the private
    Redis fails at 20 s: ``kill`` (SIGKILL, restarted empty at 40 s) or ``freeze``
    (SIGSTOP: connections open but nothing answers; SIGCONT at 40 s). While it is down a
    second owner runs a chat turn and /readyz is read."""
    name, url = fresh_database()
    result: dict[str, Any] = {"fault": fault}
    with redis_server() as (redis_url, proc, port):
        server = _server(
            work / f"redis-{fault}",
            url,
            GROOVEGRAPH_REDIS_URL=redis_url,
            GROOVEGRAPH_API_KEYS="k-limited:limited,k-chat:chatter",
            GROOVEGRAPH_RATE_LIMIT_PER_MINUTE="30",
        ).start()
        restarted: subprocess.Popen[bytes] | None = None
        try:
            limited = {"Authorization": "Bearer k-limited"}
            chatter = {"Authorization": "Bearer k-chat"}
            statuses: list[tuple[float, int, float]] = []
            during: dict[str, Any] = {}
            with httpx.Client(base_url=server.url, timeout=30) as http:
                start = time.monotonic()
                failed = revived = False
                while (now := time.monotonic() - start) < 60.0:
                    if not failed and now >= 20.0:
                        if fault == "kill":
                            proc.kill()
                            proc.wait(5)
                        else:
                            proc.send_signal(signal.SIGSTOP)
                        failed = True
                        # While Redis is down: a chat turn works, /readyz says degraded.
                        t = time.monotonic()
                        tid = http.post("/v1/threads", headers=chatter).json()["thread_id"]
                        with httpx.Client(
                            base_url=server.url, timeout=60, headers=chatter
                        ) as chat_http:
                            turn = chat(chat_http, tid, "what defined Philly soul drumming?")
                        t_ready = time.monotonic()
                        ready = http.get("/readyz")
                        during = {
                            "chat_ok": turn["ok"],
                            "chat_s": round(t_ready - t, 2),
                            "readyz_status": ready.status_code,
                            "readyz": ready.json().get("status"),
                            "readyz_s": round(time.monotonic() - t_ready, 3),
                        }
                    if not revived and now >= 40.0:
                        if fault == "kill":
                            exe = shutil.which("redis-server")
                            assert exe is not None
                            restarted = subprocess.Popen(
                                [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                            )
                        else:
                            proc.send_signal(signal.SIGCONT)
                        revived = True
                    t = time.monotonic()
                    r = http.get("/v1/threads", headers=limited)
                    statuses.append((round(now, 2), r.status_code, time.monotonic() - t))
                    time.sleep(max(0.0, (len(statuses) / 3.0) - (time.monotonic() - start)))
            allowed = sum(1 for _, s, _ in statuses if s == 200)
            result |= {
                "requests": len(statuses),
                "allowed_in_60s": allowed,
                "refused_429": sum(1 for _, s, _ in statuses if s == 429),
                "server_errors_5xx": sum(1 for _, s, _ in statuses if s >= 500),
                "allowed_before_fault": sum(1 for t, s, _ in statuses if s == 200 and t < 20),
                "allowed_while_down": sum(1 for t, s, _ in statuses if s == 200 and 20 <= t < 40),
                "allowed_after_recovery": sum(1 for t, s, _ in statuses if s == 200 and t >= 40),
                "worst_request_s_while_down": round(
                    max((d for t, _, d in statuses if 20 <= t < 40), default=0.0), 3
                ),
                "worst_request_s": round(max((d for _, _, d in statuses), default=0.0), 3),
                "while_redis_down": during,
                "bar": "<= 40 allowed in the minute at 30/min, no 5xx, chat works, readyz "
                "degraded, every request answered within 5 s",
            }
            result["pass"] = (
                allowed <= 40
                and result["server_errors_5xx"] == 0
                and result["worst_request_s"] <= 5.0
                and during.get("chat_ok") is True
                and during.get("readyz_status") == 200
                and during.get("readyz") == "degraded"
            )
        finally:
            server.stop()
            if fault == "freeze" and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
            if restarted is not None and restarted.poll() is None:
                restarted.kill()
                restarted.wait(5)
            drop_database(name)
    return result


def _events(http: httpx.Client, thread_id: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    with connect_sse(http, "POST", f"/v1/threads/{thread_id}/chat", json=body) as source:
        if source.response.status_code != 200:
            source.response.read()
            return [("status", source.response.status_code)]
        for event in source.iter_sse():
            out.append((event.event, json.loads(event.data) if event.data else None))
            if event.event == "end":
                break
    return out


def _has_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(_has_key(v, key) for v in value.values())
    if isinstance(value, list):
        return any(_has_key(v, key) for v in value)
    return False


def scenario_cross_owner(work: Path) -> dict[str, Any]:
    """Two owners on one server (Postgres, API keys). Alice uploads a loop and talks
    about it; Bob, who holds the same file, tries every way to read what is hers: her
    thread and sample ids on every route (``/v1``, LangServe, Agent Protocol), her
    upload's server path in a chat (absolute, ``../uploads/…``, ``uploads/…``), the same
    file uploaded himself. A read is leaked when Bob gets a 2xx on her resource, sees her
    thread or sample in a listing or search, or a tool answers him with an analysis of
    her stored file. Also counted: events (either owner's) that show a server path."""
    import hashlib
    import io

    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    name, url = fresh_database()
    data = work / "cross-owner" / "data"
    server = _server(
        data,
        url,
        GROOVEGRAPH_API_KEYS="k-alice:alice,k-bob:bob",
        GROOVEGRAPH_RATE_LIMIT_PER_MINUTE="0",
    ).start()
    y, _ = synthesize_groove(GrooveSpec(tempo_bpm=113.0, duration_s=4.0, sample_rate=22050))
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV", subtype="PCM_16")
    wav = buf.getvalue()
    digest = hashlib.sha256(wav).hexdigest()
    probes: list[dict[str, Any]] = []
    server_paths_shown: list[str] = []
    data_text = str(data.resolve())
    try:
        alice = httpx.Client(base_url=server.url, timeout=120, headers={"X-API-Key": "k-alice"})
        bob = httpx.Client(base_url=server.url, timeout=120, headers={"X-API-Key": "k-bob"})
        up = alice.post("/v1/samples", files={"file": ("alice-break.wav", wav, "audio/wav")})
        assert up.status_code in (200, 201), up.text
        sid = up.json()["id"]
        a_thread = alice.post("/v1/threads").json()["thread_id"]
        a_events = _events(
            alice, a_thread, {"message": "what's the swing on this?", "samples": [sid]}
        )
        assert a_events[-1][0] == "end", a_events[-3:]
        a_ap = alice.post("/threads", json={}).json()["thread_id"]
        stored = sorted((data / "uploads").rglob(f"{digest}*"))
        assert stored, "alice's upload is not on disk"
        abs_path = str(stored[0])
        rel = abs_path.split("/uploads/", 1)[1]
        b_thread = bob.post("/v1/threads").json()["thread_id"]

        def probe(what: str, r: httpx.Response) -> None:
            probes.append(
                {"probe": what, "status": r.status_code, "leak": 200 <= r.status_code < 300}
            )

        cfg = {"configurable": {"thread_id": a_thread}}
        hi = {"messages": [{"type": "human", "content": "what did I say?"}]}
        probe("GET /v1/samples/{id}", bob.get(f"/v1/samples/{sid}"))
        probe("GET /v1/samples/{id}/audio", bob.get(f"/v1/samples/{sid}/audio"))
        probe("GET /v1/samples/{id}/audio?click", bob.get(f"/v1/samples/{sid}/audio?click=true"))
        probe("GET /v1/samples/{id}/plot", bob.get(f"/v1/samples/{sid}/plot"))
        probe("POST /v1/mix-preview", bob.post("/v1/mix-preview", json={"a": sid, "b": sid}))
        probe("GET /v1/threads/{id}", bob.get(f"/v1/threads/{a_thread}"))
        probe("GET /v1/threads/{id}/history", bob.get(f"/v1/threads/{a_thread}/history"))
        probe(
            "POST /v1/threads/{id}/chat",
            bob.post(f"/v1/threads/{a_thread}/chat", json={"message": "hi"}),
        )
        probe(
            "POST /v1/threads/{own}/chat samples=[hers]",
            bob.post(f"/v1/threads/{b_thread}/chat", json={"message": "swing?", "samples": [sid]}),
        )
        for route in ("invoke", "stream", "stream_events"):
            probe(
                f"POST /agent/{route}",
                bob.post(f"/agent/{route}", json={"input": hi, "config": cfg}),
            )
        probe("POST /agent/batch", bob.post("/agent/batch", json={"inputs": [hi], "config": cfg}))
        chat_hi = {"messages": [{"type": "human", "content": "hi"}]}
        probe(
            "POST /agent/chat/invoke",
            bob.post("/agent/chat/invoke", json={"input": chat_hi, "config": cfg}),
        )
        for tid in (a_thread, a_ap):
            probe("GET /threads/{id}", bob.get(f"/threads/{tid}"))
            probe("GET /threads/{id}/state", bob.get(f"/threads/{tid}/state"))
            probe("POST /threads/{id}/history", bob.post(f"/threads/{tid}/history", json={}))
            probe("GET /threads/{id}/runs", bob.get(f"/threads/{tid}/runs"))
            probe("PATCH /threads/{id}", bob.patch(f"/threads/{tid}", json={"metadata": {"x": 1}}))
            probe(
                "POST /threads/{id}/runs/wait",
                bob.post(
                    f"/threads/{tid}/runs/wait", json={"assistant_id": "groovegraph", "input": hi}
                ),
            )
            probe("DELETE /threads/{id}", bob.delete(f"/threads/{tid}"))
        probe("DELETE /v1/threads/{id}", bob.delete(f"/v1/threads/{a_thread}"))
        listed = [t["thread_id"] for t in bob.get("/v1/threads").json()["threads"]]
        searched = [
            t["thread_id"] for t in bob.post("/threads/search", json={"limit": 1000}).json()
        ]
        hits = [h["sample_id"] for h in bob.get("/v1/samples?limit=200").json()["hits"]]
        listing_leaks = sum(
            [
                a_thread in listed,
                a_ap in listed,
                a_thread in searched,
                a_ap in searched,
                sid in hits,
            ]
        )
        # Bob names her stored file in a chat, every way.
        path_probes: list[dict[str, Any]] = []
        for trick in (abs_path, f"../uploads/{rel}", f"uploads/{rel}", f"../../uploads/{rel}"):
            events = _events(bob, b_thread, {"message": f"what's the tempo of {trick}"})
            analysed = any(
                kind == "tool_end" and _has_key(ev.get("result"), "tempo_bpm")
                for kind, ev in events
            )
            text = json.dumps([ev for _, ev in events])
            path_probes.append(
                {
                    "path": trick.replace(data_text, "<data>"),
                    "ended": bool(events) and events[-1][0] == "end",
                    "analysed_her_file": analysed,
                }
            )
            if data_text in text.replace(trick, ""):
                server_paths_shown.append(f"bob chat about {trick[:40]}")
        # The same file uploaded by Bob is his own sample, not hers.
        own = bob.post("/v1/samples", files={"file": ("bob.wav", wav, "audio/wav")})
        own_id = own.json().get("id") if own.status_code in (200, 201) else None
        if data_text in json.dumps([ev for _, ev in a_events]):
            server_paths_shown.append("alice's own chat about her upload")
        # Her things are still there and hers.
        intact = (
            alice.get(f"/v1/threads/{a_thread}").status_code == 200
            and alice.get(f"/threads/{a_ap}").status_code == 200
            and alice.get(f"/v1/samples/{sid}").status_code == 200
        )
        alice.close()
        bob.close()
    finally:
        server.stop()
        drop_database(name)
    leaks = (
        sum(p["leak"] for p in probes)
        + listing_leaks
        + sum(p["analysed_her_file"] for p in path_probes)
        + (own_id == sid)
    )
    return {
        "route_probes": len(probes),
        "route_leaks": sum(p["leak"] for p in probes),
        "listing_leaks": listing_leaks,
        "path_probes": path_probes,
        "path_leaks": sum(p["analysed_her_file"] for p in path_probes),
        "same_file_upload_is_own_sample": own_id is not None and own_id != sid,
        "server_paths_shown": server_paths_shown,
        "owner_data_intact": intact,
        "cross_owner_reads": leaks,
        "bar": "0 cross-owner reads (routes, listings, upload paths), no server path shown",
        "pass": leaks == 0 and not server_paths_shown and intact and own_id is not None,
        "per_probe": probes,
    }


def scenario_replicas(work: Path, trials: int = 10) -> dict[str, Any]:
    name, url = fresh_database()
    with redis_server() as (redis_url, proc, _):
        env = {"GROOVEGRAPH_REDIS_URL": redis_url}
        a = _server(work / "replica-a", url, **env).start()
        b = _server(work / "replica-b", url, **env).start()
        proc.kill()  # Redis down for both replicas from here on
        proc.wait(5)
        rows: list[dict[str, Any]] = []
        try:
            ca = httpx.Client(base_url=a.url, timeout=60)
            cb = httpx.Client(base_url=b.url, timeout=60)
            for trial in range(trials):
                thread_id = ca.post("/v1/threads").json()["thread_id"]
                barrier = threading.Barrier(2)
                got: dict[str, dict[str, Any]] = {}

                def go(
                    label: str,
                    client: httpx.Client,
                    tid: str = thread_id,
                    barrier: threading.Barrier = barrier,
                    got: dict[str, dict[str, Any]] = got,
                    question: str = QUESTIONS[trial % 5],
                ) -> None:
                    barrier.wait(10)
                    got[label] = chat(client, tid, f"{label}: {question}")

                workers = [
                    threading.Thread(target=go, args=("a", ca)),
                    threading.Thread(target=go, args=("b", cb)),
                ]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join(60)
                saved = humans(ca, thread_id)
                done = [k for k, v in got.items() if v.get("ok") is True]
                lost = [k for k in done if not any(h.startswith(f"{k}:") for h in saved)]
                rows.append(
                    {
                        "statuses": {k: v["status"] for k, v in got.items()},
                        "completed": done,
                        "saved_turns": len(saved),
                        "lost": lost,
                    }
                )
            ca.close()
            cb.close()
        finally:
            a.stop()
            b.stop()
            drop_database(name)
    lost_total = sum(len(r["lost"]) for r in rows)
    return {
        "trials": trials,
        "turns_completed": sum(len(r["completed"]) for r in rows),
        "refused_409": sum(1 for r in rows for s in r["statuses"].values() if s == 409),
        "turns_lost": lost_total,
        "bar": "0 turns lost",
        "pass": lost_total == 0,
        "per_trial": rows,
    }


def scenario_two_runs(work: Path, trials: int = 5) -> dict[str, Any]:
    name, url = fresh_database()
    server = _server(work / "two-runs", url).start()
    batch_lost = streams_lost = 0
    batch_rows: list[dict[str, Any]] = []
    stream_rows: list[dict[str, Any]] = []
    try:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            for trial in range(trials):
                thread_id = f"two-runs-batch-{trial}-{uuid.uuid4().hex[:6]}"
                texts = [f"b{trial}.{i}: {QUESTIONS[i]}" for i in range(3)]
                r = http.post(
                    "/agent/batch",
                    json={
                        "inputs": [{"messages": [{"type": "human", "content": t}]} for t in texts],
                        "config": {"configurable": {"thread_id": thread_id}},
                    },
                )
                saved = humans(http, thread_id)
                lost = [t for t in texts if t not in saved] if r.status_code == 200 else []
                batch_lost += len(lost)
                batch_rows.append({"status": r.status_code, "saved": len(saved), "lost": len(lost)})
            for trial in range(trials):
                thread_id = f"two-runs-stream-{trial}-{uuid.uuid4().hex[:6]}"
                barrier = threading.Barrier(2)
                got: dict[int, httpx.Response] = {}

                def go(
                    i: int,
                    tid: str = thread_id,
                    barrier: threading.Barrier = barrier,
                    got: dict[int, httpx.Response] = got,
                ) -> None:
                    with httpx.Client(base_url=server.url, timeout=60) as c:
                        barrier.wait(10)
                        got[i] = c.post(
                            "/agent/stream",
                            json={
                                "input": {
                                    "messages": [
                                        {"type": "human", "content": f"s{i}: {QUESTIONS[i]}"}
                                    ]
                                },
                                "config": {"configurable": {"thread_id": tid}},
                            },
                        )

                workers = [threading.Thread(target=go, args=(i,)) for i in range(2)]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join(60)
                saved = humans(http, thread_id)
                done = [
                    i
                    for i, r in got.items()
                    if r.status_code == 200 and "event: error" not in r.text
                ]
                lost = [i for i in done if not any(h.startswith(f"s{i}:") for h in saved)]
                streams_lost += len(lost)
                stream_rows.append(
                    {
                        "statuses": sorted(r.status_code for r in got.values()),
                        "saved": len(saved),
                        "lost": len(lost),
                    }
                )
    finally:
        server.stop()
        drop_database(name)
    return {
        "batch_trials": batch_rows,
        "batch_turns_lost": batch_lost,
        "stream_trials": stream_rows,
        "stream_turns_lost": streams_lost,
        "bar": "0 turns lost",
        "pass": batch_lost == 0 and streams_lost == 0,
    }


async def _storage_run(settings: Any, thread_id: str, n_turns: int) -> None:
    from langchain_core.messages import HumanMessage
    from tests.unit.test_graph_offline import catalog_frame

    from groovegraph.graph import build_graph
    from groovegraph.persistence.checkpointer import open_checkpointer
    from groovegraph.tools.catalog import FrameSource

    async with open_checkpointer(settings) as saver:
        graph = build_graph(catalog=FrameSource(catalog_frame()), settings=settings).compile(
            checkpointer=saver
        )
        cfg = {"configurable": {"thread_id": thread_id}}
        for turn in range(n_turns):
            text = f"{QUESTIONS[turn % len(QUESTIONS)]} (turn {turn})"
            # As the server runs a turn: one checkpoint when it ends.
            await graph.ainvoke({"messages": [HumanMessage(content=text)]}, cfg, durability="exit")


def _pg_thread_bytes(url: str, thread_id: str) -> dict[str, int]:
    import psycopg

    out: dict[str, int] = {}
    with psycopg.connect(url) as conn:
        raw_of = {
            "checkpoints": "octet_length(t.checkpoint::text) + octet_length(t.metadata::text)",
            "checkpoint_blobs": "coalesce(octet_length(t.blob), 0)",
            "checkpoint_writes": "coalesce(octet_length(t.blob), 0)",
        }
        for table, raw in raw_of.items():
            row = conn.execute(
                f"SELECT count(*), coalesce(sum(pg_column_size(t.*)), 0), "
                f"coalesce(sum({raw}), 0) FROM {table} t WHERE thread_id = %s",
                (thread_id,),
            ).fetchone()
            assert row is not None
            out[f"{table}_rows"] = int(row[0])
            out[f"{table}_bytes"] = int(row[1])  # as stored (TOAST-compressed)
            out[f"{table}_raw_bytes"] = int(row[2])
    out["total_bytes"] = sum(v for k, v in out.items() if k.endswith("_bytes") and "raw" not in k)
    out["total_raw_bytes"] = sum(v for k, v in out.items() if k.endswith("_raw_bytes"))
    return out


def _sqlite_thread_bytes(path: Path, thread_id: str) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        cp = conn.execute(
            "SELECT count(*), coalesce(sum(length(checkpoint) + length(metadata)), 0) "
            "FROM checkpoints WHERE thread_id = ?",
            (thread_id,),
        ).fetchone()
        wr = conn.execute(
            "SELECT count(*), coalesce(sum(length(value)), 0) FROM writes WHERE thread_id = ?",
            (thread_id,),
        ).fetchone()
    return {
        "checkpoints_rows": cp[0],
        "checkpoints_bytes": cp[1],
        "writes_rows": wr[0],
        "writes_bytes": wr[1],
        "total_bytes": cp[1] + wr[1],
    }


def scenario_storage(work: Path, n_turns: int = 50) -> dict[str, Any]:
    from groovegraph.settings import Settings

    default_keep = Settings().checkpoint_keep_turns
    out: dict[str, Any] = {"turns": n_turns, "default_keep_turns": default_keep}
    for keep in (default_keep, 0):
        name, url = fresh_database()
        try:
            s = Settings(
                data_dir=work / f"st-pg-{keep}", database_url=url, checkpoint_keep_turns=keep
            )
            s.ensure_dirs()
            asyncio.run(_storage_run(s, "storage", n_turns))
            out[f"postgres_keep_{keep or 'all'}"] = _pg_thread_bytes(url, "storage")
        finally:
            drop_database(name)
        s = Settings(data_dir=work / f"st-lite-{keep}", checkpoint_keep_turns=keep)
        s.ensure_dirs()
        asyncio.run(_storage_run(s, "storage", n_turns))
        out[f"sqlite_keep_{keep or 'all'}"] = _sqlite_thread_bytes(s.sqlite_path, "storage")
    worst = max(
        out[f"postgres_keep_{default_keep}"]["total_raw_bytes"],
        out[f"sqlite_keep_{default_keep}"]["total_bytes"],
    )
    out["bar"] = "<= 1 MB per 50-turn thread with the default retention (raw bytes)"
    out["pass"] = worst <= 1_000_000
    return out


SCENARIOS = (
    "storage",
    "cross_owner",
    "two_runs",
    "pg_terminate",
    "replicas",
    "redis",
    "redis_frozen",
    "sigkill",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="SIGKILL trials")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="gg-faults-"))
    os.environ.setdefault("NUMBA_CACHE_DIR", str(scratch_numba_cache_dir()))
    os.environ["GROOVEGRAPH_DATA_DIR"] = str(work / "data")
    report: dict[str, Any] = {"benchmark": "faults", "command": "python -m benchmarks.faults"}
    previous: dict[str, Any] = {}
    if args.out.exists():
        previous = json.loads(args.out.read_text()).get("scenarios", {})
    scenarios: dict[str, Any] = dict(previous)
    started = time.time()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        for name in [n for n in args.only.split(",") if n]:
            t = time.monotonic()
            print(f"== {name}", flush=True)
            try:
                scenarios[name] = run_scenario(name, work, args)
            except Exception as err:  # one broken scenario must not lose the others
                import traceback

                traceback.print_exc()
                scenarios[name] = {"error": f"{type(err).__name__}: {err}"[:2000], "pass": False}
            scenarios[name]["seconds"] = round(time.monotonic() - t, 1)
            scenarios[name]["command"] = (
                f"python -m benchmarks.faults --only {name}"
                + (f" --trials {args.trials}" if name == "sigkill" else "")
                + f" (at {commit}, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
            summary = {k: v for k, v in scenarios[name].items() if not isinstance(v, list)}
            print(json.dumps(summary, indent=1, default=str)[:2000], flush=True)
            # Written after every scenario: what is done survives a later failure.
            report["scenarios"] = scenarios
            report["all_pass"] = all(v.get("pass") for v in scenarios.values())
            report["run_at_unix"] = int(started)
            report["machine"] = machine_info(load)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out}; all_pass={report.get('all_pass')}")


def run_scenario(name: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    if name == "sigkill":
        return scenario_sigkill(
            work, args.trials, progress=args.out.with_suffix(".sigkill-progress.json")
        )
    runners = {
        "pg_terminate": lambda: scenario_pg_terminate(work),
        "redis": lambda: scenario_redis(work, "kill"),
        "redis_frozen": lambda: scenario_redis(work, "freeze"),
        "cross_owner": lambda: scenario_cross_owner(work),
        "replicas": lambda: scenario_replicas(work),
        "two_runs": lambda: scenario_two_runs(work),
        "storage": lambda: scenario_storage(work),
    }
    if name not in runners:
        raise SystemExit(f"unknown scenario {name!r}")
    return runners[name]()


if __name__ == "__main__":
    main()
