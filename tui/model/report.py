"""Plain data classes for one report: what the parser returns and every other layer reads.

Nothing here imports Textual or Rich; the UI converts these to renderables itself.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterator, Literal

from .files import SourceRef
from .weeks import issue_number, report_order, weeks_between

Level = Literal["problem", "warning"]


class _Unassigned:
    """The `Report.text_author` of a report whose author the library has not assigned yet."""

    def __repr__(self) -> str:
        return "UNASSIGNED"


UNASSIGNED = _Unassigned()

REPORT_SUFFIXES = (".md", ".markdown", ".txt")  # the file name endings of reports


@dataclass
class Finding:
    """A problem (the file could not be read as a report) or a warning about a report."""

    level: Level
    message: str
    line: int | None = None
    source: SourceRef | None = None
    related: tuple[SourceRef, ...] = ()  # the other reports a finding is about (e.g. duplicates), in full


@dataclass(slots=True)  # (no dict per object: a large report has hundreds of thousands)
class Item:
    """One list item, paragraph line or table row, with its nested children."""

    text: str
    line: int
    depth: int
    kind: Literal["bullet", "ordered", "para", "table"] = "bullet"
    children: list[Item] = field(default_factory=list)
    project: str | None = None  # key of the project this item belongs to, if any
    checked: bool | None = None  # a task list item (`- [x] …`): whether it is ticked; None for other items

    def walk(self) -> Iterator[Item]:
        """This item and every descendant, in document order (iterative: nesting depth is unbounded)."""
        return iter(self.subtree())

    def subtree(self) -> list[Item]:
        """`walk` as a list (made in one loop: the extractors ask it of every item of every report)."""
        if not self.children:
            return [self]
        out, stack = [], [self]
        while stack:
            item = stack.pop()
            out.append(item)
            if item.children:
                stack.extend(reversed(item.children))
        return out


@dataclass(slots=True)  # (no dict per object: a large report has hundreds of thousands)
class Section:
    """A heading and what stands under it; the root section holds the title."""

    title: str
    key: str
    level: int
    line: int
    okr: str | None = None
    implicit: bool = False
    end_line: int = 0
    items: list[Item] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    tables: list[list[tuple[int, list[str]]]] = field(default_factory=list)  # rows of (line, cells), header first

    def walk(self) -> Iterator[Section]:
        """This section and every subsection, in document order."""
        stack = [self]
        while stack:
            sec = stack.pop()
            yield sec
            stack.extend(reversed(sec.children))

    def all_items(self) -> Iterator[Item]:
        """Every item of this section (not of subsections), depth first."""
        for item in self.items:
            yield from item.walk()

    @property
    def align_key(self) -> str:
        """The key used to align this section across weeks: its OKR code, else its key."""
        return self.okr or self.key


@dataclass(slots=True)  # (no dict per object: a large report has hundreds of thousands)
class Project:
    """A focus project (`【name】` item) or an OKR topic, with its lines in this report."""

    name: str
    key: str
    kind: Literal["focus", "okr"]
    section: str
    line: int
    progress: list[float] = field(default_factory=list)
    entries: list[tuple[int, str]] = field(default_factory=list)  # (line, text), the item and its children


@dataclass
class Kpi:
    """One key number read from a KPI section (or derived, like 生产事件数)."""

    name: str
    value: float
    unit: str
    raw: str
    line: int | None
    section: str = ""


@dataclass
class Incident:
    """One entry of an incident section."""

    text: str
    line: int
    when: datetime | date | None = None
    when_text: str = ""
    found_by: str | None = None


@dataclass
class Report:
    """One weekly report, parsed."""

    source: SourceRef
    text: str
    title: str
    label: str
    author: str | None = None
    created: datetime | date | None = None
    week: str | None = None
    start: date | None = None  # the period's first and last day (Monday and Sunday of a week)
    end: date | None = None
    period: str | None = None  # "week", "range", "month" or "quarter" (`weeks.PERIOD_KINDS`); None if undated
    root: Section | None = None
    projects: list[Project] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    has_incident_section: bool = False
    encoding: str = "utf-8"
    size: int = 0
    mtime: float = 0.0
    # The author the report's own text names, kept once the library assigns `author` (a person folder,
    # aliases) so that assigning again — each partial list while loading, then the whole — starts from it.
    assigned_from: object = field(default=UNASSIGNED, compare=False, repr=False)

    @property
    def text_author(self) -> str | None:
        """The author the report's own text names (before the library assigns folders and aliases)."""
        given = self.assigned_from
        if given is UNASSIGNED:
            self.assigned_from = given = self.author
        return given  # type: ignore[return-value]

    @property
    def sections(self) -> list[Section]:
        """Every section below the root, in document order."""
        if self.root is None:
            return []
        return [s for s in self.root.walk() if s is not self.root]

    def kpi(self, name: str) -> Kpi | None:
        """The KPI with this canonical name, if the report has it."""
        for k in self.kpis:
            if k.name == name:
                return k
        return None

    def section_at(self, line: int) -> Section | None:
        """The innermost section holding a 1-based source line (`SectionLines` answers it for every line
        of a report at once, as a view scrolling through it asks)."""
        if self.root is None:
            return None
        found = self.root
        for s in self.root.walk():
            if s.line <= line and (s.end_line == 0 or line <= s.end_line) and s.level >= found.level:
                found = s
        return found

    @property
    def covered_weeks(self) -> list[str]:
        """Every ISO week the report's period covers, its filing week first (a two-week report counts for
        both weeks; an undated report for none)."""
        if self.week is None:
            return []
        if self.start is None or self.end is None or self.period == "week":
            return [self.week]  # (a week's start and end are its own Monday and Sunday)
        weeks = weeks_between(self.start, self.end)
        return weeks if weeks[0] == self.week else [self.week]

    @property
    def issue(self) -> int | None:
        """The issue number its label or file name gives (`第 N 期`, `Issue 37`, `issue-37.md`), if any."""
        return issue_number(self.label, self.source.name)

    @property
    def sort_key(self) -> tuple:
        """Week order: dated reports by week, creation time, issue number and path (natural order);
        undated last, numbered issues first by number (`weeks.report_order`)."""
        return report_order(self.week, str(self.created or ""), self.label, self.source.display, self.source.name)


