"""The embedded default: threads in the SQLite file under the data dir survive a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from groovegraph.graph import build_graph
from groovegraph.persistence.checkpointer import open_checkpointer
from groovegraph.settings import Settings
from groovegraph.tools.catalog import FrameSource
from tests.catalogs import catalog_frame


def test_sqlite_thread_survives_reopening(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    catalog = FrameSource(catalog_frame())
    config: RunnableConfig = {"configurable": {"thread_id": "sqlite-1"}}

    async def turn(text: str) -> Any:
        async with open_checkpointer(settings) as saver:
            graph = build_graph(catalog=catalog, settings=settings).compile(checkpointer=saver)
            return await graph.ainvoke({"messages": [HumanMessage(text)]}, config)

    first = asyncio.run(turn("Does A minor work with C major?"))
    second = asyncio.run(turn("find me 70s funk loops near 96 BPM"))
    assert settings.sqlite_path.is_file()
    assert settings.sqlite_path.parent == settings.data_dir
    n = len(first["messages"])
    assert [m.content for m in second["messages"][:n]] == [m.content for m in first["messages"]]
    assert second["plan"].turn == 2
    assert second["hits"]
    # the state's own types load through the explicit allowlist, without warnings
    assert not [r for r in caplog.records if "unregistered" in r.getMessage()]


def test_interrupt_resumes_after_reopening(settings: Settings, tmp_path: Path) -> None:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    folder = settings.data_dir / "library" / "x"
    folder.mkdir(parents=True)
    y, _ = synthesize_groove(GrooveSpec(tempo_bpm=110.0, duration_s=6.0, seed=3))
    write_audio(folder / "long.wav", y, 22050)
    strict = settings.model_copy(update={"confirm_audio_minutes": 0.05})
    catalog = FrameSource(catalog_frame())
    config: RunnableConfig = {"configurable": {"thread_id": "sqlite-2"}}

    async def step(payload: Any) -> Any:
        async with open_checkpointer(strict) as saver:
            graph = build_graph(catalog=catalog, settings=strict).compile(checkpointer=saver)
            return await graph.ainvoke(payload, config)

    paused = asyncio.run(step({"messages": [HumanMessage("analyse x/long.wav")]}))
    assert paused["__interrupt__"][0].value["files"] == ["x/long.wav"]
    done = asyncio.run(step(Command(resume="yes")))
    assert done["analyses"]["x/long.wav"].tempo_bpm > 0
    # the groove specialist was the only one: its message is the answer
    assert done["messages"][-1].name == "groove"
    assert "x/long.wav" in done["messages"][-1].content
