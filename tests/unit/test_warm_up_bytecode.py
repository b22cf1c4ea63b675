"""write_bytecode (part of `make warm-up`): modules imported without cached bytecode get it."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from groovegraph.tools.analysis import write_bytecode


def test_write_bytecode_caches_what_was_imported_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "gg_bytecode_probe.py"
    source.write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as PYTHONDONTWRITEBYTECODE=1
    importlib.invalidate_caches()
    try:
        module = importlib.import_module("gg_bytecode_probe")
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert module.VALUE == 42
        assert not cached.exists()

        assert write_bytecode([module]) == 1
        assert cached.is_file()
        assert write_bytecode([module]) == 0  # up to date now
        source.write_text("VALUE = 43\n")  # a newer source makes it stale again
        os.utime(source, (cached.stat().st_mtime + 5, cached.stat().st_mtime + 5))
        assert write_bytecode([module]) == 1
    finally:
        sys.modules.pop("gg_bytecode_probe", None)


# The server's start-up, run in a fresh interpreter after `import_serve_modules`: whatever
# it still has to import prints one name a line.
_SERVE_AFTER_WARM_UP = """
import asyncio, sys
import groovegraph.tools.analysis  # the warm-up runs it (python -m)
from groovegraph.settings import Settings
from groovegraph.server.app import create_app, import_serve_modules

settings = Settings(data_dir=sys.argv[1], demo_library=False)
import_serve_modules(settings)
before = set(sys.modules)

async def start() -> None:
    app = create_app(settings, build_demo=False, warm_up=False)
    async with app.router.lifespan_context(app):
        pass

asyncio.run(start())
for name in sorted(set(sys.modules) - before):
    module = sys.modules[name]
    if str(getattr(getattr(module, "__spec__", None), "origin", "")).endswith(".py"):
        print("not imported by the warm-up:", name)
"""


def test_the_warm_up_imports_what_the_server_loads_before_it_is_ready(tmp_path: Path) -> None:
    # `make setup` compiles no bytecode; `make warm-up` writes it for what it imports.
    # A server module the warm-up misses is compiled from source at every start where
    # Python may not write bytecode (PYTHONDONTWRITEBYTECODE).
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    out = subprocess.run(
        [sys.executable, "-c", _SERVE_AFTER_WARM_UP, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    marker = "not imported by the warm-up: "
    missed = [line[len(marker) :] for line in out.stdout.splitlines() if line.startswith(marker)]
    assert missed == []
