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
    """The reports of the same week as `report` (itself only when it is undated), in list order."""
    if report.week is None:
        return [report]
    return [r for r in reports if r.week == report.week]


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
    lines = [f"# {week} · {len(reports)} reports", ""]
    starts: list[int] = []
    for r in reports:
        starts.append(len(lines) + 1)
        name = " ".join((r.author or "(no author)").split())
        lines.append(f"# {name}")
        lines.append("")
        lines.append(f"{r.label} · {r.source.name}")
        lines.append("")
        lines.extend(_body(r))
        lines.append("")
    doc = parse_report("\n".join(lines), SourceRef(f"<{week}>"), vocab)
    return TeamWeek(week, list(reports), doc, starts)
