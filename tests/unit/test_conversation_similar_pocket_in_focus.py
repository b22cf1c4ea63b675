"""A backbeat asked "similar" / "the same" with no sample attached this turn is the
pocket of the loop under discussion: loops ranked by how near their backbeat lag is to
it, not a swing band (outside tester: "find me loops with a similar laid back snare"
after their break was analysed searched swing 54-66 %)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "d1a9"
LAGS = [24.0, 3.0, 26.0, -8.0, 15.0, 0.0, 21.0]
ROWS = [
    numbered_loop(
        i,
        "soul",
        "70s",
        88.0 + i,
        None,
        tag=_TAG,
        backbeat_lag_ms=lag,
        swing_percent=51.0 if i % 2 else 62.0,
    )
    for i, lag in enumerate(LAGS, 1)
]
MINE = str(ROWS[0]["id"])


@pytest.mark.parametrize(
    "phrase",
    ["any loops with the same lazy backbeat?", "show me grooves with similarly dragging snares"],
)
def test_similar_backbeat_is_ranked_by_the_focus_loop(settings: Settings, phrase: str) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("where does the snare sit on my drum loop?", samples=[MINE])
    out = chat.say(phrase)
    assert out["request"].pocket, out["request"]
    lags = [h.backbeat_lag_ms for h in out["hits"]]
    assert len(lags) == len(LAGS) - 1, answer(out)
    assert lags == sorted(lags, key=lambda lag: abs(lag - 24.0)), answer(out)
