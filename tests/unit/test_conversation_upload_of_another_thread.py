"""A sample of the user's described in prose ("my keys loop") that only an upload not sent
in this thread fits (sent in ANOTHER thread, or uploaded alone) is used, but never
silently: the answer opens by saying which file it took, that it was not sent in this
conversation, and to attach the one meant here if it is another (outside tester: "the
first one - will it mix with my keys loop" compared the listed loop with a file attached
in another conversation without a word)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

MINE = upload_row(0x6D, "keys_loop.wav", 96.0, "D minor", 55.0)
ROWS = [numbered_loop(i, "funk", "70s", 96.0 + i, "A minor", tag="7e7f") for i in range(1, 4)]
SAID = (
    "“my keys loop”: you haven't sent it in this conversation, so I took `keys_loop.wav`, "
    "a file you uploaded before (maybe in another conversation) that those words fit. If "
    "you meant another file, attach it here."
)


@pytest.fixture
def graph(settings: Settings):
    graph = offline_graph(pd.DataFrame([MINE, *ROWS]), settings=settings)
    Chat(graph, thread="elsewhere").say("check this", samples=[MINE["id"]])
    return graph


@pytest.mark.parametrize(
    "ask",
    [
        "the first one - will it mix with my keys loop",
        "does my keys loop mix with the first one?",
    ],
)
def test_another_threads_upload_is_used_and_said_so(graph, ask: str) -> None:
    chat = Chat(graph, thread="here")
    assert len(hit_names(chat.say("funk loops around 97"))) == 3
    out = chat.say(ask)
    assert set(out["request"].samples) == {MINE["id"], ROWS[0]["id"]}
    said = answer(out)
    assert said.startswith(SAID)
    assert "Mix check" in said


def test_in_its_own_thread_it_is_named_without_a_word(graph) -> None:
    chat = Chat(graph, thread="elsewhere")
    chat.say("funk loops around 97")
    out = chat.say("the first one - will it mix with my keys loop")
    assert MINE["id"] in out["request"].samples
    said = answer(out)
    assert "Mix check" in said
    assert "haven't sent it" not in said
