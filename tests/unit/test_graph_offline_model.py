"""Offline mode runs the model-mode nodes: the offline default is a deterministic chat
model (``OfflineChatModel``) that the specialists and ``respond`` call like any other,
answering with real tool calls and with prose from the tool results."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

from groovegraph.graph import build_graph
from groovegraph.graph.models import ModelRegistry, init_model
from groovegraph.graph.offline_model import BRIEF_KEY, OfflineChatModel, with_brief
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_frame


class RecordingOffline(OfflineChatModel):
    """The offline model, recording which node called it and what it answered."""

    calls: list[tuple[str, AIMessage]] = Field(default_factory=list)
    lock: Any = Field(default_factory=threading.Lock)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        result = super()._generate(messages, stop, run_manager, **kw)
        role = str(messages[0].additional_kwargs[BRIEF_KEY]["role"])
        with self.lock:
            self.calls.append((role, result.generations[0].message))  # type: ignore[arg-type]
        return result


def ask(graph: Any, text: str, thread: str = "t") -> dict[str, Any]:
    return graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread}})


def test_offline_is_a_chat_model(settings: Settings) -> None:
    assert isinstance(init_model("offline", settings=settings, cache=None), OfflineChatModel)
    models = ModelRegistry(settings=settings)
    assert models.offline
    model, router = models.for_run(None)
    assert isinstance(model, OfflineChatModel)
    assert router is model


def test_the_nodes_call_the_offline_model_as_they_call_a_language_model(
    settings: Settings,
) -> None:
    frame = catalog_frame()
    model = RecordingOffline()
    graph = build_graph(catalog=cat.FrameSource(frame), settings=settings, model=model).compile(
        checkpointer=InMemorySaver()
    )
    out = ask(graph, "tell me about 70s funk and find me loops near 96")
    roles = sorted(role for role, _ in model.calls)
    # each specialist: one call answered with tool calls, one with its note; then respond
    assert roles == ["discovery", "discovery", "era", "era", "respond"]
    first = {role: reply for role, reply in reversed(model.calls)}
    assert [c["name"] for c in first["discovery"].tool_calls] == ["search_catalog"]
    assert [c["name"] for c in first["era"].tool_calls] == ["era_facts", "catalog_stats"]
    # those tool calls are the ones in the specialists' channels, answered by the ToolNodes
    state = graph.get_state({"configurable": {"thread_id": "t"}}).values
    scratch = state["discovery_messages"]
    assert scratch[0].tool_calls == first["discovery"].tool_calls
    (result,) = [m for m in scratch if isinstance(m, ToolMessage)]
    assert [h["sample_id"] for h in result.artifact["hits"]] == [h.sample_id for h in out["hits"]]
    # the answer is respond's reply; the specialists' notes come before it, named
    turn = out["messages"][1:]
    assert sorted(m.name for m in turn[:-1]) == ["discovery", "era"]
    assert turn[-1].name == "groovegraph"
    respond_reply = next(reply for role, reply in model.calls if role == "respond")
    assert turn[-1].content == respond_reply.content
    assert "funk (70s)" in turn[-1].content
    # no language model ran: nothing is counted
    assert out["usage"] == {}
    assert out["turn_usage"] == {}
    assert out["plan"].router == "offline"


def test_a_lone_specialists_message_is_the_answer(settings: Settings) -> None:
    frame = catalog_frame()
    model = RecordingOffline()
    graph = build_graph(catalog=cat.FrameSource(frame), settings=settings, model=model).compile(
        checkpointer=InMemorySaver()
    )
    out = ask(graph, "find me 70s funk loops near 96 BPM")
    turn = out["messages"][1:]
    # respond was asked too; its reply repeated the specialist's message, so it is not added
    assert [m.name for m in turn] == ["discovery"]
    assert [role for role, _ in model.calls][-1] == "respond"
    assert out["hits"]
    assert all(f"[{h.sample_id}]" in turn[0].content for h in out["hits"])


def test_the_brief_is_data_a_provider_never_receives() -> None:
    """Only the system message's text reaches an OpenAI-compatible server."""
    from langchain_openai import ChatOpenAI

    prompt = with_brief(
        [SystemMessage("You are the discovery specialist."), HumanMessage("funk loops")],
        role="discovery",
        request={"text": "funk loops"},
    )
    assert prompt[0].additional_kwargs[BRIEF_KEY]["role"] == "discovery"
    payload = ChatOpenAI(model="gpt-x", api_key="not-needed")._get_request_payload(prompt)
    assert payload["messages"][0] == {
        "role": "system",
        "content": "You are the discovery specialist.",
    }
    assert BRIEF_KEY not in str(payload)


def test_the_offline_model_answers_graph_nodes_only() -> None:
    with pytest.raises(ValueError, match="brief"):
        OfflineChatModel().invoke([HumanMessage("hi")])
