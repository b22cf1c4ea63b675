"""Issue 10 (outside tester): the user's own files of a thread named by what they are or
when they were sent, and uploads named by a file name with spaces. Written for this
test with files and sentences of our own, on the real offline graph.

* a mix check between two of the user's samples, one named by its stem and the other
  by a word for it ("my waltz": the loop in 3/4), or both by words ("my keys loop", "my
  funk loop", "my break"), or by the order they were sent ("my first loop", "the one I
  sent before"), is that pair's verdict: never a library search, never "two samples
  needed", never a style lecture;
* an upload named by its file name with spaces ("Night Bus Groove 3.wav"), with nothing
  attached, is that upload (it was answered "no audio file '3.wav' in the library").
"""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.names import OwnSample, find_named_files, find_own_refs
from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer


def _upload(
    n: int,
    sent_as: str,
    bpm: float,
    key: str | None,
    *,
    meter: int | None = None,
    instrument: str | None = None,
) -> dict:
    digest = f"{n:02x}" * 32
    row = catalog_row(
        id=f"a{n:02x}" + "0" * 13,
        path=f"/data/uploads/{digest[:2]}/{digest}.wav",  # stored under its content hash
        sha256=digest,
        source=f"upload:{sent_as}",
        tempo_bpm=bpm,
        swing_percent=56.0,
        backbeat_lag_ms=5.0,
        key=key or "C major",
    )
    if key is None:  # drums only
        row.update(key=None, camelot=None)
    if meter:
        row["meter"] = meter
    if instrument:
        row["instrument"] = instrument
    return row


def _library_loop(i: int, name: str, genre: str, bpm: float, key: str) -> dict:
    return catalog_row(
        id=f"1b{i:014d}",
        path=f"/lib/{name}.wav",
        sha256=f"{i + 3300:064x}",
        genre=genre,
        era="10s",
        tempo_bpm=bpm,
        swing_percent=52.0,
        backbeat_lag_ms=1.0,
        key=key,
    )


