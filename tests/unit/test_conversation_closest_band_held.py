""" "only minor" right after "closest to 55 BPM, half time is fine" listed loops all inside
the band (at half time) narrows that list: the band stays. Before, a "closest to" tempo
was always dropped to a ranking on the next turn, so every minor loop of the library was
listed, 74 and 131 BPM ones among them (tune conversation of the understanding eval);
a style asked next ("only reggae") still ranks by nearness, the band dropped."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

TAG = "cb4d"
ROWS = [
    numbered_loop(1, "funk", "70s", 108.0, "C minor", tag=TAG),
    numbered_loop(2, "funk", "70s", 111.0, "A major", tag=TAG),
    numbered_loop(3, "house", "90s", 112.0, "D minor", tag=TAG),
    numbered_loop(4, "reggae", "70s", 74.0, "Bb minor", tag=TAG),
    numbered_loop(5, "breakbeat", "90s", 131.0, "F# minor", tag=TAG),
    numbered_loop(6, "reggae", "80s", 78.0, "C minor", tag=TAG),
]


def test_only_a_mode_after_closest_at_half_time_keeps_the_band(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    first = chat.say("closest to 55 BPM, half time is fine")
    assert sorted(h.tempo_bpm for h in first["hits"]) == [108.0, 111.0, 112.0]
    out = chat.say("only minor")
    assert sorted(h.tempo_bpm for h in out["hits"]) == [108.0, 112.0]


def test_a_style_asked_after_closest_still_ranks_by_nearness(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("closest to 55 BPM, half time is fine")
    out = chat.say("only reggae")
    assert sorted(h.tempo_bpm for h in out["hits"]) == [74.0, 78.0]
