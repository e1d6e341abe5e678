"""The list of weeks: label as written, Monday–Sunday dates, a mark for warnings and for the week
marked for comparison; undated reports last."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model.report import Report


def week_prompt(report: Report, marked: bool = False, current: bool = False) -> Text:
    """Two lines for one report: the label (with marks), then its ISO week and dates."""
    warn = " ⚠" if report.warnings else ""
    mark = " ●" if marked else ""
    first = Text.assemble((report.label or report.source.name, "bold" if current else ""),
                          (warn, "bold yellow"), (mark, "bold"))
    first.no_wrap = True
    first.overflow = "ellipsis"
    if report.week and report.start and report.end:
        second = Text(f"{report.week}  {report.start:%m-%d}–{report.end:%m-%d}", style="dim")
    else:
        second = Text("undated", style="dim italic")
    return Text("\n").join([first, second])


class WeekList(OptionList):
    """Every report of the library in week order (OptionList: one widget for any number of weeks)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reports: list[Report] = []
        self.marked: Report | None = None
        self.current: Report | None = None

    def set_reports(self, reports: list[Report], current: Report | None = None) -> None:
        """Fill the list; keep the cursor on `current`."""
        self.reports = list(reports)
        self.current = current
        if self.marked is not None and self.marked not in self.reports:
            self.marked = None
        self._rebuild()

    def _rebuild(self) -> None:
        keep = self.highlighted
        self.clear_options()
        self.add_options(
            Option(week_prompt(r, r is self.marked, r is self.current), id=str(i)) for i, r in enumerate(self.reports)
        )
        if self.current is not None and self.current in self.reports:
            self.highlighted = self.reports.index(self.current)
        elif keep is not None and self.reports:
            self.highlighted = min(keep, len(self.reports) - 1)

    def set_current(self, report: Report | None) -> None:
        """Show which report is open and put the cursor on it."""
        self.current = report
        self._rebuild()

    def toggle_mark(self) -> Report | None:
        """Mark (or unmark) the week under the cursor for comparison; returns the marked report."""
        r = self.highlighted_report
        self.marked = None if (r is None or r is self.marked) else r
        self._rebuild()
        return self.marked

    @property
    def highlighted_report(self) -> Report | None:
        """The report under the cursor."""
        i = self.highlighted
        return self.reports[i] if i is not None and 0 <= i < len(self.reports) else None
