"""``groovegraph chat``: a terminal client of the SSE chat route.

Tokens go to stdout as they arrive; routing and tool steps are drawn on stderr with rich
so ``groovegraph chat "…" > answer.txt`` keeps only the answer. The thread id is printed
and remembered in ``DATA_DIR/last_thread``; ``--thread last`` continues it and
``--resume`` answers the interrupt pending on it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import connect_sse
from rich.console import Console
from rich.markup import escape

from groovegraph.settings import Settings
from groovegraph.state import SPECIALISTS
from groovegraph.tools.errors import GrooveGraphError


class ChatClientError(GrooveGraphError):
    code = "chat_failed"
    exit_code = 1


def _last_thread_file(settings: Settings) -> Path:
    return settings.data_dir / "last_thread"


def remember_thread(settings: Settings, thread_id: str) -> None:
    path = _last_thread_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(thread_id + "\n", encoding="utf-8")


def last_thread(settings: Settings) -> str | None:
    path = _last_thread_file(settings)
    if path.is_file():
        text = path.read_text(encoding="utf-8").strip()
        return text or None
    return None


def _parse_resume(text: str) -> Any:
    """``--resume yes`` → "yes"; JSON values (``true``, ``{"ok": 1}``) are sent as JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict) and err.get("message"):
        return f"{err.get('code', response.status_code)}: {err['message']}"
    # Not our error shape: probably not a groovegraph server at that URL.
    return (
        f"HTTP {response.status_code} from {response.request.url} "
        f"(is a groovegraph server running there?) {response.text[:200]}"
    ).rstrip()


