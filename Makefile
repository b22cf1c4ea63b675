# groovegraph — the two quickstart commands are `make run` and `make test`.
SHELL := /bin/bash
# uv from PATH, else the uv module of the system Python (installed on first use).
# uv links the environment's files from its cache (its default: hard links on Linux,
# copies where the cache is on another file system): `make setup` took 36 s copying
# 214 packages, 9.5 s linking them (same machine, load ~10).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: setup run warm-up test test-unit test-integration lint typecheck bench eval clean

# `make setup` alone (and so `make run`) compiles no bytecode: the server writes it for
# the ~1,900 modules it loads as it first imports them, not all ~16,000 files of the
# environment (that was half of `make run`'s first start). Tests, benchmarks and evals
# import much more, so they set up with every file compiled, as before.
COMPILE_BYTECODE ?=
test test-unit test-integration bench eval: COMPILE_BYTECODE = --compile-bytecode

setup:  ## install the locked environment into .venv (installs uv first if missing)
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	$(UV) sync --frozen $(COMPILE_BYTECODE) --extra remote

# PYTHONDONTWRITEBYTECODE emptied: the server writes the bytecode of what it imports as it
# loads it (its next start compiles nothing), whatever the shell says. No separate warm-up
# process first: it compiled the same modules the server then loaded again (6-8 s of a
# first start); the server warms up analysis itself before /readyz turns 200.
run: setup  ## serve on 127.0.0.1:$GROOVEGRAPH_PORT (8000); the demo library is built in the background on first start
	PYTHONDONTWRITEBYTECODE= $(UV) run --frozen groovegraph serve

# PYTHONDONTWRITEBYTECODE emptied: the warm-up's imports write their bytecode as they load
# (the server's first start then compiles nothing), whatever the shell says.
warm-up: setup  ## optional (images, CI): one analysis in a fresh process, fills the per-user numba cache (data dir/numba-cache) and writes the bytecode of what the server and CLI import
	PYTHONDONTWRITEBYTECODE= $(UV) run --frozen python -m groovegraph.tools.analysis

test: setup  ## unit + integration tests (starts local Postgres/Redis when installed)
	./scripts/ensure-services.sh
	$(UV) run --frozen pytest

test-unit: setup
	$(UV) run --frozen pytest tests/unit

test-integration: setup
	./scripts/ensure-services.sh
	$(UV) run --frozen pytest tests/integration

lint: setup
	$(UV) run --frozen ruff check src tests benchmarks evals
	$(UV) run --frozen ruff format --check src tests benchmarks evals

typecheck: setup
	$(UV) run --frozen mypy

bench: setup  ## every benchmark; JSON lands in benchmarks/results/ (needs Postgres + Redis, ~25 min)
	./scripts/ensure-services.sh
	$(UV) run --frozen python -m benchmarks.analysis_accuracy
	$(UV) run --frozen python -m benchmarks.analysis_realworld
	$(UV) run --frozen python -m benchmarks.analysis_speed
	$(UV) run --frozen python -m benchmarks.index_throughput
	$(UV) run --frozen python -m benchmarks.search_latency
	$(UV) run --frozen python -m benchmarks.graph_latency
	$(UV) run --frozen python -m benchmarks.checkpointer_concurrency
	$(UV) run --frozen python -m benchmarks.agent_throughput
	$(UV) run --frozen python -m benchmarks.sse_load
	$(UV) run --frozen python -m benchmarks.faults

eval: setup  ## offline evaluation suites (routing, analysis, discovery, grounded, trajectory)
	$(UV) run --frozen groovegraph eval

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
