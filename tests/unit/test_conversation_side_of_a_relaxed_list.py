"""A tempo side kept of a list that a relaxed search showed ("drum loops around 84" with
no drums-only loop there, so loops with drums under other parts were shown; then "drop the
slow ones") keeps the faster loops listed. Before, the narrowed search put the drums-only
filter back on and answered "84–87.1 BPM … none of the 10 listed match", naming the very
loops it should have kept (an outside tester's conversation on the demo library)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

BPMS = (79.9, 81.0, 82.0, 83.0, 85.1, 86.1, 87.1)
ROWS = [
    numbered_loop(i, "soul", "70s", bpm, "A minor", tag="5e1a", instrument="mix")
    for i, bpm in enumerate(BPMS)
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "side"),
    [("drop the slow ones", 1), ("only the quicker ones", 1), ("just the slower ones", -1)],
)
def test_a_side_of_a_relaxed_drum_list_keeps_its_loops(graph, text: str, side: int) -> None:
    chat = Chat(graph)
    shown = chat.say("drum loops around 84")
    listed = sorted(h.tempo_bpm for h in shown["hits"])
    assert len(listed) >= 3
    out = chat.say(text)
    tempos = sorted(h.tempo_bpm for h in out["hits"])
    assert tempos, text
    assert set(tempos) < set(listed), (text, tempos)
    median = listed[len(listed) // 2]
    assert all((t >= median) if side > 0 else (t <= median) for t in tempos), (text, tempos)
