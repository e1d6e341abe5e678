"""What a sequence of reports made when read answers beside a list's answers (a library summary's reports,
`store.summary_reports`): where one of them is, and a whole library's authors and weeks, without making
every report or a map of them all."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.report import Report


class PositionedReports(Sequence):
    """Reports that say where one of them is (None: not one of them) without a map of every report."""

    __slots__ = ()

    @abstractmethod
    def position(self, report: Any) -> int | None:
        """Where a report is in this sequence (None: it is not one of them)."""


class ColumnReports(PositionedReports):
    """A whole library's reports whose authors, weeks and one author's reports are read from stored columns."""

    __slots__ = ()

    @abstractmethod
    def authors(self) -> list[str]:
        """Every author named by a report, in order of their first report."""

    @abstractmethod
    def weeks(self) -> list[str]:
        """The distinct ISO weeks of dated reports, in order."""

    @abstractmethod
    def of_author(self, author: str | None) -> list[Report]:
        """One author's reports, in week order."""
