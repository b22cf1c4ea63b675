"""No turn repeats an answer: the turns that naturally come out with an earlier answer's
words say what is different this time (graph/repeats.py).

Each test is a real multi-turn conversation on one thread of the offline graph over a
small crate: a filter every listed loop already meets, the same search asked again (and
again), a detour and "back to the list", an empty search narrowed further, a message
that is not understood twice, an out-of-range reference twice, the same sample, mix and
era question twice. Every test checks the whole thread: one answer per turn, no two AI
texts equal, and the repeated turn's answer carries the new information.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.evals.evaluators import ungrounded_numbers
from groovegraph.graph import build_graph
from groovegraph.graph.repeats import answer_key, ordinal, unrepeated
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer

# Three dusty 70s soul loops near 100 BPM (every one of them dusty), and others the
# soul searches must skip.
_CRATE = (
    (98.0, "E minor", 58.0, "soul", "70s", "dusty"),
    (101.0, "G major", 60.0, "soul", "70s", "dusty"),
    (99.5, "A minor", 56.0, "soul", "70s", "dusty"),
    (124.0, "A minor", 52.0, "house", "90s", "bright"),
    (88.0, "C major", 58.0, "funk", "80s", "warm"),
    (90.0, "D minor", 61.0, "hip hop", "90s", "dusty"),
)

SOUL_SEARCH = "dig out some 70s soul loops close to 100 bpm"


def crate() -> pd.DataFrame:
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}d1ce{i:04d}",
                path=f"/crate/soulbox_{i:02d}.wav",
                sha256=f"{i + 40:064x}",
                genre=genre,
                era=era,
                vibe=vibe,
                tempo_bpm=bpm,
                swing_percent=swing,
                backbeat_lag_ms=6.0,
                key=key,
            )
            for i, (bpm, key, swing, genre, era, vibe) in enumerate(_CRATE)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    graph = offline_graph(crate(), settings=settings)
    return Chat(graph, thread="crate-dig")


def turns(chat: Chat) -> list[list[str]]:
    """The AI texts of each turn of the thread (tool-calling messages left out)."""
    messages = chat.graph.get_state(chat.config).values["messages"]
    out: list[list[str]] = []
    for m in messages:
        if isinstance(m, HumanMessage):
            out.append([])
        elif isinstance(m, AIMessage) and not m.tool_calls and str(m.content).strip():
            out[-1].append(str(m.content))
    return out


def assert_no_repeats(chat: Chat, *, one_message_per_turn: bool = True) -> list[str]:
    """Every AI text of the thread is new (up to spacing, case and punctuation), and
    (for single-specialist turns) each turn sent one answer. Returns the answers."""
    per_turn = turns(chat)
    if one_message_per_turn:
        assert all(len(t) == 1 for t in per_turn), [len(t) for t in per_turn]
    texts = [t for turn in per_turn for t in turn]
    keys = [answer_key(t) for t in texts]
    assert len(set(keys)) == len(keys), texts
    return [turn[-1] for turn in per_turn]


def tool_values(chat: Chat, out: dict[str, Any]) -> list[Any]:
    """What this turn's tools returned: artifacts of its ToolMessages and its hits."""
    values: list[Any] = [h.model_dump() for h in out.get("hits") or []]
    state = chat.graph.get_state(chat.config).values
    for key in ("discovery_messages", "groove_messages", "compatibility_messages", "era_messages"):
        values.extend(m.artifact for m in state.get(key) or [] if isinstance(m, ToolMessage))
    return values


def lead(text: str) -> str:
    return text.split("\n\n", 1)[0]


def test_a_filter_the_listed_loops_already_meet_says_it_changes_nothing(chat: Chat) -> None:
    first = chat.say(SOUL_SEARCH)
    assert len(first["hits"]) == 3
    out = chat.say("just the dusty ones")
    assert [h.sample_id for h in out["hits"]] == [h.sample_id for h in first["hits"]]
    said = answer(out)
    top = lead(said)
    assert "dusty" in top, said
    assert "already meet" in top, said
    assert "3 results" in top
    assert ungrounded_numbers(answer=top, tool_outputs=tool_values(chat, out)) == []
    assert_no_repeats(chat)


def test_the_same_search_three_times_is_never_the_same_text(chat: Chat) -> None:
    for _ in range(3):
        out = chat.say(SOUL_SEARCH)
        assert len(out["hits"]) == 3
    _first, second, third = assert_no_repeats(chat)
    assert "same search as before" in lead(second).lower()
    assert "third time" in lead(third)
    # the body still lists the loops, in the same order
    for name in ("soulbox_02.wav", "soulbox_01.wav", "soulbox_00.wav"):
        assert name in second
        assert name in third
    assert ungrounded_numbers(answer=lead(third), tool_outputs=tool_values(chat, out)) == []


