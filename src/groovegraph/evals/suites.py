"""The eval suites: which dataset, which target, which evaluators and which bars.

A suite's target is a plain ``inputs -> outputs`` function built from the run's
:class:`~groovegraph.evals.harness.EvalContext`, so ``langsmith.evaluate`` drives it the
same way offline and when uploading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from groovegraph.evals import evaluators as ev
from groovegraph.evals import realworld as rw
from groovegraph.evals import understanding as und
from groovegraph.evals.datasets import EvalExample
from groovegraph.evals.harness import EvalContext
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError

Target = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Threshold:
    """A bar on the mean of one feedback key over a suite (``>=`` or ``<=``)."""

    metric: str
    op: Literal[">=", "<="]
    value: float

    def passes(self, measured: float | None) -> bool:
        if measured is None:
            return False
        return measured >= self.value if self.op == ">=" else measured <= self.value


@dataclass(frozen=True)
class Suite:
    """One evaluation: a dataset, how to run an example, how to score it, what must hold."""

    name: str
    dataset: str
    description: str
    make_target: Callable[[EvalContext], Target]
    evaluators: tuple[ev.Evaluator, ...]
    thresholds: tuple[Threshold, ...]
    #: Turns dataset references that depend on the run (e.g. demo-manifest criteria) into
    #: concrete reference outputs before the examples are handed to LangSmith.
    prepare: Callable[[EvalContext, list[EvalExample]], list[EvalExample]] | None = None
    #: Extra feedback keys reported (mean) without a bar.
    tags: tuple[str, ...] = field(default_factory=tuple)
    #: Reads the suite's examples (default: ``load_dataset(dataset)``).
    load: Callable[[Path | None], list[EvalExample]] | None = None
    #: Splits reported separately (``metadata["split"]`` of each example), e.g. tune/report.
    splits: tuple[str, ...] = ()
    #: Suite-level metrics computed from all feedback scores (e.g. a turn-weighted mean);
    #: they replace the plain mean of the same key.
    derive: Callable[[Mapping[str, list[float]]], Mapping[str, float | None]] | None = None
    #: Feedback keys used only by ``derive``, not reported.
    hidden: tuple[str, ...] = ()
    #: Part of a plain ``groovegraph eval`` (without ``--suite``).
    default: bool = True
    #: Feedback keys without a bar whose failing examples (score < 1) are still listed.
    explain: tuple[str, ...] = ()


# --------------------------------------------------------------------------- graph suites


def _graph_target(ctx: EvalContext) -> Target:
    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        return ctx.run_turn(inputs)

    target.__name__ = "groovegraph_turn"
    return target


# --------------------------------------------------------------------------- analysis


def _analysis_target(ctx: EvalContext) -> Target:
    """Synthesize the example's groove from its spec and seed, write it into the run's
    library folder, and analyse the file with the real pipeline."""

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        from groovegraph.tools.analysis import analyze_file
        from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

        spec = GrooveSpec(**inputs["spec"])
        y, truth = synthesize_groove(spec)
        folder = ctx.settings.data_dir / "library" / "eval-analysis"
        path = write_audio(
            folder / f"{inputs.get('name', f'seed{spec.seed}')}.wav", y, spec.sample_rate
        )
        try:
            analysis = analyze_file(path, settings=ctx.settings)
        finally:
            path.unlink(missing_ok=True)
        return {
            "analysis": analysis.model_dump(mode="json", exclude={"beats_s"}),
            "synth_truth": {
                "tempo_bpm": truth.tempo_bpm,
                "swing_percent": truth.swing_percent,
                "backbeat_lag_ms": truth.backbeat_lag_ms,
                "key": truth.key,
            },
        }

    target.__name__ = "analyze_synthetic_groove"
    return target


# --------------------------------------------------------------------------- discovery


def _matches(value: Any, want: Any) -> bool:
    """One manifest criterion: ``[lo, hi]`` range for numbers, a list of options, or equality
    (case-insensitive for text)."""
    if value is None:
        return False
    if isinstance(want, list) and len(want) == 2 and all(isinstance(x, int | float) for x in want):
        return float(want[0]) <= float(value) <= float(want[1])
    if isinstance(want, list):
        return any(_matches(value, w) for w in want)
    if isinstance(want, str) and isinstance(value, str):
        return value.strip().lower() == want.strip().lower()
    return bool(value == want)


def _sample_fields(sample: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a manifest entry (``truth`` and ``tags`` sub-objects) into one mapping."""
    flat: dict[str, Any] = {}
    for part in ("tags", "truth", "spec"):
        if isinstance(sample.get(part), Mapping):
            flat.update(sample[part])
    flat.update({k: v for k, v in sample.items() if not isinstance(v, Mapping)})
    if "key" in flat:
        from groovegraph.tools.keys import parse_key

        try:
            key = parse_key(str(flat["key"]))
            flat["key"] = key.name
            flat.setdefault("camelot", key.camelot)
        except GrooveGraphError:
            pass
    return flat


