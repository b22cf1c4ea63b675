"""Summary-buffer memory and bounded state (issue 10): prompts stay under the token
budget on a long thread, what the user asked for early stays reachable in the state,
old messages leave the state only once summarised, analyses are kept compact."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.message import add_messages
from pydantic import Field

from groovegraph.graph import build_graph
from groovegraph.graph.memory import (
    SUMMARY_SHARE,
    conversation_for_model,
    count_tokens,
    memory_prompt,
    remember,
)
from groovegraph.graph.parser import parse_request
from groovegraph.graph.state import ANALYSES_KEPT, keep_analyses
from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_frame, offline_graph


def _turn(i: int, text: str) -> list[BaseMessage]:
    return [
        HumanMessage(content=text, id=f"h{i}"),
        AIMessage(
            content=f"Answer {i}: " + "numbers and words " * 12, name="groovegraph", id=f"a{i}"
        ),
    ]


def test_remember_folds_old_turns_and_keeps_constraints() -> None:
    budget, keep = 800, 10
    messages: list[Any] = []
    memory = None
    for i in range(1, 121):
        text = "find 90s boom bap loops in F minor at 92 BPM" if i == 1 else f"another idea {i}"
        messages = add_messages(messages, _turn(i, text))
        memory, removals = remember(
            messages=messages,
            memory=memory,
            request=parse_request(text),
            memory_tokens=budget,
            history_turns=keep,
        )
        messages = add_messages(messages, removals)
        humans = [m for m in messages if isinstance(m, HumanMessage)]
        assert len(humans) <= keep
        # the summary and constraints keep their share; the window fits its own
        assert count_tokens(memory_prompt(memory)) <= budget * SUMMARY_SHARE
        history = conversation_for_model(messages, memory=memory, max_tokens=budget)
        assert count_tokens(history) <= budget
        # nothing dropped from the state before it was folded into the summary
        assert memory.folded_turns + len(history) // 2 >= i - keep
    assert memory is not None
    assert memory.folded_turns > 100
    assert memory.constraints["keys"].value == ["F minor"]
    assert memory.constraints["keys"].turn == 1
    assert memory.constraints["genres"].value == ["boom bap"]
    assert "key: F minor (turn 1)" in memory_prompt(memory)
    assert memory.omitted_turns > 0  # the oldest summary lines made room
    assert memory.summary[-1].startswith("turn ")


def test_remember_measures_each_kept_turn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every turn ends by measuring the thread's unfolded turns; the turns measured at
    the previous turn's end are not rebuilt as messages again, the memory given is left
    as it was, and a turn whose answer changed is measured again."""
    from groovegraph.graph import memory as memory_mod

    messages: list[Any] = []
    memory = None
    for i in range(1, 9):
        messages = add_messages(messages, _turn(i, f"some deep house around {118 + i} bpm"))
        memory, _ = remember(
            messages=messages,
            memory=memory,
            request=parse_request(f"some deep house around {118 + i} bpm"),
            memory_tokens=6000,
            history_turns=50,
        )
    built: list[str] = []
    real_pair = memory_mod._pair

    def counting(turn: Any) -> list[BaseMessage]:
        built.append(str(turn.human.id))
        return real_pair(turn)

    monkeypatch.setattr(memory_mod, "_pair", counting)
    before = memory.model_copy(deep=True)
    messages = add_messages(messages, _turn(9, "and one at 130"))
    again, _ = remember(
        messages=messages,
        memory=memory,
        request=parse_request("and one at 130"),
        memory_tokens=6000,
        history_turns=50,
    )
    assert built == ["h9"]  # only the new turn
    assert memory == before  # untouched: the result is a copy
    assert again.constraints["target_bpm"].value == 130
    assert memory.constraints["target_bpm"].value == 126
    # the same human words with another answer are another turn to measure
    messages = add_messages(
        messages, [AIMessage(content="Answer 9, longer: " + "words " * 80, id="a9")]
    )
    built.clear()
    remember(messages=messages, memory=again, request=None, memory_tokens=6000, history_turns=50)
    assert built == ["h9"]


def test_analyses_are_kept_compact_and_bounded() -> None:
    base = dict(
        file="/lib/x.wav",
        sha256="0" * 64,
        duration_s=8.0,
        sample_rate=22050,
        kind="loop",
        tempo_bpm=96.0,
        tempo_confidence=0.9,
        beats_s=[i * 0.625 for i in range(13)],
        downbeats_s=[0.0, 2.5, 5.0],
        swing_percent=55.0,
        swing_ratio=1.2,
        timing_deviation_ms=5.0,
        backbeat_lag_ms=3.0,
        key="A minor",
        camelot="8A",
        key_confidence=0.8,
        rms_db=-14.0,
        onset_rate_hz=6.0,
    )
    kept: dict[str, Analysis] = {}
    for i in range(ANALYSES_KEPT + 10):
        kept = keep_analyses(kept, {f"s{i}": Analysis(**base)})
    assert len(kept) == ANALYSES_KEPT
    assert list(kept)[-1] == f"s{ANALYSES_KEPT + 9}"
    assert all(a.beats_s is None and a.downbeats_s is None for a in kept.values())
    assert all(a.tempo_bpm == 96.0 for a in kept.values())
    # a reference used again moves to the newest end instead of being evicted
    kept = keep_analyses(kept, {"s10": Analysis(**base)})
    assert list(kept)[-1] == "s10"


