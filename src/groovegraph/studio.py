"""The graph LangGraph Studio and ``langgraph dev`` load (see ``langgraph.json``).

Compiled **without** a checkpointer: the dev server brings its own persistence and
refuses a graph that has one. The catalog is the project's own store (SQLite under
``GROOVEGRAPH_DATA_DIR`` or the configured Postgres); the model comes from
``GROOVEGRAPH_MODEL`` (``offline`` by default). Per-run knobs — model override and result
count — are the graph's ``context_schema`` and show up in Studio's configuration panel.
"""

from __future__ import annotations

from groovegraph.graph import build_graph
from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import get_settings

settings = get_settings()
settings.ensure_dirs()
catalog = CatalogStore.open(settings)
graph = build_graph(catalog=catalog, settings=settings).compile(name="groovegraph")

__all__ = ["graph"]
