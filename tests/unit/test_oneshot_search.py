"""Searching one-shots: kind, instrument and root filters in the catalog, and the agent's
discovery tool called with them by a scripted model ("find me a punchy kick", "an 808
in F")."""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage

from groovegraph.graph.offline import describe_hit
from groovegraph.graph.tools import _analysis_text
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.keys import parse_note
from tests.catalogs import catalog_frame, one_shot_record
from tests.chat import run
from tests.unit.test_graph_models import ScriptedChat, call, compile_with, route, said

SHOTS = [
    one_shot_record("a000000000000001", "punchy_kick.wav", "kick"),
    one_shot_record("a000000000000002", "snare_tight.wav", "snare"),
    one_shot_record("a000000000000003", "hh_closed.wav", "hat"),
    one_shot_record("a000000000000004", "808_F1.wav", "bass", "F1"),
    one_shot_record("a000000000000005", "808_Fs1.wav", "bass", "F#1"),
    one_shot_record("a000000000000006", "sub_F2.wav", "bass", "F2"),
    one_shot_record("a000000000000007", "rhodes_C4.wav", "keys", "C4"),
    # A file whose name says "kick" but whose analysis heard a tom: the tag wins.
    one_shot_record("a000000000000008", "kick_low.wav", "tom", tag="kick"),
]


@pytest.fixture
def mixed() -> pd.DataFrame:
    return cat.concat_frames([catalog_frame(), cat.records_to_frame(SHOTS)])


def ids(df: pd.DataFrame, **q: object) -> list[str]:
    return sorted(h.sample_id for h in cat.search(df, CatalogQuery(limit=200, **q)))  # type: ignore[arg-type]


def test_kind_splits_loops_from_one_shots(mixed: pd.DataFrame) -> None:
    shots = ids(mixed, kind="one_shot")
    loops = ids(mixed, kind="loop")
    assert shots == sorted(s.id for s in SHOTS)
    assert loops
    assert not set(shots) & set(loops)
    assert len(shots) + len(loops) == len(ids(mixed))


def test_instrument_filter_uses_tag_first_and_the_contract_names(mixed: pd.DataFrame) -> None:
    assert ids(mixed, kind="one_shot", instrument="kick") == [
        "a000000000000001",
        "a000000000000008",
    ]
    assert ids(mixed, instrument="hi-hat") == ["a000000000000003"]  # "hi-hat" → hat
    assert ids(mixed, instrument="tom") == []  # the tag "kick" won over the measured tom


def test_root_filter_by_pitch_class_or_exact_note(mixed: pd.DataFrame) -> None:
    assert ids(mixed, root_note="F") == ["a000000000000004", "a000000000000006"]
    assert ids(mixed, root_note="F1") == ["a000000000000004"]
    assert ids(mixed, root_note="Gb") == ["a000000000000005"]  # F# spelled flat
    with pytest.raises(InvalidQueryError, match=r"^root: not a note: .H2."):
        ids(mixed, root_note="H2")


def test_a_key_with_kind_one_shot_matches_roots_on_its_tonic(mixed: pd.DataFrame) -> None:
    assert ids(mixed, kind="one_shot", instrument="bass", key="F minor") == [
        "a000000000000004",
        "a000000000000006",
    ]
    # Without kind the key filter stays a key filter: one-shots have no key.
    assert not set(ids(mixed, key="F minor")) & {s.id for s in SHOTS}


def test_hits_carry_kind_instrument_and_root(mixed: pd.DataFrame) -> None:
    (hit,) = cat.search(mixed, CatalogQuery(root_note="F#1"))
    assert (hit.kind, hit.instrument, hit.root_note) == ("one_shot", "bass", "F#1")
    assert hit.tempo_bpm is None
    assert "one-shot bass F#1" in hit.reason


def test_a_listed_one_shot_says_what_it_is_not_empty_tempo_slots(mixed: pd.DataFrame) -> None:
    # the answer's result line for a one-shot has no tempo or swing to show: it names the
    # kind, the instrument and (pitched) the root, never an empty field between dashes
    (tonal,) = cat.search(mixed, CatalogQuery(root_note="F#1"))
    line = describe_hit(1, tonal)
    assert "`808_Fs1.wav` [a000000000000005] — one-shot bass, root F#1 (score" in line
    (hat,) = cat.search(mixed, CatalogQuery(kind="one_shot", instrument="hat"))
    line = describe_hit(2, hat)
    assert "[a000000000000003] — one-shot hat (score" in line
    assert "—  " not in line
    assert "BPM" not in line
    assert "swing" not in line


def test_parse_note() -> None:
    assert parse_note("F#1") == (6, 1)
    assert parse_note("bb") == (10, None)
    with pytest.raises(InvalidQueryError):
        parse_note("F minor")


def test_one_shot_analysis_text_has_no_tempo() -> None:
    text = _analysis_text("x", SHOTS[3].analysis)  # type: ignore[arg-type]
    assert "one-shot bass (root F1)" in text
    assert "BPM" not in text


@pytest.mark.parametrize(
    ("message", "args", "expected"),
    [
        (
            "find me a punchy kick",
            {"kind": "one_shot", "instrument": "kick", "vibe": None},
            ["a000000000000001", "a000000000000008"],
        ),
        (
            "an 808 in F",
            {"kind": "one_shot", "instrument": "bass", "root_note": "F"},
            ["a000000000000004", "a000000000000006"],
        ),
        (
            "an 808 in F minor",
            {"kind": "one_shot", "instrument": "808", "key": "F minor"},
            ["a000000000000004", "a000000000000006"],
        ),
    ],
)
def test_the_discovery_tool_takes_kind_instrument_and_root(
    settings: Settings, mixed: pd.DataFrame, message: str, args: dict, expected: list[str]
) -> None:
    args = {k: v for k, v in args.items() if v is not None}
    model = ScriptedChat(
        script={
            "router": [route("discovery")],
            "discovery": [
                AIMessage(content="", tool_calls=[call("search_catalog", args)]),
                said("Here they are."),
            ],
            "respond": [said("Here they are.")],
        }
    )
    graph = compile_with(model, settings, mixed)
    out = run(graph, message)
    assert sorted(h.sample_id for h in out["hits"]) == expected
    assert all(h.kind == "one_shot" for h in out["hits"])
