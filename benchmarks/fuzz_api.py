"""Fuzz every route of a real ``groovegraph serve`` for 5xx, cut streams and hangs.

One server on loopback, as in production: Postgres (a fresh database), Redis (a private
redis-server), API keys on with two owners (``alice``, ``bob``), no rate limit (every
request is answered, none turned away as 429). Then:

``generated``  schemathesis reads the served ``/openapi.json`` and, for every operation
               (``/v1/*``, the LangServe ``/agent/*`` routes, the Agent Protocol
               ``/threads``, ``/assistants``, ``/runs`` routes, health), sends the
               schema's examples, its coverage phase (boundary and invalid values of
               every parameter and body) and ``--examples`` random valid and invalid
               requests (hypothesis, ``derandomize``: the same cases every run). Some
               cases are re-pointed at real resources: ~20 % at the caller's own thread,
               sample and assistant (so valid bodies reach real runs, not only 404s) and
               ~10 % at the other owner's thread or sample (cross-owner: any 2xx is a
               leak).
``hand``       the hand-written bad requests of issue 13, on every route they apply to:
               invalid UTF-8 bodies, ``"config": null``, empty inputs on the stream
               routes, huge offsets and limits, NUL bytes in paths, bodies and chat
               messages, path tricks (``../uploads/…``, absolute paths, the other owner's
               upload path), two file fields, malformed JSON, wrong content types and
               oversized bodies (declared and chunked).

Every response is checked: no 5xx; a 4xx carries the ``{"error": {"code", "message"}}``
body; a ``text/event-stream`` ends with ``end`` and an ``error`` event is followed by
``end`` (an in-band error with a 5xx status or ``run_failed`` counts as a 5xx); no request
hangs (``--timeout`` seconds for the whole response, streams included) or is cut.

    uv run --frozen python -m benchmarks.fuzz_api [--examples 120] [--only generated,hand]

Bar (issue 13): 0 5xx (and no cut or hung stream) in 10,000+ schemathesis cases and the
hand-written list. Results: ``benchmarks/results/fuzz_api.json``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from benchmarks.common import drop_database, fresh_database, machine_info
from benchmarks.faults import _server, redis_server
from groovegraph.settings import scratch_numba_cache_dir

RESULTS = Path(__file__).parent / "results" / "fuzz_api.json"
KEYS = {"alice": "fuzz-alice-key", "bob": "fuzz-bob-key"}
MAX_UPLOAD = 2 * 1024 * 1024
#: Path parameters re-pointed at real resources (``config_hash``, ``run_id`` and
#: ``checkpoint_id`` keep what schemathesis drew).
REAL_PARAMS = ("thread_id", "sample_id", "assistant_id")
#: Failures kept in full in the JSON (the counts are always complete).
KEEP_FAILURES = 200


def auth(owner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[owner]}"}


def wav_bytes(seconds: float = 4.0, tempo_bpm: float = 101.0) -> bytes:
    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(tempo_bpm=tempo_bpm, duration_s=seconds, sample_rate=22050, seed=7)
    )
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV", subtype="PCM_16")
    return buf.getvalue()


# --------------------------------------------------------------------------- checking


def parse_sse(body: bytes) -> list[tuple[str, str]]:
    """(event, data) pairs of an SSE body; comments (heartbeats) skipped."""
    events: list[tuple[str, str]] = []
    text = body.decode("utf-8", errors="replace").replace("\r\n", "\n")
    for block in text.split("\n\n"):
        name, data = "message", []
        seen = False
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            seen = True
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)
        if seen:
            events.append((name, "\n".join(data)))
    return events


def stream_problem(body: bytes) -> str | None:
    """Why a ``text/event-stream`` body is not a complete, clean stream (None when it is)."""
    events = parse_sse(body)
    names = [n for n, _ in events]
    if not names or names[-1] != "end":
        return f"stream_cut: last events {names[-3:]}"
    for i, (name, data) in enumerate(events):
        if name != "error":
            continue
        if "end" not in names[i + 1 :]:
            return "stream_error_without_end"
        try:
            payload = json.loads(data) if data else {}
        except json.JSONDecodeError:
            payload = {}
        status = payload.get("status_code") if isinstance(payload, dict) else None
        code = (payload.get("code") or payload.get("error")) if isinstance(payload, dict) else None
        if (isinstance(status, int) and status >= 500) or code in ("run_failed",):
            return f"stream_in_band_5xx: {data[:200]}"
    return None


def error_body_problem(resp_body: bytes, content_type: str) -> str | None:
    if not content_type.startswith("application/json"):
        return f"4xx_not_json: {content_type}"
    try:
        body = json.loads(resp_body)
    except ValueError:
        return "4xx_bad_json"
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or not err.get("code") or not err.get("message"):
        return f"4xx_without_error_body: {resp_body[:120]!r}"
    return None


@dataclass
class Tally:
    cases: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    per_operation: collections.Counter[str] = field(default_factory=collections.Counter)
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    streams_checked: int = 0
    cross_owner_cases: int = 0
    real_resource_cases: int = 0
    seconds_max: float = 0.0

    def fail(self, kind: str, **info: Any) -> None:
        self.kinds[kind] += 1
        if len(self.failures) < KEEP_FAILURES:
            self.failures.append({"kind": kind, **info})

    def note(self, kind: str, **info: Any) -> None:
        self.kinds[kind] += 1
        if len(self.notes) < KEEP_FAILURES:
            self.notes.append({"kind": kind, **info})


FAILURE_KINDS = ("5xx", "hung_or_cut", "stream", "cross_owner_leak")
#: Requests sent again after a keep-alive connection closed under them (see send()).
KEEPALIVE_RETRIES = [0]


def _send_once(
    session: requests.Session, timeout_s: float, **kwargs: Any
) -> tuple[int | None, dict[str, str], bytes, float, str | None]:
    t0 = time.monotonic()
    try:
        with session.request(**kwargs, stream=True, timeout=(10, timeout_s)) as r:
            chunks = []
            for chunk in r.iter_content(chunk_size=None):
                chunks.append(chunk)
                if time.monotonic() - t0 > timeout_s:
                    return (
                        r.status_code,
                        dict(r.headers),
                        b"".join(chunks),
                        time.monotonic() - t0,
                        "hung: no end within the timeout",
                    )
            return r.status_code, dict(r.headers), b"".join(chunks), time.monotonic() - t0, None
    except (
        requests.exceptions.InvalidHeader,
        requests.exceptions.InvalidURL,
        requests.exceptions.InvalidJSONError,
        UnicodeError,
    ) as err:
        # The client could not even build the request (a header value http.client
        # refuses, say): nothing reached the server.
        return None, {}, b"", time.monotonic() - t0, f"not_sent: {type(err).__name__}: {err}"[:300]
    except requests.RequestException as err:
        return None, {}, b"", time.monotonic() - t0, f"{type(err).__name__}: {str(err)[:200]}"


def send(
    sessions: dict[str, requests.Session], owner: str, timeout_s: float, **kwargs: Any
) -> tuple[int | None, dict[str, str], bytes, float, str | None]:
    """One request read to its end within ``timeout_s`` in all (streams included):
    (status, headers, body, seconds, transport problem or None).

    A request refused before any byte of an answer with "Connection aborted" on a reused
    connection is sent once more on a new one: uvicorn closes a keep-alive connection idle
    for 5 s, and generating the next case can take longer than that on a loaded machine
    (the close races the reuse). A server that drops connections by failing is still
    seen: the retry fails too, and its exception is in the server log, which is counted.
    """
    result = _send_once(sessions[owner], timeout_s, **kwargs)
    problem = result[4] or ""
    if result[0] is None and "Connection aborted" in problem:
        replayable = not hasattr(kwargs.get("data"), "__next__")
        sessions[owner].close()
        sessions[owner] = requests.Session()
        if replayable:
            KEEPALIVE_RETRIES[0] += 1
            return _send_once(sessions[owner], timeout_s, **kwargs)
    return result


def server_error_lines(log_path: Path) -> list[str]:
    """Error lines (an exception in a route, a failed stream) in the server's JSON log."""
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if '"level": "error"' in line]


