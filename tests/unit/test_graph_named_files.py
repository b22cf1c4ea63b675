"""Library files named in a message (outside trial): "does gritty_funk_03_97bpm_Em.wav mix
with uplifting_disco_01_123bpm_Bm.wav" or "analyse gritty_funk_03" were ignored unless
attached. A named indexed file is found in the catalog by file name or stem; a name that
fits several files is asked about."""

from __future__ import annotations

import pandas as pd
import pytest
from langgraph.types import Command

from groovegraph.graph.names import find_named_files, pick
from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer, run

FUNK, DISCO, BREAK_A, BREAK_B, SOUL = (
    "f0000000000000a1",
    "d0000000000000b2",
    "b0000000000000c3",
    "b0000000000000d4",
    "50000000000000e5",
)


def _frame(root: str = "/lib") -> pd.DataFrame:
    rows = [
        (FUNK, f"{root}/Funk/70s/gritty_funk_03_97bpm_Em.wav", 97.0, "E minor", "funk"),
        (DISCO, f"{root}/Disco/70s/uplifting_disco_01_123bpm_Bm.wav", 123.0, "B minor", "disco"),
        (BREAK_A, f"{root}/packA/break_01.wav", 92.0, "A minor", "funk"),
        (BREAK_B, f"{root}/packB/break_01.wav", 94.0, "C major", "soul"),
        (SOUL, f"{root}/Soul/60s/gritty_funk_030_99bpm_Am.wav", 99.0, "A minor", "soul"),
    ]
    return pd.DataFrame(
        [
            catalog_row(
                id=sid,
                path=path,
                sha256=sid * 4,
                genre=genre,
                era="70s",
                tempo_bpm=bpm,
                swing_percent=55.0,
                backbeat_lag_ms=4.0,
                key=key,
            )
            for sid, path, bpm, key, genre in rows
        ]
    )


@pytest.fixture
def graph(settings: Settings):
    library = str((settings.data_dir / "library").resolve())
    return offline_graph(_frame(library), settings=settings)


def test_two_named_files_are_compared(graph) -> None:
    out = run(
        graph,
        "does gritty_funk_03_97bpm_Em.wav mix with uplifting_disco_01_123bpm_Bm.wav",
        thread="pair",
    )
    assert out["request"].samples == [FUNK, DISCO]
    (report,) = out["reports"]
    assert report.a == f"gritty_funk_03_97bpm_Em.wav [{FUNK}]"
    assert report.b == f"uplifting_disco_01_123bpm_Bm.wav [{DISCO}]"
    text = answer(out)
    assert "no audio file" not in text
    assert f"**{report.verdict}** (score {report.score:.2f})" in text


@pytest.mark.parametrize(
    "text",
    ["analyse gritty_funk_03", "what's the swing on gritty_funk_03?", "analyse GRITTY_FUNK_03."],
)
def test_a_stem_names_its_file(graph, text: str) -> None:
    out = run(graph, text, thread=f"stem-{text}")
    assert out["request"].samples == [FUNK]
    assert list(out["analyses"]) == [FUNK]
    assert f"gritty_funk_03_97bpm_Em.wav [{FUNK}]" in answer(out)


def test_a_name_that_fits_two_files_asks_which(graph, settings: Settings) -> None:
    config = {"configurable": {"thread_id": "which"}}
    out = run(graph, "what's the swing on break_01.wav?", thread="which")
    (pending,) = out["__interrupt__"]
    assert pending.value["type"] == "choose_sample"
    assert [o["id"] for o in pending.value["options"]] == [BREAK_A, BREAK_B]
    # two files of one name are offered by their library paths, never server paths
    assert [o["name"] for o in pending.value["options"]] == [
        "packA/break_01.wav",
        "packB/break_01.wav",
    ]
    assert "1. packA/break_01.wav" in pending.value["question"]
    assert str(settings.data_dir.resolve()) not in pending.value["question"]
    out = dict(graph.invoke(Command(resume="2"), config))
    assert out["request"].samples == [BREAK_B]
    assert f"break_01.wav [{BREAK_B}]" in answer(out)
    assert "94.0 BPM" in answer(out)
    # an answer by path picks too
    out = run(graph, "what's the swing on break_01.wav?", thread="which-path")
    out = dict(
        graph.invoke(
            Command(resume="packA/break_01.wav"), {"configurable": {"thread_id": "which-path"}}
        )
    )
    assert out["request"].samples == [BREAK_A]


