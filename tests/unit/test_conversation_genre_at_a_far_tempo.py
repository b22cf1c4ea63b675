"""A genre asked for at a tempo far from every loop of it in the library, where another
genre the word means at that tempo has loops, shows those, saying so with the closest
tempo of the genre named: "some breaks around 170" are drum & bass breaks to a DJ, not
breakbeat at 136-138 BPM (outside tester: the answer listed breakbeat at 136-138 BPM as
"the closest tempos")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "breakbeat", "90s", 136.0, "E minor", tag="b170"),
    numbered_loop(2, "breakbeat", "90s", 138.0, None, tag="b170"),
    numbered_loop(3, "drum and bass", "90s", 172.0, None, tag="b170", name="dnb_90s_03"),
    numbered_loop(4, "drum and bass", "00s", 174.0, "B minor", tag="b170", name="dnb_00s_04"),
    numbered_loop(5, "trap", "10s", 141.0, "C minor", tag="b170"),
    numbered_loop(6, "hip hop", "90s", 92.0, "D minor", tag="b170"),
]


BREAK = upload_row(0xB1, "my_break.wav", 135.0, "B minor", 55.0)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame([*ROWS, BREAK]), settings=settings))


@pytest.mark.parametrize("ask", ["some breaks around 170", "got any breaks near 172 bpm?"])
def test_breaks_at_drum_and_bass_tempo(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert sorted(hit_names(out)) == ["dnb_00s_04.wav", "dnb_90s_03.wav"]
    said = answer(out)
    assert "No breakbeat loop is near 17" in said
    assert "the closest is 138.0 BPM" in said
    assert "usually means drum and bass" in said


def test_hip_hop_at_trap_tempo(chat: Chat) -> None:
    out = chat.say("hip hop loops around 140")
    assert hit_names(out) == ["trap_10s_05.wav"]
    assert "usually means trap" in answer(out)


@pytest.mark.parametrize(
    ("ask", "shown"),
    [
        ("some breaks around 135", ["breakbeat_90s_01.wav", "breakbeat_90s_02.wav"]),
        ("hip hop around 94", ["hip hop_90s_06.wav"]),
    ],
)
def test_a_genre_near_its_own_tempo_stays(chat: Chat, ask: str, shown: list[str]) -> None:
    out = chat.say(ask)
    assert sorted(hit_names(out)) == shown
    assert "usually means" not in answer(out)


def test_a_tempo_taken_from_a_sample_keeps_the_genre(chat: Chat) -> None:
    # "dnb that would mix with it" about a 135 BPM break: drum and bass in keys that mix,
    # the break's tempo asked by no one (no breakbeat in its place)
    out = chat.say("find me dnb that would mix with this break", samples=[BREAK["id"]])
    assert hit_names(out) == ["dnb_00s_04.wav"]
    assert "usually means" not in answer(out)
