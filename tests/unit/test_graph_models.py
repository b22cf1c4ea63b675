"""The graph with a chat model: scripted fake models that emit real tool calls and
structured output. No network; the tools, ToolNodes and catalog are the real ones."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

from groovegraph.graph import build_graph
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from tests.catalogs import catalog_frame
from tests.chat import run

ROLES = {
    "You route": "router",
    "You are the groove specialist": "groove",
    "You are the era specialist": "era",
    "You are the compatibility specialist": "compatibility",
    "You are the discovery specialist": "discovery",
    "You are groovegraph": "respond",
}


class ScriptedChat(BaseChatModel):
    """Replies from per-role queues (role read from the system prompt), so parallel
    specialists get their own script whatever order the threads run in."""

    script: dict[str, list[AIMessage]]
    calls: list[tuple[str, list[BaseMessage]]] = Field(default_factory=list)
    bound_tools: list[list[str]] = Field(default_factory=list)
    lock: Any = None

    def model_post_init(self, context: Any) -> None:
        self.lock = threading.Lock()

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChat:
        names = [getattr(t, "name", getattr(t, "__name__", str(t))) for t in tools]
        self.bound_tools.append(names)
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        system = next((m.content for m in messages if isinstance(m, SystemMessage)), "")
        role = next(r for prefix, r in ROLES.items() if str(system).startswith(prefix))
        with self.lock:
            self.calls.append((role, list(messages)))
            queue = self.script[role]
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return ChatResult(generations=[ChatGeneration(message=reply.model_copy())])


def call(name: str, args: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{name}_{i}", "type": "tool_call"}


def route(*specialists: str, i: int = 0, **reading: Any) -> AIMessage:
    """The router model's structured reading of a turn (a ``RequestReading`` tool call)."""
    args = {"specialists": list(specialists), "reason": "test", **reading}
    return AIMessage(
        content="",
        tool_calls=[call("RequestReading", args, i)],
        usage_metadata={"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
    )


def said(text: str, tokens: int = 0) -> AIMessage:
    usage = (
        {"input_tokens": tokens, "output_tokens": tokens, "total_tokens": 2 * tokens}
        if tokens
        else None
    )
    return AIMessage(content=text, usage_metadata=usage)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """These tests script the router model, so it reads every turn (threshold 1)."""
    return settings.model_copy(update={"router_threshold": 1.0})


@pytest.fixture
def frame() -> pd.DataFrame:
    return catalog_frame()


def compile_with(model: BaseChatModel, settings: Settings, frame: pd.DataFrame) -> Any:
    return build_graph(catalog=cat.FrameSource(frame), settings=settings, model=model).compile(
        checkpointer=InMemorySaver()
    )


def test_router_structured_output_and_parallel_tool_calling_specialists(settings, frame) -> None:
    search_args = {
        "genre": "funk",
        "era": "70s",
        "bpm_min": 90,
        "bpm_max": 102,
        "target_bpm": 96,
        "limit": 5,
    }
    model = ScriptedChat(
        script={
            "router": [route("era", "discovery")],
            "era": [
                AIMessage(
                    content="",
                    tool_calls=[call("era_facts", {"eras": ["70s"], "genres": ["funk"]})],
                ),
                said("70s funk runs 90-115 BPM.", 3),
            ],
            "discovery": [
                AIMessage(content="", tool_calls=[call("search_catalog", search_args)]),
                said("Here are funk loops.", 4),
            ],
            "respond": [said("Final: funk sits at 90-115 BPM; here are loops.", 7)],
        }
    )
    graph = compile_with(model, settings, frame)
    out = run(graph, "tell me about 70s funk and find me loops near 96")

    assert out["plan"].router == "model"
    assert out["plan"].stages == [["era", "discovery"]]
    expected = cat.search(frame, CatalogQuery(**search_args))
    assert [h.sample_id for h in out["hits"]] == [h.sample_id for h in expected]
    assert [f.genre for f in out["era"].facts] == ["funk"]
    turn = out["messages"][1:]
    assert sorted(m.name for m in turn[:-1]) == ["discovery", "era"]
    assert turn[-1].name == "groovegraph"
    assert turn[-1].content.startswith("Final:")
    # the answer was written from both specialists' reports
    respond_prompt = next(msgs for role, msgs in model.calls if role == "respond")[0].content
    assert "[era]\n70s funk runs" in respond_prompt
    assert "[discovery]\nHere are funk loops." in respond_prompt
    # tools were bound per specialist, and real ToolMessages landed in the private channels
    assert ["search_catalog"] in model.bound_tools
    assert ["era_facts", "catalog_stats"] in model.bound_tools
    scratch = graph.get_state({"configurable": {"thread_id": "t"}}).values["discovery_messages"]
    (tool_msg,) = [m for m in scratch if isinstance(m, ToolMessage)]
    assert [h["sample_id"] for h in tool_msg.artifact["hits"]] == [h.sample_id for h in out["hits"]]
    # token usage of every call is summed in the state: router 15 + era 6 + discovery 8 + respond 14
    assert out["usage"]["total_tokens"] == 15 + 6 + 8 + 14
    assert out["usage"]["llm_calls"] == 6


def test_referenced_samples_are_analysed_before_compatibility(settings, frame) -> None:
    a, b = frame.iloc[0]["id"], frame.iloc[1]["id"]
    model = ScriptedChat(
        script={
            "router": [route("compatibility")],  # the router forgot groove; the supervisor adds it
            "groove": [
                AIMessage(content="", tool_calls=[call("analyze_samples", {"samples": [a, b]})]),
                said("analysed"),
            ],
            "compatibility": [
                AIMessage(
                    content="",
                    tool_calls=[
                        call("check_compatibility", {"a": {"sample": a}, "b": {"sample": b}})
                    ],
                ),
                said("verdict"),
            ],
            "respond": [said("done")],
        }
    )
    out = run(compile_with(model, settings, frame), "will these two mix?", samples=[a, b])
    assert out["plan"].stages == [["groove"], ["compatibility"]]
    source = cat.FrameSource(frame)
    ra, rb = source.get(a).analysis, source.get(b).analysis
    # The state names the file library-relative, never by server path (this frame's /lib
    # is no library folder: by its file name).
    assert out["analyses"][a] == ra.model_copy(update={"file": Path(ra.file).name})
    (report,) = out["reports"]
    expected = harmony.compatibility(ra, rb, label_a=a, label_b=b)
    assert report.score == expected.score
    assert report.verdict == expected.verdict
    # compatibility ran after groove: its prompt already saw the groove message
    order = [role for role, _ in model.calls]
    assert order.index("compatibility") > max(i for i, r in enumerate(order) if r == "groove")


def test_malformed_route_is_retried(settings, frame) -> None:
    bad = AIMessage(
        content="", tool_calls=[call("RequestReading", {"specialists": ["drums"], "reason": "?"})]
    )
    model = ScriptedChat(
        script={
            "router": [bad, route("era", i=1)],
            "era": [said("history")],
            "respond": [said("ok")],
        }
    )
    out = run(compile_with(model, settings, frame), "what defined Philly soul drumming?")
    assert out["plan"].specialists == ["era"]
    assert [r for r, _ in model.calls].count("router") == 2


def test_bad_tool_arguments_come_back_as_tool_errors(settings, frame) -> None:
    model = ScriptedChat(
        script={
            "router": [route("discovery")],
            "discovery": [
                AIMessage(
                    content="", tool_calls=[call("search_catalog", {"bpm_min": 120, "bpm_max": 90})]
                ),
                AIMessage(
                    content="",
                    tool_calls=[call("search_catalog", {"bpm_min": 90, "bpm_max": 120}, 1)],
                ),
                said("fixed it"),
            ],
            "respond": [said("ok")],
        }
    )
    graph = compile_with(model, settings, frame)
    out = run(graph, "loops 90 to 120")
    scratch = graph.get_state({"configurable": {"thread_id": "t"}}).values["discovery_messages"]
    results = [m for m in scratch if isinstance(m, ToolMessage)]
    assert results[0].status == "error"
    assert "invalid_query" in results[0].content
    assert results[1].status == "success"
    assert out["hits"]
    # the model saw the error before its second try
    second = [msgs for role, msgs in model.calls if role == "discovery"][1]
    assert any(isinstance(m, ToolMessage) and m.status == "error" for m in second)


def test_tool_rounds_are_bounded(settings, frame) -> None:
    loop = AIMessage(content="still looking", tool_calls=[call("era_facts", {"genres": ["funk"]})])
    model = ScriptedChat(script={"router": [route("era")], "era": [loop], "respond": [said("ok")]})
    out = run(compile_with(model, settings, frame), "tell me about funk")
    era_calls = [r for r, _ in model.calls if r == "era"]
    assert len(era_calls) == 5  # four tool rounds, then one call without tools
    assert out["messages"][-2].name == "era"


def test_context_can_switch_a_run_to_offline(settings, frame) -> None:
    model = ScriptedChat(
        script={"router": [route("era")], "era": [said("x")], "respond": [said("x")]}
    )
    graph = compile_with(model, settings, frame)
    out = run(graph, "what defined Philly soul drumming?", context={"model": "offline"})
    assert model.calls == []
    assert out["plan"].router == "offline"
    assert "Earl Young" in out["messages"][-1].content


def test_async_run_with_model(settings, frame) -> None:
    import asyncio

    model = ScriptedChat(
        script={"router": [route()], "respond": [said("Hello! I can dig for loops.")]}
    )
    graph = compile_with(model, settings, frame)
    out = asyncio.run(
        graph.ainvoke({"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "a"}})
    )
    assert out["plan"].specialists == []
    assert out["messages"][-1].content == "Hello! I can dig for loops."


def test_separate_router_model(settings, frame) -> None:
    router = ScriptedChat(script={"router": [route("era")]})
    worker = ScriptedChat(script={"era": [said("Philly soul notes")], "respond": [said("answer")]})
    graph = build_graph(
        catalog=cat.FrameSource(frame), settings=settings, model=worker, router_model=router
    ).compile(checkpointer=InMemorySaver())
    out = run(graph, "what defined Philly soul drumming?")
    assert [r for r, _ in router.calls] == ["router"]
    assert [r for r, _ in worker.calls] == ["era", "respond"]
    assert out["messages"][-1].content == "answer"


def test_result_count_from_run_context(settings, frame) -> None:
    def graph() -> Any:
        model = ScriptedChat(
            script={
                "router": [route("discovery")],
                "discovery": [
                    AIMessage(content="", tool_calls=[call("search_catalog", {"genre": "funk"})]),
                    said("ok"),
                ],
                "respond": [said("ok")],
            }
        )
        return compile_with(model, settings, frame)

    out = run(graph(), "funk loops please", context={"result_count": 3})
    assert len(out["hits"]) == 3
    out = run(graph(), "funk loops please")
    assert len(out["hits"]) == min(settings.result_count, int((frame["genre"] == "funk").sum()))


class BrokenChat(ScriptedChat):
    """A router whose endpoint is down."""

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise ConnectionError("router endpoint unreachable")


def test_unreachable_router_falls_back_to_the_offline_reading(settings, frame) -> None:
    worker = ScriptedChat(script={"era": [said("notes")], "respond": [said("answer")]})
    graph = build_graph(
        catalog=cat.FrameSource(frame),
        settings=settings,
        model=worker,
        router_model=BrokenChat(script={}),
    ).compile(checkpointer=InMemorySaver())
    out = run(graph, "what defined Philly soul drumming?")
    assert out["plan"].router == "fallback"
    assert out["plan"].specialists == ["era"]
    assert out["messages"][-1].content == "answer"


def test_a_model_without_its_api_key_is_a_clear_error(monkeypatch) -> None:
    """``context.model = "openai:…"`` with no key: a message naming the key, as a
    ValueError so ``langgraph dev`` shows it instead of "An internal error occurred"."""
    from groovegraph.graph.models import ModelRegistry, ModelUnavailableError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    registry = ModelRegistry(settings=Settings(model="offline"))
    with pytest.raises(ModelUnavailableError) as caught:
        registry.for_run("openai:gpt-4o-mini")
    assert isinstance(caught.value, ValueError)
    assert "OPENAI_API_KEY" in str(caught.value)
    assert "offline" in str(caught.value)


def test_the_router_reading_wins_over_the_rules(settings, frame) -> None:
    # The rules read "not house" as a house filter and "any" as a plain search; the model
    # reads no genre, a minor mode, and a narrowing of nothing. Its reading is the request.
    from groovegraph.graph.parser import parse_request

    text = "any loops at 96 that are not house, minor keys only?"
    assert parse_request(text).genres == ["house"]
    model = ScriptedChat(
        script={
            "router": [
                route("discovery", bpm_min=93, bpm_max=99, target_bpm=96, mode="minor", limit=3)
            ],
            "discovery": [said("found")],
            "respond": [said("ok")],
        }
    )
    out = run(compile_with(model, settings, frame), text)
    request = out["request"]
    assert out["plan"].router == "model"
    assert request.genres == []
    assert (request.bpm_min, request.bpm_max, request.mode, request.limit) == (93, 99, "minor", 3)
    # the specialist was briefed with the model's reading, not the rules'
    prompt = next(msgs for role, msgs in model.calls if role == "discovery")[0].content
    assert '"mode": "minor"' in prompt
    assert "house" not in prompt


def test_the_router_is_shown_the_listed_hits_in_the_order_shown(settings, frame) -> None:
    hits = cat.search(frame, CatalogQuery(genre="funk", limit=4))
    model = ScriptedChat(
        script={
            "router": [
                route("discovery", i=0, genre="funk"),
                route("groove", "compatibility", i=1, listed=[2], keys=["A minor"]),
            ],
            "discovery": [
                AIMessage(
                    content="", tool_calls=[call("search_catalog", {"genre": "funk", "limit": 4})]
                ),
                said("listed"),
            ],
            "groove": [said("analysed")],
            "compatibility": [said("verdict")],
            "respond": [said("ok")],
        }
    )
    graph = compile_with(model, settings, frame)
    run(graph, "funk loops")
    out = run(graph, "does the second one work with A minor?")
    # "the second one" is whatever the model says it is; the list it saw was numbered
    assert out["request"].samples == [hits[1].sample_id]
    assert out["request"].keys == ["A minor"]
    assert out["plan"].specialists == ["groove", "compatibility"]
    router_prompt = [msgs for role, msgs in model.calls if role == "router"][1][0].content
    assert f"1. {hits[0].path.rsplit('/', 1)[-1]} [{hits[0].sample_id}]" in router_prompt
    assert f"2. {hits[1].path.rsplit('/', 1)[-1]} [{hits[1].sample_id}]" in router_prompt


def test_the_router_is_asked_only_when_the_offline_reading_is_unsure(frame, tmp_path) -> None:
    cheap = Settings(
        data_dir=tmp_path / "data",
        router_threshold=0.5,
        router_price_in_per_mtok=1.0,
        router_price_out_per_mtok=2.0,
        model_price_in_per_mtok=10.0,
        model_price_out_per_mtok=20.0,
    )
    router = ScriptedChat(script={"router": [route("era")]})
    worker = ScriptedChat(script={"era": [said("notes", 2)], "respond": [said("answer", 3)]})
    graph = build_graph(
        catalog=cat.FrameSource(frame), settings=cheap, model=worker, router_model=router
    ).compile(checkpointer=InMemorySaver())
    out = run(graph, "what defined Philly soul drumming?")
    assert router.calls == []  # the offline reading was sure enough
    assert out["plan"].router == "offline"
    assert out["request"].confidence >= 0.5
    assert out["plan"].specialists == ["era"]
    # cost of this turn: era 2+2 tokens and respond 3+3 tokens at the specialist price
    turn = out["turn_usage"]
    assert turn["total_tokens"] == 4 + 6
    assert turn["cost_usd"] == pytest.approx((2 * 10 + 2 * 20 + 3 * 10 + 3 * 20) / 1e6)

    # A turn the offline reader is unsure of goes to the router model (at its price).
    sure = cheap.model_copy(update={"router_threshold": 1.0})
    graph = build_graph(
        catalog=cat.FrameSource(frame), settings=sure, model=worker, router_model=router
    ).compile(checkpointer=InMemorySaver())
    out = run(graph, "what defined Philly soul drumming?", thread="u")
    assert [r for r, _ in router.calls] == ["router"]
    assert out["plan"].router == "model"
    assert out["turn_usage"]["llm_calls"] == 3
    assert out["turn_usage"]["cost_usd"] == pytest.approx(
        (10 * 1 + 5 * 2) / 1e6 + (2 * 10 + 2 * 20 + 3 * 10 + 3 * 20) / 1e6
    )
    # the next turn's usage starts again from zero; the thread total keeps adding up
    again = run(graph, "what defined Philly soul drumming?", thread="u")
    assert again["turn_usage"]["llm_calls"] == 3
    assert again["usage"]["llm_calls"] == 6


def test_the_router_is_shown_the_earlier_list_a_turn_goes_back_to(settings, frame) -> None:
    funk = cat.search(frame, CatalogQuery(genre="funk", limit=4))
    house = cat.search(frame, CatalogQuery(genre="house", limit=3))
    model = ScriptedChat(
        script={
            "router": [
                route("discovery", i=0, genre="funk"),
                route("discovery", i=1, genre="house"),
                route("groove", i=2, listed=[2]),
            ],
            "discovery": [
                AIMessage(
                    content="", tool_calls=[call("search_catalog", {"genre": "funk", "limit": 4})]
                ),
                said("listed"),
                AIMessage(
                    content="",
                    tool_calls=[call("search_catalog", {"genre": "house", "limit": 3}, 1)],
                ),
                said("listed"),
            ],
            "groove": [said("analysed")],
            "respond": [said("ok")],
        }
    )
    graph = compile_with(model, settings, frame)
    run(graph, "funk loops")
    assert [h.sample_id for h in run(graph, "house loops")["hits"]] == [h.sample_id for h in house]
    out = run(graph, "back to those funk loops - the second one?")
    # the model saw the funk list numbered as shown, so its "2" is the second funk loop
    assert out["request"].samples == [funk[1].sample_id]
    router_prompt = [msgs for role, msgs in model.calls if role == "router"][2][0].content
    assert f"2. {funk[1].path.rsplit('/', 1)[-1]} [{funk[1].sample_id}]" in router_prompt
    assert house[0].sample_id not in router_prompt
