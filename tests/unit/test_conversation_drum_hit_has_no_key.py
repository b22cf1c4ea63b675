"""A drum one-shot asked for a loop ("a kick one-shot for it") when no kick sits on the
loop's key: the answer says plainly that a drum needs no key, instead of "nothing matches
exactly; the nearest ones (key relaxed)" over the very kicks it lists (own data)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph, one_shot_record
from tests.chat import Chat, answer

LOOP = loop_row(
    "a4c0000000000001",
    "smoky_organ",
    genre="soul",
    era="60s",
    tempo_bpm=94.0,
    swing_percent=57.0,
    backbeat_lag_ms=6.0,
    key="B minor",
)
KICKS = [
    one_shot_record("a4c00000000000k1", "boomy kick.wav", "kick", "C1", tag="kick"),
    one_shot_record("a4c00000000000k2", "tight kick.wav", "kick", None, tag="kick"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([LOOP], KICKS), settings=settings)


@pytest.mark.parametrize("text", ["a kick one-shot for it", "got a kick that goes with this?"])
def test_kicks_for_a_loop_are_listed_without_a_near_miss(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("here's my organ loop", samples=[LOOP["id"]])
    out = chat.say(text)
    said = answer(out)
    assert {h.sample_id for h in out["hits"]} == {k.id for k in KICKS}
    assert "matches exactly" not in said
    assert "near match" not in said
    assert "no key to match B minor" in said