def discovery_gains(manifest: Mapping[str, Any], relevance: Mapping[str, Any]) -> dict[str, float]:
    """Graded relevance of every demo sample for one query, from the manifest's ground truth.

    ``relevance = {"must": {field: criterion}, "better": {field: criterion}}``: a sample
    that meets every ``must`` criterion has gain 1, and 2 when it also meets every
    ``better`` criterion. Fields are the manifest's truth and tag names
    (``tempo_bpm``, ``key``, ``camelot``, ``swing_percent``, ``genre``, ``era`` …).
    """
    must = relevance.get("must") or {}
    better = relevance.get("better") or {}
    gains: dict[str, float] = {}
    for sample in manifest["samples"]:
        flat = _sample_fields(sample)
        if all(_matches(flat.get(k), v) for k, v in must.items()):
            gains[str(sample["path"])] = (
                2.0 if better and all(_matches(flat.get(k), v) for k, v in better.items()) else 1.0
            )
    return gains


def _discovery_prepare(ctx: EvalContext, examples: list[EvalExample]) -> list[EvalExample]:
    out = []
    for ex in examples:
        gains = discovery_gains(ctx.demo_manifest, ex.outputs.get("relevance") or {})
        if not gains:
            raise GrooveGraphError(
                f"discovery example {ex.id!r}: no demo sample is relevant; fix the criteria"
            )
        out.append(
            EvalExample(
                id=ex.id,
                inputs=ex.inputs,
                outputs={**ex.outputs, "gains": gains},
                metadata=ex.metadata,
            )
        )
    return out


# --------------------------------------------------------------------------- understanding

#: The conversations are written over the full ``groovegraph demo`` library.
UNDERSTANDING_DEMO_PER_GENRE = 15


def _understanding_target(ctx: EvalContext) -> Target:
    """Every request and conversation on its own thread of a graph over the full demo library."""

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        full = ctx.with_library(demo_per_genre=UNDERSTANDING_DEMO_PER_GENRE)
        return {"kind": inputs.get("kind"), "turns": full.run_conversation(inputs["turns"])}

    target.__name__ = "groovegraph_conversation"
    return target


