"""Faults and concurrency with the real services: no turn lost when runs share a thread,
run locks that die with their holder, a second writer refused at commit, checkpoint
retention, pools that recover after the database drops their connections.

The longer probes (SIGKILL mid-turn × 20, Redis kill/restart, two replicas) are in
``benchmarks/faults.py``; these are the fast ones.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from groovegraph.persistence.checkpointer import (
    ALLOW_FORK_KEY,
    ConcurrentRunError,
    open_checkpointer,
    undone_on_failure,
)
from groovegraph.persistence.coordination import shared_run_lock
from groovegraph.persistence.run_locks import RunLockHeld, RunLocks
from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from tests.conftest import PG_ADMIN_URL
from tests.integration.server_proc import free_port, serve_in_thread

pytestmark = pytest.mark.integration


@pytest.fixture
def own_pg_url() -> Iterator[str]:
    """A database of this test's own: its connections may be terminated without touching
    anyone else's."""
    name = f"gg_faults_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as err:
        pytest.skip(f"PostgreSQL is not reachable: {err}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _terminate_backends(url: str) -> int:
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (dbname,),
        ).fetchall()
    return len(rows)


@pytest.fixture(params=["sqlite", "postgres"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    return Settings(data_dir=tmp_path / "data", database_url=url, checkpoint_keep_turns=3)


# --------------------------------------------------------------------------- batch


def test_batch_on_one_thread_keeps_every_turn(db_settings: Settings) -> None:
    """Three inputs on one thread in one /agent/batch: three turns, in order, none lost."""
    app = create_app(db_settings, build_demo=False, warm_up=False)
    thread_id = f"batch-{uuid.uuid4().hex[:10]}"
    questions = [
        "what defined Motown drumming?",
        "what defined Philly soul drumming?",
        "what defined 90s boom bap drumming?",
    ]
    body = {
        "inputs": [{"messages": [{"type": "human", "content": q}]} for q in questions],
        "config": {"configurable": {"thread_id": thread_id}},
    }
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as http:
        r = http.post("/agent/batch", json=body)
        assert r.status_code == 200, r.text
        assert len(r.json()["output"]) == 3
        state = http.get(f"/v1/threads/{thread_id}").json()
        # A list of configs naming one thread twice: the extra is refused, not forked.
        twice = http.post(
            "/agent/batch",
            json={
                "inputs": body["inputs"][:2],
                "config": [{"configurable": {"thread_id": thread_id}}] * 2,
            },
        )
    humans = [m["content"] for m in state["messages"] if m["type"] == "human"]
    assert humans == questions
    assert twice.status_code == 409, twice.text
    assert twice.json()["error"]["code"] == "run_in_progress"
    assert int(twice.headers["Retry-After"]) >= 1


# --------------------------------------------------------------------------- locks

_HOLDER = """
import asyncio, sys, time
from groovegraph.persistence.coordination import shared_run_lock
from groovegraph.persistence.run_locks import RunLocks
from groovegraph.settings import Settings

async def main():
    settings = Settings(data_dir=sys.argv[1], database_url=sys.argv[2] or None)
    locks = RunLocks(shared=[shared_run_lock(settings)])
    async with locks.hold("crash-thread"):
        print("held", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


async def test_run_lock_dies_with_its_holder(db_settings: Settings, tmp_path: Path) -> None:
    """A process killed while holding a thread's lock frees it at once (no TTL to wait)."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        textwrap.dedent(_HOLDER),
        str(db_settings.data_dir),
        db_settings.database_url or "",
        stdout=subprocess.PIPE,
    )
    locks = RunLocks(shared=[shared_run_lock(db_settings)])
    try:
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), 60)).strip() == b"held"
        assert await locks.is_held("crash-thread")
        with pytest.raises(RunLockHeld):
            async with locks.hold("crash-thread"):
                pass
        async with locks.hold("another-thread"):  # other threads are free
            pass
        holder.kill()
        await holder.wait()
        killed = time.monotonic()
        while True:
            try:
                async with locks.hold("crash-thread"):
                    break
            except RunLockHeld:
                assert time.monotonic() - killed < 5.0, "lock outlived its holder"
                await asyncio.sleep(0.05)
        assert time.monotonic() - killed < 5.0
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await locks.aclose()


