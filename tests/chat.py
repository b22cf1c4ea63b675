"""One way for a test to talk to a compiled graph: a user turn in, the turn's state out.

``Chat`` is a thread (the checkpointer keeps what was said), ``run`` one turn on a thread,
``human`` the message a client sends (attached samples in ``additional_kwargs``), and
``answer`` the text the user reads last, ``hit_names`` the file names of the samples it
listed.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

__all__ = ["Chat", "answer", "hit_names", "human", "run"]


def human(text: str, samples: list[str] | None = None) -> HumanMessage:
    """A user message, with ``samples`` attached the way the server and CLI attach them."""
    return HumanMessage(content=text, additional_kwargs={"samples": samples} if samples else {})


def run(
    graph: Any, text: str, *, thread: str = "t", samples: list[str] | None = None, **kw: Any
) -> dict[str, Any]:
    """One turn on ``thread``: the graph's state after it (``kw`` go to ``invoke``)."""
    return dict(
        graph.invoke(
            {"messages": [human(text, samples)]}, {"configurable": {"thread_id": thread}}, **kw
        )
    )


class Chat:
    """One thread of a compiled graph, turn after turn."""

    def __init__(self, graph: Any, thread: str = "t") -> None:
        self.graph = graph
        self.thread = thread
        self.config = {"configurable": {"thread_id": thread}}

    def say(self, text: str, samples: list[str] | None = None) -> dict[str, Any]:
        return run(self.graph, text, thread=self.thread, samples=samples)


def answer(out: dict[str, Any]) -> str:
    """The last message's text: what the user reads for the turn."""
    return str(out["messages"][-1].content)


def hit_names(out: dict[str, Any]) -> list[str]:
    """The file names of the turn's listed samples, in the order they were listed."""
    return [h.path.rsplit("/", 1)[-1] for h in out["hits"]]
