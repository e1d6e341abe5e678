"""`reports-tui weeks`: reports in week order, as a table or JSON."""

from __future__ import annotations

import argparse

from ..index.formats import week_dates, week_fields
from .common import EXIT_OK, dump_json, open_library, print_problems
from .termout import Style, table, terminal_width, use_colour


def cmd_weeks(args: argparse.Namespace) -> int:
    """`reports-tui weeks`: reports in week order."""
    lib = open_library(args)
    if args.json:
        dump_json([week_fields(r) for r in lib.reports])
        return EXIT_OK
    st = Style(use_colour())
    rows = []
    for r in lib.reports:
        dates = week_dates(r, short=True) if r.start and r.end else ""
        mark = st("!", "yellow") if r.warnings else " "
        rows.append([r.week or st("undated", "dim"), dates, mark, r.label, r.source.name])
    print(table(rows, header=["week", "dates", "", "label", "file"], max_width=terminal_width(), style=st))
    print_problems(lib, st)
    return EXIT_OK
