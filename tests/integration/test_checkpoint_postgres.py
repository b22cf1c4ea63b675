"""Threads in Postgres: a conversation started in one process continues in another with
every message and result, and two processes may set the schema up at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

TURN = textwrap.dedent(
    """
    import asyncio, json, sys
    from langchain_core.messages import HumanMessage
    from groovegraph.graph import build_graph
    from groovegraph.persistence.checkpointer import open_checkpointer
    from groovegraph.settings import Settings
    from groovegraph.tools.catalog import FrameSource
    from tests.catalogs import catalog_frame

    async def main(url, data_dir, thread, text, samples):
        # Every checkpoint kept (no retention): the history shows the thread growing.
        settings = Settings(data_dir=data_dir, database_url=url, checkpoint_keep_turns=0)
        async with open_checkpointer(settings) as saver:
            graph = build_graph(catalog=FrameSource(catalog_frame()), settings=settings).compile(checkpointer=saver)
            msg = HumanMessage(content=text, additional_kwargs={"samples": samples} if samples else {})
            out = await graph.ainvoke({"messages": [msg]}, {"configurable": {"thread_id": thread}})
            history = [s async for s in graph.aget_state_history({"configurable": {"thread_id": thread}})]
            print(json.dumps({
                "messages": [[m.type, m.name, m.content] for m in out["messages"]],
                "analyses": {k: v.tempo_bpm for k, v in out["analyses"].items()},
                "hits": [h.sample_id for h in out["hits"]],
                "turn": out["plan"].turn,
                "checkpoints": len(history),
            }))

    url, data_dir, thread, text, samples = sys.argv[1:6]
    asyncio.run(main(url, data_dir, thread, text, json.loads(samples)))
    """
)


def _turn(pg_url: str, tmp_path: Path, text: str, samples: list[str] | None = None) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            TURN,
            pg_url,
            str(tmp_path / "data"),
            "thread-1",
            text,
            json.dumps(samples or []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_thread_continues_in_another_process(pg_url: str, tmp_path: Path) -> None:
    from tests.catalogs import catalog_frame

    frame = catalog_frame()
    sample = str(frame.iloc[3]["id"])
    first = _turn(pg_url, tmp_path, "what's the tempo and swing of this loop?", [sample])
    assert first["turn"] == 1
    assert first["analyses"] == {sample: pytest.approx(float(frame.iloc[3]["tempo_bpm"]))}

    second = _turn(pg_url, tmp_path, "find loops that mix with it")
    assert second["turn"] == 2
    # every message of both turns, in order, with the specialists' names
    assert [(t, n) for t, n, _ in second["messages"]] == [
        ("human", None),
        ("ai", "groove"),  # the only specialist: its message is the answer
        ("human", None),
        # "it" was analysed in turn 1: that analysis is reused from the checkpoint, no
        # second groove run (8ba2ff7)
        ("ai", "compatibility"),  # "mix with it" asks for keys that mix with the analysis
        ("ai", "discovery"),
        ("ai", "groovegraph"),
    ]
    assert second["messages"][:2] == first["messages"]
    # the first turn's analysis is still there and the follow-up searched against it
    assert second["analyses"] == first["analyses"]
    assert second["hits"]
    assert sample not in second["hits"]
    assert second["checkpoints"] > first["checkpoints"]


SETUP = textwrap.dedent(
    """
    import asyncio, sys
    from groovegraph.persistence.checkpointer import open_checkpointer
    from groovegraph.settings import Settings

    async def main(url, data_dir):
        async with open_checkpointer(Settings(data_dir=data_dir, database_url=url)) as saver:
            await saver.aget_tuple({"configurable": {"thread_id": "none", "checkpoint_ns": ""}})
        print("ok")

    asyncio.run(main(*sys.argv[1:3]))
    """
)


def test_two_processes_set_up_the_schema_together(tmp_path: Path) -> None:
    import uuid

    import psycopg

    from tests.conftest import PG_ADMIN_URL

    name = f"gg_setup_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as err:
        pytest.skip(f"PostgreSQL is not reachable: {err}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", SETUP, url, str(tmp_path / f"d{i}")],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        try:
            results = [p.communicate(timeout=90) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        for p, (out, err) in zip(procs, results, strict=True):
            assert p.returncode == 0, err[-3000:]
            assert out.strip() == "ok"
        with psycopg.connect(url, autocommit=True) as conn:
            (versions,) = conn.execute("SELECT count(*) FROM checkpoint_migrations").fetchone()
            (distinct,) = conn.execute(
                "SELECT count(DISTINCT v) FROM checkpoint_migrations"
            ).fetchone()
        assert versions == distinct > 0
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_concurrent_turns_on_the_lock_free_pooled_saver(pg_url: str, tmp_path: Path) -> None:
    import asyncio

    from langchain_core.messages import HumanMessage

    from groovegraph.graph import build_graph
    from groovegraph.persistence.checkpointer import (
        PooledAsyncPostgresSaver,
        _NoLock,
        open_checkpointer,
    )
    from groovegraph.settings import Settings
    from groovegraph.tools.catalog import FrameSource
    from tests.catalogs import catalog_frame

    settings = Settings(data_dir=tmp_path / "data", database_url=pg_url, db_pool_max=4)
    async with open_checkpointer(settings) as saver:
        assert isinstance(saver, PooledAsyncPostgresSaver)
        assert isinstance(saver.lock, _NoLock)  # operations on the pool are not serialised
        graph = build_graph(catalog=FrameSource(catalog_frame()), settings=settings).compile(
            checkpointer=saver
        )

        async def conversation(i: int) -> dict:
            config = {"configurable": {"thread_id": f"conc-{i}"}}
            await graph.ainvoke(
                {"messages": [HumanMessage("Does A minor work with C major?")]}, config
            )
            return await graph.ainvoke(
                {"messages": [HumanMessage("find me 70s funk loops near 96 BPM")]}, config
            )

        # more conversations than connections: the pool hands connections out in turn
        outs = await asyncio.gather(*(conversation(i) for i in range(12)))
        for i, out in enumerate(outs):
            # one specialist per turn: its message is the answer (one AI message a turn)
            assert [m.type for m in out["messages"]] == ["human", "ai", "human", "ai"]
            assert out["plan"].turn == 2
            assert out["hits"]
            state = await graph.aget_state({"configurable": {"thread_id": f"conc-{i}"}})
            assert len(state.values["messages"]) == 4


async def test_earlier_shown_lists_survive_a_resume(pg_url: str, tmp_path: Path) -> None:
    """The stack of lists shown before the last one is stored with the thread: a turn
    read by a fresh checkpointer (another process's) still goes back to an earlier list."""
    from langchain_core.messages import HumanMessage

    from groovegraph.graph import build_graph
    from groovegraph.persistence.checkpointer import open_checkpointer
    from groovegraph.settings import Settings
    from groovegraph.state import ShownList
    from groovegraph.tools.catalog import FrameSource
    from tests.catalogs import library_frame, numbered_loop

    frame = library_frame(
        [
            *(
                numbered_loop(n, "house", "90s", bpm, "A minor", tag="5ac1", vibe="dark")
                for n, bpm in ((1, 122.0), (2, 124.0), (3, 120.0))
            ),
            *(
                numbered_loop(n, "hip hop", "90s", bpm, key, tag="5ac1", vibe="dusty")
                for n, bpm, key in ((4, 88.0, "E minor"), (5, 92.0, "C minor"))
            ),
        ]
    )
    settings = Settings(data_dir=tmp_path / "data", database_url=pg_url)
    config = {"configurable": {"thread_id": "stack-resume"}}

    async def say(text: str) -> dict:
        async with open_checkpointer(settings) as saver:
            graph = build_graph(catalog=FrameSource(frame), settings=settings).compile(
                checkpointer=saver
            )
            out = await graph.ainvoke({"messages": [HumanMessage(text)]}, config)
            out["state"] = (await graph.aget_state(config)).values
            return out

    await say("dusty hip hop loops")
    await say("dark house loops")
    picked = await say("which one is the slowest?")
    assert [h.sample_id for h in picked["hits"]] == ["00035ac100000003"]
    stack = picked["state"]["shown_lists"]
    assert [type(s) for s in stack] == [ShownList]
    assert len(stack[0].hits) == 2
    assert stack[0].request is not None
    out = await say("the C minor one")
    # C minor is neither the pick nor in the house list: the dusty list's loop
    assert out["request"].samples == ["00055ac100000005"]
