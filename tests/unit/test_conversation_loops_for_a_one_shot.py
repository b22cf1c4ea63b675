"""An attached 808 asked "what note is it and which library loops would it fit" gets its
root and a library search in the keys whose scale holds that root (the keys on it first),
not a mix check against another sample of the thread, and "808" is no filter on the loops
(own data: a sub on D#, loops in keys around it, a snare uploaded before)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer


def _loop(i: int, name: str, key: str) -> dict:
    return numbered_loop(
        i,
        "trap",
        "10s",
        140.0 + i,
        key,
        id=f"77d5{i:012d}",
        name=name,
        swing_percent=52.0,
        backbeat_lag_ms=1.0,
    )


LOOPS = {
    "eb_minor_bells": _loop(1, "eb_minor_bells", "D# minor"),
    "g_sharp_pluck": _loop(2, "g_sharp_pluck", "G# major"),  # D# is its fifth
    "b_major_pad": _loop(3, "b_major_pad", "B major"),  # D# is its third
    "d_major_keys": _loop(4, "d_major_keys", "D major"),  # no D# in D major
}
SUB = one_shot_record("77d50000000000aa", "deep sub hit.wav", "808", "D#1", tag="808")
SNARE = one_shot_record("77d50000000000bb", "crack snare.wav", "snare", None, tag="snare")


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS.values(), [SUB, SNARE]), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "what note is this 808 and what loops in the library would it fit?",
        "which loops from my library would this 808 fit",
    ],
)
def test_a_one_shot_gets_its_root_and_loops_whose_scale_holds_it(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("got this snare", samples=[SNARE.id])
    out = chat.say(text, samples=[SUB.id])
    assert not out.get("reports")  # no mix verdict against the snare
    assert "D#1" in answer(out)
    ids = [h.sample_id for h in out["hits"]]
    assert ids[0] == LOOPS["eb_minor_bells"]["id"]  # the key on the root first
    assert set(ids) == {LOOPS[n]["id"] for n in ("eb_minor_bells", "g_sharp_pluck", "b_major_pad")}
    assert ids.index(LOOPS["g_sharp_pluck"]["id"]) < ids.index(LOOPS["b_major_pad"]["id"])
