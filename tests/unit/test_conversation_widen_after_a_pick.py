""" "Widen it to 75" a few turns after the search, once a loop of its list was analysed
and checked against another, still moves the search's tempo range out (d27 tune set: the
message reached no specialist once the turn before it was a mix check, not the search)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat

LOOPS = [
    numbered_loop(n, "jazz", "60s", bpm, key, tag="5e3b")
    for n, (bpm, key) in enumerate(
        [(100.0, "D minor"), (102.0, "F major"), (104.0, "A minor"), (109.0, "C major")]
    )
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS), settings=settings))


@pytest.mark.parametrize(
    ("ask", "bound"),
    [("broaden that to 110", 110), ("widen it to 107", 107), ("expand it to 108", 108)],
)
def test_widen_after_a_mix_check_moves_the_search(chat: Chat, ask: str, bound: int) -> None:
    chat.say("jazz loops between 99 and 105")
    chat.say("the D minor one, how swung")
    chat.say("would it blend with the F one")
    out = chat.say(ask)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].bpm_max == bound
    assert out["request"].genres == ["jazz"]