def server_errors_logged(log_path: Path) -> int:
    return len(server_error_lines(log_path))


def _renew_if_broken(sessions: dict[str, requests.Session], owner: str, result: Any) -> None:
    """A fresh connection after a 5xx or a transport error: the server may have dropped
    the old one, and the next case must not be charged with that."""
    if result[0] is None or result[0] >= 500:
        sessions[owner].close()
        sessions[owner] = requests.Session()


def check(
    tally: Tally,
    label: str,
    result: tuple[int | None, dict[str, str], bytes, float, str | None],
    *,
    repro: str,
    cross_owner: bool = False,
    expect_4xx: bool = False,
) -> None:
    status, headers, body, seconds, problem = result
    tally.cases += 1
    tally.per_operation[label] += 1
    tally.seconds_max = max(tally.seconds_max, seconds)
    info = {"operation": label, "status": status, "repro": repro[:1500]}
    if problem is not None and problem.startswith("not_sent"):
        tally.note("not_sent", problem=problem, **info)
        return
    if problem is not None or status is None:
        tally.fail("hung_or_cut", problem=problem, **info)
        return
    tally.statuses[status] += 1
    ctype = headers.get("content-type", headers.get("Content-Type", ""))
    if status >= 500:
        tally.fail("5xx", body=body[:300].decode(errors="replace"), **info)
        return
    if cross_owner and 200 <= status < 300:
        tally.fail("cross_owner_leak", body=body[:300].decode(errors="replace"), **info)
    if expect_4xx and not 400 <= status < 500:
        tally.note("hand_not_4xx", body=body[:200].decode(errors="replace"), **info)
    if 400 <= status < 500:
        why = error_body_problem(body, ctype)
        if why is not None:
            tally.note("4xx_error_shape", problem=why, **info)
    if ctype.startswith("text/event-stream") and status == 200:
        tally.streams_checked += 1
        why = stream_problem(body)
        if why is not None:
            tally.fail(
                "stream", problem=why, body_tail=body[-400:].decode(errors="replace"), **info
            )


