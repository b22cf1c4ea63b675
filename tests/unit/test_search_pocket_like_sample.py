"""A search for loops whose backbeat sits like a sample's (outside trial: "laid back snare
like this one" with a loop attached was read as a swing amount and a snare one-shot).

How the snare or clap sits against the grid is the backbeat lag; "like this one" makes
the attached loop's lag the target, and the loops are ranked by how near theirs is, not
by the loop's tempo, key or swing."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.vocab import asks_pocket_like
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

MINE = upload_row(0x44, "late night jam.wav", 92.0, "A minor", 56.0, lag_ms=14.0)
# the lags around mine, at tempi and keys far from it, and loops near its tempo and key
# whose backbeat sits on the grid
LAGS = {"drag_a": 13.5, "drag_b": 15.0, "drag_c": 11.0, "grid_a": 0.0, "grid_b": -2.0}
ROWS = [
    catalog_row(
        id=f"{i:04d}cccc{i:08d}",
        path=f"/lib/{name}.wav",
        sha256=f"{i + 900:064x}",
        genre="soul",
        era="70s",
        tempo_bpm=92.0 if name.startswith("grid") else 120.0 + i,
        swing_percent=56.0 if name.startswith("grid") else 50.0,
        backbeat_lag_ms=lag,
        key="A minor" if name.startswith("grid") else "F# major",
    )
    for i, (name, lag) in enumerate(LAGS.items())
]


@pytest.mark.parametrize(
    ("said", "pocket"),
    [
        ("laid back snare like this one", True),
        ("any loops with a backbeat that drags like mine?", True),
        ("same pocket as this one please", True),
        ("laid back loops like this", False),  # a feel, no backbeat named
        ("a laid back snare one-shot like this", False),  # a sound, not a groove
        ("is the snare laid back?", False),
    ],
)
def test_a_pocket_asked_like_a_sample(said: str, pocket: bool) -> None:
    assert asks_pocket_like(said) is pocket


def test_laid_back_snare_like_this_one_ranks_by_backbeat_lag(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame([MINE, *ROWS]), settings=settings))
    out = chat.say("laid back snare like this one", samples=[MINE["id"]])
    assert out["request"].pocket
    assert out["request"].kind == "loop"
    assert out["request"].swing_min is None
    names = hit_names(out)
    assert names[:3] == ["drag_a.wav", "drag_b.wav", "drag_c.wav"], answer(out)
    assert "backbeat +14.0 ms" in answer(out)
