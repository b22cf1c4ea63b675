"""A question about a style or decade asked right after a search is that question, not
a narrowing of the list by the style or decade it names:

- "hist of ska?" is "history of ska?" (the shortened word spelled out);
- "and how should a 70s disco kick sound?" after a search for kicks, and "<style> vs
  <style> drums, how do they differ?" after a search for one of them, ask the era
  specialist (a wh-question or "tell me about" with no samples asked for), while "and
  what about 80s ones?" still narrows the search;
- "no I meant the 90s" right after an era answer asks the same question about the
  decade it names (a correction, as "what about the 90s?" is).
"""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.understanding.spelling import correct
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat


def _library() -> pd.DataFrame:
    styles = [("funk", "70s", 100.0), ("soul", "70s", 92.0), ("disco", "70s", 120.0)]
    styles += [("disco", "80s", 122.0), ("reggae", "70s", 74.0), ("house", "90s", 125.0)]
    rows = [
        numbered_loop(n * 3 + i, genre, era, bpm + i, "A minor", tag="e7a5")
        for n, (genre, era, bpm) in enumerate(styles)
        for i in range(3)
    ]
    shots = [
        one_shot_record("0001e7a599990001", "kick_a.wav", "kick"),
        one_shot_record("0002e7a599990002", "kick_b.wav", "kick"),
    ]
    return library_frame(rows, shots)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


def test_hist_is_history() -> None:
    assert correct("quick hist of ska?") == "quick history of ska?"
    assert correct("hist pls") == "history pls"
    assert correct("historic loops") == "historic loops"


def test_short_history_question_after_a_search(chat: Chat) -> None:
    chat.say("reggae loops around 74")
    out = chat.say("quick hist of ska?")
    assert out["plan"].specialists == ["era"]
    assert not out["hits"]


@pytest.mark.parametrize(
    ("search", "question"),
    [
        ("kicks", "and how should a 70s disco kick sound, tight or boomy?"),
        ("disco loops", "disco vs boogie drums in the 80s, how do they differ?"),
    ],
)
def test_style_question_after_a_search_is_no_narrowing(
    chat: Chat, search: str, question: str
) -> None:
    assert "discovery" in chat.say(search)["plan"].specialists
    out = chat.say(question)
    assert out["plan"].specialists == ["era"]
    assert not out["hits"]


def test_what_about_after_a_search_still_narrows(chat: Chat) -> None:
    chat.say("disco loops")
    out = chat.say("and what about 80s ones?")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].eras == ["80s"]


def test_correction_after_an_era_answer_asks_again(chat: Chat) -> None:
    assert chat.say("who made house music famous")["plan"].specialists == ["era"]
    out = chat.say("no i meant in the 90s, the uk side of it")
    assert out["plan"].specialists == ["era"]
    assert not out["hits"]
