"""`reports-tui weeks`: reports in week order, as a table or JSON."""

from __future__ import annotations

import argparse

from ..index.formats import week_dates, week_fields
from ..index.library import is_team
from .authors import author_reports
from .common import EXIT_OK, dump_json, open_library, print_problems
from .termout import Style, cut_middle, output_width, table, truncate, use_colour, width

LABEL_CELLS = 40  # on a terminal too narrow for the whole line, a label is cut to this many cells
PATH_CELLS = 24   # … and a path (cut in the middle) to no fewer than this many


def cmd_weeks(args: argparse.Namespace) -> int:
    """`reports-tui weeks`: reports in week order (one author's with `--author NAME`)."""
    lib = open_library(args)
    reports = author_reports(lib, getattr(args, "author", None))
    if args.json:
        dump_json([week_fields(r) for r in reports])
        return EXIT_OK
    st = Style(use_colour())
    team = is_team(lib.authors())
    rows = []
    for r in reports:
        dates = week_dates(r, short=True) if r.start and r.end else ""
        mark = st("!", "yellow") if r.warnings else " "
        row = [r.week or st("undated", "dim"), dates, mark]
        if team:
            row.append(r.author or "–")
        rows.append(row + [r.label, r.source.display])
    header = ["week", "dates", ""] + (["author"] if team else []) + ["label", "path"]
    cols = output_width()
    if cols is not None:
        _fit(rows, header, cols)
    print(table(rows, header=header, style=st))
    print_problems(lib, st)
    return EXIT_OK


def _fit(rows: list[list[str]], header: list[str], cols: int) -> None:
    """On a terminal too narrow for whole lines: labels cut at the end, paths in the middle (in place).
    Piped output is never cut."""
    def widest(i: int) -> int:
        return max(width(r[i]) for r in [header] + rows)

    n = len(header)
    total = sum(widest(i) for i in range(n)) + 2 * (n - 1)
    if not rows or total <= cols:
        return
    label_w = min(widest(n - 2), LABEL_CELLS)
    fixed = sum(widest(i) for i in range(n - 2)) + 2 * (n - 1) + label_w
    path_w = max(PATH_CELLS, cols - fixed)
    for r in rows:
        if width(r[-2]) > label_w:
            r[-2] = truncate(r[-2], label_w)
        r[-1] = cut_middle(r[-1], path_w)
