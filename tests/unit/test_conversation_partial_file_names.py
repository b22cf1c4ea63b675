"""A library file named by part of its name, written as a user types it: "check raw
boombap 7", "how swung is the boombap one 07", "gritty funk 10" (words with spaces, the
number without its zeros, a filler word between), "raw_boombap_7". These were read as a
search for raw boom bap, or as a style question about boom bap, and the file was never
analysed. The rule: words that are the parts of one file's stem right before its number
part name that file; a name that fits several files asks which, unless one of them is in
the list shown now; "the 03" answers that question by the file's number part."""

from __future__ import annotations

import pandas as pd
import pytest
from langgraph.types import Command

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_LOOPS = (
    # n, genre, bpm, key, file name
    (1, "boom bap", 90.0, "A minor", "raw_boombap_07_90bpm_Am"),
    (2, "boom bap", 94.0, "E minor", "dusty_boombap_09_94bpm_Em"),
    (3, "funk", 97.0, "E minor", "gritty_funk_03_97bpm_Em"),
    (4, "funk", 100.0, "E minor", "gritty_funk_10_100bpm_Em"),
    (5, "funk", 106.0, "C minor", "dusty_funk_01_106bpm_Cm"),
    (6, "drum and bass", 174.0, "G minor", "dark_drumandbass_07_174bpm_Gm"),
)


def _id(n: int) -> str:
    return numbered_id(n, "a11e")


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            numbered_loop(n, genre, "90s", bpm, key, tag="a11e", name=name, vibe=name.split("_")[0])
            for n, genre, bpm, key, name in _LOOPS
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("check raw boombap 7", 1),
        ("how swung is the boombap one 07", 1),
        ("how swung is gritty funk 10", 4),
        ("what key is raw_boombap_7 in?", 1),
        ("analyse dnb 7", 6),
    ],
)
def test_a_file_named_by_words_and_its_number_is_analysed(chat: Chat, text: str, n: int) -> None:
    out = chat.say(text)
    assert list(out["analyses"]) == [_id(n)], answer(out)
    assert f"{_LOOPS[n - 1][4]}.wav [{_id(n)}]" in answer(out)
    assert not out.get("hits")


def test_a_tempo_after_style_words_names_no_file(chat: Chat) -> None:
    out = chat.say("boom bap loops around 90")
    assert not out.get("analyses")
    assert [h.sample_id for h in out["hits"]][:1] == [_id(1)]


def test_a_name_of_several_files_asks_which_and_the_padded_number_picks(chat: Chat) -> None:
    out = chat.say("analyse gritty_funk")
    (pending,) = out["__interrupt__"]
    assert pending.value["type"] == "choose_sample"
    assert [o["name"] for o in pending.value["options"]] == [
        "gritty_funk_03_97bpm_Em.wav",
        "gritty_funk_10_100bpm_Em.wav",
    ]
    # "the 03" is the file numbered 03, not a third option
    out = dict(chat.graph.invoke(Command(resume="the 03"), chat.config))
    assert list(out["analyses"]) == [_id(3)]
    assert "97.0 BPM" in answer(out)


def test_a_name_of_several_files_names_the_one_in_the_list_shown(chat: Chat) -> None:
    shown = chat.say("funk loops around 99 in E minor, 95 to 99 bpm")
    assert [h.sample_id for h in shown["hits"]] == [_id(3)]
    out = chat.say("how swung is gritty_funk?")
    assert "__interrupt__" not in out
    assert list(out["analyses"]) == [_id(3)], answer(out)
