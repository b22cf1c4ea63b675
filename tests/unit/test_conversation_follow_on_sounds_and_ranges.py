"""Follow-ups that went wrong in a tune set's conversations, in other words over a small
catalog of our own: a sound for the loop just discussed ("an 808 that'll sit under it",
"a bass one-shot in key with it", a kick for an 808), a thanks that says "it", a
correction that states its own range, "from the same era", and the key and tempo the
user says they are in as the search's reference."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names


def _loop(n: int, genre: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n,
        genre,
        era,
        bpm,
        key,
        tag="f00d",
        name=f"{genre.replace(' ', '')}_{era}_{n:02d}_{bpm:.0f}",
        swing_percent=54.0,
        backbeat_lag_ms=4.0,
    )


ROWS = [
    _loop(1, "funk", "70s", 95.0, "C minor"),
    _loop(2, "funk", "70s", 97.0, "G major"),
    _loop(3, "funk", "70s", 101.0, "D minor"),
    _loop(4, "funk", "70s", 102.5, "A minor"),
    _loop(5, "funk", "70s", 103.0, "E minor"),
    _loop(6, "soul", "70s", 99.0, "C major"),
    _loop(7, "soul", "70s", 100.0, "A minor"),
    _loop(8, "soul", "60s", 98.0, "E minor"),
    _loop(9, "soul", "90s", 101.0, "F# major"),
    _loop(10, "soul", "70s", 100.5, "Bb major"),
]
SHOTS = [
    one_shot_record("beaf000000000001", "low_808_C1.wav", "bass", "C1", tag="bass"),
    one_shot_record("beaf000000000002", "low_808_G1.wav", "bass", "G1", tag="bass"),
    one_shot_record("beaf000000000003", "thud_kick.wav", "kick", "F1", tag="kick"),
    one_shot_record("beaf000000000004", "round_kick.wav", "kick", "D#1", tag="kick"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS, SHOTS), settings=settings)


@pytest.mark.parametrize(
    "text", ["got any 808 that'll sit under it?", "and a bass one-shot in key with it"]
)
def test_a_sound_for_the_hit_just_analysed(graph, text) -> None:
    chat = Chat(graph)
    hits = chat.say("70s funk loops under 100 bpm")["hits"]
    c_minor = next(h for h in hits if h.key == "C minor")
    chat.say("what's the pocket like on the C minor one?")
    out = chat.say(text)
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert (req.kind, req.instrument, req.for_sample) == ("one_shot", "bass", c_minor.sample_id)
    # the 808 on the loop's tonic first, then the one on its fifth (labelled so)
    assert hit_names(out) == ["low_808_C1.wav", "low_808_G1.wav"]


def test_a_thanks_that_says_it_asks_nothing(graph) -> None:
    chat = Chat(graph)
    chat.say("70s funk loops under 100 bpm")
    chat.say("how swung is the first one?")
    out = chat.say("sweet, appreciate it")
    assert out["plan"].specialists == []
    assert out["request"].samples == []


def test_a_kick_for_an_808_is_not_asked_on_the_808s_root(graph) -> None:
    chat = Chat(graph)
    chat.say("an 808 in C")
    chat.say("what note is the first one really on?")
    out = chat.say("cool, now a kick that works with it")
    assert (out["request"].kind, out["request"].instrument) == ("one_shot", "kick")
    assert sorted(hit_names(out)) == ["round_kick.wav", "thud_kick.wav"]


def test_a_correction_that_states_its_range_takes_it(graph) -> None:
    chat = Chat(graph)
    chat.say("funk loops around 96")
    out = chat.say("nah quicker, say 100 to 104")
    req = out["request"]
    assert (req.bpm_min, req.bpm_max) == (100, 104)
    assert req.genres == ["funk"]
    assert sorted(hit_names(out)) == [
        "funk_70s_03_101.wav",
        "funk_70s_04_102.wav",
        "funk_70s_05_103.wav",
    ]


def test_the_same_era_keeps_the_decade_of_the_last_search(graph) -> None:
    chat = Chat(graph)
    chat.say("70s funk loops")
    out = chat.say("cool, now show me soul loops from that same decade")
    assert out["request"].genres == ["soul"]
    assert out["request"].eras == ["70s"]
    assert {h.tags.era for h in out["hits"]} == {"70s"}


@pytest.mark.parametrize(
    "text",
    [
        "I'm in 8A at 100, give me soul to go next",
        "im at 8A, soul loops near 100 please",
        "my loop is in A minor at 100, find me some soul",
    ],
)
def test_the_key_the_user_is_in_is_the_search_reference(graph, text) -> None:
    out = Chat(graph).say(text)
    req = out["request"]
    assert req.keys == ["A minor"]
    assert req.compatible  # the keys that mix with it, not that key alone
    assert out["hits"]
    assert {h.camelot for h in out["hits"]} <= {"8A", "8B", "7A", "9A"}
    # C major (8B, relative) and A minor itself, not only the exact key
    assert {h.key for h in out["hits"]} >= {"A minor", "C major"}


def test_the_energy_key_after_a_search_is_a_key_question(graph) -> None:
    chat = Chat(graph)
    chat.say("I'm in 8A at 100, give me soul to go next")
    out = chat.say("and what's the energy boost key from 8A?")
    assert out["plan"].specialists == ["compatibility"]
    assert "E minor" in answer(out)  # one step up the wheel (9A)


@pytest.mark.parametrize(
    "text",
    [
        "can i put an 808 under it",
        "layer an 808 under this one",
        "need an 808 for this beat",
        "an 808 for the loop pls",
    ],
)
def test_a_sound_placed_under_the_loop_or_asked_for_it_by_its_noun(graph, text) -> None:
    # A placing verb ("put", "layer") with a sound and where it goes, or the loop named by
    # its noun after "for" ("this beat", "the loop"): a one-shot search for the loop at
    # hand; the noun says which sample it is for, not that loops are wanted (no tempo
    # window from the loop, which one-shots have no tempo to meet).
    chat = Chat(graph)
    hits = chat.say("70s funk loops under 100 bpm")["hits"]
    c_minor = next(h for h in hits if h.key == "C minor")
    chat.say("what's the pocket like on the C minor one?")
    out = chat.say(text)
    req = out["request"]
    assert "discovery" in out["plan"].specialists
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert c_minor.sample_id in {req.for_sample, *req.samples}
    # the 808 on the loop's tonic first, then the one on its fifth (labelled so)
    assert hit_names(out) == ["low_808_C1.wav", "low_808_G1.wav"]


def test_another_sound_after_an_808_on_a_note_does_not_keep_the_note(settings) -> None:
    # "any 808 on E?" then "and a snare": the note was the 808's; a snare (or a kick not
    # asked on a note) is searched without it, and the search line names the root when
    # one is applied
    shots = [
        *SHOTS,
        one_shot_record("beaf000000000005", "808_E1.wav", "bass", "E1", tag="bass"),
        one_shot_record("beaf000000000006", "crack_snare.wav", "snare", None, tag="snare"),
        one_shot_record("beaf000000000007", "rim_snare.wav", "snare", None, tag="snare"),
    ]
    chat = Chat(offline_graph(library_frame(ROWS, shots), settings=settings))
    first = chat.say("any 808 on E exactly?")
    assert hit_names(first) == ["808_E1.wav"]
    assert "root E" in answer(first)
    out = chat.say("and a snare")
    assert out["request"].root_note is None
    assert sorted(hit_names(out)) == ["crack_snare.wav", "rim_snare.wav"]
