"""KPI series across weeks: one value per report in week order, the change from the previous week,
and whether that change is good or bad (pure Python; no Textual or Rich)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.report import Report
from .library import Library


@dataclass
class Point:
    """One KPI value in one report."""

    report: Report
    value: float
    unit: str
    raw: str
    line: int | None


@dataclass
class Series:
    """One KPI over every report of a library that has it, in week order."""

    name: str
    direction: int  # +1: higher is better, -1: lower is better
    points: list[Point] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        """The values in week order."""
        return [p.value for p in self.points]

    @property
    def unit(self) -> str:
        """The unit written most recently (`%`, `次`, or empty)."""
        for p in reversed(self.points):
            if p.unit:
                return p.unit
        return ""

    def index_of(self, report: Report | None) -> int | None:
        """The position of a report's value in the series (None: the report has no value)."""
        if report is None:
            return None
        pos = self.__dict__.get("_pos")
        if pos is None or pos[0] != len(self.points):
            pos = (len(self.points), {id(p.report): i for i, p in enumerate(self.points)})
            self.__dict__["_pos"] = pos
        i = pos[1].get(id(report))
        if i is None or self.points[i].report is report:
            return i
        self.__dict__.pop("_pos")  # points were replaced in place: index them again
        return self.index_of(report)

    def at(self, report: Report | None) -> Point | None:
        """The value of this KPI in a report."""
        i = self.index_of(report)
        return None if i is None else self.points[i]

    def previous(self, report: Report | None) -> Point | None:
        """The value in the nearest earlier report that has this KPI."""
        i = self.index_of(report)
        return None if not i else self.points[i - 1]

    def change(self, report: Report | None) -> float | None:
        """The change from the previous value (None when either is missing), without float noise."""
        cur, prev = self.at(report), self.previous(report)
        if cur is None or prev is None:
            return None
        return round(cur.value - prev.value, 6)

    def verdict(self, report: Report | None) -> int:
        """+1 the change is good, -1 bad, 0 unchanged or unknown."""
        delta = self.change(report)
        if not delta:
            return 0
        return 1 if delta * self.direction > 0 else -1


def kpi_names(lib: Library) -> list[str]:
    """KPI names in a stable order: the built-in canonical ones first, then the others by first appearance."""
    seen: dict[str, None] = {}
    for r in lib.reports:
        for k in r.kpis:
            seen.setdefault(k.name, None)
    return _ordered(lib, seen)


def _ordered(lib: Library, seen) -> list[str]:
    known = [n for n in lib.vocab.kpi_aliases if n in seen]
    return known + [n for n in seen if n not in known]


def kpi_series(lib: Library) -> list[Series]:
    """Every KPI of the library as a series over the reports that have it (undated reports are left out).

    One pass over the reports (each report's KPI list is read once), so 10,000 weeks take milliseconds.
    """
    by_name: dict[str, Series] = {}
    for r in lib.reports:
        kpis = r.kpis
        if not kpis:
            continue
        dated = r.week is not None
        taken: set[str] = set()
        for k in kpis:
            s = by_name.get(k.name)
            if s is None:
                s = by_name[k.name] = Series(k.name, lib.vocab.direction(k.name))
            if dated and k.name not in taken:  # the first value of a name in a report counts
                taken.add(k.name)
                s.points.append(Point(r, k.value, k.unit, k.raw, k.line))
    return [by_name[n] for n in _ordered(lib, by_name) if by_name[n].points]


def format_value(v: float | None, unit: str = "") -> str:
    """A value as written in reports: no float noise, no trailing zeros (99.955 stays 99.955)."""
    if v is None:
        return "–"
    text = str(int(v)) if v == int(v) else f"{v:.6f}".rstrip("0").rstrip(".")
    return text + unit


def format_change(delta: float | None) -> str:
    """A signed change (`+0.004`, `−0.032`, `±0`), or empty when unknown."""
    if delta is None:
        return ""
    if delta == 0:
        return "±0"
    sign = "+" if delta > 0 else "−"
    return sign + format_value(abs(delta))
