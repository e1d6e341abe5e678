"""Project timelines across weeks (SPEC §3.3): every week's entries for one project, oldest first.

A project is the same across weeks when its `project_key` is equal (`贝易转（C转）` ≡ `贝易转`,
`实时数仓项目` ≡ `实时数仓`), or when the keys differ by about one character (fuzzy, ratio ≥ 85 and at
least 4 characters, so that short names like `物保` never swallow `物保二期`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model.projects import project_key
from ..model.report import Project, Report

SAME_RATIO = 85.0
_HEAD = re.compile(r"^[*_\s]*【[^】]*】[\s:：,，]*")


def same_project(a: str, b: str) -> bool:
    """Whether two project keys name the same project."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return fuzz.ratio(a, b) >= SAME_RATIO


@dataclass
class TimelineWeek:
    """One report's part of a project timeline."""

    report: Report
    projects: list[Project]
    entries: list[tuple[int, str]] = field(default_factory=list)  # (source line, text)

    @property
    def progress(self) -> list[float]:
        """Every progress percentage of the project in this report, in order."""
        return [v for p in self.projects for v in p.progress]

    @property
    def first_progress(self) -> float | None:
        """The first progress figure of the week (the headline number), if any."""
        prog = self.progress
        return prog[0] if prog else None

    @property
    def author(self) -> str | None:
        """Who wrote this week's entries (the report's author)."""
        return self.report.author

    @property
    def line(self) -> int:
        """The source line of the project's first heading in this report."""
        return min(p.line for p in self.projects)

    @property
    def status(self) -> str:
        """A one-line status: the heading's text after the name, else the first entry below it."""
        for p in self.projects:
            head = p.entries[0][1] if p.entries else ""
            rest = _HEAD.sub("", head, count=1)
            if rest.startswith(p.name):
                rest = rest[len(p.name):]
            rest = rest.lstrip(" ：:，,、")
            if rest:
                return rest
            if len(p.entries) > 1:
                return p.entries[1][1]
        return ""


@dataclass
class Timeline:
    """A project over the weeks: its name as last written, and one `TimelineWeek` per report it is in."""

    key: str
    name: str
    weeks: list[TimelineWeek]

    def progress_series(self) -> list[tuple[TimelineWeek, float]]:
        """(week, first progress figure) for the weeks that give one, oldest first."""
        return [(w, w.first_progress) for w in self.weeks if w.first_progress is not None]

    @property
    def authors(self) -> list[str]:
        """Everyone who wrote about the project, in order of their first entry."""
        return list(dict.fromkeys(w.author for w in self.weeks if w.author))

    @property
    def week_labels(self) -> list[str]:
        """The weeks the project is in, oldest first: each ISO week once however many people wrote
        about it then (an undated report is a week of its own, by its label)."""
        return list(dict.fromkeys(w.report.week or w.report.label for w in self.weeks))

    def progress_by_author(self) -> list[tuple[str | None, dict[str, float]]]:
        """Each author's first progress figure per week (`week_labels`), authors in order of their
        first entry; authors who never give a figure are left out."""
        out: dict[str | None, dict[str, float]] = {}
        for w in self.weeks:
            v = w.first_progress
            if v is not None:
                out.setdefault(w.author, {}).setdefault(w.report.week or w.report.label, v)
        return list(out.items())


@dataclass
class ProjectInfo:
    """A project known to the library: for the command palette and pickers."""

    key: str
    name: str
    weeks: int
    first_week: str | None
    last_week: str | None
    names: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # who wrote about it, in order of their first report


def _groups(library) -> dict[str, list[tuple[Report, Project]]]:
    """Projects of every report grouped by identity; the group key is the first key seen."""
    groups: dict[str, list[tuple[Report, Project]]] = {}
    canon: dict[str, str] = {}
    for r in library.reports:
        for p in r.projects:
            g = canon.get(p.key)
            if g is None:
                g = next((k for k in groups if same_project(k, p.key)), p.key)
                canon[p.key] = g
            groups.setdefault(g, []).append((r, p))
    return groups


def projects(library) -> list[ProjectInfo]:
    """Every project in the library, those in the most weeks first, then by name."""
    out = []
    for key, members in _groups(library).items():
        reports = list(dict.fromkeys(id(r) for r, _ in members))
        weeks = [r.week for r, _ in members if r.week]
        names = list(dict.fromkeys(p.name for _, p in members))
        authors = list(dict.fromkeys(r.author for r, _ in members if r.author))
        out.append(ProjectInfo(key=key, name=members[-1][1].name, weeks=len(reports),
                               first_week=min(weeks) if weeks else None, last_week=max(weeks) if weeks else None,
                               names=names, authors=authors))
    out.sort(key=lambda p: (-p.weeks, p.key))
    return out


def timeline(library, key_or_name: str) -> Timeline:
    """The timeline of one project (by key or by a name as written), in week order."""
    key = project_key(key_or_name)
    weeks: list[TimelineWeek] = []
    name = key_or_name
    for r in library.reports:
        found = [p for p in r.projects if same_project(key, p.key)]
        if not found:
            continue
        tw = TimelineWeek(r, found)
        for p in found:
            tw.entries.extend(p.entries)
        tw.entries.sort()
        weeks.append(tw)
        name = found[0].name
    return Timeline(key=key, name=name, weeks=weeks)
