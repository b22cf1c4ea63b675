"""An empty answer's advice names only filters the search applied: "kicks tuned to A"
(no tempo asked) ended "try a wider tempo range or fewer tags" (outside tester)."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer


def test_advice_after_an_empty_one_shot_search_names_no_tempo(settings: Settings) -> None:
    frame = library_frame(
        [numbered_loop(1, "house", "80s", 124.0, "A minor", tag="ad71")],
        [one_shot_record("ad71000000000002", "bass_F.wav", "bass", root="F2", tag="bass")],
    )
    out = Chat(offline_graph(frame, settings=settings)).say("kicks tuned to A")
    said = answer(out)
    assert not out["hits"]
    assert "No sample in the catalog matches" in said
    assert "tempo" not in said.split("No sample in the catalog matches", 1)[1]