# --------------------------------------------------------------------------- fixtures


@dataclass
class World:
    """Real resources of both owners, for the re-pointed cases and the hand-written list."""

    url: str
    data_dir: Path
    threads: dict[str, list[str]]  # owner -> thread ids (a /v1 thread, an Agent Protocol one)
    samples: dict[str, str]  # owner -> sample id
    upload_paths: dict[str, str]  # owner -> absolute path of the stored upload
    assistant_id: str


def make_world(url: str, data_dir: Path) -> World:
    threads: dict[str, list[str]] = {}
    samples: dict[str, str] = {}
    paths: dict[str, str] = {}
    with requests.Session() as s:
        for i, owner in enumerate(("alice", "bob")):
            h = auth(owner)
            v1 = s.post(f"{url}/v1/threads", headers=h, timeout=60).json()["thread_id"]
            r = s.post(
                f"{url}/v1/threads/{v1}/chat",
                json={"message": "what defined Philly soul drumming?"},
                headers=h,
                timeout=120,
            )
            assert r.status_code == 200, r.text
            ap = s.post(f"{url}/threads", json={}, headers=h, timeout=60).json()["thread_id"]
            threads[owner] = [v1, ap]
            up = s.post(
                f"{url}/v1/samples",
                files={"file": (f"{owner}-loop.wav", wav_bytes(tempo_bpm=95 + 6 * i), "audio/wav")},
                headers=h,
                timeout=300,
            )
            assert up.status_code in (200, 201), up.text
            samples[owner] = up.json()["id"]
        assistants = s.post(f"{url}/assistants/search", json={}, headers=auth("alice"), timeout=60)
        assistant_id = assistants.json()[0]["assistant_id"]
    for owner in ("alice", "bob"):
        # Settings.owner_uploads_dir: uploads/<sha256(owner)[:24]>/<2 hex>/<sha256>.wav
        folder = data_dir / "uploads" / hashlib.sha256(owner.encode()).hexdigest()[:24]
        found = sorted(folder.rglob("*.wav"))
        assert found, f"no upload of {owner} under {folder}"
        paths[owner] = str(found[0])
    return World(url, data_dir, threads, samples, paths, assistant_id)


# --------------------------------------------------------------------------- generated


def run_generated(
    world: World,
    examples: int,
    timeout_s: float,
    tally: Tally,
    prefixes: tuple[str, ...] = (),
    real_share: float = 0.2,
) -> None:
    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck
    from schemathesis.generation.hypothesis.builder import (
        HypothesisTestConfig,
        HypothesisTestMode,
        create_test,
    )

    schema = schemathesis.openapi.from_url(f"{world.url}/openapi.json", timeout=60)
    # Undocumented methods (TRACE, PUT on a GET route) only meet Starlette's 405.
    schema.config.phases.coverage.unexpected_methods = set()
    settings = hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    rng = random.Random(13)
    sessions = {owner: requests.Session() for owner in KEYS}
    operations = [op.ok() for op in schema.get_all_operations()]
    if prefixes:  # a re-run of some routes only (the report says which)
        operations = [op for op in operations if op.path.startswith(prefixes)]
    tally.kinds["operations"] = len(operations)
    print(f"generated: {len(operations)} operations, {examples} random examples each", flush=True)

    def one(case: Any) -> None:
        owner, cross = "alice", False
        params = case.path_parameters or {}
        if any(name in params for name in REAL_PARAMS):
            roll = rng.random()
            if roll < real_share and case.method.upper() != "DELETE":
                tally.real_resource_cases += 1
                _point_at(case, world, "alice")
            elif roll < real_share + 0.1 and ("thread_id" in params or "sample_id" in params):
                tally.cross_owner_cases += 1
                owner, cross = "bob", True
                _point_at(case, world, "alice")
        elif case.operation.path.startswith("/agent/") and isinstance(case.body, dict):
            # LangServe names the thread in the body's config: without one it is a 422,
            # so most generated bodies never reach a run. Some are given a thread.
            roll = rng.random()
            if roll < real_share:
                tally.real_resource_cases += 1
                _config_thread(case.body, f"fuzz-{rng.randrange(1 << 30):x}")
            elif roll < real_share + 0.1:
                tally.cross_owner_cases += 1
                owner, cross = "bob", True
                _config_thread(case.body, world.threads["alice"][0])
        kwargs = case.as_transport_kwargs(base_url=world.url, headers=auth(owner))
        result = send(sessions, owner, timeout_s, **kwargs)
        _renew_if_broken(sessions, owner, result)
        check(
            tally,
            f"{case.method.upper()} {case.operation.path}",
            result,
            repro=("[as bob] " if cross else "") + case.as_curl_command(headers=auth(owner)),
            cross_owner=cross,
        )

    for op in operations:
        t0 = time.monotonic()
        before = tally.cases
        test = create_test(
            operation=op,
            test_func=one,
            config=HypothesisTestConfig(
                project=schema.config,
                modes=list(HypothesisTestMode),
                settings=settings,
            ),
        )
        try:
            test()
        except Exception as err:  # a generation error must not end the whole run
            tally.note("generation_error", operation=op.label, repro=repr(err)[:500])
        print(
            f"  {op.label}: {tally.cases - before} cases in {time.monotonic() - t0:.0f}s "
            f"(total {tally.cases}; failures {sum(tally.kinds[k] for k in FAILURE_KINDS)})",
            flush=True,
        )
    for s in sessions.values():
        s.close()


