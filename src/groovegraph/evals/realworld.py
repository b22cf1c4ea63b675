"""The ``analysis_realworld`` suite: the analysis on the reporting split of the
independent corpus (:mod:`groovegraph.evals.corpus`).

The dataset ``evals/datasets/analysis_corpus.jsonl`` names each example by its corpus id
and holds its truth; the audio is rendered (once, cached under the user's data dir) in
the suite's ``prepare`` step, in a few fluidsynth calls for the whole set. The target
analyses the cached WAV. A field the analysis leaves null scores 0 wherever the truth
has a value, and an analysis error is scored as a wrong answer (with the error as the
comment), not as a crash: a refused one-shot is a failure of the analysis, not of the
eval. ``GROOVEGRAPH_EVAL_CORPUS_LIMIT=N`` keeps an evenly spread subset of N examples
(the CI test runs a handful; the full set is ``groovegraph eval --suite analysis_realworld``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from groovegraph.evals import metrics
from groovegraph.evals.datasets import DatasetError, EvalExample
from groovegraph.evals.harness import EvalContext

Feedback = dict[str, Any]
LIMIT_ENV = "GROOVEGRAPH_EVAL_CORPUS_LIMIT"
#: Truth fields compared between the dataset file and a freshly rendered example.
_CHECKED = ("kind", "tempo_bpm", "meter", "swing_percent", "backbeat_lag_ms", "key", "root_note")


def corpus_cache_dir(ctx: EvalContext) -> Path:
    """The render cache lives in the caller's data dir, not the run's temporary one, so a
    second ``groovegraph eval`` reuses the audio."""
    override = os.environ.get("GROOVEGRAPH_CORPUS_CACHE")
    if override:
        return Path(override).expanduser()
    return Path(ctx.base_settings.data_dir) / "eval-corpus"


def _limit() -> int | None:
    raw = os.environ.get(LIMIT_ENV, "").strip()
    if not raw:
        return None
    try:
        n = int(raw)
    except ValueError as err:
        raise DatasetError(f"{LIMIT_ENV} must be an integer, got {raw!r}") from err
    return max(1, n)


def spread(examples: list[EvalExample], n: int) -> list[EvalExample]:
    """``n`` examples evenly spaced over the list (which is ordered by kind and category)."""
    if n >= len(examples):
        return examples
    step = len(examples) / n
    return [examples[int(i * step)] for i in range(n)]


def prepare(ctx: EvalContext, examples: list[EvalExample]) -> list[EvalExample]:
    """Render (or find in the cache) every example's audio and attach its path."""
    from groovegraph.evals.corpus import load_corpus

    limit = _limit()
    if limit is not None:
        examples = spread(examples, limit)
    by_split: dict[tuple[str, str], list[str]] = {}
    for ex in examples:
        by_split.setdefault((ex.inputs["split"], ex.inputs["kind"]), []).append(
            ex.inputs["corpus_id"]
        )
    rendered: dict[str, Any] = {}
    cache = corpus_cache_dir(ctx)
    for (split, kind), ids in by_split.items():
        for clip in load_corpus(split, (kind,), cache, ids=ids):
            rendered[clip.id] = clip
    out = []
    for ex in examples:
        item = rendered.get(ex.inputs["corpus_id"])
        if item is None:
            raise DatasetError(
                f"{ex.id}: corpus example {ex.inputs['corpus_id']!r} was not rendered "
                "(dropped or renamed); regenerate evals/datasets/analysis_corpus.jsonl"
            )
        want = ex.outputs.get("truth") or {}
        stale = [k for k in _CHECKED if want.get(k) != item.truth.get(k)]
        if stale:
            raise DatasetError(
                f"{ex.id}: the dataset's truth differs from the corpus on {stale}; "
                "regenerate with evals/generate_analysis_corpus.py"
            )
        out.append(
            EvalExample(
                id=ex.id,
                inputs={**ex.inputs, "path": str(item.path)},
                outputs=ex.outputs,
                metadata=ex.metadata,
            )
        )
    return out


def make_target(ctx: EvalContext) -> Any:
    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        from groovegraph.tools.analysis import analyze_file
        from groovegraph.tools.errors import GrooveGraphError

        try:
            analysis = analyze_file(inputs["path"], settings=ctx.settings)
        except GrooveGraphError as err:
            return {"analysis": None, "refused": f"{type(err).__name__}: {err}"}
        return {"analysis": analysis.model_dump(mode="json", exclude={"sha256", "downbeats_s"})}

    target.__name__ = "analyze_corpus_clip"
    return target