async def test_pg_run_lock_survives_its_connection_being_dropped(own_pg_url: str) -> None:
    """The lock connection terminated mid-run: the heartbeat reconnects and takes the lock
    again, so another replica still cannot run the thread."""
    settings = Settings(database_url=own_pg_url)
    mine = RunLocks(shared=[shared_run_lock(settings)])
    other = RunLocks(shared=[shared_run_lock(settings)])
    try:
        async with mine.hold("t"):
            assert _terminate_backends(own_pg_url) >= 1
            await asyncio.sleep(2.5)  # > heartbeat: reconnected and re-taken
            with pytest.raises(RunLockHeld):
                async with other.hold("t"):
                    pass
        async with other.hold("t"):  # released properly afterwards
            pass
    finally:
        await mine.aclose()
        await other.aclose()


# --------------------------------------------------------------------------- commits


def _slow_graph(gate: asyncio.Event, entered: list[str]) -> StateGraph:
    async def reply(state: MessagesState) -> dict[str, Any]:
        entered.append(state["messages"][-1].content)
        await gate.wait()
        return {"messages": [AIMessage(content=f"re: {state['messages'][-1].content}")]}

    builder = StateGraph(MessagesState)
    builder.add_node("reply", reply)
    builder.add_edge(START, "reply")
    return builder


async def test_second_writer_on_one_parent_is_refused(db_settings: Settings) -> None:
    """Two runs from the same checkpoint with no lock at all (a lock lost mid-run): the
    first commit wins, the second raises instead of silently forking the thread."""
    db_settings.ensure_dirs()
    gate = asyncio.Event()
    entered: list[str] = []
    thread = {"configurable": {"thread_id": f"fork-{uuid.uuid4().hex[:8]}"}}
    async with open_checkpointer(db_settings) as saver:
        graph = _slow_graph(gate, entered).compile(checkpointer=saver)
        gate.set()
        await graph.ainvoke({"messages": [HumanMessage(content="first")]}, thread)
        gate.clear()
        a = asyncio.create_task(
            graph.ainvoke({"messages": [HumanMessage(content="a")]}, thread, durability="exit")
        )
        b = asyncio.create_task(
            graph.ainvoke({"messages": [HumanMessage(content="b")]}, thread, durability="exit")
        )
        # Both runs read the same head and wait in their node.
        while len(entered) < 3:  # noqa: ASYNC110 (polling a list the nodes append to)
            await asyncio.sleep(0.01)
        gate.set()
        results = await asyncio.gather(a, b, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ConcurrentRunError), errors
        state = await graph.aget_state(thread)
        humans = [m.content for m in state.values["messages"] if m.type == "human"]
        winner = "a" if not isinstance(results[0], BaseException) else "b"
        assert humans == ["first", winner]
        # The thread goes on from the winner's checkpoint.
        await graph.ainvoke({"messages": [HumanMessage(content="next")]}, thread)
        state = await graph.aget_state(thread)
        assert [m.content for m in state.values["messages"] if m.type == "human"] == [
            "first",
            winner,
            "next",
        ]


async def test_retention_keeps_the_last_checkpoints_and_the_whole_conversation(
    db_settings: Settings,
) -> None:
    db_settings.ensure_dirs()
    gate = asyncio.Event()
    gate.set()
    thread = {"configurable": {"thread_id": f"keep-{uuid.uuid4().hex[:8]}"}}
    async with open_checkpointer(db_settings) as saver:
        graph = _slow_graph(gate, []).compile(checkpointer=saver)
        for turn in range(8):
            await graph.ainvoke(
                {"messages": [HumanMessage(content=f"turn {turn}")]}, thread, durability="sync"
            )
        history = [s async for s in graph.aget_state_history(thread)]
        state = await graph.aget_state(thread)
    assert len(history) == db_settings.checkpoint_keep_turns
    assert [m.content for m in state.values["messages"] if m.type == "human"] == [
        f"turn {t}" for t in range(8)
    ]
    if db_settings.is_postgres:
        # No blob is left that no kept checkpoint refers to.
        with psycopg.connect(db_settings.database_url) as conn:
            orphans = conn.execute(
                "SELECT count(*) FROM checkpoint_blobs b WHERE b.thread_id = %s AND NOT EXISTS "
                "(SELECT 1 FROM checkpoints c, jsonb_each_text(c.checkpoint -> 'channel_versions') v "
                "WHERE c.thread_id = b.thread_id AND v.key = b.channel AND v.value = b.version)",
                (thread["configurable"]["thread_id"],),
            ).fetchone()
        assert orphans == (0,)


