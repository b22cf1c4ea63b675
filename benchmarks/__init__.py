"""Reproducible performance and accuracy harnesses: ``python -m benchmarks.<name>``; each
writes its JSON result to ``benchmarks/results/<name>.json``."""