THREE = _upload(0x31, "sunday_take_3.wav", 120.0, "G major", meter=3)  # a waltz by its meter
FUNK = _upload(0x32, "greasy_funk_loop_97.wav", 97.0, "E minor")
KEYS = _upload(0x33, "ep_chords_a.wav", 90.0, "A minor", instrument="keys")
BREAK = _upload(0x34, "dusty_brk_01.wav", 92.0, None)
SPACED = _upload(0x35, "Night Bus Groove 3.wav", 104.0, "D minor")
ROWS = [
    THREE,
    FUNK,
    KEYS,
    BREAK,
    SPACED,
    _library_loop(1, "icy_trap_roll_01", "trap", 140.0, "C minor"),
    _library_loop(2, "icy_trap_roll_02", "trap", 144.0, "G minor"),
    _library_loop(3, "brass_funk_hit_loop", "funk", 99.0, "E minor"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def _is_verdict_on(out: dict, *rows: dict) -> None:
    assert set(out["request"].samples) == {r["id"] for r in rows}
    assert "compatibility" in out["plan"].specialists
    assert "discovery" not in out["plan"].specialists
    assert "era" not in out["plan"].specialists
    (report,) = out["reports"]
    said = answer(out)
    assert f"**{report.verdict}**" in said
    assert "two things to compare" not in said


@pytest.mark.parametrize(
    "text",
    [
        "does greasy_funk_loop_97 mix with my waltz?",
        "would greasy_funk_loop_97.wav sit ok with my waltz",
    ],
)
def test_a_stem_against_my_waltz_sent_before_it_is_a_mix_check(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("tempo and meter please", samples=[THREE["id"]])
    chat.say("and what key is this one", samples=[FUNK["id"]])  # the funk is in focus now
    out = chat.say(text)
    _is_verdict_on(out, FUNK, THREE)


def test_my_keys_loop_two_turns_after_it_was_sent(graph) -> None:
    chat = Chat(graph)
    chat.say("check the swing on this", samples=[KEYS["id"]])
    chat.say("show me trap loops")  # a list is shown in between
    out = chat.say("will my keys loop mix with greasy_funk_loop_97?")
    _is_verdict_on(out, KEYS, FUNK)


@pytest.mark.parametrize(
    "text",
    [
        "does my funk loop mix with my waltz?",
        "is my waltz gonna work with the funk one",
        "can my first loop go with my second one?",
        "does the one I sent before mix with the one I just sent?",
    ],
)
def test_two_of_my_samples_named_by_kind_or_order(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("what's the meter on this?", samples=[THREE["id"]])
    chat.say("and this one, how swung?", samples=[FUNK["id"]])
    _is_verdict_on(chat.say(text), THREE, FUNK)


def test_my_break_and_my_keys_loop_out_of_three(graph) -> None:
    chat = Chat(graph)
    chat.say("analyse this", samples=[KEYS["id"]])
    chat.say("and this", samples=[BREAK["id"]])
    chat.say("and this last one", samples=[THREE["id"]])  # the waltz is the latest
    _is_verdict_on(chat.say("will my keys loop sit on my break?"), KEYS, BREAK)


@pytest.mark.parametrize(
    "text", ["what key is Night Bus Groove 3.wav?", "how fast is night bus groove 3.wav"]
)
def test_an_upload_named_with_spaces_is_that_upload(graph, text: str) -> None:
    out = Chat(graph).say(text)  # never attached in this thread
    assert out["request"].samples == [SPACED["id"]]
    said = answer(out)
    assert "no audio file" not in said
    assert "Night Bus Groove 3.wav" in said
    assert "104.0 BPM" in said


def test_an_upload_sent_earlier_named_by_its_spaced_stem(graph) -> None:
    chat = Chat(graph)
    chat.say("what tempo?", samples=[SPACED["id"]])
    chat.say("show me trap loops")
    out = chat.say("does Night Bus Groove 3 mix with the second one?")
    assert set(out["request"].samples) == {SPACED["id"], ROWS[6]["id"]}
    assert "no audio file" not in answer(out)


def test_a_name_with_spaces_is_found_from_its_extension_back() -> None:
    frame = pd.DataFrame(ROWS)
    (named,) = find_named_files("is Night Bus Groove 3.wav in 3/4?", lambda: frame)
    assert (named.phrase, named.ids) == ("Night Bus Groove 3.wav", (SPACED["id"],))
    # the same upload under another extension: its one stem
    (other,) = find_named_files("play greasy_funk_loop_97.flac", lambda: frame)
    assert other.ids == (FUNK["id"],)
    # a file name nothing in the library has is left to the tools (which say so)
    assert find_named_files("what about 3.wav", lambda: frame) == []


def _own(*specs: tuple[str, str, dict]) -> list[OwnSample]:
    return [OwnSample(id=i, name=n, **kw) for i, n, kw in specs]


def test_own_refs_name_one_sample_or_none() -> None:
    own = _own(
        ("k1", "chords_take1.wav", {"instruments": frozenset({"keys"})}),
        ("k2", "chords_take2.wav", {"instruments": frozenset({"keys"})}),
        ("d1", "kit_groove.wav", {"drums": True}),
    )
    # two keys loops: "my keys loop" names neither; "my break" the one drums-only loop
    (found,) = find_own_refs("will my keys loop fit my break", own)
    assert (found.phrase, found.ids, found.names) == ("my break", ("d1",), ("kit_groove.wav",))
    # order words pick by the order sent; "the first one" is a listed hit's rank
    assert [f.ids for f in find_own_refs("my second loop with my first one", own)] == [
        ("k2",),
        ("k1",),
    ]
    assert find_own_refs("does the first one swing", own) == []
    assert [f.ids for f in find_own_refs("the one I sent before", own)] == [("k2",)]
    # plain "my loop" says nothing of which: left to the understanding
    assert find_own_refs("does my loop swing", own) == []
    # "the keys one" only while no list of results is shown
    one_keys = own[1:]
    assert [f.ids for f in find_own_refs("is the keys one swung", one_keys)] == [("k2",)]
    assert find_own_refs("is the keys one swung", one_keys, the_too=False) == []