@pytest.mark.parametrize("durability", ["exit", "sync"])
async def test_a_failed_run_is_undone_on_both_savers(
    db_settings: Settings, durability: Literal["exit", "sync"]
) -> None:
    """A node that raises: whatever LangGraph saved of the run (one exit checkpoint, or a
    checkpoint per step) is deleted, the thread is back at its last good turn (a new thread
    back to nothing) and the next run goes on from there."""
    db_settings.ensure_dirs()

    async def reply(state: MessagesState) -> dict[str, Any]:
        text = str(state["messages"][-1].content)
        if text.startswith("boom"):
            raise RuntimeError("node failed")
        return {"messages": [AIMessage(content=f"re: {text}")]}

    builder = StateGraph(MessagesState)
    builder.add_node("reply", reply)
    builder.add_edge(START, "reply")
    fresh = {"configurable": {"thread_id": f"undo-new-{uuid.uuid4().hex[:8]}"}}
    thread = {"configurable": {"thread_id": f"undo-{uuid.uuid4().hex[:8]}"}}
    tid = thread["configurable"]["thread_id"]
    async with open_checkpointer(db_settings) as saver:
        graph = builder.compile(checkpointer=saver)

        async def run(config: dict[str, Any], text: str) -> None:
            async with undone_on_failure(saver, config["configurable"]["thread_id"]):
                await graph.ainvoke(
                    {"messages": [HumanMessage(content=text)]}, config, durability=durability
                )

        with pytest.raises(RuntimeError):
            await run(fresh, "boom on a new thread")
        assert [c async for c in saver.alist(fresh)] == []

        await run(thread, "first")
        good = await graph.aget_state(thread)
        history = [s.config async for s in graph.aget_state_history(thread)]
        with pytest.raises(RuntimeError):
            await run(thread, "boom")
        after = await graph.aget_state(thread)
        assert after.values["messages"] == good.values["messages"]
        assert after.next == ()
        kept = [s.config async for s in graph.aget_state_history(thread)]
        assert kept[0] == history[0] == good.config
        if durability == "exit":  # one commit: retention pruned nothing the turn needs
            assert kept == history
        await run(thread, "second")
        state = await graph.aget_state(thread)
    assert [m.content for m in state.values["messages"]] == [
        "first",
        "re: first",
        "second",
        "re: second",
    ]
    if db_settings.is_postgres:
        # nothing of the failed run is left behind: no pending write, no orphan blob
        with psycopg.connect(db_settings.database_url) as conn:
            writes = conn.execute(
                "SELECT count(*) FROM checkpoint_writes WHERE thread_id = %s", (tid,)
            ).fetchone()
            orphans = conn.execute(
                "SELECT count(*) FROM checkpoint_blobs b WHERE b.thread_id = %s AND NOT EXISTS "
                "(SELECT 1 FROM checkpoints c, jsonb_each_text(c.checkpoint -> 'channel_versions') v "
                "WHERE c.thread_id = b.thread_id AND v.key = b.channel AND v.value = b.version)",
                (tid,),
            ).fetchone()
        assert orphans == (0,)
        assert writes is not None
        if durability == "exit":
            assert writes == (0,)


