"""Server pieces that need no graph and no services: auth, bind safety, request models,
ranges, the thread table on SQLite, and the stream → SSE translation."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from pydantic import ValidationError

from groovegraph.server.agent import AgentInput
from groovegraph.server.auth import is_loopback, resolve_owner
from groovegraph.server.chat import ChatRequest
from groovegraph.server.errors import (
    ForbiddenError,
    InvalidThreadIdError,
    ThreadNotFoundError,
    UnauthorizedError,
)
from groovegraph.server.run import UnsafeBindError, serve
from groovegraph.server.streaming import _Translator
from groovegraph.server.thread_store import ThreadStore, check_thread_id
from groovegraph.settings import Settings
from groovegraph.state import RoutePlan
from groovegraph.tools.catalog import parse_filter_span
from groovegraph.tools.errors import InvalidQueryError


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("", False),
        (None, False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


def _request(host: str, headers: dict[str, str] | None = None) -> Any:
    return SimpleNamespace(
        client=SimpleNamespace(host=host),
        headers={k.lower(): v for k, v in (headers or {}).items()},
    )


def test_keyless_mode_serves_loopback_only(settings: Settings) -> None:
    state = SimpleNamespace(settings=settings)
    assert resolve_owner(_request("127.0.0.1"), state) == settings.local_owner  # type: ignore[arg-type]
    with pytest.raises(ForbiddenError):
        resolve_owner(_request("10.0.0.7"), state)  # type: ignore[arg-type]


def test_api_keys_map_to_owners(tmp_path: Any) -> None:
    s = Settings(data_dir=tmp_path, api_keys="k1:alice,k2:bob")  # type: ignore[arg-type]
    state = SimpleNamespace(settings=s)
    assert resolve_owner(_request("10.0.0.7", {"Authorization": "Bearer k1"}), state) == "alice"  # type: ignore[arg-type]
    assert resolve_owner(_request("10.0.0.7", {"X-API-Key": "k2"}), state) == "bob"  # type: ignore[arg-type]
    for headers in (
        {},
        {"Authorization": "Bearer k3"},
        {"Authorization": "Basic k1"},
        {"X-API-Key": "k12"},
    ):
        with pytest.raises(UnauthorizedError):
            resolve_owner(_request("10.0.0.7", headers), state)  # type: ignore[arg-type]


def test_serve_refuses_public_bind_without_keys(settings: Settings) -> None:
    with pytest.raises(UnsafeBindError, match="GROOVEGRAPH_API_KEYS"):
        serve(settings=settings, host="0.0.0.0", port=0, workers=1)


def test_chat_request_needs_exactly_one_of_message_and_resume() -> None:
    assert ChatRequest(message="hi").message == "hi"
    assert ChatRequest(resume=True).resume is True
    for bad in (
        {},
        {"message": "hi", "resume": "yes"},
        {"message": ""},
        {"message": "x", "extra": 1},
        {"message": 5},
    ):
        with pytest.raises(ValidationError):
            ChatRequest.model_validate(bad)


@pytest.mark.parametrize(
    ("text", "tolerance", "relative", "expected"),
    [
        ("90-100", 0.04, True, (90.0, 100.0, 95.0)),
        # one typed tempo is ±4 % around it, as the README says: 124 finds a 124.01 loop
        ("124", 0.04, True, (119.04, 128.96, 124.0)),
        ("58", 3.0, False, (55.0, 61.0, 58.0)),
        ("1", 3.0, False, (0.0, 4.0, 1.0)),
    ],
)
def test_parse_filter_span(
    text: str, tolerance: float, relative: bool, expected: tuple[float, float, float]
) -> None:
    got = parse_filter_span(text, what="bpm", tolerance=tolerance, relative=relative)
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("text", ["fast", "100-90", "1-2-3", "-"])
def test_parse_filter_span_rejects_garbage(text: str) -> None:
    with pytest.raises(InvalidQueryError):
        parse_filter_span(text, what="bpm", tolerance=0.04, relative=True)


@pytest.mark.parametrize("tid", ["", "../x", "a b", "x" * 200, "-leading", 5, None])
def test_bad_thread_ids(tid: Any) -> None:
    with pytest.raises(InvalidThreadIdError) as info:
        check_thread_id(tid)
    assert info.value.http_status == 422


async def test_thread_store_on_sqlite_enforces_owners(settings: Settings) -> None:
    store = await ThreadStore.open(settings)
    try:
        a = await store.create(owner="alice")
        await store.claim(owner="bob", thread_id="bobs-own-id")
        with pytest.raises(ThreadNotFoundError):
            await store.claim(owner="alice", thread_id="bobs-own-id")
        with pytest.raises(ThreadNotFoundError):
            await store.get(owner="bob", thread_id=a.thread_id)
        await store.touch(owner="alice", thread_id=a.thread_id, title="first words")
        await store.touch(owner="alice", thread_id=a.thread_id, title="second words")
        listed = await store.list_owned(owner="alice")
        assert [(t.thread_id, t.title) for t in listed] == [(a.thread_id, "first words")]
        await store.delete(owner="alice", thread_id=a.thread_id)
        assert await store.list_owned(owner="alice") == []
        assert [t.thread_id for t in await store.list_owned(owner="bob")] == ["bobs-own-id"]
    finally:
        await store.close()


def _events(out: list[dict[str, str]]) -> list[tuple[str, dict[str, Any]]]:
    return [(e["event"], json.loads(e["data"])) for e in out]


def test_translator_maps_updates_to_events() -> None:
    tr = _Translator()
    plan = RoutePlan(specialists=["groove"], stages=[["groove"]], reason="a sample is attached")
    call = AIMessage(
        "", tool_calls=[{"id": "c1", "name": "analyze_sample", "args": {"sample": "abc"}}]
    )
    result = ToolMessage('{"tempo_bpm": 96.0}', tool_call_id="c1")
    answer = AIMessage("Swing is 58%.", name="groove", id="m1")
    out = _events(tr.updates((), {"supervisor": {"plan": plan}}))
    out += _events(
        tr.updates((), {"groove": {"groove_messages": [call, result], "messages": [answer]}})
    )
    # The same update seen again through a parent graph is not repeated.
    out += _events(
        tr.updates((), {"groove": {"groove_messages": [call, result], "messages": [answer]}})
    )
    out += _events(
        tr.updates((), {"__interrupt__": (SimpleNamespace(id="i1", value={"question": "go?"}),)})
    )
    assert [k for k, _ in out] == ["route", "tool_start", "tool_end", "message", "interrupt"]
    assert out[0][1]["specialists"] == ["groove"]
    assert out[1][1] == {
        "id": "c1",
        "tool": "analyze_sample",
        "args": {"sample": "abc"},
        "node": "groove",
    }
    assert out[2][1]["tool"] == "analyze_sample"
    assert out[2][1]["result"] == {"tempo_bpm": 96.0}
    assert out[3][1]["name"] == "groove"
    assert out[4][1] == {"id": "i1", "value": {"question": "go?"}}
    assert tr.interrupted


def _turn(specialists: list[str], answered: bool) -> list[tuple[str, dict[str, Any]]]:
    """The events of a turn whose specialists each leave a note, then respond (with an
    answer of its own when ``answered``)."""
    tr = _Translator()
    plan = RoutePlan(specialists=specialists, stages=[specialists], reason="test")
    out = _events(tr.updates((), {"supervisor": {"plan": plan}}))
    for i, name in enumerate(specialists):
        note = AIMessage(f"{name} findings", name=name, id=f"n{i}")
        out += _events(tr.updates((), {name: {"messages": [note]}}))
    final = [AIMessage("the answer", name="groovegraph", id="a")] if answered else []
    out += _events(tr.updates((), {"respond": {"messages": final, "memory": None}}))
    return out + _events(tr.finish())


def test_a_turn_of_several_specialists_is_steps_then_one_message() -> None:
    out = _turn(["groove", "discovery"], answered=True)
    assert [k for k, _ in out] == ["route", "step", "step", "message"]
    assert [d["name"] for k, d in out if k == "step"] == ["groove", "discovery"]
    assert out[-1][1]["content"] == "the answer"


def test_a_lone_specialist_is_the_answer_unless_respond_writes_one() -> None:
    # offline: respond adds nothing, the specialist's message is the answer (sent once
    # respond has run)
    out = _turn(["discovery"], answered=False)
    assert [k for k, _ in out] == ["route", "message"]
    assert out[-1][1]["name"] == "discovery"
    # a chat model's respond writes its own answer: the specialist's message is a step
    out = _turn(["era"], answered=True)
    assert [k for k, _ in out] == ["route", "step", "message"]
    assert out[-1][1]["content"] == "the answer"


def test_translator_streams_tokens() -> None:
    tr = _Translator()
    out = _events(
        tr.messages((AIMessageChunk(content="Swi", id="m1"), {"langgraph_node": "groove"}))
    )
    assert out == [("token", {"text": "Swi", "node": "groove", "message_id": "m1"})]
    assert tr.messages((AIMessageChunk(content=""), {})) == []


@pytest.mark.parametrize("entry", [{"content": "hi"}, "hi", 7, None])
def test_agent_input_rejects_untyped_messages_as_a_validation_error(entry: Any) -> None:
    # LangChain's discriminator raised TypeError here, which LangServe let out as a 500.
    with pytest.raises(ValidationError, match="must be an object with a 'type'"):
        AgentInput.model_validate({"messages": [entry]})
    ok = AgentInput.model_validate({"messages": [{"type": "human", "content": "hi"}]})
    assert ok.messages[0].content == "hi"


async def test_a_stalled_upload_is_abandoned_and_leaves_no_temp_file(tmp_path: Any) -> None:
    import anyio
    from starlette.requests import Request

    from groovegraph.server.uploads import UploadStalledError, receive_file

    head = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF'
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": head, "more_body": True}
        await anyio.sleep(3600)  # the client stops sending and never hangs up
        raise AssertionError("unreachable")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/samples",
        "headers": [(b"content-type", b"multipart/form-data; boundary=xyz")],
    }
    with anyio.fail_after(5):  # the upload gives up on its own, well before this
        with pytest.raises(UploadStalledError):
            await receive_file(
                Request(scope, receive),
                field="file",
                tmp_dir=tmp_path,
                max_bytes=1_000_000,
                idle_timeout_s=0.2,
            )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("keep", "ok"), [(0, True), (1, False), (2, True), (4, True)])
def test_checkpoint_retention_keeps_the_checkpoint_a_failed_turn_returns_to(
    tmp_path: Any, keep: int, ok: bool
) -> None:
    # keep_turns=1 would let a failing turn's own commit prune the checkpoint it is undone to
    if ok:
        assert Settings(data_dir=tmp_path, checkpoint_keep_turns=keep).checkpoint_keep_turns == keep
    else:
        with pytest.raises(ValidationError, match="at least 2"):
            Settings(data_dir=tmp_path, checkpoint_keep_turns=keep)


def test_model_provider_outages_are_a_502_not_a_bug() -> None:
    import httpx
    import openai

    from groovegraph.server.errors import model_unavailable, unavailable

    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    down = openai.APIConnectionError(request=request)
    assert unavailable(down) is not None
    assert model_unavailable(down).http_status == 502  # type: ignore[union-attr]
    bad_key = openai.AuthenticationError(
        "bad key", response=httpx.Response(401, request=request), body=None
    )
    assert unavailable(bad_key) is None
    assert unavailable(ValueError("x")) is None
