"""The eval datasets: versioned JSONL files under ``evals/datasets/`` at the repository root.

Each line is one example ``{"id", "inputs", "outputs", "metadata"?}`` except the routing
file, whose flat ``{"id", "input", "specialists", "notes"}`` lines (written by the graph's
owner) are adapted here. ``evals/datasets/VERSION`` holds the version of the whole set:
bump it whenever an example changes, so uploaded datasets and experiments can be told apart.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError

#: Namespace of the deterministic example UUIDs (uuid5 of "<dataset>/<example id>").
_EXAMPLE_NS = uuid.UUID("6f1d0c3a-3b0e-4f57-9a55-2f3c1e0b9a61")


class DatasetError(GrooveGraphError):
    """A dataset file is missing or malformed."""

    code = "dataset_error"
    exit_code = 2


@dataclass(frozen=True)
class EvalExample:
    """One example: a stable id, the target's inputs and the reference outputs."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)

    def uuid(self, dataset: str) -> uuid.UUID:
        """Deterministic UUID, so re-uploading a dataset updates examples instead of adding copies."""
        return uuid.uuid5(_EXAMPLE_NS, f"{dataset}/{self.id}")


def datasets_dir() -> Path:
    """``evals/datasets`` of the source checkout, or ``$GROOVEGRAPH_EVALS_DATASETS``."""
    override = os.environ.get("GROOVEGRAPH_EVALS_DATASETS")
    if override:
        return Path(override).expanduser().resolve()
    # src/groovegraph/evals/datasets.py -> repository root is three levels above the package
    return Path(__file__).resolve().parents[3] / "evals" / "datasets"


def dataset_version(directory: Path | None = None) -> str:
    """Contents of ``VERSION`` (e.g. ``"3"``)."""
    path = (directory or datasets_dir()) / "VERSION"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as err:
        raise DatasetError(f"missing {path}") from err


def _adapt(raw: dict[str, Any], *, where: str) -> EvalExample:
    if "inputs" in raw:
        if not isinstance(raw.get("inputs"), dict) or not isinstance(raw.get("outputs", {}), dict):
            raise DatasetError(f"{where}: 'inputs' and 'outputs' must be objects")
        ex_id = raw.get("id")
        if not isinstance(ex_id, str) or not ex_id:
            raise DatasetError(f"{where}: every example needs a string 'id'")
        return EvalExample(
            id=ex_id,
            inputs=raw["inputs"],
            outputs=raw.get("outputs") or {},
            metadata=raw.get("metadata") or {},
        )
    # Flat routing format: {"id", "input", "specialists", "notes"}.
    if "input" in raw and "specialists" in raw:
        ex_id = raw.get("id")
        if not isinstance(ex_id, str) or not ex_id or not isinstance(raw["specialists"], list):
            raise DatasetError(
                f"{where}: routing lines need 'id', 'input' and a list 'specialists'"
            )
        message = raw["input"] if isinstance(raw["input"], str) else raw["input"].get("message", "")
        extra = raw["input"] if isinstance(raw["input"], dict) else {}
        inputs = {**extra, "message": message}
        if raw.get("samples"):
            inputs["samples"] = list(raw["samples"])
        meta = {k: v for k, v in raw.items() if k not in {"id", "input", "specialists", "samples"}}
        return EvalExample(
            id=ex_id, inputs=inputs, outputs={"specialists": raw["specialists"]}, metadata=meta
        )
    raise DatasetError(f"{where}: neither {{'inputs','outputs'}} nor {{'input','specialists'}}")


def jsonl_lines(path: Path) -> Iterator[tuple[str, Any]]:
    """Each line of the JSONL file ``path`` parsed, as ``(where, value)`` with ``where``
    its ``"<file name>:<line number>"`` for error messages; blank lines and lines starting
    with ``//`` are skipped. :class:`DatasetError` for a missing file or a line that is
    not JSON."""
    if not path.is_file():
        raise DatasetError(f"missing dataset {path}")
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path.name}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise DatasetError(f"{where}: {err}") from err
        yield where, raw


def load_dataset(name: str, *, directory: Path | None = None) -> list[EvalExample]:
    """Read ``<directory>/<name>.jsonl``; blank lines and lines starting with ``//`` are skipped.

    Raises :class:`DatasetError` for a missing file, bad JSON or duplicate ids.
    """
    if not name or not name.replace("_", "").isalnum():
        raise InvalidQueryError(f"bad dataset name {name!r}")
    path = (directory or datasets_dir()) / f"{name}.jsonl"
    examples: list[EvalExample] = []
    seen: set[str] = set()
    for where, raw in jsonl_lines(path):
        if not isinstance(raw, dict):
            raise DatasetError(f"{where}: each line must be a JSON object")
        example = _adapt(raw, where=where)
        if example.id in seen:
            raise DatasetError(f"{where}: duplicate id {example.id!r}")
        seen.add(example.id)
        examples.append(example)
    if not examples:
        raise DatasetError(f"{path} has no examples")
    return examples


def to_langsmith(
    examples: list[EvalExample], *, dataset: str, dataset_id: uuid.UUID | None = None
) -> list[Any]:
    """The examples as ``langsmith.schemas.Example`` objects, for ``evaluate(data=...)``.

    ``langsmith.evaluate`` reads attributes (``.id``, ``.modified_at`` …) of each item, so
    plain dicts are not accepted by the installed version; this builds the real schema.
    """
    from langsmith.schemas import Example

    ds_id = dataset_id or uuid.uuid5(_EXAMPLE_NS, f"dataset/{dataset}")
    return [
        Example(
            id=ex.uuid(dataset),
            dataset_id=ds_id,
            inputs=ex.inputs,
            outputs=ex.outputs,
            metadata={**ex.metadata, "example_id": ex.id},
        )
        for ex in examples
    ]
