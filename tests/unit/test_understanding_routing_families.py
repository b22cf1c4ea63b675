"""Routing families found on the tune split (issue 10), each checked on wording of its
own: what a message asks decides the specialists, whatever the classifier leans to."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _specialists(text: str, attached: int = 0) -> list[str]:
    samples = ["Funk/70s/gritty_funk_03_97bpm_Em.wav", "Boom Bap/90s/raw_boombap_07_90bpm_Am.wav"]
    request = get_offline().understand(
        text, attached=samples[:attached], conversation=Conversation()
    )
    return list(request.specialists)


@pytest.mark.parametrize(
    "text",
    [
        "could a 70 bpm dub loop sit under a 140 grime beat or is that silly",
        "thinking of layering an 86 bpm loop with a 172 jungle break, any good?",
        "is 85 into 170 workable, you know, double time into jungle",
        "how would i get from 80 bpm reggae into 160 dnb in a set",
        "one loop is at 96 bpm in A minor, the other one is 100 in C major. will that work?",
    ],
)
def test_two_tempi_set_against_each_other_are_a_mixing_question(text: str) -> None:
    assert _specialists(text) == ["compatibility"]


@pytest.mark.parametrize(
    "text",
    [
        "mellow soul, minor key, 88 to 94",
        "loops at 92 or 95 bpm, soul or jazz",
        "pull two soul loops at 80 bpm and two at 100",
        "reggae loops from 70 to 140",
    ],
)
def test_a_tempo_range_or_list_to_search_stays_a_search(text: str) -> None:
    assert _specialists(text) == ["discovery"]


@pytest.mark.parametrize(
    "text",
    [
        "philly vs detroit drums in the 70s, how did they differ?",
        "a quick rundown of 60s latin jazz please: what was the percussion doing?",
        "my friend booked me for a jungle night, not my usual scene. help me understand what"
        " made 90s jungle drumming so busy",
    ],
)
def test_a_history_question_about_a_styles_drums_asks_for_no_search(text: str) -> None:
    assert _specialists(text) == ["era"]


@pytest.mark.parametrize(
    "text",
    [
        "tell me about 70s funk drumming and show me some funk breaks",
        "how did 90s jungle drums sound? any jungle loops in my crates?",
    ],
)
def test_a_history_question_beside_a_search_keeps_both(text: str) -> None:
    assert _specialists(text) == ["era", "discovery"]


@pytest.mark.parametrize(
    ("text", "attached", "want"),
    [
        # a claim about a style checked beside a search
        (
            "a mate reckons all house is at 128, is that true? show me any house I've got"
            " under 120",
            0,
            ["era", "discovery"],
        ),
        (
            "heard every dub tune is in a minor key. true? pull up any major dub i have",
            0,
            ["era", "discovery"],
        ),
        # which decade a sample sounds like, beside its measurement
        ("measure the swing on this and tell me if it's more 80s or 90s", 1, ["groove", "era"]),
        ("does this sound 80s?", 1, ["groove", "era"]),
        # the people behind a feel, asked after a measurement
        (
            "what's the tempo of this one? and who made that kind of shuffle famous",
            1,
            ["groove", "era"],
        ),
    ],
)
def test_a_question_about_a_styles_norms_or_decade_keeps_the_era_specialist(
    text: str, attached: int, want: list[str]
) -> None:
    assert _specialists(text, attached) == want


@pytest.mark.parametrize(
    "text", ["show me more 70s or 80s funk loops", "got anything more 60s or 70s"]
)
def test_more_of_two_decades_in_a_search_is_a_filter_not_a_question(text: str) -> None:
    assert _specialists(text) == ["discovery"]


def test_a_norms_question_about_the_sample_with_a_library_question_still_searches() -> None:
    text = "how fast is it, is that standard for garage, and do i have garage loops around there"
    assert _specialists(text, 1) == ["groove", "era", "discovery"]


@pytest.mark.parametrize(
    "text",
    [
        "dug this out of a charity shop crate, kinda sounds 70s i guess, what tempo is it?",
        "how tight is the hi-hat timing here, i want it to feel like premier",
    ],
)
def test_a_style_told_about_the_sample_asks_no_history(text: str) -> None:
    assert _specialists(text, 1) == ["groove"]


@pytest.mark.parametrize(
    "text", ["does this sound like 80s boogie to you?", "what decade does this sound like?"]
)
def test_a_question_about_how_the_sample_sounds_still_asks_its_era(text: str) -> None:
    assert _specialists(text, 1) == ["groove", "era"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("can you break down the camelot thing for a total beginner", ["compatibility"]),
        ("what even is harmonic mixing, why do djs care?", ["compatibility"]),
        (
            "disco loops in 5A near 118 please. btw is 5A the same as C minor?",
            ["compatibility", "discovery"],
        ),
        ("who came up with the camelot wheel in the first place?", ["era", "compatibility"]),
    ],
)
def test_a_question_about_the_key_system_goes_to_compatibility(text: str, want: list[str]) -> None:
    assert _specialists(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "i wanna make a beat in the style of 80s detroit techno, what techno loops in 4A do you have",
        "i want to chop something in the style of 70s philly soul, what soul loops in 5A have you got",
        "putting a reel together to trace how 70s funk turned into disco. pull up some 70s disco"
        " loops",
    ],
)
def test_a_style_described_or_a_purpose_told_beside_a_search_asks_no_history(text: str) -> None:
    assert _specialists(text) == ["discovery"]


def test_a_style_asked_about_beside_a_search_keeps_its_history() -> None:
    assert _specialists("tell me about the style of 70s funk and show me some funk breaks") == [
        "era",
        "discovery",
    ]
