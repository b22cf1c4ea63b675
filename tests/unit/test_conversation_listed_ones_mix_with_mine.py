"""Several listed hits asked to mix with the user's own sample ("the B major ones - would
either mix with my dub?", "would the first two mix with my loop?") are each checked
against that sample: the descriptor picks the listed hits it fits (it is no key to check),
and the picks are not checked against each other (outside tester: the key name B major
was checked against the dub instead of the two B major loops listed)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

DUB = upload_row(0x4D, "dub_riddim.wav", 75.0, "B major", 56.0)
ROWS = [
    numbered_loop(1, "reggae", "80s", 75.0, "B major", tag="4d4d"),
    numbered_loop(2, "reggae", "70s", 76.0, "B minor", tag="4d4d"),
    numbered_loop(3, "reggae", "80s", 77.0, "B major", tag="4d4d"),
]
NAMES = {str(r["id"]): str(r["path"]).rsplit("/", 1)[-1] for r in ROWS}


@pytest.mark.parametrize(
    ("ask", "pick"),
    [
        ("the B major ones - would either mix with my dub?", "B major"),
        ("would the B major ones mix with mine?", "B major"),
        ("do the B major ones work with my loop", "B major"),
        ("would the first two mix with my loop?", "first two"),
    ],
)
def test_each_pick_against_mine(settings: Settings, ask: str, pick: str) -> None:
    chat = Chat(offline_graph(pd.DataFrame([DUB, *ROWS]), settings=settings))
    chat.say("here's my dub", samples=[DUB["id"]])
    listed = chat.say("reggae loops in B major or B minor")["hits"]
    assert sorted(h.sample_id for h in listed) == sorted(NAMES)
    if pick == "first two":
        picked = [h.sample_id for h in listed[:2]]
    else:
        picked = [h.sample_id for h in listed if h.key == pick]
    out = chat.say(ask)
    assert out["request"].samples == [*picked, DUB["id"]]
    said = answer(out)
    for sid in picked:
        assert f"{NAMES[sid]} [{sid}] × dub_riddim.wav" in said
    assert "× B major" not in said
    assert said.count(" × ") == len(picked)
