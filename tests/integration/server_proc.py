"""Real servers for the integration tests on free loopback ports: ``groovegraph serve``
in a subprocess (:class:`ServerProcess`), or any ASGI app under uvicorn in a background
thread (:func:`serve_in_thread`), for tests that script the graph's model in-process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, *, timeout_s: float = 30.0) -> Iterator[str]:
    """Run ``app`` under uvicorn (lifespan on) in a daemon thread; yield its base URL and
    stop it on exit."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@contextmanager
def private_redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A throw-away redis-server on a free port, for tests that stop it (the shared Redis
    is never stopped); skips the test when redis-server is not installed."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    yield url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(5)


class ServerProcess:
    """``groovegraph serve`` with a clean ``GROOVEGRAPH_*`` environment."""

    def __init__(
        self,
        *,
        data_dir: Path,
        env: dict[str, str],
        ready_timeout_s: float = 120.0,
        args: tuple[str, ...] = (),
    ) -> None:
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GROOVEGRAPH_") or k.startswith("GROOVEGRAPH_TEST_")
        }
        base.update(
            {
                "GROOVEGRAPH_DATA_DIR": str(data_dir),
                "GROOVEGRAPH_LOG_LEVEL": "WARNING",
                "LANGSMITH_TRACING": "false",
                "GROOVEGRAPH_DEMO_LIBRARY": "false",
            }
        )
        base.update(env)
        self.env = base
        self.ready_timeout_s = ready_timeout_s
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "groovegraph.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *self.args,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.ready_timeout_s
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                r = httpx.get(self.url + "/readyz", timeout=2)
                if r.status_code == 200:
                    return self
                last = r.text
            except httpx.HTTPError as err:
                last = str(err)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"server not ready after {self.ready_timeout_s}s ({last}):\n{self.log()}"
        )

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
