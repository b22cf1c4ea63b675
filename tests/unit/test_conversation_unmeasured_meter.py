"""A meter the analysis does not measure is refused in chat as the HTTP and CLI meter
filters refuse it (outside tester: "anything in 5/4?" after a 6/8 search showed the 6/8
list again, as if it were in 5/4). Meters are counted as 3 or 4 beats per bar."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

LOOPS = [
    numbered_loop(i, "jazz", "60s", 84.0 + 2 * i, "D minor", tag="5f4a", meter=meter, **swing)
    for i, (meter, swing) in enumerate(
        [(3, {}), (3, {}), (4, {"swing_percent": 66.0}), (4, {"swing_percent": 65.0}), (4, {})]
    )
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(LOOPS), settings=settings))


def test_a_meter_after_a_meter_search_is_refused_not_the_last_list(chat: Chat) -> None:
    assert chat.say("something in 6/8")["hits"]
    out = chat.say("anything in 5/4?")
    said = answer(out)
    assert "5/4 isn't something I measure" in said
    assert "3 or 4 beats per bar" in said
    assert "Found" not in said
    assert "discovery" not in out["plan"].specialists


@pytest.mark.parametrize("text", ["any loops in 7/8 around 90?", "jazz in 5/4"])
def test_an_unmeasured_meter_searches_nothing(chat: Chat, text: str) -> None:
    out = chat.say(text)
    said = answer(out)
    assert f"{text.split(' in ')[1].split()[0]} isn't something I measure" in said
    assert "Found" not in said


def test_a_measured_meter_still_searches(chat: Chat) -> None:
    out = chat.say("jazz loops in 3/4")
    assert {h.sample_id for h in out["hits"]} == {LOOPS[0]["id"], LOOPS[1]["id"]}
