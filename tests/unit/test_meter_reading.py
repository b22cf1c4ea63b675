"""One reading of a written meter for every place that checks a loop against it: the
search filter, a file named by its meter ("the 6/8 one") and a meter question ("is it in
6/8?"). The analysis counts beats per bar (3 or 4); a compound meter is its dotted beats
with a triplet swing, so a 6/8 loop measures 4 beats and ~66 % swing, and a straight 4/4
loop is not 6/8.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.catalog import meter_filter
from groovegraph.tools.vocab import COMPOUND_SWING, meter_reads_as
from tests.catalogs import library_frame, offline_graph, upload_row
from tests.chat import Chat, answer

STRAIGHT = {**upload_row(0x91, "straight four.wav", 120.0, "A minor", 51.0), "meter": 4}
COMPOUND = {**upload_row(0x92, "jig take.wav", 92.0, "D major", 66.0), "meter": 4}
WALTZ = {**upload_row(0x93, "slow turn.wav", 84.0, "E minor", 52.0), "meter": 3}


@pytest.mark.parametrize(
    ("sig", "meter", "swing", "reads"),
    [
        ("6/8", 4, 66.0, True),
        ("6/8", 4, 51.0, False),  # a straight four is not 6/8
        ("12/8", 4, 64.0, True),
        ("9/8", 3, 66.0, True),
        ("3/4", 3, 52.0, True),
        ("3/4", 4, 52.0, False),
        ("4/4", 4, 66.0, True),  # a shuffle in four is still 4/4
        ("5/4", 4, 50.0, None),  # not a meter the analysis measures
        ("6/8", None, 66.0, None),
    ],
)
def test_a_measured_loop_against_a_written_meter(sig, meter, swing, reads) -> None:
    assert meter_reads_as(sig, meter, swing) is reads


def test_the_search_filter_and_the_reading_agree() -> None:
    beats, compound, _ = meter_filter("6/8")
    lo, hi = COMPOUND_SWING
    assert compound
    assert meter_reads_as("6/8", beats, (lo + hi) / 2)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([STRAIGHT, COMPOUND, WALTZ]), settings=settings)


def test_the_6_8_one_is_the_loop_measured_in_dotted_fours(graph) -> None:
    chat = Chat(graph)
    for row in (STRAIGHT, COMPOUND, WALTZ):
        chat.say("have a listen", samples=[row["id"]])
    out = chat.say("what key is the 6/8 one")
    assert out["request"].samples == [COMPOUND["id"]]
    assert "None of the samples" not in answer(out)


@pytest.mark.parametrize(
    ("row", "verdict"), [(COMPOUND, "yes, it is 6/8"), (STRAIGHT, "no, not 6/8")]
)
def test_is_it_in_6_8_answers_from_beats_and_swing(graph, row, verdict) -> None:
    out = Chat(graph).say("is it in 6/8?", samples=[row["id"]])
    assert verdict in answer(out)
