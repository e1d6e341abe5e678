"""`reports-tui lint`: every problem and warning; exit 1 when there is a problem."""

from __future__ import annotations

import argparse
import sys

from ..index.formats import lint_line, lint_rows
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
        n_p = sum(f.level == "problem" for f in findings)
        n_w = len(findings) - n_p
        print(st(f"{len(lib.reports)} reports, {n_p} problems, {n_w} warnings", "bold"), file=sys.stderr)
    return EXIT_PROBLEM if any(f.level == "problem" for f in findings) else EXIT_OK
