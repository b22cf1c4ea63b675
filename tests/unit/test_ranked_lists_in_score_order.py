"""A ranked list is shown best first, whatever picked its members: a search over two
genres takes the best of each genre in turn (so one genre cannot crowd out the other),
but the list the user reads, and the one "the first one" counts in, is in score order."""

from __future__ import annotations

import re

import pytest

from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import Chat, answer


def _descending(scores: list[float]) -> bool:
    return scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("limit", [3, 6, 9])
def test_a_two_genre_search_lists_its_picks_best_first(limit: int) -> None:
    frame = catalog_frame(300)
    query = CatalogQuery(
        genres=["funk", "soul"], bpm_min=82, bpm_max=108, target_bpm=95, limit=limit
    )
    hits = cat.search(frame, query)
    assert len(hits) == limit
    assert _descending([h.score for h in hits]), [h.score for h in hits]
    # Still both genres among the picks.
    assert {h.tags.genre for h in hits} == {"funk", "soul"}


def test_the_list_in_the_answer_is_in_score_order_and_the_first_is_its_top(
    settings: Settings,
) -> None:
    chat = Chat(offline_graph(catalog_frame(300), settings=settings))
    out = chat.say("funk or soul loops around 95 bpm")
    text = answer(out)
    shown = [float(x) for x in re.findall(r"\(score (\d\.\d\d):", text)]
    assert len(shown) >= 3, text
    assert _descending(shown), shown
    ids = re.findall(r"^\d+\. `[^`]+` \[(\w+)\]", text, flags=re.MULTILINE)
    assert ids == [h.sample_id for h in out["hits"]][: len(ids)]
    top = out["hits"][0]
    follow = answer(chat.say("tell me about the first one"))
    assert top.sample_id in follow
