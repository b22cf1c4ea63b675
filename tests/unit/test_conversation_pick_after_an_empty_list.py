"""A superlative pick after a search that found nothing (outside tester, README-only):
"any reggae in F minor at 70?" (one loop, in Ab major: the key widened to the keys that
mix), then a narrowing that found nothing ("forget reggae. only 90s ones"), then "the
darkest one?" ranked the list shown before it but answered under the empty search's
filters: "Not reggae. None of the 0 listed match." The pick is shown as the search that
listed it found it (its key widened, its tempo), with none of the empty one's notes."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "reggae", "70s", 68.1, "Ab major", tag="7e7f"),
    numbered_loop(2, "reggae", "70s", 90.0, "C major", tag="7e7f"),
    numbered_loop(3, "funk", "70s", 100.0, "F minor", tag="7e7f"),
    numbered_loop(4, "soul", "70s", 70.0, "D major", tag="7e7f"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


def test_the_darkest_one_after_an_empty_list_is_of_the_list_before(chat: Chat) -> None:
    chat.say("any reggae in F minor at 70?")
    empty = chat.say("forget reggae. only 90s ones")
    assert not empty["hits"], answer(empty)
    out = chat.say("the darkest one?")
    assert hit_names(out) == ["reggae_70s_01.wav"], answer(out)
    said = answer(out)
    assert "Not reggae" not in said
    assert "None of the" not in said
