"""Loops asked for under a bass one-shot analysed earlier in the thread ("what's the root
of this sub hit" then "any reggae loops it would work under?"): a bass note under a loop
sits in a minor key on that root, so the loops searched are in the keys that mix with
that minor key (the relative major and the steps either side), not only the loops on
that one letter in either mode (a major key on the root is another scale, and the few
loops on one tonic left the style asked for with nothing to show)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer

#: reggae loops around D: D minor's neighbours (D minor, F major, G minor, A minor), D major
#: (another scale) and E minor (far off)
KEYS = ("D minor", "F major", "G minor", "A minor", "D major", "E minor")
LOOPS = [
    numbered_loop(i, "reggae", "70s", 70.0 + i, KEYS[(i - 1) % len(KEYS)], tag="b5b5")
    for i in range(1, 13)
]
SUB = one_shot_record("b5b500000000aa01", "sub_hit_D1.wav", "bass", "D1", tag="bass")


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS, [SUB]), settings=settings)


@pytest.mark.parametrize(
    "ask",
    [
        "any reggae loops it would work under?",
        "find some reggae loops this would fit",
        "pull up reggae loops that go with it",
    ],
)
def test_loops_for_an_analysed_bass_hit_mix_with_its_minor_key(graph, ask: str) -> None:
    chat = Chat(graph)
    chat.say("what's the root of this sub hit", samples=[SUB.id])
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists
    hits = out["hits"]
    assert len(hits) >= 6, answer(out)
    assert {h.camelot for h in hits} <= set(compatible_camelots("D minor")), answer(out)
    assert all(h.key != "D major" for h in hits), answer(out)
    assert all(h.kind == "loop" for h in hits)
