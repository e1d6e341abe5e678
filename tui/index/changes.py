"""What changed in one author's report against their own previous reports: each project `new`, `done`,
`stalled`, `progress` or `same`, the projects `dropped` since, and how the KPIs moved (pure Python; no
Textual or Rich).

The rules, in the order they are tried for a project of the report:

- `done`: finished now (`model.projects.is_done`: headline progress ≥ 100 %, or no figure and a
  finished word; a stated figure below 100 % is never done);
- `new`: not in the previous report;
- `stalled`: the same headline progress figure in `STALL_REPORTS` (3) or more consecutive reports,
  this one included;
- `progress`: the headline figure differs from the previous report's;
- `same`: anything else.

`dropped`: a project of the previous report that this one does not have, and that was not done there.
A project is the same across reports by `timeline.same_project` (`贝易转（C转）` ≡ `贝易转`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..model.projects import DONE_WORDS, is_done
from ..model.report import Project, Report
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from .timeline import same_project

NEW, DONE, STALLED, PROGRESS, SAME, DROPPED = "new", "done", "stalled", "progress", "same", "dropped"
CHANGES = (NEW, DONE, STALLED, PROGRESS, SAME)
STALL_REPORTS = 3  # this many consecutive reports at one figure make a project stalled


@dataclass
class ProjectChange:
    """One project of a report and how it changed since the author's previous report."""

    project: Project  # as written in this report (its entries merged when it appears twice)
    change: str  # one of CHANGES
    previous: Project | None = None  # the same project in the previous report
    since: int = 1  # for `stalled`: how many consecutive reports gave the figure

    @property
    def figure(self) -> float | None:
        """The headline progress figure now (the first the project states)."""
        return self.project.progress[0] if self.project.progress else None

    @property
    def previous_figure(self) -> float | None:
        """The headline progress figure in the previous report."""
        return self.previous.progress[0] if self.previous is not None and self.previous.progress else None

    @property
    def text(self) -> str:
        """The project's lines in this report, the item first (one line each)."""
        return "\n".join(t for _, t in self.project.entries)


@dataclass
class DroppedProject:
    """A project of the author's previous report that the report no longer has (and was not done)."""

    project: Project
    report: Report  # the previous report, where it was last


@dataclass
class Changes:
    """Every project of one report with its change, and the projects dropped since the previous one."""

    report: Report
    previous: Report | None
    projects: list[ProjectChange] = field(default_factory=list)
    dropped: list[DroppedProject] = field(default_factory=list)


@dataclass
class KpiMove:
    """One KPI of a report against the author's last earlier value of it."""

    name: str
    value: float
    unit: str
    previous: float | None
    delta: float | None
    bad: bool  # the change went the way the KPI should not go
    report: Report
    previous_report: Report | None = None


def merged_projects(report: Report) -> list[Project]:
    """The report's projects, one per identity: a project written twice (in 重点工作 and in its
    O-section) is one, with both places' lines and figures, named as it is first."""
    out: list[Project] = []
    for p in report.projects:
        twin = next((q for q in out if same_project(q.key, p.key)), None)
        if twin is None:
            out.append(Project(p.name, p.key, p.kind, p.section, p.line, list(p.progress), list(p.entries)))
        else:
            twin.progress.extend(p.progress)
            twin.entries.extend(p.entries)
    return out


def _find(projects: Sequence[Project], key: str) -> Project | None:
    return next((p for p in projects if same_project(p.key, key)), None)


def project_changes(report: Report, history: Sequence[Report], words: tuple[str, ...] = DONE_WORDS) -> Changes:
    """How each project of `report` changed; `history`: the same author's reports before it, oldest
    first (the last one is the previous report); `words`: what says a project finished."""
    previous = history[-1] if history else None
    before = merged_projects(previous) if previous is not None else []
    earlier: list[list[Project]] | None = None  # merged projects of history, newest first (made when needed)
    out = Changes(report, previous)
    now = merged_projects(report)
    for p in now:
        prev = _find(before, p.key)
        figure = p.progress[0] if p.progress else None
        if is_done(p, words):
            out.projects.append(ProjectChange(p, DONE, prev))
            continue
        if prev is None:
            out.projects.append(ProjectChange(p, NEW))
            continue
        since = 1
        if figure is not None:
            if earlier is None:
                earlier = [before] + [merged_projects(r) for r in reversed(history[:-1][-(STALL_REPORTS * 4):])]
            for projects in earlier:
                q = _find(projects, p.key)
                if q is None or not q.progress or q.progress[0] != figure:
                    break
                since += 1
        prev_figure = prev.progress[0] if prev.progress else None
        if figure is not None and since >= STALL_REPORTS:
            out.projects.append(ProjectChange(p, STALLED, prev, since))
        elif figure is not None and prev_figure is not None and figure != prev_figure:
            out.projects.append(ProjectChange(p, PROGRESS, prev))
        else:
            out.projects.append(ProjectChange(p, SAME, prev, since))
    if previous is not None:
        for q in before:
            if _find(now, q.key) is None and not is_done(q, words):
                out.dropped.append(DroppedProject(q, previous))
    return out


def kpi_moves(report: Report, history: Sequence[Report], vocab: Vocabulary = DEFAULT_VOCABULARY) -> list[KpiMove]:
    """Each KPI of `report` with the author's last earlier value of it (`history`: their reports before
    it, oldest first), the change, and whether it went the bad way (`Vocabulary.direction`)."""
    out: list[KpiMove] = []
    seen: set[str] = set()
    for k in report.kpis:
        if k.name in seen:
            continue  # (the first value of a name in a report counts, as in the KPI series)
        seen.add(k.name)
        prev_report, prev = None, None
        for r in reversed(history):
            got = r.kpi(k.name)
            if got is not None:
                prev_report, prev = r, got.value
                break
        delta = None if prev is None else round(k.value - prev, 6)
        bad = bool(delta) and delta * vocab.direction(k.name) < 0
        out.append(KpiMove(k.name, k.value, k.unit, prev, delta, bad, report, prev_report))
    return out
