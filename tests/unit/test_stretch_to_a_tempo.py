"""A sample taken to a tempo ("pitch the 3rd one to 118", "how much do i need to speed up
the first one to get to 125", "if i play it at 110 what pitch change is that") is stretched
from its own tempo to that one. Before, the check stretched the stated tempo onto the
sample's: 'speed up 118.1 to 125' read "125.0 → 118.1 BPM, stretch -5.6 %", the wrong
way and by the wrong amount (lead's self-trial)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer

TEMPI = (118.0, 117.0, 100.0)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}d15c{i:08d}",
                path=f"/lib/disco_{i:02d}.wav",
                sha256=f"{i + 51:064x}",
                genre="disco",
                era="70s",
                tempo_bpm=bpm,
                swing_percent=51.0,
                timing_deviation_ms=5.0,
                backbeat_lag_ms=2.0,
                key="A minor",
            )
            for i, bpm in enumerate(TEMPI)
        ]
    )


def _stretch(text: str) -> float:
    m = re.search(r"stretch ([+-]\d+\.\d) %", text)
    assert m, text
    return float(m.group(1))


@pytest.mark.parametrize(
    ("ask", "rank", "target"),
    [
        ("how much do i need to speed up the first one to get to 125", 0, 125.0),
        ("pitch the 3rd one to 118, how much is that in percent", 2, 118.0),
        ("if i play the second one at 110 what pitch change is that", 1, 110.0),
    ],
)
def test_a_listed_loop_is_stretched_to_the_tempo_asked(
    settings: Settings, ask: str, rank: int, target: float
) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    listed = chat.say("70s disco loops")["hits"]
    own = listed[rank].tempo_bpm
    said = answer(chat.say(ask))
    assert _stretch(said) == pytest.approx((target / own - 1) * 100, abs=0.11)
    assert f"{own:.1f} → {target:.1f} BPM" in said
