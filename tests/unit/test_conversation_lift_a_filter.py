"""A follow-up that takes one constraint off the last search ("no tempo limit", "whatever
decade", "the key doesn't matter", "lose the genre filter") re-runs that search without it
and keeps every other constraint; one that lets back a value it ruled out ("ok, reggae is
fine again") lifts that exclusion only, so the genres are what they were before it."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, era: str, vibe: str, bpm: float, key: str, swing: float) -> dict:
    return numbered_loop(
        n,
        genre,
        era,
        bpm,
        key,
        tag="fe00",
        name=f"{vibe}_{genre}_{n:02d}",
        vibe=vibe,
        swing_percent=swing,
    )


ROWS = [
    _loop(1, "dub", "70s", "deep", 72.0, "A minor", 54.0),
    _loop(2, "dub", "80s", "deep", 75.0, "D minor", 53.0),
    _loop(3, "dub", "80s", "heavy", 88.0, "G minor", 52.0),
    _loop(4, "dub", "70s", "deep", 74.0, "C major", 53.0),
    _loop(5, "reggae", "70s", "warm", 73.0, "E minor", 55.0),
    _loop(6, "reggae", "80s", "warm", 76.0, "B minor", 56.0),
    _loop(7, "reggae", "80s", "warm", 95.0, "F major", 55.0),
    _loop(8, "jungle", "90s", "dark", 74.0, "F minor", 52.0),
    _loop(9, "jungle", "90s", "dark", 170.0, "F minor", 52.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_an_exclusion_let_back_restores_the_genres_and_keeps_the_rest(graph) -> None:
    chat = Chat(graph)
    chat.say("dub or reggae loops 70-80 bpm in a minor key")
    narrowed = chat.say("but not reggae")["request"]
    assert narrowed.genres == ["dub"]
    assert narrowed.not_genres == ["reggae"]
    out = chat.say("ok, reggae is fine again")
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert sorted(req.genres) == ["dub", "reggae"]
    assert req.not_genres == []
    assert (req.bpm_min, req.bpm_max, req.mode) == (70.0, 80.0, "minor")
    assert {h.key for h in out["hits"]} == {"A minor", "D minor", "E minor", "B minor"}


def test_an_exclusion_from_an_open_search_let_back_leaves_any_genre(graph) -> None:
    chat = Chat(graph)
    chat.say("loops 70-80 bpm in a minor key")
    chat.say("no jungle")
    req = chat.say("let jungle back in")["request"]
    assert req.genres == []
    assert req.not_genres == []
    assert (req.bpm_min, req.bpm_max, req.mode) == (70.0, 80.0, "minor")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("remove the genre filter", "genres"),
        ("doesn't matter what style", "genres"),
        ("drop the tempo limit", "tempo"),
        ("no bpm restriction", "tempo"),
        ("ignore the tempo", "tempo"),
        ("I don't care how fast", "tempo"),
        ("whatever decade", "eras"),
        ("not fussed about the era", "eras"),
        ("major or minor is fine", "mode"),
        ("forget about the vibe", "vibes"),
    ],
)
def test_a_lifted_field_reruns_the_search_without_it(graph, text: str, field: str) -> None:
    chat = Chat(graph)
    before = chat.say("deep dub loops from the 70s, 70-80 bpm, minor key")["request"]
    assert before.genres == ["dub"]
    assert before.eras == ["70s"]
    assert before.mode == "minor"
    out = chat.say(text)
    req = out["request"]
    assert req.specialists == ["discovery"], answer(out)
    kept = {
        "genres": req.genres == ["dub"],
        "tempo": (req.bpm_min, req.bpm_max) == (70.0, 80.0),
        "eras": req.eras == ["70s"],
        "mode": req.mode == "minor",
        "vibes": req.vibes == ["deep"],
    }
    assert kept.pop(field) is False, f"{field} was not lifted by {text!r}"
    assert all(kept.values()), kept


def test_a_key_lifted_keeps_the_tempo_and_genre(graph) -> None:
    chat = Chat(graph)
    chat.say("dub loops around 74 bpm in A minor")
    out = chat.say("lose the key filter")
    req = out["request"]
    assert req.keys == []
    assert req.genres == ["dub"]
    assert req.bpm_min is not None
    assert len(out["hits"]) >= 3


def test_a_genre_forgotten_as_a_part_is_lifted_not_ruled_out(graph) -> None:
    chat = Chat(graph)
    chat.say("deep dub or reggae loops, 70-80 bpm")
    req = chat.say("forget the dub part, any genre")["request"]
    assert req.genres == []
    assert req.not_genres == []
    assert req.vibes == ["deep"]
    assert (req.bpm_min, req.bpm_max) == (70.0, 80.0)


def test_a_lifted_filter_that_changes_no_hit_is_not_called_the_same_search(graph) -> None:
    chat = Chat(graph)
    chat.say("deep dub loops from the 70s in a minor key")
    out = chat.say("ignore the era")
    assert out["request"].eras == []
    assert "Same search as before" not in answer(out)


@pytest.mark.parametrize(
    "text",
    ["do any swing?", "no swing", "any in a minor key?", "what key is it", "drop the 70s ones"],
)
def test_words_that_lift_nothing(text: str) -> None:
    assert vocab.find_lifted_fields(text) == []


def test_a_style_asked_after_a_closest_tempo_search_lists_its_nearest_tempos(graph) -> None:
    chat = Chat(graph)
    chat.say("what have I got closest to 100 bpm?")
    out = chat.say("only dub")
    req = out["request"]
    assert req.genres == ["dub"]
    assert req.target_bpm == 100.0
    assert [h.tempo_bpm for h in out["hits"]][:1] == [88.0]
    narrowed = chat.say("dub loops at 100 bpm")
    assert narrowed["request"].bpm_min is not None
