"""Outside trials: a sample of the user's named by what it is ("my waltz", "the 3/4 one",
"the swung break", "the 808"), and ranks past the end of a short list (own files and
wording here).

* a description that fits one of the samples sent names it, by its analysis (meter,
  swing, an 808) or its name; one that fits none is said to fit none, with the files
  sent listed and a question which one is meant, never an answer about another file;
* "will this 808 fit my waltz?" with the 808 attached now and the waltz sent before is
  a mix check of those two;
* "the second one - how swung is it?" after a list of one says the list had one
  result, by name, and analyses nothing.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.state import SampleTags
from tests.catalogs import library_frame, loop_row, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

STRAIGHT_KEYS = {**upload_row(0x81, "organ bit.wav", 100.0, "A minor", 50.5), "instrument": "keys"}
STRAIGHT_GROOVE = upload_row(0x82, "loop_b_final.wav", 98.0, "C major", 52.0)
SWUNG_DRUMS = upload_row(0x83, "kit jam 3.wav", 94.0, None, 62.0)
THREE = {**upload_row(0x84, "loop_c_final.wav", 138.0, "D major", 51.0), "meter": 3}
_SHOT = one_shot_record("8585858585858585", "x.wav", "bass", "D1", tag="808")
_SHOT_PATH = "/data/uploads/85/" + "85" * 32 + ".wav"
BOOM = _SHOT.model_copy(
    update={
        "path": _SHOT_PATH,
        "tags": SampleTags(instrument="bass", source="upload:low thing.wav"),
        "analysis": _SHOT.analysis.model_copy(update={"file": _SHOT_PATH})
        if _SHOT.analysis
        else None,
    }
)
LIBRARY = [
    loop_row(
        f"{i:04d}dead{i:08d}",
        f"grimy_dub_{i}",
        genre="dub",
        era="80s",
        tempo_bpm=70.0 + i,
        swing_percent=55.0,
        backbeat_lag_ms=6.0,
        key=key,
    )
    for i, key in enumerate(("G minor", "E major"))
]


@pytest.fixture
def graph(settings: Settings):
    rows = [STRAIGHT_KEYS, STRAIGHT_GROOVE, SWUNG_DRUMS, THREE, *LIBRARY]
    return offline_graph(library_frame(rows, [BOOM]), settings=settings)


def _sent(graph, *rows) -> Chat:
    chat = Chat(graph)
    for row in rows:
        chat.say("have a listen", samples=[row["id"]])
    return chat


@pytest.mark.parametrize(
    "text",
    [
        "how swung is my waltz?",
        "what key is the 3/4 one",
        "is the swung break too loose?",
        "what note is the 808 on?",
    ],
)
def test_a_description_none_of_the_files_sent_fits_asks_which(graph, text) -> None:
    chat = _sent(graph, STRAIGHT_KEYS, STRAIGHT_GROOVE)
    out = chat.say(text)
    assert out["request"].samples == []
    assert not out["reports"]
    said = answer(out)
    assert "None of the samples you sent" in said
    assert "Which file do you mean?" in said
    assert "organ bit.wav" in said  # the files sent are named, so the user can pick
    assert "Groove analysis" not in said


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("what key is the 3/4 one", THREE),
        ("how swung is my waltz?", THREE),
        ("is the swung break too loose?", SWUNG_DRUMS),
    ],
)
def test_a_description_one_file_sent_fits_names_it(graph, text, row) -> None:
    chat = _sent(graph, STRAIGHT_KEYS, SWUNG_DRUMS, THREE, STRAIGHT_GROOVE)
    out = chat.say(text)
    assert out["request"].samples == [row["id"]]
    assert "None of the samples" not in answer(out)


def test_this_808_against_my_waltz_sent_before(graph) -> None:
    chat = _sent(graph, STRAIGHT_GROOVE, THREE)  # the waltz is the latest sent
    out = chat.say("will this 808 fit my waltz?", samples=[BOOM.id])
    assert set(out["request"].samples) == {BOOM.id, THREE["id"]}
    assert "compatibility" in out["plan"].specialists
    (report,) = out["reports"]
    said = answer(out)
    assert "nothing to compare" not in said.lower()
    assert f"**{report.verdict}**" in said


def test_a_rank_past_a_list_of_one_names_the_one(graph) -> None:
    chat = _sent(graph, STRAIGHT_KEYS)
    assert len(chat.say("dub loops in E major")["hits"]) == 1
    out = chat.say("the second one - how swung is it?")
    assert out["request"].samples == []
    assert not out["plan"].specialists
    said = answer(out)
    assert "only one result" in said
    assert "grimy_dub_1.wav" in said
    assert "Groove analysis" not in said


@pytest.mark.parametrize("text", ["goes w grimy_dub_0?", "and sits under grimy_dub_0.wav?"])
def test_a_mix_question_without_its_subject_after_a_list_of_one(graph, text) -> None:
    chat = Chat(graph)
    assert len(chat.say("dub loops in E major")["hits"]) == 1  # grimy_dub_1 alone
    out = chat.say(text)
    assert out["request"].samples == [LIBRARY[1]["id"], LIBRARY[0]["id"]]
    assert out["plan"].specialists == ["compatibility"]
    assert out["reports"]
