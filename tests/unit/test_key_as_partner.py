"""A key named as what the loops are set against ("which of those would go into 8A", "any
of them work with C major?", "ones that clash with 5B") is a mix with that key: the search
lists the keys that mix with it (or clash with it), not that key alone. Only "mix" and
"compatible" read so before; "go into 8A" listed the A minor loops only (lead's
self-trial). "only the ones in 8A" stays that key."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.keys import camelot
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat

KEYS = ("A minor", "C major", "E minor", "D minor", "Eb minor", "F# major")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}ca3e{i:08d}",
                path=f"/lib/disco_{i:02d}.wav",
                sha256=f"{i + 71:064x}",
                genre="disco",
                era="70s",
                tempo_bpm=117.0 + (i % 3),
                swing_percent=51.0,
                timing_deviation_ms=5.0,
                backbeat_lag_ms=2.0,
                key=k,
            )
            for i, k in enumerate(KEYS)
        ]
    )


MIXES_WITH_8A = {"A minor", "C major", "E minor", "D minor"}  # 8A, 8B, 9A, 7A


@pytest.mark.parametrize(
    "ask",
    [
        "which of those would go into 8A",
        "any of them work with 8A?",
        "which of these fit with A minor",
        "ones that sit well with 8A?",
    ],
)
def test_a_key_to_go_with_lists_the_keys_that_mix(settings: Settings, ask: str) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("70s disco loops around 118")
    out = chat.say(ask)
    keys = {h.key for h in out["hits"]}
    assert keys == MIXES_WITH_8A


def test_ones_that_clash_with_a_key_are_the_far_keys(settings: Settings) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("70s disco loops around 118")
    out = chat.say("which ones clash with 8A")
    keys = {h.key for h in out["hits"]}
    assert keys
    assert not keys & MIXES_WITH_8A
    assert all(camelot(k) not in {"8A", "8B", "7A", "9A"} for k in keys)


def test_in_a_key_is_still_that_key(settings: Settings) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("70s disco loops around 118")
    out = chat.say("only the ones in 8A")
    assert {h.key for h in out["hits"]} == {"A minor"}


@pytest.mark.parametrize(
    "ask", ["and which ones clash", "now show the ones that clash", "ok the clashing ones"]
)
def test_which_ones_clash_after_a_key_search_keeps_the_search(settings: Settings, ask) -> None:
    # the list narrowed to the keys that clash with the key of the last search (before,
    # "and which ones clash" dropped every filter and listed the whole library)
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("70s disco loops around 118")
    chat.say("which of those would go into 8A")
    out = chat.say(ask)
    assert out["request"].genres == ["disco"]
    keys = {h.key for h in out["hits"]}
    assert keys
    assert not keys & MIXES_WITH_8A


@pytest.mark.parametrize(
    "text",
    ["which of those would blend with mine", "both of them - do they mix?", "do they clash"],
)
def test_a_mix_question_with_its_partner_named_narrows_no_list(text: str) -> None:
    # "which ones clash" narrows the list to the clashing keys; a mix question that names
    # what they mix with (or asks it of the two at hand) is that question, not a narrowing
    from groovegraph.graph import followups
    from groovegraph.graph.parser import parse_request

    assert not followups.is_filter_followup(text, parse_request(text))
