"""The notes a search answer opens with are sentences: after "nothing … matches
exactly;" comes what is shown instead ("showing …"), never a bare noun phrase left
hanging ("…; the kick one-shots.")."""

from __future__ import annotations

import re

import pytest

from groovegraph.graph import tools as graph_tools
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from tests.catalogs import catalog_frame, library_frame, loop_row, offline_graph, one_shot_record
from tests.chat import Chat, answer

ORGAN = loop_row(
    "5e0000000000aa01",
    "warm_organ_vamp",
    genre="jazz",
    era="60s",
    tempo_bpm=88.0,
    swing_percent=60.0,
    backbeat_lag_ms=4.0,
    key="E minor",
)
KICKS = [
    one_shot_record("5e0000000000kk01", "round kick.wav", "kick", "F1", tag="kick"),
    one_shot_record("5e0000000000kk02", "click kick.wav", "kick", None, tag="kick"),
]


def test_a_drum_for_a_keyed_loop_is_explained_in_one_whole_sentence(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame([ORGAN], KICKS), settings=settings))
    chat.say("this is my organ vamp", samples=[ORGAN["id"]])
    out = chat.say("which kick would go with it?")
    said = answer(out)
    assert {h.sample_id for h in out["hits"]} == {k.id for k in KICKS}
    assert "no key to match E minor" in said
    assert "showing kick one-shots of any pitch." in said
    assert not re.search(r"; the \w+ one-shots\.", said)


@pytest.mark.parametrize(
    "query",
    [
        CatalogQuery(genre="funk", vibe="glassy", limit=5),
        CatalogQuery(genre="funk", era="50s", limit=5),
        CatalogQuery(key="A minor", genre="funk", era="70s", bpm_min=84, bpm_max=86, limit=5),
        CatalogQuery(compatible_with="A minor", genre="funk", era="70s", bpm_min=84, bpm_max=86),
        CatalogQuery(bpm_min=200, bpm_max=210, target_bpm=205, half_double=False, limit=5),
        CatalogQuery(genre="polka", limit=5),
    ],
)
def test_each_relaxation_note_says_what_it_shows_instead(query: CatalogQuery) -> None:
    hits, _, note = graph_tools._nearest(catalog_frame(120), query)
    assert hits
    assert note is not None
    first, _, rest = note.partition("; ")
    assert first.startswith("nothing ")
    assert rest.startswith("showing "), note