class SectionLines:
    """`Report.section_at` of every line of one section tree, worked out once: which section holds a line
    changes only where a section starts or ends, so the answer is kept for each run of lines between two
    such places and a line is looked up by bisection (a scroll through a report of a thousand sections
    asks at every step; `section_at` walks them all each time).

    The same rule as `section_at`: of the sections holding the line (`end_line` 0: to the end), the
    deepest, and of several as deep the last in document order; the root when none holds it."""

    def __init__(self, root: Section) -> None:
        self.root = root
        # (first line, end (after its last line; None: to the end), level, place in document order, section)
        spans = sorted(((s.line, s.end_line + 1 if s.end_line else None, s.level, n, s)
                        for n, s in enumerate(root.walk())), key=lambda sp: sp[0])
        places = sorted({sp[0] for sp in spans} | {sp[1] for sp in spans if sp[1] is not None})
        self._starts: list[int] = []  # where each run of lines starts …
        self._sections: list[Section] = []  # … and the section holding its lines
        holding: list[tuple[int, int, int | None, Section]] = []  # (-level, -order, end, section): deepest, last first
        i = 0
        for at in places:
            while i < len(spans) and spans[i][0] <= at:
                _, end, level, n, s = spans[i]
                heapq.heappush(holding, (-level, -n, end, s))
                i += 1
            while holding and holding[0][2] is not None and holding[0][2] <= at:
                heapq.heappop(holding)  # (ended before this run, or before it started: holds none of its lines)
            self._starts.append(at)
            self._sections.append(holding[0][3] if holding else root)

    def at(self, line: int) -> Section:
        """The innermost section holding a 1-based source line (`Report.section_at`)."""
        k = bisect_right(self._starts, line) - 1
        return self._sections[k] if k >= 0 else self.root
