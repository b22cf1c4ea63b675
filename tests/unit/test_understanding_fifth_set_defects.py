"""Defects a development set of producer conversations (evals/fifth_set) found in how the
offline understanding carries a conversation, each in new wording on the real offline
graph over a small tagged catalog: a new search by style drops the old search's key, a
key question about "that" keeps the key talked about, loops for an analysed 808 sit on
its root, a listed one-shot is named by its sound with an ordinal, a loop analysed
before the one in focus is still named by its style, a stated tempo range holds a loop
shown at its bound, and "which is more swung" after two analyses is about those two."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import parse_key
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer
from tests.unit.test_understanding_trial_defects import (  # noqa: F401
    ROWS,
    SHOT_808,
    SNARES,
    graph,
)

ID = {r["path"].rsplit("/", 1)[-1].removesuffix(".wav"): r["id"] for r in ROWS}


def _neighbours(a: str, b: str) -> bool:
    ca, cb = parse_key(a).camelot, parse_key(b).camelot
    na, la, nb, lb = int(ca[:-1]), ca[-1], int(cb[:-1]), cb[-1]
    return (na - nb) % 12 in (0, 1, 11) if la == lb else na == nb


def test_a_find_with_another_style_does_not_keep_the_old_searchs_key(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    first = chat.say("drum and bass loops in F minor")
    assert [h.tags.genre for h in first["hits"]] == ["drum and bass"]
    chat.say("how fast is the first one?")
    out = chat.say("pull up some boom bap near 90 then")
    # the F minor of the dnb search is not a filter of the boom bap one (the F major,
    # A minor and D minor boom bap loops all count)
    assert out["request"].keys == []
    assert len(out["hits"]) == 3
    assert all(h.tags.genre == "boom bap" for h in out["hits"])
    narrowed = chat.say("which of those have the most swing, over 61%?")
    assert narrowed["hits"]
    assert all(h.tags.genre == "boom bap" for h in narrowed["hits"])


def test_a_key_question_about_that_keeps_the_key_for_a_later_search(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("which keys sit well with E minor?")
    second = chat.say("and what is that on the camelot wheel")
    assert second["request"].keys == ["E minor"]
    out = chat.say("show me boom bap in those keys")
    assert out["hits"]
    # A minor (8A) neighbours E minor (9A); D minor (7A) and F major (7B) do not
    assert {h.key for h in out["hits"]} == {"A minor"}
    assert all(_neighbours(str(h.key), "E minor") for h in out["hits"])


def test_loops_for_an_analysed_808_sit_on_its_root(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    assert chat.say("find me an 808")["hits"]
    chat.say("what note is the first one on?")
    out = chat.say("find trap loops it would sit with")
    # loops in the keys that mix with F minor (the 808's root as a minor tonic: F major is
    # another scale), not one-shots like the 808 (there are none: nothing found)
    assert {h.key for h in out["hits"]} == {"F minor", "C minor"}
    assert all(_neighbours(str(h.key), "F minor") for h in out["hits"])
    assert all(h.tags.genre == "trap" for h in out["hits"])
    narrowed = chat.say("which of those are in F minor exactly")
    assert [(h.tags.genre, h.key) for h in narrowed["hits"]] == [("trap", "F minor")]


def test_a_listed_one_shot_is_named_by_its_sound_and_rank(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    listed = chat.say("show me some snares")["hits"]
    assert len(listed) == 2
    out = chat.say("the second snare, how long does it ring?")
    assert out["request"].samples == [listed[1].sample_id]
    assert out["request"].unresolved == []


def test_a_loop_analysed_before_the_focus_is_named_by_its_style(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("trap loops in F minor")
    trap = chat.say("what's the key of the first one?")["request"].samples
    chat.say("soul loops from the 70s")
    soul = chat.say("how swung is the first one?")["request"].samples
    assert trap != soul
    out = chat.say("how far would i stretch the soul one to line up with the trap one")
    assert set(out["request"].samples) == {*trap, *soul}
    assert out["request"].unresolved == []
    assert out["plan"].specialists == ["compatibility"]


def _soul(i: int, bpm: float, key: str, swing: float) -> dict:
    return catalog_row(
        id=f"7e5a{i:012d}",
        path=f"/lib/soul_take_{i:02d}.wav",
        sha256=f"{i + 4200:064x}",
        genre="soul",
        era="70s",
        tempo_bpm=bpm,
        swing_percent=swing,
        backbeat_lag_ms=6.0,
        key=key,
    )


SOUL_ROWS = [
    _soul(1, 81.0, "A major", 55.0),
    _soul(2, 85.0, "D minor", 57.0),
    _soul(3, 90.03, "C minor", 61.0),  # shown as 90.0 BPM
    _soul(4, 90.6, "E minor", 52.0),
]


@pytest.fixture
def soul_graph(settings: Settings):
    return offline_graph(pd.DataFrame(SOUL_ROWS), settings=settings)


def test_a_stated_range_holds_a_tempo_shown_at_its_bound(soul_graph) -> None:
    chat = Chat(soul_graph)
    out = chat.say("soul loops from 80 to 90 bpm")
    # 90.03 BPM is listed as 90.0, inside "80 to 90"; 90.6 is not
    assert {h.sample_id for h in out["hits"]} == {r["id"] for r in SOUL_ROWS[:3]}
    picked = chat.say("the 90 one - how swung is it?")
    assert picked["request"].samples == [SOUL_ROWS[2]["id"]]


def test_which_of_two_analysed_loops_is_about_both(soul_graph) -> None:
    chat = Chat(soul_graph)
    pair = [SOUL_ROWS[0]["id"], SOUL_ROWS[2]["id"]]
    chat.say("tempo and swing of these two please", samples=pair)
    out = chat.say("ok which one swings harder?")
    assert out["request"].samples == pair
    assert out["plan"].specialists == ["groove"]
    text = answer(out)
    assert "soul_take_03.wav" in text
    assert "hear your loop first" not in text
