"""`langgraph dev` serves the graph from langgraph.json: it answers a run over HTTP and
draws the supervisor, the four specialists and their tool nodes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("langgraph", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("langgraph-cli is not installed in the environment")
    port = _free_port()
    data = tmp_path_factory.mktemp("dev-data")
    # langgraph dev keeps its in-memory runtime under ./.langgraph_api: run it from a
    # temporary folder with the repository's langgraph.json, paths made absolute.
    workdir = tmp_path_factory.mktemp("dev-cwd")
    config = json.loads((ROOT / "langgraph.json").read_text())
    config["dependencies"] = [str((ROOT / d).resolve()) for d in config["dependencies"]]
    config["graphs"] = {
        name: f"{(ROOT / spec.split(':')[0]).resolve()}:{spec.split(':')[1]}"
        for name, spec in config["graphs"].items()
    }
    if isinstance(config.get("env"), str):
        config["env"] = str((ROOT / config["env"]).resolve())
    (workdir / "langgraph.json").write_text(json.dumps(config))
    log = (tmp_path_factory.mktemp("dev-log") / "dev.log").open("w")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GROOVEGRAPH_") and k != "OPENAI_API_KEY"
    }
    env.update(
        {
            "GROOVEGRAPH_DATA_DIR": str(data),
            "LANGSMITH_TRACING": "false",
            "LANGGRAPH_NO_BROWSER": "1",
        }
    )
    # --no-reload: the dev server otherwise watches the repository and restarts on writes.
    proc = subprocess.Popen(
        [exe, "dev", "--no-reload", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                log.flush()
                pytest.fail(f"langgraph dev exited: {Path(log.name).read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"langgraph dev did not start: {Path(log.name).read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_dev_server_answers_a_run(dev_server: str) -> None:
    body = {
        "assistant_id": "groovegraph",
        "input": {
            "messages": [
                {
                    "role": "user",
                    "content": "I'm mixing from 5A at 124 into 7B at 128 - smooth or not?",
                }
            ]
        },
        "context": {"result_count": 3},
    }
    resp = httpx.post(f"{dev_server}/runs/wait", json=body, timeout=60)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["plan"]["specialists"] == ["compatibility"]
    names = [m.get("name") for m in out["messages"]]
    assert names == [None, "compatibility"]  # one specialist: its message is the answer
    report = out["reports"][0]
    assert (
        f"**{report['verdict']}** (score {report['score']:.2f})" in out["messages"][-1]["content"]
    )


def test_dev_server_draws_the_whole_graph(dev_server: str) -> None:
    assistants = httpx.post(
        f"{dev_server}/assistants/search", json={"graph_id": "groovegraph"}, timeout=10
    ).json()
    assistant_id = assistants[0]["assistant_id"]
    graph = httpx.get(f"{dev_server}/assistants/{assistant_id}/graph", timeout=10).json()
    nodes = {n["id"] for n in graph["nodes"]}
    specialists = {"groove", "era", "compatibility", "discovery"}
    assert {"supervisor", "respond"} | specialists | {f"{s}_tools" for s in specialists} <= nodes
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    for s in specialists:
        assert ("supervisor", s) in edges
        assert (s, f"{s}_tools") in edges
        assert (f"{s}_tools", s) in edges
        assert (s, "supervisor") in edges
    assert ("supervisor", "respond") in edges


def test_a_run_model_without_its_key_says_so(dev_server: str) -> None:
    """``context.model`` naming a provider whose key is not set: the run's error names
    the missing key instead of "An internal error occurred"."""
    body = {
        "assistant_id": "groovegraph",
        "input": {"messages": [{"role": "user", "content": "find me 70s funk loops"}]},
        "context": {"model": "openai:gpt-4o-mini"},
    }
    resp = httpx.post(f"{dev_server}/runs/wait", json=body, timeout=60)
    text = resp.text
    assert "An internal error occurred" not in text
    assert "OPENAI_API_KEY" in text, text
