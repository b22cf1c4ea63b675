"""A search for loops whose backbeat sits like a given loop's (an outside tester's "laid back
snare like this one"): the whole list in order of how near each backbeat lag is, and the
thread's recap says what the search started from."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

LAGS = [30.0, 25.0, 20.0, 12.0, 8.0, -5.0, 16.0, 2.0, 0.0, -10.0, 22.0]
ROWS = [
    numbered_loop(i, "funk", "70s", 90.0 + i, "A minor", backbeat_lag_ms=lag, swing_percent=55.0)
    for i, lag in enumerate(LAGS, 1)
]
REFERENCE = ROWS[0]  # +30 ms: laid back


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("how laid back is this snare?", samples=[str(REFERENCE["id"])])
    return chat


def test_every_hit_is_ranked_by_how_near_its_backbeat_sits(chat: Chat) -> None:
    # Before, the closeness fell to 0 past ~12 ms, so from the fourth hit on the list was
    # in file-name order (-5 ms above +2 ms, +16 ms below +8 ms).
    hits = chat.say("laid back snare like this one")["hits"]
    lags = [h.backbeat_lag_ms for h in hits]
    assert len(hits) == 10
    assert lags == sorted(lags, key=lambda lag: abs(lag - 30.0))


def test_the_recap_says_what_a_pocket_search_started_from(chat: Chat) -> None:
    chat.say("laid back snare like this one")
    recap = answer(chat.say("what were we talking about?"))
    search = next(line for line in recap.splitlines() if "hit(s)" in line)
    assert "no filters" not in search  # what the recap said before
    assert "backbeat like funk_70s_01.wav" in search
