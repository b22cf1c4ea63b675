""" "compare the first and the third for me" names two listed loops and no music word:
it is their side-by-side groove, not a message off the topic (the off-topic reading
looked only at the words, not at the hits the turn named). "can u master my track",
"could you eq my drums": work on the user's audio is no task of the assistant's, said
so, rather than asking for the track to measure it."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

TAG = "e21b"
ROWS = [
    numbered_loop(1, "house", "90s", 124.0, "F# minor", tag=TAG, swing_percent=50.8),
    numbered_loop(2, "house", "90s", 127.0, "F# minor", tag=TAG, swing_percent=50.3),
    numbered_loop(3, "house", "90s", 126.0, "F# minor", tag=TAG, swing_percent=50.7),
    numbered_loop(4, "funk", "70s", 100.0, "E minor", tag=TAG),
]


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("compare the first and the third for me", ["0001e21b00000001", "0003e21b00000003"]),
        ("compare the last two", ["0002e21b00000002", "0003e21b00000003"]),
    ],
)
def test_comparing_listed_loops_is_their_groove(
    settings: Settings, text: str, picked: list[str]
) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("house loops in F# minor")
    out = chat.say(text)
    assert out["request"].samples == picked
    assert out["request"].specialists == ["groove"]
    assert "Groove analysis:" in answer(out)


@pytest.mark.parametrize("text", ["can u master my track", "could you eq my drums"])
def test_work_on_the_audio_is_out_of_scope(settings: Settings, text: str) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    out = chat.say(text)
    assert out["request"].specialists == []
    assert answer(out).startswith(f"Sorry, “{text}” is outside what I do.")
    out = chat.say("ok whatever. funk loops around 100")
    assert out["request"].specialists == ["discovery"]
