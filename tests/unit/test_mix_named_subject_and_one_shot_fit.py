"""A mix check between samples of the thread named by words of their file names on both
sides of the mixing verb, and a one-shot attached with "does it fit?" checked against the
loop in focus (its root against the loop's key), on the real offline graph."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from tests.catalogs import numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer


def _loop(i: int, name: str, genre: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        i, genre, "00s", bpm, key, id=f"3c11{i:012d}", name=name, sha256=f"{i + 4100:064x}"
    )


ROWS = [
    _loop(1, "wurli_chords_take3", "soul", 96.0, "D minor"),
    _loop(2, "late_night_house_groove", "house", 124.0, "F major"),
    _loop(3, "gritty_funk_riff", "funk", 101.0, "E minor"),
    {**_loop(4, "sunday_break_take1", "funk", 99.0, "C major"), "key": None, "camelot": None},
]
IDS = {r["path"].rsplit("/", 1)[-1].removesuffix(".wav"): r["id"] for r in ROWS}
KICK_C = one_shot_record("3c1100000000a001", "my_tuned_kick_C1.wav", "kick", "C1", tag="kick")


@pytest.fixture
def graph(settings: Settings):
    frame = cat.concat_frames([pd.DataFrame(ROWS), cat.records_to_frame([KICK_C])])
    return offline_graph(frame, settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "is the wurli gonna mix with my house groove?",
        "would my house groove fit with the wurli",
    ],
)
def test_both_samples_named_by_their_file_words_are_compared(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("check this one out", samples=[IDS["wurli_chords_take3"]])
    chat.say("and this", samples=[IDS["gritty_funk_riff"]])
    chat.say("what about this one", samples=[IDS["late_night_house_groove"]])
    out = chat.say(text)
    # the wurli is not the sample in focus (the house groove is) and the funk riff came in
    # between: the words pick the two samples
    assert set(out["request"].samples) == {
        IDS["wurli_chords_take3"],
        IDS["late_night_house_groove"],
    }
    (report,) = out["reports"]
    expected = harmony.compatibility(key_a="D minor", key_b="F major", bpm_a=96.0, bpm_b=124.0)
    assert report.verdict == expected.verdict
    assert f"**{expected.verdict}**" in answer(out)


def test_a_word_any_sample_could_have_names_none(graph) -> None:
    # "loop" is in no file name here, and would name every loop if it were: no pair from it
    chat = Chat(graph)
    chat.say("check this one out", samples=[IDS["wurli_chords_take3"]])
    out = chat.say("will the loop mix with my house groove?")
    assert IDS["gritty_funk_riff"] not in out["request"].samples


@pytest.mark.parametrize("text", ["here's a kick I tuned, does it fit?", "does this one work?"])
def test_a_one_shot_attached_with_does_it_fit_is_checked_against_the_loop(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("analyse this", samples=[IDS["wurli_chords_take3"]])  # D minor
    out = chat.say(text, samples=[KICK_C.id])
    assert out["request"].samples == [KICK_C.id, IDS["wurli_chords_take3"]]
    (report,) = out["reports"]
    expected = harmony.note_compatibility("D minor", "C1")
    assert report.key is not None
    assert report.key.relation == expected.relation
    # every line written for the turn describes the one-shot as one: no tempo placeholders
    said = "\n".join(str(m.content) for m in out["messages"])
    assert "? BPM" not in said
    assert "root C1" in said


def test_a_listed_hit_against_my_keyless_break_analysed_earlier(graph) -> None:
    chat = Chat(graph)
    chat.say("my break, how fast is it?", samples=[IDS["sunday_break_take1"]])  # drums only
    chat.say("and this one, what key?", samples=[IDS["wurli_chords_take3"]])  # now in focus
    listed = chat.say("loops from 95 to 130 bpm")["hits"]
    second = listed[1].sample_id
    assert second not in (IDS["sunday_break_take1"], IDS["wurli_chords_take3"])
    out = chat.say("is the 2nd one gonna mix with my break?")
    # "my break" is the break (no key, so named by its file name only), not the wurli in
    # focus; "the 2nd one" is the listed hit
    assert out["request"].samples == [second, IDS["sunday_break_take1"]]
    (report,) = out["reports"]
    assert report.verdict in answer(out)
