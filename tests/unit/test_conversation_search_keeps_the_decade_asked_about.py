"""A search right after a history question on a style of one decade ("how did 70s disco
drummers keep the hats so busy?" then "show me a couple, slower is fine") is a
search of that style in that decade, not of the style in any decade; a decade the search
names itself wins (own wording and files)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names


def _library() -> pd.DataFrame:
    styles = [("disco", "70s", 112.0), ("disco", "80s", 110.0), ("funk", "70s", 100.0)]
    rows = [
        numbered_loop(n * 3 + i, genre, era, bpm + i, None, tag="d28e")
        for n, (genre, era, bpm) in enumerate(styles)
        for i in range(3)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "then",
    [
        "you have any of those in here?",
        "show me a couple, slower is fine",
        "find me some",
    ],
)
def test_a_search_after_a_decade_question_keeps_the_decade(settings: Settings, then) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("how did 70s disco drummers keep the hats so busy?")
    out = chat.say(then)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].genres == ["disco"]
    assert out["request"].eras == ["70s"]
    names = hit_names(out)
    assert names
    assert all("disco_70s_" in name for name in names)


def test_a_decade_the_search_names_wins(settings: Settings) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("how did 70s disco drummers keep the hats so busy?")
    out = chat.say("got any from the 80s?")
    assert out["request"].eras == ["80s"]
