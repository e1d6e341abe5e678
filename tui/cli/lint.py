"""`reports-tui lint`: every problem and warning; exit 1 when there is a problem."""

from __future__ import annotations

import argparse
import sys

from ..index.formats import counted, lint_line, lint_rows
from .authors import author_reports
from .common import EXIT_OK, EXIT_PROBLEM, dump_json, open_library
from .termout import Style, output_width, use_colour

LINE_WIDTH = 200  # characters in a plain `lint` line on a terminal (a long one wraps rather than lose its message)


def cmd_lint(args: argparse.Namespace) -> int:
    """`reports-tui lint`: every problem and warning; exit 1 when there is a problem."""
    lib = open_library(args)
    findings = lib.lint()
    if getattr(args, "author", None) is not None:
        mine = {r.source for r in author_reports(lib, args.author)}
        findings = [f for f in findings if f.source in mine]
    if args.json:
        dump_json(lint_rows(findings, lib.reports))
    else:
        st = Style(use_colour())
        # One line each, at most LINE_WIDTH characters on a terminal; in a pipe or a file the whole
        # FILE:LINE (what editors and scripts jump to). --json has every detail.
        width = LINE_WIDTH if output_width() is not None else None
        for f in findings:
            where, level, message = lint_line(f, width)
            print(f"{where}: {st(level, 'red' if level == 'problem' else 'yellow')}: {message}")
        _aliases_line(args, lib, findings, st)
        n_p = sum(f.level == "problem" for f in findings)
        n_w = len(findings) - n_p
        print(st(f"{counted(len(lib.reports), 'report')}, {counted(n_p, 'problem')}, {counted(n_w, 'warning')}", "bold"),
              file=sys.stderr)
    return EXIT_PROBLEM if any(f.level == "problem" for f in findings) else EXIT_OK


def _aliases_line(args: argparse.Namespace, lib, findings: list, st: Style) -> None:
    """After the findings: the config's `[authors] aliases` line with every merge suggested above, to
    paste over the one the config has (what it already says is kept)."""
    from ..config import default_config_path
    from ..index.authors import aliases_line

    kept = {f.source for f in findings}
    shown = [s for s in lib.alias_suggestions()
             if any(r.source in kept for r in lib.reports if r.author in s.others)]
    if not shown:
        return
    where = getattr(args, "config", None) or default_config_path()
    print(st(f"to merge the spellings above, put this line in the [authors] table of {where}:", "bold"))
    print(aliases_line(lib.vocab.author_aliases, shown))
