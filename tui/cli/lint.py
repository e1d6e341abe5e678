"""`reports-tui lint`: every problem and warning; exit 1 when there is a problem."""

from __future__ import annotations

import argparse
import sys

from ..index.formats import lint_line, lint_rows
from .authors import author_reports
from .common import EXIT_OK, EXIT_PROBLEM, dump_json, open_library
from .termout import Style, use_colour


LINE_WIDTH = 200  # characters in a plain `lint` line


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
        for f in findings:  # one line each, at most LINE_WIDTH characters; --json has every detail
            where, level, message = lint_line(f, LINE_WIDTH)
            print(f"{where}: {st(level, 'red' if level == 'problem' else 'yellow')}: {message}")
        n_p = sum(f.level == "problem" for f in findings)
        n_w = len(findings) - n_p
        print(st(f"{len(lib.reports)} reports, {n_p} problems, {n_w} warnings", "bold"), file=sys.stderr)
    return EXIT_PROBLEM if any(f.level == "problem" for f in findings) else EXIT_OK
