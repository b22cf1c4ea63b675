"""A meter asked of a search ("loops in 3/4") is not silently dropped: meter is no search
filter, so the answer says the results are not checked for it and how many loops of
the library measure that many beats per bar."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer

WALTZ = {**upload_row(0x61, "sunday waltz.wav", 138.0, "D major", 51.0), "meter": 3}
ROWS = [
    catalog_row(
        id=f"{i:04d}aaaa{i:08d}",
        path=f"/lib/jazz_{i:02d}.wav",
        sha256=f"{i + 800:064x}",
        genre="jazz",
        era="60s",
        tempo_bpm=136.0 + i,
        swing_percent=60.0,
        backbeat_lag_ms=3.0,
        key="D major",
        meter=3 if i < 2 else 4,
    )
    for i in range(5)
]


def test_a_meter_asked_of_a_search_is_said_not_to_be_filtered(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame([WALTZ, *ROWS]), settings=settings), thread="w")
    chat.say("here's a little waltz I made", samples=[WALTZ["id"]])
    out = chat.say("dig up some jazz loops in 3/4 to pair with my waltz")
    assert "discovery" in out["plan"].specialists
    said = answer(out)
    assert "not checked for 3/4" in said, said
    assert "3 loops in the library measure 3 beats per bar" in said, said
