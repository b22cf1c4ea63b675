"""Drum-only loops end to end: nothing pitched, so no key — but they index, search, mix
and answer like any other loop (tempo, swing and pocket are what a producer wants from a
drum break)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from groovegraph.evals import evaluators
from groovegraph.graph import tools as graph_tools
from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from groovegraph.tools.analysis import analyze_file
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio
from tests.catalogs import offline_graph

# Seeds checked to give no pitched content (estimate_key raises NoPitchedContentError).
BREAK = GrooveSpec(
    tempo_bpm=92.0, swing_percent=62.0, pattern="rock", mix="drums_only", duration_s=8.0,
    sample_rate=22050, seed=3,
)  # fmt: skip
TUNE = GrooveSpec(
    tempo_bpm=94.0, swing_percent=56.0, key="A minor", pattern="funk", duration_s=8.0,
    sample_rate=22050, seed=1,
)  # fmt: skip


@pytest.fixture
def library(settings: Settings) -> dict[str, Path]:
    folder = settings.data_dir / "library" / "funk"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, spec in (("break", BREAK), ("tune", TUNE)):
        y, _ = synthesize_groove(spec)
        out[name] = write_audio(folder / f"{name}.wav", y, spec.sample_rate)
    return out


@pytest.fixture
def store(settings: Settings) -> Iterator[CatalogStore]:
    settings.ensure_dirs()
    s = CatalogStore.open(settings)
    yield s
    s.close()


def test_indexing_a_drum_break_stores_it_ok_and_search_and_stats_use_it(
    settings: Settings, store: CatalogStore, library: dict[str, Path]
) -> None:
    summary = store.index_directory(settings.data_dir / "library", settings=settings, workers=1)
    assert (summary.added, summary.failed) == (2, 0), summary.errors
    df = store.frame()
    by_name = {Path(p).name: i for p, i in zip(df["path"], df["id"], strict=True)}
    rec = store.get(by_name["break.wav"])
    assert rec.status == "ok"
    assert rec.error is None
    assert rec.analysis is not None
    assert rec.analysis.key is None
    assert rec.analysis.camelot is None
    assert rec.analysis.tempo_bpm == pytest.approx(BREAK.tempo_bpm, rel=0.02)
    assert rec.analysis.swing_percent == pytest.approx(BREAK.swing_percent, abs=3.0)
    tune = store.get(by_name["tune.wav"]).analysis
    assert tune is not None
    assert tune.key is not None

    # A tempo search finds the break (ranked on its tempo, not sunk for lacking a key).
    hits = cat.search(df, CatalogQuery(bpm_min=88, bpm_max=98, target_bpm=92.0))
    assert [Path(h.path).name for h in hits] == ["break.wav", "tune.wav"]
    assert hits[0].key is None
    assert "None" not in hits[0].reason
    # A key filter or a mix-with filter leaves the keyless break out.
    for q in (CatalogQuery(key=tune.key), CatalogQuery(compatible_with=tune.key)):
        assert [Path(h.path).name for h in cat.search(df, q)] == ["tune.wav"]
    # Frame records round-trip the null key too.
    assert cat.FrameSource(df).get(by_name["break.wav"]).analysis.key is None  # type: ignore[union-attr]

    stats = cat.stats_by(df, by="genre")
    assert stats["genre"].tolist() == ["funk"]
    assert int(stats["count"].iloc[0]) == 2  # the break counts in the groove statistics
    assert stats["common_keys"].iloc[0] == [tune.key]


def test_mixing_with_a_drum_break_is_a_tempo_verdict(
    settings: Settings, library: dict[str, Path]
) -> None:
    drums = analyze_file(library["break"], settings=settings)
    tune = analyze_file(library["tune"], settings=settings)
    report = harmony.compatibility(tune, drums)
    assert report.key is None
    assert report.tempo is not None
    assert report.tempo.bpm_b == pytest.approx(drums.tempo_bpm)
    assert report.score == report.tempo.score  # the key part does not count
    assert any(r.startswith("key: not applicable") and "drums only" in r for r in report.reasons)
    assert str(library["break"]) in " ".join(report.reasons)


def test_offline_graph_answers_the_swing_of_a_drum_break(
    settings: Settings, library: dict[str, Path]
) -> None:
    g = offline_graph(cat.empty_frame(), settings=settings)
    out = g.invoke(
        {"messages": [HumanMessage("what's the swing on funk/break.wav?")]},
        {"configurable": {"thread_id": "drums"}},
    )
    a = out["analyses"]["funk/break.wav"]
    assert a.key is None
    answer = out["messages"][-1].content
    assert f"swing {a.swing_percent:.1f} %" in answer
    assert f"{a.tempo_bpm:.1f} BPM" in answer
    assert "no key — drums only" in answer
    assert "None" not in answer
    # The groove tool's text (what a model reads in online mode) says the same.
    text = graph_tools._analysis_text("funk/break.wav", a)
    assert "no key — drums only" in text
    assert "None" not in text
    assert f"swing {a.swing_percent:.1f}%" in text


def test_key_scoring_skips_keyless_references() -> None:
    est = {"analysis": {"key": None, "tempo_bpm": 92.0}}
    skipped = evaluators.key_mirex(outputs=est, reference_outputs={"truth": {"key": None}})
    assert skipped["score"] is None
    missed = evaluators.key_mirex(outputs=est, reference_outputs={"truth": {"key": "A minor"}})
    assert missed["score"] == 0.0


def test_cli_analyze_of_a_drum_break_exits_0_and_says_no_key(
    library: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from groovegraph import cli

    assert cli.main(["analyze", str(library["break"])]) == 0
    out = capsys.readouterr().out
    assert "key      none (drums only" in out
    assert "None" not in out
    assert cli.main(["analyze", "--json", str(library["break"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["key"] is None
    assert doc["camelot"] is None
    assert doc["tempo_bpm"] == pytest.approx(BREAK.tempo_bpm, rel=0.02)


def test_the_graph_judges_a_drum_break_against_a_keyed_loop_on_tempo_alone(
    settings: Settings, library: dict[str, Path]
) -> None:
    """Outside trial: a drums-only loop against a keyed loop an 8.7 % stretch away was
    "clash 0.12". A drum break cannot clash harmonically: the answer says the key does
    not apply and words the verdict from the tempo alone."""
    spec = replace(TUNE, tempo_bpm=100.0)
    y, _ = synthesize_groove(spec)
    write_audio(library["tune"].with_name("tune100.wav"), y, spec.sample_rate)
    g = offline_graph(cat.empty_frame(), settings=settings)
    out = g.invoke(
        {"messages": [HumanMessage("will funk/break.wav mix with funk/tune100.wav?")]},
        {"configurable": {"thread_id": "drums-mix"}},
    )
    (report,) = out["reports"]
    assert report.key is None
    assert report.tempo is not None
    assert 7.5 < abs(report.tempo.stretch_percent) < 9.5
    assert report.verdict in ("good", "workable")
    answer = out["messages"][-1].content
    assert f"**{report.verdict}** (score {report.score:.2f})" in answer
    assert "key: not applicable" in answer
    assert "clash" not in answer.replace("cannot clash", "")
