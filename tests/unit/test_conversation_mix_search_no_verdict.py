"""Loops asked for because they mix with a loop of the user's, at a tempo, are one search
(outside trial: "loops that mix with my keys loop at 100 bpm" printed a verdict of the
keys loop against "100 BPM" before the search — the tempo is the search's, not a second
thing to compare the loop with). A yes/no mix question keeps its verdict, and "slower
ones?" after that search narrows it by tempo, still among the keys that mix."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import camelot
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer

MINE = upload_row(0x45, "keys_loop.wav", 96.0, "A minor", 52.0)
KEYS = ("A minor", "C major", "E minor", "D minor", "F# minor", "Bb major")
ROWS = [
    catalog_row(
        id=f"{i:04d}dddd{i:08d}",
        path=f"/lib/attic_{i:02d}.wav",
        sha256=f"{i + 950:064x}",
        genre="soul",
        era="70s",
        tempo_bpm=84.0 + 2 * i,
        swing_percent=55.0,
        backbeat_lag_ms=3.0,
        key=KEYS[i % len(KEYS)],
    )
    for i in range(12)
]
MIXING = {camelot(k) for k in ("A minor", "C major", "E minor", "D minor")}


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(library_frame([MINE, *ROWS]), settings=settings))
    c.say("here's my keys loop", samples=[MINE["id"]])
    return c


def test_loops_that_mix_with_my_loop_at_a_tempo_is_one_search(chat: Chat) -> None:
    out = chat.say("find loops that mix with my keys loop at 100 bpm")
    assert "Mix check" not in answer(out)
    assert "× 100 BPM" not in answer(out)
    assert out["hits"]
    assert {h.camelot for h in out["hits"]} <= MIXING
    slower = chat.say("slower ones?")
    hits = slower["hits"]
    assert hits, answer(slower)
    # slower than the 100 asked for, reaching below what was shown
    assert all(h.tempo_bpm < 100.0 for h in hits)
    assert min(h.tempo_bpm for h in hits) < min(h.tempo_bpm for h in out["hits"])
    assert {h.camelot for h in hits} <= MIXING


def test_a_mix_question_keeps_its_verdict(chat: Chat) -> None:
    out = chat.say("does my keys loop mix with 100 bpm loops? find me some too")
    assert "compatibility" in out["plan"].specialists
    assert "Mix check" in answer(out)