def _config_thread(body: dict[str, Any], thread_id: str) -> None:
    """Name ``thread_id`` in a LangServe body's config (kept as generated otherwise)."""
    config = body.get("config")
    if not isinstance(config, dict):
        config = {}
    configurable = config.get("configurable")
    if not isinstance(configurable, dict):
        configurable = {}
    body["config"] = {**config, "configurable": {**configurable, "thread_id": thread_id}}


def _point_at(case: Any, world: World, owner: str) -> None:
    params = dict(case.path_parameters)
    path = case.operation.path
    if "thread_id" in params:
        # /v1 routes take the /v1 thread, the Agent Protocol routes their own one.
        params["thread_id"] = world.threads[owner][0 if path.startswith("/v1/") else 1]
    if "sample_id" in params:
        params["sample_id"] = world.samples[owner]
    if "assistant_id" in params:
        params["assistant_id"] = world.assistant_id
    case.path_parameters = params
    # The body's references too, so valid bodies reach a run (and its stream) instead of
    # stopping at "assistant not found" or "sample not found".
    body = case.body if isinstance(case.body, dict) else None
    if body is not None:
        if isinstance(body.get("assistant_id"), str):
            body["assistant_id"] = world.assistant_id
        if isinstance(body.get("samples"), list) and body["samples"]:
            body["samples"] = [world.samples[owner]]


# --------------------------------------------------------------------------- hand-written


