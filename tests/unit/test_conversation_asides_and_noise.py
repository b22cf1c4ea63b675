"""A keyboard mash asks for nothing, and an apology opening a message ("oops, kid on the
keyboard.") names nothing to search by — the request after it does (own data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, vibe: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n,
        genre,
        "90s",
        bpm,
        key,
        tag="f00d",
        name=f"{vibe}_{genre}_{n}",
        vibe=vibe,
        swing_percent=53.0,
    )


ROWS = [
    _loop(1, "dub", "spacey", 70.0, "A minor"),
    _loop(2, "dub", "spacey", 74.0, "D major"),
    _loop(3, "dub", "spacey", 68.0, "G major"),
    _loop(4, "house", "bright", 124.0, "F major"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("text", ["qwfpgj", "zxcvbn zxcvbn", "jjjkkk!!"])
def test_a_keyboard_mash_runs_no_specialist(graph, text) -> None:
    out = Chat(graph).say(text)
    assert out["plan"].specialists == []
    assert not out.get("hits")
    assert answer(out).strip()


@pytest.mark.parametrize("text", ["lofi", "dnb?", "dub"])
def test_a_single_style_word_is_still_a_request(graph, text) -> None:
    out = Chat(graph).say(text)
    assert out["plan"].specialists != []


@pytest.mark.parametrize(
    "text",
    [
        "oops, kid on the keyboard. any spacey dub?",
        "sorry, my cat walked over the piano! got spacey dub loops?",
    ],
)
def test_an_apology_before_the_request_is_no_search_filter(graph, text) -> None:
    chat = Chat(graph)
    chat.say("asdfgh")
    out = chat.say(text)
    req = out["request"]
    assert req.instrument is None
    assert req.genres == ["dub"]
    assert len(out["hits"]) == 3
    narrowed = chat.say("which of those are major")
    assert {h.key for h in narrowed["hits"]} == {"D major", "G major"}


@pytest.mark.parametrize(
    "text",
    [
        "sorry, any spacey dub loops around 70? thanks",
        "my bad, I meant dub. anything?",
        "sorry, dub in A minor. cheers",
    ],
)
def test_an_apology_that_carries_the_request_keeps_it(graph, text) -> None:
    chat = Chat(graph)
    chat.say("house loops")
    out = chat.say(text)
    assert out["request"].genres == ["dub"]
    assert out["hits"]
    assert all("_dub_" in h.path for h in out["hits"])
