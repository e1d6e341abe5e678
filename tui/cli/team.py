"""`reports-tui team`: who filed, who filed late and who has not filed, for one week or several."""

from __future__ import annotations

import argparse

from ..config import TeamSettings, load_config
from ..index.authors import library_names
from ..index.library import Library
from ..index.roster import (FILED, LATE, MISSING, MAX_WEEKS, Roster, RosterCell, UnknownWeek, newest_week,
                            people_of, published, resolve_week, roster_line, weeks_ending)
from .common import EXIT_OK, UsageError, dump_json, open_library, print_problems
from .termout import Style, output_width, table, use_colour, width

COLOURS = {FILED: "green", LATE: "yellow", MISSING: "red"}
SHORT = {FILED: "✓", LATE: "late", MISSING: "✗"}  # a cell on a terminal too narrow for the words
NOBODY = "(no author)"


def team_context(args: argparse.Namespace) -> tuple[Library, TeamSettings, Roster, str | None]:
    """The library, the `[team]` settings, the roster and the week the arguments ask for (None: the
    library has no dated report)."""
    lib = open_library(args)
    settings = load_config(args.config).team()
    roster = Roster(lib.reports, settings, library_names(lib))
    if args.week is not None:
        try:
            week = resolve_week(args.week, lib.reports)
        except UnknownWeek as exc:
            raise UsageError(str(exc)) from None
    else:
        week = newest_week(lib.reports)
    return lib, settings, roster, week


def cmd_team(args: argparse.Namespace) -> int:
    """`reports-tui team`: one row per person, one column per week, filed / late / missing."""
    if not 1 <= args.weeks <= MAX_WEEKS:
        raise UsageError(f"--weeks must be between 1 and {MAX_WEEKS}")
    lib, settings, roster, week = team_context(args)
    weeks = weeks_ending(week, args.weeks) if week else []
    cells = roster.weeks(weeks)
    if args.json:
        dump_json([c.to_json() for c in cells])
        return EXIT_OK
    st = Style(use_colour())
    if not weeks:
        print("no dated reports: no week to take the roll of")
    elif len(weeks) == 1:
        print(one_week(cells, settings, st))
    else:
        print(many_weeks(cells, weeks, roster.members, st))
    print_problems(lib, st)
    return EXIT_OK


def _name(author: str | None) -> str:
    return author if author is not None else NOBODY


def one_week(cells: list[RosterCell], settings: TeamSettings, st: Style) -> str:
    """A week: its roster line, then a row per person with the day each report was published."""
    week = cells[0].week if cells else ""
    head = st(f"{week}", "bold") + f"  {roster_line(cells)}"
    rows = []
    for c in cells:
        status = st(c.status, COLOURS[c.status])
        if not c.expected:
            status += st(" (not expected)", "dim")
        if not c.reports:
            rows.append([_name(c.author), status, "", ""])
        for i, r in enumerate(c.reports):
            day = published(r)
            when = f"{day.isoformat()}" if day else "no date"
            if day and r.end:
                after = (day - r.end).days
                if after > 0:
                    when += f" (+{after} d)"
            rows.append([_name(c.author) if i == 0 else "", status if i == 0 else "", when, r.source.display])
    body = table(rows, header=["person", "status", "published", "report"], style=st) if rows else "nobody expected"
    note = st(f"late: published more than {settings.late_after_days} days after the period ends", "dim")
    return f"{head}\n\n{body}\n\n{note}"


def many_weeks(cells: list[RosterCell], weeks: list[str], members, st: Style) -> str:
    """Weeks side by side: a row per person, a column per week, a total per week."""
    people = people_of(cells, members)
    by = {(c.author, c.week): c for c in cells}
    years = {w[:4] for w in weeks}
    header = ["person"] + [w[5:] if len(years) == 1 else w for w in weeks]
    title = st(f"{weeks[0]} – {weeks[-1]}", "bold")

    def grid(short: bool) -> list[list[str]]:
        rows = []
        for p in people:
            row = [_name(p)]
            for w in weeks:
                c = by.get((p, w))
                if c is None:
                    row.append(st("·", "dim"))
                else:
                    row.append(st(SHORT[c.status] if short else c.status, COLOURS[c.status]))
            rows.append(row)
        totals = ["total"]
        for w in weeks:
            week_cells = [c for c in cells if c.week == w]
            done = sum(c.status != MISSING for c in week_cells)
            totals.append(f"{done}/{len(week_cells)}")
        return rows + [totals]

    text = table(grid(False), header=header, style=st)
    cols = output_width()  # (None in a pipe or a file: whole words)
    if cols is not None and max(width(ln) for ln in text.splitlines()) > cols:
        text = table(grid(True), header=header, style=st)
    legend = st("total: who filed, late or not, of those on the roster · ·: not expected (and no report)", "dim")
    return f"{title}\n\n{text}\n\n{legend}"
