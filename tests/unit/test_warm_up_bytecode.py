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
