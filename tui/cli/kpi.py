"""`reports-tui kpi`: key numbers by week, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import sys

from ..index.formats import format_value, kpi_names, kpi_rows
from ..index.library import is_team
from ..model.report import Report
from .authors import author_reports, pick_author
from ..model.text import printable_name
from .common import EXIT_OK, dump_json, open_library, print_problems
from .termout import Style, table, terminal_width, use_colour


def cmd_kpi(args: argparse.Namespace) -> int:
    """`reports-tui kpi`: key numbers by week as a table, JSON or CSV (one author's with `--author`)."""
    lib = open_library(args)
    reports = author_reports(lib, getattr(args, "author", None))
    rows = kpi_rows(reports)
    if args.json:
        dump_json(rows)
        return EXIT_OK
    if args.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=["kpi", "week", "label", "path", "author", "value", "unit", "raw"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows({**row, "path": printable_name(row["path"])} for row in rows)  # (CSV is plain text)
        return EXIT_OK
    st = Style(use_colour())
    if is_team(lib.authors()) and pick_author(lib, getattr(args, "author", None)) is None:
        # A team: one table per author (a week's column would otherwise mix several people).
        groups: dict[str | None, list[Report]] = {}
        for r in reports:
            groups.setdefault(r.author, []).append(r)
        blocks = [(st(author or "(no author)", "bold"), _table(lib, rs, st)) for author, rs in groups.items()]
        print("\n\n".join(f"{head}\n{text}" for head, text in blocks))
    else:
        print(_table(lib, reports, st))
    print_problems(lib, st)
    return EXIT_OK


def _table(lib, reports: list[Report], st: Style) -> str:
    """One KPI per row and a column per week when that fits the terminal, else one row per week."""
    names = kpi_names(reports, lib.vocab.kpi_aliases)
    dated = [r for r in reports if r.kpis]
    # One row per KPI with a column per week when that fits the terminal, else one row per week.
    header = ["kpi"] + [r.week or r.label for r in dated]
    body = [[n] + [format_value(k.value) if (k := r.kpi(n)) else "–" for r in dated] for n in names]
    text = table(body, header=header, right=set(range(1, len(header))), style=st)
    if max((len(line) for line in text.splitlines()), default=0) > terminal_width() and names:
        header = ["week", "label"] + names
        body = [[r.week or "undated", r.label] + [format_value(k.value) if (k := r.kpi(n)) else "–" for n in names]
                for r in dated]
        text = table(body, header=header, right=set(range(2, len(header))), style=st)
    return text if names else "no KPIs found"
