"""Where `groovegraph chat` looks for the server: the port the server was started on when
it is in the environment, as the README's quickstart says."""

from __future__ import annotations

import socket

import pytest

from groovegraph import cli
from groovegraph.settings import get_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_chat_talks_to_the_port_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    port = _free_port()  # nothing listens there: the error names the address it tried
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GROOVEGRAPH_PORT", str(port))
    monkeypatch.delenv("GROOVEGRAPH_URL", raising=False)
    get_settings.cache_clear()
    assert cli.main(["chat", "hello"]) != 0
    assert f"cannot reach http://127.0.0.1:{port}" in capsys.readouterr().err.replace("\n", "")


def test_an_explicit_url_wins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    port = _free_port()
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GROOVEGRAPH_PORT", "8000")
    get_settings.cache_clear()
    assert cli.main(["chat", "--url", f"http://127.0.0.1:{port}", "hello"]) != 0
    assert f"cannot reach http://127.0.0.1:{port}" in capsys.readouterr().err.replace("\n", "")
