"""A library file named by part of its stem against the user's loop is a mix verdict
(outside tester, README-only: "does funk_03 mix with my waltz?" right after the waltz was
analysed became a library search around the waltz). The README quotes the sentence: it
compares that file with the loop analysed earlier — stretch, and the meter factor for a
loop in 4/4 against one in 3/4."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

WALTZ = {**upload_row(0x73, "waltz_120_34.wav", 120.0, None, 50.0), "meter": 3}
FUNK = numbered_loop(
    3, "funk", "70s", 97.0, "E minor", tag="7c03", name="gritty_funk_03_97bpm_Em", meter=4
)
ROWS = [
    WALTZ,
    FUNK,
    numbered_loop(
        4, "funk", "70s", 99.0, "F minor", tag="7c03", name="gritty_funk_04_99bpm_Fm", meter=4
    ),
    *(
        numbered_loop(10 + i, "house", "90s", 119.0 + i, "C major", tag="7c03", meter=4)
        for i in range(4)
    ),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    c.say("what meter is this one", samples=[WALTZ["id"]])
    return c


@pytest.mark.parametrize(
    "text", ["does funk_03 mix with my waltz?", "would gritty_funk_03 work with my waltz"]
)
def test_a_partial_file_name_against_my_waltz_is_a_verdict(chat: Chat, text: str) -> None:
    out = chat.say(text)
    assert "discovery" not in out["plan"].specialists
    assert not out.get("hits")
    (report,) = out["reports"]
    assert set(out["request"].samples) == {FUNK["id"], WALTZ["id"]}
    assert report.verdict == "poor"  # a 19 % stretch, and 4/4 against 3/4
    assert any(r.startswith("meter:") for r in report.reasons)
    assert "bars do not line up" in answer(out)