def _short(value: Any, limit: int = 160) -> str:
    text = (
        value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_chat(
    *,
    settings: Settings,
    message: str | None,
    url: str | None = None,
    thread: str | None = None,
    api_key: str | None = None,
    samples: list[str] | None = None,
    resume: str | None = None,
    out: Console | None = None,
    err: Console | None = None,
    timeout_s: float = 600.0,
) -> int:
    """Send one turn and render the stream. Returns the exit status (0 ok, 1 error)."""
    out = out or Console(highlight=False, soft_wrap=True)
    err = err or Console(stderr=True, highlight=False)
    base = (
        url or os.environ.get("GROOVEGRAPH_URL") or f"http://{settings.host}:{settings.port}"
    ).rstrip("/")
    key = api_key or os.environ.get("GROOVEGRAPH_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if message is None and resume is None:
        raise ChatClientError("say something, or answer an interrupt with --resume")
    if thread == "last" or (thread is None and resume is not None):
        thread = last_thread(settings)
        if thread is None:
            raise ChatClientError("no remembered thread: pass --thread ID")
    if thread is not None:
        from groovegraph.server.thread_store import check_thread_id
        from groovegraph.tools.errors import GrooveGraphError

        try:
            # Checked here: '../x' would be rewritten by URL normalisation into another
            # route and come back as a puzzling 404.
            check_thread_id(thread)
        except GrooveGraphError as exc:
            raise ChatClientError(f"--thread {thread!r}: {exc.message}") from None

    body: dict[str, Any] = {}
    if resume is not None:
        body["resume"] = _parse_resume(resume)
    else:
        body["message"] = message
        body["samples"] = list(samples or [])

    status = 0
    with httpx.Client(
        base_url=base, headers=headers, timeout=httpx.Timeout(timeout_s, connect=10.0)
    ) as client:
        try:
            if thread is None:
                created = client.post("/v1/threads")
                if created.status_code != 201:
                    raise ChatClientError(_error_text(created))
                thread = str(created.json()["thread_id"])
            err.print(f"[dim]thread {thread}[/dim]")
            streamed: set[str] = set()
            in_tokens = False
            answer_plots: list[dict[str, Any]] = []
            with connect_sse(client, "POST", f"/v1/threads/{thread}/chat", json=body) as source:
                if source.response.status_code != 200:
                    source.response.read()
                    raise ChatClientError(_error_text(source.response))
                # Only a thread the server accepted replaces the remembered one: a typo
                # in --thread must not lose the thread 'last' pointed to.
                remember_thread(settings, thread)
                for event in source.iter_sse():
                    data = json.loads(event.data) if event.data else {}
                    kind = event.event
                    if kind == "token":
                        node = str(data.get("node") or "")
                        if node not in streamed:
                            # A new speaker: name it (stderr) before its first token.
                            if in_tokens:
                                out.print()
                            err.print(f"[bold magenta]{escape(node or 'agent')}[/bold magenta]")
                            streamed.add(node)
                        out.print(data.get("text", ""), end="", markup=False)
                        in_tokens = True
                        continue
                    if in_tokens:
                        out.print()
                        in_tokens = False
                    if kind == "route":
                        who = ", ".join(data.get("specialists") or []) or "answer"
                        reason = f" — {data['reason']}" if data.get("reason") else ""
                        err.print(f"[cyan]→ {escape(who)}[/cyan][dim]{escape(reason)}[/dim]")
                    elif kind == "tool_start":
                        err.print(
                            f"[yellow]⚙ {escape(str(data.get('tool')))}[/yellow] [dim]{escape(_short(data.get('args')))}[/dim]"
                        )
                    elif kind == "tool_end":
                        mark = "✓" if data.get("status", "success") == "success" else "✗"
                        err.print(
                            f"[green]{mark} {escape(str(data.get('tool')))}[/green] [dim]{escape(_short(data.get('result')))}[/dim]"
                        )
                    elif kind == "step":
                        # a specialist's findings in a turn answered from several
                        err.print(f"[magenta]✓ {escape(str(data.get('name')))} done[/magenta]")
                    elif kind == "message":
                        # the turn's one answer: its plots are printed after it
                        answer_plots = [p for p in data.get("plots") or [] if p.get("url")]
                        name = str(data.get("name") or "agent")
                        if name in SPECIALISTS:
                            err.print(f"[magenta]✓ {escape(name)} done[/magenta]")
                        if str(data.get("node") or name) not in streamed:
                            # (already shown token by token when its node streamed)
                            content = data.get("content")
                            out.print(
                                content if isinstance(content, str) else _short(content, 2000),
                                markup=False,
                            )
                    elif kind == "interrupt":
                        value = data.get("value")
                        question = (
                            value.get("question")
                            if isinstance(value, dict) and value.get("question")
                            else _short(value, 400)
                        )
                        err.print(f"[bold yellow]? {escape(str(question))}[/bold yellow]")
                        example = (
                            "1"
                            if isinstance(value, dict) and value.get("type") == "choose_sample"
                            else "yes"
                        )
                        err.print(
                            f"[dim]answer with: groovegraph chat --thread {thread} --resume {example}[/dim]"
                        )
                    elif kind == "error":
                        err.print(
                            f"[bold red]error {escape(str(data.get('code')))}: {escape(str(data.get('message')))}[/bold red]"
                        )
                        status = 1
                    elif kind == "end":
                        for plot in answer_plots:
                            out.print(
                                f"plot ({plot.get('kind')}, {plot.get('label')}): {base}{plot['url']}",
                                markup=False,
                            )
                        usage = data.get("usage") or {}
                        if usage.get("llm_calls"):
                            # what this turn cost: model calls, tokens and (priced) dollars
                            err.print(
                                f"[dim]{int(usage['llm_calls'])} model call(s), "
                                f"{int(usage.get('total_tokens', 0))} tokens, "
                                f"${float(usage.get('cost_usd', 0.0)):.6f}[/dim]"
                            )
                        elif "usage" in data:
                            err.print("[dim]answered offline: 0 model calls, $0[/dim]")
                        break
        except httpx.ConnectError as exc:
            # the usual cause: no server yet (chat is a client of `make run`)
            raise ChatClientError(
                f"cannot reach {base}: {exc}. Is the server running? Start it with "
                "`make run` (or `groovegraph serve`) in another terminal, or pass --url"
            ) from exc
        except httpx.HTTPError as exc:
            raise ChatClientError(f"cannot reach {base}: {exc}") from exc
    if in_tokens:
        out.print()
    return status
