"""Single hits asked for a loop that is only described ("any snares that would suit a 90s
boom bap beat", "i need a kick for a 70s funk loop", "808s for a dark trap beat in F minor")
are searched as one-shots of that sound: the style, decade and feel describe the loop, not
the hits (a library's one-shots are tagged by what they are), and a key names the roots
that fit. Before, the style was a filter on the hits and nothing was found (lead's
self-trial)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    catalog_row(
        id="0000f00d00000000",
        path="/lib/boombap_00.wav",
        sha256=f"{101:064x}",
        genre="boom bap",
        era="90s",
        tempo_bpm=92.0,
        swing_percent=60.0,
        timing_deviation_ms=8.0,
        backbeat_lag_ms=9.0,
        key="A minor",
    )
]
SHOTS = [
    one_shot_record("1111111111111111", "snare_a.wav", "snare"),
    one_shot_record("2222222222222222", "kick_a.wav", "kick"),
    one_shot_record("3333333333333333", "sub_f.wav", "bass", "F1", tag="808"),
    one_shot_record("4444444444444444", "sub_b.wav", "bass", "B1", tag="808"),
]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("any snares that would suit a 90s boom bap beat", {"snare_a.wav"}),
        ("i need a kick for a 70s funk loop", {"kick_a.wav"}),
        ("need some snares for a dusty 90s boom bap beat", {"snare_a.wav"}),
        ("got a snare to go with a gritty boom bap groove?", {"snare_a.wav"}),
    ],
)
def test_hits_for_a_described_loop_are_one_shots_of_that_sound(
    settings: Settings, text: str, names: set[str]
) -> None:
    out = Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings)).say(text)
    assert out["request"].kind == "one_shot"
    assert out["request"].genres == []
    listed = {h.path.rsplit("/", 1)[-1] for h in out["hits"]}
    assert names <= listed
    assert "boombap_00.wav" not in listed
