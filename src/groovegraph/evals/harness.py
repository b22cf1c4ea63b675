"""What the suites run against: a temporary data dir, the demo library indexed into a
catalog, and the real compiled graph on an ``InMemorySaver``.

One :class:`EvalContext` lives for one ``groovegraph eval`` run; the demo library and the
compiled graph are built on first use and shared by every suite of that run.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from groovegraph.settings import Settings
from groovegraph.state import SPECIALISTS
from groovegraph.tools.errors import GrooveGraphError

#: Loops per genre of the eval's demo library: the generator and genres of the full demo
#: (10 genres), 6 loops each instead of 16 so building and indexing fit the CI budget.
DEMO_PER_GENRE = 6


class EvalContext:
    """Per-run resources, built lazily and cached.

    Parameters
    ----------
    settings : Settings
        The caller's settings. The run copies them into a fresh temporary data dir with
        SQLite and no Redis, so an eval never touches the user's database or library;
        the model settings (``offline`` by default) are kept.
    demo_per_genre : int
        Loops per genre of the demo library built for the run.
    trace : bool
        Let graph runs be traced to LangSmith (when uploading); off = no tracing at all.
    """

    def __init__(
        self, *, settings: Settings, demo_per_genre: int = DEMO_PER_GENRE, trace: bool = False
    ) -> None:
        # The numba cache must outlive the temporary data dir (a cold compile costs ~20 s);
        # numba reads the variable at import, so it is set before librosa is imported.
        from groovegraph.tools.analysis import configure_runtime

        configure_runtime(settings)
        self._tmp = tempfile.TemporaryDirectory(prefix="groovegraph-eval-")
        self.base_settings = settings
        self.demo_per_genre = demo_per_genre
        self.trace = trace
        self.settings = settings.model_copy(
            update={
                "data_dir": Path(self._tmp.name) / "data",
                "database_url": None,
                "redis_url": None,
            }
        )
        self.settings.ensure_dirs()
        self.work_dir = Path(self._tmp.name) / "work"
        self.work_dir.mkdir()
        self._children: dict[int, EvalContext] = {}

    def with_library(self, *, demo_per_genre: int) -> EvalContext:
        """A context over a demo library of another size (its own temporary data dir and
        compiled graph), built once per run and closed with this one. The understanding
        conversations are written over the full ``groovegraph demo`` library (15 per genre)."""
        if demo_per_genre == self.demo_per_genre:
            return self
        child = self._children.get(demo_per_genre)
        if child is None:
            child = EvalContext(
                settings=self.base_settings, demo_per_genre=demo_per_genre, trace=self.trace
            )
            self._children[demo_per_genre] = child
        return child

    def close(self) -> None:
        """Remove the temporary data dir."""
        for child in self._children.values():
            child.close()
        store = self.__dict__.get("catalog")
        close = getattr(store, "close", None)
        if callable(close):
            close()
        self._tmp.cleanup()

    def __enter__(self) -> EvalContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- demo + catalog

    @cached_property
    def demo_manifest(self) -> dict[str, Any]:
        """Writes the demo library into the temporary data dir, indexes it, and returns its
        ground-truth manifest (``{"samples": [{"path", "id"?, "truth", "tags"}, ...]}``)."""
        from groovegraph.tools.demo import build_demo

        manifest = build_demo(settings=self.settings, per_genre=self.demo_per_genre)
        return _as_manifest(manifest, root=self.settings.demo_dir)

    @cached_property
    def catalog(self) -> Any:
        """The catalog store (SQLite in the temporary data dir) holding the indexed demo library."""
        from groovegraph.persistence.catalog_store import CatalogStore

        _ = self.demo_manifest  # the library must exist before it is indexed
        from groovegraph.persistence.indexer import index_directory

        store = CatalogStore.open(self.settings)
        index_directory(store, self.settings.demo_dir, settings=self.settings)
        return store

    def relpath(self, path: str | Path) -> str:
        """Path of a demo file relative to the demo folder (POSIX), the ids the datasets use."""
        p = Path(path)
        if not p.is_absolute():
            # The graph names files library-relative: the demo's as "demo/<id>".
            parts = p.parts
            if parts[:1] == (self.settings.demo_dir.name,):
                return Path(*parts[1:]).as_posix()
            return p.as_posix()
        try:
            return p.resolve().relative_to(self.settings.demo_dir.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    # ----------------------------------------------------------------- graph

    @cached_property
    def graph(self) -> Any:
        """The real graph compiled with an in-memory checkpointer (fresh thread per example)."""
        from langgraph.checkpoint.memory import InMemorySaver

        from groovegraph.graph import build_graph
        from groovegraph.persistence.checkpointer import checkpoint_serde

        builder = build_graph(catalog=self.catalog, settings=self.settings)
        # Same serializer as the production checkpointers: our state models are allowed
        # explicitly instead of being deserialized with a warning.
        return builder.compile(checkpointer=InMemorySaver(serde=checkpoint_serde()))

    def run_turn(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Run one user turn on a new thread and collect what the evaluators need.

        ``inputs``: ``{"message": str, "samples"?: [demo-relative paths], "resume"?: any}``.
        Returns ``{"answer", "specialists", "trajectory", "tool_outputs", "tool_calls",
        "thread_id"}``; ``trajectory`` is the sequence of graph nodes that ran.
        """
        if self.trace:
            return asyncio.run(self._arun_turn(inputs))
        # Offline, nothing may try to reach LangSmith: LangChain would otherwise attach its
        # tracer to the graph run inside evaluate() and post every step (with retries)
        # to the placeholder endpoint.
        from langsmith import tracing_context

        with tracing_context(enabled=False):
            return asyncio.run(self._arun_turn(inputs))

    def _graph_input(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        from langchain_core.messages import HumanMessage

        message = inputs.get("message")
        if not isinstance(message, str) or not message.strip():
            raise GrooveGraphError("every graph example needs a non-empty 'message'")
        samples = self.resolve_samples(inputs.get("samples") or [])
        # Attached samples travel as the server sends them: in the human message's
        # additional_kwargs, where the request parser looks for them.
        kwargs = {"samples": samples} if samples else {}
        return {"messages": [HumanMessage(content=message, additional_kwargs=kwargs)]}

    def resolve_samples(self, refs: Sequence[str]) -> list[str]:
        """Catalog ids for an example's attached samples.

        A reference is a demo path relative to the demo folder (``"funk/….wav"``), a
        catalog id, or a placeholder id (as in the routing dataset, written before any
        library existed): the n-th distinct placeholder stands for the n-th demo sample,
        so examples with two attachments get two different real files.
        """
        samples = sorted(self.demo_manifest["samples"], key=lambda item: str(item["path"]))
        ids = self.catalog_ids()
        out: list[str] = []
        placeholders: dict[str, str] = {}
        for ref in refs:
            ref = str(ref)
            if ref in ids.values():
                out.append(ref)
            elif ref in ids:
                out.append(ids[ref])
            else:
                if ref not in placeholders:
                    path = str(samples[len(placeholders) % len(samples)]["path"])
                    placeholders[ref] = ids[path]
                out.append(placeholders[ref])
        return out

    def catalog_ids(self) -> dict[str, str]:
        """Demo-relative path → catalog sample id, for every indexed demo file."""
        cached = self.__dict__.get("_catalog_ids")
        if cached is None:
            df = self.catalog.frame(None)
            cached = {self.relpath(p): str(i) for p, i in zip(df["path"], df["id"], strict=True)}
            self.__dict__["_catalog_ids"] = cached
        return dict(cached)

    async def _arun_turn(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        from langgraph.types import Command

        graph = self.graph
        thread_id = f"eval-{uuid.uuid4().hex}"
        config: dict[str, Any] = {"configurable": {"thread_id": thread_id}, "recursion_limit": 50}
        trajectory: list[str] = []
        tool_messages: list[Any] = []
        payload: Any = self._graph_input(inputs)
        for _ in range(3):  # the first run plus at most two resumes of an interrupt
            interrupted = False
            async for node, update in _node_updates(graph, payload, config):
                trajectory.append(node)
                if node == "__interrupt__":
                    interrupted = True
                # Specialists keep their tool calls in private channels that are reset
                # every turn, so tool results are collected as they stream by.
                tool_messages.extend(_tool_messages_in(update))
            if not interrupted or "resume" not in inputs:
                break
            payload = Command(resume=inputs["resume"])
        state = await graph.aget_state(config)
        values = dict(state.values)
        messages = list(values.get("messages", []))
        structured = {
            k: _jsonable(values.get(k))
            for k in ("analyses", "hits", "reports", "era")
            if values.get(k)
        }
        return {
            "thread_id": thread_id,
            "trajectory": trajectory,
            "specialists": [n for n in dict.fromkeys(trajectory) if n in SPECIALISTS],
            "answer": _final_answer(messages),
            "turn_messages": _turn_messages(messages),
            "tool_outputs": [*_tool_outputs(tool_messages), structured],
            "tool_calls": _tool_calls(tool_messages),
            "ranked": [self.relpath(_field(h, "path")) for h in values.get("hits") or []],
        }

    # ----------------------------------------------------------------- conversations

    def run_conversation(self, turns: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Run user turns one after another on one new thread; one result per turn.

        ``turns``: ``[{"message": str, "attach"?: [demo paths]}]``. Each result holds
        ``specialists`` (nodes that ran this turn), ``answer``, ``ai_texts`` (every AI
        message the turn added), ``hits`` (when discovery ran this turn), ``listed`` (the
        hits' demo paths in the order the answer names them), ``request`` (the parsed
        request in state), ``subjects`` (demo files the turn's tool calls, analyses and
        reports were about) and ``analysed`` (files analysed this turn).
        """
        from langsmith import tracing_context

        with tracing_context(enabled=self.trace):
            return asyncio.run(self._arun_conversation(turns))

    async def _arun_conversation(self, turns: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        from langgraph.types import Command

        from groovegraph.evals.understanding import listed_order
        from groovegraph.graph.names import answers_pending

        graph = self.graph
        config: dict[str, Any] = {
            "configurable": {"thread_id": f"eval-{uuid.uuid4().hex}"},
            "recursion_limit": 50,
        }
        paths = self._path_index()
        results: list[dict[str, Any]] = []
        for turn in turns:
            snapshot = await graph.aget_state(config)
            before = dict(snapshot.values)
            seen_ids = {getattr(m, "id", None) for m in before.get("messages", [])}
            old_analyses = {k: _jsonable(v) for k, v in (before.get("analyses") or {}).items()}
            payload: Any = self._graph_input(
                {"message": turn["message"], "samples": list(turn.get("attach") or [])}
            )
            pending = [i.value for task in snapshot.tasks for i in getattr(task, "interrupts", ())]
            if not turn.get("attach") and answers_pending(pending, turn["message"]):
                # as the server's chat routes do: a reply to the question the last turn
                # asked ("which file? 1, 2 or 3" → "the 03") resumes that run
                payload = Command(resume=turn["message"])
            trajectory: list[str] = []
            tool_refs: set[str] = set()
            async for node, update in _node_updates(graph, payload, config):
                trajectory.append(node)
                tool_refs |= _refs_in(_tool_traffic(update), paths)
            after = await graph.aget_state(config)
            # a specialist that stopped to ask which file a name means ran this turn
            trajectory += [t.name for t in after.tasks if getattr(t, "interrupts", ())]
            values = dict(after.values)
            messages = list(values.get("messages", []))
            new = [m for m in messages if getattr(m, "id", None) not in seen_ids]
            ai_texts = [
                _text(m.content)
                for m in new
                if getattr(m, "type", None) == "ai" and _text(m.content).strip()
            ]
            specialists = [n for n in dict.fromkeys(trajectory) if n in SPECIALISTS]
            answer = _final_answer(new)
            hits = (
                [_jsonable(h) for h in values.get("hits") or []]
                if "discovery" in specialists
                else []
            )
            for hit in hits:
                hit["path"] = paths.get(str(hit.get("path")), self.relpath(str(hit.get("path"))))
            analysed = {
                paths.get(str(k), self.relpath(str(k)))
                for k, v in (values.get("analyses") or {}).items()
                if old_analyses.get(k) != _jsonable(v)
            }
            analysed |= {
                p
                for p in _refs_in(
                    [
                        a.get("file")
                        for a in (_jsonable(values.get("analyses")) or {}).values()
                        if isinstance(a, Mapping) and str(a.get("file")) in tool_refs
                    ],
                    paths,
                )
            }
            reports = (
                [_jsonable(r) for r in values.get("reports") or []]
                if ("compatibility" in specialists)
                else []
            )
            subjects = (
                set(tool_refs)
                | analysed
                | _refs_in(
                    [[r.get("a"), r.get("b")] for r in reports if isinstance(r, Mapping)], paths
                )
            )
            if not subjects:  # answered from the thread without a tool: what it names
                subjects = {
                    p
                    for name, p in paths.items()
                    if "/" in name and name.rsplit("/", 1)[-1] in answer
                }
            results.append(
                {
                    "message": turn["message"],
                    "specialists": specialists,
                    "answer": answer,
                    "ai_texts": ai_texts,
                    "hits": hits,
                    "listed": listed_order(answer, hits),
                    "request": _jsonable(values.get("request")),
                    "subjects": sorted(subjects),
                    "analysed": sorted(analysed),
                }
            )
        return results

    def _path_index(self) -> dict[str, str]:
        """Catalog id, absolute path and demo path of every demo file → its demo path."""
        cached = self.__dict__.get("_path_index_cache")
        if cached is None:
            cached = {}
            root = self.settings.demo_dir.resolve()
            for rel, sample_id in self.catalog_ids().items():
                cached[rel] = rel
                cached[sample_id] = rel
                cached[str(root / rel)] = rel
            self.__dict__["_path_index_cache"] = cached
        return cached


# --------------------------------------------------------------------------- helpers


async def _node_updates(graph: Any, payload: Any, config: Any) -> AsyncIterator[tuple[str, Any]]:
    """``(node, update)`` for every node that ran, one superstep after another.

    Nodes of one superstep run in parallel and report in whatever order they finish, so
    within a superstep they are given in the order the graph declares them; the end of a
    superstep is the checkpoint saved after it. A trajectory is then the same on every run.
    """
    rank = {name: i for i, name in enumerate(graph.nodes)}
    step: list[tuple[str, Any]] = []

    def flush() -> list[tuple[str, Any]]:
        done = sorted(step, key=lambda item: rank.get(item[0], len(rank)))
        step.clear()
        return done

    async for mode, data in graph.astream(
        payload, config=config, stream_mode=["updates", "checkpoints"]
    ):
        if mode == "checkpoints":
            for item in flush():
                yield item
        else:
            step.extend(data.items())
    for item in flush():
        yield item


def _as_manifest(manifest: Any, *, root: Path) -> dict[str, Any]:
    """Normalise whatever the demo builder returned (dict, path of manifest.json, or a
    pydantic model) into ``{"samples": [{"path": relpath, ...}]}``."""
    if isinstance(manifest, str | Path):
        manifest = json.loads(Path(manifest).read_text(encoding="utf-8"))
    elif hasattr(manifest, "model_dump"):
        manifest = manifest.model_dump(mode="json")
    if manifest is None and (root / "manifest.json").is_file():
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if not isinstance(manifest, Mapping) or not isinstance(manifest.get("samples"), list):
        raise GrooveGraphError("the demo manifest has no 'samples' list")
    samples = []
    for item in manifest["samples"]:
        item = dict(item)
        path = Path(str(item["path"]))
        if path.is_absolute():
            try:
                item["path"] = path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                item["path"] = path.as_posix()
        samples.append(item)
    return {**manifest, "samples": samples}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = [c.get("text", "") if isinstance(c, Mapping) else str(c) for c in content]
        return "".join(parts)
    return str(content)


def _final_answer(messages: Sequence[Any]) -> str:
    for msg in reversed(messages):
        if getattr(msg, "type", None) == "ai" and not getattr(msg, "tool_calls", None):
            text = _text(msg.content)
            if text.strip():
                return text
    return ""


def _turn_messages(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """The AI messages (name, text) after the last human message: what the turn said."""
    last_human = max(
        (i for i, m in enumerate(messages) if getattr(m, "type", None) == "human"), default=-1
    )
    return [
        {"name": getattr(m, "name", None), "text": _text(m.content)}
        for m in messages[last_human + 1 :]
        if getattr(m, "type", None) == "ai" and not getattr(m, "tool_calls", None)
    ]


def _tool_outputs(messages: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for msg in messages:
        if getattr(msg, "type", None) == "tool":
            out.append(_text(msg.content))
            artifact = getattr(msg, "artifact", None)
            if artifact is not None:
                out.append(_jsonable(artifact))
    return out


def _tool_calls(tool_messages: Sequence[Any]) -> list[str]:
    return [str(getattr(msg, "name", "") or "") for msg in tool_messages]


def _tool_messages_in(update: Any) -> list[Any]:
    """ToolMessages anywhere in one node's state update (any ``*messages`` channel)."""
    found: list[Any] = []
    if not isinstance(update, Mapping):
        return found
    for value in update.values():
        items = value if isinstance(value, list | tuple) else [value]
        found.extend(item for item in items if getattr(item, "type", None) == "tool")
    return found


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _tool_traffic(update: Any) -> list[Any]:
    """Tool-call arguments, tool results and artifacts in one node's update."""
    out: list[Any] = []
    if not isinstance(update, Mapping):
        return out
    for value in update.values():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            for call in getattr(item, "tool_calls", None) or []:
                out.append(call.get("args"))
            if getattr(item, "type", None) == "tool":
                out.append(_text(item.content))
                if getattr(item, "artifact", None) is not None:
                    out.append(_jsonable(item.artifact))
    return out


def _refs_in(value: Any, paths: Mapping[str, str]) -> set[str]:
    """Demo paths named anywhere in ``value`` (ids, absolute or demo paths, file names)."""
    found: set[str] = set()
    by_name = {k.rsplit("/", 1)[-1]: v for k, v in paths.items() if "/" in k}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
        elif isinstance(item, str):
            if item in paths:
                found.add(paths[item])
            elif item.endswith(".wav") and item.replace("\\", "/").rsplit("/", 1)[-1] in by_name:
                found.add(by_name[item.replace("\\", "/").rsplit("/", 1)[-1]])
    return found
