"""A follow-up that changes one constraint of the last search keeps the others.

Each case parses two turns the way the offline understanding does and merges the second
into the first (``followups.merge_filter``): what the user lifted, swapped, added or
turned the other way must change, the rest must stay.
"""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph import followups
from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import catalog_row, library_frame, offline_graph, one_shot_record
from tests.chat import Chat


def _merged(first: str, then: str):
    return followups.merge_filter(parse_request(first), parse_request(then))


def test_any_vibe_lifts_the_feel_and_keeps_the_style() -> None:
    merged = _merged("reggae loops from the 70s, mellow only", "ok any mood is fine, but the 80s")
    assert merged.vibes == []
    assert merged.eras == ["80s"]
    assert merged.genres == ["reggae"]


def test_any_key_lifts_the_key_and_keeps_the_tempo() -> None:
    merged = _merged("techno around 130 in 5A", "whatever key really")
    assert merged.keys == []
    assert merged.camelot == []
    assert not merged.compatible
    assert merged.target_bpm == 130


def test_an_added_genre_joins_the_search() -> None:
    merged = _merged("disco loops from the 80s", "add some house as well")
    assert merged.genres == ["disco", "house"]
    assert merged.eras == ["80s"]
    # without a word that adds, a genre named replaces the last one
    assert _merged("disco loops from the 80s", "house instead").genres == ["house"]


def test_swapping_one_feel_for_another_drops_the_first() -> None:
    merged = _merged("jungle breaks at 170, gritty", "swap gritty for warm")
    assert merged.vibes == ["warm"]
    assert merged.target_bpm == 170


@pytest.mark.parametrize(
    ("first", "then", "mode"),
    [
        ("house in a minor key", "what about major?", "major"),
        ("jazz loops in major keys", "and minor", "minor"),
        ("funk in a major key", "minor instead", "minor"),
    ],
)
def test_the_mode_asked_last_wins(first: str, then: str, mode: str) -> None:
    merged = _merged(first, then)
    assert followups.find_mode(merged.text) == mode


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("anything with around 57ish swing", 55.0, 59.0),
        ("breaks that have 62 swing, roughly", 60.0, 64.0),
    ],
)
def test_a_number_right_before_swing_is_its_amount_not_a_tempo(
    text: str, lo: float, hi: float
) -> None:
    assert vocab.find_swing_amount(text)[:2] == (lo, hi)
    parsed = parse_request(text)
    assert parsed.bpms == []
    assert parsed.target_bpm is None
    assert (parsed.swing_min, parsed.swing_max) == (lo, hi)


def test_a_tempo_before_a_swung_noun_stays_a_tempo() -> None:
    assert vocab.find_swing_amount("loops at 92 with a swung hat")[:2] == (None, None)
    assert parse_request("loops at 92 with a swung hat").target_bpm == 92


# ---------------------------------------------------------------- a search like a loop


def _stretch_frame() -> pd.DataFrame:
    # one reggae loop to search like, and soul loops at growing distances from its tempo,
    # all in keys that mix with its A minor
    specs = [
        ("reggae", 100.0, "A minor"),
        ("soul", 104.0, "A minor"),
        ("soul", 108.5, "C major"),
        ("soul", 109.5, "E minor"),
        ("soul", 126.0, "A minor"),
    ]
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}beef{i:04d}",
                path=f"/lib/st_{i:02d}.wav",
                sha256=f"{i + 1:064x}",
                genre=genre,
                era="70s",
                tempo_bpm=bpm,
                swing_percent=54.0,
                timing_deviation_ms=8.0,
                backbeat_lag_ms=5.0,
                key=key,
            )
            for i, (genre, bpm, key) in enumerate(specs)
        ]
    )


def test_too_few_loops_near_the_reference_tempo_widen_the_band_a_little(
    settings: Settings,
) -> None:
    chat = Chat(offline_graph(_stretch_frame(), settings=settings))
    (ref,) = chat.say("any reggae loops?")["hits"]
    out = chat.say("find soul loops that would mix with the first one")
    tempi = sorted(h.tempo_bpm for h in out["hits"])
    # one loop within 8 % of 100 BPM: the two a 10 % stretch away join it, the loop a
    # quarter faster does not
    assert tempi == [104.0, 108.5, 109.5]
    assert ref.sample_id not in {h.sample_id for h in out["hits"]}


@pytest.mark.parametrize(
    ("text", "instrument", "kind"),
    [
        ("need a snare that sits on my second loop", "snare", "one_shot"),
        ("got any hats to go over this groove", "hat", "one_shot"),
        ("a tight clap for a garage beat", "clap", "one_shot"),
        ("kick loops to put under my groove", "kick", "loop"),
        ("snare loops from the 80s", "snare", "loop"),
        ("the kick loops please", "kick", "loop"),
    ],
)
def test_a_loop_named_as_the_sample_a_hit_is_for_is_not_the_kind_asked(
    text: str, instrument: str, kind: str
) -> None:
    assert vocab.find_kind(text, instrument=instrument) == kind


def test_another_drum_sound_after_a_search_is_searched_not_filtered_out(
    settings: Settings,
) -> None:
    shots = [
        one_shot_record("a1b2c3d4e5f60001", "crack_snare_01.wav", "snare", tag="snare"),
        one_shot_record("a1b2c3d4e5f60002", "tight_snare_02.wav", "snare", tag="snare"),
        one_shot_record("a1b2c3d4e5f60003", "roomy_clap_01.wav", "clap", tag="clap"),
    ]
    chat = Chat(offline_graph(library_frame(shots=shots), settings=settings))
    first = chat.say("need a crisp snare for some drill")
    assert first["hits"]
    assert {h.instrument for h in first["hits"]} == {"snare"}
    out = chat.say("and a clap to stack with it")
    # no clap is among the snares listed: the clap is a search of its own
    assert [h.instrument for h in out["hits"]] == ["clap"]


def test_a_search_in_my_key_uses_the_key_of_my_analysed_loop(settings: Settings) -> None:
    from tests.unit.test_understanding_trial_defects import ROWS

    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    soul = next(r["id"] for r in ROWS if r["key"] == "G minor")
    chat.say("how fast is this one?", samples=[soul])
    out = chat.say("cool, now some trap that works with my key")
    # G minor is 6A: of the trap loops only the C minor one (5A) sits next to it
    assert {h.key for h in out["hits"]} == {"C minor"}


def test_swinging_as_hard_as_my_loop_is_a_swing_target_not_a_hard_vibe() -> None:
    text = "any soul loops that shuffle roughly as heavily as mine?"
    assert vocab.SAME_SWING_RE.search(text)
    assert vocab.find_vibes("gimme funk that swings as hard as this one") == []
    # a vibe elsewhere in the sentence is still one
    assert vocab.find_vibes("hard trap that swings as much as this") == ["hard"]
