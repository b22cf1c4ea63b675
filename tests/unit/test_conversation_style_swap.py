"""Another style asked for in place of the last search's ("how about breakbeat then", "and
breakbeat instead?") keeps the rest of that search (tempo band, decade) and replaces the
style — also when the style's name holds a sample noun ("breakbeat"). A feel said of
the old style ("straight") gives way, with a note, when the new style has none of it: the
new list is not a narrowing of the one shown."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names


def _loop(n: int, genre: str, era: str, bpm: float, swing: float) -> dict:
    return numbered_loop(
        n, genre, era, bpm, "A minor", tag="5a00", vibe="warm", swing_percent=swing
    )


ROWS = [
    _loop(1, "disco", "80s", 118.0, 51.0),
    _loop(2, "disco", "80s", 120.0, 50.5),
    _loop(3, "disco", "70s", 117.0, 52.0),
    _loop(4, "breakbeat", "80s", 119.0, 57.0),  # the style and decade asked, swung
    _loop(5, "breakbeat", "90s", 121.0, 51.0),  # straight, another decade
    _loop(6, "breakbeat", "80s", 136.0, 51.0),  # straight, too fast
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("swap", ["how about breakbeat then", "and breakbeat instead?"])
def test_a_style_swap_named_by_a_sample_noun_keeps_tempo_and_decade(graph, swap: str) -> None:
    chat = Chat(graph)
    chat.say("straight disco loops near 119")
    chat.say("just the 80s")
    out = chat.say(swap)
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.genres == ["breakbeat"]
    assert req.eras == ["80s"]
    assert req.bpm_min is not None
    assert req.bpm_max is not None
    assert req.bpm_min <= 119.0 <= req.bpm_max < 136.0
    # the straight feel was the disco's: the 80s breakbeat near 119 is shown, said so
    assert hit_names(out) == ["breakbeat_80s_04.wav"]
    assert "relaxed" in answer(out)


def test_a_narrowing_still_finds_nothing_rather_than_relaxing(graph) -> None:
    chat = Chat(graph)
    chat.say("breakbeat loops near 119")
    out = chat.say("only the straight ones from the 70s")
    assert out["hits"] == []
