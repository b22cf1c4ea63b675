"""A style named by its adjective, typed or misspelt ("funky 60s stuff around 100", "fnky
60s stuff arund 100"; tune split): "fnky" was read as nothing, and "funky" as a vibe no
loop of the library is tagged, so the vibe was left out and the 60s jazz loops at 100
were listed first. The rule: a misspelling one edit from a style's adjective is that
adjective (vocab.SPELLING_TARGETS), and a vibe no sample carries that is a style's
adjective (vocab.genre_of_vibe: funky → funk, jazzy → jazz) searches that style, said so;
a library that does tag loops "funky" keeps the vibe."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loops(funky_tag: bool) -> pd.DataFrame:
    rows = [
        numbered_loop(1, "jazz", "60s", 100.0, "F major", tag="adj1", vibe="smooth"),
        numbered_loop(
            2, "jazz", "60s", 101.0, "D minor", tag="adj1", vibe="funky" if funky_tag else "mellow"
        ),
        numbered_loop(3, "funk", "60s", 99.0, "E minor", tag="adj1", vibe="dusty"),
        numbered_loop(4, "funk", "60s", 103.0, "Eb major", tag="adj1", vibe="groovy"),
        numbered_loop(5, "funk", "70s", 100.0, "A minor", tag="adj1", vibe="gritty"),
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("text", ["fnky 60s stuff arund 100", "funky 60s stuff around 100"])
def test_a_style_adjective_no_loop_is_tagged_searches_the_style(
    settings: Settings, text: str
) -> None:
    chat = Chat(offline_graph(_loops(funky_tag=False), settings=settings))
    out = chat.say(text)
    hits = out["hits"]
    assert [h.tempo_bpm for h in hits] == [99.0, 103.0], answer(out)
    assert {(h.tags.genre, h.tags.era) for h in hits} == {("funk", "60s")}
    assert "tagged funky" in answer(out)


def test_a_library_that_tags_loops_funky_keeps_the_vibe(settings: Settings) -> None:
    chat = Chat(offline_graph(_loops(funky_tag=True), settings=settings))
    out = chat.say("funky 60s stuff around 100")
    assert [h.sample_id for h in out["hits"]] == [str(_loops(True).iloc[1]["id"])], answer(out)
