"""A one-shot asked FOR a library file named by its name ("a snare for gritty_funk_03",
"some hats to go with gritty_funk_03") is a search for that sound with the file as the
sample it is for — as "a snare for it" after an analysis and "a bass note that fits
<file>" are — not an analysis of the file."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, hit_names

LOOP_ID = "0003f0a500000003"


def _chat(settings: Settings) -> Chat:
    loops = [
        numbered_loop(
            n, "funk", "70s", 96.0 + n, "E minor", tag="f0a5", name=f"gritty_funk_{n:02d}"
        )
        for n in (1, 2, 3)
    ]
    shots = [one_shot_record(f"5a7e0000000000{i:02d}", f"snare_{i}.wav", "snare") for i in (1, 2)]
    shots += [one_shot_record(f"4a7e0000000000{i:02d}", f"hat_{i}.wav", "hat") for i in (1, 2)]
    return Chat(offline_graph(library_frame(loops, shots), settings=settings))


@pytest.mark.parametrize(
    ("asked", "instrument"),
    [
        ("a snare for gritty_funk_03", "snare"),
        ("got a snare for gritty_funk_03?", "snare"),
        ("some hats to go with gritty_funk_03", "hat"),
    ],
)
def test_a_sound_for_a_named_library_file_searches_that_sound(
    settings: Settings, asked: str, instrument: str
) -> None:
    out = _chat(settings).say(asked)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].for_sample == LOOP_ID
    assert out["request"].samples == []
    assert out["request"].kind == "one_shot"
    names = hit_names(out)
    assert names
    assert all(n.startswith(f"{instrument}_") for n in names)
