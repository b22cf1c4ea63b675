"""Regenerate ``evals/datasets/analysis.jsonl``: grooves drawn by ``synth.random_spec``
from one fixed seed, frozen as explicit specs so the dataset does not move when the
generator's defaults change. Run: ``uv run --frozen python evals/generate_analysis.py``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from groovegraph.tools.synth import GrooveSpec, random_spec

SEED = 20261122
COUNT = 20
# 12 s clips keep the CI suite short; long enough for tempo, swing and key.
DURATION_S = 12.0


def main() -> None:
    rng = np.random.default_rng(SEED)
    lines = []
    for i in range(COUNT):
        spec: GrooveSpec = random_spec(rng, duration_s=DURATION_S)
        fields = dataclasses.asdict(spec)
        truth = {k: fields[k] for k in ("tempo_bpm", "swing_percent", "backbeat_lag_ms", "key")}
        lines.append(
            json.dumps(
                {
                    "id": f"a{i + 1:03d}",
                    "inputs": {"name": f"a{i + 1:03d}-{spec.pattern}", "spec": fields},
                    "outputs": {"truth": truth},
                    "metadata": {"pattern": spec.pattern, "generator_seed": SEED},
                },
                sort_keys=True,
            )
        )
    out = Path(__file__).parent / "datasets" / "analysis.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} examples to {out}")


if __name__ == "__main__":
    main()
