"""How the understanding layer reads words into request slots (issue 10, an outside trial):
drum-only loops, result counts in words, negated genres, a genre swapped "instead", a
long message with an attachment, a search that mixes with the sample at hand, and the
router model's lists. Each test is written in its own words (no evaluation row), on the
offline graph over a small tagged catalog that holds drum-only (keyless) loops."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph
from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery, RequestReading
from groovegraph.tools import catalog as cat
from groovegraph.tools import vocab
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(i: int, genre: str, era: str, bpm: float, key: str | None, vibe: str | None = None):
    # drums only (key None): nothing pitched, so no key confidence either (as the
    # analysis records it)
    return numbered_loop(
        i,
        genre,
        era,
        bpm,
        key,
        id=f"5107{i:012d}",
        name=f"{genre.replace(' ', '')}_{i:02d}_{round(bpm)}",
        sha256=f"{i + 5100:064x}",
        vibe=vibe,
        swing_percent=56.0,
        backbeat_lag_ms=3.0,
        **({"key_confidence": None} if key is None else {}),
    )


ROWS = [
    *(_loop(i, "reggae", "70s", 68.0 + i, "F minor", "chill") for i in range(5)),
    *(_loop(10 + i, "house", "90s", 122.0 + i, "A minor", "chill") for i in range(5)),
    *(_loop(20 + i, "funk", "70s", 95.0 + i, None) for i in range(4)),  # drum-only funk
    *(_loop(30 + i, "funk", "70s", 97.0 + i, "E minor") for i in range(8)),
    _loop(40, "soul", "60s", 92.0, "C minor"),
]
DRUMS = {r["id"] for r in ROWS if r["key"] is None}


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


# ------------------------------------------------------------------- drum-only loops


@pytest.mark.parametrize("text", ["drum loops", "70s funk drum breaks", "just drums around 96"])
def test_drum_loops_are_the_loops_with_nothing_pitched(graph, text: str) -> None:
    out = Chat(graph).say(text)
    assert out["request"].instrument == "drums"
    assert out["hits"]
    assert {h.sample_id for h in out["hits"]} <= DRUMS  # no loop with a key (melodic)


@pytest.mark.parametrize(
    ("text", "instrument"),
    [
        ("bass loops at 120", "bass"),
        ("keys loops in C minor", "keys"),
        ("how tight are the drums on this", None),  # a part of the sample, no filter
        ("loops with live drums", None),
        ("drum and bass loops", None),  # a genre
    ],
)
def test_what_instrument_a_loop_search_names(text: str, instrument: str | None) -> None:
    assert vocab.find_instrument(text) == instrument


def test_a_drums_tag_and_drum_one_shots_count_as_drums() -> None:
    tagged = {**_loop(60, "breakbeat", "90s", 170.0, "A minor"), "instrument": "drums"}
    melodic = {**_loop(61, "breakbeat", "90s", 172.0, "A minor"), "instrument": "keys"}
    frame = pd.DataFrame([*ROWS, tagged, melodic])
    hits = cat.search(frame, CatalogQuery(instrument="drums", kind="loop", limit=50))
    assert {h.sample_id for h in hits} == DRUMS | {tagged["id"]}


# ------------------------------------------------------------------- result counts


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("pull up a couple of dusty funk loops", 2),
        ("got a pair of soul breaks?", 2),
        ("a few reggae grooves please", vocab.FEW),
        ("a handful of house loops", vocab.FEW),
        ("just one funk loop", 1),
        ("a single soul break around 90", 1),
        ("one loop in A minor", 1),
        ("three funk loops", 3),
        ("4 house loops", 4),
        ("the top 5 reggae loops", 5),
        ("top seven funk loops", 7),
        ("show me a couple", 2),
        ("and a dozen more please", 12),
        ("only one then", 1),
        ("a few of those please", vocab.FEW),
        ("a handful of boom bap breaks, nothing over 95", vocab.FEW),
        ("a dozen dusty soul loops", 12),
        ("single jungle break at 170", 1),
    ],
)
def test_a_count_in_words_or_digits_is_the_result_count(text: str, count: int) -> None:
    assert parse_request(text).limit == count


@pytest.mark.parametrize(
    "text",
    [
        "one drop reggae loops",  # a reggae rhythm, not a count
        "do these two loops mix",  # a reference, not a count
        "the one loop that swings",
        "I cut this a couple of weeks ago, find loops like it",
        "find kick one-shots",
        "loops that sound like the b-side of a single",  # a record, not a count
        "I like the second one",
    ],
)
def test_words_that_are_no_count(text: str) -> None:
    assert parse_request(text).limit is None


def test_every_standalone_quantity_is_a_quantity_word() -> None:
    """The words that count alone ("show me a couple") are read by the one table of
    quantities, so a phrase added to one list and not the other counts nothing."""
    for words in vocab.STANDALONE_QUANTITIES:
        assert vocab.quantity(words) >= 1, words
        assert parse_request(f"show me {words}").limit == vocab.quantity(words), words


def test_a_couple_lists_two_hits(graph) -> None:
    out = Chat(graph).say("find a couple of funk loops")
    assert len(out["hits"]) == 2
    out = Chat(graph, thread="one").say("just one chill house loop")
    assert len(out["hits"]) == 1


# ------------------------------------------------------------------ negated genres


@pytest.mark.parametrize(
    "text",
    ["forget reggae", "no more reggae please", "forget about the reggae", "not reggae"],
)
def test_a_negated_genre_leaves_the_search_and_is_never_added(graph, text: str) -> None:
    chat = Chat(graph)
    assert {h.tags.genre for h in chat.say("chill reggae loops")["hits"]} == {"reggae"}
    out = chat.say(text)
    req = out["request"]
    assert "reggae" not in req.genres
    assert "reggae" in req.not_genres
    assert out["hits"]
    assert "reggae" not in {h.tags.genre for h in out["hits"]}


@pytest.mark.parametrize(
    "text", ["no more reggae, house instead", "house instead of reggae", "forget reggae, try house"]
)
def test_a_negated_genre_beside_a_new_one_searches_only_the_new_one(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("chill reggae loops")
    out = chat.say(text)
    assert out["request"].genres == ["house"]
    assert {h.tags.genre for h in out["hits"]} == {"house"}


def test_a_negated_genre_in_a_first_message_is_no_filter(graph) -> None:
    out = Chat(graph).say("chill loops please, no more reggae")
    assert out["request"].genres == []
    assert out["request"].not_genres == ["reggae"]
    assert {h.tags.genre for h in out["hits"]} == {"house"}


# -------------------------------------------------------- a genre changed "instead"


def test_a_genre_swapped_instead_replaces_the_genre_and_keeps_the_rest(graph) -> None:
    """Choice: "what about X instead" after a search replaces the genre only; the vibe
    (and tempo, key) of the last search carry over, as the README's follow-ups say."""
    chat = Chat(graph)
    chat.say("something chill from the reggae side")
    out = chat.say("how about house instead")
    req = out["request"]
    assert req.genres == ["house"]
    assert req.vibes == ["chill"]
    assert out["plan"].specialists == ["discovery"]
    assert {h.tags.genre for h in out["hits"]} == {"house"}


