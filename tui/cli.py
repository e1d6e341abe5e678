"""Command line: the TUI, and the subcommands `weeks`, `search`, `kpi`, `diff`, `lint`, `cache`, `serve`.

The subcommands use `tui.model` and `tui.index` only; Textual is imported only to open the TUI.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from . import serve
from .config import load_config
from .index.library import Library, LookupFailed
from .index.library import open_library as open_index
from .model.report import Finding, Report
from .termout import Style, table, terminal_width, use_colour

SUBCOMMANDS = ("weeks", "search", "kpi", "diff", "lint", "cache", "serve")

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad argument: printed to stderr, exit status 2."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="PATH", help="settings file to use (default: the platform config folder)")
    p.add_argument("--no-cache", action="store_true", help="parse every file, neither reading nor writing the cache")


class _Version(argparse.Action):
    """`--version`: the installed version is looked up only when asked for (it costs ~0.1 s)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__

        print(f"reports-tui {__version__}")
        parser.exit()


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser for `reports-tui [PATH ...]` (the TUI) and the one for subcommands."""
    tui = argparse.ArgumentParser(
        prog="reports-tui",
        description="Read, search, chart and compare a folder of weekly Markdown reports.",
        epilog=(
            "subcommands (run `reports-tui SUBCOMMAND --help`):\n"
            "  weeks  [PATH ...] [--json]               reports in week order\n"
            "  search QUERY [PATH ...] [--json] [--limit N]\n"
            "  kpi    [PATH ...] [--json | --csv]        key numbers by week\n"
            "  diff A B [PATH ...] [--json]             compare two weeks\n"
            "  lint   [PATH ...] [--json]               problems and warnings (exit 1 on a problem)\n"
            "  cache clear                              delete the parse cache\n"
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
    _common(p)

    p = subs.add_parser("search", help="fuzzy search across all reports")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N hits (default 50)")
    _common(p)

    p = subs.add_parser("kpi", help="key numbers by week")
    p.add_argument("paths", nargs="*", metavar="PATH")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON output")
    fmt.add_argument("--csv", action="store_true", help="CSV output")
    _common(p)

    p = subs.add_parser("diff", help="compare two weeks")
    p.add_argument("a", metavar="A", help="a file path, ISO week (2024-W23) or label as written")
    p.add_argument("b", metavar="B")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _common(p)

    p = subs.add_parser("lint", help="problems and warnings; exit 1 when there is a problem")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--json", action="store_true", help="JSON output")
    _common(p)

    p = subs.add_parser("cache", help="manage the parse cache")
    p.add_argument("action", choices=["clear", "info"])
    _common(p)

    p = subs.add_parser("serve", help="the TUI in a browser, one app process per tab (loopback by default)")
    serve.add_arguments(p)
    _common(p)
    return tui, sub_root


def check_paths(paths: Sequence[str]) -> None:
    """A PATH that does not exist is a usage error (exit 2), not an empty library."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))


def open_library(args: argparse.Namespace, quiet: bool = False) -> Library:
    """Load the library for a subcommand: config vocabulary, cache unless `--no-cache`, progress on a tty."""
    check_paths(args.paths)
    cfg = load_config(args.config)
    if cfg.error:
        print(f"reports-tui: {cfg.error}", file=sys.stderr)
    progress = None if quiet else _stderr_progress()
    return open_index(args.paths, vocab=cfg.vocabulary(), progress=progress, use_cache=not args.no_cache)


def _stderr_progress() -> Callable[[int, int | None], None] | None:
    """A progress line on stderr for long loads, only when stderr is a terminal."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    import time

    start = time.monotonic()
    state = {"shown": False}

    def show(done: int, total: int | None) -> None:
        if time.monotonic() - start < 0.5 and not (total and done >= total and state["shown"]):
            return
        state["shown"] = True
        if total:
            filled = int(30 * done / max(total, 1))
            bar = "█" * filled + "░" * (30 - filled)
            sys.stderr.write(f"\rreading reports {bar} {done}/{total}")
        else:
            sys.stderr.write(f"\rreading reports … {done}")
        if total and done >= total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


def week_fields(r: Report) -> dict[str, Any]:
    """The JSON fields that describe one report's week (SPEC §4 `weeks`)."""
    return {
        "path": r.source.path,
        "member": r.source.member,
        "label": r.label,
        "week": r.week,
        "start": r.start.isoformat() if r.start else None,
        "end": r.end.isoformat() if r.end else None,
        "title": r.title,
        "warnings": [w.message for w in r.warnings],
    }


def dump_json(data: Any) -> None:
    """UTF-8 JSON on stdout, not ASCII-escaped."""
    out = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(out + "\n")


def cmd_weeks(args: argparse.Namespace) -> int:
    """`reports-tui weeks`: reports in week order."""
    lib = open_library(args)
    if args.json:
        dump_json([week_fields(r) for r in lib.reports])
        return EXIT_OK
    st = Style(use_colour())
    rows = []
    for r in lib.reports:
        dates = f"{r.start:%m-%d}–{r.end:%m-%d}" if r.start and r.end else ""
        mark = st("!", "yellow") if r.warnings else " "
        rows.append([r.week or st("undated", "dim"), dates, mark, r.label, r.source.name])
    print(table(rows, header=["week", "dates", "", "label", "file"], max_width=terminal_width(), style=st))
    _print_problems(lib, st)
    return EXIT_OK


