"""Meter is a search filter (outside trial: "loops in 3/4" said one loop of the library
was in three and then listed ten others that were not).

A time signature, "waltz" or "in three" asks for the loops the analysis measured with
that many beats per bar. A compound meter counts its dotted beats (12/8 is four, 6/8 two
per bar read as four over two bars, 9/8 three) and divides each beat in three, so it also
asks for a triplet swing."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools.catalog import meter_filter, search
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.vocab import COMPOUND_SWING, find_meter
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

WALTZ = {**upload_row(0x61, "sunday waltz.wav", 138.0, "D major", 51.0), "meter": 3}
# jazz_00 and jazz_01 in three; the rest in four, jazz_04 and jazz_05 with a triplet swing
ROWS = [
    catalog_row(
        id=f"{i:04d}aaaa{i:08d}",
        path=f"/lib/jazz_{i:02d}.wav",
        sha256=f"{i + 800:064x}",
        genre="jazz",
        era="60s",
        tempo_bpm=136.0 + i,
        swing_percent=66.0 if i >= 4 else 55.0,
        backbeat_lag_ms=3.0,
        key="D major",
        meter=3 if i < 2 else 4,
    )
    for i in range(6)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([WALTZ, *ROWS]), settings=settings), thread="w")


@pytest.mark.parametrize(
    ("said", "meter"),
    [
        ("loops in 3/4", "3/4"),
        ("some waltz loops around 90", "3/4"),
        ("anything in three?", "3/4"),
        ("a six-eight feel", "6/8"),
        ("12/8 grooves", "12/8"),
        ("does it mix with my waltz?", None),  # the user's loop, not a meter asked for
        ("the top three in A minor", None),
    ],
)
def test_the_meter_a_message_asks_for(said: str, meter: str | None) -> None:
    assert find_meter(said) == meter


def test_how_each_meter_is_searched() -> None:
    assert meter_filter("3/4")[:2] == (3, False)
    assert meter_filter("waltz")[:2] == (3, False)
    assert meter_filter("6/8")[:2] == (4, True)
    assert meter_filter("12/8")[:2] == (4, True)
    assert meter_filter("9/8")[:2] == (3, True)
    with pytest.raises(InvalidQueryError, match="meter"):
        meter_filter("5/4")


def test_the_catalog_filters_on_the_measured_meter() -> None:
    frame = pd.DataFrame(ROWS)
    hits = search(frame, CatalogQuery(meter=3))
    assert sorted(hit_names({"hits": hits})) == ["jazz_00.wav", "jazz_01.wav"]
    assert all(h.meter == 3 for h in hits)


def test_a_search_in_three_lists_only_loops_in_three(chat: Chat) -> None:
    chat.say("here's a little waltz I made", samples=[WALTZ["id"]])
    out = chat.say("dig up some jazz loops in 3/4 to pair with my waltz")
    assert "discovery" in out["plan"].specialists
    assert sorted(hit_names(out)) == ["jazz_00.wav", "jazz_01.wav"], answer(out)
    assert "not a search filter" not in answer(out)


def test_a_compound_meter_asks_for_four_dotted_beats_and_a_triplet_feel(chat: Chat) -> None:
    out = chat.say("jazz loops in 12/8")
    assert sorted(hit_names(out)) == ["jazz_04.wav", "jazz_05.wav"], answer(out)
    lo, hi = COMPOUND_SWING
    assert all(lo <= h.swing_percent <= hi for h in out["hits"])
    assert "12/8" in answer(out)


def test_a_signature_is_no_count_nor_tempo() -> None:
    from groovegraph.graph.parser import parse_request

    grooves = parse_request("12/8 grooves")
    assert grooves.meter == "12/8"
    assert grooves.limit is None  # not "8 grooves"
    waltz = parse_request("three loops in 3/4 at 140")
    assert (waltz.meter, waltz.limit, waltz.bpms) == ("3/4", 3, [140.0])
