"""A thread remembers the lists it showed before the last one: after a turn that shows one
hit (a superlative pick) or another list, "back to the list", "those three dusty loops"
and "the C minor one" reach the earlier list they describe, and a narrowing after "back to
the list" narrows that list (outside tester: the shown list had shrunk to the one pick)."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

_TAG = "5ac0"
# five dark 90s house loops (keys of both modes), three dusty 90s hip hop loops (the
# snare of the second sits furthest back), and one warm 70s funk loop
_HOUSE = [
    (1, 122.0, "C minor", 2.0),
    (2, 124.0, "A minor", 4.0),
    (3, 126.0, "F major", 6.0),
    (4, 120.0, "G minor", 3.0),
    (5, 125.0, "D major", 5.0),
]
_DUSTY = [(6, 88.0, "E minor", 6.0), (7, 92.0, "Bb major", 14.0), (8, 95.0, "C major", 9.0)]


def _id(n: int) -> str:
    return numbered_id(n, _TAG)


def _chat(settings: Settings) -> Chat:
    rows = [
        *(
            numbered_loop(
                n,
                "house",
                "90s",
                bpm,
                key,
                tag=_TAG,
                name=f"house_{n}",
                vibe="dark",
                backbeat_lag_ms=lag,
            )
            for n, bpm, key, lag in _HOUSE
        ),
        *(
            numbered_loop(
                n,
                "hip hop",
                "90s",
                bpm,
                key,
                tag=_TAG,
                name=f"dusty_{n}",
                vibe="dusty",
                backbeat_lag_ms=lag,
            )
            for n, bpm, key, lag in _DUSTY
        ),
        numbered_loop(9, "funk", "70s", 100.0, "C minor", tag=_TAG, name="funk_9", vibe="warm"),
    ]
    return Chat(offline_graph(library_frame(rows), settings=settings), thread="dig")


def _house_then_slowest(chat: Chat) -> None:
    assert len(hit_names(chat.say("dark house loops"))) == 5
    # the pick is shown as a list of one
    assert hit_names(chat.say("which one is the slowest?")) == ["house_4.wav"]


def test_back_to_the_list_reads_an_attribute_against_the_list_before_a_pick(
    settings: Settings,
) -> None:
    chat = _chat(settings)
    _house_then_slowest(chat)
    out = chat.say("back to the list - the C minor one?")
    assert out["request"].samples == [_id(1)]
    said = answer(out)
    assert "house_1.wav" in said
    assert "earlier list" in said


def test_an_attribute_no_hit_of_a_pick_has_is_the_earlier_lists_one(settings: Settings) -> None:
    chat = _chat(settings)
    _house_then_slowest(chat)
    out = chat.say("the C minor one")
    # house_4 (G minor) is all the last answer listed; the list before held a C minor loop
    assert out["request"].samples == [_id(1)]
    assert not out["request"].unresolved


def test_back_to_described_loops_ranks_that_list(settings: Settings) -> None:
    chat = _chat(settings)
    _house_then_slowest(chat)
    out = chat.say("go back to those house loops, which is fastest?")
    assert hit_names(out) == ["house_3.wav"]
    assert "Fastest of the 5 listed" in answer(out)


def test_a_narrowing_after_back_to_the_list_narrows_that_list(settings: Settings) -> None:
    chat = _chat(settings)
    assert len(hit_names(chat.say("dusty hip hop loops"))) == 3
    _house_then_slowest(chat)
    back = chat.say("ok back to the dusty loops")
    assert sorted(hit_names(back)) == ["dusty_6.wav", "dusty_7.wav", "dusty_8.wav"]
    assert sorted(hit_names(chat.say("just the major ones"))) == ["dusty_7.wav", "dusty_8.wav"]


def test_those_three_dusty_loops_are_the_list_before_the_last(settings: Settings) -> None:
    chat = _chat(settings)
    assert len(hit_names(chat.say("dusty hip hop loops"))) == 3
    assert len(hit_names(chat.say("dark house loops"))) == 5
    out = chat.say("which of those three dusty loops has the lazier snare?")
    # ranked among the three dusty loops, not the five house ones shown last: the snare
    # furthest back (+14 ms) is dusty_7's
    assert hit_names(out) == ["dusty_7.wav"]
    assert "Most laid back of the 3 listed" in answer(out)


def test_a_comparative_which_of_those_picks_one(settings: Settings) -> None:
    chat = _chat(settings)
    assert len(hit_names(chat.say("dark house loops"))) == 5
    assert hit_names(chat.say("which of them is faster?")) == ["house_3.wav"]
    assert len(hit_names(chat.say("dark house loops"))) == 5
    # a bound is no pick
    out = chat.say("which of those are faster than 123 bpm?")
    assert sorted(hit_names(out)) == ["house_2.wav", "house_3.wav", "house_5.wav"]


def test_the_previous_list_is_the_one_whose_hit_the_turn_names(settings: Settings) -> None:
    chat = _chat(settings)
    chat.say("dusty hip hop loops")
    _house_then_slowest(chat)
    # two lists came before the pick; only the dusty one has a 92 BPM loop
    out = chat.say("the previous list - the 92 bpm one")
    assert out["request"].samples == [_id(7)]


def test_back_to_them_shows_the_list_before_the_pick_again(settings: Settings) -> None:
    chat = _chat(settings)
    _house_then_slowest(chat)
    out = chat.say("ok back to them")
    assert sorted(hit_names(out)) == [f"house_{n}.wav" for n in range(1, 6)]
    assert sorted(hit_names(chat.say("only the major ones"))) == ["house_3.wav", "house_5.wav"]


def test_the_stack_of_shown_lists_stays_bounded(settings: Settings) -> None:
    from groovegraph.graph.state import SHOWN_LISTS_KEPT

    chat = _chat(settings)
    for text in (
        "dusty hip hop loops",
        "dark house loops",
        "funk loops",
        "which one is the slowest?",
        "dusty hip hop loops",
        "only the major ones",
        "dark house loops",
        "which one is the fastest?",
        "anything in C minor?",
    ):
        chat.say(text)
    stack = chat.graph.get_state(chat.config).values["shown_lists"]
    assert 1 < len(stack) <= SHOWN_LISTS_KEPT
    # each list once
    lists = [tuple(h.sample_id for h in s.hits) for s in stack]
    assert len(lists) == len(set(lists))


def test_back_to_the_70s_ones_of_a_mixed_list_searches_the_70s(settings: Settings) -> None:
    rows = [
        numbered_loop(
            n, "disco", "70s" if n % 3 else "80s", 115.0 + n, "A minor", tag=_TAG, vibe="warm"
        )
        for n in range(1, 9)
    ]
    chat = Chat(offline_graph(library_frame(rows), settings=settings), thread="disco")
    assert len(hit_names(chat.say("disco 115-123"))) == 8
    assert len(hit_names(chat.say("only 80s"))) == 2
    # the first list held 70s and 80s loops: "the 70s ones" are its 70s part, searched
    out = chat.say("nah back to the 70s ones")
    assert out["request"].eras == ["70s"]
    assert sorted(hit_names(out)) == [f"disco_70s_{n:02d}.wav" for n in (1, 2, 4, 5, 7, 8)]