def test_no_pick_says_the_name_was_unclear(graph) -> None:
    config = {"configurable": {"thread_id": "unclear"}}
    out = run(graph, "analyse break_01.wav", thread="unclear")
    assert out["__interrupt__"]
    out = dict(graph.invoke(Command(resume="no idea"), config))
    assert not out["analyses"]
    assert 'I could not tell which file of your library "break_01.wav" means' in answer(out)


def test_words_that_are_not_file_names_touch_nothing() -> None:
    calls: list[int] = []

    def frame() -> pd.DataFrame:
        calls.append(1)
        return _frame()

    for text in (
        "find lo_fi loops at 90-100 bpm",
        "hip-hop loops in A minor",
        "what's the swing on my loop?",
        "gritty funk please",
    ):
        assert find_named_files(text, frame) == [], text
    # "90-100" and "lo_fi" looked like names and were looked up, but nothing is named so
    assert calls
    calls.clear()
    assert find_named_files("find funk loops near 96 BPM", frame) == []
    assert not calls  # no word like a file name: the catalog is not read


def test_prefix_stops_at_a_separator_and_picks_by_rank_or_name() -> None:
    (named,) = find_named_files("is gritty_funk_03 swung", _frame)
    assert named.ids == (FUNK,)  # not gritty_funk_030_99bpm_Am.wav
    (two,) = find_named_files("play `break_01.wav`", _frame)
    assert two.ids == (BREAK_A, BREAK_B)
    assert pick(two, "the second one") == BREAK_B
    assert pick(two, "#1") == BREAK_A
    assert pick(two, "last") == BREAK_B
    assert pick(two, "packB") is None  # folder names are not shown: not a pick
    assert pick(two, BREAK_B) == BREAK_B
    assert pick(two, "3") is None
    (path,) = find_named_files("analyse packA/break_01.wav", _frame)
    assert path.ids == (BREAK_A,)


def test_only_a_sample_of_an_earlier_turn_is_from_earlier(graph) -> None:
    # Two indexed files attached in the same turn are new to the thread: their analysis
    # is shown, neither is "from earlier".
    chat = Chat(graph, thread="fresh-pair")
    out = chat.say("check whether this pair works together", samples=[BREAK_A, SOUL])
    assert {"groove", "compatibility"} <= set(out["plan"].specialists)
    assert "from earlier" not in answer(out)
    assert f"break_01.wav [{BREAK_A}]: 92.0 BPM" in answer(out)
    # Next turn: a file named for the first time beside the thread's sample, in a
    # mixing question — the named file's stored analysis serves the mix check (no groove
    # run, as for a listed hit), and it is never "from earlier".
    chat = Chat(graph, thread="named-beside")
    chat.say("tempo and key of this one please", samples=[BREAK_B])
    out = chat.say("would uplifting_disco_01_123bpm_Bm.wav work with it?")
    assert set(out["request"].samples) == {BREAK_B, DISCO}
    assert out["plan"].specialists == ["compatibility"]
    text = answer(out)
    assert f"uplifting_disco_01_123bpm_Bm.wav [{DISCO}] from earlier" not in text
    assert f"break_01.wav [{BREAK_B}] × uplifting_disco_01_123bpm_Bm.wav [{DISCO}]" in text
    # asked about its groove too, the named file is analysed and shown, not "from earlier"
    chat = Chat(graph, thread="named-groove")
    chat.say("tempo and key of this one please", samples=[BREAK_B])
    out = chat.say(
        "what's the swing on uplifting_disco_01_123bpm_Bm.wav, and does it mix with mine?"
    )
    text = answer(out)
    assert "groove" in out["plan"].specialists
    assert f"uplifting_disco_01_123bpm_Bm.wav [{DISCO}] from earlier" not in text
    assert f"uplifting_disco_01_123bpm_Bm.wav [{DISCO}]: 123.0 BPM" in text


