"""A decade asked of a list of loops that mix with the user's loop narrows that list:
it keeps the tempo band the search kept around the loop and the loop as its reference
(outside tester: "loops that mix with it" then "only the 90s ones" listed 90s loops far
from the loop's tempo). A style or decade asked of a "like it" search still looks at any
tempo, nearest first (test_conversation_narrowing_keeps_the_reference_band)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

GUITAR = upload_row(0x4C, "wah guitar idea.wav", 96.0, "G minor", 52.0)
KEYS = ("G minor", "Bb major", "D minor", "C minor")
NEAR = [
    numbered_loop(
        i, ("funk", "soul")[i % 2], ("80s", "70s")[i % 2], 91.0 + i, KEYS[i % 4], tag="dec4"
    )
    for i in range(1, 11)
]
# 80s loops in keys that mix, far from the guitar's tempo
FAR = [
    numbered_loop(20 + i, "funk", "80s", bpm, KEYS[i % 4], tag="dec4")
    for i, bpm in enumerate((70.0, 74.0, 120.0, 126.0, 131.0))
]
MIXES = set(compatible_camelots("G minor"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([GUITAR, *NEAR, *FAR]), settings=settings))


@pytest.mark.parametrize("narrow", ["just the 80s ones", "any from the eighties?"])
def test_decade_keeps_the_band_of_the_mix_search(chat: Chat, narrow: str) -> None:
    chat.say("what's the tempo of my guitar idea?", samples=[GUITAR["id"]])
    first = chat.say("library loops that mix with it")
    assert first["hits"], answer(first)
    band = [h.tempo_bpm for h in first["hits"]]
    out = chat.say(narrow)
    hits = out["hits"]
    assert hits, answer(out)
    assert all(h.tags.era == "80s" for h in hits), answer(out)
    assert {h.camelot for h in hits} <= MIXES, answer(out)
    assert all(min(band) - 1 <= h.tempo_bpm <= max(band) + 1 for h in hits), answer(out)
    assert out["request"].for_sample == GUITAR["id"], out["request"]