def hand_cases(world: World) -> Iterator[tuple[str, str, str, dict[str, Any], bool, bool]]:
    """(label, owner, method, request kwargs, cross-owner, must be 4xx)."""
    a_v1, a_ap = world.threads["alice"]
    b_v1, b_ap = world.threads["bob"]
    a_sample = world.samples["alice"]
    u = world.url
    hi = {"messages": [{"type": "human", "content": "hi"}]}
    cfg = {"configurable": {"thread_id": a_v1}}
    json_h = {"Content-Type": "application/json"}
    agent_routes = ("invoke", "stream", "stream_events", "batch")
    chat_routes = ("chat/invoke", "chat/stream", "chat/stream_log", "chat/batch")
    json_posts = [
        *(f"/agent/{r}" for r in agent_routes + chat_routes),
        f"/v1/threads/{a_v1}/chat",
        "/v1/mix-preview",
        "/threads",
        "/threads/search",
        "/threads/count",
        "/assistants/search",
        "/assistants/count",
        f"/threads/{a_ap}/runs",
        f"/threads/{a_ap}/runs/stream",
        f"/threads/{a_ap}/runs/wait",
        f"/threads/{a_ap}/state",
        f"/threads/{a_ap}/history",
    ]

    def body_for(route: str, inp: Any) -> dict[str, Any]:
        if route.endswith("batch"):
            return {"inputs": [inp], "config": cfg}
        if route.startswith("/agent/"):
            return {"input": inp, "config": cfg}
        return {"input": inp, "assistant_id": world.assistant_id}

    # Invalid UTF-8, malformed JSON, wrong content types, oversized (declared and chunked).
    big = b'{"input": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    for route in json_posts:
        for what, content, ctype in (
            ("invalid utf-8 byte", b"\xff", "application/json"),
            ("invalid utf-8 in a string", b'{"message": "\xc3\x28"}', "application/json"),
            ("malformed json", b'{"input": {"messages": [', "application/json"),
            ("json null", b"null", "application/json"),
            ("json array", b"[1, 2]", "application/json"),
            ("text/plain body", b'{"message": "hi"}', "text/plain"),
            ("form body", b"message=hi", "application/x-www-form-urlencoded"),
            ("multipart body", b"--x\r\n\r\nhi\r\n--x--\r\n", "multipart/form-data; boundary=x"),
            ("no content type", b'{"message": "hi"}', ""),
            ("oversized declared", big, "application/json"),
        ):
            headers = {"Content-Type": ctype} if ctype else {}
            yield (
                f"{what}: POST {route}",
                "alice",
                "POST",
                {"url": u + route, "data": content, "headers": headers},
                False,
                True,
            )
        yield (
            f"oversized chunked: POST {route}",
            "alice",
            "POST",
            {"url": u + route, "data": iter([big[:1_000_000], big[1_000_000:]]), "headers": json_h},
            False,
            True,
        )
    # "config": null and odd configs on the LangServe routes.
    for route in (*agent_routes, *chat_routes):
        path = f"/agent/{route}"
        for config in (
            None,
            [],
            "x",
            {"configurable": None},
            {"configurable": {"thread_id": None}},
        ):
            body: dict[str, Any] = (
                {"inputs": [hi], "config": config}
                if route.endswith("batch")
                else {"input": hi, "config": config}
            )
            yield (
                f"config={config!r}: POST {path}",
                "alice",
                "POST",
                {"url": u + path, "json": body},
                False,
                True,
            )
        for inputs in (None, [], [None], "x"):
            if route.endswith("batch"):
                yield (
                    f"inputs={inputs!r}: POST {path}",
                    "alice",
                    "POST",
                    {"url": u + path, "json": {"inputs": inputs, "config": cfg}},
                    False,
                    True,
                )
    # Empty inputs on every stream route (and invoke, for comparison).
    empties: list[Any] = [{}, {"messages": []}, {"resume": None}, None, {"messages": None}, []]
    for route in (
        "/agent/invoke",
        "/agent/stream",
        "/agent/stream_events",
        "/agent/chat/stream",
        "/agent/chat/stream_log",
        "/agent/chat/invoke",
        f"/threads/{a_ap}/runs/stream",
        f"/threads/{a_ap}/runs/wait",
        f"/threads/{a_ap}/runs",
    ):
        for empty in empties:
            yield (
                f"empty input {empty!r}: POST {route}",
                "alice",
                "POST",
                {"url": u + route, "json": body_for(route, empty)},
                False,
                False,
            )
    for resume in (None, "", {}, "\u0000"):
        yield (
            f"resume={resume!r}: POST /v1/threads/{{id}}/chat",
            "alice",
            "POST",
            {"url": f"{u}/v1/threads/{a_v1}/chat", "json": {"resume": resume}},
            False,
            False,
        )
    # Huge offsets and limits.
    for value in (
        "9223372036854775808",
        "9223372036854775807",
        "-1",
        "1e400",
        "99999999999999999999999",
    ):
        for path in (
            f"/v1/threads?offset={value}",
            f"/v1/threads?limit={value}",
            f"/v1/samples?limit={value}",
            f"/v1/threads/{a_v1}/history?limit={value}",
            f"/threads/{a_ap}/history?limit={value}",
            f"/threads/{a_ap}/runs?offset={value}",
            f"/threads/{a_ap}/runs?limit={value}",
        ):
            yield (f"huge number: GET {path}", "alice", "GET", {"url": u + path}, False, False)
        for path in ("/threads/search", "/assistants/search", f"/threads/{a_ap}/history"):
            for key in ("offset", "limit"):
                try:
                    num: Any = int(value)
                except ValueError:
                    num = value
                yield (
                    f"huge {key} {value}: POST {path}",
                    "alice",
                    "POST",
                    {"url": u + path, "json": {key: num}},
                    False,
                    False,
                )
    # NUL bytes in paths, queries, bodies and chat messages.
    for path in (
        "/v1/samples/%00",
        "/v1/samples/%00/plot",
        "/v1/samples/%00/audio",
        "/v1/threads/%00",
        "/v1/threads/%00/history",
        "/threads/%00",
        "/threads/%00/state",
        "/threads/%00/history",
        f"/threads/{a_ap}/runs/%00",
        f"/threads/{a_ap}/state/%00",
        "/assistants/%00",
        "/assistants/%00/graph",
        "/agent/chat/c/%00/input_schema",
        "/v1/samples?genre=%00",
        "/v1/samples?key=%00",
        "/v1/samples?bpm=%00",
        "/v1/samples?instrument=a%00b",
    ):
        yield (f"NUL: GET {path}", "alice", "GET", {"url": u + path}, False, False)
    for path in ("/v1/threads/%00", "/threads/%00"):
        yield (f"NUL: DELETE {path}", "alice", "DELETE", {"url": u + path}, False, False)
    nul_chat = [
        {"message": "hi\u0000there"},
        {"message": "\u0000"},
        {"message": "hi", "samples": ["\u0000"]},
        {"message": "hi", "samples": ["a\u0000b", a_sample]},
        {"resume": "yes\u0000"},
    ]
    for body in nul_chat:
        yield (
            f"NUL chat {body!r}: POST /v1/threads/{{id}}/chat",
            "alice",
            "POST",
            {"url": f"{u}/v1/threads/{a_v1}/chat", "json": body},
            False,
            False,
        )
    nul_msg = {"messages": [{"type": "human", "content": "what is\u0000 swing?"}]}
    for route in (
        "/agent/invoke",
        "/agent/stream",
        "/agent/stream_events",
        "/agent/batch",
        "/agent/chat/invoke",
        "/agent/chat/stream",
        f"/threads/{a_ap}/runs/stream",
        f"/threads/{a_ap}/runs/wait",
    ):
        yield (
            f"NUL message: POST {route}",
            "alice",
            "POST",
            {"url": u + route, "json": body_for(route, nul_msg)},
            False,
            False,
        )
    for route, body in (
        ("/threads", {"metadata": {"k\u0000": "v\u0000"}}),
        ("/threads", {"thread_id": "a\u0000b"}),
        ("/threads/search", {"metadata": {"k": "\u0000"}}),
        ("/assistants/search", {"graph_id": "\u0000", "metadata": {"\u0000": 1}}),
        (
            f"/threads/{a_ap}/state",
            {"values": {"messages": [{"type": "human", "content": "\u0000"}]}},
        ),
        ("/v1/mix-preview", {"a": "\u0000", "b": a_sample}),
        ("/agent/invoke", {"input": hi, "config": {"configurable": {"thread_id": "t\u0000"}}}),
    ):
        yield (
            f"NUL body: POST {route} {body!r}",
            "alice",
            "POST",
            {"url": u + route, "json": body},
            False,
            False,
        )
    # Path tricks: upload paths (the other owner's included), absolute, traversal.
    b_path = world.upload_paths["bob"]
    rel = b_path.split("/uploads/", 1)[-1] if "/uploads/" in b_path else Path(b_path).name
    tricks = [
        b_path,
        f"../uploads/{rel}",
        f"uploads/{rel}",
        f"{world.data_dir}/uploads/{rel}",
        "/etc/passwd",
        "../../../../etc/passwd",
        "..\\..\\etc\\passwd",
        "~/secret.wav",
        "file:///etc/passwd",
        "/dev/zero",
        "/proc/self/environ",
    ]
    for trick in tricks:
        yield (
            f"path trick in chat {trick!r}",
            "alice",
            "POST",
            {"url": f"{u}/v1/threads/{a_v1}/chat", "json": {"message": f"analyze {trick}"}},
            False,
            False,
        )
        yield (
            f"path trick as sample id {trick!r}",
            "alice",
            "POST",
            {
                "url": f"{u}/v1/threads/{a_v1}/chat",
                "json": {"message": "swing?", "samples": [trick]},
            },
            False,
            True,
        )
        quoted = requests.utils.quote(trick, safe="")
        for path in (
            f"/v1/samples/{quoted}",
            f"/v1/samples/{quoted}/audio",
            f"/v1/samples/{quoted}/plot",
        ):
            yield (f"path trick: GET {path}", "alice", "GET", {"url": u + path}, False, True)
        yield (
            f"path trick in mix-preview {trick!r}",
            "alice",
            "POST",
            {"url": f"{u}/v1/mix-preview", "json": {"a": trick, "b": a_sample}},
            False,
            True,
        )
        yield (
            f"path trick in /agent/invoke {trick!r}",
            "alice",
            "POST",
            {
                "url": f"{u}/agent/invoke",
                "json": {
                    "input": {
                        "messages": [{"type": "human", "content": f"what's the swing on {trick}"}]
                    },
                    "config": cfg,
                },
            },
            False,
            False,
        )
    for path in (
        "/v1/samples/..%2F..%2Fetc%2Fpasswd",
        "/v1/samples/../../etc/passwd",
        "/v1/threads/..%2Fthreads",
        "/threads/..%2F..%2Fok",
    ):
        yield (f"encoded traversal: GET {path}", "alice", "GET", {"url": u + path}, False, False)
    # Uploads: two file fields, no file, empty, wrong type, oversized, odd names.
    wav = wav_bytes(seconds=2.0)
    for what, files in (
        (
            "two file fields",
            [("file", ("a.wav", wav, "audio/wav")), ("file", ("b.wav", wav, "audio/wav"))],
        ),
        ("no file field", [("other", ("a.wav", wav, "audio/wav"))]),
        ("empty file", [("file", ("a.wav", b"", "audio/wav"))]),
        ("text as wav", [("file", ("a.wav", b"not audio\n" * 100, "audio/wav"))]),
        ("NUL filename", [("file", ("a\u0000.wav", wav, "audio/wav"))]),
        ("traversal filename", [("file", ("../../../etc/passwd", wav, "audio/wav"))]),
        ("absolute filename", [("file", ("/etc/cron.d/x.wav", wav, "audio/wav"))]),
        ("oversized", [("file", ("big.wav", b"\0" * (MAX_UPLOAD + 100_000), "audio/wav"))]),
    ):
        yield (
            f"upload: {what}",
            "alice",
            "POST",
            {"url": f"{u}/v1/samples", "files": files},
            False,
            what not in ("NUL filename", "traversal filename", "absolute filename"),
        )
    for what, content, ctype in (
        ("json to upload", b'{"file": "x"}', "application/json"),
        ("multipart without boundary", b"xx", "multipart/form-data"),
        (
            "multipart cut",
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
            + wav[:5000],
            "multipart/form-data; boundary=x",
        ),
        (
            "invalid utf-8 in part header",
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="\xff.wav"\r\n\r\n'
            + wav
            + b"\r\n--x--\r\n",
            "multipart/form-data; boundary=x",
        ),
    ):
        yield (
            f"upload: {what}",
            "alice",
            "POST",
            {"url": f"{u}/v1/samples", "data": content, "headers": {"Content-Type": ctype}},
            False,
            True,
        )
    # Cross-owner: bob on alice's thread and sample, every route that names them.
    for method, path, body in (
        ("GET", f"/v1/threads/{a_v1}", None),
        ("GET", f"/v1/threads/{a_v1}/history", None),
        ("DELETE", f"/v1/threads/{a_v1}", None),
        ("POST", f"/v1/threads/{a_v1}/chat", {"message": "what did I say?"}),
        ("GET", f"/v1/samples/{a_sample}", None),
        ("GET", f"/v1/samples/{a_sample}/audio", None),
        ("GET", f"/v1/samples/{a_sample}/plot", None),
        ("POST", "/v1/mix-preview", {"a": a_sample, "b": a_sample}),
        ("POST", f"/v1/threads/{b_v1}/chat", {"message": "swing?", "samples": [a_sample]}),
        ("GET", f"/threads/{a_ap}", None),
        ("GET", f"/threads/{a_ap}/state", None),
        ("GET", f"/threads/{a_v1}/state", None),
        ("POST", f"/threads/{a_ap}/history", {}),
        ("PATCH", f"/threads/{a_ap}", {"metadata": {"x": 1}}),
        ("DELETE", f"/threads/{a_ap}", None),
        ("GET", f"/threads/{a_ap}/runs", None),
        ("POST", f"/threads/{a_ap}/runs/wait", {"assistant_id": world.assistant_id, "input": hi}),
        ("POST", "/agent/invoke", {"input": hi, "config": cfg}),
        ("POST", "/agent/stream", {"input": hi, "config": cfg}),
    ):
        yield (
            f"cross-owner: {method} {path}",
            "bob",
            method,
            {"url": u + path, "json": body},
            True,
            True,
        )
    del b_ap


