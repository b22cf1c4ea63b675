""" "eh widen it to 75" after "reggae under 70": the bound the tempo lies past moves out to
it (up to 75 BPM), the other side of the range is kept. Before, it searched a band
around 75 (72-78 BPM) and lost the loops under 72."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

TAG = "e21c"
TEMPI = (64.0, 68.0, 69.1, 70.0, 73.0, 74.1, 75.0, 77.0, 80.0)
ROWS = [
    numbered_loop(i, "reggae", "70s", bpm, "D minor", tag=TAG) for i, bpm in enumerate(TEMPI, 1)
]


@pytest.mark.parametrize(
    "text", ["eh widen it to 75", "widen the range to 75", "hmm widen that to 75 bpm"]
)
def test_widening_an_upper_bound(settings: Settings, text: str) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("reggae under 70")
    out = chat.say(text)
    assert sorted(hit_names(out)) == [f"reggae_70s_{i:02d}.wav" for i in range(1, 8)]
    assert "up to 75 BPM" in answer(out)


def test_widening_a_band_down(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("reggae 73 to 77 bpm")
    out = chat.say("ok open it up to 68")
    assert out["request"].bpm_min == 68.0
    assert out["request"].bpm_max == 77.0
    assert sorted(hit_names(out)) == [f"reggae_70s_{i:02d}.wav" for i in range(2, 9)]
