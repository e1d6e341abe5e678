"""What the parse cache knew of a library it loaded, handed on with the library as a plain value
(made in `store.loading`; `summary`: a `store.summary.Summary`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.report import Report


class Stored:
    """The cache rows of a library's reports and, for a library read unchanged from its stored summary,
    its KPI series as stored (`Library.stored`; `Workspace` and `kpi_series` ask it, never the reports).

    For a library read from its summary, the rows and the series are the summary's columns: nothing is
    made per report until asked."""

    def __init__(self, cache_file: str, rows: Iterable[tuple[Report, int]],
                 summary: Any = None, order: Sequence[Report] = ()) -> None:
        self.cache_file = cache_file
        # id -> (report, row): the report is kept so that an id is never one of another, later object.
        self._rows: dict[int, tuple[Any, int]] = {id(r): (r, rid) for r, rid in rows}
        self._summary = summary
        # (kept as given: a summary's own sequence makes its reports only when they are read)
        self._order = order if summary is not None else ()

    def _at(self, report: Any) -> int | None:
        """The position of a report in the summary (None: not one of the summary's reports)."""
        return None if self._summary is None else self._summary.position(report)

    def row(self, report: Report) -> tuple[str, int] | None:
        """(cache file, row id) of a report whose row is in the cache; None for any other report."""
        got = self._rows.get(id(report))
        if got is not None and got[0] is report:
            return self.cache_file, got[1]
        at = self._at(report)
        rid = None if at is None else self._summary.rid(at)
        return None if rid is None else (self.cache_file, rid)

    def rids(self) -> list[int]:
        """The cache rows of the library's reports."""
        out = [rid for _r, rid in self._rows.values()]
        if self._summary is not None:
            out += self._summary.rids()
        return out

    def series(self, reports: Sequence[Report]) -> list[tuple[str, list[Report], Sequence]] | None:
        """The KPI series (name, reports, values) of `reports` from the summary's columns, when they are
        the summary's reports (the whole library in its order: as stored; a part of it, such as one
        author's: computed from the columns); else None."""
        summ = self._summary
        if summ is None:
            return None
        if reports is self._order or (
                len(reports) == len(self._order) and all(a is b for a, b in zip(reports, self._order))):
            return summ.series(self._order)
        at = []
        for r in reports:
            i = self._at(r)
            if i is None:
                return None
            at.append(i)
        return summ.series_of(at, reports)
