"""The command line: argument parsing and dispatch to the TUI or to a subcommand's module.

The subcommands use `tui.model` and `tui.index` only; Textual is imported only to open the TUI. Each
subcommand's module is imported only when it runs.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from importlib import import_module
from typing import Sequence

from .termout import choose_colour
from .common import (EXIT_OUTPUT, EXIT_PIPE, EXIT_USAGE, GuardedOutput, OutputLost, UsageError, check_paths,
                     check_text_argument, error_text, open_library, say, silence)

SUBCOMMANDS = ("weeks", "search", "kpi", "diff", "lint", "draft", "cache", "serve", "team", "digest", "keys",
               "completion")
GLOBAL_FLAGS = ("--no-cache",)      # options every command takes, before or after the subcommand …
GLOBAL_VALUED = ("--config", "--color")  # … and those that take a value
COLOR_CHOICES = ("auto", "always", "never")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH", help="settings file to use (default: the platform config folder)")
    p.add_argument("--no-cache", action="store_true", help="parse every file, neither reading nor writing the cache")
    p.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                   help="colour: auto (on a terminal, unless NO_COLOR is set), always or never")


def _author(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", metavar="NAME", help="only this person's reports (a name, a configured spelling, "
                                                     "or part of a name)")


def _week(p: argparse.ArgumentParser) -> None:
    p.add_argument("--week", metavar="W", help="the week: an ISO week (2024-W23), a date in it or a label as "
                                               "written (default: the newest week with a report)")


class _Version(argparse.Action):
    """`--version`: the installed version is looked up only when asked for (it costs ~0.1 s)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from .. import __version__

        print(f"reports-tui {__version__}")
        parser.exit()


def _positive(text: str) -> int:
    """`--limit N`: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {n}")
    return n


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
            "  diff A B [PATH ...] [--json] [--side-by-side | --unified]\n"
            "                                           compare two weeks (A, B: 2024-W23, 张三@2024-W23 …)\n"
            "  lint   [PATH ...] [--json] [--author NAME]          problems and warnings (exit 1 on a problem)\n"
            "  draft  [PATH ...] [--author NAME] [--week W] [--output FILE]   next week's report, from the last\n"
            "  cache clear|info                         the parse cache\n"
            "  serve  [PATH ...] [--host H] [--port P]  the TUI in a browser (loopback by default)\n"
            "  team   [PATH ...] [--week W] [--weeks N] [--json]  who filed, who is late, who is missing\n"
            "  digest [PATH ...] [--week W] [--format md|html|json] [--output FILE]  a team's week to send\n"
            "  keys   [--json]                          key binding ids, their keys (the settings' [keymap]) and what they do\n"
            "  completion bash|zsh|fish                 the shell's completion script\n"
            "With no PATH the bundled sample reports are used. Options may come before or after PATH."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tui.add_argument("paths", nargs="*", metavar="PATH", help="report files, folders or .zip exports")
    tui.add_argument("--compare", nargs=2, metavar=("A", "B"), help="open on the comparison of weeks A and B")
    tui.add_argument("--search", metavar="QUERY", help="open on search results for QUERY")
    tui.add_argument("--week", metavar="W", help="open on week W: an ISO week (2024-W23), a label as written or "
                                                "a file, optionally led by an author (张三@2024-W23)")
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
    layout = p.add_mutually_exclusive_group()
    layout.add_argument("--side-by-side", action="store_true",
                        help="the two weeks in two columns (default on a terminal of 100 columns or more)")
    layout.add_argument("--unified", action="store_true",
                        help="one column, A's lines marked - and B's + (default in a pipe or a file, or on a "
                             "narrower terminal)")
    _common(p)

    p = subs.add_parser("lint", help="problems and warnings; exit 1 when there is a problem")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _author(p)
    _common(p)

    p = subs.add_parser("draft", help="next week's report as Markdown, written from the last one")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--week", metavar="W", help="the report to start from: a file path, ISO week (2024-W23) or label, "
                                               "optionally led by an author (张三@2024-W23); default: the newest")
    p.add_argument("--output", metavar="FILE", help="write the draft to FILE (never inside a PATH) instead of "
                                                   "printing it")
    _author(p)
    _common(p)

    p = subs.add_parser("cache", help="manage the parse cache")
    p.add_argument("action", choices=["clear", "info"])
    _common(p)

    p = subs.add_parser("team", help="who filed, who filed late, who has not filed")
    p.add_argument("paths", nargs="*", metavar="PATH")
    _week(p)
    p.add_argument("--weeks", type=_positive, default=1, metavar="N", help="N weeks ending with the week (default 1)")
    p.add_argument("--json", action="store_true", help="JSON output")
    _common(p)

    p = subs.add_parser("digest", help="a team's week to send upward: roster, projects, KPI moves")
    p.add_argument("paths", nargs="*", metavar="PATH")
    _week(p)
    p.add_argument("--format", choices=("md", "html", "json"), default="md",
                   help="Markdown (default), one self-contained HTML page, or JSON")
    p.add_argument("--output", metavar="FILE", help="write into FILE (never inside a PATH) instead of stdout")
    _common(p)

    from . import serve

    p = subs.add_parser("serve", help="the TUI in a browser, one app process per tab (loopback by default)")
    serve.add_arguments(p)
    _common(p)

    p = subs.add_parser("keys", help="every key binding's id, its key (the settings' [keymap] applied) and what it does")
    p.add_argument("--json", action="store_true", help="JSON output")
    _common(p)

    p = subs.add_parser("completion", help="print the shell completion script (bash, zsh or fish)")
    p.add_argument("shell", choices=["bash", "zsh", "fish"], metavar="SHELL", help="bash, zsh or fish")
    _common(p)
    _common(sub_root)  # (the global options before a subcommand: what completion and the man page read)
    return tui, sub_root


def subparsers(root: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser by name."""
    return {name: p for a in root._actions if isinstance(a, argparse._SubParsersAction)
            for name, p in a.choices.items()}


