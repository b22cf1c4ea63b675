"""Jungle asked of a library with no loops tagged so is shown as drum and bass (early
drum and bass, at its tempos), not the breakbeat loops at 125-140 as well (set16: "what
tempo was 90s jungle usually" then "got any")."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(1, "drum and bass", "90s", 172.0, "G minor", tag="1a9e"),
    numbered_loop(2, "drum and bass", "90s", 175.0, "F minor", tag="1a9e"),
    numbered_loop(3, "breakbeat", "90s", 131.0, "F# minor", tag="1a9e"),
    numbered_loop(4, "breakbeat", "90s", 136.0, "Bb major", tag="1a9e"),
]


def test_got_any_after_a_jungle_question_lists_drum_and_bass(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("what tempo was 90s jungle usually")
    out = chat.say("got any")
    assert out["plan"].specialists == ["discovery"]
    assert sorted(hit_names(out)) == ["drum and bass_90s_01.wav", "drum and bass_90s_02.wav"]
