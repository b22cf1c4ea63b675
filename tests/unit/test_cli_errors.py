"""CLI mistakes a user makes get one clear line and an exit code, never a traceback
(issue 10's small defects: ``index --tags-csv missing.csv``, ``demo <a file>``,
``search --limit 1000``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from groovegraph import cli


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(data))
    monkeypatch.delenv("GROOVEGRAPH_DATABASE_URL", raising=False)
    from groovegraph.settings import get_settings

    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


def test_index_with_a_missing_tags_csv_is_a_clear_error(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "loops"
    folder.mkdir()
    code = cli.main(["index", str(folder), "--tags-csv", str(tmp_path / "missing.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert "missing.csv" in err
    assert "no such file" in err
    assert "Traceback" not in err


def test_demo_into_an_existing_file_is_a_clear_error(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.wav"
    existing.write_bytes(b"RIFF")
    code = cli.main(["demo", str(existing)])
    err = capsys.readouterr().err
    assert code == 4
    assert "notes.wav" in err
    assert "not a folder" in err
    assert "Traceback" not in err
    assert existing.read_bytes() == b"RIFF"


def test_search_accepts_a_large_limit_and_refuses_an_absurd_one(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["search", "--limit", "1000", "--json"]) == 0
    assert "error" not in capsys.readouterr().err
    assert cli.main(["search", "--limit", "1000000"]) == 2
    assert "--limit must be between 1 and 10000" in capsys.readouterr().err


def test_chat_with_no_server_says_to_start_one(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`groovegraph chat` is a client: with nothing listening it names the fix, not a trace."""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = cli.main(["chat", "--url", f"http://127.0.0.1:{port}", "hello"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot reach http://127.0.0.1:{port}" in err
    assert "make run" in err
    assert "Traceback" not in err


def test_search_names_the_flag_behind_a_refused_tempo_or_swing(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["search", "--bpm", "0"]) == 2
    err = capsys.readouterr().err
    assert "--bpm:" in err
    assert "bpm_min" not in err
    assert "target_bpm" not in err
    assert cli.main(["search", "--swing", "101-140"]) == 2
    err = capsys.readouterr().err
    assert "--swing:" in err
    assert "swing_max" not in err


def test_search_refuses_a_genre_nobody_has(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--genre", "qwxzv"]) == 2
    err = capsys.readouterr().err
    assert "--genre: 'qwxzv' is not a genre" in err
    assert "funk" in err
    assert cli.main(["search", "--genre", "funk", "--json"]) == 0