async def test_retention_keeps_whole_turns_so_a_regenerated_answer_has_both_branches(
    db_settings: Settings,
) -> None:
    """Runs that checkpoint every step (the Agent Protocol's, with ``run_id`` in their
    metadata) are kept as whole turns: after regenerating the last answer from its turn's
    input checkpoint, that checkpoint and both branches from it are still linked, which is
    what Agent Chat UI's branch switcher ("2 / 2") walks. Older turns are pruned."""
    db_settings.ensure_dirs()
    gate = asyncio.Event()
    gate.set()
    thread_id = f"turns-{uuid.uuid4().hex[:8]}"

    def run_config(**extra: Any) -> dict[str, Any]:
        return {
            "configurable": {"thread_id": thread_id, **extra},
            "metadata": {"run_id": str(uuid.uuid4())},
        }

    async with open_checkpointer(db_settings) as saver:
        graph = _slow_graph(gate, []).compile(checkpointer=saver)
        turns = db_settings.checkpoint_keep_turns + 2
        for turn in range(turns):
            await graph.ainvoke(
                {"messages": [HumanMessage(content=f"turn {turn}")]},
                run_config(),
                durability="sync",
            )
        history = [s async for s in graph.aget_state_history(run_config())]
        last_input = next(s for s in history if s.metadata and s.metadata["source"] == "input")
        # Regenerate: run again from the checkpoint holding the last human message.
        regen = run_config(**last_input.config["configurable"], **{ALLOW_FORK_KEY: True})
        await graph.ainvoke(None, regen, durability="sync")
        history = [s async for s in graph.aget_state_history(run_config())]

    by_id = {s.config["configurable"]["checkpoint_id"]: s for s in history}
    fork_id = last_input.config["configurable"]["checkpoint_id"]
    assert fork_id in by_id
    children = [
        s
        for s in history
        if (s.parent_config or {}).get("configurable", {}).get("checkpoint_id") == fork_id
    ]
    assert len(children) == 2  # the first answer's branch and the regenerated one
    # Every kept checkpoint but the oldest links to a kept parent: no holes in a kept turn.
    orphans = [
        s
        for s in history
        if s.parent_config and s.parent_config["configurable"]["checkpoint_id"] not in by_id
    ]
    assert len(orphans) == 1
    kept_humans = {m.content for s in history for m in s.values["messages"] if m.type == "human"}
    assert "turn 0" not in {
        s.values["messages"][-1].content for s in history if s.values.get("messages")
    }
    assert f"turn {turns - 1}" in kept_humans
    # Pruned: fewer checkpoints than all turns wrote (each turn writes input + 2 steps).
    assert len(history) < 3 * turns


async def test_retention_pruned_once_per_run_keeps_exactly_the_newest_runs(
    db_settings: Settings,
) -> None:
    """A run that checkpoints every step (as the Agent Protocol routes do) is pruned at
    its first commit only; what is kept is still exactly the newest ``keep_turns`` runs,
    every checkpoint of each, as pruning at every commit kept."""
    db_settings.ensure_dirs()
    gate = asyncio.Event()
    gate.set()
    thread_id = f"once-{uuid.uuid4().hex[:8]}"
    runs = [str(uuid.uuid4()) for _ in range(db_settings.checkpoint_keep_turns + 3)]
    async with open_checkpointer(db_settings) as saver:
        graph = _slow_graph(gate, []).compile(checkpointer=saver)
        for turn, run_id in enumerate(runs):
            await graph.ainvoke(
                {"messages": [HumanMessage(content=f"turn {turn}")]},
                {"configurable": {"thread_id": thread_id}, "metadata": {"run_id": run_id}},
                durability="async",
            )
        history = [
            s async for s in graph.aget_state_history({"configurable": {"thread_id": thread_id}})
        ]
    kept_runs = [s.metadata["run_id"] for s in history if s.metadata]
    newest = runs[-db_settings.checkpoint_keep_turns :]
    assert set(kept_runs) == set(newest)
    # every checkpoint of every kept run: as many for each as for the newest (>= 2 steps)
    per_run = [kept_runs.count(r) for r in newest]
    assert per_run == [per_run[-1]] * len(newest)
    assert per_run[-1] >= 2
    assert [m.content for m in history[0].values["messages"] if m.type == "human"] == [
        f"turn {t}" for t in range(len(runs))
    ]


