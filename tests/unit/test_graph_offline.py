"""The supervisor graph in offline mode, end to end on a real catalog frame and real audio.

Checks what a user relies on: the right specialists run in the right order, every
specialist message is named, every number in an answer comes from a tool result,
long analyses ask first (interrupt/resume), and a follow-up "it" reuses the last sample.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from groovegraph.graph.parser import TEMPO_LIMITS_BPM, parse_request
from groovegraph.graph.tools import FEW_LIKE_HITS
from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import run


@pytest.fixture
def frame() -> pd.DataFrame:
    return catalog_frame()


@pytest.fixture
def graph(settings: Settings, frame: pd.DataFrame):
    return offline_graph(frame, settings=settings)


_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")


def numbers_in(text: str, *, strip: list[str]) -> list[float]:
    for s in sorted(strip, key=len, reverse=True):
        text = text.replace(s, " ")
    # Key names and Camelot codes ("8A", "F# minor") are labels, not measurements.
    text = re.sub(r"\b(?:1[0-2]|[1-9])[AB]\b", " ", text)
    return [float(x) for x in _NUM.findall(text)]


def allowed_numbers(values: list[float | int | None]) -> set[float]:
    out: set[float] = set()
    for v in values:
        if v is None:
            continue
        for digits in (0, 1, 2):
            out.add(round(float(v), digits))
            out.add(abs(round(float(v), digits)))
    return out


def turn_messages(out: dict) -> list:
    msgs = out["messages"]
    last_human = max(i for i, m in enumerate(msgs) if isinstance(m, HumanMessage))
    return msgs[last_human + 1 :]


def test_discovery_answer_numbers_come_from_the_search(graph, frame) -> None:
    out = run(graph, "find me 70s funk loops near 96 BPM")
    assert out["plan"].specialists == ["discovery"]
    hits = out["hits"]
    # The tool's hits are exactly what the catalog search returns for the parsed query.
    query = cat.CatalogQuery(
        bpm_min=91.2, bpm_max=100.8, target_bpm=96.0, genre="funk", era="70s", limit=10
    )
    if len(cat.search(frame, query)) < FEW_LIKE_HITS:
        # a loose band holding fewer than three takes in a tempo reading past its edges
        query = query.model_copy(update={"bpm_min": 90.7, "bpm_max": 101.3})
    assert [h.sample_id for h in hits] == [h.sample_id for h in cat.search(frame, query)]
    assert hits, "the fixture catalog has 70s funk loops near 96 BPM"
    # One specialist: its message is the turn's one answer (issue 10: no second copy).
    (answer,) = [m for m in turn_messages(out) if isinstance(m, AIMessage)]
    assert answer is out["messages"][-1] or answer == out["messages"][-1]
    assert answer.name == "discovery"
    for h in hits:
        assert f"{h.tempo_bpm:.1f} BPM" in answer.content
        # named by file name, id alongside
        assert f"`{Path(h.path).name}` [{h.sample_id}]" in answer.content
    assert (
        f"Searched {len(frame)} sample(s): {query.bpm_min:g}–{query.bpm_max:g} BPM, closest to "
        "96.0 BPM, genre funk, era 70s." in answer.content
    )
    strip = (
        [Path(h.path).name for h in hits]
        + [h.sample_id for h in hits]
        + [h.reason for h in hits]
        + ["70s"]
    )
    # numbers may come from the hits, the search's own record of its query and catalog size
    allowed = allowed_numbers(
        [len(hits), len(frame), query.bpm_min, query.bpm_max, query.target_bpm, 91.2, 100.8]
        + [x for h in hits for x in (h.tempo_bpm, h.swing_percent, h.score)]
        + list(range(1, 11))
    )
    assert set(numbers_in(answer.content, strip=strip)) <= allowed


def test_every_specialist_message_is_named(graph) -> None:
    out = run(
        graph,
        "explain how 90s hip hop producers used the MPC swing and find me a few loops like that",
    )
    assert out["plan"].specialists == ["era", "discovery"]
    assert out["plan"].stages == [["era", "discovery"]]  # independent: one parallel stage
    names = [m.name for m in turn_messages(out) if isinstance(m, AIMessage)]
    assert sorted(names[:-1]) == ["discovery", "era"]
    assert names[-1] == "groovegraph"
    # the private tool channels hold the real tool calls and results of the turn
    values = graph.get_state({"configurable": {"thread_id": "t"}}).values
    assert [m.type for m in values["discovery_messages"]] == ["ai", "tool"]
    assert [m.type for m in values["era_messages"]] == ["ai", "tool", "tool"]


def test_compatibility_of_two_keys_matches_harmony(graph) -> None:
    out = run(graph, "I'm going from a track in 5A at 124 into one in 7B at 128, smooth or not?")
    assert out["plan"].specialists == ["compatibility"]
    (report,) = out["reports"]
    expected = harmony.compatibility(key_a="5A", key_b="7B", bpm_a=124, bpm_b=128)
    assert report.score == expected.score
    assert report.verdict == expected.verdict
    assert report.tempo is not None
    assert report.tempo.stretch_percent == expected.tempo.stretch_percent
    answer = out["messages"][-1].content
    assert f"**{expected.verdict}** (score {expected.score:.2f})" in answer
    assert f"{expected.tempo.stretch_percent:+.1f} %" in answer


def test_era_answer_uses_table_and_library_stats(graph, frame) -> None:
    out = run(graph, "what was typical tempo for 70s funk?")
    assert out["plan"].specialists == ["era"]
    brief = out["era"]
    assert brief.facts
    assert brief.facts[0].genre == "funk"
    # Library numbers only for what was asked (70s funk), not every 70s genre.
    stats = cat.stats_by(frame, ["genre"], era="70s", genre="funk")
    by_genre = {s.group["genre"]: s for s in brief.stats}
    assert set(by_genre) == {"funk"}
    for row in stats.to_dict("records"):
        assert by_genre[row["genre"]].count == row["count"]
        assert by_genre[row["genre"]].median_bpm == pytest.approx(row["median_bpm"], abs=0.01)
    answer = out["messages"][-1].content
    assert f"{brief.facts[0].tempo_bpm_min:.0f}–{brief.facts[0].tempo_bpm_max:.0f} BPM" in answer


def test_library_statistics_question(graph, frame) -> None:
    out = run(graph, "how many 70s loops do I have?")
    (stat,) = out["era"].stats
    assert stat.count == int((frame["era"] == "70s").sum())
    assert f"{stat.count} sample(s)" in out["messages"][-1].content
    assert not out["era"].facts


def test_greeting_needs_no_specialist(graph) -> None:
    out = run(graph, "hi!")
    assert out["plan"].specialists == []
    assert [m.type for m in out["messages"]] == ["human", "ai"]
    assert "find me" in out["messages"][-1].content


# ------------------------------------------------------------------------ with audio


def _funk_loops(folder: Path, duration_s: float) -> dict[str, Path]:
    """Funk loops "a" (96 BPM, A minor) and "b" (100 BPM, C major) of ``duration_s``
    written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, bpm, key, seed in (("a", 96.0, "A minor", 1), ("b", 100.0, "C major", 2)):
        y, _ = synthesize_groove(
            GrooveSpec(
                tempo_bpm=bpm,
                swing_percent=58.0,
                key=key,
                pattern="funk",
                duration_s=duration_s,
                seed=seed,
            )
        )
        out[name] = write_audio(folder / f"{name}.wav", y, 22050)
    return out


