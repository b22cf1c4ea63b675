"""A mix question about "it" in a thread where nothing can be "it" (no sample attached,
analysed or in focus; only a list of several search hits) compares nothing silently: the
answer says "it" is unknown and asks which samples to check (outside trial: "would it
mix with the A minor one?" after a search answered as if "it" were a listed hit)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

KEYS = ("F minor", "Ab major", "C minor", "Bb minor")


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"late_night_{i:02d}",
                key=KEYS[i % len(KEYS)],
                genre="house",
                era="90s",
                tempo_bpm=122.0 + i % 3,
                swing_percent=52.0,
                backbeat_lag_ms=2.0,
            )
            # one loop per key: "the C minor one" names one listed loop (several would be
            # asked about first, test_conversation_which_one_of_several)
            for i in range(len(KEYS))
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    "question",
    [
        "will it blend with the C minor one?",
        "could I mix it with the Ab major one",
        "does this one go with the second one",
    ],
)
def test_it_with_nothing_to_point_at_is_asked_about(chat: Chat, question: str) -> None:
    listed = chat.say("house loops around 123")["hits"]
    assert len(listed) > 1
    out = chat.say(question)
    text = answer(out)
    assert "“it”" in text
    assert "compared nothing" in text
    assert "Mix check" not in text
    # the mix specialist was asked, and with nothing to compare it asks for the files
    assert out["plan"].specialists == ["compatibility"]


def test_a_first_turn_about_it_goes_to_the_mix_specialist_which_asks(chat: Chat) -> None:
    out = chat.say("will it mix with my other loop?")
    assert out["plan"].specialists == ["compatibility"]
    assert "compared nothing" in answer(out)
    # asked again, the answer names what it still cannot resolve in the user's words
    again = answer(chat.say("will it mix with my other loop?"))
    assert "no sample in this conversation yet" not in again
    assert "“it”" in again


def test_naming_both_sides_compares_them(chat: Chat) -> None:
    chat.say("house loops around 123")
    out = chat.say("does the first one mix with the third one?")
    assert "compatibility" in out["plan"].specialists
    assert len(out["request"].samples) == 2
    assert "Mix check" in answer(out)
