"""The reports of a library read unchanged from its summary (`summary.Summary`), made when read: the
whole library's in stored order (`SummaryReports`, `Library.reports`) and a KPI series' (`PickedReports`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..positioned import ColumnReports, PositionedReports

if TYPE_CHECKING:
    from ...model.report import Report, SourceRef
    from .loader import BodyStore


class _Reports(PositionedReports):
    """Reports made when read, compared as a list of them is."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        return isinstance(other, Sequence) and len(other) == len(self) and all(a is b or a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # (as a list's)


class SummaryReports(_Reports, ColumnReports):
    """A summary's reports in stored order (`Library.reports` of a library read unchanged from it): the
    report at a position is made when first indexed and kept, so a list of any length costs what is
    read of it; the authors, the weeks and one author's positions are answered from the columns."""

    __slots__ = ("_summary", "_sources", "_store", "_made")

    def __init__(self, summary: Any, sources: Sequence[SourceRef] | None, store: BodyStore):
        # (`summary`: a `summary.Summary`, which makes each report from its columns)
        self._summary, self._sources, self._store = summary, sources, store
        self._made: list[Report | None] = [None] * summary.n

    def __len__(self) -> int:
        return self._summary.n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        r = self._made[i]
        if r is None:
            i = range(len(self))[i]  # (a negative index, and the IndexError of a list)
            src = self._summary.source(i) if self._sources is None else self._sources[i]
            r = self._made[i] = self._summary.reports((i,), (src,), self._store, assigned=True)[0]
        return r

    def __iter__(self) -> Any:
        made = self._made
        if None in made:  # (a walk over every report: those not made yet are made in one go)
            missing = [i for i, r in enumerate(made) if r is None]
            sources = self._sources
            srcs = [self._summary.source(i) for i in missing] if sources is None else [sources[i] for i in missing]
            for i, r in zip(missing, self._summary.reports(missing, srcs, self._store, assigned=True)):
                made[i] = r
        return iter(made)

    def __repr__(self) -> str:
        return f"<{len(self)} reports of a library summary>"

    def position(self, report: Any) -> int | None:
        """Where a report is in this sequence (None: it is not one of them)."""
        i = self._summary.position(report)
        return i if i is not None and self._made[i] is report else None

    def authors(self) -> list[str]:
        """Every author named by a report, in order of their first report (`Library.authors`)."""
        s = self._summary.strings
        return [s[a] for a in dict.fromkeys(self._summary.cols["author"]) if a]

    def weeks(self) -> list[str]:
        """The distinct ISO weeks of dated reports, in order (`Library.weeks`)."""
        s = self._summary.strings
        return [s[w] for w in dict.fromkeys(self._summary.cols["week"]) if w]

    def of_author(self, author: str | None) -> list[Report]:
        """One author's reports (None: those with no author), in order (`Library.by_author`)."""
        s = self._summary.strings
        if author is None:
            code = 0
        else:
            try:
                code = s.index(author, 1)
            except ValueError:
                return []
        return [self[i] for i, a in enumerate(self._summary.cols["author"]) if a == code]


class PickedReports(_Reports):
    """Some of a summary's reports (those of a KPI series), in order, each made when first read."""

    __slots__ = ("_all", "_pos")

    def __init__(self, reports: SummaryReports, pos: Sequence[int]):
        self._all, self._pos = reports, pos  # (positions in ascending order)

    def __len__(self) -> int:
        return len(self._pos)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._all[p] for p in self._pos[i]]
        return self._all[self._pos[i]]

    def position(self, report: Any) -> int | None:
        """Where a report is in this sequence (None: it is not one of them)."""
        p = self._all.position(report)
        if p is None:
            return None
        k = bisect_left(self._pos, p)
        return k if k < len(self._pos) and self._pos[k] == p else None
