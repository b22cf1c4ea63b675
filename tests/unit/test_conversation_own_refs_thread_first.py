"""The user's own samples named in prose ("my keys loop") are looked for among this
turn's attachments and this thread's samples first; an upload sent in another thread
whose name the words also fit is not pulled in beside them, and a description of the
attached loop's parts ("the hats sit straight") is no search for such parts."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph, one_shot_record, upload_row
from tests.chat import Chat

ELSEWHERE = {**upload_row(0x41, "warm keys loop.wav", 88.0, "D minor", 50.0), "instrument": "keys"}
KIT = upload_row(0x42, "garage kit.wav", 82.0, None, 61.0)
EVEN = {**upload_row(0x43, "keys even eighths.wav", 104.0, "E minor", 50.0), "instrument": "keys"}
THREE = {**upload_row(0x44, "little waltz.wav", 144.0, "G major", 51.0), "meter": 3}
SHOTS = [one_shot_record("d00d0000000000a1", "closed_hat_tight.wav", "hat", tag="hat")]
FILLER = [
    catalog_row(
        id=f"{i:04d}cafe{i:08d}",
        path=f"/lib/organ_bits_{i:02d}.wav",
        sha256=f"{i + 700:064x}",
        genre="soul",
        era="70s",
        tempo_bpm=96.0 + i,
        swing_percent=52.0,
        backbeat_lag_ms=3.0,
        key="A minor",
    )
    for i in range(4)
]


def _thread(settings: Settings) -> Chat:
    graph = offline_graph(
        library_frame([ELSEWHERE, KIT, EVEN, THREE, *FILLER], SHOTS), settings=settings
    )
    Chat(graph, thread="yesterday").say("key of this?", samples=[ELSEWHERE["id"]])
    chat = Chat(graph, thread="today")
    chat.say("my drums for tonight", samples=[KIT["id"]])
    return chat


def test_an_attached_keys_loop_described_by_its_parts_is_the_only_sample(
    settings: Settings,
) -> None:
    chat = _thread(settings)
    out = chat.say("plus my keys loop, the hats sit straight on the grid", samples=[EVEN["id"]])
    assert out["request"].samples == [EVEN["id"]]
    assert out["plan"].specialists == ["groove"]
    assert not out.get("hits")


def test_my_keys_loop_is_the_one_of_this_thread_not_another_threads_upload(
    settings: Settings,
) -> None:
    chat = _thread(settings)
    chat.say("got keys too", samples=[EVEN["id"]])
    chat.say("and a thing in three", samples=[THREE["id"]])
    out = chat.say("would my waltz sit well with my keys loop?")
    assert set(out["request"].samples) == {THREE["id"], EVEN["id"]}
    assert ELSEWHERE["id"] not in out["request"].samples
    assert out["reports"]
