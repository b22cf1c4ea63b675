"""Two pitched one-shots of the thread set against each other ("is my kick in tune with
the 808?") are compared by their roots: both notes, the interval between them and how far
to retune the first (own data: a tom on A1 and a sub on C2, a snare with no root)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools import harmony
from tests.catalogs import library_frame, offline_graph, one_shot_record
from tests.chat import Chat, answer

TOM = one_shot_record("91aa0000000000a1", "low tom deep.wav", "tom", "A1", tag="tom")
SUB = one_shot_record("91aa0000000000b2", "808 long tail.wav", "808", "C2", tag="808")
SNARE = one_shot_record("91aa0000000000c3", "snare rimmy.wav", "snare", None, tag="snare")


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(shots=[TOM, SUB, SNARE]), settings=settings)


@pytest.mark.parametrize(
    "text", ["is my tom in tune with the 808?", "is the tom out of tune with my 808"]
)
def test_two_roots_are_set_against_each_other(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("first my tom", samples=[TOM.id])
    chat.say("now the 808", samples=[SUB.id])
    out = chat.say(text)
    assert set(out["request"].samples) == {TOM.id, SUB.id}
    (report,) = out["reports"]
    assert report.key is not None
    text_out = answer(out)
    assert "A1 vs C2" in text_out
    assert "a minor third apart" in text_out
    assert "up 3 semitones" in text_out  # A up to C


def test_the_interval_names_the_shorter_retune() -> None:
    rep = harmony.root_compatibility("G1", "F1", label_a="kick", label_b="808")
    assert rep.relation == "clash"
    assert "a whole tone apart" in rep.explanation
    assert "retune kick down 2 semitones or pick one on F" in rep.explanation
    same = harmony.root_compatibility("F2", "F1")
    assert same.score == 1.0
    assert "in tune" in same.explanation
    fifth = harmony.root_compatibility("C2", "F1")
    assert fifth.relation == "fifth"
