"""What the parse cache knew of a library it loaded, handed on with the library as a plain value
(made in `store.loading`; `summary`: a `store.summary.Summary`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.report import Report


class Stored:
    """The cache rows of a library's reports and, for a library read unchanged from its stored summary,
    its KPI series as stored (`Library.stored`; `Workspace` and `kpi_series` ask it, never the reports)."""

    def __init__(self, cache_file: str, rows: Iterable[tuple[Report, int]],
                 summary: Any = None, order: Sequence[Report] = ()) -> None:
        self.cache_file = cache_file
        # id -> (report, row): the report is kept so that an id is never one of another, later object.
        self._rows: dict[int, tuple[Any, int]] = {id(r): (r, rid) for r, rid in rows}
        self._summary = summary
        self._order = tuple(order) if summary is not None else ()

    def row(self, report: Report) -> tuple[str, int] | None:
        """(cache file, row id) of a report whose row is in the cache; None for any other report."""
        got = self._rows.get(id(report))
        return (self.cache_file, got[1]) if got is not None and got[0] is report else None

    def rids(self) -> list[int]:
        """The cache rows of the library's reports."""
        return [rid for _r, rid in self._rows.values()]

    def series(self, reports: Sequence[Report]) -> list[tuple[str, list[Report], Sequence]] | None:
        """The KPI series (name, reports, values) of `reports` as stored, when they are exactly the
        library's reports in its order (not one author's part of it); else None."""
        if self._summary is None or len(reports) != len(self._order):
            return None
        if any(a is not b for a, b in zip(reports, self._order)):
            return None
        return self._summary.series(self._order)
