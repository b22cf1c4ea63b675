"""How far the offline understanding's routing confidence can be trusted.

    python -m benchmarks.router_calibration [--out PATH] [--readings PATH]

Tune rows only: each single request of the understanding set's ``tune`` split is read by
the offline understanding (rules, clauses, classifier) with a model trained, and its
thresholds calibrated, without that request's set (leave one set out,
:func:`groovegraph.graph.understanding.train.loso_readings`). For each reading: the raw
decision margin and whether the exact specialist set is right. Written: the reliability
table and ECE of the raw margin and of the calibrated confidence (its map fitted on the
other sets' readings only), and for each candidate ``ROUTER_THRESHOLD`` the share of
turns the router model would read and the offline accuracy of the turns kept. The map the
shipped model carries and the default threshold are recorded beside them. The report
split is never read. ``--readings`` takes the readings the trainer wrote with
``--save-readings`` (the same computation, done once when a retrain runs it anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "router_calibration.json"


def main(argv: list[str] | None = None) -> int:
    from benchmarks.common import machine_info
    from groovegraph.graph.understanding import train as training
    from groovegraph.graph.understanding.classifier import IntentModel
    from groovegraph.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument(
        "--readings", type=Path, default=None, help="readings written by train --save-readings"
    )
    args = ap.parse_args(argv)
    load = os.getloadavg()
    started = time.perf_counter()
    if args.readings is not None:
        readings = json.loads(args.readings.read_text())
    else:
        rows = list(training.examples())
        x = training.featurize(rows)
        readings = training.loso_readings(rows, x, l2=training.L2)
    report = training.calibration_report(readings)
    training.print_calibration(report)
    shipped = IntentModel.load()
    knots = shipped.calibration
    result = {
        "what": (
            "routing confidence of the offline understanding: leave-one-set-out readings of "
            "the understanding set's tune requests (rules + classifier, model trained without "
            "the request's set); ECE over 10 equal-width bins; calibrated = map fitted on the "
            "other sets' readings only"
        ),
        "command": "python -m benchmarks.router_calibration"
        + ("" if args.readings is None else " --readings (from train --save-readings)"),
        **report,
        "default_router_threshold": Settings().router_threshold,
        "shipped_map": None
        if knots is None
        else {f"{m:g}": round(float(p), 3) for m, p in zip(knots[0], knots[1], strict=True)},
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine_info(load),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
