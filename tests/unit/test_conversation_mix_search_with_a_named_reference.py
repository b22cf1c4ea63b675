"""Loops asked for as those that mix with a reference named by its rank in the list shown
or by the file name it was sent as, at a tempo, are one search: "at 104 bpm" is the
search's band, not a second item to set the reference against (the answer printed a
"104 BPM × <reference>" verdict before the search when no find verb opened the message,
as "find loops that mix with …" already did not)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

SKETCH = upload_row(0x6B, "night_bus_keys.wav", 86.0, "B minor", 53.0)
KEYS = ("B minor", "D major", "E minor", "F# minor", "G# minor", "C major")
CRATE = [
    numbered_loop(i, ("soul", "jazz")[i % 2], "70s", 84.0 + 2 * i, KEYS[i % 6], tag="c0de")
    for i in range(1, 15)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([SKETCH, *CRATE]), settings=settings))


def _one_search_around(out: dict, bpm: float, reference_key: str) -> None:
    said = answer(out)
    assert "Mix check" not in said, said
    assert "×" not in said, said
    hits = out["hits"]
    assert hits, said
    assert all(abs(h.tempo_bpm - bpm) <= bpm * 0.05 for h in hits), said
    assert {h.camelot for h in hits} <= set(compatible_camelots(reference_key)), said


@pytest.mark.parametrize(
    "ask",
    [
        "grooves that mix with the third one at 104 bpm",
        "loops which would go with the third one at 104 bpm",
    ],
)
def test_a_listed_reference_at_a_tempo_is_one_search(chat: Chat, ask: str) -> None:
    shown = chat.say("soul or jazz around 90")
    third = shown["hits"][2]
    out = chat.say(ask)
    assert out["request"].samples == [third.sample_id], out["request"]
    _one_search_around(out, 104.0, third.key)


def test_a_sent_file_named_at_a_tempo_is_one_search(chat: Chat) -> None:
    chat.say("how swung is it?", samples=[SKETCH["id"]])
    out = chat.say("loops that mix with night_bus_keys.wav at 104 bpm")
    assert out["request"].samples == [SKETCH["id"]], out["request"]
    _one_search_around(out, 104.0, "B minor")


def test_a_yes_no_mix_question_at_a_tempo_keeps_its_verdict(chat: Chat) -> None:
    chat.say("how swung is it?", samples=[SKETCH["id"]])
    out = chat.say("would night_bus_keys.wav work at 104 bpm?")
    assert "Mix check" in answer(out), answer(out)
