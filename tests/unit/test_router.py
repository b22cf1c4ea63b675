"""Offline routing: the labelled dataset and the request parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from groovegraph.graph.offline import plan_stages, route_request
from groovegraph.graph.parser import find_sample_refs, parse_request
from groovegraph.graph.understanding import Conversation, get_offline

DATASET = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "routing.jsonl"


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATASET.read_text().splitlines() if line.strip()]


def test_dataset_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 60
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["specialists"] == sorted(set(r["specialists"]))
        assert set(r["specialists"]) <= {"groove", "era", "compatibility", "discovery"}
    # multi-intent requests are part of the set, not an afterthought
    assert sum(len(r["specialists"]) >= 2 for r in rows) >= 12


def _understood(text: str, samples: list[str] | None = None) -> list[str]:
    request = get_offline().understand(text, attached=samples or [], conversation=Conversation())
    return sorted(request.specialists)


def test_offline_routing_accuracy_on_labelled_set() -> None:
    # The classifier trained on this set among others: a regression check, not a score.
    rows = _rows()
    wrong = []
    for r in rows:
        got = _understood(r["input"], r.get("samples", []))
        if got != r["specialists"]:
            wrong.append((r["id"], r["input"], r["specialists"], got))
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is 4A to 5A fine?", ["compatibility"]),
        ("yo, what bpm is sample 9f8e7d6c5b4a?", ["groove"]),
        ("could you dig out a couple of reggae one drop loops?", ["discovery"]),
        ("what were 60s Motown tempos like", ["era"]),
        ("What does my collection look like, by era?", ["era"]),
        ("good morning", []),
    ],
)
def test_unseen_phrasings(text: str, expected: list[str]) -> None:
    assert _understood(text) == expected
    # the older rules still read these the same way
    assert sorted(route_request(parse_request(text)).specialists) == expected


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("loops 90-100", {"bpm_min": 90.0, "bpm_max": 100.0, "target_bpm": 95.0}),
        ("between 100 and 108 bpm", {"bpm_min": 100.0, "bpm_max": 108.0}),
        ("around 96", {"target_bpm": 96.0, "bpm_min": 91.2, "bpm_max": 100.8}),
        ("~120bpm house", {"target_bpm": 120.0, "genres": ["house"]}),
        (
            "half-time trap drums at 140",
            {"target_bpm": 140.0, "half_double": True, "genres": ["trap"]},
        ),
        ("something in A minor", {"keys": ["A minor"], "camelot": ["8A"]}),
        ("Am loops", {"keys": ["A minor"]}),
        ("F#m please", {"keys": ["F# minor"], "camelot": ["11A"]}),
        ("8A into 9A", {"keys": ["A minor", "E minor"], "camelot": ["8A", "9A"]}),
        ("Bb major at 100", {"keys": ["Bb major"], "target_bpm": 100.0}),
        ("Am I able to search?", {"keys": []}),
        ("70s funk", {"eras": ["70s"], "genres": ["funk"]}),
        ("late 90s jungle", {"eras": ["90s"], "years": [1996, 1999], "genres": ["jungle"]}),
        ("the eighties", {"eras": ["80s"]}),
        ("a record from 1975", {"eras": ["70s"], "years": [1975]}),
        ("2010s trap", {"eras": ["10s"]}),
        ("swung hip-hop", {"swing_min": 55.0, "swing_max": 68.0, "genres": ["hip hop"]}),
        ("straight techno", {"swing_min": 50.0, "swing_max": 53.0}),
        ("a shuffle groove", {"swing_words": ["shuffle"]}),
        ("laid back soul", {"swing_words": ["laid back"], "genres": ["soul"]}),
        ("give me 5 jazz loops", {"limit": 5, "bpms": []}),
        ("will it sit with a 62 bpm loop", {"bpms": [62.0], "limit": None}),
        ("Do 96 and 128 bpm work together", {"bpms": [96.0, 128.0]}),
        ("5A at 124 into 7B at 128", {"bpms": [124.0, 128.0], "camelot": ["5A", "7B"]}),
        ("drum & bass 172-176", {"genres": ["drum and bass"], "bpm_min": 172.0, "bpm_max": 176.0}),
    ],
)
def test_parser_fields(text: str, fields: dict[str, Any]) -> None:
    parsed = parse_request(text)
    for name, value in fields.items():
        assert getattr(parsed, name) == value, (name, parsed)


def test_sample_references_inline_and_attached() -> None:
    text = "compare loops/funk/break 01.wav with sample 3f2a9b0c71de and #9e8d7c"
    assert find_sample_refs(text) == ["loops/funk/break 01.wav", "3f2a9b0c71de", "9e8d7c"]
    # English words made of hex letters are not ids
    assert find_sample_refs("a faded decade of added beef") == []
    parsed = parse_request("how swung is this?", samples=["abc123def456"])
    assert parsed.samples == ["abc123def456"]
    assert "analyze" in parsed.intents


def test_dependent_specialists_run_after_groove() -> None:
    assert plan_stages(["groove", "compatibility", "discovery"], has_samples=True) == [
        ["groove"],
        ["compatibility", "discovery"],
    ]
    assert plan_stages(["era", "discovery"], has_samples=False) == [["era", "discovery"]]
    assert plan_stages([], has_samples=False) == []


def test_a_search_for_loops_that_go_with_a_sample_is_also_a_mixing_question() -> None:
    # The understanding set's labels: "find me loops that mix with it" needs the search and
    # the mixing specialist ("go with" is a mixing word like "goes with"; the older rules
    # read only a search here).
    text = "I want loops that go with kicks/heavy_kick.wav"
    assert _understood(text) == ["compatibility", "discovery", "groove"]


@pytest.mark.parametrize(
    ("text", "samples", "expected"),
    [
        # nothing but sounds asked for, however short
        ("hats", [], ["discovery"]),
        ("gimme some dusty snares", [], ["discovery"]),
        ("analyse my break", [], ["groove"]),  # the user's own audio, not a search
        # a question about gear or people, and a search after it
        ("linndrum or 909 for house? and find me some house loops", [], ["discovery", "era"]),
        # stretching the sample to a tempo is a tempo-compatibility question
        ("speed this up to 100, how much % is that", ["fz/a.wav"], ["compatibility", "groove"]),
        ("thanks a lot", [], []),
    ],
)
def test_general_cues(text: str, samples: list[str], expected: list[str]) -> None:
    assert _understood(text, samples) == expected


# ------------------------------------------------------- clash: read once, by the understanding


@pytest.mark.parametrize(
    ("text", "clash"),
    [
        ("which breaks would clash with it", True),
        ("anything in my crates clashing with B minor?", True),
        ("loops that won't clash with it", False),
        ("drums in keys that mix with it, without clashing", False),
        ("find me loops that mix with G major", False),
    ],
)
def test_the_understanding_reads_a_clash_request_once(text: str, clash: bool) -> None:
    request = get_offline().understand(text, attached=["0a1b2c3d4e51"], conversation=Conversation())
    assert request.clash is clash


def test_the_search_plan_takes_clash_from_the_request_not_its_text() -> None:
    from groovegraph.graph.offline import plan_tool_calls
    from groovegraph.state import ParsedRequest

    def search_args(request: ParsedRequest) -> dict[str, Any]:
        (call,) = plan_tool_calls("discovery", request, samples=["s1"], result_count=5)
        return dict(call["args"])

    said = ParsedRequest(text="which ones clash with it", samples=["s1"], clash=False)
    assert "clash" not in search_args(said)  # the text is not matched again in the graph
    meant = ParsedRequest(text="pick the odd ones out", samples=["s1"], clash=True)
    assert search_args(meant)["clash"] is True


def test_a_router_models_clash_reading_reaches_the_request() -> None:
    from groovegraph.graph.understanding import from_reading
    from groovegraph.state import RequestReading

    reading = RequestReading(
        specialists=["compatibility", "discovery"], clash=True, about_analysed=True
    )
    request = from_reading(
        reading, text="the ones that fight it", attached=[], conversation=Conversation(focus=["s1"])
    )
    assert request.clash is True


# ------------------------------------------ cues the classifier weighs too lightly (issue 10)


@pytest.mark.parametrize(
    ("text", "attached", "expected"),
    [
        # a question or an explanation that names a style is no search
        ("explain what a breakbeat is", 0, ["era"]),
        ("who explained why 90s breaks were chopped so hard", 0, ["era"]),
        # a phrase that opens with a style and asks nothing is samples to find
        ("soul in keys that go with Bb major", 0, ["compatibility", "discovery"]),
        ("no more dub please", 0, ["discovery"]),
        ("blending techno at 130 into house at 124, pitch or stretch?", 0, ["compatibility"]),
        # mixing said other ways than "mix"
        ("do my two breaks lock together", 0, ["compatibility", "groove"]),
        (
            "what from my crates would go well with this",
            1,
            ["compatibility", "discovery", "groove"],
        ),
        # a later clause that asks for samples by a find verb
        (
            "analyse this one, then grab stuff in a compatible key",
            1,
            ["compatibility", "discovery", "groove"],
        ),
        # asking which keys mix with it is no search for samples
        ("tempo of this? and which keys would blend with it", 1, ["compatibility", "groove"]),
        # the user's own loop told by its key and tempo: nothing to analyse
        (
            "my beat's in G minor at 88, dig out compatible jazz loops",
            0,
            ["compatibility", "discovery"],
        ),
        # what the user means to do with it is not a request
        ("what's the tempo here, I'm trying to flip it into a beat", 1, ["groove"]),
    ],
)
def test_cues_beyond_the_classifier(text: str, attached: int, expected: list[str]) -> None:
    samples = [f"0a1b2c3d4e5{i}" for i in range(attached)]
    assert _understood(text, samples) == expected


@pytest.mark.parametrize(
    ("text", "attached", "expected"),
    [
        # the sample against a tempo or a key it is to play with
        ("gonna slide this under a 124 house groove, any good?", 1, ["compatibility", "groove"]),
        ("will loop_a.wav work over loop_b.wav", 0, ["compatibility", "groove"]),
        ("will this vocal shot sit in a D minor tune", 1, ["compatibility", "groove"]),
        # a sound to find for the sample at hand
        ("a rimshot one-shot for this loop", 1, ["discovery", "groove"]),
        # where a style comes from is a history question
        ("check this and tell me when that style began", 1, ["era", "groove"]),
        # the sample's own numbers, however many, are no question about styles
        ("the complete rundown on this one: bpm, key, feel, all of it", 1, ["groove"]),
    ],
)
def test_a_sample_against_a_tempo_a_style_origin_and_its_own_numbers(
    text: str, attached: int, expected: list[str]
) -> None:
    samples = [f"0a1b2c3d4e5{i}" for i in range(attached)]
    assert _understood(text, samples) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a history question that names drums or breaks asks for no search
        ("who played the congas on those old salsa records", ["era"]),
        ("what separates 80s boogie drums from disco", ["era"]),
        ("was the tr-909 used on early jungle records", ["era"]),
        # ... unless it asks for the user's own samples or says find
        ("what 70s funk loops do i have", ["discovery"]),
        ("what made 60s jazz drums swing so hard, find me some like that", ["discovery", "era"]),
    ],
)
def test_a_history_question_naming_drums_is_no_search(text: str, expected: list[str]) -> None:
    assert _understood(text) == expected


@pytest.mark.parametrize(
    "text", ["F minor into Ab major, smooth?", "2 loops: A minor and D major, will they mix?"]
)
def test_two_keys_set_against_each_other_are_a_mixing_question(text: str) -> None:
    assert _understood(text) == ["compatibility"]
