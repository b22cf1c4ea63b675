# groovegraph server image.
#   docker build -t groovegraph .
#   docker compose up        (app + Postgres + Redis, see compose.yaml)
#
# Stage 1 resolves the locked environment with uv (same uv.lock as `make setup` and
# .ci/run: `uv sync --frozen`, no dev tools); stage 2 copies only the venv and the source
# into a slim image and runs as an unprivileged user.

ARG PYTHON_VERSION=3.11
ARG UV_VERSION=0.13.9

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
COPY --from=uv /uv /uvx /usr/local/bin/
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first (cached while only the source changes), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --extra remote --no-install-project
COPY src ./src
# --no-editable: the venv holds the package itself, so only /app/.venv is shipped.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --extra remote --no-editable

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# libsndfile decodes WAV/FLAC/OGG/MP3 for soundfile; curl is for the HEALTHCHECK.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsndfile1 curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 groovegraph \
    && useradd --system --uid 10001 --gid groovegraph --home-dir /data --shell /usr/sbin/nologin groovegraph \
    && mkdir -p /data && chown groovegraph:groovegraph /data
COPY --from=build --chown=groovegraph:groovegraph /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    GROOVEGRAPH_DATA_DIR=/data \
    # numba's compiled librosa kernels live in the data volume, so a restarted container
    # warms up in seconds instead of recompiling (~19 s cold).
    NUMBA_CACHE_DIR=/data/numba-cache \
    GROOVEGRAPH_HOST=0.0.0.0 \
    GROOVEGRAPH_PORT=8000
USER groovegraph
WORKDIR /app
VOLUME ["/data"]
EXPOSE 8000
# /healthz is liveness only; orchestrators that route traffic should use /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${GROOVEGRAPH_PORT}/healthz" || exit 1
# Binding 0.0.0.0 needs GROOVEGRAPH_API_KEYS: `serve` refuses to expose the keyless
# local owner. Set it in compose.yaml / the orchestrator's secrets.
CMD ["groovegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
