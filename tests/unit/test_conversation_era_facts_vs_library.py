"""An era answer that quotes a history fact's swing range beside the user's library
numbers for the same style says when the library differs, rather than printing two swing
figures as if they agreed (own data: boom bap loops swung harder than the fact's range)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer


def _rows(swing: float) -> list[dict]:
    return [
        loop_row(
            f"b00b{i:012d}",
            f"bb_{i}",
            genre="boom bap",
            era="90s",
            tempo_bpm=88.0 + i,
            swing_percent=swing + i * 0.2,
            backbeat_lag_ms=9.0,
            key="D minor",
        )
        for i in range(5)
    ]


def _ask(settings: Settings, swing: float) -> str:
    graph = offline_graph(pd.DataFrame(_rows(swing)), settings=settings)
    return answer(Chat(graph).say("how did 90s boom bap producers get that bounce?"))


def test_a_library_swung_harder_than_the_fact_is_said_to_differ(settings: Settings) -> None:
    said = _ask(settings, 64.0)
    assert "54–60 %" in said  # the fact is still there
    assert "differ: median swing 64.4 %, above that range" in said


def test_a_library_inside_the_range_gets_no_remark(settings: Settings) -> None:
    said = _ask(settings, 56.0)
    assert "54–60 %" in said
    assert "differ" not in said


def test_who_played_like_that_after_an_analysis_is_about_that_loop(settings: Settings) -> None:
    # "like that" after a loop was analysed: the styles that loop sounds like (its tempo
    # and feel against the table), not every style of the library
    from tests.catalogs import upload_row

    mine = upload_row(0x51, "slow one.wav", 72.0, "F# minor", 54.0, lag_ms=12.0)
    rows = [*_rows(56.0), mine]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    chat.say("what's the tempo of this?", samples=[mine["id"]])
    out = chat.say("who played like that back then")
    assert out["plan"].specialists == ["era"]
    assert out["request"].samples == [mine["id"]]
    said = answer(out)
    assert "Closest styles to slow one.wav" in said
