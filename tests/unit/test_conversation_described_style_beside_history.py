"""A short clause naming a style with what only samples have — a vibe before it, a tempo
or a key — beside a history question ("gritty funk plus who played on the early James
Brown records") asks for samples too: the library is searched and the history answered.
Before, the style phrase, too short to count as a clause, left only the history answered
(set25)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.understanding import _asks_only_about_the_past
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

TAG = "f1a2"
ROWS = [
    numbered_loop(1, "funk", "70s", 100.0, "E minor", tag=TAG, vibe="gritty"),
    numbered_loop(2, "funk", "70s", 103.0, "A minor", tag=TAG, vibe="gritty"),
    numbered_loop(3, "soul", "60s", 90.0, "C major", tag=TAG, vibe="warm"),
]


@pytest.mark.parametrize(
    ("text", "only_past"),
    [
        ("gritty funk plus who played on the early james brown records", False),
        ("reggae at 75 and who started the one drop", False),
        ("funk and who played on the early james brown records", True),
        ("who played on the early james brown records", True),
    ],
)
def test_a_described_style_is_samples_asked(text: str, only_past: bool) -> None:
    assert _asks_only_about_the_past(text, sample_at_hand=False) is only_past


def test_search_and_history_in_one_message(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    out = chat.say("gritty funk and who played on the early james brown records")
    assert sorted(out["plan"].specialists) == ["discovery", "era"]
    assert sorted(hit_names(out)) == ["funk_70s_01.wav", "funk_70s_02.wav"]
