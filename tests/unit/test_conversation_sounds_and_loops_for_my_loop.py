"""What goes with one of the user's loops, asked with two of theirs in the thread (outside
tester, README-only):

* "what goes with my keys loop" repeated the keys loop's analysis; the README says it
  lists library loops in the keys that mix with it, near its tempo;
* "a bass note that fits my pad" checked the pad against the user's other loop and
  against its own key; the README says it searches bass sounds whose root fits the
  pad's key (a sound for that loop, not a pair to compare)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

PAD = upload_row(0x61, "pad_Aminor_90.wav", 90.0, "A minor", 50.0)
SNARE = upload_row(0x62, "late_snare_100.wav", 100.0, None, 50.0, lag_ms=32.0)
KEYS = ("A minor", "C major", "E minor", "D minor", "F# minor", "Bb major", "G major")
LOOPS = [
    numbered_loop(i, "funk", "70s", 80.0 + 2 * i, KEYS[i % len(KEYS)], tag="6a6b")
    for i in range(1, 14)
]
SHOTS = [
    one_shot_record("6a6b00000000bb01", "808_A1.wav", "bass", "A1", tag="bass"),
    one_shot_record("6a6b00000000bb02", "808_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("6a6b00000000bb03", "808_F#1.wav", "bass", "F#1", tag="bass"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([PAD, SNARE, *LOOPS], SHOTS), settings=settings)


def test_what_goes_with_my_keys_loop_lists_library_loops_that_mix(graph) -> None:
    chat = Chat(graph)
    chat.say("here's my keys loop", samples=[PAD["id"]])
    chat.say("and my other loop, late snare", samples=[SNARE["id"]])
    out = chat.say("what goes with my keys loop")
    assert "discovery" in out["plan"].specialists
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.sample_id for h in hits}.isdisjoint({PAD["id"], SNARE["id"]})
    assert {h.camelot for h in hits} <= set(compatible_camelots("A minor"))
    assert all(abs(h.tempo_bpm - 90.0) <= 0.09 * 90.0 for h in hits)
    assert "Groove analysis" not in answer(out)


def test_a_bass_note_that_fits_my_pad_searches_bass_roots_in_its_key(graph) -> None:
    chat = Chat(graph)
    chat.say("whats the key of this pad", samples=[PAD["id"]])
    chat.say("here's my other loop, late snare", samples=[SNARE["id"]])
    out = chat.say("a bass note that fits my pad")
    assert not out.get("reports"), answer(out)  # no mix verdicts of the user's samples
    names = [h.path.rsplit("/", 1)[-1] for h in out["hits"]]
    assert names[:2] == ["808_A1.wav", "808_E1.wav"]  # the tonic, then the fifth
    assert "808_F#1.wav" not in names  # F# is not in A minor


def test_what_mixes_with_a_key_after_my_loop_asks_for_keys(graph) -> None:
    chat = Chat(graph)
    chat.say("here's my keys loop", samples=[PAD["id"]])
    out = chat.say("ok so what mixes with 8B")
    assert "discovery" not in out["plan"].specialists
    assert "compatibility" in out["plan"].specialists
