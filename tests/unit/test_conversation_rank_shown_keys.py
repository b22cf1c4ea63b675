"""Ranking the list shown by key brightness (outside trial over the demo library: "which
has the darkest key?" put F# major before Bb major, against the rule the answer states
(more sharps brighter), then printed "None of the 1 listed ..." under the pick, and "the
brightest one" was not ranked at all).

The pick is one of the list as it was shown, even when the search behind that list had
to relax a filter (the closest tempos) to find it; a superlative with "the" and no noun
in the plural picks from the list without a "which"."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import key_brightness
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer, hit_names

# Slow dub loops only: a search "at 120" finds nothing at its tempo and shows the closest.
ROWS = [
    ("dub_plate_a", "F# major", 70.0),
    ("dub_plate_b", "Bb major", 71.0),
    ("dub_plate_c", "C minor", 72.0),
    ("dub_plate_d", "G major", 69.0),
]


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                name,
                key=key,
                genre="dub",
                era="80s",
                tempo_bpm=bpm,
                swing_percent=55.0,
                backbeat_lag_ms=6.0,
            )
            for i, (name, key, bpm) in enumerate(ROWS)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


def test_sharps_named_in_the_key_count_as_sharps() -> None:
    # F# major carries six sharps as it is named: brighter than every other major key
    assert key_brightness("F# major") > key_brightness("B major") > key_brightness("Bb major")
    assert key_brightness("Eb minor") < key_brightness("Bb minor")


def _shown(chat: Chat) -> list[str]:
    out = chat.say("dub loops at 120 bpm")
    assert "closest tempos" in answer(out)  # the list is the search's near matches
    return hit_names(out)


def test_darkest_pick_follows_the_stated_rule_and_stays_shown(chat: Chat) -> None:
    assert len(_shown(chat)) == 4
    out = chat.say("which has the darkest key?")
    text = answer(out)
    assert text.startswith("Darkest key of the 4 listed: dub_plate_c.wav in C minor")
    # then the majors, flats before sharps: Bb, then G, then F# last
    then = text.split("(then ", 1)[1]
    assert then.index("Bb major") < then.index("G major") < then.index("F# major")
    assert hit_names(out) == ["dub_plate_c.wav"]
    assert "none of the" not in text.lower()


@pytest.mark.parametrize("ask", ["the brightest one", "and the brightest?"])
def test_a_bare_superlative_ranks_the_list(chat: Chat, ask: str) -> None:
    _shown(chat)
    out = chat.say(ask)
    assert answer(out).startswith("Brightest key of the 4 listed: dub_plate_a.wav in F# major")
    assert hit_names(out) == ["dub_plate_a.wav"]


def test_a_plural_superlative_is_no_pick(chat: Chat) -> None:
    _shown(chat)
    out = chat.say("the darkest loops you have")
    assert not answer(out).startswith("Darkest key of")
