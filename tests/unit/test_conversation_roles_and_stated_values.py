"""Outside trials: the user's files named by the role the user gave them as they sent
them, and values the user states for an analysed sample (own files and wording here).

* a file sent with one word for what it is ("here's the rhodes", "now my 808") is that
  word later ("the rhodes", "my 808"), also when its name and analysis say nothing of it,
  and also under a list of results one of which is such a loop; two files sent in one
  message with their roles in order ("first the drums, then the pad") are those;
* "it's 100 bpm, trust me", "the drums are 124 not 126", "it's 46, it's half time" state
  the sample's tempo: taken as the user's figure for the rest of the thread.
"""

from __future__ import annotations

import pytest

from groovegraph.graph.names import sent_as_roles
from groovegraph.settings import Settings
from groovegraph.state import SampleTags
from tests.catalogs import library_frame, loop_row, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

TAKE_A = upload_row(0x71, "bounce_0412.wav", 88.0, "E minor", 52.0)  # the name says nothing
TAKE_B = upload_row(0x72, "bounce_0413.wav", 104.0, "G major", 57.0)
DRIFTY = {
    **upload_row(0x73, "late night idea.wav", 144.0, "A minor", 53.0),
    "tempo_confidence": 0.41,
}
HALVED = upload_row(0x74, "tape loop 9.wav", 172.0, None, 58.0)
_SHOT = one_shot_record("7575757575757575", "x.wav", "bass", "E1", tag="808")
_SHOT_PATH = "/data/uploads/75/" + "75" * 32 + ".wav"
SUB = _SHOT.model_copy(
    update={
        "path": _SHOT_PATH,
        "tags": SampleTags(instrument="bass", source="upload:bounce_0414.wav"),
        "analysis": _SHOT.analysis.model_copy(update={"file": _SHOT_PATH})
        if _SHOT.analysis
        else None,
    }
)
LIBRARY = [
    {
        **loop_row(
            f"{i:04d}abcd{i:08d}",
            f"glassy_keys_{i}",
            genre="house",
            era="90s",
            tempo_bpm=90.0 + i,
            swing_percent=51.0,
            backbeat_lag_ms=2.0,
            key="E minor",
        ),
        "instrument": "keys",
    }
    for i in range(3)
]


@pytest.fixture
def graph(settings: Settings):
    rows = [TAKE_A, TAKE_B, DRIFTY, HALVED, *LIBRARY]
    return offline_graph(library_frame(rows, [SUB]), settings=settings)


def test_roles_are_read_from_the_turns_the_files_came_with() -> None:
    roles = sent_as_roles(
        [
            ("here's the rhodes", ["a"]),
            ("and now my drum loop, does it fit a pad?", ["b"]),  # a pad asked for, not sent
            ("first the bass, then the keys", ["c", "d"]),
            ("i'll send the vocal then the 808", []),
            ("", ["e"]),
            ("ok", ["f"]),
        ]
    )
    assert roles == {
        "a": frozenset({"rhodes"}),
        "b": frozenset({"drum"}),
        "c": frozenset({"bass"}),
        "d": frozenset({"keys"}),
        "e": frozenset({"vocal"}),
        "f": frozenset({"808"}),
    }


def test_a_file_is_later_named_by_the_role_given_as_it_was_sent(graph) -> None:
    chat = Chat(graph)
    chat.say("here's the rhodes", samples=[TAKE_A["id"]])
    chat.say("and this is my drum loop", samples=[TAKE_B["id"]])
    out = chat.say("how swung is the rhodes?")
    assert out["request"].samples == [TAKE_A["id"]]
    out = chat.say("does the rhodes sit on the drums?")
    assert set(out["request"].samples) == {TAKE_A["id"], TAKE_B["id"]}
    assert "compatibility" in out["plan"].specialists
    assert out["reports"]


def test_two_files_sent_with_their_roles_in_order(graph) -> None:
    chat = Chat(graph)
    chat.say("first the drums, then the keys", samples=[TAKE_B["id"], TAKE_A["id"]])
    out = chat.say("what key are the keys in?")
    assert out["request"].samples == [TAKE_A["id"]]
    out = chat.say("and the drums, tempo?")
    assert out["request"].samples == [TAKE_B["id"]]


def test_an_808_sent_first_against_a_loop_called_by_its_role(graph) -> None:
    chat = Chat(graph)
    chat.say("sending my 808 first", samples=[SUB.id])
    chat.say("then the rhodes", samples=[TAKE_A["id"]])
    out = chat.say("808 under the rhodes, good?")
    assert set(out["request"].samples) == {SUB.id, TAKE_A["id"]}
    assert "compatibility" in out["plan"].specialists
    assert out["reports"]


def test_the_role_given_beats_a_listed_hit_of_that_instrument(graph) -> None:
    chat = Chat(graph)
    chat.say("here are the keys", samples=[TAKE_A["id"]])
    assert chat.say("house loops from the 90s")["hits"]  # keys loops are listed
    out = chat.say("the keys, how swung?")
    assert out["request"].samples == [TAKE_A["id"]]


@pytest.mark.parametrize(
    ("sample", "text", "said"),
    [
        (DRIFTY, "it's 96 bpm, trust me", 96),
        (DRIFTY, "this one is 96", 96),
        (HALVED, "it's 86 bpm, it's half time", 86),
        (HALVED, "it's 86 not 172", 86),
        (HALVED, "not 172, it's 86", 86),
    ],
)
def test_a_tempo_stated_plainly_is_the_users_figure(graph, sample, text, said) -> None:
    chat = Chat(graph)
    chat.say("what tempo is this?", samples=[sample["id"]])
    out = chat.say(text)
    assert out["request"].samples == [sample["id"]]
    assert "discovery" not in out["plan"].specialists
    assert f"{said} BPM as you say" in answer(out)
    # used from then on
    assert f"{said}.0 BPM (your figure, not measured)" in answer(chat.say("so how fast is it?"))


def test_the_drums_stated_at_one_tempo_not_another(graph) -> None:
    chat = Chat(graph)
    chat.say("the keys loop, 1st of 2", samples=[TAKE_A["id"]])
    chat.say("2nd, the drum loop", samples=[TAKE_B["id"]])
    out = chat.say("the drums are 100 not 104 btw")
    assert out["request"].samples == [TAKE_B["id"]]
    assert "100 BPM as you say" in answer(out)
    out = chat.say("swing on the keys loop, is it really that low?")
    assert out["request"].samples == [TAKE_A["id"]]


@pytest.mark.parametrize(
    "text", ["it's 80s style, right?", "it's 60 percent swung?", "play it at 96 bpm for me"]
)
def test_other_numbers_are_no_stated_tempo(graph, text) -> None:
    chat = Chat(graph)
    chat.say("what tempo is this?", samples=[DRIFTY["id"]])
    assert "as you say" not in answer(chat.say(text))
