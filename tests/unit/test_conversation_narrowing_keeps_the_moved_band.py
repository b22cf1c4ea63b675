"""After "slower" moved the band of a search for a decade that the library has nothing of
at the new tempo (so that search showed other decades), a narrowing ("only minor") keeps
the band the user just moved to and lets the decade go, said so, rather than bringing the
decade back and listing loops far outside the band. (An outside tester, trial 14.)"""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

TAG = "b3c9"
ROWS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=TAG),
    numbered_loop(2, "funk", "70s", 99.0, "F minor", tag=TAG),
    numbered_loop(3, "funk", "70s", 96.0, "B major", tag=TAG),
    numbered_loop(4, "funk", "70s", 100.0, "E minor", tag=TAG),
    numbered_loop(5, "soul", "60s", 90.0, "Eb minor", tag=TAG),
    numbered_loop(6, "soul", "60s", 88.0, "C major", tag=TAG),
    numbered_loop(7, "soul", "60s", 86.0, "Bb major", tag=TAG),
    numbered_loop(8, "soul", "70s", 81.0, "Eb minor", tag=TAG),
]


def test_only_minor_after_slower_stays_in_the_moved_band(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("seventies soul or funk, roughly 95-100 bpm")
    moved = chat.say("slower")
    band = [h.tempo_bpm for h in moved["hits"] if h.tempo_bpm is not None]
    assert band
    assert max(band) < 95
    out = chat.say("only minor")
    found = out["hits"]
    assert found, answer(out)
    lo, hi = min(band) - 5, max(band) + 5
    assert all(h.tempo_bpm is not None and lo <= h.tempo_bpm <= hi for h in found), answer(out)
    assert all("minor" in str(h.key) for h in found)
    assert "any era" in answer(out)
