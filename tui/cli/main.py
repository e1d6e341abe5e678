"""The command line: argument parsing and dispatch to the TUI or to a subcommand's module.

The subcommands use `tui.model` and `tui.index` only; Textual is imported only to open the TUI. Each
subcommand's module is imported only when it runs.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from typing import Sequence

from ..index.library import LookupFailed
from .common import EXIT_OK, EXIT_USAGE, UsageError, check_paths, open_library

SUBCOMMANDS = ("weeks", "search", "kpi", "diff", "lint", "cache", "serve")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH", help="settings file to use (default: the platform config folder)")
    p.add_argument("--no-cache", action="store_true", help="parse every file, neither reading nor writing the cache")


def _author(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", metavar="NAME", help="only this person's reports (a name, a configured spelling, "
                                                     "or part of a name)")


def _positive(text: str) -> int:
    """A positive whole number (an argparse type: anything else is a usage error, exit 2)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return n


class _Version(argparse.Action):
    """`--version`: the installed version is looked up only when asked for (it costs ~0.1 s)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from .. import __version__

        print(f"reports-tui {__version__}")
        parser.exit()


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser for `reports-tui [PATH ...]` (the TUI) and the one for subcommands."""
    tui = argparse.ArgumentParser(
        prog="reports-tui",
        description="Read, search, chart and compare a folder of weekly Markdown reports.",
        epilog=(
            "subcommands (run `reports-tui SUBCOMMAND --help`):\n"
            "  weeks  [PATH ...] [--json] [--author NAME]          reports in week order\n"
            "  search QUERY [PATH ...] [--json] [--limit N] [--author NAME]\n"
            "  kpi    [PATH ...] [--json | --csv] [--author NAME]  key numbers by week\n"
            "  diff A B [PATH ...] [--json]             compare two weeks (A, B: 2024-W23, 张三@2024-W23 …)\n"
            "  lint   [PATH ...] [--json] [--author NAME]          problems and warnings (exit 1 on a problem)\n"
            "  cache clear|info                         the parse cache\n"
            "  serve  [PATH ...] [--host H] [--port P]  the TUI in a browser (loopback by default)\n"
            "With no PATH the bundled sample reports are used."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tui.add_argument("paths", nargs="*", metavar="PATH", help="report files, folders or .zip exports")
    tui.add_argument("--compare", nargs=2, metavar=("A", "B"), help="open on the comparison of weeks A and B")
    tui.add_argument("--search", metavar="QUERY", help="open on search results for QUERY")
    tui.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    _common(tui)

    sub_root = argparse.ArgumentParser(prog="reports-tui")
    subs = sub_root.add_subparsers(dest="command", required=True)

    p = subs.add_parser("weeks", help="reports in week order")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _author(p)
    _common(p)

    p = subs.add_parser("search", help="fuzzy search across all reports")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--limit", type=_positive, default=50, metavar="N", help="at most N hits (default 50)")
    p.add_argument("--author", metavar="NAME", help="only reports by this author (as by:NAME in the query)")
    _common(p)

    p = subs.add_parser("kpi", help="key numbers by week")
    p.add_argument("paths", nargs="*", metavar="PATH")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON output")
    fmt.add_argument("--csv", action="store_true", help="CSV output")
    _author(p)
    _common(p)

    p = subs.add_parser("diff", help="compare two weeks")
    p.add_argument("a", metavar="A", help="a file path, ISO week (2024-W23) or label as written, optionally "
                                          "led by an author (张三@2024-W23)")
    p.add_argument("b", metavar="B")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _common(p)

    p = subs.add_parser("lint", help="problems and warnings; exit 1 when there is a problem")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _author(p)
    _common(p)

    p = subs.add_parser("cache", help="manage the parse cache")
    p.add_argument("action", choices=["clear", "info"])
    _common(p)

    from . import serve

    p = subs.add_parser("serve", help="the TUI in a browser, one app process per tab (loopback by default)")
    serve.add_arguments(p)
    _common(p)
    return tui, sub_root


def run_subcommand(args: argparse.Namespace) -> int:
    """Run a parsed subcommand: `tui.cli.NAME.cmd_NAME(args)`."""
    module = import_module(f".{args.command}", __package__)
    return getattr(module, f"cmd_{args.command}")(args)


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (imports Textual only now)."""
    check_paths(args.paths)
    if args.compare:
        # Fail early, before the screen switches to the alternate buffer, on a week that does not exist.
        lib = open_library(args, quiet=True)
        lib.find(args.compare[0]), lib.find(args.compare[1])
    from ..ui.app import run_app

    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `reports-tui`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tui_parser, sub_parser = build_parser()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = sub_parser.parse_args(argv)
            return run_subcommand(args)
        args = tui_parser.parse_args(argv)
        return run_tui(args)
    except UsageError as exc:
        print(f"reports-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LookupFailed as exc:
        print(f"reports-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `reports-tui weeks | head`: the reader went away; not an error.
        try:
            sys.stdout = open(__import__("os").devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