@pytest.fixture
def loops(settings: Settings) -> dict[str, Path]:
    return _funk_loops(settings.data_dir / "library" / "test", 8.0)


@pytest.fixture
def long_loops(settings: Settings) -> dict[str, Path]:
    """Two 40 s loops: long enough that analysis dominates a turn's run time."""
    return _funk_loops(settings.data_dir / "library" / "long", 40.0)


def test_two_loops_are_analysed_before_the_mix_verdict(settings, frame, long_loops) -> None:
    g = offline_graph(frame, settings=settings)
    # The first analysis in a process loads numba's kernels while holding the GIL; the
    # server warms up at start, so do the same before measuring the event loop.
    from groovegraph.tools.analysis import warm_up

    warm_up(settings)

    ticks: list[float] = []

    async def main() -> dict:
        stop = False

        async def ticker() -> None:
            while not stop:
                await asyncio.sleep(0.01)
                ticks.append(time.perf_counter())

        t = asyncio.create_task(ticker())
        started = time.perf_counter()
        out = await g.ainvoke(
            {
                "messages": [
                    HumanMessage(
                        "will these two mix?",
                        additional_kwargs={"samples": ["long/a.wav", "long/b.wav"]},
                    )
                ]
            },
            {"configurable": {"thread_id": "audio"}},
        )
        elapsed = time.perf_counter() - started
        stop = True
        await t
        out["_elapsed"] = elapsed
        return out

    out = asyncio.run(main())
    # The event loop kept running while librosa worked (nodes and tools run in threads):
    # no pause between ticks comes near the length of the run, which is mostly analysis.
    longest_pause = max(b - a for a, b in itertools.pairwise(ticks))
    assert longest_pause < out["_elapsed"] / 2
    assert out["plan"].stages == [["groove"], ["compatibility"]]
    a, b = out["analyses"]["long/a.wav"], out["analyses"]["long/b.wav"]
    assert isinstance(a, Analysis)
    assert a.tempo_bpm == pytest.approx(96.0, rel=0.03)
    (report,) = out["reports"]
    assert report.tempo is not None
    assert report.tempo.bpm_a == a.tempo_bpm
    assert report.tempo.bpm_b == b.tempo_bpm
    names = [m.name for m in turn_messages(out)]
    assert names == ["groove", "compatibility", "groovegraph"]
    answer = out["messages"][-1].content
    assert f"{a.tempo_bpm:.1f} BPM" in answer
    assert f"swing {a.swing_percent:.1f} %" in answer

    # A follow-up about "it" reuses the analysis and searches against it.
    follow = g.invoke(
        {"messages": [HumanMessage("find loops that mix with it")]},
        {"configurable": {"thread_id": "audio"}},
    )
    # (analysed in this thread: no second groove run before the search)
    assert follow["plan"].specialists == ["compatibility", "discovery"]
    assert follow["hits"]
    assert all(h.sample_id not in ("long/a.wav",) for h in follow["hits"])
    assert follow["analyses"]["long/a.wav"] == a


