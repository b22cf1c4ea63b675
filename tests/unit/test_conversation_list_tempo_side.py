"""A tempo side of the list shown with no number ("drop the slow ones", "lose the fast
ones", "only the quicker ones") splits that list at its own median tempo and keeps the
side asked, saying what it kept (outside tester: "drop the slow ones" showed the same
list again)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    *(
        numbered_loop(n, "funk", "70s", bpm, "A minor", tag="c7a2")
        for n, bpm in enumerate((88.0, 94.0, 98.0, 104.0, 110.0, 116.0), 1)
    ),
    numbered_loop(7, "disco", "70s", 120.0, "A minor", tag="c7a2"),
]
SLOW = {"funk_70s_01.wav", "funk_70s_02.wav", "funk_70s_03.wav"}
FAST = {"funk_70s_04.wav", "funk_70s_05.wav", "funk_70s_06.wav"}


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    assert set(hit_names(c.say("funk loops"))) == SLOW | FAST
    return c


@pytest.mark.parametrize(
    "ask", ["drop the slow ones", "only the quicker ones", "ok just keep the faster ones"]
)
def test_the_faster_half_of_the_list_is_kept(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert set(hit_names(out)) == FAST
    assert "Kept the 3 faster of the 6 listed, 104–116 BPM" in answer(out)


@pytest.mark.parametrize("ask", ["lose the fast ones", "get rid of the quicker loops"])
def test_the_slower_half_of_the_list_is_kept(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert set(hit_names(out)) == SLOW
    assert "Kept the 3 slower of the 6 listed, 88–98 BPM" in answer(out)


def test_a_number_is_still_a_bound(chat: Chat) -> None:
    out = chat.say("drop anything under 100")
    assert set(hit_names(out)) == FAST
    assert "Kept the" not in answer(out)


def test_the_band_kept_is_said_to_a_tenth_of_a_bpm(settings: Settings) -> None:
    # measured tempi are not round: the band of the faster half read "101.1–104.111 BPM"
    rows = [
        numbered_loop(n, "funk", "70s", bpm, "A minor", tag="c7a3")
        for n, bpm in enumerate((96.02, 98.4, 101.13, 102.5, 104.111), 1)
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    chat.say("funk loops")
    said = answer(chat.say("drop the slow ones"))
    assert "101.1–104.1 BPM" in said
    assert "104.111" not in said


@pytest.mark.parametrize(
    ("ask", "kept"),
    [
        ("drop the slow ones", {"funk_70s_02.wav", "funk_70s_03.wav"}),
        ("only the quicker ones", {"funk_70s_02.wav", "funk_70s_03.wav"}),
        ("lose the fast ones", {"funk_70s_01.wav", "funk_70s_02.wav"}),
    ],
)
def test_every_loop_of_the_side_kept_stays(settings: Settings, ask: str, kept: set[str]) -> None:
    # outside tester: loops listed at 96.0, 97.0 and 99.2 BPM (measured 96.04 and 99.16),
    # "drop the slow ones" kept only the 97: the band ended at the measured 99.16 while
    # the catalog compares the tempo as shown (99.2), and began at 96.04 (shown 96.0)
    rows = [
        numbered_loop(n, "funk", "70s", bpm, "A minor", tag="c7a4")
        for n, bpm in enumerate((96.04, 97.0, 99.16), 1)
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    assert len(hit_names(chat.say("funk loops"))) == 3
    assert set(hit_names(chat.say(ask))) == kept
