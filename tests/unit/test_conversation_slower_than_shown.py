""" "Something slower" measured from what the user saw (outside trial over the demo
library: after a search around 100 that could only show loops at 120 and up, "something
slower" searched a band under 100, found nothing of that style and said so; after loops
found to mix with a loop of the user's, "slower ones?" searched a band that left out the
slower mixing loops).

The rule: a move goes past the list shown when that list lies wholly on the far side of
the tempo asked for (slower than the slowest one shown, down to the range asked), a
search made for a sample moves from that sample's tempo, and when the other filters leave
nothing in the moved band, the nearest matches in it are shown with the filter relaxed
named, rather than nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

_STYLES = (
    ("garage", (121.0, 123.0, 125.0, 127.0), "A minor"),
    ("rare groove", (92.0, 96.0, 99.0, 103.0, 108.0, 113.0), "D minor"),
    ("grime", (138.0, 140.0, 141.0, 142.0), "A minor"),
    ("grime", (128.0, 133.0), "E minor"),
)


def _library() -> pd.DataFrame:
    rows = []
    for genre, tempi, key in _STYLES:
        for bpm in tempi:
            rows.append(
                loop_row(
                    f"{len(rows) + 1:016x}",
                    f"{genre.replace(' ', '_')}_{int(bpm)}",
                    key=key,
                    genre=genre,
                    era="00s",
                    tempo_bpm=bpm,
                    swing_percent=53.0,
                    backbeat_lag_ms=2.0,
                )
            )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


def test_slower_than_a_list_that_sat_above_the_tempo_asked(chat: Chat) -> None:
    first = chat.say("garage loops around 100 bpm")
    shown = [h.tempo_bpm for h in first["hits"]]
    assert shown
    assert min(shown) > 110  # nothing near 100: the closest tempos were shown
    out = chat.say("something slower")
    hits = out["hits"]
    assert hits, answer(out)
    assert all(h.tempo_bpm < min(shown) for h in hits)
    # nothing garage is slower: the answer says the genre was relaxed
    assert "garage" in answer(out).split("\n", 1)[0]
    assert out["request"].bpm_max is not None
    assert out["request"].bpm_max < min(shown)


def test_slower_after_loops_found_for_a_sample_is_slower_than_that_sample(
    chat: Chat,
) -> None:
    mine = "000000000000000e"  # grime_142, A minor
    chat.say("what key is this in?", samples=[mine])
    first = chat.say("find grime loops in a key that mixes with it")
    assert {h.key for h in first["hits"]} <= {"A minor", "E minor"}
    out = chat.say("slower ones?")
    hits = out["hits"]
    assert hits, answer(out)
    assert all(h.tempo_bpm < 142.0 for h in hits)
    # the slower mixing loops listed already (138-141) are not offered again: the one
    # not seen yet is (test_conversation_slower_not_shown)
    assert {h.tempo_bpm for h in first["hits"]} >= {140.0, 141.0}
    assert {h.tempo_bpm for h in hits} == {128.0}
