""" "my drum loop" names the user's own upload of the thread (a loop with nothing pitched),
also when a library loop is in focus (outside tester: "heres my keys loop, will it mix
with my drum loop?" with the keys loop attached, after "the first one, what key is it
in?" about a library loop, checked the mix against the library loop)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

KEYS = {**upload_row(0x6A, "keys loop.wav", 84.0, "D minor", 55.0), "instrument": "keys"}
DRUMS = upload_row(0x6B, "take_02.wav", 86.0, None, 56.0)  # nothing pitched: drums
ROWS = [numbered_loop(i, "soul", "70s", 84.0 + i, "A minor", tag="6a6b") for i in range(1, 4)]


@pytest.fixture
def thread(settings: Settings) -> tuple[Chat, list[str]]:
    chat = Chat(offline_graph(pd.DataFrame([KEYS, DRUMS, *ROWS]), settings=settings))
    chat.say("here's a loop i made", samples=[DRUMS["id"]])
    listed = [h.sample_id for h in chat.say("soul loops around 86")["hits"]]
    chat.say("the first one, what key is it in?")
    return chat, listed


@pytest.mark.parametrize(
    "ask",
    [
        "heres my keys loop, will it mix with my drum loop?",
        "will it mix with my drum loop?",
        "does this one work with my drum loop",
    ],
)
def test_my_drum_loop_beats_the_library_loop_in_focus(
    thread: tuple[Chat, list[str]], ask: str
) -> None:
    chat, _ = thread
    out = chat.say(ask, samples=[KEYS["id"]])
    assert sorted(out["request"].samples) == sorted([KEYS["id"], DRUMS["id"]])
    said = answer(out)
    assert "take_02.wav" in said
    assert not any(f"soul_70s_0{i}" in said for i in (1, 2, 3))


def test_the_listed_loop_named_still_counts(thread: tuple[Chat, list[str]]) -> None:
    chat, listed = thread
    out = chat.say("does the second one mix with my drum loop?")
    assert sorted(out["request"].samples) == sorted([listed[1], DRUMS["id"]])