def test_back_to_the_list_after_a_detour_names_the_earlier_results(chat: Chat) -> None:
    chat.say(SOUL_SEARCH)
    era = chat.say("what made 70s soul drumming sound like that?")
    assert era["plan"].specialists == ["era"]
    out = chat.say("ok back to those loops, top 3 please")
    assert len(out["hits"]) == 3
    top = lead(answer(out))
    assert "top 3" in top.lower(), answer(out)
    assert "listed before" in top, answer(out)
    assert ungrounded_numbers(answer=top, tool_outputs=tool_values(chat, out)) == []
    assert_no_repeats(chat)


def test_an_empty_search_asked_again_says_still_nothing(chat: Chat) -> None:
    chat.say("any reggae loops from the 2010s?")
    for _ in range(2):
        out = chat.say("and only minor ones")
        assert out["hits"] == []
    answers = assert_no_repeats(chat)
    assert "still no sample matches" in lead(answers[-1]).lower(), answers[-1]


def test_a_message_not_understood_twice_gets_a_different_reply(chat: Chat) -> None:
    for _ in range(3):
        chat.say("uhh")
    answers = assert_no_repeats(chat)
    assert "“uhh”" in lead(answers[1])
    assert "nothing new" in lead(answers[1])
    assert "third time" in lead(answers[2])
    chat.say("cheers")
    chat.say("cheers")
    assert_no_repeats(chat)


def test_a_reference_past_the_list_asked_twice_says_it_is_still_unresolved(chat: Chat) -> None:
    chat.say(SOUL_SEARCH)
    chat.say("play me the 7th one")
    out = chat.say("play me the 7th one")
    assert "still can't resolve" in lead(answer(out)), answer(out)
    assert_no_repeats(chat)


def test_the_same_sample_twice_names_it_and_keeps_its_numbers(chat: Chat) -> None:
    chat.say("analyse soulbox_01")
    out = chat.say("analyse soulbox_01")
    said = answer(out)
    assert "soulbox_01.wav" in lead(said)
    assert "again" in lead(said)
    assert "101.0 BPM" in said  # the numbers are still there
    assert_no_repeats(chat)


def test_the_same_mix_and_era_questions_twice(chat: Chat) -> None:
    chat.say("would 5A blend into 6A?")
    out = chat.say("would 5A blend into 6A?")
    assert "same comparison as before" in lead(answer(out)).lower()
    chat.say("what defined 70s soul drumming?")
    out = chat.say("what defined 70s soul drumming?")
    assert "same question as before" in lead(answer(out)).lower()
    assert_no_repeats(chat)


def test_unrepeated_never_returns_a_text_already_given() -> None:
    body = "Found nothing new."
    given: set[str] = {answer_key(body)}
    for _ in range(130):
        text = unrepeated(body, answered=given)
        assert answer_key(text) not in given
        given.add(answer_key(text))
    assert "hundred and thirty-first time" in text
    # an answer never given is left as it is
    assert unrepeated("Something else.", answered=given) == "Something else."
    # nearly equal (case, spacing, punctuation) counts as the same
    assert unrepeated("found   NOTHING new!", answered={answer_key(body)}) != "found   NOTHING new!"


@pytest.mark.parametrize(
    ("n", "words"),
    [(3, "third"), (21, "twenty-first"), (40, "fortieth"), (102, "one hundred and second")],
)
def test_ordinal_words(n: int, words: str) -> None:
    assert ordinal(n) == words


def test_a_chat_model_that_writes_the_same_answer_twice_is_not_repeated(
    settings: Settings,
) -> None:
    """Model mode: the specialist and ``respond`` models reply with the same words on
    both turns; the thread still holds no text twice and one answer per turn."""
    from tests.unit.test_graph_models import ScriptedChat, route, said

    model = ScriptedChat(
        script={
            "router": [route("era")],
            "era": [said("Funk put the weight on the one.")],
            "respond": [said("Funk drumming: the one, ghost notes, sixteenths.")],
        }
    )
    graph = build_graph(
        catalog=cat.FrameSource(crate()),
        settings=settings.model_copy(update={"router_threshold": 1.0}),
        model=model,
    ).compile(checkpointer=InMemorySaver())
    chat = Chat(graph, thread="model-mode")
    first = answer(chat.say("what made 70s funk drums funky?"))
    second = answer(chat.say("what made 70s funk drums funky?"))
    assert first == "Funk drumming: the one, ghost notes, sixteenths."
    assert second.endswith(first)
    assert lead(second) != first
    per_turn = turns(chat)
    keys = [answer_key(t) for turn in per_turn for t in turn]
    assert len(set(keys)) == len(keys), per_turn
    assert [t[-1] for t in per_turn] == [first, second]
