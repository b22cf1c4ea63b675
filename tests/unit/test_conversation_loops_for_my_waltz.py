"""Loops asked for to mix with the user's loop in 3/4 come in its meter first, and the
answer says the others are in another meter (outside tester: "loops that mix with my
waltz" listed ten 4/4 loops with no word on the meter, while the mix check of any of
them against the waltz says the bars do not line up and lowers the verdict)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

WALTZ = {**upload_row(0x74, "waltz_120_34.wav", 120.0, None, 50.0), "meter": 3}
IN_FOUR = [
    numbered_loop(i, "house", "90s", 119.0 + i * 0.5, "C major", tag="3a4a", meter=4)
    for i in range(1, 7)
]
IN_THREE = [
    numbered_loop(i, "folk", "00s", 112.0 + i, "G major", tag="3a4a", meter=3)
    for i in range(10, 12)
]


def _chat(settings: Settings, rows: list[dict]) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame([WALTZ, *rows]), settings=settings))
    chat.say("what meter is this one", samples=[WALTZ["id"]])
    return chat


def test_loops_in_the_waltz_meter_come_first_and_the_rest_are_named(settings) -> None:
    out = _chat(settings, [*IN_FOUR, *IN_THREE]).say("loops that mix with my waltz")
    hits = out["hits"]
    assert len(hits) > 2
    assert [h.meter for h in hits[:2]] == [3, 3]  # though the 4/4 ones are nearer 120 BPM
    said = answer(out)
    assert "in 3/4 like the reference, listed first" in said
    assert "4/4 do not line up" in said


def test_no_loop_in_its_meter_is_said(settings) -> None:
    out = _chat(settings, IN_FOUR).say("loops that mix with my waltz")
    assert out["hits"]
    assert "none in 3/4 like the reference" in answer(out).lower()


def test_a_loop_in_four_gets_its_meter_first_too(settings) -> None:
    mine = {**upload_row(0x75, "groove_115.wav", 115.0, None, 50.0), "meter": 4}
    chat = Chat(offline_graph(pd.DataFrame([mine, *IN_THREE, *IN_FOUR]), settings=settings))
    chat.say("check this one", samples=[mine["id"]])
    out = chat.say("loops that mix with my groove")
    metres = [h.meter for h in out["hits"]]
    assert 3 in metres
    assert metres == sorted(metres, reverse=True)  # 4/4 first, then 3/4
    assert "3/4 do not line up" in answer(out)


def test_an_unmeasured_reference_is_ranked_as_before(settings) -> None:
    mine = upload_row(0x76, "groove_115.wav", 115.0, None, 50.0)  # no meter measured
    chat = Chat(offline_graph(pd.DataFrame([mine, *IN_THREE, *IN_FOUR]), settings=settings))
    chat.say("check this one", samples=[mine["id"]])
    out = chat.say("loops that mix with my groove")
    assert "like the reference" not in answer(out)