async def test_an_intended_fork_is_written_and_retention_keeps_the_branch_it_left(
    db_settings: Settings,
) -> None:
    """A run from a past checkpoint (time travel, edit and regenerate) marked with
    ``ALLOW_FORK_KEY`` is written although its parent is not the head; unmarked, the same
    run is the refused lost-lock writer. Pruning keeps the old branch's tip."""
    db_settings.ensure_dirs()
    gate = asyncio.Event()
    gate.set()
    thread = {"configurable": {"thread_id": f"tt-{uuid.uuid4().hex[:8]}"}}
    async with open_checkpointer(db_settings) as saver:
        graph = _slow_graph(gate, []).compile(checkpointer=saver)
        for turn in range(2):
            await graph.ainvoke(
                {"messages": [HumanMessage(content=f"turn {turn}")]}, thread, durability="exit"
            )
        history = [s async for s in graph.aget_state_history(thread)]
        old_head = history[0].config
        after_turn_0 = next(
            s
            for s in history
            if [m.content for m in s.values["messages"] if m.type == "human"] == ["turn 0"]
        )
        with pytest.raises(ConcurrentRunError):
            await graph.ainvoke(
                {"messages": [HumanMessage(content="unmarked")]},
                after_turn_0.config,
                durability="exit",
            )
        fork = {"configurable": {**after_turn_0.config["configurable"], ALLOW_FORK_KEY: True}}
        await graph.ainvoke({"messages": [HumanMessage(content="fork")]}, fork, durability="exit")
        # More turns on the fork than retention keeps checkpoints.
        for turn in range(db_settings.checkpoint_keep_turns + 2):
            await graph.ainvoke(
                {"messages": [HumanMessage(content=f"more {turn}")]}, thread, durability="exit"
            )
        head = await graph.aget_state(thread)
        kept = await graph.aget_state(old_head)

    def humans(state: Any) -> list[str]:
        return [m.content for m in state.values["messages"] if m.type == "human"]

    assert humans(head)[:2] == ["turn 0", "fork"]
    assert humans(kept) == ["turn 0", "turn 1"]


# --------------------------------------------------------------------------- pools