# ------------------------------------------------------- the router model's lists


def _model_graph(settings: Settings, *readings: Any) -> Any:
    from tests.unit.test_graph_models import ScriptedChat, said

    model = ScriptedChat(
        script={
            "router": list(readings),
            "discovery": [said("found")],
            "respond": [said("ok")],
        }
    )
    routed = settings.model_copy(update={"router_threshold": 1.0})  # the model reads every turn
    graph = build_graph(
        catalog=cat.FrameSource(pd.DataFrame(ROWS)), settings=routed, model=model
    ).compile(checkpointer=InMemorySaver())
    return graph


def test_the_router_model_names_several_genres_and_eras(settings: Settings) -> None:
    from tests.unit.test_graph_models import route

    graph = _model_graph(
        settings, route("discovery", genres=["Soul", "funk"], eras=["1960s", "70s"])
    )
    out = Chat(graph).say("give me soul or funk, sixties or seventies")
    req = out["request"]
    assert out["plan"].router == "model"
    assert req.genres == ["soul", "funk"]
    assert req.eras == ["60s", "70s"]
    # the structured output's schema offers lists, described as "any of them"
    schema = RequestReading.model_json_schema()["properties"]
    assert schema["genres"]["type"] == "array"
    assert schema["eras"]["type"] == "array"
    assert "genre" not in schema


