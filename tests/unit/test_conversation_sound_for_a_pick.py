"""A one-shot wanted for a listed hit or for the user's own file is a search for that
sound in the hit's key, however the sound and the hit are joined:

- "a good 808" is the sound (a word or two describing it between the article and 808),
  so "what's a decent 808 for the third one" searches 808s for that hit (it was read as
  no sound, then as the hit's era);
- "a snare that'd crack over the 126 one": a verb placing the sound against the hit
  named right after it (it was read as a groove question about the hit);
- "a bass one-shot in my jam's key" is "in the key of my jam" (it was read as nothing).
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(n, "house", "90s", bpm, key, tag="50f0")
    for n, (bpm, key) in enumerate([(124.0, "G minor"), (126.0, "G minor"), (128.0, "C minor")])
]
SHOTS = [
    one_shot_record("000150f099990001", "snare_x.wav", "snare"),
    one_shot_record("000250f099990002", "sub_G1.wav", "bass", "G1"),
    one_shot_record("000350f099990003", "sub_C2.wav", "bass", "C2"),
    one_shot_record("000450f099990004", "sub_E1.wav", "bass", "E1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("what's a decent 808 for the third one", "bass"),
        ("some long dark 808s please", "bass"),
        ("the roland 808 came out when?", None),
        ("a classic 808 sound", None),
    ],
)
def test_described_808_is_the_sound(text: str, found: str | None) -> None:
    assert vocab.find_instrument(text) == found


def test_described_808_for_a_ranked_hit(chat: Chat) -> None:
    chat.say("90s house loops")
    out = chat.say("what's a decent 808 for the third one")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].kind == "one_shot"
    assert out["request"].for_sample == LOOPS[2]["id"]


def test_sound_placed_against_a_hit_by_tempo(chat: Chat) -> None:
    chat.say("90s house loops")
    out = chat.say("a snare that'd crack over the 126 one")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].instrument == "snare"
    assert out["request"].for_sample == LOOPS[1]["id"]


def test_sound_in_my_files_key(chat: Chat) -> None:
    chat.say("recorded a jam, how swung is it", samples=[str(LOOPS[0]["id"])])
    chat.say("house loops around 128")
    out = chat.say("whats a bass one shot in my jams key")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].kind == "one_shot"
    assert out["request"].for_sample == LOOPS[0]["id"]


def test_sound_in_my_versions_key_after_other_loops(chat: Chat) -> None:
    # "my flip" is the user's own file (a version cut of a record), even when two listed
    # hits were compared since; "my flip stuff" would be their loops of a style
    chat.say("heres a flip i made, whats the tempo", samples=[str(LOOPS[2]["id"])])
    chat.say("90s house loops")
    chat.say("compare the first and the second")
    out = chat.say("got a bass one-shot in my flips key")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].kind == "one_shot"
    assert out["request"].for_sample == LOOPS[2]["id"]
    assert vocab.MY_SAMPLE_RE.search("my flip stuff") is None
