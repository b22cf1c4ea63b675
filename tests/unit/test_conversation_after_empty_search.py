"""After a follow-up search that found nothing, "those" and a rank point at the last
list actually shown: the narrowing keeps that list's own filters (not the empty
search's tempo band) and the answer says which list it read; a rank past that list
is said to be past it, and nothing else is analysed in its place."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph
from tests.chat import Chat, answer, hit_names

_CRATE = [
    (100.0, "F minor"),
    (101.5, "B minor"),
    (103.0, "F minor"),
    (104.0, "C major"),
    (128.0, "F minor"),
]


def _chat(settings: Settings) -> Chat:
    rows = [
        catalog_row(
            id=f"{i:04d}beaf{i:08d}",
            path=f"/crate/gospel_{i:02d}.wav",
            sha256=f"{i + 500:064x}",
            genre="gospel" if bpm < 110 else "house",
            era="70s",
            vibe="warm",
            tempo_bpm=bpm,
            swing_percent=55.0,
            backbeat_lag_ms=4.0,
            key=key,
        )
        for i, (bpm, key) in enumerate(_CRATE)
    ]
    return Chat(offline_graph(library_frame(rows), settings=settings), thread="dig")


def test_those_after_an_empty_search_is_the_list_shown_before_it(settings: Settings) -> None:
    chat = _chat(settings)
    shown = hit_names(chat.say("show me gospel loops near 100 bpm"))
    assert len(shown) == 4
    assert not hit_names(chat.say("got anything way slower?"))
    out = chat.say("which of those are in F minor?")
    assert sorted(hit_names(out)) == ["gospel_00.wav", "gospel_02.wav"]
    assert "found nothing" in answer(out).split("\n\n")[0]


def test_a_rank_past_a_one_item_list_after_an_empty_search_analyses_nothing(
    settings: Settings,
) -> None:
    chat = _chat(settings)
    chat.say("show me gospel loops near 100 bpm")
    assert hit_names(chat.say("only the ones in B minor")) == ["gospel_01.wav"]
    assert not hit_names(chat.say("anything a bit slower?"))
    out = chat.say("how swung is the second one?")
    assert not out["request"].samples
    assert "groove" not in out["plan"].specialists
    said = answer(out)
    assert "gospel_01.wav" in said
    assert "second" in said
