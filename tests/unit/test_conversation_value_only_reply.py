"""Right after a search, a reply that names nothing but a filter's value in words the
classifier does not place ("is possible more deep?", "more chill is possible?" from a
non-native speaker) narrows the list just shown by that value, instead of being answered
as a message outside what the agent does."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names


def _loop(n: int, vibe: str, bpm: float) -> dict:
    return numbered_loop(
        n,
        "dub",
        "70s",
        bpm,
        "G minor",
        tag="da7a",
        name=f"{vibe}_dub_{n:02d}",
        vibe=vibe,
        swing_percent=54.0,
        backbeat_lag_ms=8.0,
    )


ROWS = [
    _loop(1, "deep", 72.0),
    _loop(2, "chill", 71.0),
    _loop(3, "heavy", 70.0),
    _loop(4, "deep", 69.0),
    _loop(5, "chill", 95.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("reply", "vibe"), [("is possible more deep?", "deep"), ("more chill is possible?", "chill")]
)
def test_a_value_alone_after_a_search_narrows_it(graph, reply: str, vibe: str) -> None:
    chat = Chat(graph)
    chat.say("dub loops around 70 bpm")
    out = chat.say(reply)
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.vibes == [vibe]
    assert req.genres == ["dub"]
    assert hit_names(out)
    assert all(name.startswith(vibe) for name in hit_names(out))
    assert "dub_05" not in " ".join(hit_names(out))  # the tempo band is kept
