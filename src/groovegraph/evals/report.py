"""Render an :class:`~groovegraph.evals.runner.EvalReport` as a rich table or JSON."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from groovegraph.evals.runner import EvalReport


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"


def render_table(report: EvalReport, *, console: Console) -> None:
    """One row per metric: suite, metric, measured mean, bar, pass/fail; then a verdict."""
    table = Table(title=f"groovegraph eval — datasets v{report.version}, model {report.model}")
    table.add_column("suite")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("bar", justify="right")
    table.add_column("n", justify="right")
    table.add_column("result")
    for suite in report.suites:
        for m in suite.metrics:
            bar = f"{m.op} {_fmt(m.threshold)}" if m.op else ""
            verdict = "" if m.passed is None else ("[green]pass[/]" if m.passed else "[red]FAIL[/]")
            table.add_row(suite.name, m.metric, _fmt(m.value), bar, str(m.n), verdict)
        table.add_row(
            suite.name,
            "errors",
            str(suite.errors),
            "= 0",
            str(suite.examples),
            "[green]pass[/]" if suite.errors == 0 else "[red]FAIL[/]",
            end_section=True,
        )
    console.print(table)
    for suite in report.suites:
        for failure in suite.failures[:10]:
            console.print(f"[yellow]{suite.name}[/] {failure}", highlight=False, soft_wrap=True)
        if len(suite.failures) > 10:
            console.print(f"[yellow]{suite.name}[/] … {len(suite.failures) - 10} more")
        if suite.experiment:
            console.print(f"{suite.name}: LangSmith experiment {suite.experiment}")
    verdict = "[green]all bars met[/]" if report.passed else "[red]some bars not met[/]"
    console.print(f"{verdict} in {report.seconds:.1f} s")


def render_json(report: EvalReport) -> str:
    """The report as one JSON document."""
    return json.dumps(report.to_dict(), indent=2, default=str)
