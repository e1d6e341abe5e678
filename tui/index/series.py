"""KPI series across weeks: one value per report in week order, the change from the previous week,
and whether that change is good or bad (pure Python; no Textual or Rich).

In a team's library a series follows one author (`Workspace.kpi_series(author)`): the change shown for
a report is against the same author's previous report, never another author's of the same week."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from typing import Iterable

from ..model.report import Report
from .formats import order_kpi_names
from .library import Library
from .positioned import PositionedReports


@dataclass
class Point:
    """One KPI value in one report."""

    report: Report
    value: float
    unit: str
    raw: str
    line: int | None


class Series:
    """One KPI over every report of a library that has it, in week order.

    Points are kept as (report, Kpi) pairs and become `Point`s only when asked for: a library of
    10,000 weeks holds ~65,000 values, and the main screen reads a few dozen of them.
    """

    __slots__ = ("name", "direction", "_reports", "_values", "_points", "_pos")

    def __init__(self, name: str, direction: int, points: list[Point] | None = None) -> None:
        self.name = name
        self.direction = direction  # +1: higher is better, -1: lower is better
        self._reports: list[Report] = [p.report for p in points] if points else []
        self._values: list = list(points) if points else []  # a Kpi or a Point per report (both have value, unit, raw, line)
        self._points: list[Point] | None = None
        self._pos: dict[int, int] | None = None

    def __repr__(self) -> str:
        return f"Series({self.name!r}, {self.direction}, {len(self._reports)} points)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Series):
            return NotImplemented
        return (self.name, self.direction, self.points) == (other.name, other.direction, other.points)

    __hash__ = None  # type: ignore[assignment]

    def _add(self, report: Report, kpi) -> None:
        if self._pos is not None:
            self._pos[id(report)] = len(self._reports)
        self._reports.append(report)
        self._values.append(kpi)
        self._points = None

    def __len__(self) -> int:
        return len(self._reports)

    @property
    def points(self) -> list[Point]:
        """Every value with its report, in week order."""
        if self._points is None:
            self._points = [v if isinstance(v, Point) else Point(r, v.value, v.unit, v.raw, v.line)
                            for r, v in zip(self._reports, self._values)]
        return self._points

    @property
    def reports(self) -> list[Report]:
        """The reports that have this KPI, in week order."""
        return self._reports

    @property
    def values(self) -> list[float]:
        """The values in week order."""
        return [v.value for v in self._values]

    @property
    def unit(self) -> str:
        """The unit written most recently (`%`, `次`, or empty)."""
        for v in reversed(self._values):
            if v.unit:
                return v.unit
        return ""

    def index_of(self, report: Report | None) -> int | None:
        """The position of a report's value in the series (None: the report has no value)."""
        if report is None:
            return None
        if isinstance(self._reports, PositionedReports):
            return self._reports.position(report)  # (a library summary's reports: where the summary has them)
        pos = self._pos
        if pos is None:
            pos = self._pos = {id(r): i for i, r in enumerate(self._reports)}
        i = pos.get(id(report))
        if i is None or self._reports[i] is report:
            return i
        self._pos = None  # an id was reused by another object: index again
        return self.index_of(report)

    def value_at(self, report: Report | None) -> float | None:
        """This KPI's value in a report (None: the report has no value); no Point is built."""
        i = self.index_of(report)
        return None if i is None else self._values[i].value

    def _point(self, i: int) -> Point:
        if self._points is not None:
            return self._points[i]
        v = self._values[i]
        return v if isinstance(v, Point) else Point(self._reports[i], v.value, v.unit, v.raw, v.line)

    def at(self, report: Report | None) -> Point | None:
        """The value of this KPI in a report."""
        i = self.index_of(report)
        return None if i is None else self._point(i)

    def change(self, report: Report | None) -> float | None:
        """The change from the previous value (None when either is missing), without float noise."""
        i = self.index_of(report)
        if not i:
            return None
        return round(self._values[i].value - self._values[i - 1].value, 6)

    def verdict(self, report: Report | None) -> int:
        """+1 the change is good, -1 bad, 0 unchanged or unknown."""
        delta = self.change(report)
        if not delta:
            return 0
        return 1 if delta * self.direction > 0 else -1


def kpi_series(lib: Library, reports: Iterable[Report] | None = None) -> list[Series]:
    """Every KPI of the library as a series over the reports that have it (undated reports are left out);
    `reports`: only these (one author's, so that every change is against that author's previous report).

    One pass over the reports (each report's KPI list is read once), so 10,000 weeks take milliseconds.
    `Workspace.kpi_series` keeps the result for a loaded library.
    """
    by_name: dict[str, Series] = {}
    chosen = lib.reports if reports is None else reports
    # (a library read unchanged from its stored summary: the series as stored)
    made = lib.stored.series(chosen) if lib.stored is not None and isinstance(chosen, Sequence) else None
    if made is not None:
        for name, rs, values in made:
            s = by_name[name] = Series(name, lib.vocab.direction(name))
            s._reports, s._values = rs, values
        return [by_name[n] for n in order_kpi_names(by_name, lib.vocab.kpi_aliases) if by_name[n]._reports]
    pending: dict[str, tuple[list, list]] = {}  # name -> (reports, kpis), filled in one pass
    for r in chosen:
        kpis = r.kpis
        if not kpis or r.week is None:
            for k in kpis or ():
                if k.name not in by_name:
                    by_name[k.name] = Series(k.name, lib.vocab.direction(k.name))
            continue
        if len(kpis) == 1 or len({k.name for k in kpis}) == len(kpis):
            for k in kpis:
                lists = pending.get(k.name)
                if lists is None:
                    by_name.setdefault(k.name, Series(k.name, lib.vocab.direction(k.name)))
                    lists = pending[k.name] = ([], [])
                lists[0].append(r)
                lists[1].append(k)
        else:
            taken: set[str] = set()
            for k in kpis:
                if k.name in taken:
                    continue  # the first value of a name in a report counts
                taken.add(k.name)
                lists = pending.get(k.name)
                if lists is None:
                    by_name.setdefault(k.name, Series(k.name, lib.vocab.direction(k.name)))
                    lists = pending[k.name] = ([], [])
                lists[0].append(r)
                lists[1].append(k)
    for name, (reports, kpis) in pending.items():
        s = by_name[name]
        s._reports, s._values = reports, kpis
    return [by_name[n] for n in order_kpi_names(by_name, lib.vocab.kpi_aliases) if by_name[n]._reports]
