"""Follow-ups to a search, also after one that found nothing (outside tester):
"top 3" is that search's best three (it was the generic help text); a style swapped in
after a swing narrowing found nothing relaxes the swing and then the key, as a new search
may (it answered "No sample in the catalog matches"), and "which is in the darkest key?"
ranks the list then shown (README: minor darker than major, then flats darker)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "90s", 125.0, "A minor", tag="d4e7", swing_percent=51.6),
    numbered_loop(2, "disco", "70s", 123.0, "C major", tag="d4e7", swing_percent=52.2),
    numbered_loop(3, "disco", "70s", 117.0, "F major", tag="d4e7", swing_percent=52.5),
    numbered_loop(4, "disco", "70s", 121.0, "D minor", tag="d4e7", swing_percent=51.0),
    numbered_loop(5, "disco", "70s", 124.0, "E minor", tag="d4e7", swing_percent=51.0),
    numbered_loop(6, "disco", "70s", 120.0, "G major", tag="d4e7", swing_percent=51.0),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


def test_top_n_after_a_search_is_its_best_n(chat: Chat) -> None:
    first = chat.say("disco loops around 121")
    assert len(first["hits"]) == 5
    out = chat.say("top 3")
    assert hit_names(out) == hit_names(first)[:3]


def test_a_swap_after_an_empty_swing_narrowing_relaxes_and_the_darkest_key_ranks_it(
    chat: Chat,
) -> None:
    assert len(chat.say("house loops at 124 bpm in 8A")["hits"]) == 1
    assert not chat.say("and which of them swing?")["hits"]
    swapped = chat.say("what about disco instead")
    assert swapped["hits"], answer(swapped)
    assert "No sample in the catalog matches" not in answer(swapped)
    out = chat.say("which is in the darkest key?")
    said = answer(out)
    assert said.startswith("Darkest key of the"), said
    minor = [h for h in swapped["hits"] if h.key and h.key.endswith("minor")]
    if minor:
        assert hit_names(out)[0] in {h.path.rsplit("/", 1)[-1] for h in minor}