def test_long_audio_asks_before_analysing(tmp_path, frame, loops) -> None:
    settings = Settings(data_dir=loops["a"].parents[2], confirm_audio_minutes=0.1)  # 6 s < 2 × 8 s
    g = offline_graph(frame, settings=settings)
    config = {"configurable": {"thread_id": "confirm"}}
    msg = HumanMessage("analyse these", additional_kwargs={"samples": ["test/a.wav", "test/b.wav"]})
    out = g.invoke({"messages": [msg]}, config)
    (intr,) = out["__interrupt__"]
    assert intr.value["type"] == "confirm_audio"
    assert intr.value["minutes"] == pytest.approx(16 / 60, abs=0.01)
    assert g.get_state(config).next == ("groove_tools",)
    assert not (g.get_state(config).values.get("analyses"))
    assert not ({})

    done = g.invoke(Command(resume="yes"), config)
    assert set(done["analyses"]) == {"test/a.wav", "test/b.wav"}

    # Declining skips the work and says so.
    g2 = offline_graph(frame, settings=settings)
    g2.invoke({"messages": [msg]}, config)
    declined = g2.invoke(Command(resume="no"), config)
    assert not declined["analyses"]
    assert "not confirmed" in declined["messages"][-1].content


def test_an_eleven_minute_file_asks_with_its_real_length(settings, frame) -> None:
    """Minutes are the file's real length, not the 600 s the analysis reads (issue 10)."""
    import soundfile as sf

    path = settings.data_dir / "library" / "long" / "set.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.zeros(11 * 60 * 8000, dtype=np.int16), 8000, subtype="PCM_16")
    assert settings.confirm_audio_minutes == 10.0
    assert settings.analysis_max_s == 600.0
    g = offline_graph(frame, settings=settings)
    out = run(g, "what's the tempo of long/set.wav?", thread="eleven")
    (intr,) = out["__interrupt__"]
    assert intr.value["minutes"] == pytest.approx(11.0, abs=0.01)
    assert "11.0 minutes" in intr.value["question"]


