"""A question comparing loops of the list shown that names them by rank ("between 1 and
3, which one drags more", "among the top four which has the most shuffle", "the first
pair, which is quicker") measures and ranks exactly those, not the whole list, and shows
no new list: ranks asked next still count in the list shown (own wording and files)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph
from tests.chat import Chat, answer, hit_names

# listed by tempo nearest 100; the most swung and the slowest of the five is the last
ROWS = [
    loop_row(
        f"{i:04d}cafe{i:08d}",
        f"soul_take_{i}",
        genre="soul",
        era="70s",
        tempo_bpm=tempo,
        swing_percent=swing,
        backbeat_lag_ms=lag,
        key="D minor",
    )
    for i, (tempo, swing, lag) in enumerate(
        (
            (100.0, 52.0, 2.0),
            (101.0, 58.0, 14.0),
            (98.5, 55.0, 6.0),
            (103.0, 60.5, 1.0),
            (96.0, 66.0, 3.0),
        )
    )
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS), settings=settings)


def _listed(graph) -> tuple[Chat, list[str]]:
    chat = Chat(graph)
    shown = hit_names(chat.say("soul loops around 100 bpm"))
    assert len(shown) == 5
    return chat, shown


@pytest.mark.parametrize(
    ("text", "ranks", "field"),
    [
        ("between 1 and 3, which one shuffles more?", (1, 3), "swing"),
        ("which is quicker, 4 or 2", (2, 4), "BPM"),
        ("among the top four which has the most swing", (1, 2, 3, 4), "swing"),
        ("from the first two which sits further behind the beat", (1, 2), "backbeat"),
        ("the second and the fifth - which one is slower?", (2, 5), "BPM"),
    ],
)
def test_a_comparison_names_its_ranks(graph, text, ranks, field) -> None:
    chat, shown = _listed(graph)
    out = chat.say(text)
    named = [shown[r - 1] for r in ranks]
    said = answer(out)
    first = said.splitlines()[0]
    # the ranking names exactly the ones asked about, and measures them
    assert all(n in first for n in named), first
    assert not any(s in first for s in shown if s not in named), first
    assert field in first
    assert sorted(out["request"].samples) == sorted(
        next(r["id"] for r in ROWS if r["path"].endswith(n)) for n in named
    )
    assert hit_names(out) == []  # no new list: the ranks still count in the one shown


def test_ranks_after_a_comparison_still_count_in_the_list_shown(graph) -> None:
    chat, shown = _listed(graph)
    chat.say("of the top three, which swings most?")
    out = chat.say("which of the first two is slower")
    first = answer(out).splitlines()[0]
    assert shown[0] in first
    assert shown[1] in first
    assert shown[2] not in first
