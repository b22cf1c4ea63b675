"""A list found by how a loop's backbeat sits ("laid back snare like this one") and then
narrowed ("just the 70s ones") stays that search: ranked by the backbeat lag nearest the
loop's, with no key or tempo of the loop added (outside tester: the narrowing searched
the loop's compatible keys near its tempo and lost the ranking)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph, upload_row
from tests.chat import Chat

MINE = upload_row(0x51, "my beat.wav", 88.0, "A minor", 58.0, lag_ms=12.0)


def _loop(n: int, era: str, lag: float, key: str, bpm: float) -> dict:
    return loop_row(
        f"{n:04d}beef{n:08d}",
        f"soul_{era}_{n:02d}",
        genre="soul",
        era=era,
        vibe="warm",
        tempo_bpm=bpm,
        swing_percent=55.0,
        backbeat_lag_ms=lag,
        key=key,
    )


ROWS = [
    _loop(1, "70s", 2.0, "A minor", 88.0),
    _loop(2, "70s", 11.0, "F# major", 120.0),
    _loop(3, "60s", 12.5, "C major", 90.0),
    _loop(4, "70s", 14.0, "Bb major", 70.0),
    _loop(5, "70s", 6.0, "E minor", 86.0),
    _loop(6, "60s", 0.0, "A minor", 88.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([*ROWS, MINE]), settings=settings)


def _by_lag(rows: list[dict]) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: abs(r["backbeat_lag_ms"] - 12.0))]


@pytest.mark.parametrize("narrowing", ["just the 70s ones", "only the 70s ones"])
def test_narrowing_a_pocket_list_keeps_its_ranking(graph, narrowing) -> None:
    chat = Chat(graph)
    first = chat.say("laid back snare like this one", samples=[MINE["id"]])
    assert [h.sample_id for h in first["hits"]] == _by_lag(ROWS)
    out = chat.say(narrowing)
    req = out["request"]
    assert (req.pocket, req.keys, req.compatible) == (True, [], False)
    assert [h.sample_id for h in out["hits"]] == _by_lag([r for r in ROWS if r["era"] == "70s"])
