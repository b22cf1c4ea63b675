"""Plots in the conversation: the groove and compatibility messages, and the answer built
from them, name the plots of the samples they report on (offline, real audio)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph
from groovegraph.graph.results import plots_of
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import run

from .test_graph_offline import turn_messages


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(catalog_frame(), settings=settings)


@pytest.fixture
def loops(settings: Settings) -> dict[str, Path]:
    folder = settings.data_dir / "library" / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, bpm, key, seed in (("a", 96.0, "A minor", 1), ("b", 100.0, "C major", 2)):
        spec = GrooveSpec(tempo_bpm=bpm, swing_percent=58.0, key=key, duration_s=8.0, seed=seed)
        out[name] = write_audio(folder / f"{name}.wav", synthesize_groove(spec)[0], 22050)
    return out


def ask(graph, text: str, samples: list[str], thread: str) -> dict:
    return run(graph, text, samples=samples, thread=thread)


def test_a_groove_answer_shows_the_grid_of_its_loop(graph, loops) -> None:
    out = ask(graph, "what's the swing on this?", ["plots/a.wav"], "g")
    (groove,) = [m for m in turn_messages(out) if m.name == "groove"]
    analysis = out["analyses"]["plots/a.wav"]
    (plot,) = plots_of(groove)
    assert (plot.sample, plot.kind, plot.sha256) == ("plots/a.wav", "grid", analysis.sha256)
    assert plot.label == "plots/a.wav"
    # the turn's answer (here the groove message itself) is the one showing it
    assert plots_of(out["messages"][-1]) == [plot]


def test_a_mix_answer_shows_both_key_wheels_and_grids(graph, loops) -> None:
    out = ask(graph, "will these two mix?", ["plots/a.wav", "plots/b.wav"], "m")
    by_name = {m.name: m for m in turn_messages(out)}
    compat = plots_of(by_name["compatibility"])
    assert [(p.sample, p.kind) for p in compat] == [("plots/a.wav", "key"), ("plots/b.wav", "key")]
    answer = out["messages"][-1]
    assert answer.name == "groovegraph"
    shown = {(p.sample, p.kind) for p in plots_of(answer)}
    assert shown == {(s, k) for s in ("plots/a.wav", "plots/b.wav") for k in ("grid", "key")}


def test_a_search_answer_shows_no_plot(graph) -> None:
    out = ask(graph, "find funk loops around 96 bpm", [], "s")
    assert all(not plots_of(m) for m in turn_messages(out))


def test_model_mode_answers_show_the_same_plots(settings) -> None:
    """A chat model (scripted) calling the same tools: the same plot references, from the
    tools' results, on the specialists' messages and on the answer the model writes."""
    from langchain_core.messages import AIMessage

    from .test_graph_models import ScriptedChat, call, route, said

    frame = catalog_frame()
    a, b = frame.iloc[0]["id"], frame.iloc[1]["id"]
    model = ScriptedChat(
        script={
            "router": [route("groove", "compatibility")],
            "groove": [
                AIMessage(content="", tool_calls=[call("analyze_samples", {"samples": [a, b]})]),
                said("both analysed"),
            ],
            "compatibility": [
                AIMessage(
                    content="",
                    tool_calls=[
                        call("check_compatibility", {"a": {"sample": a}, "b": {"sample": b}})
                    ],
                ),
                said("they mix"),
            ],
            "respond": [said("They mix: here is why.")],
        }
    )
    graph = build_graph(
        catalog=cat.FrameSource(frame),
        settings=settings.model_copy(update={"router_threshold": 1.0}),
        model=model,
    ).compile(checkpointer=InMemorySaver())
    out = ask(graph, "will these two mix?", [a, b], "model")
    by_name = {m.name: m for m in turn_messages(out)}
    sha = {a: frame.iloc[0]["sha256"], b: frame.iloc[1]["sha256"]}
    assert [(p.sample, p.kind, p.sha256) for p in plots_of(by_name["groove"])] == [
        (a, "grid", sha[a]),
        (b, "grid", sha[b]),
    ]
    assert [(p.sample, p.kind) for p in plots_of(by_name["compatibility"])] == [
        (a, "key"),
        (b, "key"),
    ]
    answer = out["messages"][-1]
    assert answer.content == "They mix: here is why."
    assert {(p.sample, p.kind) for p in plots_of(answer)} == {
        (s, k) for s in (a, b) for k in ("grid", "key")
    }
