"""A new tempo range asked of "anything" or "any <samples>" ("anything between 120 and
135?", "any grooves from 120 to 135") after a styled search is a fresh search at that
range: the style, decade and feel carried from the search are lifted, as "anything at
128" lifts them. A turn that lifts one field by name ("stretch it to 120-135, any
style") keeps the others. Before, "anything between ..." kept every earlier filter."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat

SHELF = [
    *(numbered_loop(i, "soul", "60s", 84.0 + i, "F major", tag="a7c2", vibe="warm") for i in range(1, 5)),
    *(numbered_loop(10 + i, "house", "90s", 120.0 + 3 * i, "A minor", tag="a7c2", vibe="deep") for i in range(1, 5)),
]  # fmt: skip


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(SHELF), settings=settings))
    assert chat.say("warm soul from the 60s around 86")["hits"]
    return chat


@pytest.mark.parametrize(
    "text",
    ["anything between 120 and 135?", "any grooves from 120 to 135", "ok anything from 120-135"],
)
def test_a_range_asked_of_anything_lifts_the_style(chat: Chat, text: str) -> None:
    out = chat.say(text)
    req = out["request"]
    assert (req.bpm_min, req.bpm_max) == (120.0, 135.0)
    assert req.genres == []
    assert req.eras == []
    assert req.vibes == []
    assert {h.tags.genre for h in out["hits"]} == {"house"}


def test_one_field_lifted_by_name_keeps_the_others(chat: Chat) -> None:
    req = chat.say("stretch it to 120-135, any style")["request"]
    assert (req.bpm_min, req.bpm_max) == (120.0, 135.0)
    assert req.genres == []
    assert req.eras == ["60s"]
    assert req.vibes == ["warm"]
