"""A listed hit named by its tempo as the user reads it (outside tester, README-only):
after a list whose only hit is ``deep_house_15_124bpm_Am.wav`` (its name says 124 BPM, it
measures 125.0), "show me the 124 one" answered "Nothing in the last list of results
matches". The tempo a user names for a listed hit is the one in its file name or the
measured one rounded either way (a BPM off), when no listed hit is nearer."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names


def _loop(n: int, genre: str, bpm: float, key: str, **kw: object) -> dict:
    return numbered_loop(n, genre, "90s", bpm, key, tag="7e7d", **kw)


ROWS = [
    _loop(1, "house", 125.0, "A minor", name="deep_house_15_124bpm_Am", bpm_hint=124.0),
    _loop(2, "house", 121.0, "C major"),
    _loop(3, "disco", 118.0, "A minor"),
    _loop(4, "funk", 97.0, "E minor"),
    _loop(5, "funk", 98.0, "G major"),
    _loop(6, "soul", 92.0, "D minor"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("ask", ["show me the 124 one", "how swung is the 126 bpm one?"])
def test_a_tempo_a_bpm_off_or_in_the_name_names_the_hit(chat: Chat, ask: str) -> None:
    listed = chat.say("house loops in A minor")
    assert hit_names(listed) == ["deep_house_15_124bpm_Am.wav"], answer(listed)
    out = chat.say(ask)
    assert "Nothing in the last list" not in answer(out)
    assert out["request"].samples == [ROWS[0]["id"]], answer(out)


def test_the_nearer_tempo_still_wins(chat: Chat) -> None:
    listed = chat.say("funk loops")
    assert set(hit_names(listed)) == {"funk_90s_04.wav", "funk_90s_05.wav"}
    out = chat.say("how swung is the 98 one?")
    assert out["request"].samples == [ROWS[4]["id"]], answer(out)
