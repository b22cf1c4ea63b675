"""A follow-up that scales the last search's tempo ("twice that", "half the bpm", "double
it please") searches the band that tempo doubled or halved, keeping the rest of the
search; "double time" keeps its own meaning (own wording and files)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names


def _library() -> pd.DataFrame:
    tempi = [(60.0, "70s"), (61.0, "80s"), (120.0, "70s"), (121.0, "80s"), (90.0, "70s")]
    rows = [
        numbered_loop(n, "disco", era, bpm, "A minor", tag="d28c")
        for n, (bpm, era) in enumerate(tempi)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("first", "then", "band"),
    [
        ("disco around 60", "twice that", (114.0, 126.0)),
        ("disco around 60", "now double it please", (114.0, 126.0)),
        ("disco around 120", "ok half the bpm", (57.0, 63.0)),
        ("disco around 120", "what about half as fast", (57.0, 63.0)),
    ],
)
def test_the_last_tempo_scaled(settings: Settings, first, then, band) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say(first)
    out = chat.say(then)
    assert out["plan"].specialists == ["discovery"]
    request = out["request"]
    assert (request.bpm_min, request.bpm_max) == band
    assert request.genres == ["disco"]
    names = hit_names(out)
    assert len(names) == 2
