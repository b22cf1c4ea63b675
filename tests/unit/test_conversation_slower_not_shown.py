""" "anything slower?" / "something a bit faster?" right after a list or after one loop
was analysed (tune split: after "trap loops around 148", "anything slower?" listed the
147 and 144 BPM loops shown a turn before; after "70s funk around 103" and "only the minor
ones", "slower ones" listed the 100 and 102 BPM loops again; after one loop was analysed,
"anything faster?" searched the whole library at any tempo).

The rule: the same filters, a tempo band just past the reference (the tempo asked for, or
the loop analysed), and the loops listed before left out unless nothing new is there."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

_TRAP = (150.0, 148.0, 147.0, 146.0, 144.0, 138.0, 136.0)
_FUNK = ((103.0, "A minor"), (100.0, "E minor"), (97.0, "E minor"), (92.0, "D major"))


def _library() -> pd.DataFrame:
    rows = [
        numbered_loop(n, "trap", "10s", bpm, "F minor", tag="510e")
        for n, bpm in enumerate(_TRAP, 1)
    ]
    rows += [
        numbered_loop(n, "funk", "70s", bpm, key, tag="510e")
        for n, (bpm, key) in enumerate(_FUNK, len(rows) + 1)
    ]
    rows.append(numbered_loop(20, "soul", "60s", 150.5, "C major", tag="510e"))
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["anything slower?", "any slower ones?", "something a bit slower"])
def test_slower_after_a_list_offers_loops_not_shown(chat: Chat, ask: str) -> None:
    first = chat.say("trap loops around 148")
    shown = {h.sample_id for h in first["hits"]}
    assert {h.tempo_bpm for h in first["hits"]} >= {147.0, 146.0, 144.0}
    out = chat.say(ask)
    hits = out["hits"]
    assert hits, answer(out)
    assert not shown & {h.sample_id for h in hits}, answer(out)
    assert {h.tempo_bpm for h in hits} == {138.0, 136.0}
    assert {h.tags.genre for h in hits} == {"trap"}


def test_faster_with_nothing_new_shows_the_listed_ones_again_and_says_so(chat: Chat) -> None:
    chat.say("70s funk around 100")
    chat.say("only the minor ones")
    out = chat.say("anything a bit faster?")
    hits = out["hits"]
    assert [h.tempo_bpm for h in hits] == [103.0], answer(out)
    assert "listed before" in answer(out)


def test_faster_after_one_loop_analysed_is_faster_than_that_loop(chat: Chat) -> None:
    loop = numbered_loop(6, "trap", "10s", 138.0, "F minor", tag="510e")["id"]
    analysed = chat.say("what tempo is this?", samples=[str(loop)])
    assert list(analysed["analyses"]) == [loop]
    out = chat.say("something a bit faster?")
    hits = out["hits"]
    assert hits, answer(out)
    assert all(138.0 < h.tempo_bpm <= 152.0 for h in hits), answer(out)
    assert loop not in {h.sample_id for h in hits}
