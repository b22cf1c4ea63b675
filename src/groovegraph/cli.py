"""The ``groovegraph`` command line.

Each sub-command parses its flags here and hands off to the layer that owns the work;
errors from the tools (:class:`groovegraph.tools.errors.GrooveGraphError`) become a one-line
message on stderr and the error's exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from groovegraph import __version__
from groovegraph.settings import Settings, get_settings
from groovegraph.tools.errors import GrooveGraphError
from groovegraph.tools.feel import (
    key_doubt,
    key_text,
    pocket_word,
    swing_word,
    tempo_doubt,
    timing_word,
)

if TYPE_CHECKING:  # state builds its pydantic models at import (~0.4 s) most commands never use
    from rich.table import Table

    from groovegraph.state import Analysis, CatalogHit

EXIT_OK = 0
EXIT_USAGE = 2


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from groovegraph.server.run import serve

    return serve(
        settings=settings,
        host=args.host,
        port=args.port,
        workers=args.workers,
        no_demo=args.no_demo,
    )


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from groovegraph.server.client import run_chat

    return run_chat(
        settings=settings,
        message=args.message,
        url=args.url,
        thread=args.thread,
        api_key=args.api_key,
        samples=args.sample,
        resume=args.resume,
    )


#: ``analyze`` shows a progress bar (on stderr, when it is a terminal) above this many files.
_ANALYZE_PROGRESS_MIN_FILES = 4


def _format_analysis(a: Analysis) -> str:
    """A readable block for one analysed file (the non-``--json`` output)."""
    file_line = f"  file     {a.duration_s:.2f} s at {a.sample_rate} Hz, sha256 {a.sha256[:12]}…"
    if a.kind == "one_shot":
        # A single hit or note: no tempo, groove or key to report (null in --json).
        what = a.instrument or "unknown instrument"
        pitch = f", root {a.root_note}" if a.root_note else " (unpitched)"
        return "\n".join(
            [
                a.file,
                f"  one-shot {what}{pitch}; no tempo, swing or pocket",
                f"  level    {a.rms_db:7.1f} dBFS  RMS",
                file_line,
            ]
        )
    assert a.tempo_bpm is not None
    assert a.swing_percent is not None
    feel = swing_word(a.swing_percent)
    if a.backbeat_lag_ms is not None and a.timing_deviation_ms is not None:
        timing = (
            f"timing ±{a.timing_deviation_ms:.1f} ms RMS ({timing_word(a.timing_deviation_ms)})"
        )
        pocket = f"  pocket   {a.backbeat_lag_ms:+7.1f} ms    backbeat {pocket_word(a.backbeat_lag_ms)}; {timing}"
    else:
        pocket = "  pocket   none (no drums: no backbeat or hits to measure pocket and timing on)"
    beats = len(a.beats_s or [])
    # Under the "not sure" line (tools.feel.NOT_SURE) a note names the other reading: a
    # drumless loop's 160 may well be 80 (half time), a key its runner-up.
    tempo_note = tempo_doubt("this loop", a.tempo_bpm, a.tempo_confidence)
    key_note = key_doubt("this loop", a.key, a.key_confidence, a.key_runner_up)
    return "\n".join(
        [
            a.file,
            f"  tempo    {a.tempo_bpm:7.2f} BPM   (confidence {a.tempo_confidence:.2f}, {beats} beats)",
            *([f"  note     {tempo_note}"] if tempo_note else []),
            *([f"  meter    {a.meter} beats per bar"] if a.meter else []),
            f"  swing    {a.swing_percent:7.1f} %     ({feel}, ratio {a.swing_ratio or 0.0:.2f}:1)",
            pocket,
            (
                f"  key      {a.key} ({a.camelot}, confidence {a.key_confidence:.2f})"
                if a.key
                else "  key      none (drums only: nothing pitched)"
            ),
            *([f"  note     {key_note}"] if key_note else []),
            f"  level    {a.rms_db:7.1f} dBFS  RMS; {a.onset_rate_hz:.1f} onsets/s"
            + (f"; {a.instrument}" if a.instrument else ""),
            file_line,
        ]
    )


def _cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    """``groovegraph analyze FILE... [--json] [--workers N]``.

    Every file is analysed even when some fail. Results stream in completion order (each
    names its file). Exit status: 0 when all succeed, else the ``exit_code`` of the first
    failing file in the order given (3 for bad audio, 2 for a missing file).
    """
    import json
    import os

    from groovegraph.tools.analysis import analyze_many, configure_runtime

    if args.workers is not None and args.workers < 1:
        print("groovegraph analyze: error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    configure_runtime(settings)  # before anything can import librosa/numba

    files: list[str] = list(args.files)
    order = {name: i for i, name in reversed(list(enumerate(os.fspath(f) for f in files)))}
    failures: dict[int, int] = {}  # input position -> exit code

    def report(name: str, outcome: Analysis | GrooveGraphError) -> None:
        if isinstance(outcome, GrooveGraphError):
            failures.setdefault(order.get(name, len(order)), outcome.exit_code)
            print(f"groovegraph: error: {outcome}", file=sys.stderr, flush=True)
            if args.json:
                error = {"code": outcome.code, "message": outcome.message}
                print(json.dumps({"file": name, "error": error}), flush=True)
            return
        if args.json:
            print(json.dumps(outcome.model_dump(mode="json"), allow_nan=False), flush=True)
        else:
            print(_format_analysis(outcome) + "\n", flush=True)

    # No bar when JSON goes to the same terminal: rich would re-wrap the lines it draws
    # above the bar, and JSON lines must stay one object per line.
    show_bar = (
        len(files) > _ANALYZE_PROGRESS_MIN_FILES
        and sys.stderr.isatty()
        and not (args.json and sys.stdout.isatty())
    )
    if show_bar:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        progress = Progress(
            TextColumn("analysing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            # Results printed to a terminal are drawn above the bar; piped stdout stays
            # untouched (rich would otherwise send it to the bar's stream, stderr).
            redirect_stdout=sys.stdout.isatty(),
        )
        with progress:
            task = progress.add_task("analyse", total=len(files))
            for name, outcome in analyze_many(files, settings=settings, workers=args.workers):
                progress.advance(task)
                report(name, outcome)
    else:
        for name, outcome in analyze_many(files, settings=settings, workers=args.workers):
            report(name, outcome)
    return failures[min(failures)] if failures else EXIT_OK


@contextlib.contextmanager
def _index_progress(label: str) -> Iterator[Callable[[Any], None] | None]:
    """A rich progress bar on stderr (files/s and ETA) fed by indexer events; ``None`` when
    stderr is not a terminal (logs and CI stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:5.1f} files/s" if task.speed else "  -.- files/s")

    progress = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def on_event(event: Any) -> None:
        phase = getattr(event, "phase", label)
        if phase == "scan":
            return
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=event.total)
        progress.update(tasks[phase], completed=event.done, total=event.total)

    with progress:
        yield on_event


