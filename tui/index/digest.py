"""A team's week to send upward: who filed, every project rolled up across the team with each person's
lines and their change, the projects dropped, the KPI moves (bad ones first) and the source reports
(pure Python; no Textual or Rich). `digest_json` is SPEC §4's `digest --format json`; `digest_markdown`
is what a lead pastes into chat or mail, and what the app's "by project" view shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..config import TeamSettings
from ..model.report import Report
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from ..model.weeks import period_text, week_bounds
from .changes import DROPPED, PROGRESS, STALLED, Changes, DroppedProject, KpiMove, ProjectChange, kpi_moves, project_changes
from .formats import format_change, format_value, source_text
from .roster import Roster, RosterCell, roster_groups, weeks_ending
from .timeline import same_project


HISTORY_WEEKS = 8  # the roster heat-map's weeks
SERIES_POINTS = 8  # a KPI sparkline's values
ENTRY_LINES = 6  # lines under an entry in a digest to send (the report has the rest)


@dataclass
class DigestEntry:
    """One person's lines about one project in the week, with the project's change."""

    author: str | None
    change: ProjectChange
    report: Report

    @property
    def text(self) -> str:
        """The project's lines as written (the item first)."""
        return self.change.text

    @property
    def line(self) -> int:
        """The source line of the project in its report."""
        return self.change.project.line


@dataclass
class DigestProject:
    """One project across the team: its name (as first written this week) and everyone's entries."""

    name: str
    key: str
    entries: list[DigestEntry] = field(default_factory=list)


@dataclass
class Digest:
    """One team week, rolled up."""

    week: str
    people: list[RosterCell]
    projects: list[DigestProject]
    dropped: list[tuple[str | None, DroppedProject]]
    kpis: list[tuple[str | None, KpiMove]]  # the bad moves first
    changes: list[tuple[str | None, Changes]]  # every report of the week with its changes, roster order
    history: list[RosterCell] = field(default_factory=list)  # the roster of the HISTORY_WEEKS ending with it
    series: dict[tuple[str | None, str], list[tuple[str, float]]] = field(default_factory=dict)
    # (author, KPI) → (week, value) of the author's last SERIES_POINTS reports with it, up to this week

    @property
    def reports(self) -> list[Report]:
        """The week's reports, in roster order."""
        return [c.report for _, c in self.changes]

    @property
    def dates(self) -> str:
        """The week's Monday–Sunday (`2024-06-03 – 06-09`)."""
        start, end = week_bounds(self.week)
        return period_text(start, end, "week")


def build_digest(reports: Sequence[Report], week: str, settings: TeamSettings = TeamSettings(),
                 vocab: Vocabulary = DEFAULT_VOCABULARY, roster: Roster | None = None) -> Digest:
    """The digest of one ISO week of a library's reports (in week order)."""
    roster = roster or Roster(reports, settings)
    people = roster.week(week)
    mine: dict[str | None, list[Report]] = {}
    for r in reports:
        mine.setdefault(r.author, []).append(r)
    projects: list[DigestProject] = []
    dropped: list[tuple[str | None, DroppedProject]] = []
    moves: list[tuple[str | None, KpiMove]] = []
    changes: list[tuple[str | None, Changes]] = []
    for cell in people:
        own = mine.get(cell.author, [])
        position = {id(r): i for i, r in enumerate(own)}
        for r in cell.reports:
            history = own[:position[id(r)]]
            ch = project_changes(r, history, settings.done_words)
            changes.append((cell.author, ch))
            for pc in ch.projects:
                group = next((g for g in projects if same_project(g.key, pc.project.key)), None)
                if group is None:
                    group = DigestProject(pc.project.name, pc.project.key)
                    projects.append(group)
                group.entries.append(DigestEntry(cell.author, pc, r))
            dropped.extend((cell.author, d) for d in ch.dropped)
            moves.extend((cell.author, m) for m in kpi_moves(r, history, vocab))
    moves.sort(key=lambda am: not am[1].bad)  # (stable: otherwise roster order, then the report's order)
    series: dict[tuple[str | None, str], list[tuple[str, float]]] = {}
    for author, m in moves:
        own = mine.get(author, [])
        at = next((i for i, r in enumerate(own) if r is m.report), None)
        upto = own[:at + 1] if at is not None else [m.report]
        points: list[tuple[str, float]] = []
        for r in reversed(upto):
            k = r.kpi(m.name)
            if k is not None and r.week:
                points.append((r.week, k.value))
                if len(points) == SERIES_POINTS:
                    break
        series[(author, m.name)] = points[::-1]
    history = roster.weeks(weeks_ending(week, HISTORY_WEEKS))
    return Digest(week, people, projects, dropped, moves, changes, history, series)


def digest_json(d: Digest) -> dict[str, Any]:
    """SPEC §4 `digest --format json` (entries and dropped projects also give their `path` and `line`,
    KPIs their `unit`)."""
    return {
        "week": d.week,
        "people": [{"author": c.author, "status": c.status, "paths": [source_text(r.source) for r in c.reports]}
                   for c in d.people],
        "projects": [{"name": p.name, "entries": [
            {"author": e.author, "text": e.text, "change": e.change.change, "path": source_text(e.report.source),
             "line": e.line} for e in p.entries]} for p in d.projects],
        "dropped": [{"author": a, "project": dp.project.name, "last_week": dp.report.week,
                     "path": source_text(dp.report.source), "line": dp.project.line} for a, dp in d.dropped],
        "kpis": [{"author": a, "kpi": m.name, "value": m.value, "previous": m.previous, "delta": m.delta,
                  "bad": m.bad, "unit": m.unit} for a, m in d.kpis],
    }