# --------------------------------------------------------------------------- evaluators


def _pair(
    outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    truth = dict(reference_outputs.get("truth") or {})
    if not outputs:
        return {}, truth, "no output (the run failed)"
    if outputs.get("refused"):
        return {}, truth, f"analysis refused: {outputs['refused']}"
    est = outputs.get("analysis")
    if not isinstance(est, Mapping):
        return {}, truth, "no analysis"
    return dict(est), truth, None


_num = metrics.finite_number


def _na(key: str, why: str) -> Feedback:
    return {"key": key, "score": None, "comment": f"not applicable: {why}"}


def _wrong(key: str, why: str) -> Feedback:
    return {"key": key, "score": 0.0, "comment": why}


def _tempo(key: str, *, acc2: bool = False, unambiguous_only: bool = False) -> Any:
    def evaluator(
        *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
    ) -> Feedback:
        est, truth, err = _pair(outputs, reference_outputs)
        if not truth.get("tempo_bpm") or truth.get("kind") == "one_shot":
            return _na(key, "no tempo truth")
        if truth.get("beats_s") is None:
            return _na(key, "no beat truth (chorale)")
        if unambiguous_only and truth.get("tempo_octave_ambiguous"):
            return _na(key, "octave ambiguous")
        if err:
            return _wrong(key, err)
        bpm = _num(est, "tempo_bpm")
        if bpm is None or bpm <= 0:
            return _wrong(key, "tempo_bpm is null")
        fn = metrics.tempo_acc2 if acc2 else metrics.tempo_acc1
        ok = fn(estimated_bpm=bpm, true_bpm=float(truth["tempo_bpm"]))
        return {
            "key": key,
            "score": float(ok),
            "comment": f"{bpm:.2f} vs {truth['tempo_bpm']:.2f} BPM",
        }

    evaluator.__name__ = key
    return evaluator


tempo_acc1 = _tempo("tempo_acc1")
tempo_acc2 = _tempo("tempo_acc2", acc2=True)
tempo_acc1_unambiguous = _tempo("tempo_acc1_unambiguous", unambiguous_only=True)


def beat_f_measure(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """mir_eval beat F-measure (±70 ms, first 5 s trimmed)."""
    key = "beat_f_measure"
    est, truth, err = _pair(outputs, reference_outputs)
    if not truth.get("beats_s"):
        return _na(key, "no beat truth")
    if err:
        return _wrong(key, err)
    beats = est.get("beats_s")
    if not beats:
        return _wrong(key, "beats_s is null")
    import mir_eval
    import numpy as np

    ref = mir_eval.beat.trim_beats(np.asarray(truth["beats_s"], dtype=float))
    got = mir_eval.beat.trim_beats(np.asarray(sorted(beats), dtype=float))
    score = float(mir_eval.beat.f_measure(ref, got)) if len(ref) and len(got) else 0.0
    return {"key": key, "score": score, "comment": f"{len(beats)} beats vs {len(truth['beats_s'])}"}


def _equal(key: str, field: str, *, when: str | None = None) -> Any:
    def evaluator(
        *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
    ) -> Feedback:
        est, truth, err = _pair(outputs, reference_outputs)
        if truth.get(field) is None or (when is not None and truth.get("kind") != when):
            return _na(key, f"no {field} truth")
        if err:
            return _wrong(key, err)
        got = est.get(field)
        if got is None:
            return _wrong(key, f"{field} is null")
        return {
            "key": key,
            "score": float(got == truth[field]),
            "comment": f"{got} vs {truth[field]}",
        }

    evaluator.__name__ = key
    return evaluator


meter_acc = _equal("meter_acc", "meter")
swing_subdivision_acc = _equal("swing_subdivision_acc", "swing_subdivision")
one_shot_instrument = _equal("one_shot_instrument", "instrument", when="one_shot")


def _abs_error(key: str, field: str, unit: str) -> Any:
    def evaluator(
        *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
    ) -> Feedback:
        est, truth, err = _pair(outputs, reference_outputs)
        if truth.get(field) is None:
            return _na(key, f"no {field} truth")
        if err:
            return {"key": key, "score": None, "comment": f"{err} (counted in fields_filled)"}
        got = _num(est, field)
        if got is None:
            return {
                "key": key,
                "score": None,
                "comment": f"{field} is null (counted in fields_filled)",
            }
        error = abs(got - float(truth[field]))
        return {"key": key, "score": error, "comment": f"{got:.2f} vs {truth[field]:.2f} {unit}"}

    evaluator.__name__ = key
    return evaluator


swing_abs_error = _abs_error("swing_abs_error", "swing_percent", "swing %")
backbeat_abs_error_ms = _abs_error("backbeat_abs_error_ms", "backbeat_lag_ms", "ms")


def _key(key: str, *, subset: str | None = None) -> Any:
    def evaluator(
        *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
    ) -> Feedback:
        est, truth, err = _pair(outputs, reference_outputs)
        if not truth.get("key") or truth.get("key_ambiguous"):
            return _na(key, "no unambiguous key truth")
        if subset == "modal" and not truth.get("modal"):
            return _na(key, "not modal")
        if subset == "chorale" and truth.get("source") != "chorale":
            return _na(key, "not a chorale")
        if err:
            return _wrong(key, err)
        got = est.get("key")
        if not got:
            return _wrong(key, f"no key vs {truth['key']}")
        try:
            score = metrics.mirex_key_score(estimated=str(got), reference=truth["key"])
        except Exception:
            score = 0.0
        return {"key": key, "score": score, "comment": f"{got} vs {truth['key']}"}

    evaluator.__name__ = key
    return evaluator


key_mirex = _key("key_mirex")
key_mirex_modal = _key("key_mirex_modal", subset="modal")
key_mirex_chorales = _key("key_mirex_chorales", subset="chorale")


def one_shot_kind(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when a one-shot is analysed as ``kind = "one_shot"`` (a refusal scores 0)."""
    key = "one_shot_kind"
    est, truth, err = _pair(outputs, reference_outputs)
    if truth.get("kind") != "one_shot":
        return _na(key, "a loop")
    if err:
        return _wrong(key, err)
    return {
        "key": key,
        "score": float(est.get("kind") == "one_shot"),
        "comment": str(est.get("kind")),
    }


def one_shot_no_tempo(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when a one-shot is analysed without inventing a tempo (a refusal scores 0)."""
    key = "one_shot_no_tempo"
    est, truth, err = _pair(outputs, reference_outputs)
    if truth.get("kind") != "one_shot":
        return _na(key, "a loop")
    if err:
        return _wrong(key, err)
    bpm = est.get("tempo_bpm")
    return {"key": key, "score": float(bpm is None), "comment": f"tempo_bpm={bpm}"}


def one_shot_root_note(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when a tonal one-shot's ``root_note`` is the same MIDI note (enharmonics agree)."""
    from groovegraph.evals.corpus.music import note_number

    key = "one_shot_root_note"
    est, truth, err = _pair(outputs, reference_outputs)
    if truth.get("kind") != "one_shot" or not truth.get("root_note"):
        return _na(key, "no root truth")
    if err:
        return _wrong(key, err)
    got = est.get("root_note")
    if not got:
        return _wrong(key, f"root_note is null vs {truth['root_note']}")
    try:
        ok = note_number(str(got)) == note_number(truth["root_note"])
    except (KeyError, ValueError, IndexError):
        ok = False
    return {"key": key, "score": float(ok), "comment": f"{got} vs {truth['root_note']}"}


_FILLED = {
    "tempo_bpm": "tempo_bpm",
    "beats_s": "beats_s",
    "meter": "meter",
    "swing_percent": "swing_percent",
    "swing_subdivision": "swing_subdivision",
    "backbeat_lag_ms": "backbeat_lag_ms",
    "key": "key",
    "instrument": "instrument",
    "root_note": "root_note",
}


def fields_filled(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """Share of the fields with a truth that the analysis filled (a refusal fills none)."""
    key = "fields_filled"
    est, truth, err = _pair(outputs, reference_outputs)
    wanted = [f for f, t in _FILLED.items() if truth.get(t) not in (None, [], "")]
    if not wanted:
        return _na(key, "nothing to fill")
    if err:
        return _wrong(key, err)
    missing = [f for f in wanted if est.get(f) in (None, [], "")]
    return {
        "key": key,
        "score": 1.0 - len(missing) / len(wanted),
        "comment": f"null: {', '.join(missing)}" if missing else "all filled",
    }


EVALUATORS = (
    tempo_acc1,
    tempo_acc2,
    tempo_acc1_unambiguous,
    beat_f_measure,
    meter_acc,
    swing_abs_error,
    swing_subdivision_acc,
    backbeat_abs_error_ms,
    key_mirex,
    key_mirex_modal,
    key_mirex_chorales,
    one_shot_kind,
    one_shot_instrument,
    one_shot_root_note,
    one_shot_no_tempo,
    fields_filled,
)
