"""The compatibility specialist's note on a "find loops that mix with it" turn says what
the search does with keys, as the search applies it: a drum loop (nothing pitched, no key)
lends the search no key filter, so the note must not claim one."""

from __future__ import annotations

from langchain_core.messages import AIMessage

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer

BREAK = upload_row(0x31, "my break.wav", 92.0, None, 58.0)  # drums only: no key
KEYS_LOOP = upload_row(0x32, "rhodes loop.wav", 92.0, "A minor", 55.0)
LIBRARY = [
    catalog_row(
        id=f"{i:04d}cafe{i:08d}",
        path=f"/lib/boombap_{i:02d}.wav",
        sha256=f"{i + 3100:064x}",
        genre="boom bap",
        era="90s",
        tempo_bpm=88.0 + 2 * i,
        swing_percent=58.0,
        backbeat_lag_ms=4.0,
        key=key,
    )
    for i, key in enumerate(["A minor", "E minor", "F# major", "C major", "Bb minor"])
]


def _note(out: dict, name: str) -> str:
    turn = out["messages"]
    last_human = max(i for i, m in enumerate(turn) if m.type == "human")
    return " ".join(
        str(m.content)
        for m in turn[last_human + 1 :]
        if isinstance(m, AIMessage) and m.name == name and not m.tool_calls
    )


def test_a_drum_loop_reference_lends_the_search_no_key(settings: Settings) -> None:
    graph = offline_graph(library_frame([BREAK, KEYS_LOOP, *LIBRARY]), settings=settings)
    out = Chat(graph).say(
        "what tempo is this and find loops that mix with it", samples=[BREAK["id"]]
    )
    assert {"groove", "compatibility", "discovery"} <= set(out["request"].specialists)
    # the search applied no key filter: loops of any key near its tempo
    assert len({h.key for h in out["hits"]}) > 2
    for text in (_note(out, "compatibility"), answer(out)):
        assert "keys that mix" not in text
        assert "lists only keys" not in text
    # the specialist says what the search did: no key to match
    assert "no key" in _note(out, "compatibility")


def test_a_keyed_reference_is_named_with_its_key(settings: Settings) -> None:
    graph = offline_graph(library_frame([BREAK, KEYS_LOOP, *LIBRARY]), settings=settings)
    out = Chat(graph).say(
        "what tempo is this and find loops that mix with it", samples=[KEYS_LOOP["id"]]
    )
    hits = out["hits"]
    assert hits
    assert all(h.key in {"A minor", "E minor", "C major"} for h in hits)
    assert "A minor" in _note(out, "compatibility")
