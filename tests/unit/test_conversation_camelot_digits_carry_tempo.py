""" "trap in 8a then" after "dnb 174 in g minor" (a style and key swapped in) carries the
174 BPM band as vaguely as it was said, so an empty search may relax it and list trap in
A minor. Before, the digit of the Camelot code "8a" read as a tempo stated in the turn,
the band was held as the user's own range, and nothing was listed (tune conversation of
the understanding eval)."""

from __future__ import annotations

import pandas as pd

from groovegraph.graph.offline import _writes_a_number
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

TAG = "c8a0"
ROWS = [
    numbered_loop(1, "drum and bass", "90s", 174.0, "G minor", tag=TAG),
    numbered_loop(2, "drum and bass", "00s", 175.0, "G minor", tag=TAG),
    numbered_loop(3, "trap", "10s", 137.0, "A minor", tag=TAG),
    numbered_loop(4, "trap", "10s", 142.0, "A minor", tag=TAG),
    numbered_loop(5, "trap", "10s", 140.0, "C major", tag=TAG),
]


def test_a_style_swap_in_a_camelot_key_may_relax_the_carried_tempo(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("dnb 174 in g minor")
    chat.say("energy boost key from g minor?")
    out = chat.say("trap in 8a then")
    assert out["hits"]
    assert {(h.tags.genre, h.key) for h in out["hits"]} == {("trap", "A minor")}


def test_camelot_codes_and_decades_are_no_number_said() -> None:
    assert not _writes_a_number("trap in 8a then")
    assert not _writes_a_number("only the 80s, in 10B")
    assert _writes_a_number("trap at 140 then")
    assert _writes_a_number("top 3")
