""" "The first loop you found" is rank 1 among the listed loops: the kind noun of a pick
named by the answer that showed it is a filter like its other words (outside tester: "is
the first loop you found swung more than mine?" after a list ending in a kick one-shot
took the kick; with loops only it compared nothing and re-analysed the user's loop)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.followups import find_attribute_refs
from groovegraph.settings import Settings
from groovegraph.state import CatalogHit, SampleTags
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

MINE = upload_row(0x5F, "loop_84.wav", 84.0, "D minor", 58.0)
ROWS = [
    numbered_loop(1, "boom bap", "90s", 85.0, "D minor", tag="f1f1", swing_percent=62.0),
    numbered_loop(2, "soul", "70s", 82.0, "A minor", tag="f1f1", swing_percent=52.0),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame([MINE, *ROWS]), settings=settings))
    chat.say("check my loop", samples=[MINE["id"]])
    assert len(chat.say("loops in D minor or A minor")["hits"]) == 2
    return chat


@pytest.mark.parametrize(
    "ask",
    [
        "is the first loop you found swung more than mine?",
        "does the first loop you found swing harder than mine?",
    ],
)
def test_the_first_loop_found_against_mine(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert set(out["request"].samples) == {ROWS[0]["id"], MINE["id"]}
    assert "boom bap_90s_01.wav" in answer(out)


def _hit(sid: str, kind: str, *, bpm: float | None) -> CatalogHit:
    return CatalogHit(
        sample_id=sid,
        path=f"/lib/{sid}.wav",
        score=0.9,
        reason="",
        tempo_bpm=bpm,
        kind=kind,  # type: ignore[arg-type]
        instrument="kick" if kind == "one_shot" else None,
        tags=SampleTags(),
    )


@pytest.mark.parametrize(
    ("said", "picked"),
    [
        ("is the first loop you found swung more than mine?", ["l1"]),
        ("the second loop you listed - what key?", ["l2"]),
        ("the first one-shot you found", ["k1"]),
    ],
)
def test_the_kind_noun_picks_among_that_kind(said: str, picked: list[str]) -> None:
    hits = [_hit("k1", "one_shot", bpm=None), _hit("l1", "loop", bpm=90.0)]
    hits += [_hit("l2", "loop", bpm=92.0), _hit("k2", "one_shot", bpm=None)]
    assert find_attribute_refs(said, hits=hits).ids == picked
