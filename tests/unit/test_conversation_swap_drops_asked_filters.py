"""A style swapped in ("what about disco instead") keeps the search the user stated (its
tempo, its key) but not a filter only a question about the list put on it ("which of
them swing?"). Before, the swing of that question carried into the disco search, which
then relaxed it and said so (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "house", "90s", 125.0, "A minor", tag="c7f7", swing_percent=51.6),
    numbered_loop(2, "disco", "70s", 124.0, "A minor", tag="c7f7", swing_percent=51.0),
    numbered_loop(3, "disco", "70s", 123.0, "A minor", tag="c7f7", swing_percent=60.0),
    numbered_loop(4, "disco", "70s", 100.0, "A minor", tag="c7f7", swing_percent=51.0),
    numbered_loop(5, "disco", "70s", 122.0, "C major", tag="c7f7", swing_percent=51.0),
    numbered_loop(6, "house", "90s", 124.0, "A minor", tag="c7f7", swing_percent=62.0),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("swap", ["what about disco instead", "ok try disco then"])
def test_a_swap_keeps_the_stated_search_not_the_question(chat: Chat, swap: str) -> None:
    assert len(chat.say("house loops at 124 bpm in 8A")["hits"]) == 2
    assert len(chat.say("and which of them swing?")["hits"]) == 1
    out = chat.say(swap)
    req = out["request"]
    assert req.genres == ["disco"]
    assert req.swing_min is None
    assert req.swing_max is None
    assert not req.swing_words
    assert req.keys == ["A minor"]
    assert req.bpm_min is not None
    assert req.bpm_min <= 124.0 <= (req.bpm_max or 0)
    said = answer(out)
    assert "swing/vibe filters relaxed" not in said
    assert {h.path.rsplit("/", 1)[-1] for h in out["hits"]} == {
        "disco_70s_02.wav",
        "disco_70s_03.wav",
    }


def test_a_swing_the_user_searched_for_stays(chat: Chat) -> None:
    assert len(chat.say("swung house loops at 124 bpm in 8A")["hits"]) == 1
    req = chat.say("what about disco instead")["request"]
    assert req.genres == ["disco"]
    assert req.swing_min is not None
