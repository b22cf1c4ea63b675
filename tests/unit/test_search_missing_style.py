"""A style the library does not have, or filters no loop meets together, give the closest
useful list with an honest note, never a dead end (lead's self-trial: "need something for
a lofi beat, dusty, like 80ish bpm" in a library with no lo-fi loops answered "No sample in
the catalog matches those filters"; "swap to jazz but keep the tempo" and "more swing pls"
then found nothing either, the jazz loops being neither dusty nor at 80)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, run


def _loop(n: int, genre: str, vibe: str, bpm: float, swing: float, key: str) -> dict:
    return numbered_loop(
        n,
        genre,
        "90s",
        bpm,
        key,
        tag="5e2c",
        name=f"{vibe}_{genre.replace(' ', '')}_{n:02d}_{bpm:g}bpm",
        vibe=vibe,
        swing_percent=swing,
        backbeat_lag_ms=5.0,
    )


ROWS = [
    _loop(1, "boom bap", "dusty", 91.0, 62.0, "E minor"),
    _loop(2, "boom bap", "dusty", 93.0, 63.0, "C minor"),
    _loop(3, "jazz", "jazzy", 100.0, 65.0, "F major"),
    _loop(4, "jazz", "smooth", 106.0, 55.0, "C major"),
    _loop(5, "jazz", "mellow", 115.0, 64.0, "G minor"),
    _loop(6, "soul", "smooth", 80.0, 54.0, "A minor"),
    _loop(7, "house", "deep", 124.0, 52.0, "A minor"),
]
BOOM_BAP = {r["id"] for r in ROWS if r["genre"] == "boom bap"}
JAZZ = {r["id"] for r in ROWS if r["genre"] == "jazz"}


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "need something for a lofi beat, dusty, like 80ish bpm",
        "dusty lo-fi loops around 80 bpm",
        "got any lofi stuff? dusty, 80 bpm or so",
    ],
)
def test_a_genre_the_library_lacks_gives_way_to_its_related_one(graph, text: str) -> None:
    out = run(graph, text, thread=text)
    said = answer(out)
    assert {h.sample_id for h in out["hits"]} == BOOM_BAP
    assert "no loops tagged lo fi" in said.lower()
    assert "No sample in the catalog matches" not in said


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("techno loops around 124", "no loops tagged techno, so the genre is left out"),
        ("some lush house loops", "no sample in the library is tagged lush"),
        ("house from the 40s", "nothing from the 40s, so the era is left out"),
    ],
)
def test_a_style_the_library_lacks_is_left_out_and_said_so(graph, text: str, note: str) -> None:
    out = run(graph, text, thread=text)
    said = answer(out)
    assert out["hits"], said
    assert note.lower() in said.lower()
    assert "No sample in the catalog matches" not in said


@pytest.mark.parametrize(
    "text",
    ["dusty jazz loops at 80", "jazz around 80 bpm, dusty", "jazz loops with a dusty feel, ~80"],
)
def test_filters_no_loop_meets_together_relax_together(graph, text: str) -> None:
    out = run(graph, text, thread=text)
    said = answer(out)
    assert out["hits"], said
    assert {h.sample_id for h in out["hits"]} <= JAZZ
    assert "even with one filter relaxed" in said
    assert "No sample in the catalog matches" not in said


@pytest.mark.parametrize(
    ("swap", "more"),
    [
        ("swap to jazz but keep the tempo", "more swing pls"),
        ("now jazz, same tempo", "give me more swing"),
        ("what about jazz instead", "more swung ones pls"),
    ],
)
def test_a_style_swap_and_a_narrowing_after_a_relaxed_list_find_something(
    graph, swap: str, more: str
) -> None:
    chat = Chat(graph, thread=swap)
    chat.say("need something for a lofi beat, dusty, like 80ish bpm")
    out = chat.say(swap)
    assert out["hits"], answer(out)
    assert {h.sample_id for h in out["hits"]} <= JAZZ
    out = chat.say(more)
    said = answer(out)
    assert out["hits"], said
    assert {h.sample_id for h in out["hits"]} <= JAZZ
    assert "No sample in the catalog matches" not in said


@pytest.mark.parametrize(
    ("first", "swap"),
    [
        ("jazz loops in F major around 100", "and in C major?"),
        ("jazz around 100 in 7B", "what about 8B"),
        ("jazz in F major, ~100 bpm", "now G minor"),
    ],
)
def test_a_key_swapped_in_is_a_new_search_that_may_relax(graph, first: str, swap: str) -> None:
    # another key asked for is a new list, as another style is: when nothing is in it at
    # the tempo carried, the nearest (the closest tempos) rather than nothing
    chat = Chat(graph, thread=first + swap)
    assert chat.say(first)["hits"]
    out = chat.say(swap)
    said = answer(out)
    assert out["hits"], said
    assert "No sample in the catalog matches" not in said
