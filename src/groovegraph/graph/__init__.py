"""The supervisor graph: :func:`build_graph` returns an uncompiled ``StateGraph``."""

from groovegraph.graph.builder import build_graph
from groovegraph.graph.context import GrooveContext

__all__ = ["GrooveContext", "build_graph"]
