"""Every knob of groovegraph, read once from the environment (prefix ``GROOVEGRAPH_``).

One :class:`Settings` object is the only way configuration enters the app: the CLI and
the server build it with :func:`get_settings`, tests build their own with keyword
arguments (``Settings(data_dir=tmp_path)``).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: How long every connection to the SQLite file (catalog store, checkpointer, thread
#: store) waits for another connection's write lock before "database is locked". It
#: applies where a write transaction starts (``BEGIN IMMEDIATE``), not to a read lock's
#: upgrade, which SQLite refuses at once: write transactions never read first.
SQLITE_BUSY_TIMEOUT_S = 30.0


def _default_data_dir() -> Path:
    return Path(user_data_dir("groovegraph", appauthor=False))


class Settings(BaseSettings):
    """Typed configuration. Field names map to ``GROOVEGRAPH_<NAME>`` variables."""

    model_config = SettingsConfigDict(
        env_prefix="GROOVEGRAPH_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # --- storage -------------------------------------------------------------------
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Everything the app writes: SQLite database, uploads, numba cache, demo library.",
    )
    database_url: str | None = Field(
        default=None,
        description="postgresql://… for Postgres; unset = SQLite file in DATA_DIR.",
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://… for cache, rate limits and run locks; unset = in-process.",
    )
    db_pool_min: int = Field(default=1, ge=1)
    db_pool_max: int = Field(default=10, ge=1)
    db_pool_timeout_s: float = Field(
        default=3.0,
        gt=0,
        description="Longest wait for a pooled database connection before answering 503.",
    )
    checkpoint_keep_turns: int = Field(
        default=4,
        ge=0,
        description=(
            "Turns whose checkpoints are kept per thread (older ones are pruned at each "
            "commit, branch tips excepted); 0 = all. At least 2: a failed turn is undone "
            "back to the checkpoint before it."
        ),
    )

    # --- language model ------------------------------------------------------------
    model: str = Field(default="offline", description="'offline' or 'provider:model'.")
    router_model: str | None = Field(
        default=None,
        description="Cheap model that reads a turn when the offline understanding is unsure; default MODEL.",
    )
    router_threshold: float = Field(
        # 0.8: over leave-one-set-out readings of the 1,958 tune requests (the trainer's
        # table for the model shipped on 2026-12-06, fifth session) the router model reads
        # 12.1 % of turns (offline right on 0.754 of those) and the offline reading kept for
        # the rest is right on 0.949 of them (0.925 over all); first measured on 893 requests in
        # benchmarks/results/router_calibration.json (12.8 %, 0.926 / 0.905)
        default=0.8,
        ge=0.0,
        le=1.0,
        description=(
            "Ask the router model only when the offline understanding's confidence, the "
            "calibrated probability that its specialist set is right, is below this "
            "(0 = never ask it, 1 = ask it every turn)."
        ),
    )
    model_price_in_per_mtok: float = Field(
        default=0.0, ge=0, description="USD per million input tokens of MODEL (cost reports)."
    )
    model_price_out_per_mtok: float = Field(
        default=0.0, ge=0, description="USD per million output tokens of MODEL."
    )
    router_price_in_per_mtok: float = Field(
        default=0.0, ge=0, description="USD per million input tokens of ROUTER_MODEL."
    )
    router_price_out_per_mtok: float = Field(
        default=0.0, ge=0, description="USD per million output tokens of ROUTER_MODEL."
    )
    model_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible endpoint (vLLM, Ollama, OpenRouter…).",
    )
    model_api_key: SecretStr | None = Field(default=None)
    model_timeout_s: float = Field(default=60.0, gt=0)
    model_max_retries: int = Field(default=2, ge=0, le=10)
    model_temperature: float = Field(default=0.0, ge=0.0, le=2.0)

    # --- access ----------------------------------------------------------------------
    api_keys: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="'key:owner,key:owner'. Empty = one local owner, loopback only.",
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="Requests per owner per minute; 0 = off."
    )
    local_owner: str = "local"

    # --- audio -----------------------------------------------------------------------
    library_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Folders tools may read (comma- or os.pathsep-separated). DATA_DIR/library is always allowed.",
    )
    max_file_bytes: int = Field(
        default=256 * 1024 * 1024, gt=0, description="Largest audio file accepted."
    )
    max_upload_bytes: int = Field(
        default=64 * 1024 * 1024, gt=0, description="Largest upload accepted."
    )
    max_duration_s: float = Field(
        default=1800.0, gt=0, description="Longest audio accepted (declared length)."
    )
    analysis_max_s: float = Field(
        default=600.0, gt=0, description="Only the first N seconds are analysed."
    )
    analysis_sample_rate: int = Field(default=22050, ge=8000, le=96000)
    preview_max_s: float = Field(
        default=60.0,
        gt=0,
        le=600,
        description="Longest audio preview rendered: the click track and mix previews (seconds).",
    )
    decode_timeout_s: float = Field(default=120.0, gt=0)
    workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)), ge=1)
    cluster: str | None = Field(
        default=None,
        description=(
            "Dask scheduler (tcp://host:8786 or tls://…) that `groovegraph index` sends analysis "
            "to; unset = this machine's process pool."
        ),
    )
    analysis_cluster: str | None = Field(
        default=None,
        description=(
            "Dask scheduler (tcp://host:8786) that the server sends uploads and the agent's "
            "analyses to, so replicas stay light; unset = the server's own threads. While it "
            "cannot answer, the server analyses locally (never fails a request for it)."
        ),
    )
    analysis_cluster_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description=(
            "How long the server waits for the analysis cluster to return a request's files "
            "(queue included) before analysing the rest itself."
        ),
    )
    confirm_audio_minutes: float = Field(
        default=10.0,
        gt=0,
        description="Ask the user before analysing more than this many minutes in one turn.",
    )

    # --- server ----------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    sse_heartbeat_s: float = Field(default=15.0, gt=0)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Browser origins allowed to call the API (comma-separated, e.g. "
            "'http://localhost:3000,https://smith.langchain.com'); '*' = any. Empty = no CORS."
        ),
    )
    demo_library: bool = Field(
        default=True,
        description="Build the demo library on first server start when the catalog is empty.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    result_count: int = Field(
        default=10, ge=1, le=200, description="Default number of catalog hits."
    )
    # --- conversation memory ------------------------------------------------------------
    memory_tokens: int = Field(
        default=6000,
        ge=500,
        le=1_000_000,
        description=(
            "Token budget of a model prompt: recent turns fill about half, a running summary "
            "of older turns and the constraints stated in them at most a fifth (approximate "
            "count, 4 characters a token)."
        ),
    )
    history_turns: int = Field(
        default=50,
        ge=1,
        description=(
            "User turns whose messages a thread's state keeps; older turns live on in the "
            "summary and the constraints."
        ),
    )

    @field_validator("checkpoint_keep_turns")
    @classmethod
    def _keep_turns(cls, value: int) -> int:
        # With 1, the commit of a failing turn would prune the checkpoint the turn is
        # undone back to, and the undo would leave the thread empty.
        if value == 1:
            raise ValueError("must be 0 (keep all) or at least 2")
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def _parse_api_keys(cls, value: object) -> object:
        if isinstance(value, str):
            pairs: dict[str, str] = {}
            for item in value.split(","):
                item = item.strip()
                if not item:
                    continue
                key, sep, owner = item.partition(":")
                if not sep or not key.strip() or not owner.strip():
                    raise ValueError("GROOVEGRAPH_API_KEYS must look like 'key:owner,key:owner'")
                pairs[key.strip()] = owner.strip()
            return pairs
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @field_validator("library_roots", mode="before")
    @classmethod
    def _parse_roots(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for chunk in value.split(",") for p in chunk.split(os.pathsep)]
            return [Path(p.strip()).expanduser() for p in parts if p.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_db_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("postgresql://", "postgres://", "sqlite:///")):
            raise ValueError(
                "DATABASE_URL must start with postgresql://, postgres:// or sqlite:///"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        return self

    # --- derived -----------------------------------------------------------------------
    @property
    def is_postgres(self) -> bool:
        return bool(
            self.database_url and self.database_url.startswith(("postgresql://", "postgres://"))
        )

    @property
    def sqlite_path(self) -> Path:
        """SQLite file used for checkpoints and catalog when no Postgres URL is set."""
        if self.database_url and self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///")).expanduser().resolve()
        return self.data_dir / "groovegraph.sqlite"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "library" / "demo"

    @property
    def numba_cache_dir(self) -> Path:
        """Where numba keeps compiled librosa kernels: ``NUMBA_CACHE_DIR`` when the
        environment already sets it (tests share one across their temporary data dirs),
        otherwise inside the data dir so it survives restarts."""
        env = os.environ.get("NUMBA_CACHE_DIR")
        return Path(env) if env else self.data_dir / "numba-cache"

    def owner_uploads_dir(self, owner: str) -> Path:
        """Where ``owner``'s uploads are kept: a folder of their own under the uploads,
        named by a hash of the owner (any owner text makes a safe folder name, and the
        folder does not spell out who uploaded)."""
        key = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:24]
        return self.uploads_dir / key

    @property
    def library_dirs(self) -> list[Path]:
        """Resolved library folders every owner's tools may read: the configured roots
        and the data dir's library (the demo), in that order; no uploads."""
        seen: list[Path] = []
        for root in [*self.library_roots, self.data_dir / "library"]:
            resolved = root.expanduser().resolve()
            if resolved not in seen:
                seen.append(resolved)
        return seen

    @property
    def allowed_roots(self) -> list[Path]:
        """Resolved folders the local operator's commands (the CLI) may read: configured
        roots, the data dir's library and every upload. The graph's tools never use this:
        they read :attr:`library_dirs` and the run owner's own uploads only
        (:class:`groovegraph.tools.paths.OwnerPaths`)."""
        roots = [*self.library_roots, self.data_dir / "library", self.uploads_dir]
        seen: list[Path] = []
        for root in roots:
            resolved = root.expanduser().resolve()
            if resolved not in seen:
                seen.append(resolved)
        return seen

    def ensure_dirs(self) -> None:
        for path in (
            self.data_dir,
            self.uploads_dir,
            self.data_dir / "library",
            self.numba_cache_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)


def scratch_numba_cache_dir() -> Path:
    """A numba cache for throw-away runs (tests, fuzzing, fault drills) that outlives their
    temporary data dirs: one per Python environment, under the system temp dir.

    Keyed by the environment's prefix so two checkouts (two venvs, possibly two versions of
    librosa) on one machine never write the same index files; numba's cache is safe for
    processes of one environment, not for different ones racing on the same entries.
    """
    key = hashlib.sha256(sys.prefix.encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"groovegraph-numba-{key}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
