"""One definition of the keys that "mix with" a key, for every search: the standard
harmonic moves of the Camelot wheel (same key, relative, one step either way), as the chat
searched and the key plot drew them; `search --compatible-with` and the API also kept the
diagonal and the ±2 energy moves (outside tester: the chat and the CLI listed different
loops for the same ask). The answer names each hit's relation."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from groovegraph.tools.harmony import MIXES_MIN_SCORE, key_relation
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

KEYS = {
    "A minor": "same",
    "C major": "relative",
    "E minor": "adjacent",
    "D minor": "adjacent",
    "G major": "diagonal",
    "B minor": "energy_boost",
    "G minor": "energy_drop",
    "F# minor": "clash",
}
ROWS = [
    numbered_loop(n, "funk", "70s", 100.0, key, tag="c7a4", name=f"funk_{n:02d}")
    for n, key in enumerate(KEYS, 1)
]
FRAME = pd.DataFrame(ROWS)
MIXES = {
    f"funk_{n:02d}.wav"
    for n, k in enumerate(KEYS, 1)
    if KEYS[k] in {"same", "relative", "adjacent"}
}


def test_the_relations_are_as_named() -> None:
    assert {k: key_relation("A minor", k).relation for k in KEYS} == KEYS


def test_compatible_with_keeps_the_standard_moves() -> None:
    # what `groovegraph search --compatible-with "A minor"` and GET /v1/samples run
    hits = cat.search(FRAME, CatalogQuery(compatible_with="A minor", limit=50))
    assert {h.path.rsplit("/", 1)[-1] for h in hits} == MIXES
    assert all(key_relation("A minor", h.key).score >= MIXES_MIN_SCORE for h in hits if h.key)
    # the wider moves stay reachable when asked for by score
    wide = cat.search(FRAME, CatalogQuery(compatible_with="A minor", key_min_score=0.5, limit=50))
    assert len(wide) == 7


@pytest.mark.parametrize(
    "ask", ["funk loops that mix with A minor", "what funk loops will mix with 8A?"]
)
def test_the_chat_lists_what_the_cli_lists(settings: Settings, ask: str) -> None:
    out = Chat(offline_graph(FRAME, settings=settings)).say(ask)
    assert set(hit_names(out)) == MIXES
    said = answer(out)
    for relation in ("8A = same", "8B = relative", "9A = adjacent", "7A = adjacent"):
        assert relation in said


def test_a_keys_neighbours_are_not_all_called_keys_that_mix(settings: Settings) -> None:
    # "what keys mix with A minor?" lists the diagonal and two-step moves too, each with
    # its lower verdict; the heading said "the keys that mix with it" over all of them,
    # which is not the definition the searches use (same, relative, one step).
    said = answer(Chat(offline_graph(FRAME, settings=settings)).say("what keys mix with A minor?"))
    assert "the keys that mix with it" not in said
    assert "one step either way mix" in said
    assert "diagonal and two-step moves are energy changes" in said
