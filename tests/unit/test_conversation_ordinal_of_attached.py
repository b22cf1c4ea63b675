"""With no list shown, "the second one" / "the first one" is a rank among the samples
the user attached in this thread (in the order they were attached): the turn is about
that file, not about nothing."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph
from tests.chat import Chat, answer


def _row(i: int, name: str, bpm: float, key: str) -> dict:
    return loop_row(
        f"d0d0{i:012d}",
        name,
        genre="house",
        era="90s",
        tempo_bpm=bpm,
        swing_percent=51.0,
        backbeat_lag_ms=1.0,
        key=key,
    )


ROWS = [_row(1, "opener_groove", 122.0, "A minor"), _row(2, "closer_groove", 127.0, "C major")]
FIRST, SECOND = ROWS[0]["id"], ROWS[1]["id"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(ROWS, []), settings=settings))


def test_rank_among_two_files_sent_together(chat: Chat) -> None:
    chat.say("do these go together for my set?", samples=[FIRST, SECOND])
    out = chat.say("how fast is the second one again")
    assert out["request"].samples == [SECOND]
    assert "closer_groove" in answer(out)


def test_rank_among_files_sent_on_separate_turns(chat: Chat) -> None:
    chat.say("what key is this?", samples=[FIRST])
    chat.say("and this one?", samples=[SECOND])
    out = chat.say("is the first one swung at all")
    assert out["request"].samples == [FIRST]
