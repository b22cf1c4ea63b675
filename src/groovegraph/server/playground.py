"""LangServe's chat playground for the agent: ``/agent/playground/`` and ``/agent/chat``.

The default LangServe playground of ``/agent`` draws a form from the input schema, and
the LangChain message models in :class:`~groovegraph.server.agent.AgentInput` carry
optional fields (``{"type": "null"}``) its form renderer does not know: Chromium showed a
blank page. The chat playground (``playground_type="chat"``) draws no form; it needs an
input with one list of messages and an output that is a string or an AI message, and it
posts the whole conversation it shows to ``{base}/stream_log`` on every turn.

So the conversation gets its own small runnable, :class:`ConversationRunnable`, mounted
with LangServe at ``/agent/chat`` (``invoke``, ``batch``, ``stream``, ``stream_log``, the
schemas) behind the same auth, owner check, thread claim and run lock as ``/agent``:

* input ``{"messages": [{"type": "human", "content": "…"}, …]}``: the conversation as the
  client shows it. The thread (``config.configurable.thread_id``, required) keeps the
  real state, so only the messages after the last AI message are new; when the thread
  is paused on an interrupt, the new message is the answer to it (``yes``/``no``).
* output: the turn's answer as text (the question, when the turn stopped on one).

``/agent/playground/`` redirects to the chat playground at ``/agent/chat/playground/``.
The page and its assets are served without a key (they hold the JSON schemas and
LangServe's bundle, nothing of anyone's); every call the page makes to ``/agent/chat``
is authenticated as usual. A small script added to the page (``static/playground.js``)
gives the page a thread of its own (one per page load) and sends the API key kept in the
browser (the same one the web page at ``/`` keeps), and shows the API's errors in words.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from langchain_core.runnables import ConfigurableFieldSpec, Runnable, RunnableConfig, ensure_config
from pydantic import BaseModel, Field, model_validator

from groovegraph.server.agent import AgentRunnable, _RunError
from groovegraph.server.turn_input import MAX_MESSAGE_CHARS, check_batch

#: The path of the conversation runnable; its playground is at ``{CHAT_PATH}/playground/``.
CHAT_PATH = "/agent/chat"
_SHIM = '<script src="/static/playground.js"></script>'


class ConversationMessage(BaseModel):
    """One message as the chat playground (or any client) shows it."""

    type: Literal["human", "ai", "system", "tool", "function", "chat"] = Field(
        description="Who wrote it: 'human' for the user, 'ai' for the agent."
    )
    content: str = Field(description="The text.", max_length=MAX_MESSAGE_CHARS)


class ConversationInput(BaseModel):
    """The conversation so far; the messages after the last AI message are the new turn."""

    messages: list[ConversationMessage] = Field(
        description="The conversation as the client shows it, oldest first.",
        min_length=1,
        max_length=500,
    )

    @model_validator(mode="after")
    def _has_a_question(self) -> ConversationInput:
        # Checked with the input, before a stream starts: a conversation with nothing to
        # answer failed its run after the 200 (found by benchmarks.fuzz_api).
        if not any(m.type == "human" and m.content.strip() for m in self.messages):
            raise ValueError("the conversation has no message from you to answer")
        return self


def _field(message: Any, name: str) -> Any:
    if isinstance(message, dict):
        return message.get(name)
    return getattr(message, name, None)


def new_turn(messages: Sequence[Any]) -> list[str]:
    """The texts of the human messages after the last AI message (the turn to run).

    With none (the playground's "regenerate" sends the conversation up to an AI answer),
    the last human message is asked again."""
    kinds = [str(_field(m, "type") or "") for m in messages]
    last_ai = max((i for i, k in enumerate(kinds) if k in ("ai", "AIMessage")), default=-1)
    fresh = [
        str(_field(m, "content") or "")
        for m, k in zip(messages[last_ai + 1 :], kinds[last_ai + 1 :], strict=True)
        if k in ("human", "HumanMessage")
    ]
    fresh = [text for text in fresh if text.strip()]
    if fresh:
        return fresh
    asked = [
        str(_field(m, "content") or "")
        for m, k in zip(messages, kinds, strict=True)
        if k in ("human", "HumanMessage") and str(_field(m, "content") or "").strip()
    ]
    if not asked:
        raise _RunError("the conversation has no message from you to answer")
    return asked[-1:]


def _answer_text(values: dict[str, Any]) -> str:
    """The turn's answer: its last AI message, or the question it stopped on."""
    interrupts = values.get("interrupts") or []
    if interrupts:
        value = interrupts[0].get("value")
        question = value.get("question") if isinstance(value, dict) else value
        return f"{question}\n\n(Answer in your next message.)"
    for message in reversed(values.get("messages") or []):
        if _field(message, "type") == "ai":
            content = _field(message, "content")
            if isinstance(content, str) and content.strip():
                return content
            if isinstance(content, list):  # content blocks: keep the text ones
                text = "\n".join(
                    str(b.get("text", "")) for b in content if isinstance(b, dict)
                ).strip()
                if text:
                    return text
    return "(no answer)"


class ConversationRunnable(Runnable[ConversationInput, str]):
    """The agent for chat clients: a conversation in, the answer as text out."""

    name = "groovegraph-chat"

    def __init__(self, agent: AgentRunnable) -> None:
        self._agent = agent

    @property
    def InputType(self) -> type[ConversationInput]:  # type: ignore[override]
        return ConversationInput

    @property
    def OutputType(self) -> type[str]:  # type: ignore[override]
        return str

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        return [spec for spec in self._agent.config_specs if spec.id == "thread_id"]

    def get_name(self, suffix: str | None = None, *, name: str | None = None) -> str:
        base = name or self.name
        return f"{base}{suffix}" if suffix else base

    async def _turn(self, input: Any, config: RunnableConfig) -> str:
        from groovegraph.server.agent import thread_messages
        from groovegraph.server.chat import pending_interrupts
        from groovegraph.server.turn_input import unsent

        messages = list(_field(input, "messages") or [])
        state = self._agent._state
        thread_cfg: RunnableConfig = {"configurable": dict(config.get("configurable") or {})}
        # The messages the thread already holds are not the new turn, even when no AI
        # message separates them from it (a client that leaves its answers out).
        held, dropped = await thread_messages(state, thread_cfg)
        start = unsent(messages, held, dropped_turns=dropped) if held else 0
        try:
            texts = new_turn(messages[start:])
        except _RunError:  # only AI messages after what is held: ask the last one again
            texts = new_turn(messages)
        if await pending_interrupts(state, thread_cfg):
            payload: dict[str, Any] = {"resume": texts[-1]}
        else:
            payload = {"messages": [{"type": "human", "content": t} for t in texts]}
        values = await self._agent._invoke(payload, config)
        return _answer_text(values)

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> str:
        raise _RunError("the agent runs asynchronously; use ainvoke")

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> str:
        # Run as a traced run: astream_log (the chat playground's transport) builds the
        # state it streams from the callbacks of this run.
        # (_turn takes the run's config: langchain passes it by the parameter's name.)
        return await self._acall_with_config(self._turn, input, ensure_config(config))  # type: ignore[arg-type]

    async def abatch(  # type: ignore[override]
        self,
        inputs: list[Any],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        """One input after another (turns of one thread must not run together)."""
        from langchain_core.runnables.config import get_config_list

        check_batch(len(inputs))
        out: list[Any] = []
        for value, cfg in zip(inputs, get_config_list(config, len(inputs)), strict=True):
            try:
                out.append(await self.ainvoke(value, cfg))
            except Exception as err:
                if not return_exceptions:
                    raise
                out.append(err)
        return out

    async def astream_log(  # type: ignore[override]
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """The run's own state only: the graph's inner runs carry LangGraph objects the
        log serializer cannot encode, and the answer is all a chat client draws."""
        kwargs["include_names"] = [self.get_name()]
        for key in ("include_types", "include_tags"):
            kwargs.pop(key, None)
        async for patch in super().astream_log(input, config, **kwargs):
            yield patch


def mount_playground(app: FastAPI, agent: AgentRunnable, dependencies: list[Any]) -> None:
    """``/agent/chat`` (LangServe, authenticated) and its chat playground (public page)."""
    from langserve import add_routes
    from langserve.playground import serve_playground

    from groovegraph.server.agent import agent_config_modifier

    runnable = ConversationRunnable(agent)
    add_routes(
        app,
        runnable,
        path=CHAT_PATH,
        config_keys=("configurable",),
        per_req_config_modifier=agent_config_modifier,
        enabled_endpoints=(
            "invoke",
            "batch",
            "stream",
            "stream_log",
            "input_schema",
            "output_schema",
            "config_schema",
            # The page asks for its schemas under /c/{hash of its config}/.
            "config_hashes",
        ),
        dependencies=dependencies,
        include_callback_events=False,
    )

    @app.get("/agent/playground", include_in_schema=False)
    @app.get("/agent/playground/", include_in_schema=False)
    async def playground_redirect() -> RedirectResponse:
        return RedirectResponse(f"{CHAT_PATH}/playground/", status_code=307)

    @app.get(CHAT_PATH + "/playground/{file_path:path}", include_in_schema=False)
    async def chat_playground(file_path: str, request: Request) -> Response:
        response = await serve_playground(
            runnable,
            runnable.input_schema,  # type: ignore[arg-type]
            runnable.output_schema,  # type: ignore[arg-type]
            ("configurable",),
            request.scope.get("root_path", "").rstrip("/") + CHAT_PATH + "/playground",
            file_path,
            False,
            False,
            "chat",
        )
        if response.media_type == "text/html" and response.status_code == 200:
            html = bytes(response.body).decode("utf-8")
            # Before LangServe's bundle (a deferred module script): the shim wraps fetch.
            html = html.replace("<head>", "<head>\n    " + _SHIM, 1)
            return Response(html, media_type="text/html")
        if response.status_code == 200 and "/assets/" in f"/{file_path}":
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response
