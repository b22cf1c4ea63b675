"""A listed hit named by its key and followed by a spaced dash and the question ("the one
in F minor - does it mix with Ab major?", "the one at 88 — how swung is it") is that hit:
the dash ends the attribute, as a comma or "does" would, so the key named is not read
as a second key to compare."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(
        n,
        "hip hop",
        "90s",
        bpm,
        key,
        tag="d45b",
        name=f"dusty_hiphop_{n:02d}",
        vibe="dusty",
        swing_percent=60.0,
        backbeat_lag_ms=15.0,
    )
    for n, bpm, key in ((1, 90.0, "F minor"), (2, 88.0, "D major"), (3, 91.0, "E minor"))
]
F_MINOR, AT_88 = ROWS[0]["id"], ROWS[1]["id"]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("dash", ["-", "—", "–"])
def test_a_key_named_hit_before_a_dash_is_that_hit(graph, dash: str) -> None:
    chat = Chat(graph)
    chat.say("hip hop loops around 90")
    out = chat.say(f"the one in F minor {dash} does it mix with Ab major?")
    req = out["request"]
    assert req.samples == [F_MINOR]
    assert req.keys == ["Ab major"]
    assert out["plan"].specialists == ["compatibility"]


def test_a_tempo_named_hit_before_a_dash_is_that_hit(graph) -> None:
    chat = Chat(graph)
    chat.say("hip hop loops around 90")
    req = chat.say("the one at 88 - how swung is it")["request"]
    assert req.samples == [AT_88]
    assert req.specialists == ["groove"]
