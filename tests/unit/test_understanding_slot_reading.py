"""How terse DJ/producer phrasings are read into request slots: Camelot codes typed in
lower case, "in a minor" closing a clause, a mode word closing a search, a swung feel
ruled out, and a tempo written before a sample noun in the singular. Each test is written
in its own words (no evaluation row); the false readings each rule must not make are
tested next to it."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.followups import find_mode
from groovegraph.graph.parser import parse_request
from groovegraph.graph.understanding.spelling import correct
from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

# ------------------------------------------------------------ lower-case Camelot codes


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("dub in 10a around 75", ["B minor"]),  # 10A
        ("funk loops in 7b please", ["F major"]),
        ("what's an energy boost from 6a?", ["G minor"]),  # "from"
        ("does 1a go into 12a", ["G# minor", "C# minor"]),  # a move between two codes
        ("is my loop compatible w 11b", ["A major"]),  # "w" for "with"
        ("neighbours of 3b on the wheel", ["Db major"]),
        ("7a or 8a, which is darker", ["D minor", "A minor"]),  # a pair of codes
        ("boom bap 92 10a", ["B minor"]),  # closing a terse search
        ("5b?", ["Eb major"]),  # standing alone
        ("loops in 9A", ["E minor"]),  # upper case as before
    ],
)
def test_a_lower_case_camelot_code_in_a_key_context_is_a_key(text: str, keys: list[str]) -> None:
    assert parse_request(text).keys == keys


@pytest.mark.parametrize(
    "text",
    [
        "option 2b please",  # a label
        "step 4a of the tutorial",
        "see section 1b",
        "2b or not 2b",
        "i need it 2b louder",  # chat spelling of "to be"
        "the session starts at 4a",  # a time
        "we finished around 3a.m.",
        "my 12b pad",  # no key context
        "a 4a battery",
    ],
)
def test_a_lower_case_code_elsewhere_is_no_key(text: str) -> None:
    assert parse_request(text).keys == []


# ------------------------------------------------------------------- "in a minor"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("jazz loops in a minor", ["A minor"]),
        ("got a kick in a minor?", ["A minor"]),
        ("anything in a major, 110", ["A major"]),
        ("a 92 break in a minor - dusty if poss", ["A minor"]),
        # the article: a mode, or no key at all
        ("reggae in a minor key", []),
        ("soul in a minor-ish key", []),
        ("it changed things in a major way", []),
        ("just a minor tweak", []),
    ],
)
def test_in_a_minor_closing_its_clause_is_the_key(text: str, keys: list[str]) -> None:
    assert [k for _, k in vocab.find_keys(text)] == keys


# ------------------------------------------------------------- a mode closing a search


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("dark dnb 170-176 minor", "minor"),
        ("funk loops major", "major"),
        ("house 124 minor?", "minor"),
        ("dnb in F minor", None),  # a key, not a mode
        ("nothing major, just need a loop", None),
        ("a major issue", None),
    ],
)
def test_a_mode_word_closing_a_search_is_the_mode(text: str, mode: str | None) -> None:
    assert find_mode(text) == mode


# ------------------------------------------------------------------ negated swing


@pytest.mark.parametrize(
    "text",
    [
        "disco loops, nothing swung",
        "not swung at all, around 120",
        "house with no shuffle",
        "straight techno, nothing shuffly",
    ],
)
def test_a_swung_feel_ruled_out_asks_for_a_straight_one(text: str) -> None:
    _, lo, hi = vocab.find_swing(text)
    assert (lo, hi) == vocab.STRAIGHT_RANGE
    request = parse_request(text)
    assert request.swing_max is not None
    assert request.swing_max <= vocab.STRAIGHT_RANGE[1]


def test_a_swung_feel_named_plainly_is_still_swung() -> None:
    assert vocab.find_swing("swung funk, nothing over 100")[1:] == vocab.SWUNG_RANGE
    # "not too swung" asks for less swing, not for none
    assert vocab.find_swing("soul that's not too swung")[1:] == vocab.SWUNG_RANGE


# ------------------------------------------------- a tempo before a singular sample noun


@pytest.mark.parametrize(
    ("text", "bpms"),
    [
        ("what mixes with a 122 loop", [122.0]),
        ("can this sit under a 170 break", [170.0]),
        ("my 96 groove into a 100 track, how much stretch", [96.0, 100.0]),
    ],
)
def test_a_number_before_a_sample_noun_in_the_singular_is_its_tempo(
    text: str, bpms: list[float]
) -> None:
    assert parse_request(text).bpms == bpms


@pytest.mark.parametrize(("text", "count"), [("give me 20 loops", 20), ("50 samples pls", 50)])
def test_a_number_before_a_plural_noun_is_still_a_count(text: str, count: int) -> None:
    request = parse_request(text)
    assert request.limit == count
    assert request.bpms == []


# --------------------------------------------------------- through the offline graph


def test_a_search_in_a_lower_case_code_keeps_to_that_key(settings: Settings) -> None:
    rows = [
        numbered_loop(i, "house", "90s", 124.0, "A minor" if i < 4 else "D minor", tag="516a")
        for i in range(8)
    ]
    graph = offline_graph(pd.DataFrame(rows), settings=settings)
    out = Chat(graph).say("house in 8a 122-126")
    assert out["request"].keys == ["A minor"]
    assert out["hits"]
    assert {h.key for h in out["hits"]} == {"A minor"}


# ------------------------------------------------------ open tempo bounds and moves


def _search(settings: Settings, text: str):
    rows = [
        numbered_loop(i, "house", "90s", 100.0 + 4 * i, "A minor", tag="516b") for i in range(8)
    ]
    graph = offline_graph(pd.DataFrame(rows), settings=settings)
    return Chat(graph).say(text)["request"]


def test_a_plus_between_clauses_is_no_open_tempo_bound(settings: Settings) -> None:
    request = _search(settings, "dnb in g minor 170-176 + whats the camelot for g minor")
    assert (request.bpm_min, request.bpm_max) == (170.0, 176.0)


def test_a_plus_on_the_number_is_an_open_lower_bound(settings: Settings) -> None:
    request = _search(settings, "disco 118+ please")
    assert (request.bpm_min, request.bpm_max) == (118.0, None)


@pytest.mark.parametrize(
    "text",
    [
        "funk loops 96-104 that swing more than 60%",
        "soul loops 80 to 90 with swing over 62 percent",
    ],
)
def test_a_bound_on_a_swing_amount_is_no_tempo_bound(settings: Settings, text: str) -> None:
    request = _search(settings, text)
    assert request.bpm_min is not None
    assert request.bpm_min >= 80
    assert request.bpm_max is not None
    assert request.swing_min is not None
    assert request.swing_min >= 60


@pytest.mark.parametrize(
    ("text", "bpms"),
    [
        ("if i stretch 92 to 98 bpm will it sound off", [92.0, 98.0]),
        ("pitching from 170 to 174, how far is that", [170.0, 174.0]),
    ],
)
def test_a_move_between_two_tempos_is_a_pair_not_a_band(text: str, bpms: list[float]) -> None:
    request = parse_request(text)
    assert request.bpms == bpms
    assert (request.bpm_min, request.bpm_max) == (None, None)


def test_the_search_beside_a_move_keeps_its_own_tempo() -> None:
    request = parse_request("stretch % from 118 to 122, then show me 122 disco")
    assert request.target_bpm == 122.0
    assert request.bpm_max is not None
    assert request.bpm_max > 122.0


def test_a_range_to_search_is_still_a_band() -> None:
    request = parse_request("house loops 120 to 125")
    assert (request.bpm_min, request.bpm_max) == (120.0, 125.0)


# -------------------------------------------------------- spelled-out accidentals


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("what's the camelot code of B flat minor", ["Bb minor"]),
        ("loops in F sharp minor", ["F# minor"]),  # was read as F major
        ("anything in E flat?", ["Eb major"]),
        ("does G-sharp minor go into A flat major", ["G# minor", "Ab major"]),
        ("e flat major soul", ["Eb major"]),
        ("A flat groove with no swing", []),  # an adjective, no key
    ],
)
def test_a_spelled_out_accidental_is_part_of_the_key(text: str, keys: list[str]) -> None:
    assert parse_request(text).keys == keys


# ---------------------------------------------------------------- tempo decades


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("dark dnb somewhere in the 170s", (170.0, 179.0)),
        ("any disco in the 110s?", (110.0, 119.0)),
        ("house in the high 120s", (125.0, 129.0)),
        ("trap, low 140s", (140.0, 144.0)),
    ],
)
def test_a_tempo_decade_is_its_band_of_tempos(text: str, band: tuple[float, float]) -> None:
    request = parse_request(text)
    assert (request.bpm_min, request.bpm_max) == band
    assert request.eras == []


@pytest.mark.parametrize("text", ["funk from the 70s", "the 1990s", "100s of loops"])
def test_an_era_or_a_count_is_no_tempo_decade(text: str) -> None:
    assert parse_request(text).bpm_min is None


# ------------------------------------------------------- a kind or a mode in a list


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("only loops pls, no one-shots, soul around 90", "loop"),
        ("no one shots, reggae at 75", "loop"),
        ("a clap one-shot", "one_shot"),
    ],
)
def test_a_kind_ruled_out_is_not_the_kind_asked_for(text: str, kind: str) -> None:
    assert vocab.find_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "mode"),
    [("something dark for a late set, dnb tempo, minor", "minor"), ("jazz, major, 100", "major")],
)
def test_a_mode_as_an_item_of_a_list_is_the_mode(text: str, mode: str) -> None:
    assert find_mode(text) == mode


@pytest.mark.parametrize(
    ("text", "feel"),
    [
        ("soul loops that really swing", vocab.SWUNG_RANGE),
        ("breaks with a lil swing on them", (52.0, 58.0)),
        ("old jazz, very swing, 105", (62.0, 72.0)),
        ("what's the swing on this", (None, None)),  # a question, no feel asked for
    ],
)
def test_a_swing_said_in_a_hurry_is_a_feel(
    text: str, feel: tuple[float | None, float | None]
) -> None:
    assert vocab.find_swing(text)[1:] == feel


# ------------------------------------------------------------- genre words


@pytest.mark.parametrize(
    ("text", "genres"),
    [
        ("70s philly disco loops", ["disco"]),  # where the disco was made
        ("philly soul breaks", ["philly soul"]),
        ("anything philly around 100", ["philly soul"]),
        ("fnk loops frm the 60s", ["funk"]),  # chat shorthand
        ("fnk 96", ["funk"]),
    ],
)
def test_genre_words_as_a_producer_types_them(text: str, genres: list[str]) -> None:
    assert parse_request(correct(text)).genres == genres


def test_a_tempo_before_a_preposition_is_no_count() -> None:
    request = parse_request("going 120 to 126 over a few tracks, how much per step")
    assert request.limit != 126
    assert request.bpms == [120.0, 126.0]
    assert parse_request("give me 5 funk loops").limit == 5
