"""Questions that rank samples by a measured value ("which of my uploads is the quickest?",
"which of those has the most swing?") pick the first by that value among the user's own
samples or the list shown, and a question about one value of a sample analysed earlier
("is it swung?", "what key was my pads loop in again?") is answered first, without the
"same numbers again" preamble (own wording and files)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

# the quickest upload is neither the first nor the last sent
SLOW = upload_row(0x51, "lazy pads loop.wav", 78.0, "E minor", 57.0)
QUICK = upload_row(0x52, "rush hats loop.wav", 126.0, None, 50.4)
MID = upload_row(0x53, "mid organ loop.wav", 101.0, "C major", 62.5)
UPLOADS = [SLOW, QUICK, MID]
LIBRARY = [
    loop_row(
        f"{i:04d}f00d{i:08d}",
        f"disco_cut_{i}",
        genre="disco",
        era="80s",
        tempo_bpm=110.0 + i,
        swing_percent=swing,
        backbeat_lag_ms=1.0,
        key="A minor",
    )
    for i, swing in enumerate((53.5, 64.0, 58.5))
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([*UPLOADS, *LIBRARY]), settings=settings)


def _three_sent(graph) -> Chat:
    chat = Chat(graph)
    for row in UPLOADS:
        chat.say("what's the groove here", samples=[row["id"]])
    return chat


@pytest.mark.parametrize(
    ("text", "winner"),
    [
        ("which of my uploads is the quickest?", QUICK),
        ("ok which of my loops is the fastest", QUICK),
        ("and which one of mine is the slowest?", SLOW),
        ("which of my samples swings the hardest?", MID),
        ("which of my loops is the straightest?", QUICK),
    ],
)
def test_a_superlative_over_own_uploads_ranks_by_the_measured_value(graph, text, winner) -> None:
    out = _three_sent(graph).say(text)
    assert out["request"].samples == [winner["id"]]
    said = answer(out)
    assert said.splitlines()[0].count(winner["source"].removeprefix("upload:")) == 1
    assert "do not change between turns" not in said


def test_a_superlative_over_the_list_shown_picks_a_listed_hit(graph) -> None:
    chat = Chat(graph)
    shown = hit_names(chat.say("disco loops"))
    assert len(shown) == 3
    out = chat.say("which of those has the most swing?")
    assert hit_names(out) == ["disco_cut_1.wav"]  # 64 %, shown as the one of the list
    assert answer(out).startswith("Most swung of the 3 listed: disco_cut_1.wav")
    # the search goes on from the list's, no longer only among the one picked
    later = hit_names(chat.say("same thing but from the 80s"))
    assert sorted(later) == sorted(shown)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("is it swung?", "No: rush hats loop.wav"),
        ("how fast is it", "rush hats loop.wav"),
    ],
)
def test_a_value_asked_again_is_answered_first_without_the_preamble(graph, text, first) -> None:
    chat = _three_sent(graph)
    chat.say("what's the groove here", samples=[QUICK["id"]])
    out = chat.say(text)
    said = answer(out)
    assert said.startswith(first)
    assert "do not change between turns" not in said
    assert "same answer" not in said


def test_a_key_asked_again_of_a_named_upload(graph) -> None:
    chat = _three_sent(graph)
    out = chat.say("what key was my lazy pads loop in again?")
    said = answer(out)
    assert said.splitlines()[0].endswith("E minor (9A).")
    assert "do not change between turns" not in said