def report_uri(r: Report) -> str:
    """A link to a report's file (`file:///…`; a report inside a zip links to the zip)."""
    try:
        return Path(r.source.path).resolve().as_uri()
    except (OSError, ValueError):
        return r.source.path


def _name(author: str | None) -> str:
    return author if author is not None else "(no author)"


def _link_target(uri: str) -> str:
    """A Markdown link destination that survives spaces and parentheses."""
    return "<" + uri.replace("<", "%3C").replace(">", "%3E") + ">"


@dataclass
class DigestText:
    """The digest as Markdown, and the report each line of it quotes (1-based line → report)."""

    text: str
    sources: dict[int, tuple[Report, int]]  # line of the text → (report, its source line)

    def source_at(self, line: int) -> tuple[Report, int] | None:
        """The report (and line in it) a line of the text quotes; on a heading or a blank line, the first
        quoting line below it in its section, else the nearest above."""
        lines = self.text.split("\n")
        for n in range(line, len(lines) + 1):
            if n in self.sources:
                return self.sources[n]
            if n > line and lines[n - 1].startswith("#"):
                break
        for n in range(line - 1, 0, -1):
            if n in self.sources:
                return self.sources[n]
        return None


def more_lines(n: int) -> str:
    """What stands for the lines of an entry left out: `2 more lines in the report`."""
    return f"{n} more line{'s' if n != 1 else ''} in the report"


def digest_markdown(d: Digest, links: bool = True, title: bool = True, roster: bool = True,
                    max_lines: int | None = ENTRY_LINES) -> DigestText:
    """The digest as Markdown: the roster line, the projects with everyone's lines marked with their
    change (at most `max_lines` lines under each; None: all), the projects dropped, the KPI moves (bad
    ones first) and, with `links`, the source reports. `title`: led by a `# Team week …` heading;
    `roster`: with the roster line."""
    lines: list[str] = []
    sources: dict[int, tuple[Report, int]] = {}

    def add(text: str = "", source: tuple[Report, int] | None = None) -> None:
        lines.append(text)
        if source is not None:
            sources[len(lines)] = source

    if title:
        add(f"# Team week {d.week} · {d.dates}")
        add()
    if roster:
        add(roster_markdown(d.people))
        add()
    add("## Projects")
    add()
    if not d.projects:
        add("No projects in this week's reports.")
        add()
    for p in d.projects:
        add(f"### {p.name}")
        add()
        for e in p.entries:
            head, *rest = e.text.split("\n") or [""]
            add(f"- `{e.change.change}` **{_name(e.author)}**: {head}{change_note(e.change)}", (e.report, e.line))
            below = e.change.project.entries[1:]
            shown = below if max_lines is None else below[:max_lines]
            for src, text in shown:
                add(f"    - {text}", (e.report, src))
            if len(below) > len(shown):
                add(f"    - … {more_lines(len(below) - len(shown))}", (e.report, below[len(shown)][0]))
        add()
    if d.dropped:
        add("## Dropped")
        add()
        for author, dp in d.dropped:
            figure = f" at {format_value(dp.project.progress[0])}%" if dp.project.progress else ""
            add(f"- `{DROPPED}` **{_name(author)}**: {dp.project.name} — last in {dp.report.week}{figure}",
                (dp.report, dp.project.line))
        add()
    if d.kpis:
        add("## KPIs")
        add()
        still = []
        for author, m in d.kpis:
            if m.delta == 0:
                still.append(f"{_name(author)} {m.name} {format_value(m.value, m.unit)}")
                continue
            was = (f" (was {format_value(m.previous, m.unit)}, {format_change(m.delta)})"
                   if m.previous is not None else " (first value)")
            mark = "▼ " if m.bad else ""
            k = m.report.kpi(m.name)
            add(f"- {mark}**{_name(author)}** {m.name}: {format_value(m.value, m.unit)}{was}",
                (m.report, k.line) if k is not None and k.line else None)
        if still:
            add(f"- Unchanged: {', '.join(still)}")
        add()
    if links and d.reports:
        add("## Reports")
        add()
        for author, ch in d.changes:
            r = ch.report
            label = r.label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
            add(f"- {_name(author)}: [{label}]({_link_target(report_uri(r))})", (r, 1))
        add()
    while lines and not lines[-1]:
        lines.pop()
    return DigestText("\n".join(lines) + "\n", sources)


def change_note(c: ProjectChange) -> str:
    """What a change mark leaves unsaid: ` (40% → 55%)` for progress, ` (50% for 4 reports)` when
    stalled; nothing otherwise."""
    if c.change == PROGRESS and c.previous_figure is not None and c.figure is not None:
        return f" ({format_value(c.previous_figure)}% → {format_value(c.figure)}%)"
    if c.change == STALLED and c.figure is not None:
        return f" ({format_value(c.figure)}% for {c.since} reports)"
    return ""


def roster_markdown(cells: Sequence[RosterCell]) -> str:
    """`**Filed (2):** 张三, 李四 · **Late (1):** 赵六 · **Missing (1):** 王五`."""
    return " · ".join(f"**{status.capitalize()} ({len(names)}):** " + ", ".join(names)
                      for status, names in roster_groups(cells)) or "Nobody was expected to file."