def run_hand(world: World, timeout_s: float, tally: Tally) -> None:
    sessions = {owner: requests.Session() for owner in KEYS}
    for label, owner, method, kwargs, cross, must_4xx in hand_cases(world):
        headers = {**auth(owner), **kwargs.pop("headers", {})}
        if kwargs.get("json") is None:
            kwargs.pop("json", None)
        result = send(sessions, owner, timeout_s, method=method, headers=headers, **kwargs)
        _renew_if_broken(sessions, owner, result)
        check(
            tally, label, result, repro=f"[{owner}] {label}", cross_owner=cross, expect_4xx=must_4xx
        )
    # After all of it, both owners' resources are as they were (nothing deleted across owners).
    with requests.Session() as s:
        for owner in KEYS:
            r = s.get(
                f"{world.url}/v1/threads/{world.threads[owner][0]}", headers=auth(owner), timeout=60
            )
            if r.status_code != 200:
                tally.fail(
                    "cross_owner_leak",
                    operation="owner's thread after the list",
                    status=r.status_code,
                    repro=owner,
                )
    for s in sessions.values():
        s.close()


def summarise(tally: Tally) -> dict[str, Any]:
    failures = {k: tally.kinds[k] for k in FAILURE_KINDS}
    return {
        "cases": tally.cases,
        "statuses": dict(sorted(tally.statuses.items())),
        "failures": failures,
        "notes": {k: v for k, v in tally.kinds.items() if k not in FAILURE_KINDS},
        "streams_checked": tally.streams_checked,
        "real_resource_cases": tally.real_resource_cases,
        "cross_owner_cases": tally.cross_owner_cases,
        "slowest_response_s": round(tally.seconds_max, 2),
        "operations_covered": len(tally.per_operation),
        "failure_examples": tally.failures,
        "note_examples": tally.notes[:60],
    }