def test_paths_outside_the_library_are_refused(graph) -> None:
    out = run(graph, "what's the tempo of /etc/passwd.wav")
    assert out["plan"].specialists == ["groove"]
    assert not out["analyses"]
    assert "outside" in out["messages"][-1].content or "not allowed" in out["messages"][-1].content


def test_era_of_an_analysed_loop_follows_its_groove(settings, frame, loops) -> None:
    g = offline_graph(frame, settings=settings)
    config = {"configurable": {"thread_id": "era-of-loop"}}
    first = g.invoke({"messages": [HumanMessage("how swung is test/a.wav?")]}, config)
    a = first["analyses"]["test/a.wav"]
    out = g.invoke({"messages": [HumanMessage("what era does it sound like?")]}, config)
    # analysed in the previous turn: the era specialist works from that analysis
    assert out["plan"].specialists == ["era"]
    brief = out["era"]
    assert brief.reference == "test/a.wav"
    assert brief.reference_tempo_bpm == a.tempo_bpm
    # every suggested style's typical tempo range contains the measured tempo
    assert brief.facts
    assert all(f.tempo_bpm_min <= a.tempo_bpm <= f.tempo_bpm_max for f in brief.facts)
    # library statistics only count loops near that tempo
    near = frame[
        (frame["tempo_bpm"] >= round(a.tempo_bpm * 0.95, 1))
        & (frame["tempo_bpm"] <= round(a.tempo_bpm * 1.05, 1))
    ]
    assert sum(s.count for s in brief.stats) == len(near)
    answer = out["messages"][-1].content
    # the earlier analysis is referred to in one line, not read out again
    assert f"Closest styles to test/a.wav ({a.tempo_bpm:.1f} BPM" in answer
    assert "Groove analysis:" not in answer


def test_keys_that_mix_with_one_key(graph) -> None:
    out = run(graph, "what mixes with D minor?")
    assert out["plan"].specialists == ["compatibility"]
    labels = [r.b for r in out["reports"]]
    assert labels[0] == "F major (7B)"  # the relative key ranks first
    assert set(labels) >= {"G minor (6A)", "A minor (8A)"}
    assert all(r.key is not None and r.key.camelot_a == "7A" for r in out["reports"])


def test_search_falls_back_to_a_related_genre_and_says_so(graph, frame) -> None:
    out = run(graph, "show me boom bap loops")  # the fixture catalog tags them "hip hop"
    assert out["hits"]
    assert {h.tags.genre for h in out["hits"]} == {"hip hop"}
    assert (
        "The library has no loops tagged boom bap; showing the related hip hop instead"
        in out["messages"][-1].content
    )


def test_average_tempo_of_one_genre(graph, frame) -> None:
    out = run(graph, "what's the average tempo of my house loops?")
    (stat,) = out["era"].stats
    house = frame[frame["genre"] == "house"]
    assert stat.group == {"genre": "house"}
    assert stat.count == len(house)
    assert stat.median_bpm == pytest.approx(house["tempo_bpm"].median(), abs=0.01)
    assert "In your library, genre house:" in out["messages"][-1].content


def test_like_this_search_stays_near_the_reference_tempo(settings, frame, loops) -> None:
    g = offline_graph(frame, settings=settings)
    out = g.invoke(
        {"messages": [HumanMessage("find loops that mix with test/a.wav")]},
        {"configurable": {"thread_id": "near"}},
    )
    a = out["analyses"]["test/a.wav"]
    lo, hi = round(a.tempo_bpm * 0.92, 1), round(a.tempo_bpm * 1.08, 1)
    assert out["hits"]
    for h in out["hits"]:
        t = h.tempo_bpm
        assert lo <= t <= hi or lo <= t / 2 <= hi or lo <= t * 2 <= hi
        assert h.key in set(harmony_keys(a.key))


def harmony_keys(key: str) -> list[str]:
    from groovegraph.tools.keys import from_camelot

    return [from_camelot(c).name for c in harmony.compatible_camelots(key)]


