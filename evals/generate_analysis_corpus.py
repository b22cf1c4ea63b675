"""Regenerate ``evals/datasets/analysis_corpus.jsonl``: the reporting split of the
independent corpus (:mod:`groovegraph.evals.corpus`), one line per example with its
truth. Renders the split into the cache if needed (a few minutes the first time).

    uv run --frozen python evals/generate_analysis_corpus.py

Bump ``evals/datasets/VERSION`` when the file changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from groovegraph.evals.corpus import CORPUS_VERSION, dropped, load_corpus

SPLIT = "reporting"
#: Truth fields kept in the dataset (downbeats and provenance stay in the cache JSON).
FIELDS = (
    "kind", "instrument", "tempo_bpm", "tempo_octave_ambiguous", "meter", "beats_s",
    "swing_percent", "swing_subdivision", "backbeat_lag_ms", "key", "key_ambiguous",
    "key_family", "modal", "root_note",
)  # fmt: skip


def main() -> None:
    examples = load_corpus(SPLIT)
    lines = []
    for ex in examples:
        truth = {k: ex.truth.get(k) for k in FIELDS}
        truth["source"] = ex.kind
        lines.append(
            json.dumps(
                {
                    "id": f"rw-{ex.id}",
                    "inputs": {
                        "split": SPLIT,
                        "kind": ex.kind,
                        "corpus_id": ex.id,
                        "corpus_version": CORPUS_VERSION,
                    },
                    "outputs": {"truth": truth},
                    "metadata": {"kind": ex.kind, "category": ex.category},
                },
                sort_keys=True,
            )
        )
    out = Path(__file__).parent / "datasets" / "analysis_corpus.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} examples to {out}; chorales dropped: {len(dropped(SPLIT))}")


if __name__ == "__main__":
    main()
