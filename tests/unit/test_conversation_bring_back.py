"""A filter taken back ("bring back the major ones too", "put the 80s back", "let soul
back in"): what an earlier turn filtered out returns beside what the search kept."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph
from tests.chat import Chat, hit_names

_CRATE = [
    (96.0, "G minor", "funk", "70s"),
    (97.0, "Bb major", "funk", "80s"),
    (98.0, "C minor", "funk", "80s"),
    (96.5, "F major", "soul", "70s"),
    (97.5, "D minor", "soul", "70s"),
]


def _chat(settings: Settings) -> Chat:
    rows = [
        catalog_row(
            id=f"{i:04d}feed{i:08d}",
            path=f"/crate/groove_{i:02d}.wav",
            sha256=f"{i + 600:064x}",
            genre=genre,
            era=era,
            vibe="warm",
            tempo_bpm=bpm,
            swing_percent=56.0,
            backbeat_lag_ms=4.0,
            key=key,
        )
        for i, (bpm, key, genre, era) in enumerate(_CRATE)
    ]
    return Chat(offline_graph(library_frame(rows), settings=settings), thread="dig")


def test_bringing_back_the_other_mode_lifts_the_mode_filter(settings: Settings) -> None:
    chat = _chat(settings)
    assert len(hit_names(chat.say("funk loops around 97 bpm please"))) == 3
    assert sorted(hit_names(chat.say("just the ones in minor"))) == [
        "groove_00.wav",
        "groove_02.wav",
    ]
    out = chat.say("ok let the major ones back in as well")
    assert out["request"].mode is None
    assert sorted(hit_names(out)) == ["groove_00.wav", "groove_01.wav", "groove_02.wav"]


def test_a_decade_put_back_joins_the_one_kept(settings: Settings) -> None:
    chat = _chat(settings)
    chat.say("funk loops around 97 bpm please")
    assert hit_names(chat.say("only the 70s ones")) == ["groove_00.wav"]
    out = chat.say("hmm, put the 80s back")
    assert set(out["request"].eras) == {"70s", "80s"}
    assert len(hit_names(out)) == 3
