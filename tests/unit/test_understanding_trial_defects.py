"""Defects an outside trial on held-out conversations found in the offline understanding,
each as a conversation on the real offline graph over a small tagged catalog: the turn
must search what the user asked for, and keep what the conversation already said."""

from __future__ import annotations

import pandas as pd
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph
from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.chat import Chat
from tests.unit.test_graph_offline import catalog_row
from tests.unit.test_oneshot_search import _shot


def _loop(i: int, genre: str, era: str, bpm: float, key: str, swing: float = 55.0) -> dict:
    return catalog_row(
        id=f"7e57{i:012d}",
        path=f"/lib/{genre.replace(' ', '')}_{i:02d}_{round(bpm)}.wav",
        sha256=f"{i + 700:064x}",
        genre=genre,
        era=era,
        tempo_bpm=bpm,
        swing_percent=swing,
        backbeat_lag_ms=4.0,
        key=key,
        # funk rows are measured with more confidence: they rank first on a genre-only query
        tempo_confidence=0.99 if genre == "funk" else 0.6,
    )


ROWS = [
    *(_loop(i, "funk", "70s", 96.0 + i, "E minor") for i in range(12)),
    _loop(20, "soul", "70s", 88.0, "G minor"),
    _loop(21, "soul", "60s", 84.0, "C major"),
    _loop(30, "boom bap", "90s", 90.0, "A minor", swing=62.0),
    _loop(31, "boom bap", "90s", 92.0, "D minor", swing=61.0),
    _loop(32, "boom bap", "90s", 88.0, "F major", swing=60.0),
    _loop(33, "drum and bass", "90s", 180.0, "A minor"),
    _loop(34, "drum and bass", "90s", 176.0, "F minor"),
    _loop(40, "trap", "10s", 140.0, "F minor", swing=52.0),
    _loop(41, "trap", "10s", 142.0, "F major", swing=52.0),
    _loop(42, "trap", "10s", 144.0, "C minor", swing=52.0),
    _loop(43, "trap", "10s", 138.0, "A minor", swing=52.0),
    _loop(50, "house", "90s", 124.0, "A minor", swing=51.0),
]
SHOT_808 = _shot("5b0700000000f001", "808_F1.wav", "bass", "F1", tag="bass")


@pytest.fixture
def graph(settings: Settings):
    frame = cat.concat_frames([pd.DataFrame(ROWS), cat.records_to_frame([SHOT_808])])
    return build_graph(catalog=cat.FrameSource(frame), settings=settings).compile(
        checkpointer=InMemorySaver()
    )


@pytest.mark.parametrize("text", ["soul or funk loops", "find me some funk and soul loops"])
def test_two_genres_search_both(graph, text: str) -> None:
    out = Chat(graph).say(text)
    genres = [h.tags.genre for h in out["hits"]]
    # both genres are searched, and the higher-scored funk does not crowd soul out
    assert set(genres) == {"soul", "funk"}
    assert "soul or funk" in out["messages"][-1].content or "funk or soul" in (
        out["messages"][-1].content
    )


@pytest.mark.parametrize(
    "text", ["loops between 85 and 95", "show me loops from 85 to 95 bpm", "85-95 bpm loops"]
)
def test_a_stated_tempo_range_lists_only_tempos_inside_it(graph, text: str) -> None:
    out = Chat(graph).say(text)
    assert out["hits"]
    assert all(85 <= h.tempo_bpm <= 95 for h in out["hits"])
    # no 180 BPM loop "matching" 90 as double time, even when nothing else would match:
    # the user said where the tempo lies
    out = Chat(graph, thread="dnb").say(f"drum and bass {text}")
    assert all(85 <= h.tempo_bpm <= 95 for h in out["hits"])


def test_a_vague_tempo_prefers_loops_at_that_tempo(graph) -> None:
    out = Chat(graph).say("loops around 180")
    assert out["hits"]
    assert all(171 <= h.tempo_bpm <= 189 for h in out["hits"])


def test_a_vague_tempo_with_nothing_at_it_offers_half_or_double_time(graph) -> None:
    out = Chat(graph).say("trap loops around 70")
    assert out["hits"]
    assert all(h.tags.genre == "trap" and 133 <= h.tempo_bpm <= 147 for h in out["hits"])
    assert "half- or double-time" in out["messages"][-1].content


@pytest.mark.parametrize(("text", "bpm"), [("boom bap 90ish", 90.0), ("house, 124-ish", 124.0)])
def test_an_ish_tempo_is_an_approximate_target(text: str, bpm: float) -> None:
    req = parse_request(text)
    assert req.target_bpm == bpm
    assert req.bpm_min is not None
    assert req.bpm_max is not None
    assert req.bpm_min < bpm < req.bpm_max


def test_a_follow_up_after_an_empty_search_keeps_its_filters(graph) -> None:
    chat = Chat(graph)
    assert chat.say("house loops")["hits"]  # an older list, still shown
    assert not chat.say("trap loops from the 90s")["hits"]
    out = chat.say("any in a minor key?")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    # the empty search's filters, not the house search's
    assert req.genres == ["trap"]
    assert req.eras == ["90s"]
    assert not out["hits"]
    out = chat.say("what about the 2010s")
    assert out["request"].genres == ["trap"]
    assert out["hits"]
    assert all(h.tags.genre == "trap" and h.tags.era == "10s" for h in out["hits"])
    assert all(h.key.endswith("minor") for h in out["hits"])
