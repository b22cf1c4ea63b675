"""The demo library's first-build progress counts what the library will hold: every file,
loops and one-shots, while it is written (``building``) as while it is analysed
(``indexing``), so /healthz never shows two totals for one library; the README's example
uses the state names and the total the server reports."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.tools.demo import demo_items, demo_one_shots, ensure_demo_library
from groovegraph.tools.library_progress import LibraryProgress, Phase

README = Path(__file__).resolve().parents[2] / "README.md"


def test_building_and_indexing_count_the_same_files(settings: Settings) -> None:
    built: list[tuple[int, int]] = []
    indexed: list[tuple[str, int, int]] = []
    store = CatalogStore.open(settings)
    ensure_demo_library(
        settings,
        store,
        per_genre=1,
        duration_s=4.0,
        on_build_progress=lambda done, total: built.append((done, total)),
        on_progress=lambda e: indexed.append((e.phase, e.done, e.total)),
    )
    files = [p for p in settings.demo_dir.rglob("*.wav") if not p.name.startswith(".")]
    expected = len(demo_items(per_genre=1, duration_s=4.0)) + len(demo_one_shots())
    assert len(files) == expected
    # written: 0 of all, then one by one up to all of them, one-shots included
    assert built[0] == (0, expected)
    assert built[-1] == (expected, expected)
    assert {total for _, total in built} == {expected}
    # analysed: the same total
    analysed = [(done, total) for phase, done, total in indexed if phase == "analyze"]
    assert analysed
    assert analysed[-1] == (expected, expected)


def test_the_progress_says_files_not_loops() -> None:
    p = LibraryProgress()
    p.update("building", 10, 169)
    assert p.as_dict() == {"state": "building", "done": 10, "total": 169}
    assert "10 of 169 files written" in (p.note() or "")


def test_the_readme_shows_what_the_server_reports() -> None:
    text = README.read_text(encoding="utf-8")
    shown = re.findall(
        r'"library":\s*\{"state":\s*"(\w+)",\s*"done":\s*(\d+),\s*"total":\s*(\d+)\}',
        " ".join(text.split()),
    )
    assert shown, "the README shows /healthz's library progress"
    whole = len(demo_items()) + len(demo_one_shots())  # the default library: 150 + 19
    for state, done, total in shown:
        assert state in typing.get_args(Phase)
        assert state in {"building", "indexing"}  # the states with a count
        assert int(total) == whole
        assert int(done) <= whole
    # every state the server reports is named where the README explains the progress
    for state in typing.get_args(Phase):
        assert f'"{state}"' in text or f"`{state}`" in text, state