def test_pools_recover_after_pg_terminate_backend(own_pg_url: str, tmp_path: Path) -> None:
    """Every connection of an idle server terminated by the database: the next requests
    (threads, catalog, a chat turn) are answered at once, not after a 30 s pool wait."""
    settings = Settings(data_dir=tmp_path / "data", database_url=own_pg_url, sse_heartbeat_s=0.5)
    app = create_app(settings, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        thread_id = http.post("/v1/threads").json()["thread_id"]
        first = _chat(http, thread_id, "what defined Motown drumming?")
        assert first[-1] == ("end", True)
        assert http.get("/v1/samples").status_code == 200
        assert _terminate_backends(own_pg_url) >= 2
        for path in ("/v1/threads", "/v1/samples", f"/v1/threads/{thread_id}", "/readyz"):
            started = time.monotonic()
            r = http.get(path)
            assert r.status_code == 200, (path, r.status_code, r.text)
            assert time.monotonic() - started < 2.0, path
        started = time.monotonic()
        again = _chat(http, thread_id, "what defined Philly soul drumming?")
        assert again[-1] == ("end", True), again
        assert time.monotonic() - started < 5.0
        state = http.get(f"/v1/threads/{thread_id}").json()
    assert [m["content"] for m in state["messages"] if m["type"] == "human"] == [
        "what defined Motown drumming?",
        "what defined Philly soul drumming?",
    ]


def test_a_failed_turn_leaves_the_thread_as_it_was(pg_url: str, tmp_path: Path) -> None:
    """A node fails mid-turn (the model provider is unreachable): the client reads
    ``error`` then ``end``, the thread keeps no half turn (no orphan human message, no
    pending node, no extra checkpoint), and the next turn on it runs cleanly."""
    offline = Settings(data_dir=tmp_path / "data", database_url=pg_url, sse_heartbeat_s=0.5)
    # A real chat model whose endpoint refuses connections, asked after the offline
    # understanding routed the turn (router_threshold=0): the specialist's call raises.
    failing = Settings(
        data_dir=tmp_path / "data",
        database_url=pg_url,
        sse_heartbeat_s=0.5,
        model="openai:gpt-4o-mini",
        model_base_url=f"http://127.0.0.1:{free_port()}/v1",
        model_api_key="sk-none",
        model_max_retries=0,
        router_threshold=0.0,
    )
    with (
        serve_in_thread(create_app(offline, build_demo=False, warm_up=False)) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        thread_id = http.post("/v1/threads").json()["thread_id"]
        assert _chat(http, thread_id, "what defined Motown drumming?")[-1] == ("end", True)
        before = http.get(f"/v1/threads/{thread_id}").json()
        history_before = http.get(f"/v1/threads/{thread_id}/history").json()

    with (
        serve_in_thread(create_app(failing, build_demo=False, warm_up=False)) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        events = _chat(http, thread_id, "what defined Philly soul drumming?")
        assert [name for name, _ in events[-2:]] == ["error", "end"], events
        assert events[-2][1]["code"] == "model_unavailable"
        assert events[-1] == ("end", False)
        after = http.get(f"/v1/threads/{thread_id}").json()
        assert after["next"] == []
        assert after["messages"] == before["messages"]
        assert http.get(f"/v1/threads/{thread_id}/history").json() == history_before
        # /agent/invoke on the same thread: an upstream outage (502 + Retry-After, the
        # keep-alive connection kept), and nothing left on the thread either
        cfg = {"configurable": {"thread_id": thread_id}}
        turn = {"messages": [{"type": "human", "content": "what defined Philly soul drumming?"}]}
        r = http.post("/agent/invoke", json={"input": turn, "config": cfg})
        assert r.status_code == 502, r.text
        assert r.json()["error"]["code"] == "model_unavailable"
        assert int(r.headers["Retry-After"]) >= 1
        assert http.get(f"/v1/threads/{thread_id}").json()["messages"] == before["messages"]

    with (
        serve_in_thread(create_app(offline, build_demo=False, warm_up=False)) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        again = _chat(http, thread_id, "what defined Philly soul drumming?")
        assert again[-1] == ("end", True), again
        state = http.get(f"/v1/threads/{thread_id}").json()
    assert state["next"] == []
    humans = [m["content"] for m in state["messages"] if m["type"] == "human"]
    assert humans == ["what defined Motown drumming?", "what defined Philly soul drumming?"]
    # one answer per turn: the failed turn left no message of its own
    assert state["messages"][: len(before["messages"])] == before["messages"]


def _chat(http: httpx.Client, thread_id: str, text: str) -> list[tuple[str, Any]]:
    import json

    from httpx_sse import connect_sse

    out: list[tuple[str, Any]] = []
    with connect_sse(
        http, "POST", f"/v1/threads/{thread_id}/chat", json={"message": text}
    ) as source:
        assert source.response.status_code == 200, source.response.read()
        for event in source.iter_sse():
            data = json.loads(event.data)
            out.append((event.event, data.get("ok") if event.event == "end" else data))
            if event.event == "end":
                break
    return out


def test_database_down_is_a_fast_503(tmp_path: Path) -> None:
    """The database gone (here: a server whose database is dropped under it): requests
    that need it get 503 + Retry-After + the error body within seconds."""
    name = f"gg_faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    settings = Settings(data_dir=tmp_path / "data", database_url=url, db_pool_timeout_s=1.0)
    app = create_app(settings, build_demo=False, warm_up=False)
    try:
        with serve_in_thread(app) as base, httpx.Client(base_url=base, timeout=30) as http:
            assert http.get("/v1/threads").status_code == 200
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            for path in ("/v1/threads", "/v1/samples"):
                started = time.monotonic()
                r = http.get(path)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert r.json()["error"]["code"] == "database_unavailable"
                assert int(r.headers["Retry-After"]) >= 1
                assert time.monotonic() - started < 5.0, path
            ready = http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["status"] == "unavailable"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- input


def test_nul_and_empty_inputs_are_refused_before_any_stream(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        thread_id = http.post("/v1/threads").json()["thread_id"]
        r = http.post(f"/v1/threads/{thread_id}/chat", json={"message": "swing\u0000?"})
        assert r.status_code == 422, r.text
        assert "NUL" in r.json()["error"]["message"]
        cfg = {"configurable": {"thread_id": thread_id}}
        for route in ("/agent/stream", "/agent/stream_events", "/agent/invoke"):
            nul = http.post(
                route,
                json={
                    "input": {"messages": [{"type": "human", "content": "a\u0000"}]},
                    "config": cfg,
                },
            )
            assert nul.status_code == 422, (route, nul.text)
            for bad in ({}, {"messages": []}, {"resume": None}):
                r = http.post(route, json={"input": bad, "config": cfg})
                assert 400 <= r.status_code < 500, (route, bad, r.status_code, r.text)
                assert r.headers["content-type"].startswith("application/json")
        # The thread is untouched and takes the next turn.
        ok = _chat(http, thread_id, "what defined Motown drumming?")
        assert ok[-1] == ("end", True)
