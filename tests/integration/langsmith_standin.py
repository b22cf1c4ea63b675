"""A tiny in-memory stand-in of the LangSmith REST API on loopback, for upload tests.

It implements only the endpoints ``langsmith.Client`` calls to sync a dataset and record
an experiment (datasets, examples, sessions, runs, feedback), keeps what it receives,
and answers 404 to anything else so a new call by a newer client shows up as a failure.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


def _now() -> str:
    return datetime.now(UTC).isoformat()


class LangSmithStandIn:
    """State of the fake server: datasets, examples, sessions, runs, feedback, request log."""

    def __init__(self) -> None:
        self.datasets: dict[str, dict[str, Any]] = {}
        self.examples: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.runs: list[bytes] = []
        self.feedback: list[dict[str, Any]] = []
        self.log: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LangSmithStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ routing

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, ctype: str
    ) -> tuple[int, Any]:
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["api"] and parts[1:2] == ["v1"]:
            parts = parts[2:]
        data: Any = None
        if body and "json" in ctype:
            data = json.loads(body)
        with self.lock:
            if parts == ["info"]:
                return 200, {"version": "standin", "batch_ingest_config": {}}
            if parts == ["datasets"] and method == "GET":
                rows = list(self.datasets.values())
                if "name" in query:
                    rows = [d for d in rows if d["name"] in query["name"]]
                if "id" in query:
                    rows = [d for d in rows if d["id"] in query["id"]]
                return 200, rows
            if parts == ["datasets"] and method == "POST":
                if any(d["name"] == data["name"] for d in self.datasets.values()):
                    return 409, {"detail": "dataset exists"}
                ds = {
                    "id": data.get("id") or str(uuid.uuid4()),
                    "name": data["name"],
                    "description": data.get("description"),
                    "data_type": data.get("data_type", "kv"),
                    "created_at": _now(),
                    "modified_at": _now(),
                    "tenant_id": str(uuid.UUID(int=0)),
                    "metadata": data.get("extra", {}).get("metadata")
                    if data.get("extra")
                    else data.get("metadata"),
                }
                self.datasets[ds["id"]] = ds
                return 200, ds
            if parts[:1] == ["datasets"] and len(parts) == 2 and method == "GET":
                ds = self.datasets.get(parts[1])
                return (200, ds) if ds else (404, {"detail": "no dataset"})
            if parts == ["examples"] and method == "GET":
                rows = [
                    e for e in self.examples.values() if e["dataset_id"] in query.get("dataset", [])
                ]
                if "id" in query:
                    rows = [e for e in rows if e["id"] in query["id"]]
                offset = int(query.get("offset", ["0"])[0])
                limit = int(query.get("limit", ["100"])[0])
                return 200, rows[offset : offset + limit]
            if parts == ["examples", "bulk"] and method == "POST":
                created = []
                for item in data:
                    ex = self._example(item)
                    created.append(ex)
                return 200, created
            if parts[:1] == ["examples"] and len(parts) == 2 and method == "GET":
                ex = self.examples.get(parts[1])
                return (200, ex) if ex else (404, {"detail": "no example"})
            if parts[:1] == ["examples"] and len(parts) == 2 and method == "PATCH":
                ex = self.examples.get(parts[1])
                if ex is None:
                    return 404, {"detail": "no example"}
                for field in ("inputs", "outputs", "metadata"):
                    if data.get(field) is not None:
                        ex[field] = data[field]
                ex["modified_at"] = _now()
                return 200, {"message": "updated"}
            if parts == ["examples"] and method == "DELETE":
                for ex_id in query.get("example_ids", []):
                    self.examples.pop(ex_id, None)
                return 200, {}
            if parts == ["sessions"] and method == "POST":
                sess = {
                    **data,
                    "id": data.get("id") or str(uuid.uuid4()),
                    "tenant_id": str(uuid.UUID(int=0)),
                }
                sess.setdefault("start_time", _now())
                self.sessions[sess["id"]] = sess
                return 200, sess
            if parts == ["sessions"] and method == "GET":
                rows = list(self.sessions.values())
                if "name" in query:
                    rows = [s for s in rows if s.get("name") in query["name"]]
                return 200, rows
            if parts[:1] == ["sessions"] and len(parts) == 2 and method in {"PATCH", "GET"}:
                sess = self.sessions.get(parts[1])
                if sess is None:
                    return 404, {"detail": "no session"}
                if method == "PATCH":
                    sess.update({k: v for k, v in (data or {}).items() if v is not None})
                return 200, sess
            if parts[:1] == ["runs"] and method in {"POST", "PATCH"}:
                self.runs.append(body)
                return 202, {}
            if parts == ["feedback"] and method == "POST":
                self.feedback.append(data)
                return 200, {**data, "id": data.get("id") or str(uuid.uuid4())}
        return 404, {"detail": f"stand-in does not implement {method} /{'/'.join(parts)}"}

    def _example(self, item: dict[str, Any]) -> dict[str, Any]:
        ex = {
            "id": str(item.get("id") or uuid.uuid4()),
            "dataset_id": str(item["dataset_id"]),
            "inputs": item.get("inputs") or {},
            "outputs": item.get("outputs"),
            "metadata": item.get("metadata"),
            "created_at": _now(),
            "modified_at": _now(),
        }
        self.examples[ex["id"]] = ex
        return ex

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = standin.handle(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    body,
                    self.headers.get("Content-Type", ""),
                )
                standin.log.append((self.command, url.path, status))
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                return

        return Handler