def test_a_stem_fragment_that_fits_several_files_asks_which() -> None:
    # underscored words are a file-name fragment even without a digit; the start of
    # several stems is ambiguous, the start of one names it, whole parts inside a stem
    # name it too, and a plain genre word is never a name
    (several,) = find_named_files("run the numbers on gritty_funk for me", _frame)
    assert several.ids == (FUNK, SOUL)
    (one,) = find_named_files("how swung is uplifting_disco", _frame)
    assert one.ids == (DISCO,)
    (inner,) = find_named_files("tempo of funk_03 please", _frame)
    assert inner.ids == (FUNK,)  # not gritty_funk_030_…
    assert find_named_files("some funk and disco please", _frame) == []
    assert find_named_files("anything for lo-fi hip-hop", _frame) == []
    assert find_named_files("tempo of tight_soul please", _frame) == []


def test_analyse_a_stem_fragment_of_several_files_asks_which_one(graph) -> None:
    config = {"configurable": {"thread_id": "fragment"}}
    out = run(graph, "break down gritty_funk for me", thread="fragment")
    (pending,) = out["__interrupt__"]
    assert pending.value["type"] == "choose_sample"
    assert [o["name"] for o in pending.value["options"]] == [
        "gritty_funk_03_97bpm_Em.wav",
        "gritty_funk_030_99bpm_Am.wav",
    ]
    # the specialist the turn needs asks, in its own words
    assert pending.value["asked_by"] == "groove"
    assert pending.value["question"].endswith(
        "Which one should I analyse? (a number or the file name)"
    )
    assert out["plan"].specialists == ["groove"]
    assert out["plan"].asking
    out = dict(graph.invoke(Command(resume="the second"), config))
    assert not out["plan"].asking
    assert out["request"].samples == [SOUL]
    assert f"gritty_funk_030_99bpm_Am.wav [{SOUL}]" in answer(out)


@pytest.mark.parametrize(
    "text",
    ["would funk_03 go with my waltz?", "is funk_03 going to blend with my shuffle"],
)
def test_a_named_file_against_my_piece_is_a_mix_check_not_a_meter_question(
    graph, text: str
) -> None:
    # "my waltz"/"my shuffle" name the loop analysed earlier in the thread; the turn asks
    # whether the named library file mixes with it
    chat = Chat(graph, thread=text)
    chat.say("tempo and key of this one please", samples=[BREAK_A])
    out = chat.say(text)
    assert out["request"].samples == [BREAK_A, FUNK]
    assert "compatibility" in out["plan"].specialists
    (report,) = out["reports"]
    assert (report.a, report.b) == (
        f"break_01.wav [{BREAK_A}]",
        f"gritty_funk_03_97bpm_Em.wav [{FUNK}]",
    )
    assert "Meter:" not in answer(out)


@pytest.mark.parametrize(
    "text",
    [
        "does funk_03 blend with uplifting_disco_01?",
        "how far apart are gritty_funk_03_97bpm_Em.wav and uplifting_disco_01 in tempo",
        "funk_03 vs uplifting_disco_01: how big is the tempo gap?",
    ],
)
def test_a_mix_question_about_named_files_reads_their_stored_analyses(graph, text: str) -> None:
    # two indexed files named in a mixing question: their catalog analyses serve the mix
    # check, nothing is measured again
    out = Chat(graph, thread=text).say(text)
    assert set(out["request"].samples) == {FUNK, DISCO}
    assert out["plan"].specialists == ["compatibility"]
    assert out["reports"]


@pytest.mark.parametrize(
    "text",
    [
        "whats the key of funk_03 and will it mix with something in A minor?",
        "which tempo is uplifting_disco_01 at, and does it blend with D major",
    ],
)
def test_a_named_file_asked_for_its_own_numbers_is_analysed(graph, text: str) -> None:
    out = Chat(graph, thread=text).say(text)
    assert out["plan"].specialists[0] == "groove"
    assert "compatibility" in out["plan"].specialists
