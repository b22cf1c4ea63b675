"""The routing confidence is a probability (issue 10, item 2: cost-aware routing).

The offline understanding answers first and the router model reads a turn only when the
offline confidence is below ``ROUTER_THRESHOLD``. That confidence is the calibrated
probability that the offline specialist set is right (a map from the classifier's
decision margin fitted on leave-one-set-out readings of the tune rows and shipped in the
model file), not the raw margin."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph
from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.graph.understanding import train as training
from groovegraph.graph.understanding.classifier import IntentModel
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import run

SURE = "find me some dusty 90s boom bap drum loops around 92 bpm"
NONSENSE = "florp wizzle the crank, mebbe quandoo?"


@pytest.fixture
def frame() -> pd.DataFrame:
    return catalog_frame()


def _read(text: str) -> float:
    got = get_offline().understand(text, attached=[], conversation=Conversation())
    assert got.confidence is not None
    return got.confidence


def test_the_shipped_confidence_is_a_monotone_probability_of_the_margin() -> None:
    model = IntentModel.load()
    assert model.calibration is not None, "retrain: the model file carries no calibration"
    margins = np.linspace(0.0, 1.0, 201)
    probs = np.array([model.calibrated(m) for m in margins])
    assert ((probs >= 0.0) & (probs <= 1.0)).all()
    assert (np.diff(probs) >= 0).all()  # a wider margin never promises less
    assert probs[-1] > probs[0]  # and it says something: sure readings are likelier right
    # a margin of zero (on a threshold) is no certainty, the widest margin no coin toss
    assert probs[0] < 0.8 < probs[-1]


def test_the_calibration_fit_is_monotone_even_on_backwards_data(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    margin = rng.uniform(0, 1, 400)
    # right less often at wide margins: the fit may flatten, never turn downwards
    right = rng.uniform(0, 1, 400) < 0.9 - 0.5 * margin
    knots = training.fit_calibration(margin, right)
    assert (np.diff(knots[1]) >= -1e-12).all()
    assert ((knots[1] > 0) & (knots[1] < 1)).all()
    # a well-behaved sample: right 3 times in 10 near margin 0, 9 in 10 near 1
    margin = rng.uniform(0, 1, 2000)
    right = rng.uniform(0, 1, 2000) < 0.3 + 0.6 * margin
    knots = training.fit_calibration(margin, right)
    assert np.interp(0.05, knots[0], knots[1]) == pytest.approx(0.33, abs=0.06)
    assert np.interp(0.95, knots[0], knots[1]) == pytest.approx(0.87, abs=0.06)
    # the map survives the model file
    base = IntentModel(weights=np.zeros((2, 4)), bias=np.zeros(4)).with_calibration(knots)
    base.save(tmp_path / "m.npz", meta={"data_sha256": "x"})
    loaded = IntentModel.load(tmp_path / "m.npz")
    assert loaded.calibrated(0.5) == pytest.approx(base.calibrated(0.5), abs=1e-6)
    # without a map the confidence is the margin, as before
    assert IntentModel(weights=np.zeros((2, 4)), bias=np.zeros(4)).calibrated(0.37) == 0.37


def test_reliability_and_ece_of_a_known_sample() -> None:
    table, ece = training.reliability([0.95, 0.95, 0.15, 0.15], [True, False, False, False])
    assert [b["n"] for b in table] == [2, 2]
    assert ece == pytest.approx(0.5 * 0.45 + 0.5 * 0.15)


def test_a_plain_request_is_sure_and_nonsense_is_not() -> None:
    threshold = Settings().router_threshold
    assert _read(SURE) >= threshold
    assert _read(NONSENSE) < threshold


def test_an_unsure_turn_goes_to_the_router_model_at_the_default_threshold(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    from tests.unit.test_graph_models import ScriptedChat, route, said

    settings = Settings(data_dir=tmp_path / "data")  # the default ROUTER_THRESHOLD
    router = ScriptedChat(script={"router": [route()]})
    worker = ScriptedChat(
        script={"discovery": [said("found some")], "respond": [said("not sure what you mean")]}
    )
    graph = build_graph(
        catalog=cat.FrameSource(frame), settings=settings, model=worker, router_model=router
    ).compile(checkpointer=InMemorySaver())
    out = run(graph, NONSENSE)
    assert [r for r, _ in router.calls] == ["router"]
    assert out["plan"].router == "model"
    assert out["request"].confidence < settings.router_threshold
    # a clear request is read offline: the router model is not paid for
    out = run(graph, SURE, thread="sure")
    assert [r for r, _ in router.calls] == ["router"]
    assert out["plan"].router == "offline"
    assert f"confidence {out['request'].confidence:.2f}" in out["plan"].reason


def test_offline_with_no_model_reads_every_turn_itself(frame: pd.DataFrame, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    graph = offline_graph(frame, settings=settings)
    out = run(graph, NONSENSE)
    assert out["plan"].router == "offline"
    # the calibration changes the confidence only, never what the offline reader chooses
    offline = get_offline()
    calibrated = offline.understand(NONSENSE, attached=[], conversation=Conversation())
    original = offline.model
    try:
        offline.model = original.with_calibration(None)
        raw = offline.understand(NONSENSE, attached=[], conversation=Conversation())
    finally:
        offline.model = original
    assert raw.specialists == calibrated.specialists == out["request"].specialists
    sure = offline.understand(SURE, attached=[], conversation=Conversation())
    try:
        offline.model = original.with_calibration(None)
        sure_raw = offline.understand(SURE, attached=[], conversation=Conversation())
    finally:
        offline.model = original
    assert sure_raw.specialists == sure.specialists
    assert sure_raw.confidence != sure.confidence


def test_a_message_of_unknown_words_is_no_surer_than_the_share_it_knows() -> None:
    # most words unknown to the encoder and nothing read as music: whatever margin the
    # classifier finds was learned on other words, so a configured router model reads it
    read = get_offline().understand(NONSENSE, attached=[], conversation=Conversation())
    assert read.confidence is not None
    assert read.confidence <= 0.5
    # a terse request of domain words the encoder lacks is still read as sure as before
    terse = get_offline().understand("dnb 170-172", attached=[], conversation=Conversation())
    assert terse.specialists == ["discovery"]
    assert terse.confidence is not None
    assert terse.confidence > 0.5
