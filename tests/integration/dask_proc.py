"""A real Dask cluster on loopback for tests and benchmarks: ``dask scheduler`` and
``dask worker`` processes started as a user would (:class:`DaskProcesses`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest

_BIN = Path(sys.executable).parent


class DaskProcesses:
    """A scheduler on a free loopback port and worker processes (``--nthreads 1``, no
    nanny, so a killed worker stays dead) that preload :mod:`groovegraph.tools.cluster`.

    The scheduler retries a dead worker's files once (``allowed-failures`` 1) and the
    workers' profiler is off, as the compose file configures them. Logs go to ``workdir``. ``stop()`` ends every process.
    """

    def __init__(self, workdir: Path, *, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **(env if env is not None else os.environ),
            "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
            # the worker's statistical profiler samples every thread each 10 ms: CPU that
            # a core-bound analysis worker has no use for
            "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
            "PYTHONUNBUFFERED": "1",
        }
        self.scheduler_file = workdir / "scheduler.json"
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        self._logs.append(log)
        return subprocess.Popen(
            [str(_BIN / "dask"), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.workdir,
        )

    @property
    def address(self) -> str:
        return str(json.loads(self.scheduler_file.read_text())["address"])

    def start(self, workers: int, *, timeout_s: float = 120.0) -> DaskProcesses:
        """Start the scheduler and ``workers`` workers; return when all have registered."""
        self.scheduler_file.unlink(missing_ok=True)
        self.scheduler = self._spawn(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(self.scheduler_file),
        )
        deadline = time.monotonic() + timeout_s
        while not self.scheduler_file.exists():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                self.stop()
                pytest.fail(f"dask scheduler did not start: {self.log('scheduler')[-2000:]}")
            time.sleep(0.1)
        self.add_workers(workers, timeout_s=max(1.0, deadline - time.monotonic()))
        return self

    def add_workers(self, n: int, *, timeout_s: float = 120.0) -> None:
        """Start ``n`` more workers and wait until the scheduler counts them all."""
        for _ in range(n):
            self.workers.append(
                self._spawn(
                    f"worker-{len(self.workers)}",
                    "worker",
                    "--scheduler-file",
                    str(self.scheduler_file),
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--preload",
                    "groovegraph.tools.cluster",
                )
            )
        if self.alive():  # a scheduler alone (workers=0) has nothing to wait for
            self.wait_for_workers(self.alive(), timeout_s=timeout_s)

    def alive(self) -> int:
        return sum(1 for w in self.workers if w.poll() is None)

    def wait_for_workers(self, n: int, *, timeout_s: float = 120.0) -> None:
        from distributed import Client

        with Client(self.address, timeout=10) as client:
            try:
                client.wait_for_workers(n, timeout=timeout_s)
            except TimeoutError:
                pytest.fail(f"{n} dask workers did not register: {self.log('worker-0')[-2000:]}")

    def ensure_workers(self, n: int) -> None:
        """Replace dead workers until ``n`` are alive."""
        self.workers = [w for w in self.workers if w.poll() is None]
        if len(self.workers) < n:
            self.add_workers(n - len(self.workers))

    def kill_worker(self, index: int = 0) -> int:
        """SIGKILL one worker process (no goodbye to the scheduler); returns its pid."""
        victim = self.workers[index]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        return victim.pid

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Kill the workers (nothing of theirs to keep) and stop the scheduler."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.kill()
        if self.scheduler is not None and self.scheduler.poll() is None:
            self.scheduler.terminate()
            try:
                self.scheduler.wait(5)
            except subprocess.TimeoutExpired:
                self.scheduler.kill()
        for proc in [*self.workers, *([self.scheduler] if self.scheduler else [])]:
            proc.wait(10)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> DaskProcesses:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
