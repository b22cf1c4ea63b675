"""Two listed hits named by their ranks with one determiner ("do the second and fourth
ones clash?", "would the 1st and 3rd ones blend") are the pair to check for a mix, not
"the ... ones" pointing at the whole list: before, the list's search ran again."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.followups import is_list_pointer
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(n, "breakbeat", "90s", bpm, key, tag="c5a1", vibe="crunchy")
    for n, bpm, key in [
        (1, 132.0, "E minor"),
        (2, 133.0, "G major"),
        (3, 131.0, "B minor"),
        (4, 134.0, "F major"),
    ]
]


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("the second and fourth ones", False),
        ("the 1st and 3rd ones", False),
        ("the minor ones", True),
        ("only the crunchy ones", True),
    ],
)
def test_ranks_are_not_the_whole_list(text: str, pointer: bool) -> None:
    assert is_list_pointer(text) is pointer


@pytest.mark.parametrize(
    ("text", "ranks"),
    [
        ("do the second and fourth ones clash?", (1, 3)),
        ("would the 1st and 3rd ones blend", (0, 2)),
    ],
)
def test_two_ranks_are_checked_as_a_pair(settings: Settings, text: str, ranks) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    found = chat.say("crunchy breakbeat between 130 and 135")
    assert len(found["hits"]) == 4
    ids = [h.sample_id for h in found["hits"]]
    out = chat.say(text)
    assert "compatibility" in out["plan"].specialists
    assert "discovery" not in out["plan"].specialists
    assert sorted(out["request"].samples) == sorted(ids[i] for i in ranks)
