"""A count said alone as a cut after a list ("just a couple", "only three", "just 2") is
that many of the list's best, as "top 2" is. Before, "just a couple" after "forget boom
bap, what about soul instead" was no count: the turn answered "I couldn't work out what to
look up in 'which is in the darkest key? forget boom bap, what about soul instead just a
co…'", quoting the earlier turns glued into the narrowed search's text (an outside
tester's conversation on the demo library)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph import followups
from groovegraph.graph.offline import compose_answer
from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    *(numbered_loop(i, "boom bap", "90s", 88.0 + i, "A minor", tag="b0b9") for i in range(6)),
    *(numbered_loop(10 + i, "soul", "70s", 76.0 + i, "C major", tag="50c7") for i in range(6)),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "n"), [("just a couple", 2), ("only three", 3), ("just 2", 2), ("ok just a few", 3)]
)
def test_a_bare_count_after_a_list_is_its_best(graph, text: str, n: int) -> None:
    chat = Chat(graph)
    chat.say("boom bap loops")
    chat.say("which is in the darkest key?")
    listed = chat.say("forget boom bap, what about soul instead")
    assert listed["hits"]
    assert all("soul" in h.path for h in listed["hits"])
    out = chat.say(text)
    said = answer(out)
    assert "couldn't work out" not in said, said
    ids = [h.sample_id for h in out["hits"]]
    assert ids == [h.sample_id for h in listed["hits"]][:n], (text, said)


def test_a_count_alone_is_bare_only_as_a_cut() -> None:
    for text in ("just a couple", "only three", "just 2", "just a couple of them"):
        assert followups.is_bare_top(text), text
    for text in ("a couple", "just the dark ones", "only 90s", "just 90 bpm"):
        assert not followups.is_bare_top(text), text


def test_an_unreadable_turn_quotes_only_its_own_line() -> None:
    request = parse_request("reggae crates\nwhat about the swing of the thing in there ok")
    said = compose_answer(request, {})
    assert "reggae crates" not in said, said
    assert "what about the swing" in said, said
