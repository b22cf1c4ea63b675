"""Follow-ups that point into earlier results: "the first one", "#2", "do the first two mix?".

Each test is a real conversation on the offline graph with a checkpointer: a search lists
hits, the next turn refers to them by rank, and the answer's numbers must be those of the
sample the user meant (not of its neighbours in the list).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph, followups
from groovegraph.graph.parser import find_result_refs, parse_request
from groovegraph.settings import Settings
from groovegraph.state import CatalogHit
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from groovegraph.tools.keys import camelot
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat

# Six 70s funk loops near 96 BPM with distinct tempi, keys and swing (so a number in an
# answer says which loop it came from), plus unrelated loops the search must skip.
_FUNK = (
    (96.2, "D minor", 51.3),
    (95.1, "G major", 63.7),
    (97.4, "E minor", 57.9),
    (94.3, "C major", 60.4),
    (98.6, "F# minor", 54.6),
    (93.8, "B minor", 66.1),
)
_OTHER = ((124.0, "A minor", 52.0, "house", "90s"), (88.0, "C major", 58.0, "soul", "60s"))


def label(hit: CatalogHit) -> str:
    """How answers and reports name a catalog sample: file name, id alongside."""
    return f"{Path(hit.path).name} [{hit.sample_id}]"


def followup_frame() -> pd.DataFrame:
    rows = []
    specs = [(bpm, key, swing, "funk", "70s") for bpm, key, swing in _FUNK] + list(_OTHER)
    for i, (bpm, key, swing, genre, era) in enumerate(specs):
        rows.append(
            catalog_row(
                id=f"{i:04d}cafe{i:04d}",
                path=f"/lib/fu_{i:02d}.wav",
                sha256=f"{i + 1:064x}",
                genre=genre,
                era=era,
                tempo_bpm=bpm,
                swing_percent=swing,
                timing_deviation_ms=9.0,
                backbeat_lag_ms=4.0 + i,
                key=key,
            )
        )
    return pd.DataFrame(rows)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(followup_frame(), settings=settings)


def search(chat: Chat) -> list[CatalogHit]:
    out = chat.say("find me 70s funk loops near 96 BPM")
    hits = out["hits"]
    assert len(hits) >= 5, "the fixture has six 70s funk loops near 96 BPM"
    assert {h.tags.genre for h in hits} == {"funk"}
    return hits


def swing_text(h: CatalogHit) -> str:
    return f"swing {h.swing_percent:.1f} %"


def test_will_the_first_one_mix_with_a_key(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    first = hits[0]
    out = chat.say("will the first one mix with something in A minor?")
    assert out["request"].samples == [first.sample_id]
    # A listed hit's analysis is stored in the catalog: it joins the turn's analyses and
    # the mixing check uses it, with no groove run (nothing is measured again).
    assert out["plan"].specialists == ["compatibility"]
    # the route event says so, rather than naming a groove step that never ran
    assert "no groove run" in out["plan"].reason
    assert out["analyses"][first.sample_id].tempo_bpm == first.tempo_bpm
    values = graph.get_state(chat.config).values
    assert not values["groove_messages"]
    (report,) = out["reports"]
    assert (report.a, report.b) == (label(first), "A minor")
    expected = harmony.compatibility(key_a=first.key, key_b="A minor")
    assert report.key is not None
    assert expected.key is not None
    assert (report.key.camelot_a, report.key.camelot_b) == (first.camelot, "8A")
    assert report.key.relation == expected.key.relation
    answer = out["messages"][-1].content
    assert f"{first.key} ({first.camelot})" in answer
    # nothing from the other hits leaks in
    for other in hits[1:]:
        assert other.sample_id not in answer
        assert f"{other.tempo_bpm:.1f} BPM" not in answer


def test_swing_of_the_second_one_then_an_older_list_then_it(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    second, last = hits[1], hits[-1]
    out = chat.say("what's the swing on the second one?")
    assert out["plan"].specialists == ["groove"]
    assert list(out["analyses"]) == [second.sample_id]
    assert out["analyses"][second.sample_id].swing_percent == second.swing_percent
    answer = out["messages"][-1].content
    assert swing_text(second) in answer
    assert all(swing_text(h) not in answer for h in hits if h is not second)

    # The previous turn listed nothing new, so ordinals still point at the search.
    out = chat.say("and the last one?")
    assert out["request"].samples == [last.sample_id]
    assert swing_text(last) in out["messages"][-1].content

    # "it" with no list just shown is the last sample talked about, as before.
    out = chat.say("will it mix with C major?")
    assert out["request"].samples == [last.sample_id]
    (report,) = out["reports"]
    assert report.a == label(last)
    assert report.key is not None
    assert report.key.camelot_a == last.camelot


def test_find_more_like_number_3(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    third = hits[2]
    out = chat.say("find more like number 3")
    assert out["request"].samples == [third.sample_id]
    assert out["plan"].specialists == ["discovery"]  # its analysis is in the catalog
    values = graph.get_state(chat.config).values
    (call,) = values["discovery_messages"][0].tool_calls
    assert call["args"]["like_sample"] == third.sample_id
    assert out["hits"]
    assert third.sample_id not in {h.sample_id for h in out["hits"]}
    # "number 3" is a reference, not a result count or a tempo
    assert out["request"].limit is None
    assert out["request"].bpms == []


def test_do_the_first_two_mix(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    a, b = hits[0], hits[1]
    out = chat.say("do the first two mix?")
    assert out["request"].samples == [a.sample_id, b.sample_id]
    (report,) = out["reports"]
    assert (report.a, report.b) == (label(a), label(b))
    assert report.tempo is not None
    assert (report.tempo.bpm_a, report.tempo.bpm_b) == (a.tempo_bpm, b.tempo_bpm)
    expected = harmony.compatibility(key_a=a.key, key_b=b.key, bpm_a=a.tempo_bpm, bpm_b=b.tempo_bpm)
    assert report.verdict == expected.verdict
    assert report.tempo.stretch_percent == expected.tempo.stretch_percent
    answer = out["messages"][-1].content
    # the tempo line says the stretch that takes B onto A's tempo
    assert f"{b.tempo_bpm:.1f} → {a.tempo_bpm:.1f} BPM" in answer


def test_it_after_a_single_hit_is_that_hit(graph) -> None:
    chat = Chat(graph)
    out = chat.say("find me 60s soul loops")
    (hit,) = out["hits"]
    out = chat.say("what's the swing on it?")
    assert out["request"].samples == [hit.sample_id]
    assert swing_text(hit) in out["messages"][-1].content


def test_it_after_several_hits_keeps_the_earlier_focus(graph) -> None:
    chat = Chat(graph)
    chat.say("what's the swing on sample 0006cafe0006?")
    search(chat)
    # five hits: "it" does not pick one of them, it stays on the sample discussed before
    out = chat.say("will it mix with A minor?")
    assert out["request"].samples == ["0006cafe0006"]


def test_an_ordinal_past_the_end_resolves_to_nothing(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    out = chat.say(f"what's the swing on the {len(hits) + 3}th one?")
    assert out["request"].samples == []
    assert out["request"].unresolved == [f"the {len(hits) + 3}th"]
    assert out["plan"].specialists == []
    answer = out["messages"][-1].content
    assert f'"the {len(hits) + 3}th" is not in it' in answer
    assert not any(swing_text(h) in answer for h in hits)


def test_a_model_gets_the_resolved_reference(settings) -> None:
    # With a chat model the router is shown the listed hits, numbered as the answer showed
    # them; its reading says which one "the first one" is, and the specialists are told.
    from langchain_core.messages import AIMessage

    from tests.unit.test_graph_models import ScriptedChat, call, route, said

    frame = followup_frame()
    query = {"genre": "funk", "era": "70s", "bpm_min": 91, "bpm_max": 101, "target_bpm": 96}
    first = cat.search(frame, cat.CatalogQuery(**query, limit=5))[0]
    compat = {"a": {"sample": first.sample_id}, "b": {"key": "A minor"}}
    model = ScriptedChat(
        script={
            "router": [
                route("discovery", i=0),
                route("groove", "compatibility", i=1, listed=[1], keys=["A minor"]),
            ],
            "discovery": [
                AIMessage(content="", tool_calls=[call("search_catalog", {**query, "limit": 5})]),
                said("Here are five funk loops."),
            ],
            "groove": [
                AIMessage(
                    content="",
                    tool_calls=[call("analyze_samples", {"samples": [first.sample_id]}, 2)],
                ),
                said("analysed"),
            ],
            "compatibility": [
                AIMessage(content="", tool_calls=[call("check_compatibility", compat, 3)]),
                said("verdict"),
            ],
            "respond": [said("done")],
        }
    )
    always = settings.model_copy(update={"router_threshold": 1.0})
    graph = build_graph(catalog=cat.FrameSource(frame), settings=always, model=model).compile(
        checkpointer=InMemorySaver()
    )
    chat = Chat(graph, "model")
    # The state names the file as the owner sees it: library-relative, never the server
    # path (this frame's /lib is no library folder, so by its file name).
    shown = first.model_copy(update={"path": Path(first.path).name})
    assert chat.say("find me 70s funk loops near 96 BPM")["hits"][0] == shown
    out = chat.say("will the first one mix with something in A minor?")
    assert out["plan"].router == "model"
    assert out["request"].samples == [first.sample_id]
    prompts = {role: str(msgs[0].content) for role, msgs in model.calls}
    assert f"1. {first.path.rsplit('/', 1)[-1]} [{first.sample_id}]" in prompts["router"]
    assert f"Samples this turn: {first.sample_id}" in prompts["groove"]
    assert f"Samples this turn: {first.sample_id}" in prompts["compatibility"]
    (report,) = out["reports"]
    assert report.key is not None
    assert (report.a, report.key.camelot_a) == (label(first), first.camelot)


# --------------------------------------------------------------------- the parser

IDS = ["aa01", "bb02", "cc03", "dd04", "ee05"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the top one", ["aa01"]),
        ("is #2 any good at 100 bpm?", ["bb02"]),
        ("what key is the 3rd in?", ["cc03"]),
        ("does the first one mix with the third?", ["aa01", "cc03"]),
        ("compare the second and fourth", ["bb02", "dd04"]),
        ("do the last two work together?", ["dd04", "ee05"]),
        ("will both of them mix?", ["aa01", "bb02"]),
        ("do those two clash", ["aa01", "bb02"]),
        ("tell me about the second loop", ["bb02"]),
        ("how swung is the second-to-last one", ["dd04"]),
        ("is result 2 in a minor key?", ["bb02"]),
        ("find loops like number one but slower", ["aa01"]),
        ("what's the bpm of loop 2?", ["bb02"]),
    ],
)
def test_references_to_a_list(text: str, expected: list[str]) -> None:
    assert parse_request(text, results=IDS).samples == expected


@pytest.mark.parametrize(
    "text",
    [
        "my first track was at 96 bpm",
        "find one loop at 100 bpm",
        "find loops in C# minor",
        "what number of loops do I have at 96 bpm?",
        "show me the top 3 loops",
        "the first time I heard funk it was at 110",
        "the second half of the break is loose",
        "is the top of the loop clipping?",
        "do both A minor and C major mix?",
        "the snare hit 3 times in the first bar",
        "pick 2 loops for me",
        "I need a loop 2 bars long",
    ],
)
def test_words_that_are_not_references(text: str) -> None:
    assert parse_request(text, results=IDS).samples == []


def test_references_leave_tempo_key_and_count_alone() -> None:
    r = parse_request("does #2 go with 5A at 124?", results=IDS)
    assert (r.samples, r.keys, r.bpms) == (["bb02"], ["C minor"], [124.0])
    assert parse_request("find loops in C# minor", results=IDS).keys == ["C# minor"]
    assert parse_request("show me the top 3 loops", results=IDS).limit == 3
    assert parse_request("what number of loops do I have at 96 bpm?", results=IDS).bpms == [96.0]


def test_demonstratives_need_a_fresh_list_and_no_attachments() -> None:
    # "both of them" three turns after the search is not about the search any more
    assert find_result_refs("both of them", results=IDS, fresh=False)[0] == []
    # ordinals still reach an older list
    assert find_result_refs("the first one", results=IDS, fresh=False)[0] == ["aa01"]
    # attached samples are what "these two" means
    r = parse_request("will these two mix?", samples=["x.wav", "y.wav"], results=IDS)
    assert r.samples == ["x.wav", "y.wav"]
    # "it" is a single result only when the list had exactly one
    assert parse_request("will it mix with A minor?", results=IDS[:1]).samples == ["aa01"]
    assert parse_request("will it mix with A minor?", results=IDS).samples == []
    # "they" is the pair only when exactly two results were shown
    assert parse_request("do they mix?", results=IDS[:2]).samples == ["aa01", "bb02"]
    assert parse_request("do they mix?", results=IDS).samples == []


# ------------------------------------------- filters over the list, references by attribute

# House loops around 124 BPM in 8A (A minor) plus two off-key ones, with distinct swing,
# eras and vibes, for "house loops at 124 BPM in 8A" → "which of them swing?" → "only the
# 70s ones". Two 8A loops are also at 124 BPM but tagged techno: the search must skip them.
_HOUSE = (
    (123.4, "A minor", 51.0, "house", "90s", "dusty"),
    (124.6, "A minor", 60.2, "house", "70s", "warm"),
    (122.8, "A minor", 63.9, "house", "70s", "gritty"),
    (125.9, "A minor", 52.7, "house", "80s", "bright"),
    (126.7, "A minor", 58.4, "house", "90s", "deep"),
    (124.1, "C major", 61.0, "house", "70s", "warm"),
    (124.0, "A minor", 62.0, "techno", "90s", "dark"),
    (124.2, "A minor", 50.5, "techno", "70s", "raw"),
)


def house_frame() -> pd.DataFrame:
    frame = followup_frame().iloc[:0].copy()
    rows = []
    for i, (bpm, key, swing, genre, era, vibe) in enumerate(_HOUSE):
        row = followup_frame().iloc[0].to_dict()
        row.update(
            id=f"{i:04d}beef{i:04d}",
            path=f"/lib/house/{vibe}_{i:02d}.wav",
            sha256=f"{i + 101:064x}",
            genre=genre,
            era=era,
            vibe=vibe,
            tempo_bpm=bpm,
            key=key,
            camelot=camelot(key),
            swing_percent=swing,
        )
        rows.append(row)
    return pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)


@pytest.fixture
def house_graph(settings: Settings):
    return offline_graph(house_frame(), settings=settings)


def house_search(chat: Chat) -> list[CatalogHit]:
    hits = chat.say("house loops at 124 BPM in 8A")["hits"]
    assert {h.tags.genre for h in hits} == {"house"}
    assert {h.camelot for h in hits} == {"8A"}
    assert len(hits) == 5
    return hits


def test_which_of_them_swing_then_only_the_70s_ones(house_graph) -> None:
    chat = Chat(house_graph, "house")
    hits = house_search(chat)
    out = chat.say("and which of them swing?")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].samples == []
    # the earlier search, narrowed: same genre, key and tempo, plus a swing range
    r = out["request"]
    assert (r.genres, r.keys, r.target_bpm) == (["house"], ["A minor"], 124.0)
    swung = {h.sample_id for h in hits if 56.0 <= (h.swing_percent or 0) <= 68.0}
    assert (
        {h.sample_id for h in out["hits"]}
        == swung
        == {"0001beef0001", "0002beef0002", "0004beef0004"}
    )
    answer = out["messages"][-1].content
    for h in out["hits"]:  # every number shown is the tool's
        assert f"{h.tempo_bpm:.1f} BPM" in answer
        assert swing_text(h) in answer
    assert all(swing_text(h) not in answer for h in hits if h.sample_id not in swung)

    out = chat.say("only the 70s ones")
    assert out["plan"].specialists == ["discovery"]
    assert {h.sample_id for h in out["hits"]} == {"0001beef0001", "0002beef0002"}
    assert all(h.tags.era == "70s" and h.tags.genre == "house" for h in out["hits"])


def test_minor_then_faster_than_narrow_the_funk_list(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    out = chat.say("which ones are in minor?")
    assert out["plan"].specialists == ["discovery"]
    minor = {h.sample_id for h in hits if h.key and h.key.endswith("minor")}
    assert {h.sample_id for h in out["hits"]} == minor
    assert "Minor keys only." in out["messages"][-1].content

    out = chat.say("any of those faster than 96?")
    assert out["plan"].specialists == ["discovery"]
    expected = {h.sample_id for h in hits if h.sample_id in minor and h.tempo_bpm > 96.0}
    assert (
        {h.sample_id for h in out["hits"]}
        == expected
        == {"0000cafe0000", "0002cafe0002", "0004cafe0004"}
    )


def test_the_97_bpm_one_then_the_one_in_e_minor(graph) -> None:
    chat = Chat(graph)
    hits = search(chat)
    target = next(h for h in hits if h.tempo_bpm == 97.4)
    out = chat.say("will the 97 BPM one mix with A minor?")
    assert out["request"].samples == [target.sample_id]
    assert out["request"].bpms == []  # a reference, not a tempo filter
    assert out["plan"].specialists == ["compatibility"]  # its analysis is in the catalog
    (report,) = out["reports"]
    assert (report.a, report.b) == (label(target), "A minor")
    answer = out["messages"][-1].content
    assert f"{target.key} ({target.camelot})" in answer
    assert all(h.sample_id not in answer for h in hits if h is not target)

    # The list is now an older one; attributes still reach it.
    b_minor = next(h for h in hits if h.key == "B minor")
    out = chat.say("what's the swing on the one in B minor?")
    assert out["request"].samples == [b_minor.sample_id]
    assert swing_text(b_minor) in out["messages"][-1].content


def test_the_dusty_one_and_an_attribute_no_hit_has(house_graph) -> None:
    chat = Chat(house_graph, "dusty")
    hits = house_search(chat)
    dusty = next(h for h in hits if h.tags.vibe == "dusty")
    out = chat.say("how swung is the dusty one?")
    assert out["request"].samples == [dusty.sample_id]
    assert swing_text(dusty) in out["messages"][-1].content

    out = chat.say("will the 110 BPM one mix with C major?")
    assert out["request"].samples == []
    assert out["request"].unresolved == ["the 110 BPM one"]
    assert out["plan"].specialists == []
    assert 'Nothing in the last list of results matches "the 110 BPM one"' in (
        out["messages"][-1].content
    )


def test_a_fresh_search_stays_fresh_and_which_without_a_list_is_harmless(graph) -> None:
    chat = Chat(graph)
    out = chat.say("which ones are in minor?")  # nothing listed yet: a search of the library
    assert out["request"].samples == []
    assert all(h.key and h.key.endswith(" minor") for h in out["hits"])
    search(chat)
    out = chat.say("find loops at 97 BPM")
    r = out["request"]
    # the funk/70s filters of the previous search are not carried into a new one
    assert (r.genres, r.eras, r.target_bpm) == ([], [], 97.0)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].samples == []
    # ordinals keep working after a filtered list
    minor = chat.say("which ones are in minor?")["hits"]
    assert chat.say("what's the swing on the first one?")["request"].samples == [minor[0].sample_id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 97 BPM one", ["0002cafe0002"]),
        ("does the one at 97 bpm go with 5A?", ["0002cafe0002"]),
        ("the E minor loop", ["0002cafe0002"]),
        ("the 9A one", ["0002cafe0002"]),
        ("the one in F# minor", ["0004cafe0004"]),
        ("the swing on the second one", []),  # an ordinal, the parser's
        ("the first one", []),
        ("the same one", []),
        ("is the kick one clipping?", []),  # no hit is tagged "kick"
    ],
)
def test_attribute_references(text: str, expected: list[str]) -> None:
    frame = followup_frame()
    hits = cat.search(frame, cat.CatalogQuery(genre="funk", target_bpm=96.0, limit=6))
    assert followups.find_attribute_refs(text, hits=hits).ids == expected


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("the 2nd funk one", 1),
        ("the last funk one", -1),
        ("the second to last funk one", -2),  # was the last one: every rank from the end was -1
        ("the second-to-last funk one", -2),  # was every funk hit: the hyphens hid the rank
    ],
)
def test_a_rank_before_a_descriptor_picks_among_the_hits_it_fits(text: str, index: int) -> None:
    frame = followup_frame()
    hits = cat.search(frame, cat.CatalogQuery(genre="funk", target_bpm=96.0, limit=6))
    assert all(h.tags.genre == "funk" for h in hits)
    assert len(hits) >= 3
    assert followups.find_attribute_refs(text, hits=hits).ids == [hits[index].sample_id]


@pytest.mark.parametrize(
    "text",
    [
        "find loops at 97 BPM",
        "which era defined the swing of funk?",
        "what's the swing on the second one?",
        "find me minor key loops",
        "the first time I heard funk it was at 110",
    ],
)
def test_fresh_questions_are_not_list_filters(text: str) -> None:
    r = parse_request(text)
    assert not followups.is_filter_followup(text, r)


def test_known_samples_are_not_analysed_again_unless_their_groove_is_asked(graph) -> None:
    chat = Chat(graph)
    chat.say("what's the swing on sample 0006cafe0006?")
    # "it" was analysed in the previous turn: a search in keys that mix with it needs no
    # second groove analysis (the classifier alone leans to groove for any sample).
    out = chat.say("find funk loops in keys that mix with it")
    assert out["request"].samples == ["0006cafe0006"]
    assert "groove" not in out["plan"].specialists
    assert "discovery" in out["plan"].specialists
    assert out["hits"]
    # a question about the listed hit's groove itself still goes to the groove specialist
    hits = out["hits"]
    out = chat.say("how swung is the first one, and does the first one mix with A minor?")
    assert out["request"].samples == [hits[0].sample_id]
    assert out["plan"].specialists == ["groove", "compatibility"]
    assert swing_text(hits[0]) in out["messages"][-1].content


@pytest.mark.parametrize("marker", ["different thing -", "on another note,", "new topic:"])
def test_a_change_of_subject_starts_a_new_search(graph, marker: str) -> None:
    chat = Chat(graph)
    search(chat)  # 70s funk near 96 BPM
    chat.say("what made 70s funk drummers swing like that?")
    out = chat.say(f"{marker} any house at 124?")
    # the marker is no era question, and the 70s of the old list are not carried over
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].eras == []
    assert out["request"].genres == ["house"]
    assert out["hits"]
    assert {h.tags.genre for h in out["hits"]} == {"house"}


def test_the_one_thing_you_found_among_several_is_the_first_shown() -> None:
    frame = followup_frame()
    hits = cat.search(frame, cat.CatalogQuery(genre="funk", target_bpm=96.0, limit=6))
    assert len(hits) >= 3
    # one thing named though several fit: the top hit of those it fits
    assert followups.find_attribute_refs(
        "what's the tempo of that funk loop you picked", hits=hits
    ).ids == [hits[0].sample_id]
