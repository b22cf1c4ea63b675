"""Defects an outside tester (README only, own audio, own words) found in the agent, each
as a conversation on the real offline graph over a small tagged catalog, in wordings of
our own (not the tester's sentences)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer


def _loop(
    i: int,
    name: str,
    genre: str,
    bpm: float,
    key: str | None,
    *,
    swing: float = 54.0,
    instrument: str | None = None,
    era: str = "90s",
    meter: int | None = None,
) -> dict:
    # key None: drums only, nothing pitched (no key, no camelot)
    return numbered_loop(
        i,
        genre,
        era,
        bpm,
        key,
        id=f"7e59{i:012d}",
        name=name,
        sha256=f"{i + 950:064x}",
        swing_percent=swing,
        backbeat_lag_ms=3.0,
        **({"instrument": instrument} if instrument else {}),
        **({"meter": meter} if meter else {}),
    )


ROWS = [
    _loop(1, "rubber_bassline_a", "funk", 97.0, "E minor", instrument="bass", era="70s"),
    _loop(2, "smoky_lounge_take", "jazz", 138.0, "G major", swing=59.0, era="60s", meter=3),
    _loop(3, "dusty_kit_01", "boom bap", 91.0, None, swing=63.0, instrument="drums"),
    _loop(4, "dusty_kit_02", "boom bap", 93.0, None, swing=61.0, instrument="drums"),
    _loop(5, "warehouse_groove", "house", 118.0, "A minor"),
    _loop(6, "sunrise_house", "house", 121.0, "C major"),
    _loop(7, "velvet_soul", "soul", 64.0, "D minor", swing=57.0, era="70s", instrument="mix"),
    _loop(8, "smooth_soul_keys", "soul", 66.0, "F minor", swing=60.0, era="70s"),
]
SHOTS = [
    one_shot_record("5b0900000000f001", "tight_snare.wav", "snare", tag="snare"),
    one_shot_record("5b0900000000f002", "rimshot_snare.wav", "snare", tag="snare"),
    one_shot_record("5b0900000000f003", "boomy_kick.wav", "kick", tag="kick"),
    one_shot_record("5b0900000000f004", "sub_808_A1.wav", "bass", "A1", tag="bass"),
    one_shot_record("5b0900000000f005", "sub_808_D1.wav", "bass", "D1", tag="bass"),
]
IDS = {r["path"].rsplit("/", 1)[-1].removesuffix(".wav"): r["id"] for r in ROWS}


@pytest.fixture
def graph(settings: Settings):
    frame = cat.concat_frames([pd.DataFrame(ROWS), cat.records_to_frame(SHOTS)])
    return offline_graph(frame, settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "loops nearest to 56 bpm, half or double time is fine",
        "whatever sits closest to 55 BPM, double time counts too",
    ],
)
def test_nearest_tempo_counts_double_time_when_allowed(graph, text: str) -> None:
    # nothing within a few % of 55-56 BPM, even counted half or double: the nearest
    # tempos are the 118 and 121 BPM house loops counted half (59, 60.5), not the
    # 64/66 BPM soul loops
    out = Chat(graph).say(text)
    assert out["request"].half_double
    tempi = [h.tempo_bpm for h in out["hits"]]
    assert set(tempi[:2]) == {118.0, 121.0}
    # the near matches are listed, each with its double-time reading
    assert "warehouse_groove.wav" in answer(out)
    assert "double time" in answer(out)


@pytest.mark.parametrize(
    "text", ["any bass loops that could sit over this?", "gimme bass loops to layer on it"]
)
def test_a_stated_instrument_is_kept_when_the_search_relaxes(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("what key is this", samples=[IDS["smooth_soul_keys"]])  # F minor, 66 BPM
    out = chat.say(text)
    assert out["request"].instrument == "bass"
    # no bass loop mixes with F minor near 66 BPM: the nearest bass loop, the relaxed
    # filter said, and never drum loops in place of bass
    assert out["hits"]
    assert all(h.instrument == "bass" for h in out["hits"])
    assert "matches exactly" in answer(out) or "closest tempos" in answer(out)


def test_drums_with_none_drums_only_near_the_tempo_offer_full_mixes_said_so(graph) -> None:
    out = Chat(graph).say("drum loops around 64 bpm")
    # no drums-only loop near 64 (the boom bap kits are at 91-93): the loop with drums under
    # other parts at that tempo, called what it is
    assert [h.path.rsplit("/", 1)[-1] for h in out["hits"]][:1] == ["velvet_soul.wav"]
    assert "full mix" in answer(out)


def test_an_instrument_nobody_has_is_said_plainly(graph) -> None:
    out = Chat(graph).say("vocal loops around 120")
    # no vocal loop at all: an honest empty answer that says the filter was kept, not the
    # house loops at 120 in its place
    assert out["request"].instrument == "vocal"
    assert not out["hits"]
    text = answer(out).lower()
    assert "nothing tagged vocal" in text
    assert "filter is kept" in text


@pytest.mark.parametrize(
    "text",
    [
        "an 808 to go under my loop",
        "a bass one-shot that fits my groove",
        "some house loops in C major that'll sit with my loop",
    ],
)
def test_a_sound_for_the_analysed_loop_asks_for_no_audio(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("tempo of this one?", samples=[IDS["warehouse_groove"]])  # A minor, 118
    out = chat.say(text)
    assert out["hits"]
    # the loop analysed above is what "my loop" is: nothing to attach
    assert "need the audio" not in answer(out)
    assert "attach" not in answer(out)


@pytest.mark.parametrize(
    "text", ["would the D one sit with my loop?", "and the D one, fits my loop?"]
)
def test_a_listed_hit_named_by_its_note(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("what key is this", samples=[IDS["velvet_soul"]])  # D minor
    listed = chat.say("show me some 808 one-shots")["hits"]
    assert {h.root_note for h in listed} == {"A1", "D1"}
    out = chat.say(text)
    # the 808 on D (no key of its own: its root) against the loop, not a search
    assert set(out["request"].samples) == {"5b0900000000f005", IDS["velvet_soul"]}
    assert "compatibility" in out["plan"].specialists
    assert "discovery" not in out["plan"].specialists
    assert "sub_808_D1.wav" in answer(out)


@pytest.mark.parametrize(
    "text",
    ["the kick you dug up, does it fit my groove?", "does that kick you found work with my loop"],
)
def test_a_listed_hit_named_by_its_instrument(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("what key is this", samples=[IDS["warehouse_groove"]])
    listed = chat.say("drum one-shots please")["hits"]
    assert {h.instrument for h in listed} >= {"kick", "snare"}
    out = chat.say(text)
    assert set(out["request"].samples) == {"5b0900000000f003", IDS["warehouse_groove"]}
    assert "discovery" not in out["plan"].specialists


@pytest.mark.parametrize(
    "text", ["does that one swing harder than my break?", "is mine more swung than that one?"]
)
def test_that_one_against_mine_compares_their_grooves(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("how swung is this break", samples=[IDS["dusty_kit_01"]])  # 63 % swing
    top = chat.say("soul loops from the 70s")["hits"][0]
    out = chat.say(text)
    # "mine" is the break analysed first; "that one" the top hit just listed
    assert out["request"].samples == [top.sample_id, IDS["dusty_kit_01"]]
    assert out["plan"].specialists[0] == "groove"
    assert "discovery" not in out["plan"].specialists
    swing = next(line for line in answer(out).splitlines() if line.startswith("Swing:"))
    assert swing.split(" — ")[1].startswith("dusty_kit_01.wav")  # 63 % against 57 %
    assert "swings more" in swing


@pytest.mark.parametrize(
    ("earlier", "text"),
    [
        # named by a word of its file name / its instrument
        (
            "rubber_bassline_a",
            "here's a jazz take in three, what tempo? will it sit with my bassline?",
        ),
        (
            "rubber_bassline_a",
            "new one, in 3/4 I reckon: how fast, and does it gel with the bass loop?",
        ),
        # named by nothing of its file: "my ..." is the sample analysed before
        (
            "velvet_soul",
            "got this waltz, what's the meter and bpm? does it blend with my rhodes loop?",
        ),
    ],
)
def test_a_new_file_against_one_analysed_earlier_is_analysed_and_mix_checked(
    graph, earlier: str, text: str
) -> None:
    chat = Chat(graph)
    chat.say("how fast is this?", samples=[IDS[earlier]])
    out = chat.say(text, samples=[IDS["smoky_lounge_take"]])
    assert out["request"].samples == [IDS["smoky_lounge_take"], IDS[earlier]]
    assert out["plan"].specialists == ["groove", "compatibility"]
    text_out = answer(out)
    assert "3 beats per bar" in text_out  # the new file's meter and tempo
    assert "138.0 BPM" in text_out
    assert f"smoky_lounge_take.wav [{IDS['smoky_lounge_take']}] × {earlier}.wav" in text_out


@pytest.mark.parametrize(
    "text",
    [
        "snare hits that go with it?",
        "which snare would go with this kick",
        "got snares to pair with it",
        "snare one shot that works with this pls",
    ],
)
def test_a_sound_for_the_one_shot_in_focus_searches_that_sound(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("what's this hit?", samples=["5b0900000000f003"])  # a kick one-shot
    out = chat.say(text)
    # the kick is what the snare is for, not the filter: snares, no second look at the kick
    assert out["plan"].specialists == ["discovery"]
    assert (out["request"].kind, out["request"].instrument) == ("one_shot", "snare")
    assert sorted(h.path.rsplit("/", 1)[-1] for h in out["hits"]) == [
        "rimshot_snare.wav",
        "tight_snare.wav",
    ]


@pytest.mark.parametrize("narrow", ["just the 90s ones", "only the house ones"])
def test_narrowing_a_search_made_for_my_loop_asks_for_no_audio(graph, narrow: str) -> None:
    chat = Chat(graph)
    chat.say("this is my loop, key?", samples=[IDS["velvet_soul"]])  # D minor
    assert chat.say("find loops in keys that suit my loop")["hits"]
    out = chat.say(narrow)
    assert out["request"].refines
    assert out["hits"]
    assert "need the audio" not in answer(out)
