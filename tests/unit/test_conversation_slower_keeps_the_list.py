"""A comparative follow-up ("a touch slower", "bit quicker?") moves only the tempo of
the list shown: a feel the last search had to relax to find anything is not suddenly
applied strictly (outside trial: "something a bit slower" after a search whose vibe was
relaxed found nothing, the vibe now required)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer


def _library() -> pd.DataFrame:
    rows = []
    for i, bpm in enumerate((78.0, 80.0, 83.0, 86.0, 88.0, 97.0, 99.0, 104.0, 106.0)):
        for genre in ("reggae", "dub"):
            rows.append(
                loop_row(
                    f"{len(rows):016x}",
                    f"{genre}_riddim_{i:02d}",
                    key="G minor",
                    genre=genre,
                    era="80s",
                    vibe="dark" if genre == "dub" else None,
                    tempo_bpm=bpm,
                    swing_percent=55.0,
                    backbeat_lag_ms=10.0,
                )
            )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(("move", "slower"), [("a touch slower", True), ("bit quicker?", False)])
def test_a_tempo_move_keeps_the_list_and_changes_only_the_tempo(
    chat: Chat, move: str, slower: bool
) -> None:
    first = chat.say("mellow reggae loops around 92")
    assert first["hits"]  # none is tagged mellow: the vibe was relaxed to find these
    assert all(h.tags.genre == "reggae" for h in first["hits"])
    out = chat.say(move)
    hits = out["hits"]
    assert hits, answer(out)
    assert all(h.tags.genre == "reggae" for h in hits)
    shown = [h.tempo_bpm for h in first["hits"]]
    # slower (faster) than the 92 asked for, reaching past what was shown
    if slower:
        assert all(h.tempo_bpm < 92.0 for h in hits)
        assert min(h.tempo_bpm for h in hits) < min(shown)
    else:
        assert all(h.tempo_bpm > 92.0 for h in hits)
        assert max(h.tempo_bpm for h in hits) > max(shown)


def test_a_vibe_the_list_holds_stays_strict(chat: Chat) -> None:
    first = chat.say("dark loops around 92")
    assert first["hits"]
    assert all(h.tags.vibe == "dark" for h in first["hits"])
    out = chat.say("a touch slower")
    assert out["hits"]
    assert all(h.tags.vibe == "dark" for h in out["hits"])
