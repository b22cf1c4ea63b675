"""Evaluations of groovegraph: datasets, evaluators and a runner on ``langsmith.evaluate``.

``groovegraph eval`` runs every suite offline and exits non-zero when a bar is missed;
``--upload`` syncs the datasets to LangSmith and records experiments. The metric
functions in :mod:`groovegraph.evals.metrics` are shared with ``benchmarks/``.
"""
