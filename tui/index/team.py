"""A team's week in one place: every report of one week, one after another under its author's name
(pure Python; no Textual or Rich).

The reports are joined into one Markdown document — a `# AUTHOR` heading per report, the report's own
headings one level deeper — and parsed like any report, so the section tree groups them by author and
the report view reads them as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.frontmatter import front_matter_end
from ..model.parse import parse_report
from ..model.report import Report, SourceRef
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from .formats import counted, week_dates

_HEADING = re.compile(r"^( {0,3})(#{1,6})([ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass
class TeamWeek:
    """One week of a team: its reports (in list order) and the joined document."""

    week: str
    reports: list[Report]
    report: Report  # the joined document, parsed
    starts: list[int]  # the joined document's line of each report's `# AUTHOR` heading

    def report_at(self, line: int) -> Report | None:
        """The report a line of the joined document belongs to."""
        found = None
        for start, r in zip(self.starts, self.reports):
            if start <= line:
                found = r
        return found


def week_of(reports: list[Report], report: Report) -> list[Report]:
    """The reports of `report`'s week — filed under it, or covering it with their period (a two-week
    report counts for both weeks) — in list order (itself only when it is undated)."""
    if report.week is None:
        return [report]
    return covering(reports, report.week)


def covering(reports: list[Report], week: str) -> list[Report]:
    """The reports whose period covers an ISO week (`Report.covered_weeks`), in list order."""
    return [r for r in reports if r.week == week or (r.week is not None and week in r.covered_weeks)]


def team_weeks(reports: list[Report]) -> list[str]:
    """Every ISO week some report covers, in order: the weeks a team's week can show."""
    return sorted({w for r in reports for w in r.covered_weeks})


_CURRENTS = object()  # (`step_week`'s author: the current report's)


def step_week(reports: list[Report], current: Report, delta: int, at: int | None = None,
              author: object = _CURRENTS) -> Report | None:
    """The report of the week before (`delta` -1) or after (+1) `current`'s in a list in week order (several
    reports a week): the report of that week by `author` (default: `current`'s) when there is one, else
    the week's first; None at either end. Each undated report is a week of its own. `at`: where `current`
    is in the list."""
    if at is None:
        at = next((i for i, r in enumerate(reports) if r is current), None)
        if at is None:
            return None

    def same(a: Report, b: Report) -> bool:
        return a is b or (a.week is not None and a.week == b.week)

    step = 1 if delta > 0 else -1
    j = at
    while 0 <= j < len(reports) and same(reports[j], current):
        j += step
    if not 0 <= j < len(reports):
        return None
    group = [reports[j]]
    k = j + step
    while 0 <= k < len(reports) and same(reports[k], reports[j]):
        group.append(reports[k])
        k += step
    if step < 0:
        group.reverse()
    who = current.author if author is _CURRENTS else author
    return next((r for r in group if r.author == who), group[0])


def _body(r: Report) -> list[str]:
    """A report's lines without its front matter and title, every heading one level deeper."""
    lines = r.text.split("\n")
    i = front_matter_end(lines)
    out: list[str] = []
    fence: str | None = None
    title_dropped = False
    for line in lines[i:]:
        fm = _FENCE.match(line)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append(line)
            continue
        if fm:
            fence = fm.group(1)[0] * 3
            out.append(line)
            continue
        hm = _HEADING.match(line)
        if hm:
            if not title_dropped and len(hm.group(2)) == 1:
                title_dropped = True  # the report's title: its author's heading stands for it
                continue
            if len(hm.group(2)) < 6:
                line = f"{hm.group(1)}#{line[len(hm.group(1)):]}"
        out.append(line)
    while out and not out[0].strip():
        out.pop(0)
    return out


def team_week(reports: list[Report], week: str, vocab: Vocabulary = DEFAULT_VOCABULARY) -> TeamWeek:
    """The reports of one week joined under their authors' names (`reports`: that week's, in order)."""
    lines = [f"# {week} · {counted(len(reports), 'report')}", ""]
    starts: list[int] = []
    for r in reports:
        starts.append(len(lines) + 1)
        name = " ".join((r.author or "(no author)").split())
        lines.append(f"# {name}")
        lines.append("")
        lines.append(f"{r.label} · {week_dates(r)} · {r.source.name}")
        lines.append("")
        lines.extend(_body(r))
        lines.append("")
    doc = parse_report("\n".join(lines), SourceRef(f"<{week}>"), vocab)
    return TeamWeek(week, list(reports), doc, starts)
