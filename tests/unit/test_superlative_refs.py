"""A listed hit named by a superlative ("the slowest one - whats the key", "is the most
swung loop from the 70s?", "the darkest one, does it mix with 8A?") is that hit of the
list: the one that ranks first by the measured value. Before, "the slowest one" named no
hit (it is no tempo, key or tag), and the turn re-ran the last search instead of answering
about the slowest loop (lead's self-trial)."""

from __future__ import annotations

import pytest

from groovegraph.graph import followups
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer

ROWS = [
    # (bpm, key, swing)
    (94.0, "C major", 52.0),
    (72.0, "F# minor", 54.0),
    (88.0, "A major", 63.0),
    (101.0, "Eb minor", 55.0),
]


def _frame():
    import pandas as pd

    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}5005{i:08d}",
                path=f"/lib/soulful_{i:02d}.wav",
                sha256=f"{i + 11:064x}",
                genre="soul",
                era="70s",
                tempo_bpm=bpm,
                swing_percent=swing,
                timing_deviation_ms=8.0,
                backbeat_lag_ms=5.0 + i,
                key=key,
            )
            for i, (bpm, key, swing) in enumerate(ROWS)
        ]
    )


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("the slowest one - whats the key", 1),
        ("whats the swing on the fastest loop", 3),
        ("is that most swung one from the 70s", 2),
        ("the darkest one, does it mix with 8A?", 3),
        ("analyse the brightest track", 2),
    ],
)
def test_a_superlative_names_the_listed_hit_first_by_that_value(text: str, row: int) -> None:
    hits = cat.search(_frame(), cat.CatalogQuery(genre="soul", limit=10))
    refs = followups.find_attribute_refs(text, hits=hits)
    assert refs.ids == [f"{row:04d}5005{row:08d}"]
    assert refs.spans  # the phrase is blanked: "slowest" is no tempo filter


def test_a_superlative_over_a_list_of_one_names_nothing() -> None:
    hits = cat.search(_frame(), cat.CatalogQuery(genre="soul", limit=10))[:1]
    refs = followups.find_attribute_refs("the slowest one, what key", hits=hits)
    assert refs.ids == []


def test_the_slowest_one_of_the_list_is_answered_about(settings: Settings) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("any 70s soul loops?")
    out = chat.say("the slowest one - whats the key")
    assert out["request"].samples == ["00015005" + "00000001"]
    assert "F# minor" in answer(out)
    assert "Same search as before" not in answer(out)
