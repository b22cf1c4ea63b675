"""Run eval suites with ``langsmith.evaluate``, offline by default.

Offline (the default): examples are local ``langsmith.schemas.Example`` objects, results
stay in memory (``upload_results=False``) and the client is a placeholder that never opens
a socket. With ``upload=True`` and ``LANGSMITH_API_KEY`` set, each suite's dataset is
created or synced by name and example id, and the run lands as an experiment.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from groovegraph.evals.datasets import EvalExample, dataset_version, load_dataset, to_langsmith
from groovegraph.evals.harness import EvalContext
from groovegraph.evals.judges import make_answer_judge
from groovegraph.evals.suites import Suite, get_suites
from groovegraph.settings import Settings
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError


class UploadError(GrooveGraphError):
    """``--upload`` without a LangSmith key, or the LangSmith API refused the data."""

    code = "upload_error"
    exit_code = 2


@dataclass
class MetricResult:
    """Mean of one feedback key over a suite, with its bar (if any)."""

    suite: str
    metric: str
    value: float | None
    n: int
    op: str | None = None
    threshold: float | None = None
    passed: bool | None = None


@dataclass
class SuiteResult:
    name: str
    dataset: str
    examples: int
    errors: int
    seconds: float
    experiment: str | None
    metrics: list[MetricResult]
    failures: list[dict[str, Any]] = field(default_factory=list)
    #: The split these examples came from (suites with tune/report splits), else None.
    split: str | None = None

    @property
    def passed(self) -> bool:
        return self.errors == 0 and all(m.passed is not False for m in self.metrics)


@dataclass
class EvalReport:
    version: str
    model: str
    uploaded: bool
    seconds: float
    suites: list[SuiteResult]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.suites)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["passed"] = self.passed
        for suite, raw in zip(self.suites, out["suites"], strict=True):
            raw["passed"] = suite.passed
        return out


def offline_client() -> Any:
    """A ``langsmith.Client`` that ``evaluate(upload_results=False)`` accepts and that can
    never reach the network: known server info (no ``/info`` request) and a closed
    loopback port as endpoint."""
    from langsmith import Client

    return Client(
        api_key="offline", api_url="http://127.0.0.1:9", info={}, auto_batch_tracing=False
    )


def _aggregate(
    suite: Suite, rows: Sequence[Mapping[str, Any]]
) -> tuple[list[MetricResult], int, list[dict[str, Any]]]:
    scores: dict[str, list[float]] = {}
    errors = 0
    failures: list[dict[str, Any]] = []
    bars = {t.metric: t for t in suite.thresholds}
    for row in rows:
        run, example = row["run"], row["example"]
        ex_id = (example.metadata or {}).get("example_id", str(example.id))
        if run.error:
            errors += 1
            failures.append({"example": ex_id, "error": str(run.error).splitlines()[-1][:300]})
        for res in row["evaluation_results"]["results"]:
            if res.score is None or (isinstance(res.score, float) and math.isnan(res.score)):
                continue
            score = float(res.score)
            scores.setdefault(res.key, []).append(score)
            bar = bars.get(res.key)
            if bar:
                per_example_ok = bar.passes(score)
            else:
                per_example_ok = res.key not in suite.explain or score >= 1.0
            if not per_example_ok and not run.error:
                failures.append(
                    {"example": ex_id, "metric": res.key, "score": score, "comment": res.comment}
                )
    metrics: list[MetricResult] = []
    derived = dict(suite.derive(scores)) if suite.derive is not None else {}

    def hidden(key: str) -> bool:  # "turns" hides "turns[set3]" too
        return key in suite.hidden or key.split("[", 1)[0] in suite.hidden

    keys = [t.metric for t in suite.thresholds]
    extra = dict.fromkeys(k for k in [*scores, *derived] if k not in bars and not hidden(k))
    keys += [k for k in extra if k not in keys]
    for key in keys:
        values = scores.get(key, [])
        mean = sum(values) / len(values) if values else None
        if key in derived:
            mean = derived[key]
        bar = bars.get(key)
        metrics.append(
            MetricResult(
                suite=suite.name,
                metric=key,
                value=mean,
                n=len(values),
                op=bar.op if bar else None,
                threshold=bar.value if bar else None,
                passed=bar.passes(mean) if bar else None,
            )
        )
    return metrics, errors, failures


def sync_dataset(
    client: Any, *, name: str, description: str, examples: list[EvalExample], version: str
) -> Any:
    """Create or update the LangSmith dataset ``name`` so it holds exactly ``examples``
    (by their deterministic UUIDs): missing ones are created, changed ones updated, and
    ones no longer in the file deleted. Returns the dataset."""
    if client.has_dataset(dataset_name=name):
        dataset = client.read_dataset(dataset_name=name)
    else:
        dataset = client.create_dataset(
            name, description=description, metadata={"version": version}
        )
    remote = {ex.id: ex for ex in client.list_examples(dataset_id=dataset.id)}
    local = {ex.uuid(name): ex for ex in examples}
    to_create = [ex_id for ex_id in local if ex_id not in remote]
    if to_create:
        client.create_examples(
            dataset_id=dataset.id,
            examples=[
                {
                    "id": ex_id,
                    "inputs": local[ex_id].inputs,
                    "outputs": local[ex_id].outputs,
                    "metadata": {
                        **local[ex_id].metadata,
                        "example_id": local[ex_id].id,
                        "version": version,
                    },
                }
                for ex_id in to_create
            ],
        )
    for ex_id, ex in local.items():
        old = remote.get(ex_id)
        if old is not None and (old.inputs != ex.inputs or (old.outputs or {}) != ex.outputs):
            client.update_example(
                ex_id,
                inputs=ex.inputs,
                outputs=ex.outputs,
                metadata={**ex.metadata, "example_id": ex.id, "version": version},
            )
    stale = [ex_id for ex_id in remote if ex_id not in local]
    if stale:
        client.delete_examples(stale)
    return dataset


def _suite_parts(suites: Sequence[Suite], split: str | None) -> list[tuple[Suite, str | None]]:
    """Each suite once, or once per split for suites that have splits."""
    if split is not None and not any(split in s.splits for s in suites if s.splits):
        known = sorted({p for s in suites for p in s.splits})
        if known:
            raise InvalidQueryError(f"unknown split {split!r}; one of {', '.join(known)}")
    out: list[tuple[Suite, str | None]] = []
    for suite in suites:
        if not suite.splits:
            out.append((suite, None))
        else:
            out.extend((suite, p) for p in suite.splits if split is None or p == split)
    return out


def run_suites(
    names: list[str] | None = None,
    *,
    settings: Settings,
    upload: bool = False,
    client: Any = None,
    on_suite: Callable[[SuiteResult], None] | None = None,
    suites: list[Suite] | None = None,
    datasets: Path | None = None,
    split: str | None = None,
) -> EvalReport:
    """Run the named suites (all by default) and score them against their bars.

    Parameters
    ----------
    names : list of str, optional
        Suite names (``routing``, ``analysis``, ``discovery``, ``grounded``, ``trajectory``).
    settings : Settings
        Base settings; the run works in its own temporary data dir.
    upload : bool
        Send datasets and experiments to LangSmith (needs ``LANGSMITH_API_KEY``).
    client : langsmith.Client, optional
        Client to upload with (default: one built from the environment).
    on_suite : callable, optional
        Called with each :class:`SuiteResult` as soon as it is done.
    suites : list of Suite, optional
        Run these suite objects instead of looking ``names`` up in the registry.
    datasets : Path, optional
        Folder of the JSONL files (default :func:`~groovegraph.evals.datasets.datasets_dir`).
    split : str, optional
        For suites with splits (``understanding``: ``tune``/``report``), run only this
        split; by default each split runs and is reported as its own result
        (``understanding:tune``, ``understanding:report``). Other suites ignore it.
    """
    from langsmith import evaluate

    suites = suites if suites is not None else get_suites(names)
    version = dataset_version(datasets)
    if upload:
        if client is None:
            if not (os.environ.get("LANGSMITH_API_KEY") or os.environ.get("LANGCHAIN_API_KEY")):
                raise UploadError("--upload needs LANGSMITH_API_KEY")
            from langsmith import Client

            client = Client()
    else:
        client = offline_client()
    # LLM judges join the end-to-end suites only when a real model is configured.
    judge = make_answer_judge(settings=settings)
    judges = {"grounded": [judge]} if judge is not None else {}
    started = time.perf_counter()
    results: list[SuiteResult] = []
    with EvalContext(settings=settings, trace=upload) as ctx:
        for suite, part in _suite_parts(suites, split):
            t0 = time.perf_counter()
            if suite.load is not None:
                examples = suite.load(datasets)
            else:
                examples = load_dataset(suite.dataset, directory=datasets)
            if part is not None:
                examples = [ex for ex in examples if ex.metadata.get("split") == part]
            if suite.prepare is not None:
                examples = suite.prepare(ctx, examples)
            ds_name = f"groovegraph-{suite.dataset}" + (f"-{part}" if part else "")
            if upload:
                dataset = sync_dataset(
                    client,
                    name=ds_name,
                    description=suite.description,
                    examples=examples,
                    version=version,
                )
                data = to_langsmith(examples, dataset=ds_name, dataset_id=dataset.id)
            else:
                data = to_langsmith(examples, dataset=ds_name)
            # langsmith prints progress lines to stdout and warns that upload_results is
            # beta; neither may mix into `groovegraph eval --json` output.
            with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
                warnings.simplefilter("ignore", category=UserWarning)
                experiment = evaluate(
                    suite.make_target(ctx),
                    data=data,
                    evaluators=[*suite.evaluators, *judges.get(suite.name, [])],
                    experiment_prefix=f"groovegraph-{suite.name}",
                    description=suite.description,
                    metadata={
                        "suite": suite.name,
                        "split": part,
                        "dataset_version": version,
                        "model": settings.model,
                        "run": uuid.uuid4().hex[:8],
                    },
                    max_concurrency=0,  # examples share one CPU-bound process; run them in order
                    client=client,
                    upload_results=upload,
                )
            rows = list(experiment)
            metrics, errors, failures = _aggregate(suite, rows)  # type: ignore[arg-type]
            result = SuiteResult(
                name=f"{suite.name}:{part}" if part else suite.name,
                dataset=ds_name,
                examples=len(rows),
                errors=errors,
                seconds=round(time.perf_counter() - t0, 2),
                experiment=experiment.experiment_name if upload else None,
                metrics=metrics,
                failures=failures,
                split=part,
            )
            results.append(result)
            if on_suite is not None:
                on_suite(result)
    if upload:
        client.flush()
    return EvalReport(
        version=version,
        model=settings.model,
        uploaded=upload,
        seconds=round(time.perf_counter() - started, 2),
        suites=results,
    )
