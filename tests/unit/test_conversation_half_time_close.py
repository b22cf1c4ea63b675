"""A loop is shown as a half- or double-time match only when that reading is close: in
the band the search used. Before, "house around 170" (nothing near, the closest tempos
shown) listed a 120 BPM loop as "(half time, 240.0 +41%)": 240 was a hair nearer 170 than
120 in log terms, though outside the band searched and 41 % off (outside tester)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names


def test_a_far_twin_tempo_is_not_shown_as_half_time(settings: Settings) -> None:
    rows = [
        numbered_loop(1, "house", "80s", 126.0, "F minor", tag="4a1f"),
        numbered_loop(2, "house", "80s", 120.0, "B minor", tag="4a1f"),
        numbered_loop(3, "funk", "70s", 100.0, "E minor", tag="4a1f"),
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    out = chat.say("house loops around 170")
    assert hit_names(out) == ["house_80s_01.wav", "house_80s_02.wav"]
    text = answer(out)
    assert "half time" not in text
    assert "240.0" not in text
    assert "120.0 BPM (-29%)" in text


def test_a_close_twin_tempo_is_still_shown_as_half_time(settings: Settings) -> None:
    rows = [
        numbered_loop(1, "trap", "10s", 70.0, "F minor", tag="4a1f"),
        numbered_loop(2, "trap", "10s", 100.0, "B minor", tag="4a1f"),
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    out = chat.say("trap loops around 140")
    assert "70.0 BPM (half time, 140.0 +0%)" in answer(out)