def _verdict(report: dict[str, Any]) -> None:
    parts = [report[p] for p in ("generated", "hand") if p in report]
    report["total_cases"] = sum(p["cases"] for p in parts)
    report["total_failures"] = sum(sum(p["failures"].values()) for p in parts)
    report["bar"] = (
        "0 5xx (answered or logged), 0 cut/hung streams, 0 cross-owner leaks in >= 10,000 "
        "generated cases over every operation plus the hand-written list"
    )
    report["pass"] = (
        report["total_failures"] == 0 and report.get("generated", {}).get("cases", 0) >= 10_000
    )


def combine(files: list[Path], out: Path) -> None:
    """One report from shard runs: the same server set-up and commit, disjoint
    operations (``--paths``), run side by side, one server each."""
    shards = [json.loads(f.read_text()) for f in files]
    commits = {s.get("commit") for s in shards}
    report: dict[str, Any] = {
        "benchmark": "fuzz_api",
        "command": " & ".join(s["command"] for s in shards)
        + f"; python -m benchmarks.fuzz_api --combine {','.join(f.name for f in files)}",
        "commit": ",".join(sorted(c for c in commits if c)),
        "server": shards[0]["server"],
        "shards": [
            {"command": s["command"], "generated_cases": s.get("generated", {}).get("cases")}
            for s in shards
        ],
    }
    for part in ("generated", "hand"):
        got = [s[part] for s in shards if part in s]
        if not got:
            continue
        merged: dict[str, Any] = {}
        for key in ("cases", "streams_checked", "real_resource_cases", "cross_owner_cases"):
            merged[key] = sum(g[key] for g in got)
        merged["operations_covered"] = sum(g["operations_covered"] for g in got)
        for key in ("statuses", "failures", "notes"):
            total: collections.Counter[str] = collections.Counter()
            for g in got:
                total.update({str(k): v for k, v in g[key].items()})
            merged[key] = dict(sorted(total.items()))
        merged["slowest_response_s"] = max(g["slowest_response_s"] for g in got)
        merged["seconds"] = max(g["seconds"] for g in got)
        merged["keepalive_retries"] = sum(g.get("keepalive_retries", 0) for g in got)
        merged["failure_examples"] = [f for g in got for f in g["failure_examples"]]
        merged["note_examples"] = [n for g in got for n in g["note_examples"]][:60]
        merged["server_error_examples"] = [
            e for g in got for e in g.get("server_error_examples", [])
        ][:10]
        report[part] = merged
    _verdict(report)
    report["run_at_unix"] = min(s["run_at_unix"] for s in shards)
    report["machine"] = shards[0]["machine"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"wrote {out}; cases={report['total_cases']} failures={report['total_failures']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=120, help="random cases per operation")
    parser.add_argument("--only", default="generated,hand")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for one response")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--paths",
        default="",
        help="only operations whose path starts with one of these (comma-separated)",
    )
    parser.add_argument(
        "--real-share",
        type=float,
        default=0.2,
        help="share of cases with path ids pointed at the caller's real resources "
        "(0.1 more at the other owner's)",
    )
    parser.add_argument(
        "--combine",
        default="",
        help="add up the JSON results of shard runs (comma-separated files; --paths "
        "splits the operations between them) into --out, and run nothing",
    )
    args = parser.parse_args()
    if args.combine:
        combine([Path(p) for p in args.combine.split(",") if p], args.out)
        return
    load = os.getloadavg()
    started = time.time()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="gg-fuzz-"))
    os.environ.setdefault("NUMBA_CACHE_DIR", str(scratch_numba_cache_dir()))
    report: dict[str, Any] = {
        "benchmark": "fuzz_api",
        "command": f"python -m benchmarks.fuzz_api --examples {args.examples} --only {args.only}"
        + (f" --paths {args.paths}" if args.paths else "")
        + (f" --real-share {args.real_share}" if args.real_share != 0.2 else ""),
        "commit": commit,
        "server": "groovegraph serve on loopback: Postgres, Redis, API keys (2 owners), "
        "offline model, no rate limit",
    }
    name, db_url = fresh_database()
    try:
        with redis_server() as (redis_url, _, _):
            server = _server(
                work / "data",
                db_url,
                GROOVEGRAPH_REDIS_URL=redis_url,
                GROOVEGRAPH_API_KEYS=",".join(f"{k}:{o}" for o, k in KEYS.items()),
                GROOVEGRAPH_RATE_LIMIT_PER_MINUTE="0",
                GROOVEGRAPH_MAX_UPLOAD_BYTES=str(MAX_UPLOAD),
                GROOVEGRAPH_MAX_DURATION_S="30",
            ).start()
            try:
                world = make_world(server.url, server.data_dir)
                for part in [p for p in args.only.split(",") if p]:
                    tally = Tally()
                    t0 = time.monotonic()
                    logged_before = server_errors_logged(server.log_path)
                    KEEPALIVE_RETRIES[0] = 0
                    print(f"== {part}", flush=True)
                    if part == "generated":
                        prefixes = tuple(p for p in args.paths.split(",") if p)
                        run_generated(
                            world, args.examples, args.timeout, tally, prefixes, args.real_share
                        )
                    elif part == "hand":
                        run_hand(world, args.timeout, tally)
                    else:
                        raise SystemExit(f"unknown part {part!r}")
                    report[part] = summarise(tally) | {
                        "seconds": round(time.monotonic() - t0, 1),
                        "keepalive_retries": KEEPALIVE_RETRIES[0],
                    }
                    # An exception the server logged counts even when its client saw
                    # nothing wrong (a stream the guard closed properly, say).
                    new_errors = server_error_lines(server.log_path)[logged_before:]
                    report[part]["failures"]["server_errors_logged"] = len(new_errors)
                    report[part]["server_error_examples"] = [e[-1500:] for e in new_errors[:10]]
                    print(
                        json.dumps(
                            {k: v for k, v in report[part].items() if "examples" not in k}, indent=1
                        ),
                        flush=True,
                    )
                    args.out.parent.mkdir(parents=True, exist_ok=True)
                    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
                report["server_log_tail"] = server.log()[-3000:]
            finally:
                server.stop()
    finally:
        drop_database(name)
        shutil.rmtree(work, ignore_errors=True)  # the log's tail is in the report
    _verdict(report)
    report["run_at_unix"] = int(started)
    report["machine"] = machine_info(load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(
        f"wrote {args.out}; cases={report['total_cases']} failures={report['total_failures']} pass={report['pass']}"
    )


if __name__ == "__main__":
    main()
