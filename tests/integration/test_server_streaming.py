"""Token streaming over SSE with a chat model that streams: the app on a real uvicorn
(in a background thread, loopback, SQLite) with the graph built around a scripted
streaming model (the offline default composes answers without a model, so no tokens)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration

ANSWER = "Philly soul drumming sat on a steady four with open hi-hats and a light touch."


class StreamingScript(GenericFakeChatModel):
    """Replies with ``NOTES`` then ``ANSWER``, streamed word by word; no tool calls. Fails
    (like a provider outage) when the conversation mentions "outage"."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> StreamingScript:
        return self

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Iterator[Any]:
        if any("outage" in str(m.content) for m in messages):
            raise RuntimeError("provider unavailable")
        return super()._stream(messages, *args, **kwargs)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        if any("outage" in str(m.content) for m in messages):
            raise RuntimeError("provider unavailable")
        return super()._generate(messages, *args, **kwargs)


NOTES = "Era notes: steady four, open hi-hats."


def _replies() -> Iterator[AIMessage]:
    # The specialist's findings, then the answer: two different texts, as a real model
    # writes them (a verbatim repeat would not be added as a second message).
    while True:
        yield AIMessage(content=NOTES)
        yield AIMessage(content=ANSWER)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from groovegraph.graph import build_graph

    settings = Settings(data_dir=tmp_path_factory.mktemp("stream") / "data", sse_heartbeat_s=0.5)

    def factory(**kw: Any) -> Any:
        model = StreamingScript(messages=_replies())
        builder = build_graph(
            catalog=kw["catalog"],
            settings=kw["settings"],
            model=model,
            router_model="offline",
            cache=kw["cache"],
        )
        return builder.compile(checkpointer=kw["checkpointer"])

    app = create_app(settings, graph_factory=factory, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url:
        yield url


def test_tokens_stream_before_the_message_they_form(url: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        thread_id = http.post("/v1/threads").json()["thread_id"]
        events: list[tuple[str, dict[str, Any]]] = []
        with connect_sse(
            http,
            "POST",
            f"/v1/threads/{thread_id}/chat",
            json={"message": "what defined Philly soul drumming?"},
        ) as source:
            for event in source.iter_sse():
                events.append((event.event, json.loads(event.data)))
                if event.event == "end":
                    break
    kinds = [k for k, _ in events]
    assert "token" in kinds
    final = [d for k, d in events if k == "message" and d["node"] == "respond"]
    assert len(final) == 1
    respond_tokens = "".join(
        d["text"] for k, d in events if k == "token" and d["node"] == "respond"
    )
    assert respond_tokens == final[0]["content"] == ANSWER
    assert kinds.index("token") < kinds.index("message")
    assert len([k for k in kinds if k == "token"]) > 5  # word by word, not one blob


def test_cli_prints_streamed_answer_once(url: str, tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from groovegraph.server.client import run_chat

    out, err = io.StringIO(), io.StringIO()
    status = run_chat(
        settings=Settings(data_dir=tmp_path),
        message="what defined Philly soul drumming?",
        url=url,
        out=Console(file=out, width=200),
        err=Console(file=err, width=200),
    )
    assert status == 0
    text = out.getvalue()
    # Streamed by the era specialist and by the final answer: each shown once, not
    # again when its complete message arrives.
    assert text.count(NOTES) == 1, text
    assert text.count(ANSWER) == 1, text
    assert "respond" in err.getvalue()


def test_cli_bad_thread_is_refused_and_keeps_the_last_thread(url: str, tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from groovegraph.server.client import ChatClientError, run_chat

    settings = Settings(data_dir=tmp_path)
    with httpx.Client(base_url=url, timeout=30) as http:
        kept = http.post("/v1/threads").json()["thread_id"]
    (tmp_path / "last_thread").write_text(kept + "\n")
    quiet = {"out": Console(file=io.StringIO()), "err": Console(file=io.StringIO())}
    with pytest.raises(ChatClientError, match="thread_not_found"):
        run_chat(settings=settings, message="hi", url=url, thread="no-such-thread", **quiet)
    # Path-ish ids are refused before any request: URL normalisation would send them to
    # another route and the user would read a bare 'Not Found'.
    with pytest.raises(ChatClientError, match="thread_id must be"):
        run_chat(settings=settings, message="hi", url=url, thread="../x", **quiet)
    # Neither typo replaced the thread that '--thread last' continues.
    assert (tmp_path / "last_thread").read_text().strip() == kept


def test_a_failing_run_ends_with_error_then_end(url: str) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        thread_id = http.post("/v1/threads").json()["thread_id"]
        events: list[tuple[str, dict[str, Any]]] = []
        with connect_sse(
            http,
            "POST",
            f"/v1/threads/{thread_id}/chat",
            json={"message": "what defined 70s funk? (outage)"},
        ) as source:
            assert source.response.status_code == 200
            for event in source.iter_sse():
                events.append((event.event, json.loads(event.data)))
                if event.event == "end":
                    break
        kinds = [k for k, _ in events]
        assert kinds[-2:] == ["error", "end"]
        assert events[-2][1]["code"] == "run_failed"
        assert "provider unavailable" not in events[-2][1]["message"]  # no internals leak
        assert events[-1][1]["ok"] is False
        # The thread is free again and still usable.
        again = http.post(f"/v1/threads/{thread_id}/chat", json={"message": "hello"})
        assert again.status_code == 200


def test_a_failing_langserve_stream_ends_with_error_then_end(url: str) -> None:
    """LangServe alone re-raises after its error event and cuts the body; the stream
    guard finishes it: error (with a code), then end, then a properly closed body."""
    thread_id = "ls-outage-1"
    cfg = {"configurable": {"thread_id": thread_id}}
    failing = {"messages": [{"type": "human", "content": "what defined 70s funk? (outage)"}]}
    with httpx.Client(base_url=url, timeout=60) as http:
        for route in ("/agent/stream", "/agent/stream_events"):
            kinds: list[str] = []
            errors: list[dict[str, Any]] = []
            with connect_sse(http, "POST", route, json={"input": failing, "config": cfg}) as src:
                assert src.response.status_code == 200
                for event in src.iter_sse():  # reads to the end: a cut body would raise
                    kinds.append(event.event)
                    if event.event == "error":
                        errors.append(json.loads(event.data))
            assert kinds[-2:] == ["error", "end"], (route, kinds)
            assert errors[0]["code"] == "run_failed"
            assert errors[0]["status_code"] == 500
            assert "provider unavailable" not in errors[0]["message"]
        # The thread is free again (its history still mentions the outage, so the
        # scripted model fails again: a complete stream once more).
        again = http.post(
            "/agent/stream",
            json={"input": {"messages": [{"type": "human", "content": "hello"}]}, "config": cfg},
        )
        assert again.status_code == 200
        assert again.text.rstrip().endswith("event: end"), again.text[-300:]
