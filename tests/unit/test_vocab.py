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
        # drum machines, breaks, artists are no genre slot (outside trial: "SP-1200",
        # "MPC", "TR-808", "J Dilla" and "DJ Premier" searched genres nobody asked for)
        ("find me amen breaks at 170", []),
        ("gated reverb snares", []),
        ("SP-1200 loops", []),
        ("loops with an MPC feel", []),
        ("TR-808 drums", []),
        ("J Dilla style loops", []),
        ("hip hop like DJ Premier", ["hip hop"]),
        ("drum & bass rollers", ["drum and bass"]),
        ("some hip-hop and DnB", ["hip hop", "drum and bass"]),
        ("what did dj premier do", []),
    ],
)
def test_parser_genres_whole_words(text: str, genres: list[str]) -> None:
    assert parse_request(text).genres == genres


def test_amen_means_the_same_in_parser_knowledge_and_catalog() -> None:
    parsed = parse_request("tell me about the amen break")
    table = {f.genre for f in lookup_facts(text="tell me about the amen break")}
    assert parsed.genres == []  # a break is no genre filter; the era answer reads it
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


def test_alternation_matches_whole_words_spaces_and_open_endings() -> None:
    mix = vocab.word_pattern(["mix*", "next to", "one shot"])
    assert [m.group(0) for m in mix.finditer("mixing, next-to, one_shot")] == [
        "mixing",
        "next-to",
        "one_shot",
    ]
    assert mix.search("a remix of the premix") is None  # no word inside another


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("A minor into F#m, then 8A", ["A minor", "F# minor", "8A"]),
        ("something in the key of Bb", ["Bb major"]),
        ("Am I doing this right?", []),
        ("the camelot code for a minor", ["A minor"]),  # typed in lower case
        ("does e minor mix with bb major", ["E minor", "Bb major"]),
        ("any in a minor key?", []),  # a mode
        ("just a minor tweak", []),
        ("a loop at 128 bpm", []),
    ],
)
def test_find_keys(text: str, keys: list[str]) -> None:
    assert [k for _, k in vocab.find_keys(text)] == keys


def test_find_eras_reads_decades_words_years_and_parts() -> None:
    found = vocab.find_eras("late 70s, the nineties, 1975 and early 2000s")
    assert [m.era for m in found] == ["70s", "90s", "70s", "00s"]
    assert [m.years for m in found] == [(1976, 1979), (), (1975,), (2000, 2003)]


@pytest.mark.parametrize(
    ("text", "words", "lo"),
    [
        ("heavy swing please", ["heavy swing"], 62.0),
        ("laid-back and lazy", ["laid-back", "lazy"], 54.0),
        ("dead straight, no swing", ["straight", "no swing"], 50.0),
        ("a shuffling groove", ["shuffling"], 55.0),
        ("nothing about feel", [], None),
    ],
)
def test_find_swing(text: str, words: list[str], lo: float | None) -> None:
    got, swing_min, _ = vocab.find_swing(text)
    assert (got, swing_min) == (words, lo)


def test_negation_question_form_and_ordinals() -> None:
    text = "funk loops but not house, no 90s"
    assert vocab.negated_at(text, text.index("house"))
    assert vocab.negated_at(text, text.index("90s"))
    assert not vocab.negated_at(text, text.index("funk"))
    assert vocab.is_question("so what's the key")
    assert vocab.is_question("the key of this?")
    assert not vocab.is_question("find me funk loops")
    assert vocab.ordinal_rank("second-to-last") == -2
    assert vocab.ordinal_rank("Three") == 3
    assert vocab.ordinal_rank("blue") == 0


@pytest.mark.parametrize("word", ["blend", "layer", "neighbours", "go with", "camelot"])
def test_every_mixing_word_reads_as_a_mixing_question(word: str) -> None:
    # The parser's clause intents are built from vocab.MIX_WORDS, not a list of their own.
    assert parse_request(f"does A minor {word} C major?").intents == ["compatibility"]
