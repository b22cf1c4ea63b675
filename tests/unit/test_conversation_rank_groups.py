"""A superlative asked of the library's decades or styles ("which era has the most swing
in the library", "what genre is the fastest") ranks those groups over the whole catalog by
the group statistic (median swing, tempo, backbeat), whatever list was shown before — not
a pick from that list, nor a search for swung loops."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _library() -> pd.DataFrame:
    # the 60s swing hardest, the 90s least; funk is the fastest style
    styles = [("funk", "70s", 104.0, 56.0), ("soul", "60s", 92.0, 62.0)]
    styles += [("house", "90s", 96.0, 51.0), ("funk", "90s", 106.0, 52.0)]
    return pd.DataFrame(
        [
            numbered_loop(n * 3 + i, genre, era, bpm + i, None, tag="a9c1", swing_percent=sw + i)
            for n, (genre, era, bpm, sw) in enumerate(styles)
            for i in range(3)
        ]
    )


@pytest.mark.parametrize(
    ("asked", "first"),
    [
        ("which era has the most swing in the library", "Most swung era in your library: 60s"),
        ("which decade swings the least?", "Straightest era in your library: 90s"),
        ("what genre is the fastest in my library", "Fastest genre in your library: funk"),
    ],
)
def test_a_superlative_of_the_groups_ranks_the_whole_catalog(
    settings: Settings, asked: str, first: str
) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("show me some funk loops")  # a list shown: not what is ranked
    out = chat.say(asked)
    assert out["plan"].specialists == ["era"]
    assert not out["hits"]
    said = answer(out)
    assert said.startswith(first)
    assert "listed" not in said


def test_the_ranking_keeps_the_style_named(settings: Settings) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    out = chat.say("which era of my funk loops has the most swing?")
    said = answer(out)
    assert said.startswith("Most swung era in your library: 70s")
    assert "60s" not in said