def parse_subcommand(root: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse `SUBCOMMAND ARG…` (`subcommand_argv`'s order) with options and positionals in any order
    (`search 动转静 --author 张三 PATH`): argparse's intermixed parsing, which a parser with
    subparsers does not support, so it is the subcommand's own parser that parses."""
    name, rest = argv[0], argv[1:]
    args = subparsers(root)[name].parse_intermixed_args(rest)
    args.command = name
    return args


def run_subcommand(args: argparse.Namespace) -> int:
    """Run a parsed subcommand: `tui.cli.NAME.cmd_NAME(args)`."""
    for attr, what in (("query", "QUERY"), ("a", "week A"), ("b", "week B"), ("week", "--week")):
        check_text_argument(getattr(args, attr, None), what)
    module = import_module(f".{args.command}", __package__)
    return getattr(module, f"cmd_{args.command}")(args)


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (imports Textual only now)."""
    check_paths(args.paths)
    colour_environment(args.color)
    check_text_argument(args.search, "QUERY")
    for week in args.compare or ():
        check_text_argument(week, "a week")
    check_text_argument(args.week, "a week")
    library = None
    if args.compare or args.week:
        # Fail early, before the screen switches to the alternate buffer, on a week that does not exist;
        # the app then opens on this library instead of reading it again.
        library = open_library(args, quiet=True)
        if args.compare:
            library.find(args.compare[0]), library.find(args.compare[1])
        if args.week:
            library.open_week(args.week)
    from ..ui.app import run_app

    code, still_loading = run_app(args, library=library)
    if still_loading:
        leave(code)  # (no exit handlers: they would wait for the abandoned load's worker processes)
    return code


def colour_environment(choice: str | None) -> None:
    """`--color` for a process that runs the TUI: `never` sets NO_COLOR (Textual then draws in shades
    of grey), `always` drops it."""
    import os

    if choice == "never":
        os.environ["NO_COLOR"] = "1"
    elif choice == "always":
        os.environ.pop("NO_COLOR", None)


def subcommand_argv(argv: list[str]) -> list[str] | None:
    """The arguments with the subcommand first, when there is one: global options (`--no-cache`,
    `--config PATH`) may come before it and are moved after it; None for the TUI."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in GLOBAL_FLAGS or any(a.startswith(o + "=") for o in GLOBAL_VALUED):
            i += 1
        elif a in GLOBAL_VALUED and i + 1 < len(argv):
            i += 2
        else:
            break
    if i < len(argv) and argv[i] in SUBCOMMANDS:
        return [argv[i]] + argv[:i] + argv[i + 1:]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `reports-tui`: the exit status. Never a traceback for a bad argument or for output
    that cannot be written (a closed pipe: 141, quietly; a full disk or a closed stdout: 74)."""
    if sys.stdout is None:  # started with stdout closed (`reports-tui weeks >&-`): nowhere to answer
        say("reports-tui: standard output is closed")
        return EXIT_OUTPUT
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # a stray unencodable character is no crash
        except (AttributeError, ValueError, OSError):
            pass
    argv = list(sys.argv[1:] if argv is None else argv)
    real_stdout = sys.stdout
    sys.stdout = GuardedOutput(real_stdout)
    try:
        code = _dispatch(argv)
        sys.stdout.flush()
        return code
    except OutputLost as exc:
        silence(real_stdout)
        if exc.pipe:
            return EXIT_PIPE
        say(f"reports-tui: cannot write the output: {exc}")
        return EXIT_OUTPUT
    finally:
        sys.stdout = real_stdout
        choose_colour("auto")  # (`--color` holds for this command only)


def run() -> None:
    """The `reports-tui` program: `main()` on the command line's arguments, then the exit (or, called
    back by a shell's completion script, the completions)."""
    import os

    if "_ARGCOMPLETE" in os.environ:
        from .completion import complete

        complete(*parsers(), subcommand_argv)
    quick_exit(main())


def quick_exit(code: int) -> None:
    """Exit with `code` without the interpreter's teardown (freeing every module and object one by one,
    ~20 ms after a search) when nothing is left to finish: no thread that is not a daemon running,
    the exit handlers run first. Otherwise the usual exit."""
    import atexit
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    leave(code)


def leave(code: int) -> None:
    """End the process now with `code`, the standard streams flushed (nothing else runs)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


@cache
def parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """`build_parser()`'s two parsers, built once per process (~6 ms each time): parsing leaves a parser
    as it was (argparse's intermixed parsing puts back what it sets aside, also on an error), so every
    `main()` of a process parses with the same two."""
    return build_parser()


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """The arguments of `reports-tui …`, options before or after PATH: a subcommand's (`command` its
    name) or the TUI's (`command` None)."""
    tui_parser, sub_parser = parsers()
    sub_argv = subcommand_argv(argv)
    if sub_argv is not None:
        return parse_subcommand(sub_parser, sub_argv)
    args = tui_parser.parse_intermixed_args(argv)
    args.command = None
    return args


def _dispatch(argv: list[str]) -> int:
    try:
        args = parse_command_line(argv)
        choose_colour(args.color)
        return run_subcommand(args) if args.command else run_tui(args)
    except (UsageError, import_module("..index.library", __package__).LookupFailed) as exc:  # (imported if raised)
        say(error_text(f"reports-tui: {exc}"))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
