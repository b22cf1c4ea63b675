"""A count of single sounds for the loop just analysed ("a couple of 808s that fit it",
"three 808s for it") lists that many one-shots whose roots fit the loop's key: the
count is read for sounds as for loops ("a couple" = 2, "a few" = 3), "808s" after a
count are one-shots (no tempo window from the loop), and "it" is the loop analysed
last, not a bass one-shot of the user's sent before it (outside tester: one 808 listed,
found for the bass note)."""

from __future__ import annotations

import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph, one_shot_record, upload_row
from tests.chat import Chat

SHOTS = [
    one_shot_record(f"beaf00000000000{i}", f"808_{root}.wav", "bass", root, tag="bass")
    for i, root in enumerate(["E1", "B1", "G1", "A1", "C#2", "F1"], 1)
]
MY_BASS = one_shot_record("cafe000000000001", "my_bass.wav", "bass", "A1").model_copy(
    update={"source": "upload:my bass.wav"}
)
MY_LOOP = upload_row(0x71, "my loop.wav", 97.0, "E minor", 57.0)
LOOPS = [
    loop_row(
        f"{n:04d}aaaa{n:08d}",
        f"funk_{n}",
        key="E minor",
        genre="funk",
        era="70s",
        tempo_bpm=96.0 + n,
        swing_percent=55.0,
        backbeat_lag_ms=3.0,
    )
    for n in range(3)
]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a couple of 808s", 2),
        ("a few kicks", 3),
        ("three snares please", 3),
        ("2 808s that fit it", 2),
        ("some 808 kicks", None),
    ],
)
def test_a_count_of_sounds_is_read(text, count) -> None:
    assert parse_request(text).limit == count


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([*LOOPS, MY_LOOP], [*SHOTS, MY_BASS]), settings=settings)


@pytest.mark.parametrize(
    ("text", "roots"),
    [
        ("a couple of 808s that fit it", ["E1", "B1"]),
        # A1 and G1 are both in the scale, tied: the tie is cut by file name, as in the
        # full list ("808s that fit it" lists A1 third too)
        ("a few 808s that fit it", ["E1", "B1", "A1"]),
    ],
)
def test_counted_808s_for_the_loop_analysed_last(graph, text, roots) -> None:
    chat = Chat(graph)
    chat.say("here's my bass", samples=[MY_BASS.id])
    chat.say("and my loop", samples=[MY_LOOP["id"]])
    out = chat.say(text)
    req = out["request"]
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert MY_LOOP["id"] in {req.for_sample, *req.samples}
    assert [h.root_note for h in out["hits"]] == roots
