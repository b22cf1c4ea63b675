"""The shared vocabulary: whole-word matching, one meaning per word everywhere."""

from __future__ import annotations

import pytest

from groovegraph.graph.knowledge import lookup_facts
from groovegraph.graph.parser import parse_request
from groovegraph.tools import vocab
from groovegraph.tools.catalog import normalize_tag


@pytest.mark.parametrize(
    ("text", "genres"),
    [
        ("aggregated drum stats", []),
        ("the amendments to my crate", []),
        ("trapped in the studio", []),
        ("find me amen breaks at 170", ["breakbeat", "jungle"]),
        ("gated reverb snares", ["pop"]),
        ("drum & bass rollers", ["drum and bass"]),
        ("some hip-hop and DnB", ["hip hop", "drum and bass"]),
        ("what did dj premier do", ["boom bap"]),
    ],
)
def test_parser_genres_whole_words(text: str, genres: list[str]) -> None:
    assert parse_request(text).genres == genres


def test_amen_means_the_same_in_parser_knowledge_and_catalog() -> None:
    parsed = parse_request("tell me about the amen break")
    table = {f.genre for f in lookup_facts(text="tell me about the amen break")}
    assert set(parsed.genres) == {"breakbeat", "jungle"}
    assert table == {"breakbeat", "jungle"}
    # A catalog tag spelled like a genre variant folds onto the same canonical genre.
    assert normalize_tag("Breakbeats") == "breakbeat"
    assert normalize_tag("Drum & Bass") == "drum and bass"
    assert normalize_tag("Hip-Hop") == "hip hop"


def test_knowledge_entities_need_whole_words() -> None:
    assert lookup_facts(text="aggregated amendments") == []
    assert {f.genre for f in lookup_facts(text="gated reverb drums")} == {"pop"}


@pytest.mark.parametrize(
    ("text", "instrument", "kind"),
    [
        ("find me a punchy kick", "kick", "one_shot"),
        ("an 808 in F", "bass", "one_shot"),
        ("crispy hi-hat loops", "hat", "loop"),
        ("drum and bass loops at 174", None, "loop"),
        ("which keys mix with A minor?", None, None),
        ("a snare one-shot", "snare", "one_shot"),
    ],
)
def test_instrument_and_kind(text: str, instrument: str | None, kind: str | None) -> None:
    found = vocab.find_instrument(text)
    assert found == instrument
    assert vocab.find_kind(text, instrument=found) == kind


def test_808_sound_is_not_the_drum_machine() -> None:
    assert vocab.find_entities("an 808 in F") == []
    found = [g for _, g in vocab.find_entities("what did the 808 drum machine change")]
    assert found[0] == ("electro", "trap")
