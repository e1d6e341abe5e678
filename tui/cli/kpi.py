"""`reports-tui kpi`: key numbers by week, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import sys

from ..index.formats import format_value, kpi_names, kpi_rows
from ..model.text import printable_name
from .common import EXIT_OK, dump_json, open_library, print_problems
from .termout import Style, table, terminal_width, use_colour


def cmd_kpi(args: argparse.Namespace) -> int:
    """`reports-tui kpi`: key numbers by week as a table, JSON or CSV."""
    lib = open_library(args)
    rows = kpi_rows(lib.reports)
    if args.json:
        dump_json(rows)
        return EXIT_OK
    if args.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=["kpi", "week", "label", "path", "value", "unit", "raw"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows({**row, "path": printable_name(row["path"])} for row in rows)  # (CSV is plain text)
        return EXIT_OK
    st = Style(use_colour())
    names = kpi_names(lib.reports, lib.vocab.kpi_aliases)
    dated = [r for r in lib.reports if r.kpis]
    # One row per KPI with a column per week when that fits the terminal, else one row per week.
    header = ["kpi"] + [r.week or r.label for r in dated]
    body = [[n] + [format_value(k.value) if (k := r.kpi(n)) else "–" for r in dated] for n in names]
    text = table(body, header=header, right=set(range(1, len(header))), style=st)
    if max((len(line) for line in text.splitlines()), default=0) > terminal_width() and names:
        header = ["week", "label"] + names
        body = [[r.week or "undated", r.label] + [format_value(k.value) if (k := r.kpi(n)) else "–" for n in names]
                for r in dated]
        text = table(body, header=header, right=set(range(2, len(header))), style=st)
    print(text if names else "no KPIs found")
    print_problems(lib, st)
    return EXIT_OK
