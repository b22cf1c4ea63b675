"""Wiring of the supervisor graph: :func:`build_graph` returns the uncompiled builder.

```
START → supervisor ─Send→ groove ⇄ groove_tools ─┐
            ▲   ├──Send→ era ⇄ era_tools ────────┤
            │   ├──Send→ compatibility ⇄ compatibility_tools
            │   └──Send→ discovery ⇄ discovery_tools
            └──────────── every specialist returns ┘
        supervisor → respond → END
```
The server, tests, evals and ``langgraph dev`` each compile it with their own
checkpointer (``langgraph dev`` refuses a graph that brings one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.caches import BaseCache
from langchain_core.language_models import BaseChatModel
from langgraph.graph import START, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.prebuilt.tool_node import ToolInvocationError

from groovegraph.graph.context import GrooveContext
from groovegraph.graph.models import ModelRegistry, llm_retry_policy
from groovegraph.graph.respond import make_respond
from groovegraph.graph.specialists import make_specialist, scratch_key
from groovegraph.graph.state import GrooveGraphInput, GrooveGraphOutput, GrooveGraphState
from groovegraph.graph.supervisor import make_supervisor
from groovegraph.graph.tools import build_toolsets
from groovegraph.settings import Settings
from groovegraph.state import SPECIALISTS
from groovegraph.tools.catalog import SampleSource
from groovegraph.tools.errors import GrooveGraphError

if TYPE_CHECKING:
    from groovegraph.tools.analysis import Analyzer

__all__ = ["build_graph"]


def _tool_error(err: Exception) -> str:
    """Typed tool errors and bad model arguments go back to the specialist as an error
    ToolMessage; anything else is a bug and propagates."""
    if isinstance(err, GrooveGraphError):
        return f"{err.code}: {err}"
    if isinstance(err, ToolInvocationError):
        return err.message
    raise err


def build_graph(
    *,
    catalog: SampleSource,
    settings: Settings,
    model: BaseChatModel | str | None = None,
    router_model: BaseChatModel | str | None = None,
    cache: BaseCache | None = None,
    analyzer: Analyzer | None = None,
) -> StateGraph[GrooveGraphState, GrooveContext, GrooveGraphInput, GrooveGraphOutput]:
    """Build the (uncompiled) supervisor graph.

    Parameters
    ----------
    catalog : SampleSource
        Where samples are looked up and searched.
    settings : Settings
        Library roots, audio caps, default model names, retries, result count.
    model : BaseChatModel or str, optional
        Chat model of the specialists and the answer; default ``settings.model``
        (``"offline"`` = the deterministic offline chat model, no language model).
    router_model : BaseChatModel or str, optional
        Model asked for a structured ``RequestReading`` when the offline understanding
        is unsure; default ``settings.router_model``, then ``model``.
    cache : BaseCache, optional
        LangChain response cache for the models built from names (in-process by default).
    analyzer : Analyzer, optional
        Where the agent's audio analyses run: this machine by default, a Dask cluster for a
        server with ``GROOVEGRAPH_ANALYSIS_CLUSTER``
        (:class:`~groovegraph.tools.cluster.OffloadAnalyzer`).

    Returns
    -------
    StateGraph
        Compile with ``.compile(checkpointer=...)``.
    """
    models = ModelRegistry(settings=settings, model=model, router_model=router_model, cache=cache)
    toolsets = build_toolsets(catalog=catalog, settings=settings, analyzer=analyzer)
    retry = llm_retry_policy(settings)

    builder = StateGraph(
        GrooveGraphState,
        context_schema=GrooveContext,
        input_schema=GrooveGraphInput,
        output_schema=GrooveGraphOutput,
    )
    # The supervisor routes every turn and joins the specialists' results.
    builder.add_node(
        "supervisor", make_supervisor(models=models, catalog=catalog), retry_policy=retry
    )
    for name in SPECIALISTS:
        tools_node = f"{name}_tools"
        # Specialist: asks its tools, then reports back to the supervisor.
        builder.add_node(
            name,
            make_specialist(name, tools=toolsets[name], models=models, settings=settings),
            destinations=(tools_node, "supervisor"),
            retry_policy=retry,
        )
        # Its tools run in a real ToolNode on the specialist's private message channel.
        builder.add_node(
            tools_node,
            ToolNode(
                toolsets[name],
                name=tools_node,
                messages_key=scratch_key(name),
                handle_tool_errors=_tool_error,
            ),
        )
        builder.add_edge(tools_node, name)
    # One answer from every specialist's result, then the turn ends.
    builder.add_node("respond", make_respond(models=models, settings=settings), retry_policy=retry)
    builder.add_edge(START, "supervisor")
    builder.set_finish_point("respond")
    return builder
