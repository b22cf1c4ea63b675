"""A search for loops that mix with something it does not name itself finds what they
should mix with in the conversation: the key the previous turn was about ("track in 8A
at 124 ..." then "ok show me house loops that fit that"), kept when the style is swapped
next ("hmm try disco instead"); a hit picked from a list and analysed ("the 75 one, how
swung" then "stuff that mixes with it?"), kept when the list is narrowed next; and, with
no list shown, "the first one" among the user's own files."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import parse_key
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, genre: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(n, genre, era, bpm, key, tag="a1c5", vibe="warm")


ROWS = [
    _loop(1, "soul", "70s", 78, "G minor"),
    _loop(2, "soul", "70s", 76, "F minor"),
    _loop(3, "soul", "70s", 75, "B major"),
    _loop(4, "soul", "70s", 90, "A major"),
    _loop(5, "funk", "70s", 95, "B major"),
    _loop(6, "funk", "70s", 97, "G# minor"),
    _loop(7, "reggae", "70s", 74, "E major"),
    _loop(8, "soul", "90s", 88, "E major"),
    _loop(9, "house", "90s", 124, "A minor"),
    _loop(10, "house", "90s", 122, "C major"),
    _loop(11, "house", "80s", 125, "E minor"),
    _loop(12, "house", "90s", 126, "D minor"),
    _loop(13, "house", "90s", 120, "F# minor"),
    _loop(14, "house", "90s", 123, "Bb major"),
    _loop(15, "disco", "70s", 118, "A minor"),
    _loop(16, "disco", "70s", 119, "C major"),
    _loop(17, "disco", "80s", 121, "E minor"),
    _loop(18, "disco", "80s", 117, "Eb minor"),
    _loop(19, "disco", "80s", 121, "C# minor"),
]
SOUL_75 = ROWS[2]["id"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


def _mixes(a: str, b: str) -> bool:
    """Camelot neighbours: the same code, one step round the same ring, or the relative."""
    ca, cb = parse_key(a).camelot, parse_key(b).camelot
    if ca[-1] == cb[-1]:
        return (int(ca[:-1]) - int(cb[:-1])) % 12 in (0, 1, 11)
    return ca[:-1] == cb[:-1]


def _all_mix_with(out: dict, key: str) -> bool:
    return all(h.key is not None and _mixes(key, h.key) for h in out["hits"])


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "playing a house set rn, track in 8A at 124. what keys can i go to from there",
            "ok show me house loops that fit that",
        ),
        ("what keys mix with A minor?", "house loops that go with that pls"),
        ("im in 8A right now", "got any house that fits that"),
    ],
)
def test_fit_that_is_the_key_just_talked_about(chat: Chat, first: str, then: str) -> None:
    chat.say(first)
    out = chat.say(then)
    assert "discovery" in out["plan"].specialists
    assert out["request"].keys == ["A minor"]
    assert out["request"].compatible
    assert {h.tags.genre for h in out["hits"]} == {"house"}
    assert len(out["hits"]) >= 3
    assert _all_mix_with(out, "A minor")
    swapped = chat.say("hmm try disco instead")
    assert {h.tags.genre for h in swapped["hits"]} == {"disco"}
    assert len(swapped["hits"]) >= 2
    assert _all_mix_with(swapped, "A minor")


@pytest.mark.parametrize("ask", ["stuff that mixes with it?", "anything that goes with it"])
def test_stuff_that_mixes_with_a_picked_hit_searches(chat: Chat, ask: str) -> None:
    chat.say("gimme 70s soul then")
    chat.say("only under 80")
    picked = chat.say("the 75 one, how swung")
    assert picked["request"].samples == [SOUL_75]
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists
    assert out["hits"]
    assert _all_mix_with(out, "B major")
    assert SOUL_75 not in {h.sample_id for h in out["hits"]}
    narrowed = chat.say("but not reggae")
    assert narrowed["hits"]
    assert _all_mix_with(narrowed, "B major")
    assert "reggae" not in {h.tags.genre for h in narrowed["hits"]}


def test_the_first_of_my_files_is_the_reference(chat: Chat) -> None:
    first, second = ROWS[8]["id"], ROWS[17]["id"]  # A minor house, Eb minor disco
    chat.say("my groove for tonight, key + bpm pls", samples=[first])
    chat.say("and this one?", samples=[second])
    out = chat.say("find house loops that go with the first one")
    assert out["hits"]
    assert _all_mix_with(out, "A minor")
    assert {h.tags.genre for h in out["hits"]} == {"house"}


def test_a_sample_named_after_the_mix_verb_beats_the_key_talked_about(chat: Chat) -> None:
    mine = ROWS[8]["id"]  # A minor (8A) at 124
    chat.say("here's a re-edit i did of an old italo track, key and exact tempo?", samples=[mine])
    chat.say("right, so whats a sensible path round the wheel from there towards 11A")
    out = chat.say(
        "find me disco or house loops between 118 and 124 that'd mix with the italo edit"
    )
    assert out["hits"]
    assert _all_mix_with(out, "A minor")
    assert mine not in {h.sample_id for h in out["hits"]}