def _note_outside_roots(path: Any, settings: Settings) -> None:
    from groovegraph.tools.paths import is_within

    if not any(is_within(path, root) for root in settings.allowed_roots):
        print(
            f"groovegraph: note: {path} is not a library root; add it to GROOVEGRAPH_LIBRARY_ROOTS "
            "so the agent may open these files",
            file=sys.stderr,
        )


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """``groovegraph index DIR [--workers N | --cluster ADDR] [--tags-csv F]``: incremental,
    batched, resumable; analysis on this machine's pool or on a Dask cluster."""
    from pathlib import Path

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.tools.analysis import Analyzer, LocalAnalyzer, configure_runtime
    from groovegraph.tools.errors import NotFoundError, PathNotAllowedError
    from groovegraph.tools.remote import is_url

    if args.workers is not None and args.workers < 1:
        print("groovegraph index: error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    cluster = args.cluster or settings.cluster
    if cluster and args.workers is not None:
        print(
            "groovegraph index: error: --workers sizes the local pool; with a cluster the "
            "workers are the cluster's",
            file=sys.stderr,
        )
        return EXIT_USAGE
    root: Path | str
    if is_url(args.dir):
        root = args.dir  # s3://bucket/prefix…: listed through fsspec (the 'remote' extra)
    else:
        root = Path(args.dir).expanduser().resolve()
        if not root.is_dir():
            raise PathNotAllowedError("not a folder", path=args.dir)
    if args.tags_csv is not None and not Path(args.tags_csv).expanduser().is_file():
        # Checked before any audio is decoded: a typo here would otherwise surface as a
        # traceback after the scan.
        raise NotFoundError("--tags-csv: no such file", path=args.tags_csv)
    configure_runtime(settings)
    settings.ensure_dirs()
    if isinstance(root, Path):
        _note_outside_roots(root, settings)
    with contextlib.ExitStack() as stack:
        analyzer: Analyzer
        if cluster:
            from groovegraph.tools.cluster import ClusterAnalyzer

            # Connected before the scan: a wrong address fails at once, not after hashing.
            analyzer = stack.enter_context(ClusterAnalyzer(cluster, settings=settings))
        else:
            analyzer = LocalAnalyzer(settings=settings, workers=args.workers)
        store = stack.enter_context(CatalogStore.open(settings))
        on_event = stack.enter_context(_index_progress("index"))
        summary = store.index_directory(
            root,
            settings=settings,
            analyzer=analyzer,
            tags_csv=args.tags_csv,
            on_progress=on_event,
        )
    for path, message in summary.errors[:10]:
        print(f"groovegraph: skipped {path}: {message}", file=sys.stderr)
    print(summary.line())
    return EXIT_OK


#: ``search --limit`` ceiling: a whole large library piped as ``--json`` stays within reach,
#: an accidental extra zero does not print millions of rows.
_SEARCH_MAX_LIMIT = 10_000


def _cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """``groovegraph search [--bpm LO-HI|BPM] [--key K] [--compatible-with KEY|FILE] …``."""
    import json
    from pathlib import Path

    from pydantic import ValidationError

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.state import CatalogQuery

    # parse_filter_span refuses a reversed range ("100-90") as the HTTP API does: the same
    # typo gets the same message (exit 2 here, 422 there).
    from groovegraph.tools.catalog import (
        BPM_TOLERANCE,
        QUERY_PARAMETERS,
        SWING_TOLERANCE,
        check_genre,
        meter_search,
        parse_filter_span,
        search,
    )
    from groovegraph.tools.errors import InvalidQueryError
    from groovegraph.tools.keys import parse_key

    if not 1 <= args.limit <= _SEARCH_MAX_LIMIT:
        raise InvalidQueryError(f"--limit must be between 1 and {_SEARCH_MAX_LIMIT}")
    fields: dict[str, Any] = {
        "limit": args.limit,
        "genre": args.genre,
        "era": args.era,
        "kind": args.kind,
        "instrument": args.instrument,
        "root_note": args.root,
    }
    if args.bpm:
        fields["bpm_min"], fields["bpm_max"], fields["target_bpm"] = parse_filter_span(
            args.bpm, what="--bpm", tolerance=BPM_TOLERANCE, relative=True
        )
    if args.swing:
        fields["swing_min"], fields["swing_max"], fields["target_swing"] = parse_filter_span(
            args.swing, what="--swing", tolerance=SWING_TOLERANCE, relative=False
        )
    if args.key:
        fields["key"] = parse_key(args.key).name
    if args.meter:
        # a compound meter also asks for its triplet feel, unless --swing says otherwise
        fields["meter"], triplet, _ = meter_search(
            args.meter, swing_given=bool(args.swing), what="--meter"
        )
        if triplet is not None:
            fields["swing_min"], fields["swing_max"] = triplet
    # The file given to --compatible-with is the reference, never one of its own matches:
    # a catalog row with the same audio (the file itself, once indexed) is left out.
    ref_sha256: str | None = None
    if args.compatible_with:
        ref = args.compatible_with
        try:
            fields["compatible_with"] = parse_key(ref).name
        except InvalidQueryError:
            from groovegraph.tools.analysis import analyze_file, configure_runtime
            from groovegraph.tools.paths import resolve_library_path

            # A file named on the command line is allowed wherever it is (the user typed
            # it), but it still passes the gate: no URLs, no NUL bytes.
            given = Path(ref).expanduser()
            if not given.exists():
                raise InvalidQueryError(
                    f"--compatible-with: {ref!r} is neither a key nor a file"
                ) from None
            path = resolve_library_path(
                ref, roots=[*settings.allowed_roots, given.resolve().parent]
            )
            configure_runtime(settings)
            ref_analysis = analyze_file(path, settings=settings)
            ref_sha256 = ref_analysis.sha256
            if ref_analysis.key:  # a drum loop has no key: match its tempo only
                fields["compatible_with"] = ref_analysis.key
            if ref_analysis.tempo_bpm is None:  # a one-shot: match its root, if pitched
                if ref_analysis.root_note and not fields.get("root_note"):
                    fields["root_note"] = ref_analysis.root_note
                what = f"one-shot, root {ref_analysis.root_note or 'none'}"
            else:
                fields.setdefault("target_bpm", ref_analysis.tempo_bpm)
                what = (
                    f"{ref_analysis.tempo_bpm:.1f} BPM, "
                    f"{key_text(ref_analysis.key, ref_analysis.camelot)}"
                )
            print(f"groovegraph: {path.name}: {what}", file=sys.stderr)
    try:
        query = CatalogQuery(**fields)
    except ValidationError as err:
        flags = {field: f"--{name}" for field, name in QUERY_PARAMETERS.items()}
        raise InvalidQueryError.from_validation(err, flags) from None
    with CatalogStore.open(settings) as store:
        frame = store.frame(settings.local_owner)
    check_genre(frame, args.genre, what="--genre")
    if ref_sha256:
        same = frame.loc[frame["sha256"] == ref_sha256, "id"].astype(str).tolist()
        query = query.model_copy(update={"exclude_ids": [*query.exclude_ids, *same]})
    hits = search(frame, query)
    if args.json:
        for hit in hits:
            print(json.dumps(hit.model_dump(mode="json"), allow_nan=False))
        return EXIT_OK
    if not hits:
        print("no samples match", file=sys.stderr)
        return EXIT_OK
    from rich.console import Console

    console = Console()
    console.print(search_table(hits, width=console.width))
    return EXIT_OK


#: Columns the search table drops, in this order, when the terminal is too narrow for
#: them next to a readable file name (score, BPM, key, swing and file always stay).
_OPTIONAL_COLUMNS = ("why", "era", "genre", "kind")
#: The file column's least width before optional columns are dropped for it.
_MIN_FILE_CHARS = 24


def _short_key(key: str | None, camelot: str | None, root: str | None) -> str:
    """``"F#m 11A"`` / ``"Bb 6B"``: the key cell where the full name does not fit."""
    if not key:
        return root or "-"
    name = key.replace(" minor", "m").replace(" major", "")
    return f"{name} {camelot}" if camelot else name


def search_table(hits: Sequence[CatalogHit], *, width: int) -> Table:
    """The search results as a rich table that fits ``width`` columns, one line per hit.

    At 80 columns the full table (nine columns) left each cell a few characters and
    rich squeezed score and BPM to nothing. Here the numbers keep their width, optional
    columns are dropped (the reason first, then era, genre, kind) until the file name
    has room, the key is written short (``F#m 11A``) when even that is not enough, and
    the file name alone is cut with an ellipsis.
    """

    from rich.table import Table

    from groovegraph.tools.paths import shown_name

    shots = any(h.kind == "one_shot" for h in hits)

    def cells(short_key: bool) -> dict[str, list[str]]:
        return {
            "score": [f"{h.score:.2f}" for h in hits],
            "BPM": [f"{h.tempo_bpm:.1f}" if h.tempo_bpm is not None else "-" for h in hits],
            "key": [
                _short_key(h.key, h.camelot, h.root_note)
                if short_key
                else (f"{h.key} ({h.camelot})" if h.key else (h.root_note or "-"))
                for h in hits
            ],
            "swing": [
                f"{h.swing_percent:.1f}%" if h.swing_percent is not None else "-" for h in hits
            ],
            "genre": [h.tags.genre or "-" for h in hits],
            "era": [h.tags.era or "-" for h in hits],
            # A kind column only when one-shots are listed (loops alone: narrower).
            **({"kind": [_kind_cell(h.kind, h.instrument) for h in hits]} if shots else {}),
            # An upload by the name it was sent with, not its content-addressed file name.
            "file": [shown_name(h.path, h.tags.source) for h in hits],
            # The reason only where it fits on one line.
            **({"why": [h.reason for h in hits]} if width >= 150 else {}),
        }

    def needed(table: dict[str, list[str]]) -> int:
        widths = [
            min(_MIN_FILE_CHARS, max(len(c) for c in [name, *col]))
            if name == "file"
            else max(len(c) for c in [name, *col])
            for name, col in table.items()
        ]
        return sum(widths) + 3 * (len(widths) - 1)  # " │ " between columns

    columns = cells(short_key=False)
    for name in _OPTIONAL_COLUMNS:
        if needed(columns) <= width:
            break
        columns.pop(name, None)
    if needed(columns) > width:
        short = cells(short_key=True)
        columns = {name: short[name] for name in columns}
    right = {"score", "BPM", "swing"}
    table = Table(show_edge=False, pad_edge=False)
    fixed = {n: c for n, c in columns.items() if n not in ("file", "why")}
    room = width - needed(fixed) - 3 * (len(columns) - len(fixed))
    for name, col in columns.items():
        if name == "file":
            longest = max(len(c) for c in [name, *col])
            spare = room - (
                max(len(c) for c in ["why", *columns["why"]]) if "why" in columns else 0
            )
            table.add_column(
                name,
                overflow="ellipsis",
                no_wrap=True,
                max_width=max(_MIN_FILE_CHARS, min(longest, spare)),
            )
        elif name == "why":
            table.add_column(name, overflow="ellipsis", no_wrap=True)
        else:
            fit = max(len(c) for c in [name, *col])
            table.add_column(
                name, justify="right" if name in right else "left", no_wrap=True, min_width=fit
            )
    for i in range(len(hits)):
        table.add_row(*(col[i] for col in columns.values()))
    return table


def _kind_cell(kind: str | None, instrument: str | None) -> str:
    """``"one-shot kick"``, ``"loop drums"``, ``"loop"`` or ``"-"`` for the search table."""
    text = " ".join(x for x in ((kind or "").replace("_", "-"), instrument or "") if x)
    return text or "-"


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """``groovegraph demo [DIR]``: write the demo library (default ``DATA_DIR/library/demo``) and index it."""
    from pathlib import Path

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.tools.analysis import configure_runtime
    from groovegraph.tools.demo import MANIFEST_NAME, build_demo, describe_manifest
    from groovegraph.tools.errors import PathNotAllowedError

    dest = Path(args.dir).expanduser().resolve() if args.dir else settings.demo_dir
    if dest.exists() and not dest.is_dir():
        raise PathNotAllowedError(
            "exists and is not a folder; name a new or empty folder", path=args.dir
        )
    settings.ensure_dirs()
    configure_runtime(settings)
    _note_outside_roots(dest, settings)
    with _index_progress("synth") as on_event:
        manifest = build_demo(
            settings=settings,
            dest=dest,
            on_progress=(lambda done, total: on_event(_Phase("synth", done, total)))
            if on_event
            else None,
        )
    # Every file counted, so the index line's total adds up (loops and one-shots).
    print(f"demo library: {describe_manifest(manifest)} in {dest} (truth: {dest / MANIFEST_NAME})")
    with CatalogStore.open(settings) as store, _index_progress("index") as on_event:
        summary = store.index_directory(dest, settings=settings, on_progress=on_event)
    print(summary.line())
    return EXIT_OK


class _Phase:
    """Progress event shaped like the indexer's, for the synthesis step of ``demo``."""

    def __init__(self, phase: str, done: int, total: int) -> None:
        self.phase, self.done, self.total = phase, done, total


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: langsmith and the graph are heavy, and other commands do not need them.
    from rich.console import Console

    from groovegraph.evals.report import render_json, render_table
    from groovegraph.evals.runner import run_suites

    console = Console(stderr=bool(args.json))
    status = contextlib.nullcontext() if args.json else console.status("running eval suites…")
    with status:
        report = run_suites(
            args.suite,
            settings=settings,
            upload=bool(args.upload),
            split=args.split,
            on_suite=lambda s: console.log(
                f"{s.name}: {s.examples} examples, {s.errors} errors, {s.seconds:.1f} s"
            ),
        )
    if args.json:
        print(render_json(report))
    else:
        render_table(report, console=console)
    return EXIT_OK if report.passed else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groovegraph", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--version", action="version", version=f"groovegraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the HTTP server (LangServe + SSE chat)")
    p.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=None, help="uvicorn worker processes")
    p.add_argument(
        "--no-demo", action="store_true", help="do not build the demo library on first start"
    )
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("chat", help="talk to a running server; streams the answer")
    p.add_argument(
        "message", nargs="?", help="what to say (omit to resume an interrupt with --resume)"
    )
    p.add_argument(
        "--thread",
        default=None,
        help="thread id to continue, or 'last' for the thread of your last chat (default: a new thread)",
    )
    p.add_argument(
        "--url",
        default=None,
        help="URL of a running server (`groovegraph serve` or `make run`; default http://127.0.0.1:8000)",
    )
    p.add_argument("--api-key", default=None, help="API key (default $GROOVEGRAPH_API_KEY)")
    p.add_argument("--sample", action="append", default=[], help="sample id to attach (repeatable)")
    p.add_argument("--resume", default=None, help="answer to a pending interrupt (e.g. 'yes')")
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("analyze", help="measure tempo, beats, swing, pocket and key of audio files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.add_argument("--workers", type=int, default=None, help="parallel processes")
    p.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("index", help="analyse a folder into the catalog (incremental)")
    p.add_argument(
        "dir",
        metavar="DIR",
        help="library folder, or an fsspec URL such as s3://bucket/prefix (extra 'remote')",
    )
    p.add_argument("--workers", type=int, default=None, help="parallel processes")
    p.add_argument(
        "--cluster",
        default=None,
        metavar="ADDR",
        help="analyse on a Dask cluster: scheduler address tcp://HOST:8786 (default GROOVEGRAPH_CLUSTER)",
    )
    p.add_argument(
        "--tags-csv", default=None, help="sidecar CSV with path,genre,era,vibe,instrument,source"
    )
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("search", help="query the catalog")
    p.add_argument("--bpm", default=None, help="LO-HI or a single BPM")
    p.add_argument("--key", default=None, help='e.g. "A minor", "F#m", "8A"')
    p.add_argument(
        "--compatible-with",
        default=None,
        metavar="KEY|FILE",
        help="harmonically compatible with a key or a file",
    )
    p.add_argument("--swing", default=None, help="LO-HI swing percent")
    p.add_argument("--genre", default=None)
    p.add_argument("--era", default=None)
    p.add_argument(
        "--kind", default=None, choices=["loop", "one_shot"], help="loops or one-shots only"
    )
    p.add_argument(
        "--instrument", default=None, help="kick, snare, hat, bass, keys, pad, drums, mix, …"
    )
    p.add_argument("--root", default=None, help='root note of one-shots: "F", "F#1", "Bb"')
    p.add_argument(
        "--meter",
        default=None,
        help='time signature: "3/4" (or "waltz"), "4/4", "6/8", "12/8", "9/8"; or beats per bar',
    )
    p.add_argument(
        "--limit", type=int, default=10, help=f"most hits to show (1-{_SEARCH_MAX_LIMIT})"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per hit")
    p.set_defaults(func=_cmd_search)

    p = sub.add_parser("demo", help="write the demo library and index it")
    p.add_argument("dir", nargs="?", default=None, metavar="DIR")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("eval", help="run the evaluation suites")
    p.add_argument(
        "--suite",
        action="append",
        default=None,
        help="suite name (repeatable; default: all but 'understanding')",
    )
    p.add_argument(
        "--split",
        choices=("tune", "report"),
        default=None,
        help="for suites with splits (understanding): run only this one (default: each, reported apart)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--upload", action="store_true", help="send results to LangSmith (needs LANGSMITH_API_KEY)"
    )
    p.set_defaults(func=_cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except Exception as err:  # pydantic ValidationError: bad environment
        print(f"groovegraph: invalid configuration: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, settings))
    except GrooveGraphError as err:
        print(f"groovegraph: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("groovegraph: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
