"""Follow-ups to an answer on a style's or decade's history: "that era" and "that style"
are the decade just talked about (also one the answer's table entry belongs to when the
question named none: philly soul is a 70s style), a new style named beside it is searched
in that decade, and "and philly soul drumming?" asks the same history question about
another style rather than searching the library."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names


def _library() -> pd.DataFrame:
    styles = [("funk", "70s", 100.0), ("soul", "70s", 92.0), ("soul", "60s", 96.0)]
    styles += [("disco", "70s", 120.0), ("disco", "80s", 122.0), ("boom bap", "90s", 90.0)]
    rows = [
        numbered_loop(n * 3 + i, genre, era, bpm + i, None, tag="e4a0")
        for n, (genre, era, bpm) in enumerate(styles)
        for i in range(3)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("first", "then", "genre", "era"),
    [
        ("what was 70s funk drumming like?", "what about soul loops from that era", "soul", "70s"),
        ("what was 70s funk drumming like?", "soul loops in that style", "soul", "70s"),
        (
            "what was 80s hip hop drumming like? | and philly soul drumming?",
            "what about disco loops from that era",
            "disco",
            "70s",
        ),
        ("tell me about philly soul", "got any disco loops from that era?", "disco", "70s"),
    ],
)
def test_that_era_after_an_era_answer_is_its_decade(
    settings: Settings, first: str, then: str, genre: str, era: str
) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    for turn in first.split(" | "):
        chat.say(turn)
    out = chat.say(then)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].genres == [genre]
    assert out["request"].eras == [era]
    assert all(f"_{era}_" in name for name in hit_names(out))


@pytest.mark.parametrize(
    "then", ["and philly soul drumming?", "what about go go feel?", "and philly soul?"]
)
def test_and_another_style_after_an_era_answer_is_another_era_answer(
    settings: Settings, then: str
) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("what was 70s funk drumming like?")
    out = chat.say(then)
    assert out["plan"].specialists == ["era"]
    assert not out["hits"]
    assert "Searched" not in answer(out)


def test_and_style_loops_after_an_era_answer_is_still_a_search(settings: Settings) -> None:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("what was 70s funk drumming like?")
    out = chat.say("and disco loops?")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].genres == ["disco"]


def test_at_that_tempo_after_a_style_answer_adds_no_decade(settings: Settings) -> None:
    # the decade of the table's entry is taken only when the decade is pointed at ("that
    # era"); "at that tempo" after golden-era boom bap searches boom bap of any decade
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("what tempo was most golden era boom bap made at?")
    out = chat.say("ok show me some at that tempo")
    assert out["request"].genres == ["boom bap"]
    assert out["request"].eras == []
