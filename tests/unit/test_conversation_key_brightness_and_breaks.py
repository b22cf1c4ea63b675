"""Ranking by how dark or bright a key is, and "breaks" as the breakbeat genre (outside
trial: "which is in the darkest key" was not understood and "brightest" repeated the
list; "some breaks around 170" searched every genre).

The documented rule (``tools.keys.key_brightness``): a minor key is darker than a major
one; within a mode, more flats are darker and more sharps brighter."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import key_brightness
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

ROWS = [
    ("neo_soul_keys_01", "soul", "E major", 90.0),
    ("neo_soul_keys_02", "soul", "G minor", 91.0),
    ("neo_soul_keys_03", "soul", "B minor", 92.0),
    ("neo_soul_keys_04", "soul", "F major", 93.0),
    ("neo_soul_keys_05", "soul", "A major", 89.0),
    ("amen_chop_170", "breakbeat", "D minor", 170.0),
    ("think_chop_172", "breakbeat", None, 172.0),
    ("liquid_roller_171", "drum and bass", "A minor", 171.0),
    ("jungle_pressure_169", "jungle", None, 169.0),
]


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                name,
                key=key,
                genre=genre,
                era="90s",
                tempo_bpm=bpm,
                swing_percent=54.0,
                backbeat_lag_ms=3.0,
            )
            for i, (name, genre, key, bpm) in enumerate(ROWS)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


def test_the_brightness_rule() -> None:
    assert key_brightness("G minor") < key_brightness("A minor") < key_brightness("B minor")
    assert key_brightness("B minor") < key_brightness("F major") < key_brightness("E major")
    assert key_brightness(None) is None


@pytest.mark.parametrize(
    ("question", "winner", "word"),
    [
        ("which one's in the darkest key?", "neo_soul_keys_02.wav", "Darkest key"),
        ("and which of those is the brightest", "neo_soul_keys_01.wav", "Brightest key"),
    ],
)
def test_darkest_and_brightest_rank_the_list(
    chat: Chat, question: str, winner: str, word: str
) -> None:
    listed = chat.say("soul loops around 91")["hits"]
    assert len(listed) == 5
    out = chat.say(question)
    text = answer(out)
    assert text.startswith(f"{word} of the 5 listed: {winner}")
    assert [h.path.rsplit("/", 1)[-1] for h in out["hits"]] == [winner]


@pytest.mark.parametrize("ask", ["some breaks around 170", "got any breaks near 170 bpm?"])
def test_breaks_is_the_breakbeat_genre(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert out["request"].genres == ["breakbeat"]
    names = {h.path.rsplit("/", 1)[-1] for h in out["hits"]}
    assert names == {"amen_chop_170.wav", "think_chop_172.wav"}


def test_drum_breaks_are_no_genre(chat: Chat) -> None:
    out = chat.say("drum breaks around 170")
    assert out["request"].genres == []