class _Scripted(BaseChatModel):
    """Routes every turn to discovery; discovery searches once then reports; the answer
    repeats the user's words, so answers differ turn by turn."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    lock: Any = None

    def model_post_init(self, context: Any) -> None:
        self.lock = threading.Lock()

    @property
    def _llm_type(self) -> str:
        return "scripted-memory"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> _Scripted:
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self.lock:
            self.prompts.append(list(messages))
        system = str(next((m.content for m in messages if isinstance(m, SystemMessage)), ""))
        user = str(next((m.content for m in reversed(messages) if isinstance(m, HumanMessage)), ""))
        if system.startswith("You route"):
            # the router model's structured reading of the turn (asked when unsure)
            said = user.split("\n[attached")[0]
            reading = {"specialists": ["discovery"], "reason": "search"}
            if "F minor" in said:
                reading.update(keys=["F minor"], genre="boom bap", era="90s", target_bpm=92)
            call = {
                "name": "RequestReading",
                "args": reading,
                "id": f"r{len(self.prompts)}",
                "type": "tool_call",
            }
            reply = AIMessage(content="", tool_calls=[call])
        elif system.startswith("You are the discovery") and not any(
            isinstance(m, ToolMessage) for m in messages
        ):
            call = {
                "name": "search_catalog",
                "args": {"target_bpm": 92, "limit": 3},
                "id": f"s{len(self.prompts)}",
                "type": "tool_call",
            }
            reply = AIMessage(content="", tool_calls=[call])
        elif system.startswith("You are the discovery"):
            reply = AIMessage(content=f"Searched for: {user[:60]}")
        else:
            reply = AIMessage(content=f"Answer to: {user[:60]} " + "detail " * 30)
        return ChatResult(generations=[ChatGeneration(message=reply)])


def test_model_prompts_stay_under_budget_and_keep_turn_one_reachable(settings: Settings) -> None:
    model = _Scripted()
    budget = 1500
    s = settings.model_copy(
        update={"memory_tokens": budget, "history_turns": 6, "router_threshold": 1.0}
    )
    graph = build_graph(catalog=cat.FrameSource(catalog_frame()), settings=s, model=model).compile(
        checkpointer=InMemorySaver()
    )
    config = {"configurable": {"thread_id": "long"}}
    turns = 40
    for i in range(turns):
        text = "find 90s boom bap loops in F minor near 92 BPM" if i == 0 else f"more, round {i}"
        out = graph.invoke({"messages": [HumanMessage(text)]}, config)
        said = [m.content for m in out["messages"][-3:] if isinstance(m, AIMessage)]
        assert len(set(said)) == len(said)
    routed = [p for p in model.prompts if str(p[0].content).startswith("You route")]
    assert len(routed) == turns  # every turn routed, also past history_turns
    for prompt in model.prompts:
        assert count_tokens(prompt) <= budget
    state = graph.get_state(config).values
    assert sum(isinstance(m, HumanMessage) for m in state["messages"]) <= 6
    memory = state["memory"]
    assert memory.constraints["keys"].value == ["F minor"]
    assert memory.folded_turns >= turns - 6
    # the last specialist prompt still carries turn 1's key and a summary of old turns
    last_system = str(model.prompts[-1][0].content)
    assert "key: F minor (turn 1)" in last_system
    assert "Summary of earlier turns" in last_system


@pytest.mark.parametrize("turns", [30])
def test_offline_thread_state_is_bounded(settings: Settings, turns: int) -> None:
    s = settings.model_copy(update={"history_turns": 4})
    graph = offline_graph(catalog_frame(), settings=s)
    config = {"configurable": {"thread_id": "bounded"}}
    for i in range(turns):
        text = (
            "find loops in F minor around 92 BPM"
            if i == 0
            else f"find funk loops near {90 + i % 9} BPM"
        )
        out = graph.invoke({"messages": [HumanMessage(text)]}, config)
        # every turn is a new turn, also once old messages leave the state
        assert out["plan"].turn == i + 1
        assert out["plan"].specialists == ["discovery"]
        assert out["messages"][-1].name == "discovery"
    state = graph.get_state(config).values
    assert sum(isinstance(m, HumanMessage) for m in state["messages"]) <= 4
    assert state["memory"].constraints["keys"].value == ["F minor"]
    assert state["memory"].folded_turns >= turns - 4


def test_conversation_for_model_builds_only_the_turns_that_can_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long unfolded window is cut to the newest turns within the budget without
    building the older ones as messages; what the model sees is what trimming every
    turn would give (the newest turns that fit, starting on a user message)."""
    from langchain_core.messages.utils import count_tokens_approximately, trim_messages

    from groovegraph.graph import memory as memory_mod

    messages: list[Any] = []
    for i in range(1, 41):
        messages = add_messages(messages, _turn(i, f"slow soul loops number {i} " * (i % 5 + 1)))
    every_pair = [m for t in memory_mod.split_turns(messages) for m in memory_mod._pair(t)]
    built: list[str] = []
    real_pair = memory_mod._pair

    def counting(turn: Any) -> list[BaseMessage]:
        built.append(str(turn.human.id))
        return real_pair(turn)

    monkeypatch.setattr(memory_mod, "_pair", counting)
    for budget in (95, 400, 1500, 100_000):
        built.clear()
        seen = conversation_for_model(messages, max_tokens=budget)
        expected = trim_messages(
            every_pair,
            max_tokens=budget,
            token_counter=count_tokens_approximately,
            strategy="last",
            start_on="human",
            allow_partial=False,
        )
        assert expected
        assert [(m.type, m.content) for m in seen] == [(m.type, m.content) for m in expected]
        # the turns it shows and the one that did not fit, none older
        assert len(set(built)) <= len(seen) // 2 + 2
        assert len(set(built)) < 40 or budget == 100_000