def _print_problems(lib: Library, st: Style) -> None:
    for p in lib.problems:
        where = p.source.display if p.source else ""
        print(st(f"skipped {where}: {p.message}", "red"), file=sys.stderr)


def kpi_rows(lib: Library) -> list[dict[str, Any]]:
    """One row per (report, KPI) in week order (SPEC §4 `kpi`)."""
    rows = []
    for r in lib.reports:
        for k in r.kpis:
            rows.append({"kpi": k.name, "week": r.week, "label": r.label, "path": r.source.display,
                         "value": k.value, "unit": k.unit, "raw": k.raw})
    return rows


def kpi_names(lib: Library) -> list[str]:
    """KPI names in a stable order: the built-in canonical ones first, then others by first appearance."""
    order = list(lib.vocab.kpi_aliases)
    seen: dict[str, None] = {}
    for r in lib.reports:
        for k in r.kpis:
            seen.setdefault(k.name, None)
    known = [n for n in order if n in seen]
    return known + [n for n in seen if n not in known]


def fmt_value(v: float | None) -> str:
    """A KPI value as written: no trailing zeros, no float noise."""
    if v is None:
        return "–"
    return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def cmd_kpi(args: argparse.Namespace) -> int:
    """`reports-tui kpi`: key numbers by week as a table, JSON or CSV."""
    lib = open_library(args)
    rows = kpi_rows(lib)
    if args.json:
        dump_json(rows)
        return EXIT_OK
    if args.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=["kpi", "week", "label", "path", "value", "unit", "raw"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return EXIT_OK
    st = Style(use_colour())
    names = kpi_names(lib)
    dated = [r for r in lib.reports if r.kpis]
    # One row per KPI with a column per week when that fits the terminal, else one row per week.
    header = ["kpi"] + [r.week or r.label for r in dated]
    body = [[n] + [fmt_value(k.value) if (k := r.kpi(n)) else "–" for r in dated] for n in names]
    text = table(body, header=header, right=set(range(1, len(header))), style=st)
    if max((len(line) for line in text.splitlines()), default=0) > terminal_width() and names:
        header = ["week", "label"] + names
        body = [[r.week or "undated", r.label] + [fmt_value(k.value) if (k := r.kpi(n)) else "–" for n in names]
                for r in dated]
        text = table(body, header=header, right=set(range(2, len(header))), style=st)
    print(text if names else "no KPIs found")
    _print_problems(lib, st)
    return EXIT_OK


def lint_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    """SPEC §4 `lint` rows."""
    return [{"path": f.source.display if f.source else "", "level": f.level, "message": f.message, "line": f.line}
            for f in findings]


def cmd_lint(args: argparse.Namespace) -> int:
    """`reports-tui lint`: every problem and warning; exit 1 when there is a problem."""
    lib = open_library(args)
    findings = lib.lint()
    if args.json:
        dump_json(lint_rows(findings))
    else:
        st = Style(use_colour())
        for f in findings:
            where = f.source.display if f.source else ""
            if f.line:
                where += f":{f.line}"
            level = st(f.level, "red" if f.level == "problem" else "yellow")
            print(f"{where}: {level}: {f.message}")
        n_p = sum(f.level == "problem" for f in findings)
        n_w = len(findings) - n_p
        print(st(f"{len(lib.reports)} reports, {n_p} problems, {n_w} warnings", "bold"), file=sys.stderr)
    return EXIT_PROBLEM if any(f.level == "problem" for f in findings) else EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """`reports-tui search QUERY`: fuzzy, ranked hits across all reports."""
    from .index.fastsearch import try_search

    rc = try_search(args)  # from the parse cache alone when every report in it is fresh
    if rc is not None:
        return rc
    from .index.search import run_search_cli

    return run_search_cli(args, open_library(args))


def cmd_diff(args: argparse.Namespace) -> int:
    """`reports-tui diff A B`: what changed between two weeks."""
    from .index.compare import run_diff_cli

    lib = open_library(args)
    return run_diff_cli(args, lib, lib.find(args.a), lib.find(args.b))


def cmd_cache(args: argparse.Namespace) -> int:
    """`reports-tui cache clear|info`."""
    from .index import cache

    return cache.run_cache_cli(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "weeks": cmd_weeks, "search": cmd_search, "kpi": cmd_kpi, "diff": cmd_diff, "lint": cmd_lint, "cache": cmd_cache,
    "serve": serve.cmd_serve,
}


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (imports Textual only now)."""
    check_paths(args.paths)
    if args.compare:
        # Fail early, before the screen switches to the alternate buffer, on a week that does not exist.
        lib = open_library(args, quiet=True)
        lib.find(args.compare[0]), lib.find(args.compare[1])
    from .ui.app import run_app

    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `reports-tui`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tui_parser, sub_parser = build_parser()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = sub_parser.parse_args(argv)
            return COMMANDS[args.command](args)
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
