"""The list of weeks: label as written, the dates of its week or period, a mark for warnings and for the week
marked for comparison; undated reports last.

Built for archives of thousands of weeks: every row is exactly two lines, so the list's height and
the position of any week are arithmetic, and a row's text is built only when it is drawn (an
OptionList would otherwise build and wrap every prompt up front — 10,000 weeks took seconds).
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from rich.text import Text
from textual.geometry import Size
from textual.visual import Visual, visualize
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...index.formats import week_dates
from ...model.report import Report
from ..keys import bindings

ROW_LINES = 2  # every week takes two lines: label, then ISO week and dates


UNREAD_MARK = " •"  # after the author's name: a report not read yet (a team's library)


def week_prompt(report: Report, marked: bool = False, current: bool = False, width: int | None = None,
                author: bool = False, unread: bool = False) -> Text:
    """Two lines for one report: the label (with marks), then its ISO week and dates; `author` (a
    team's library): the label is led by whose report it is (`张三  周报 2024-W25`), and by `•` after
    the name when `unread`.

    Each line is cut to `width` cells with an ellipsis: a long label must not wrap into the second
    line, which would hide the week and break the two-lines-a-row arithmetic.
    """
    warn = " ⚠" if report.warnings else ""
    mark = " ●" if marked else ""
    first = Text.assemble((report.label or report.source.name, "bold" if current else ""),
                          (warn, "bold yellow"), (mark, "bold"))
    if author:
        who = Text(report.author, style="bold") if report.author else Text("–", style="dim")
        if unread:
            who.append(UNREAD_MARK, style="bold cyan")
        first = Text.assemble(who, "  ", first)
    first.no_wrap = True
    first.overflow = "ellipsis"
    if report.week and report.start and report.end:
        second = Text(f"{report.week}  {week_dates(report, short=True)}", style="dim")
    else:
        second = Text(undated_detail(report), style="dim italic")
    second.no_wrap = True
    second.overflow = "ellipsis"
    if width and width > 1:
        first.truncate(width, overflow="ellipsis")
        second.truncate(width, overflow="ellipsis")
    out = Text("\n").join([first, second])
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out


def undated_detail(report: Report) -> str:
    """The second row of an undated report: its file's date and folder (the week is unknown)."""
    import datetime
    import os

    source = report.source
    where = source.path if source.member is None else source.member
    folder = os.path.basename(os.path.dirname(where.replace("\\", "/").rstrip("/")))
    if source.member is not None and not folder:
        folder = os.path.basename(source.path)
    parts = []
    if report.mtime:
        try:
            parts.append(f"file {datetime.date.fromtimestamp(report.mtime):%Y-%m-%d}")
        except (OverflowError, OSError, ValueError):
            pass
    if folder:
        parts.append(folder)
    return " · ".join(parts) or "no date"


class _Lines(Sequence):
    """(option index, line within the option) for every line of the list, computed on access."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count * ROW_LINES

    def __getitem__(self, y):
        if isinstance(y, slice):
            return [self[i] for i in range(*y.indices(len(self)))]
        if y < 0:
            y += len(self)
        if not 0 <= y < len(self):
            raise IndexError(y)
        return divmod(y, ROW_LINES)


class _Arith(dict):
    """A read-only mapping index → value given by a formula, for indexes below a count."""

    def __init__(self, count: int, fn) -> None:
        super().__init__()
        self.count = count
        self.fn = fn

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.count:
            raise KeyError(i)
        return self.fn(i)

    def __contains__(self, i) -> bool:
        return isinstance(i, int) and 0 <= i < self.count

    def get(self, i, default=None):
        return self[i] if i in self else default


class WeekOption(Option):
    """An option standing for one report; its prompt is built when the row is first drawn."""

    def __init__(self, index: int) -> None:
        super().__init__("")
        self.index = index


class WeekList(OptionList):
    """Every report of the library in week order, drawn lazily (any number of weeks)."""

    BINDINGS = bindings("week-list")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(**kwargs)
        self.reports: list[Report] = []
        self.marked: Report | None = None
        self.current: Report | None = None
        self.show_authors = False  # a team's library: every row says whose report it is
        self.unread: Callable[[Report], bool] | None = None  # a team's library: whether a report is unread
        self._position: dict[int, int] = {}  # id(report) → index

    # ── filling ──────────────────────────────────────────────────────────────────────────────────

    def set_reports(self, reports: list[Report], current: Report | None = None, authors: bool | None = None) -> None:
        """Fill the list; keep the cursor on `current`; `authors`: rows name their authors (a team)."""
        keep = self.highlighted
        if authors is not None:
            self.show_authors = authors
        self.reports = list(reports)
        self._position = {id(r): i for i, r in enumerate(self.reports)}
        self.current = current if current is not None and id(current) in self._position else None
        if self.marked is not None and id(self.marked) not in self._position:
            self.marked = self._find_same(self.marked)
        with self.prevent(OptionList.OptionHighlighted):
            self.clear_options()
        # One cheap option per report; prompts are built on demand in `_get_visual`.
        self.add_options([WeekOption(i) for i in range(len(self.reports))])
        if self.current is not None:
            self.highlighted = self._position[id(self.current)]
        elif keep is not None and self.reports:
            self.highlighted = min(keep, len(self.reports) - 1)

    def _find_same(self, report: Report) -> Report | None:
        for r in self.reports:
            if r.source == report.source:
                return r
        return None

    def index_of(self, report: Report | None) -> int | None:
        """The row of a report (None: not in the list)."""
        return None if report is None else self._position.get(id(report))

    def _redraw(self, *reports: Report | None) -> None:
        """Rebuild the prompts of some rows (their marks changed)."""
        for r in reports:
            i = self.index_of(r)
            if i is not None:
                self._options[i]._visual = None
        self._option_render_cache.clear()
        self.refresh()

    def redraw_rows(self, *reports: Report | None) -> None:
        """Draw some rows again (whether they are read changed)."""
        self._redraw(*reports)

    def set_current(self, report: Report | None) -> None:
        """Show which report is open and put the cursor on it."""
        old, self.current = self.current, report
        self._redraw(old, report)
        i = self.index_of(report)
        if i is not None:
            self.highlighted = i

    def toggle_mark(self) -> Report | None:
        """Mark (or unmark) the week under the cursor for comparison; returns the marked report."""
        r = self.highlighted_report
        old = self.marked
        self.marked = None if (r is None or r is self.marked) else r
        self._redraw(old, r)
        return self.marked

    @property
    def highlighted_report(self) -> Report | None:
        """The report under the cursor."""
        i = self.highlighted
        return self.reports[i] if i is not None and 0 <= i < len(self.reports) else None

    # ── lazy rows: OptionList's line bookkeeping replaced by arithmetic ──────────────────────────

    def _get_visual(self, option: Option) -> Visual:
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        if width != getattr(self, "_visual_width", None):
            # Prompts are cut to the width: a resize rebuilds the ones drawn so far.
            self._visual_width = width
            for o in self._options:
                o._visual = None
            self._option_render_cache.clear()
        if (visual := option._visual) is None:
            i = option.index if isinstance(option, WeekOption) else self._option_to_index[option]
            r = self.reports[i]
            unread = self.show_authors and self.unread is not None and self.unread(r)
            visual = visualize(self, week_prompt(r, r is self.marked, r is self.current, width, self.show_authors,
                                                 unread), markup=False)
            option._visual = visual
        return visual

    @property
    def _lines(self) -> Sequence[tuple[int, int]]:
        return _Lines(len(self._options))

    @property
    def _heights(self) -> dict[int, int]:
        return _Arith(len(self._options), lambda i: ROW_LINES)

    @property
    def _index_to_line(self) -> dict[int, int]:
        return _Arith(len(self._options), lambda i: i * ROW_LINES)

    def _update_lines(self) -> None:
        if not self.scrollable_content_region:
            return
        region = self.scrollable_content_region
        width = region.width - self._get_left_gutter_width()
        # A blank line below the last week when the list shows an odd number of lines, so that every
        # scroll position (they are kept even) starts with a whole week: never half an entry on top.
        extra = (region.height % ROW_LINES) if len(self._options) * ROW_LINES > region.height else 0
        virtual_size = Size(width, len(self._options) * ROW_LINES + extra)
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def _snap(self, value: float) -> float:
        """A scroll offset moved to a row boundary, in the direction of travel."""
        current = self.scroll_y
        rows = value / ROW_LINES
        snapped = (math.floor(rows) if value < current else math.ceil(rows)) * ROW_LINES
        return max(0, min(snapped, self.max_scroll_y - self.max_scroll_y % ROW_LINES))

    def validate_scroll_y(self, value: float) -> float:
        return self._snap(super().validate_scroll_y(value))

    def validate_scroll_target_y(self, value: float) -> float:
        return self._snap(super().validate_scroll_target_y(value))

    def on_resize(self) -> None:
        self._update_lines()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._options) * ROW_LINES
