""" "top 3" is the best three of the list shown: after a turn that found nothing (a question
about the list none of it met, a search with a key nothing is in) it is the top of the list
shown before, not the filters that left that turn empty, and the answer says which list it
read; and it is the first three of that list as listed, ties in score cut as the list cut
them. Before, "top 3" after "which of them swing?" (none did) searched with the swing again
and said it relaxed it (outside tester), and "top 2" of three equal scores could list the
second and third."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "80s", 120.0, "F minor", tag="c7d1"),
    numbered_loop(2, "house", "90s", 124.0, "A minor", tag="c7d1"),
    numbered_loop(3, "house", "00s", 128.0, "C major", tag="c7d1"),
    numbered_loop(4, "house", "90s", 125.0, "A minor", tag="c7d1", swing_percent=51.6),
    numbered_loop(5, "disco", "70s", 123.0, "C major", tag="c7d1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("top", ["top 2", "show me the top 2"])
def test_top_n_is_the_first_n_listed(chat: Chat, top: str) -> None:
    shown = hit_names(chat.say("house loops"))
    assert len(shown) == 4
    assert hit_names(chat.say(top)) == shown[:2]


@pytest.mark.parametrize("top", ["top 3", "show me the top 3"])
def test_top_n_after_a_question_none_met_is_the_list_shown(chat: Chat, top: str) -> None:
    shown = hit_names(chat.say("house loops at 124 bpm in 8A"))
    assert len(shown) == 2
    assert not chat.say("and which of them swing more than 60 %?")["hits"]
    out = chat.say(top)
    said = answer(out)
    assert hit_names(out) == shown
    assert "swing" not in said.split("Found")[0]
    assert "found nothing" in said


def test_top_n_after_a_search_in_an_empty_key_is_the_list_before(chat: Chat) -> None:
    shown = hit_names(chat.say("house loops"))
    assert not chat.say("house in G minor")["hits"]
    out = chat.say("top 2")
    assert hit_names(out) == shown[:2]
    assert "found nothing" in answer(out)


def test_top_n_with_no_list_before_is_still_the_search(chat: Chat) -> None:
    assert not chat.say("house in G minor")["hits"]
    out = chat.say("top 2")
    assert "G minor" in answer(out)
