"""A sound asked "for it" right after the user named one of their earlier uploads by what
they called it is for that upload, not for the one sent last (outside tester: a break,
then a keys loop, then "back to my break - a snare one-shot for it" searched for the keys
loop)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

DRUMS = upload_row(0x71, "take_a.wav", 92.0, None, 61.0)
PIANO = {**upload_row(0x72, "take_b.wav", 88.0, "E minor", 54.0), "instrument": "piano"}
CLAPS = [one_shot_record(f"{i:02d}" * 8, f"clap_{i}.wav", "clap", tag="clap") for i in (1, 2)]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([DRUMS, PIANO], CLAPS), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "going back to my break, find a clap for it",
        "ok my break again - any claps that suit it?",
    ],
)
def test_a_sound_for_it_after_naming_the_earlier_upload(graph, text: str) -> None:
    chat = Chat(graph, thread="break-then-piano")
    chat.say("this is my drum break", samples=[DRUMS["id"]])
    chat.say("and now a piano loop", samples=[PIANO["id"]])
    out = chat.say(text)
    assert out["request"].for_sample == DRUMS["id"], out["request"]
    assert "take_a.wav" in answer(out), answer(out)
    assert "take_b.wav" not in answer(out), answer(out)
