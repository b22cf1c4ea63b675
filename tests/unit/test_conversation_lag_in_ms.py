""" "how many ms?" after a loop's groove or pocket was told asks its backbeat's lag as a
number: the answer gives the measured lag of that loop in milliseconds (late or early),
not "outside what I do"."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer


@pytest.mark.parametrize(
    ("before", "asked"),
    [
        ("what's the groove like on this?", "how many ms"),
        ("is it behind the beat?", "how many ms?"),
        ("how does the pocket feel?", "ok how many milliseconds"),
        ("analyse this", "and in ms?"),
    ],
)
def test_how_many_ms_is_the_backbeat_lag_of_the_loop_at_hand(
    settings: Settings, before: str, asked: str
) -> None:
    mine = upload_row(0x6C, "lazy one.wav", 88.0, "D minor", 58.0, lag_ms=14.5)
    rows = [mine, *(numbered_loop(n, "soul", "70s", 90.0 + n, None, tag="1a90") for n in range(3))]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    chat.say("what's the tempo of this?", samples=[mine["id"]])
    chat.say(before)
    out = chat.say(asked)
    assert out["plan"].specialists == ["groove"]
    assert out["request"].samples == [mine["id"]]
    said = answer(out)
    assert said.startswith("14.5 ms late: lazy one.wav")
    assert "+14.5 ms against the grid" in said


def test_an_early_backbeat_is_said_early(settings: Settings) -> None:
    mine = upload_row(0x6D, "pushy one.wav", 120.0, None, 51.0, lag_ms=-11.0)
    chat = Chat(offline_graph(pd.DataFrame([mine]), settings=settings))
    chat.say("analyse this", samples=[mine["id"]])
    said = answer(chat.say("how many ms"))
    assert said.startswith("11.0 ms early: pushy one.wav")