# --------------------------------------------------------------------------- registry

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite(
            name="routing",
            dataset="routing",
            description="the supervisor sends each request to exactly the expected specialists",
            make_target=_graph_target,
            evaluators=(ev.routing_exact_match, ev.one_answer),
            thresholds=(
                Threshold("routing_exact_match", ">=", 0.95),
                Threshold("one_answer", ">=", 1.0),
            ),
        ),
        Suite(
            name="analysis",
            dataset="analysis",
            description="tempo, swing, pocket and key of synthesized grooves with exact truth",
            make_target=_analysis_target,
            evaluators=(
                ev.tempo_acc1,
                ev.tempo_acc2,
                ev.swing_abs_error,
                ev.backbeat_abs_error_ms,
                ev.key_mirex,
            ),
            thresholds=(
                Threshold("tempo_acc1", ">=", 0.95),
                Threshold("tempo_acc2", ">=", 0.99),
                Threshold("swing_abs_error", "<=", 2.0),
                Threshold("backbeat_abs_error_ms", "<=", 5.0),
                Threshold("key_mirex", ">=", 0.90),
            ),
        ),
        Suite(
            name="analysis_realworld",
            dataset="analysis_corpus",
            description=(
                "the analysis on the reporting split of the independent corpus (GM-rendered "
                "grooves, checked Bach chorales, one-shots; issue 9 bars)"
            ),
            make_target=rw.make_target,
            evaluators=rw.EVALUATORS,
            thresholds=(
                Threshold("tempo_acc1_unambiguous", ">=", 0.95),
                Threshold("tempo_acc2", ">=", 0.98),
                Threshold("beat_f_measure", ">=", 0.93),
                Threshold("swing_abs_error", "<=", 2.5),
                Threshold("backbeat_abs_error_ms", "<=", 4.0),
                Threshold("key_mirex_modal", ">=", 0.75),
                Threshold("key_mirex_chorales", ">=", 0.90),
                Threshold("one_shot_no_tempo", ">=", 1.0),
                Threshold("one_shot_root_note", ">=", 1.0),
                Threshold("fields_filled", ">=", 1.0),
            ),
            prepare=rw.prepare,
            # Opt-in (``--suite analysis_realworld``): the first run renders 428 clips.
            default=False,
        ),
        Suite(
            name="discovery",
            dataset="discovery",
            description="a search request, end to end through the graph, ranks the demo samples the manifest says are relevant",
            make_target=_graph_target,
            evaluators=(ev.ndcg_at_5, ev.precision_at_5),
            thresholds=(Threshold("ndcg_at_5", ">=", 0.90),),
            prepare=_discovery_prepare,
        ),
        Suite(
            name="grounded",
            dataset="grounded",
            description="every number in an end-to-end answer comes from a tool result of that turn",
            make_target=_graph_target,
            evaluators=(ev.groundedness, ev.answer_mentions, ev.one_answer),
            thresholds=(
                Threshold("groundedness", ">=", 1.0),
                Threshold("answer_mentions", ">=", 0.9),
                Threshold("one_answer", ">=", 1.0),
            ),
        ),
        Suite(
            name="trajectory",
            dataset="trajectories",
            description="the graph visits the expected nodes in the expected order",
            make_target=_graph_target,
            evaluators=(ev.trajectory_match,),
            thresholds=(Threshold("trajectory_match", ">=", 1.0),),
        ),
        Suite(
            name="understanding",
            dataset="understanding",
            description=(
                "requests and multi-turn conversations written before tuning: specialist sets, "
                "slots, per-turn correctness over the demo library, no repeated answers"
            ),
            make_target=_understanding_target,
            evaluators=(und.understanding_scores,),
            thresholds=(
                Threshold("specialists_exact", ">=", 0.90),
                Threshold("turn_accuracy", ">=", 0.90),
                Threshold("no_repeated_answer", ">=", 1.0),
            ),
            load=und.load_understanding,
            splits=("tune", "report"),
            derive=und.derive_turn_accuracy,
            hidden=("turns_right", "turns"),
            default=False,
            explain=("slot_accuracy",),
        ),
    )
}


def get_suites(names: list[str] | None) -> list[Suite]:
    """The named suites in registry order (every default suite when ``names`` is empty)."""
    if not names:
        return [s for s in SUITES.values() if s.default]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise InvalidQueryError(
            f"unknown suite(s) {', '.join(unknown)}; one of {', '.join(SUITES)}"
        )
    return [SUITES[n] for n in SUITES if n in names]
