"""Defects a development set of producer conversations (evals/fourth_set) found in the
offline understanding, each in new wording on the real offline graph over a small tagged
catalog: a relative tempo move from a searched tempo, a swing amount written as a number,
and drum one-shots asked for a loop (no tempo, and no key, to match)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import offline_graph, one_shot_record
from tests.chat import Chat
from tests.unit.test_understanding_trial_defects import (  # noqa: F401
    DISCO,
    ROWS,
    SHOT_808,
    SNARES,
    graph,
)

DISCO_ID = DISCO["id"]


def test_a_bit_slower_after_around_a_tempo_starts_below_that_tempo(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    first = chat.say("show me funk loops around 104 bpm")
    assert first["hits"]
    out = chat.say("got anything a touch slower?")
    req = out["request"]
    assert req.bpm_max is not None
    assert 103.0 <= req.bpm_max < 104.0
    tempi = [h.tempo_bpm for h in out["hits"]]
    # the band starts just below the 104 asked for (the old band started below the whole
    # ±5 % window, at 98.8); the 103 and 102 BPM loops in it were listed already, so the
    # loops not seen yet come (test_conversation_slower_not_shown)
    assert tempi
    assert {103.0, 102.0} <= {h.tempo_bpm for h in first["hits"]}
    assert not {h.sample_id for h in first["hits"]} & {h.sample_id for h in out["hits"]}
    assert all(t < 104.0 for t in tempi)


def test_any_faster_after_around_a_tempo_starts_just_above_it(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    first = chat.say("funk around 100")
    out = chat.say("any quicker?")
    req = out["request"]
    assert req.bpm_min is not None
    assert 100.0 < req.bpm_min < 101.0
    tempi = [h.tempo_bpm for h in out["hits"]]
    assert tempi
    # 101-105 BPM were listed around 100: the nearest faster loop not seen yet comes first
    assert max(h.tempo_bpm for h in first["hits"]) == pytest.approx(105.0)
    assert min(tempi) == pytest.approx(106.0)


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("boom bap with more swing, 58 and up", 58.0, None),
        ("jazz loops that swing 64% or more", 64.0, None),
        ("funk with swing under 54%", None, 54.0),
        ("soul loops at 85 bpm with about 57% swing", 55.0, 59.0),
    ],
)
def test_a_swing_amount_written_as_a_number_is_swing_not_tempo(
    text: str, lo: float | None, hi: float | None
) -> None:
    req = parse_request(text)
    assert (req.swing_min, req.swing_max) == (lo, hi)
    assert req.swing_words
    if "bpm" not in text:
        assert req.bpm_min is None
        assert req.bpm_max is None
        assert req.target_bpm is None


def test_a_number_after_a_noun_is_still_a_tempo() -> None:
    req = parse_request("swung loops over 70")
    assert req.swing_min != 70.0
    assert req.target_bpm == 70.0


def test_swing_amount_follow_up_narrows_the_search(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("boom bap loops please")
    out = chat.say("only ones with more swing, 61.5 and up")
    assert out["request"].genres == ["boom bap"]
    assert out["request"].bpm_min is None
    assert [h.swing_percent for h in out["hits"]] == [62.0]


def test_a_drum_one_shot_for_a_loop_ignores_its_tempo_and_key(graph) -> None:  # noqa: F811
    out = Chat(graph).say("gimme a snare that works with this", samples=[DISCO_ID])
    assert {h.sample_id for h in out["hits"]} == {"5b0700000000f002", "5b0700000000f003"}


def test_an_unpitched_follow_up_drops_the_key_the_last_one_shot_search_carried(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("what key is this one in?", samples=[DISCO_ID])
    first = chat.say("find an 808 that fits it")
    assert [h.sample_id for h in first["hits"]] == ["5b0700000000f001"]
    out = chat.say("cool, plus a snare")
    assert out["request"].keys == []
    assert {h.sample_id for h in out["hits"]} == {"5b0700000000f002", "5b0700000000f003"}


def test_from_any_decade_lifts_the_era_the_search_carried(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("soul loops from the 70s")
    out = chat.say("ok and in C major, from whatever era?")
    req = out["request"]
    assert req.eras == []
    assert req.keys == ["C major"]
    assert [h.sample_id for h in out["hits"]] == ["7e57000000000021"]  # the 60s one


def test_any_genre_lifts_the_genre_but_a_named_one_stays(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("trap loops in F minor")
    out = chat.say("same key but any style")
    assert out["request"].genres == []
    assert {h.tags.genre for h in out["hits"]} >= {"trap", "drum and bass"}


def test_each_points_at_the_samples_under_discussion(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("do these two work together?", samples=[DISCO_ID, "7e57000000000030"])
    out = chat.say("key of each?")
    assert out["plan"].specialists == ["groove"]
    assert set(out["request"].samples) == {DISCO_ID, "7e57000000000030"}


def test_a_key_written_as_in_x_stays_exact_when_the_mix_is_with_a_sample(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("808s in F?")
    out = chat.say("sick, now some trap loops in F minor that'll sit with it")
    assert [h.key for h in out["hits"]] == ["F minor"]  # not the C minor one next door


def test_loops_that_go_with_a_key_still_widen_to_its_neighbours(graph) -> None:  # noqa: F811
    out = Chat(graph).say("trap loops that go with F minor")
    assert "C minor" in {h.key for h in out["hits"]}


def test_a_pitched_one_shot_for_a_loop_is_on_the_loops_tonic(settings: Settings) -> None:
    other = one_shot_record("5b0700000000f009", "808_B1.wav", "bass", "B1", tag="bass")
    frame = cat.concat_frames(
        [pd.DataFrame([*ROWS, DISCO]), cat.records_to_frame([SHOT_808, other, *SNARES])]
    )
    two_808s = offline_graph(frame, settings=settings)
    # the disco loop is in F minor: the F 808, not the B one (a tritone away)
    out = Chat(two_808s).say("an 808 that would fit this?", samples=[DISCO_ID])
    assert [h.sample_id for h in out["hits"]] == ["5b0700000000f001"]


def test_loops_in_those_keys_after_a_list_of_mixing_keys(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("which keys work with F minor for mixing?")
    out = chat.say("cool, any trap loops in one of those?")
    assert out["request"].keys == ["F minor"]
    assert out["request"].compatible
    keys = {h.key for h in out["hits"]}
    assert "F minor" in keys
    assert keys <= {"F minor", "C minor", "Bb minor", "Ab major"}
