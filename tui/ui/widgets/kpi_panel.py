"""The KPI panel: one row per KPI — name, sparkline over all weeks with the open week marked, the open
week's value, and the change from the previous week coloured good or bad."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...index.formats import format_change, format_value
from ...index.series import Series
from ...model.report import Report
from ..render import DEFAULT_PALETTE, Palette, sparkline


def spark_window(n: int, current: int | None, width: int) -> tuple[int, int]:
    """The cells [start, end) of `n` values that a sparkline `width` cells wide shows: all of them,
    or a window that holds `current` (the same window `render.sparkline` picks)."""
    if not 0 < width < n:
        return 0, n
    cur = current if current is not None else n - 1
    start = min(max(0, cur - width + 1 + width // 4), n - width)
    start = max(0, min(start, cur))
    return start, start + width


def _table_line(cells: list[Text], widths: list[int]) -> Text:
    """One row of the table: each cell cut (…) or padded to its column's width, the name left and the
    numbers right, a space between columns. (Built as one line of text: a Rich table is measured and
    rendered again on every layout, a cost the first screen pays.)"""
    line = Text(no_wrap=True, end="")
    for i, (cell, width) in enumerate(zip(cells, widths)):
        if i:
            line.append(" ")
        cell = cell.copy()
        if cell.cell_len > width:
            cell.truncate(width, overflow="ellipsis")
        if i >= 2:  # (the value and the change: right-aligned)
            cell.pad_left(width - cell.cell_len)
        else:
            cell.pad_right(width - cell.cell_len)
        line.append_text(cell)
    return line


class KpiPanel(Static):
    """Every KPI series of the library, seen from the open report."""

    DEFAULT_CSS = """
    KpiPanel { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.series: list[Series] = []
        self._reports: list[Report] = []
        self.report: Report | None = None
        self.palette: Palette = DEFAULT_PALETTE
        self.rows: list[tuple[str, str, str, int]] = []  # (name, value, change, verdict) as shown
        self.compact = False  # one line (small terminals): KPIs that got worse first
        self._weeks_cache: dict[int, tuple] = {}  # id(report list) → (list, length, dated reports, places)
        self._built_width = -1  # the width the table was last built for

    def set_compact(self, compact: bool) -> None:
        """One line instead of one row per KPI."""
        if compact != self.compact:
            self.compact = compact
            self.refresh_table()

    def set_data(self, series: list[Series], report: Report | None, palette: Palette | None = None,
                 reports: list[Report] | None = None, draw: bool = True) -> None:
        """Show the series for an open report (`reports`: every report, in week order). `draw=False`:
        the table is built by the next `fit` (once the width it gets is known)."""
        self.series = series
        if reports is not None:
            self._reports = reports
        self.report = report
        if palette is not None:
            self.palette = palette
        self._built_width = -1  # (built for no width yet)
        if draw:
            self.refresh_table()

    def fit(self, width: int | None) -> None:
        """Build the table for the `width` the panel is about to get (None: the one it has) unless it is
        built for that already: a table built for the wrong width is built again once the panel is
        laid out, and an update lays the screen out once more."""
        if self._built_width == -1 or (width is not None and width != self._built_width):
            self.refresh_table(width)

    def refresh_table(self, width: int | None = None) -> None:
        """Build the table again (data, report or width changed); `width`: the width the panel is about
        to get (default: the one it has)."""
        pal = self.palette
        self.rows = []
        width = width or self.size.width
        self._built_width = width
        if not self.series:
            self.update(Text("no KPIs found", style="dim italic"))
            return
        width = width or 40
        if self.compact:
            self.update(self._strip(width))
            return
        # One sparkline cell per dated report, so the open week sits at the same place on every row;
        # only the cells that fit are computed (a library of 10,000 weeks shows a window of them).
        weeks, position = self._weeks()
        cur = position.get(id(self.report)) if self.report is not None else None
        shown = self._shown()
        name_w, spark_w, value_w, change_w = self._columns(shown, len(weeks), width)
        start, end = spark_window(len(weeks), cur, spark_w)
        window = weeks[start:end]
        rows = []
        for s, (value, change, verdict, point) in zip(self.series, shown):
            values = [s.value_at(r) for r in window]
            style = pal.good if verdict > 0 else pal.bad if verdict < 0 else pal.muted
            self.rows.append((s.name, value, change, verdict))
            row = [Text(s.name), sparkline(values, None if cur is None else cur - start, pal, width=spark_w),
                   Text(value, style="bold" if point else "dim")]
            rows.append(row + [Text(change, style=style)] if change_w else row)
        widths = [name_w, max(row[1].cell_len for row in rows), value_w, change_w][: 4 if change_w else 3]
        self.update(Text("\n", end="").join(_table_line(row, widths) for row in rows))

    def _shown(self) -> list[tuple[str, str, int, object]]:
        """(value, change, verdict, point) of every series for the open report, as the table shows them."""
        out = []
        for s in self.series:
            point = s.at(self.report)
            value = format_value(point.value, point.unit) if point else "–"
            out.append((value, format_change(s.change(self.report), missing=""), s.verdict(self.report), point))
        return out

    def _columns(self, shown: list, weeks: int, width: int | None) -> tuple[int, int, int, int]:
        """Widths of the name, sparkline, value and change columns: the sparkline a cell per week up to
        what `width` leaves (at least 5 when there are as many weeks; every week when no width), names
        at most 14 cells — longer when `width` leaves room beside a sparkline of every week (no width:
        whole)."""
        from rich.cells import cell_len

        longest = max(cell_len(s.name) for s in self.series)
        name_w = min(longest, 14)
        value_w = max((cell_len(v) for v, *_ in shown), default=1)
        # (no column for changes when no KPI has one: a first week, or one report)
        change_w = max([6] + [cell_len(c) for _, c, *_ in shown]) if any(c for _, c, *_ in shown) else 0
        gaps = 3 if change_w else 2
        cells = weeks or 1
        if width is None:
            return longest, cells, value_w, change_w
        spare = width - name_w - cells - value_w - change_w - gaps
        if spare > 0:
            name_w = min(longest, name_w + spare)
        room = width - name_w - value_w - change_w - gaps
        return name_w, max(min(5, cells), min(cells, room)), value_w, change_w

    def table_width(self, most: int) -> int:
        """Columns the table needs to show every KPI, whole, with a sparkline cell per week, up to `most`
        (and never less than a short sparkline and names of 14 cells need)."""
        if not self.series or self.compact:
            return most
        shown, weeks = self._shown(), len(self._weeks()[0])
        name_w, spark_w, value_w, change_w = self._columns(shown, weeks, None)
        gaps = 3 if change_w else 2
        least = min(name_w, 14) + min(5, spark_w) + value_w + change_w + gaps
        return max(least, min(most, name_w + spark_w + value_w + change_w + gaps))

    def _weeks(self) -> tuple[list[Report], dict[int, int]]:
        """The dated reports in week order and each one's place (by identity), kept per report list
        (in a team's library a list per author: `]` goes from one author to the next)."""
        reports = self._reports
        lists = self._weeks_cache
        cached = lists.get(id(reports))
        if cached is None or cached[0] is not reports or cached[1] != len(reports):
            weeks = [r for r in reports if r.week is not None]
            cached = (reports, len(reports), weeks, {id(r): i for i, r in enumerate(weeks)})
            if len(lists) >= 64:
                lists.clear()
            lists[id(reports)] = cached
        return cached[2], cached[3]

    def _strip(self, width: int) -> Text:
        """All KPIs on one line, the ones that got worse first, then the ones that changed."""
        pal = self.palette
        cells = []
        for n, s in enumerate(self.series):
            point = s.at(self.report)
            verdict = s.verdict(self.report)
            change = s.change(self.report)
            value = format_value(point.value, point.unit) if point else "–"
            self.rows.append((s.name, value, format_change(change, missing=""), verdict))
            rank = 0 if verdict < 0 else 1 if verdict > 0 or change else 2
            cells.append((rank, n, s.name, value, format_change(change) if change else "", verdict))
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        out.append("KPIs ", style="bold")
        for i, (_, _, name, value, change, verdict) in enumerate(sorted(cells)):
            if i:
                out.append(" · ", style=pal.muted)
            out.append(name)
            out.append(" ")
            out.append(value, style="bold")
            if change:
                out.append(" ")
                out.append(change, style=pal.good if verdict > 0 else pal.bad if verdict < 0 else pal.muted)
        if self._built_width:
            out.truncate(width, overflow="ellipsis")
        return out

    def on_resize(self) -> None:
        # Only a new width changes the table (a new height is the table's own doing).
        if self.series and self.size.width != self._built_width:
            self.refresh_table()
