# groovegraph — the two quickstart commands are `make run` and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
export UV_LINK_MODE ?= copy

.PHONY: setup run test test-unit test-integration lint typecheck bench clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

setup: $(UV)  ## install the locked environment into .venv
	$(UV) sync --frozen

run: setup  ## build the demo library (first time) and serve on 127.0.0.1:8000
	$(UV) run --frozen groovegraph serve

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

bench: setup  ## reproducible benchmarks; JSON lands in benchmarks/results/
	$(UV) run --frozen python -m benchmarks.analysis_accuracy
	$(UV) run --frozen python -m benchmarks.analysis_speed

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
