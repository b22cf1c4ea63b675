"""JSON shapes of messages, state values and interrupts, shared by SSE and REST routes."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import BaseMessage, ToolMessage
from pydantic import BaseModel
from pydantic_core import to_jsonable_python


def message_json(message: BaseMessage) -> dict[str, Any]:
    """A LangChain message as the small dict clients need (type, content, name, tool calls)."""
    out: dict[str, Any] = {
        "type": message.type,
        "id": message.id,
        "name": message.name,
        "content": message.content,
    }
    tool_calls = getattr(message, "tool_calls", None)
    if tool_calls:
        out["tool_calls"] = [
            {"id": call.get("id"), "name": call.get("name"), "args": call.get("args")}
            for call in tool_calls
        ]
    if isinstance(message, ToolMessage):
        out["tool_call_id"] = message.tool_call_id
        out["status"] = message.status
    return out


def jsonable(value: Any) -> Any:
    """Anything from the graph state as plain JSON (messages, pydantic models, numpy …)."""
    if isinstance(value, BaseMessage):
        return message_json(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return to_jsonable_python(value, fallback=str)


def tool_result(content: Any) -> Any:
    """A tool message's content, decoded when the tool returned JSON text."""
    if isinstance(content, str):
        text = content.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                return content
    return jsonable(content)


def interrupt_json(interrupt: Any) -> dict[str, Any]:
    return {
        "id": getattr(interrupt, "id", None),
        "value": jsonable(getattr(interrupt, "value", interrupt)),
    }


def snapshot_interrupts(snapshot: Any) -> list[Any]:
    """The interrupts a LangGraph ``StateSnapshot`` is paused on (empty when it is not)."""
    return [i for task in snapshot.tasks for i in getattr(task, "interrupts", ())]


def has_nul(value: Any, depth: int = 0) -> bool:
    """Whether a NUL character occurs in any string inside ``value`` (JSON-like data)."""
    if isinstance(value, str):
        return "\x00" in value
    if depth > 20:
        return False
    if isinstance(value, BaseMessage):
        value = value.model_dump()
    if isinstance(value, dict):
        return any(has_nul(k, depth + 1) or has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v, depth + 1) for v in value)
    return False
