"""The ``groovegraph`` command line.

Each sub-command parses its flags here and hands off to the layer that owns the work;
errors from the tools (:class:`groovegraph.tools.errors.GrooveGraphError`) become a one-line
message on stderr and the error's exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from groovegraph import __version__
from groovegraph.settings import Settings, get_settings
from groovegraph.tools.errors import GrooveGraphError

EXIT_OK = 0
EXIT_USAGE = 2


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from groovegraph.server.run import serve

    return serve(settings=settings, host=args.host, port=args.port, workers=args.workers, no_demo=args.no_demo)


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


def _cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    raise NotImplementedError("analyze: lands with the analysis issue")


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    raise NotImplementedError("index: lands with the catalog issue")


def _cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    raise NotImplementedError("search: lands with the catalog issue")


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    raise NotImplementedError("demo: lands with the catalog issue")


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
    parser = argparse.ArgumentParser(prog="groovegraph", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"groovegraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the HTTP server (LangServe + SSE chat)")
    p.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=None, help="uvicorn worker processes")
    p.add_argument("--no-demo", action="store_true", help="do not build the demo library on first start")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("chat", help="talk to a running server; streams the answer")
    p.add_argument("message", nargs="?", help="what to say (omit to resume an interrupt with --resume)")
    p.add_argument("--thread", default=None, help="thread id to continue (default: a new thread)")
    p.add_argument("--url", default=None, help="server URL (default http://127.0.0.1:8000)")
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
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--workers", type=int, default=None, help="parallel processes")
    p.add_argument("--tags-csv", default=None, help="sidecar CSV with path,genre,era,vibe,instrument,source")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("search", help="query the catalog")
    p.add_argument("--bpm", default=None, help="LO-HI or a single BPM")
    p.add_argument("--key", default=None, help='e.g. "A minor", "F#m", "8A"')
    p.add_argument("--compatible-with", default=None, metavar="KEY|FILE", help="harmonically compatible with a key or a file")
    p.add_argument("--swing", default=None, help="LO-HI swing percent")
    p.add_argument("--genre", default=None)
    p.add_argument("--era", default=None)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="one JSON object per hit")
    p.set_defaults(func=_cmd_search)

    p = sub.add_parser("demo", help="write the demo library and index it")
    p.add_argument("dir", nargs="?", default=None, metavar="DIR")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("eval", help="run the evaluation suites")
    p.add_argument("--suite", action="append", default=None, help="suite name (repeatable; default all)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--upload", action="store_true", help="send results to LangSmith (needs LANGSMITH_API_KEY)")
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
