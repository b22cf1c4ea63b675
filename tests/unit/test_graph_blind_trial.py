"""Follow-up turns a blind user trial found wrong, each as a conversation on the real
offline graph (understanding, specialists, tools, respond, memory) over a small catalog
of funk loops, one-shots and an upload: the turn must do what the user meant, and the
answer must say it."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from groovegraph.tools.preview import mix_plan
from tests.catalogs import catalog_row, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer
from tests.unit.test_graph_followups import followup_frame

SHOTS = [
    one_shot_record("5b07000000000001", "kick_A1.wav", "kick", "A1", tag="kick"),
    one_shot_record("5b07000000000002", "kick_D1.wav", "kick", "D1", tag="kick"),
    one_shot_record("5b07000000000003", "kick_plain.wav", "kick", None, tag="kick"),
    one_shot_record("5b07000000000004", "bass_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("5b07000000000005", "bass_F1.wav", "bass", "F1", tag="bass"),
]
UPLOAD_ID = "0f0f0f0f0f0f0f0f"
WALTZ_ID = "3a3a3a3a3a3a3a3a"


def trial_frame() -> pd.DataFrame:
    extra = pd.DataFrame(
        [
            # an upload: stored under its content hash, sent as "break #2.wav"
            catalog_row(
                id=UPLOAD_ID,
                path=f"/data/uploads/ab/{'ab' * 32}.wav",
                sha256="ab" * 32,
                source="upload:break #2.wav",
                tempo_bpm=88.0,
                swing_percent=58.0,
                backbeat_lag_ms=6.0,
                meter=4,
                key="G minor",
            ),
            catalog_row(
                id=WALTZ_ID,
                path="/lib/waltz_loop.wav",
                sha256="cd" * 32,
                genre="jazz",
                era="50s",
                tempo_bpm=132.0,
                swing_percent=62.0,
                backbeat_lag_ms=3.0,
                meter=3,
                key="F major",
            ),
        ]
    )
    return cat.concat_frames([followup_frame(), extra, cat.records_to_frame(SHOTS)])


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(trial_frame(), settings=settings)


def test_something_slower_lowers_the_tempo_range(graph) -> None:
    chat = Chat(graph)
    first = chat.say("find me funk loops between 95 and 100 bpm")
    assert first["hits"]
    assert all(95 <= h.tempo_bpm <= 100 for h in first["hits"])
    out = chat.say("something slower")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert req.bpm_max is not None
    assert req.bpm_max <= 95.0
    assert req.bpm_min is not None
    assert req.bpm_min < req.bpm_max
    assert req.genres == ["funk"]  # the rest of the search is kept
    assert out["hits"], "the funk loops at 93.8 and 94.3 BPM are slower"
    assert all(h.tempo_bpm < 95.0 for h in out["hits"])
    assert {h.sample_id for h in out["hits"]}.isdisjoint({h.sample_id for h in first["hits"]})
    # and back up again: faster than the slower search, not a repeat of it
    out = chat.say("a bit faster")
    assert out["request"].bpm_min is not None
    assert out["request"].bpm_min >= req.bpm_max


def test_under_110_bpm_is_a_ceiling_not_a_point(graph) -> None:
    chat = Chat(graph)
    chat.say("find me house loops between 120 and 130 bpm")
    out = chat.say("under 110 bpm")
    req = out["request"]
    assert req.bpm_max == 110.0
    assert req.bpm_min is None or req.bpm_min < req.bpm_max
    assert all(h.tempo_bpm <= 110.0 for h in out["hits"])
    assert "under 110 BPM" in answer(out)
    # on its own, too
    out = Chat(graph, "fresh").say("funk loops under 110 bpm")
    assert (out["request"].bpm_min, out["request"].bpm_max) == (None, 110.0)
    assert len(out["hits"]) == 6


def test_will_it_mix_with_my_other_loop_compares_the_two_loops(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse 0000cafe0000")
    chat.say("now analyse 0002cafe0002")
    out = chat.say("will it mix with my other loop")
    assert set(out["request"].samples) == {"0000cafe0000", "0002cafe0002"}
    (report,) = out["reports"]
    assert {report.a, report.b} == {"fu_00.wav [0000cafe0000]", "fu_02.wav [0002cafe0002]"}
    expected = harmony.compatibility(key_a="E minor", key_b="D minor", bpm_a=97.4, bpm_b=96.2)
    assert report.verdict == expected.verdict
    assert f"**{expected.verdict}**" in answer(out)


def test_a_bass_note_or_loop_that_fits_keeps_the_key_of_the_loop(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse 0002cafe0002")  # E minor, 97.4 BPM
    out = chat.say("find me a bass note that fits")
    assert out["request"].keys == ["E minor"]
    assert out["plan"].specialists == ["discovery"]
    assert [h.sample_id for h in out["hits"]] == ["5b07000000000004"]  # the E1 bass note
    out = chat.say("now a loop that fits it")
    assert out["request"].keys == ["E minor"]
    assert "discovery" in out["plan"].specialists
    assert out["hits"]
    assert "0002cafe0002" not in {h.sample_id for h in out["hits"]}  # not the loop itself
    for h in out["hits"]:
        relation = harmony.key_relation("E minor", h.key).relation
        assert relation in {"same", "relative", "adjacent"}, (h.key, relation)


def test_what_were_we_talking_about_summarises_the_thread(graph) -> None:
    chat = Chat(graph)
    chat.say("find me 70s funk loops near 96 BPM")
    chat.say("analyse the first one")
    chat.say("will it mix with 0002cafe0002?")
    out = chat.say("what were we talking about?")
    assert out["plan"].specialists == []
    text = answer(out)
    assert "fu_00.wav [0000cafe0000]" in text  # a sample discussed
    assert "fu_02.wav" in text
    assert "funk" in text  # the search
    assert "70s" in text
    verdict = harmony.compatibility(key_a="D minor", key_b="E minor", bpm_a=96.2, bpm_b=97.4)
    assert verdict.verdict in text  # the mix verdict
    assert out["memory"].topics  # kept in the thread's memory for a model's prompt too
    # a fresh thread has nothing to recap
    assert "haven't covered" in answer(Chat(graph, "empty").say("what were we talking about?"))


def test_a_meter_question_answers_with_the_meter(graph) -> None:
    chat = Chat(graph)
    out = chat.say(f"is {WALTZ_ID} in 3/4?")
    text = answer(out)
    assert "3 beats per bar" in text
    assert "yes" in text
    out = chat.say(f"and is {UPLOAD_ID} in 3/4?")
    text = answer(out)
    assert "4 beats per bar" in text
    assert "no, not 3/4" in text


def test_uploads_are_named_as_sent_and_hash_in_the_name_is_kept(graph) -> None:
    chat = Chat(graph)
    out = chat.say(f"analyse {UPLOAD_ID}")
    text = answer(out)
    assert f"break #2.wav [{UPLOAD_ID}]" in text
    assert "ab" * 32 not in text
    # a "#" inside a file name is part of it, not a list number
    out = chat.say("what about loops/beat#2.wav?")
    assert out["request"].samples == ["loops/beat#2.wav"]


def test_a_kick_tuned_to_a_keeps_the_pitch(graph) -> None:
    out = Chat(graph).say("find me a kick tuned to A")
    assert out["request"].root_note == "A"
    assert [h.sample_id for h in out["hits"]] == ["5b07000000000001"]


def test_loop_against_one_shot_uses_the_root_note(graph) -> None:
    chat = Chat(graph)
    out = chat.say("does 5b07000000000004 fit with 0002cafe0002?")  # E1 bass, E minor loop
    (report,) = out["reports"]
    assert report.key is not None
    assert report.key.relation == "root"
    assert report.verdict == "great"
    assert "need two keys or two tempi" not in answer(out)
    out = chat.say("and 5b07000000000005 with 0002cafe0002?")  # F is outside E minor
    (report,) = out["reports"]
    assert report.verdict == "poor"


def test_no_empty_mix_check_beside_a_search(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse 0002cafe0002")
    for text in ("find me funk loops that mix well", "find loops that would mix with it"):
        out = chat.say(text)
        assert out["hits"]
        texts = [str(m.content) for m in out["messages"]]
        assert not any("Nothing to compare" in t for t in texts), text
        assert "To check a mix I need" not in answer(out)
    # alone, with nothing to compare, the mix check says what it needs
    out = Chat(graph, "alone").say("will it mix?")
    assert "two things to compare" in answer(out) or "attach" in answer(out)


def test_chat_and_mix_preview_give_one_verdict(graph) -> None:
    slow = Analysis(
        file="a.wav",
        sha256="a" * 64,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=100.0,
        key="A minor",
        camelot="8A",
        beats_s=[0.0, 0.6],
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )
    fast = slow.model_copy(update={"tempo_bpm": 124.0, "file": "b.wav"})
    chat = harmony.compatibility(slow, fast)
    plan = mix_plan(slow, fast)
    assert (plan.verdict, plan.score) == (chat.verdict, chat.score)
    assert plan.verdict != "great"


def test_a_negated_genre_is_left_out_and_stays_out(graph) -> None:
    chat = Chat(graph)
    out = chat.say("loops between 85 and 100 bpm but not funk")
    assert out["request"].not_genres == ["funk"]
    assert out["request"].genres == []
    assert out["hits"]
    assert all(h.tags.genre != "funk" for h in out["hits"])
    out = chat.say("only the ones in C major")
    assert out["hits"]
    assert all(h.tags.genre != "funk" and h.key == "C major" for h in out["hits"])


@pytest.mark.parametrize(
    "text",
    [
        "give me the key of this one",
        "show me the tempo of this",
        "need the pocket numbers on this break",
        "pull up the swing amount",
    ],
)
def test_a_find_verb_about_the_attached_sample_asks_for_its_numbers(graph, text: str) -> None:
    out = Chat(graph, text).say(text, samples=["0002cafe0002"])
    assert out["plan"].specialists == ["groove"]
    assert out["hits"] == []
    assert "97.4 BPM" in answer(out)


def test_a_find_verb_for_other_samples_still_searches(graph) -> None:
    out = Chat(graph).say("find loops like this", samples=["0002cafe0002"])
    assert "discovery" in out["plan"].specialists
    assert out["hits"]
    assert "0002cafe0002" not in {h.sample_id for h in out["hits"]}


def _loop(i: int, name: str, genre: str, era: str, bpm: float, key: str, **tags: str) -> dict:
    return numbered_loop(
        i,
        genre,
        era,
        bpm,
        key,
        id=f"d15c{i:012d}",
        path=f"/lib/{name}",
        sha256=f"{i + 900:064x}",
        backbeat_lag_ms=4.0,
        **tags,
    )


RHODES_ID = "d15c000000000010"


@pytest.fixture
def disco_graph(settings: Settings):
    """Disco loops of two decades around 8A, and loops near 100 BPM in several keys
    beside a Rhodes loop in E major."""
    rows = [
        _loop(1, "disco_a.wav", "disco", "70s", 118.0, "A minor"),
        _loop(2, "disco_b.wav", "disco", "70s", 120.0, "C major"),
        _loop(3, "disco_c.wav", "disco", "70s", 122.0, "E minor"),
        _loop(4, "disco_d.wav", "disco", "70s", 119.0, "D minor"),
        _loop(5, "disco_e.wav", "disco", "80s", 121.0, "A minor"),
        _loop(6, "disco_f.wav", "disco", "80s", 117.0, "C major"),
        _loop(7, "disco_g.wav", "disco", "90s", 123.0, "E minor"),
        _loop(10, "rhodes_chords.wav", "soul", "70s", 100.0, "E major", instrument="keys"),
        _loop(11, "soul_b.wav", "soul", "70s", 99.0, "E major"),
        _loop(12, "soul_c.wav", "soul", "60s", 101.0, "C# minor"),
        _loop(13, "hop_d.wav", "hip hop", "90s", 100.0, "B major"),
        _loop(14, "hop_e.wav", "hip hop", "90s", 100.5, "F major"),
        _loop(15, "funk_f.wav", "funk", "70s", 99.5, "Bb minor"),
    ]
    return offline_graph(pd.DataFrame(rows), settings=settings)


@pytest.mark.parametrize(
    ("text", "gone"),
    [("but not the 70s ones", "70s"), ("no 80s stuff", "80s"), ("except 90s", "90s")],
)
def test_a_negated_era_is_left_out_not_searched_for(disco_graph, text: str, gone: str) -> None:
    chat = Chat(disco_graph)
    first = chat.say("show me disco loops in a key that mixes with 8A")
    assert {h.tags.era for h in first["hits"]} == {"70s", "80s", "90s"}
    out = chat.say(text)
    req = out["request"]
    assert req.not_eras == [gone]
    assert gone not in req.eras
    assert req.genres == ["disco"]  # the rest of the search is kept
    assert out["hits"]
    assert all(h.tags.era != gone and h.tags.genre == "disco" for h in out["hits"])
    assert f"era {gone}" not in answer(out)
    assert f"not {gone}" in answer(out).lower()
    # the exclusion stays while the search narrows, until the era is asked for again
    out = chat.say("only the ones around 120 bpm")
    assert out["request"].not_eras == [gone]
    assert out["hits"]
    assert all(h.tags.era != gone for h in out["hits"])
    out = chat.say(f"only the {gone} ones")
    assert out["request"].not_eras == []
    assert {h.tags.era for h in out["hits"]} == {gone}


@pytest.mark.parametrize("name", ["the rhodes", "my rhodes loop", "the piano"])
def test_mix_with_a_named_sample_of_the_thread_searches_its_compatible_keys(
    disco_graph, name: str
) -> None:
    chat = Chat(disco_graph)
    chat.say(f"analyse {RHODES_ID}")  # E major, 100 BPM, tagged keys
    out = chat.say(f"find me loops around 100 bpm that mix with {name}")
    req = out["request"]
    assert req.keys == ["E major"]
    assert req.instrument is None  # the name is a reference, not an instrument filter
    hits = out["hits"]
    assert hits
    assert RHODES_ID not in {h.sample_id for h in hits}
    expected = {"d15c000000000011", "d15c000000000012", "d15c000000000013"}  # E, C#m, B
    assert {h.sample_id for h in hits} == expected
    for h in hits:
        relation = harmony.key_relation("E major", h.key).relation
        assert relation in {"same", "relative", "adjacent"}, (h.key, relation)
    # no instrument filter left behind for the next turn
    out = chat.say("now something in the 70s")
    assert out["request"].instrument is None
    assert out["hits"]


@pytest.mark.parametrize(
    "question",
    [
        "what's the Camelot code for A minor and its neighbours",
        "what's the camelot code for a minor and its neighbours",
    ],
)
def test_a_camelot_question_after_a_mix_check_answers_the_camelot_question(
    graph, question: str
) -> None:
    chat = Chat(graph)
    first = chat.say("will 0000cafe0000 mix with 0002cafe0002?")
    assert len(first["reports"]) == 1
    out = chat.say(question)
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].keys == ["A minor"]
    assert out["request"].samples == []  # not the loops of the old mix check
    text = answer(out)
    assert "A minor is 8A on the Camelot wheel" in text
    listed = {r.key.camelot_b for r in out["reports"] if r.key}
    assert {"7A", "9A", "8B"} <= listed  # one step either way, and the relative major
    assert all(r.a == "A minor" for r in out["reports"])
    assert "fu_00.wav" not in text
    assert "fu_02.wav" not in text


def test_an_energy_boost_is_advice_on_moves_up_the_wheel_from_the_threads_loop(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse 0002cafe0002")  # E minor = 9A, 97.4 BPM
    out = chat.say("something for an energy boost")
    req = out["request"]
    assert out["plan"].specialists == ["compatibility"]  # advice, not an unfiltered search
    assert req.energy
    assert req.samples == ["0002cafe0002"]
    assert req.keys == []  # none was named
    assert req.key_moves == ["B minor", "F# minor"]  # 10A and 11A: one step up, and two
    assert not out["hits"]
    relations = [r.key.relation for r in out["reports"] if r.key]
    assert relations == ["adjacent", "energy_boost"]
    text = answer(out)
    assert "Energy boost from fu_02.wav" in text
    assert "B minor (10A)" in text
    assert "F# minor (11A)" in text


def test_an_energy_boost_from_a_key_and_with_nothing_to_start_from(graph) -> None:
    out = Chat(graph, "key").say("energy boost from 8A, where do I go?")
    assert out["request"].keys == ["A minor"]
    assert out["request"].key_moves == ["E minor", "B minor"]
    assert [(r.key.camelot_a, r.key.camelot_b) for r in out["reports"] if r.key] == [
        ("8A", "9A"),
        ("8A", "10A"),
    ]
    out = Chat(graph, "nothing").say("something for an energy boost")
    assert out["plan"].specialists == ["compatibility"]
    assert not out["hits"]
    assert not out["reports"]
    assert "Attach the loop (or name its key)" in answer(out)


def test_would_it_work_under_a_tempo_is_a_mix_check_of_the_loop_in_focus(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse 0000cafe0000")  # 96.2 BPM
    out = chat.say("would it work halftime under a 146 bpm trap loop")
    assert "compatibility" in out["plan"].specialists
    (report,) = out["reports"]
    # the tempo is the target and the loop is what is stretched onto it (fc49735)
    assert report.b == "fu_00.wav [0000cafe0000]"
    assert report.tempo is not None
    assert report.tempo.bpm_a == 146.0


def test_what_about_other_filters_after_a_search_searches_again_with_them(graph) -> None:
    chat = Chat(graph)
    chat.say("funk loops in E minor")
    chat.say("anything faster than 95?")
    out = chat.say("ok what about keys that are compatible with E minor instead, still over 95")
    req = out["request"]
    assert "discovery" in out["plan"].specialists
    assert req.refines
    assert req.compatible
    assert req.genres == ["funk"]
    assert req.bpm_min == 95.0
    assert len(out["hits"]) >= 2
    for h in out["hits"]:
        assert h.tempo_bpm >= 95.0
        assert harmony.key_relation("E minor", h.key).relation in {"same", "relative", "adjacent"}