# ------------------------------------------------------- several refs, unusable tempos


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("analyze fz/a.wav and fz/b.wav", ["fz/a.wav", "fz/b.wav"]),
        ("will a.wav mix with b.wav?", ["a.wav", "b.wav"]),
        (
            "compare breaks/one.wav, breaks/two.flac and breaks/three.mp3",
            ["breaks/one.wav", "breaks/two.flac", "breaks/three.mp3"],
        ),
        ("crates/x.wav vs crates/y.aiff", ["crates/x.wav", "crates/y.aiff"]),
        ("fz/a.wav with fz/b.wav\nfz/c.ogg", ["fz/a.wav", "fz/b.wav", "fz/c.ogg"]),
        ("a.wav,b.wav", ["a.wav", "b.wav"]),
        # spaces inside an unquoted path still belong to it when no file ends inside it
        ("analyze loops/funk and soul/break 01.wav", ["loops/funk and soul/break 01.wav"]),
        # quoted paths may hold spaces anywhere; apostrophes are not quotes
        (
            "do \"my crates/dusty break.wav\" and 'old dir/x y.flac' mix?",
            ["my crates/dusty break.wav", "old dir/x y.flac"],
        ),
        ("don't layer a.wav and b.wav's tail", ["a.wav", "b.wav"]),
    ],
)
def test_each_file_in_a_message_is_its_own_reference(text: str, refs: list[str]) -> None:
    assert parse_request(text).samples == refs


def test_pair_of_paths_is_a_mix_question_about_both() -> None:
    parsed = parse_request("will a.wav mix with b.wav?")
    assert parsed.samples == ["a.wav", "b.wav"]
    assert "compatibility" in parsed.intents


@pytest.mark.parametrize(
    ("text", "unresolved"),
    [
        ("find loops at 99999 bpm", ["99999 BPM"]),
        ("find loops at 0 bpm", ["0 BPM"]),
        ("loops with a tempo of 1200", ["1200 BPM"]),
        ("find loops 100-99999 bpm", ["99999 BPM"]),
        ("find loops between 10 and 500 bpm", ["10 BPM", "500 BPM"]),
    ],
)
def test_unusable_tempo_is_reported_not_dropped(text: str, unresolved: list[str]) -> None:
    parsed = parse_request(text)
    assert parsed.unresolved == unresolved
    # no part of it becomes a filter ("100" of "100-99999 bpm" is not a target)
    assert parsed.bpms == []
    assert parsed.bpm_min is parsed.bpm_max is parsed.target_bpm is None


def test_tempos_with_their_unit_reach_the_query_ceiling() -> None:
    # 300 BPM is a tempo CatalogQuery accepts; with its unit it is a filter, not ignored.
    assert TEMPO_LIMITS_BPM == (20.0, 400.0)
    parsed = parse_request("find loops at 300 bpm")
    assert parsed.target_bpm == 300.0
    assert parsed.unresolved == []
    # without a unit a number outside 40–250 is still not a tempo
    assert parse_request("find loops at 300").target_bpm is None
    assert parse_request("find 30 loops").limit == 30


def test_unusable_tempo_is_named_in_the_answer(graph, frame) -> None:
    out = run(graph, "find loops at 99999 bpm")
    answer = out["messages"][-1].content
    assert answer.startswith(
        "99999 BPM is outside 20–400 BPM, so I did not filter by that tempo"
    ), answer
    # the search that ran had no tempo filter, and its own record says so
    assert f"Searched {len(frame)} sample(s)." in answer
    assert "closest to" not in answer


def test_a_one_shot_in_the_conversation_is_described_not_a_crash(settings, frame) -> None:
    """A one-shot has null tempo, swing and pocket: the groove answer names what it is and
    its root instead of failing the turn (a blind trial found every such turn failing)."""
    import soundfile as sf

    folder = settings.data_dir / "library" / "test"
    folder.mkdir(parents=True, exist_ok=True)
    sr = 22050
    t = np.arange(int(0.8 * sr)) / sr
    sf.write(folder / "bass.wav", (0.8 * np.sin(2 * np.pi * 46.25 * t) * np.exp(-3 * t)), sr)
    g = offline_graph(frame, settings=settings)
    out = run(g, "what's the pitch of this bass hit?", thread="hit", samples=["test/bass.wav"])
    assert out["analyses"]["test/bass.wav"].kind == "one_shot"
    answer = str(out["messages"][-1].content)
    assert "one-shot" in answer
    assert "F#1" in answer
    assert "BPM" not in answer
    assert "no tempo, swing or pocket" in answer
