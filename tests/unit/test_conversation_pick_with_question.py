"""A pick from the list shown that comes with its question: "the one from the 80s, hows
the pocket" (a decade written with its article after the preposition), "which is less
swung" (a bare comparative between the listed loops) and "which is fastest" after a mix
check of two of them (the list is still what a bare superlative ranks when the user has
no samples of their own to rank)."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

TAG = "e21a"
ROWS = [
    numbered_loop(1, "boom bap", "90s", 90.0, "A minor", tag=TAG, swing_percent=59.9),
    numbered_loop(2, "boom bap", "80s", 90.1, "A minor", tag=TAG, swing_percent=63.4),
    numbered_loop(3, "boom bap", "90s", 87.1, "A minor", tag=TAG, swing_percent=61.4),
    numbered_loop(4, "drum and bass", "90s", 174.0, "Bb minor", tag=TAG, vibe="dark"),
    numbered_loop(5, "drum and bass", "90s", 170.0, "C minor", tag=TAG, vibe="dark"),
    numbered_loop(6, "drum and bass", "90s", 172.0, "G minor", tag=TAG, vibe="dark"),
    numbered_loop(7, "house", "90s", 124.0, "D minor", tag=TAG, swing_percent=52.4),
    numbered_loop(8, "house", "90s", 128.0, "D minor", tag=TAG, swing_percent=50.6),
]


def _chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(ROWS), settings=settings))


def test_the_one_from_the_decade_with_a_question(settings: Settings) -> None:
    chat = _chat(settings)
    chat.say("find a boom bap loop in A minor")
    for text in ("the one from the 80s, hows the pocket", "how swung is the loop from the 80s?"):
        out = chat.say(text)
        assert out["request"].samples == ["0002e21a00000002"], text
        assert "boom bap_80s_02.wav" in answer(out)


def test_a_bare_comparative_picks_from_the_list(settings: Settings) -> None:
    chat = _chat(settings)
    chat.say("D minor loops around 126")
    out = chat.say("which is less swung")
    assert hit_names(out) == ["house_90s_08.wav"]
    assert answer(out).startswith("Straightest of the 2 listed")


def test_a_superlative_after_a_mix_check_ranks_the_list(settings: Settings) -> None:
    chat = _chat(settings)
    chat.say("dark dnb loops from the 90s")
    chat.say("do the first two mix")
    out = chat.say("which is fastest")
    assert hit_names(out) == ["drum and bass_90s_04.wav"]
    assert answer(out).startswith("Fastest of the 3 listed")


REGGAE = [
    numbered_loop(11, "reggae", "70s", 70.0, "F# major", tag=TAG),
    numbered_loop(12, "reggae", "70s", 70.0, "D minor", tag=TAG),
    numbered_loop(13, "reggae", "70s", 69.1, "G major", tag=TAG),
    numbered_loop(14, "reggae", "70s", 74.1, "D minor", tag=TAG, vibe="chill"),
]


def test_it_after_a_pick_opening_the_message_is_that_pick(settings: Settings) -> None:
    """ "the one in G, what keys does it mix with": "it" is the loop just picked, and the
    keys asked are the ones around its own key (no second sample to compare)."""
    chat = Chat(offline_graph(library_frame(REGGAE), settings=settings))
    chat.say("reggae under 70")
    out = chat.say("the one in G, what keys does it mix with")
    assert out["request"].samples == ["0013e21a00000013"]
    assert out["request"].unresolved == []
    said = answer(out)
    assert "reggae_70s_13.wav [0013e21a00000013] is 9B on the Camelot wheel" in said
    assert "× E minor (9A)" in said


def test_what_keys_a_picked_loop_mixes_with_from_an_earlier_list(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(REGGAE), settings=settings))
    chat.say("reggae under 70")
    chat.say("chill reggae 72 to 78")
    out = chat.say("ok the G one - which keys can i blend it into?")
    assert out["request"].samples == ["0013e21a00000013"]
    assert "is 9B on the Camelot wheel" in answer(out)
