"""The list of weeks: label as written, the dates of its week or period, a mark for warnings and for the week
marked for comparison; undated reports last.

Built for archives of thousands of weeks: a scroll view of its own (as the report view is) whose every
row is exactly `ROW_LINES` lines, so the list's height and the position of any week are arithmetic,
and a row is built only when it is drawn (an OptionList builds and wraps every prompt up front — 10,000
weeks took seconds). What a row says comes from one function, `week_rows.week_prompt` (given the rows
beside it, whose labels it is told apart from); the list only draws it.
It looks and answers like Textual's OptionList: the same keys, the cursor's colours focused and not, a
row under the mouse, a click to open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize

from ...index.positioned import PositionedReports
from ...model.report import Report
from ..keys import bindings
from ..week_rows import labels_beside, row_label, week_prompt

ROW_LINES = 2  # every week takes two lines: label, then what the label does not say (week, dates, file)
STRIP_CACHE = 256  # rows kept drawn


class WeekList(ScrollView, can_focus=True):
    """Every report of the library (or one author's) in week order, drawn lazily (any number of weeks)."""

    # The look of Textual's OptionList (its DEFAULT_CSS, with this list's own component classes).
    DEFAULT_CSS = """
    WeekList {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .week-list--row-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .week-list--row-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .week-list--row-hover {
            background: $block-hover-background;
        }
    }
    """
    COMPONENT_CLASSES = {"week-list--row", "week-list--row-highlighted", "week-list--row-hover"}

    BINDINGS = bindings("week-list")

    highlighted: reactive[int | None] = reactive(None)
    """The row under the cursor (None: the list is empty)."""
    hovered: reactive[int | None] = reactive(None)
    """The row under the mouse (None: the mouse is elsewhere)."""

    @dataclass
    class WeekMessage(Message):
        """Something happened to a report's row of the list."""

        week_list: "WeekList"
        report: Report
        index: int

        @property
        def control(self) -> "WeekList":
            """The list it happened in (for `@on(…, "#weeks")`)."""
            return self.week_list

    class WeekHighlighted(WeekMessage):
        """The cursor moved to a report's row."""

    class WeekSelected(WeekMessage):
        """A report's row was chosen (enter, or a click)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reports: list[Report] = []
        self.marked: Report | None = None
        self.current: Report | None = None
        self.show_authors = False  # a team's library: every row says whose report it is
        self.unread: Callable[[Report], bool] | None = None  # a team's library: whether a report is unread
        self._position: dict[int, int] = {}  # id(report) → index
        self._drawn: dict[tuple, list[Strip]] = {}  # (row, style, width) → its lines, drawn

    # ── filling ──────────────────────────────────────────────────────────────────────────────────

    def set_reports(self, reports: list[Report], current: Report | None = None, authors: bool | None = None) -> None:
        """Fill the list; keep the cursor on `current`; `authors`: rows name their authors (a team)."""
        keep = self.highlighted
        if authors is not None:
            self.show_authors = authors
        if isinstance(reports, PositionedReports):
            # A library summary's reports, kept as they are: a row's report is made when it is drawn, and
            # the row of a report is where the summary has it (no list, no map of every report).
            self.reports = reports
            self._position = {}
        else:
            self.reports = list(reports)
            self._position = {id(r): i for i, r in enumerate(self.reports)}
        self.current = current if self.index_of(current) is not None else None
        if self.marked is not None and self.index_of(self.marked) is None:
            self.marked = self._find_same(self.marked)
        self.set_reactive(WeekList.highlighted, None)  # (a new list: the cursor's row is news)
        self.set_reactive(WeekList.hovered, None)
        self._drawn.clear()
        self._update_size()
        if self.current is not None:
            self.highlighted = self.index_of(self.current)
        elif keep is not None and self.reports:
            self.highlighted = min(keep, len(self.reports) - 1)
        self.refresh()

    def _find_same(self, report: Report) -> Report | None:
        for r in self.reports:
            if r.source == report.source:
                return r
        return None

    def index_of(self, report: Report | None) -> int | None:
        """The row of a report (None: not in the list)."""
        if report is None:
            return None
        if isinstance(self.reports, PositionedReports):
            return self.reports.position(report)
        return self._position.get(id(report))

    def _redraw(self, *reports: Report | None) -> None:
        """Draw some rows again (their marks changed)."""
        rows = {self.index_of(r) for r in reports} - {None}
        if rows:
            self._drawn = {key: strips for key, strips in self._drawn.items() if key[0] not in rows}
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

    # ── the cursor ───────────────────────────────────────────────────────────────────────────────

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self.reports:
            return None
        return max(0, min(value, len(self.reports) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        self._redraw_rows(old, new)
        if new is None:
            return
        self.scroll_to_highlight()
        self.post_message(self.WeekHighlighted(self, self.reports[new], new))

    def watch_hovered(self, old: int | None, new: int | None) -> None:
        self._redraw_rows(old, new)

    def _redraw_rows(self, *rows: int | None) -> None:
        if any(row is not None for row in rows):
            self.refresh()  # (rows are drawn from the cache but the two whose style changed)

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Scroll so that the row under the cursor is whole on screen."""
        if self.highlighted is None or not self.is_mounted:
            return
        self.scroll_to_region(Region(0, self.highlighted * ROW_LINES, self.scrollable_content_region.width, ROW_LINES),
                              force=True, animate=False, top=top, immediate=True)

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def action_cursor_down(self) -> None:
        """The next week."""
        self._move(1)

    def action_cursor_up(self) -> None:
        """The previous week."""
        self._move(-1)

    def action_first(self) -> None:
        """The first week."""
        if self.reports:
            self.highlighted = 0

    def action_last(self) -> None:
        """The last week."""
        if self.reports:
            self.highlighted = len(self.reports) - 1

    def action_page_down(self) -> None:
        """A screenful of weeks down."""
        self._move_page(1)

    def action_page_up(self) -> None:
        """A screenful of weeks up."""
        self._move_page(-1)

    def _move_page(self, direction: int) -> None:
        # As OptionList pages: the cursor's first line moves by the list's height in lines.
        if not self.reports:
            return
        if self.highlighted is None:
            self.highlighted = 0 if direction < 0 else len(self.reports) - 1
            return
        lines = len(self.reports) * ROW_LINES
        y = self.highlighted * ROW_LINES + direction * self.scrollable_content_region.height
        self.highlighted = max(0, min(y, lines - 1)) // ROW_LINES

    def _move(self, delta: int) -> None:
        # As OptionList moves: past either end the cursor wraps round to the other.
        if not self.reports:
            return
        if self.highlighted is None:
            self.highlighted = 0 if delta > 0 else len(self.reports) - 1
            return
        self.highlighted = (self.highlighted + delta) % len(self.reports)

    def action_select(self) -> None:
        """Open the week under the cursor."""
        i = self.highlighted
        if i is not None:
            self.post_message(self.WeekSelected(self, self.reports[i], i))

    # ── the mouse ────────────────────────────────────────────────────────────────────────────────

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("week")
        if row is not None and 0 <= row < len(self.reports):
            self.highlighted = row
            self.action_select()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hovered = event.style.meta.get("week")

    def on_leave(self, event: events.Leave) -> None:
        self.hovered = None

    # ── drawing: every row ROW_LINES lines, built when drawn ─────────────────────────────────────

    def _update_size(self) -> None:
        region = self.scrollable_content_region
        if not region:
            return
        # A blank line below the last week when the list shows an odd number of lines, so that every
        # scroll position (they are kept even) starts with a whole week: never half an entry on top.
        lines = len(self.reports) * ROW_LINES
        extra = (region.height % ROW_LINES) if lines > region.height else 0
        size = Size(region.width, lines + extra)
        if size != self.virtual_size:
            self.virtual_size = size
            # (a scroll made before the list had its scrollbar left the bar's thumb at the top)
            self.vertical_scrollbar.position = self.scroll_y

    def on_resize(self) -> None:
        self._drawn.clear()
        self._update_size()
        # A list made shorter (the week's warnings shown under it, a library shown before the screen
        # had its sizes) keeps the week under the cursor whole on screen.
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._drawn.clear()  # (a theme or focus change recolours every row)
        self.refresh()
        super().notify_style_update()

    def _row_style(self, row: int):
        if row == self.highlighted:
            return self.get_visual_style("week-list--row", "week-list--row-highlighted")
        if row == self.hovered:
            return self.get_visual_style("week-list--row", "week-list--row-hover")
        return self.get_visual_style("week-list--row")

    def _row_strips(self, row: int, width: int) -> list[Strip]:
        style = self._row_style(row)
        key = (row, style, width)
        strips = self._drawn.get(key)
        if strips is None:
            reports = self.reports
            r = reports[row]
            unread = self.show_authors and self.unread is not None and self.unread(r)
            # (the rows around it, per row drawn: a long prefix shared with their labels is shortened)
            above = reports[row - 1] if row > 0 else None
            below = reports[row + 1] if row + 1 < len(reports) else None
            beside = labels_beside(lambda i: row_label(reports[i]), len(reports), row)
            prompt = week_prompt(r, r is self.marked, r is self.current, width, self.show_authors, unread,
                                 above, below, beside)
            visual: Visual = visualize(self, prompt, markup=False)
            strips = [strip.extend_cell_length(width, style.rich_style).apply_meta({"week": row})
                      for strip in Visual.to_strips(self, visual, width, None, style)]
            if len(self._drawn) >= STRIP_CACHE:
                self._drawn.clear()
            self._drawn[key] = strips
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        self._update_size()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row, line = divmod(int(self.scroll_offset.y) + y, ROW_LINES)
        if not 0 <= row < len(self.reports):
            return Strip.blank(width, self.get_visual_style("week-list--row").rich_style)
        strips = self._row_strips(row, width)
        return strips[line] if line < len(strips) else Strip.blank(width, self._row_style(row).rich_style)

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

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.reports) * ROW_LINES