def test_a_router_model_answering_one_genre_or_ruling_one_out_is_still_read(
    settings: Settings,
) -> None:
    from tests.unit.test_graph_models import route

    graph = _model_graph(
        settings,
        route("discovery", i=0, genre="reggae", vibe="chill"),  # the older singular shape
        route("discovery", i=1, refines=True, not_genres=["reggae"]),
    )
    chat = Chat(graph)
    assert chat.say("chill reggae")["request"].genres == ["reggae"]
    req = chat.say("nah, forget reggae")["request"]
    assert req.genres == []  # ruled out, though the narrowed search named it
    assert req.not_genres == ["reggae"]
    assert req.vibes == ["chill"]


# ------------------------------------------- a long first message with an attachment

SOUL = "5107000000000040"  # soul, C minor at 92 BPM
FUNK_KEYED = "5107000000000030"  # funk, E minor at 97 BPM


@pytest.mark.parametrize(
    "text",
    [
        "Picked this up from a battered funk 45 at a car boot sale on Sunday, the drummer "
        "sounds a bit drunk and the organ is lovely. I want to make a slow soul jam out of "
        "it. Is it swung or straight?",
        "this is a break I made on my SP last night, trying to get that lazy Dilla thing "
        "going. I want to sample some strings over it later. does it swing enough?",
        "I chopped this from an old soul record at my cousin's place, it has a warm rhodes "
        "and a loose drummer. I want to build a laid back hip hop tune around it. How swung "
        "is it?",
    ],
)
def test_a_story_around_a_question_adds_no_search(graph, text: str) -> None:
    out = Chat(graph).say(text, samples=[FUNK_KEYED])
    # only what is asked: no search, and no era answer for the styles of the story
    assert out["plan"].specialists == ["groove"]
    assert not out["hits"]


def test_a_style_question_inside_a_long_message_still_reaches_era(graph) -> None:
    out = Chat(graph).say(
        "I made this on my SP last night after a long session. is the swing typical of "
        "90s boom bap?",
        samples=[FUNK_KEYED],
    )
    assert out["plan"].specialists == ["groove", "era"]


def test_a_question_and_a_search_in_one_long_message_still_search(graph) -> None:
    out = Chat(graph).say(
        "I bounced this from last night's session. How swung is it, and find me some soul "
        "loops that would sit under it",
        samples=[FUNK_KEYED],
    )
    assert {"groove", "discovery"} <= set(out["plan"].specialists)


# ---------------------------------------- a search that mixes with the sample at hand


def test_a_search_that_mixes_with_it_is_one_search_no_verdict(graph) -> None:
    chat = Chat(graph)
    chat.say("what key is this in", samples=[SOUL])  # C minor (5A)
    out = chat.say("chill reggae in F minor around 70 that goes with it")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]  # no mix verdict for a pair nobody named
    assert not out["reports"]
    assert (req.genres, req.vibes, req.keys, req.mix_with) == (
        ["reggae"],
        ["chill"],
        ["F minor"],
        "C minor",
    )
    assert out["hits"]
    # the stated key, tempo and genre, and F minor (4A) is a neighbour of C minor (5A)
    assert all(h.tags.genre == "reggae" and h.key == "F minor" for h in out["hits"])
    assert all(66 <= h.tempo_bpm <= 74 for h in out["hits"])


def test_a_search_that_mixes_with_it_and_no_key_takes_its_key(graph) -> None:
    chat = Chat(graph)
    chat.say("what key is this in", samples=[SOUL])  # C minor
    out = chat.say("reggae from the 70s which would blend with my loop")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert req.keys == ["C minor"]
    assert req.compatible
    assert out["hits"]
    assert all(h.tags.genre == "reggae" and h.key == "F minor" for h in out["hits"])


def test_a_search_ruled_out_by_name_is_not_narrowed_again(graph) -> None:
    chat = Chat(graph)
    assert chat.say("reggae loops under 75")["hits"]
    chat.say("ok forget reggae. how fast does house usually go?")
    out = chat.say("show me the chill ones")
    req = out["request"]
    assert req.genres == ["house"]  # the subject moved to, not the reggae list
    assert req.vibes == ["chill"]
    assert req.bpm_max is None  # the reggae search's tempo went with it
    assert out["hits"]
    assert {h.tags.genre for h in out["hits"]} == {"house"}


def test_a_search_that_mixes_with_a_new_attachment_is_no_verdict(graph) -> None:
    out = Chat(graph).say("mellow reggae around 70 that would go with this", samples=[SOUL])
    # the attachment is analysed (the search needs its key), then one search like it
    assert out["plan"].specialists == ["groove", "discovery"]
    assert not out["reports"]
    assert out["hits"]
    assert all(h.tags.genre == "reggae" and h.key == "F minor" for h in out["hits"])
