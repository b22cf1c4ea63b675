"""A mix question that points at the list shown ("which of them go with my loop?") with
the user's analysed loop as the other side narrows that list: the answer keeps the
filters the list was found with (genre, era) and only adds key compatibility with the
loop, instead of searching the whole library for anything compatible with it."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat


def _loop(i: int, name: str, genre: str, era: str, key: str) -> dict:
    return numbered_loop(
        i,
        genre,
        era,
        92.0 + i % 4,
        key,
        id=f"a7a7{i:012d}",
        name=name,
        swing_percent=58.0,
        backbeat_lag_ms=4.0,
    )


ROWS = [
    _loop(0, "my_crate_dig", "soul", "70s", "D minor"),  # the user's own loop
    # soul from the 60s: one compatible with D minor, one not
    _loop(1, "velvet_choir", "soul", "60s", "A minor"),
    _loop(2, "sunday_horns", "soul", "60s", "F# major"),
    _loop(3, "church_organ", "soul", "60s", "D minor"),
    # compatible with D minor, but neither 60s soul: not in the list shown
    _loop(4, "rusty_wah", "funk", "70s", "D minor"),
    _loop(5, "chopped_rhodes", "jazz", "50s", "G minor"),
    _loop(6, "tape_hiss_groove", "funk", "80s", "F major"),
]
MINE = ROWS[0]["id"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(ROWS, []), settings=settings))


@pytest.mark.parametrize(
    "question",
    [
        "which of those go with my loop?",
        "any of them that would mix with mine key-wise",
    ],
)
def test_mix_question_over_the_shown_list_keeps_its_filters(chat: Chat, question: str) -> None:
    chat.say("what key is this in?", samples=[MINE])
    shown = chat.say("soul loops from the 60s")["hits"]
    assert {h.sample_id for h in shown} >= {ROWS[1]["id"], ROWS[3]["id"]}
    out = chat.say(question)
    names = {h.sample_id for h in out["hits"]}
    # only the shown 60s soul loops whose key sits with D minor
    assert names
    assert names <= {h.sample_id for h in shown}
    assert ROWS[2]["id"] not in names  # F# major clashes with D minor
    assert not names & {ROWS[4]["id"], ROWS[5]["id"], ROWS[6]["id"]}
