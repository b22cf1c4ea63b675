""" "Drum breaks like this one" (a loop attached) lists drum breaks as the README defines
them: loops with nothing pitched (no key) or tagged drums. A genre's name is no drums
tag: the "Drum & Bass" folder's loops, which have keys, are not drum breaks (outside
tester: the search listed keyed drum-and-bass loops). The loop's key is no filter for
keyless breaks either."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.library import name_tags
from tests.catalogs import catalog_row, offline_graph, upload_row
from tests.chat import Chat

MINE = upload_row(0x61, "my loop.wav", 97.0, "E minor", 57.0)

# (path in the library, key, tempo): tags read from the path as the indexer reads them
FILES = [
    ("Drum & Bass/90s/deep_drumandbass_02_170bpm_Em.wav", "E minor", 170.0),
    ("Drum & Bass/00s/heavy_drumandbass_08_171bpm_Bm.wav", "B minor", 171.0),
    ("Breakbeat/90s/raw_breakbeat_03_98bpm.wav", None, 98.0),
    ("Funk/70s/break_96bpm.wav", None, 96.0),
    ("Funk/70s/gritty_funk_03_97bpm_Em.wav", "E minor", 97.0),
    ("Soul/70s/warm_soul_02_95bpm_G.wav", "G major", 95.0),
]


def _row(n: int, relative: str, key: str | None, bpm: float) -> dict:
    tags = name_tags(relative)
    return catalog_row(
        id=f"{n:04d}d7e5{n:08d}",
        path=f"/lib/{relative}",
        sha256=f"{n:064x}",
        genre=tags.genre,
        era=tags.era,
        vibe=tags.vibe,
        instrument=tags.instrument,
        tempo_bpm=bpm,
        swing_percent=56.0,
        backbeat_lag_ms=4.0,
        key=key,
    )


ROWS = [_row(n, *f) for n, f in enumerate(FILES, 1)]


def test_a_genre_name_is_no_drums_tag() -> None:
    assert name_tags("Drum & Bass/90s/deep_drumandbass_02_170bpm_Em.wav").instrument is None
    assert name_tags("DnB/drum_and_bass_roller.wav").instrument is None
    assert name_tags("Drum & Bass/90s/amen_break_174.wav").instrument == "drums"


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([*ROWS, MINE]), settings=settings)


@pytest.mark.parametrize(
    "text", ["drum breaks like this one", "got any drum breaks with a similar feel to this?"]
)
def test_drum_breaks_like_a_loop_are_drums_only(graph, text) -> None:
    out = Chat(graph).say(text, samples=[MINE["id"]])
    names = sorted(h.path.rsplit("/", 1)[-1] for h in out["hits"])
    assert names == ["break_96bpm.wav", "raw_breakbeat_03_98bpm.wav"]
