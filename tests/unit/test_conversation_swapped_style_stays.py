"""A style put in place of the last search's ("swap to disco, keep the tempo", "what
about disco instead") after a search whose feel and tempo that style has none of ("dusty
funk around 100"; disco runs 115-124 and is never dusty): the search relaxed the style
itself and listed the dusty funk loops again under "nothing tagged disco matches". The
rule: the style swapped in is what was asked and stays; the old style's feel, then the
tempo, give way, each said so."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _library() -> pd.DataFrame:
    rows = [
        numbered_loop(n, "funk", "70s", bpm, "E minor", tag="5e1f", vibe="dusty")
        for n, bpm in enumerate((96.0, 99.0, 100.0, 103.0), 1)
    ]
    rows += [
        numbered_loop(n, "disco", "70s", bpm, "A minor", tag="5e1f", vibe="uplifting")
        for n, bpm in enumerate((115.0, 118.0, 121.0, 124.0), 10)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("swap", ["swap to disco, keep the tempo", "what about disco instead"])
def test_the_style_swapped_in_is_never_relaxed(chat: Chat, swap: str) -> None:
    first = chat.say("dusty funk around 100")
    assert {h.tags.genre for h in first["hits"]} == {"funk"}
    out = chat.say(swap)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.tags.genre for h in hits} == {"disco"}, answer(out)
    # nearest the tempo asked first, and the answer says what gave way
    assert hits[0].tempo_bpm == 115.0
    assert "any vibe" in answer(out)
    assert "closest tempos" in answer(out)
