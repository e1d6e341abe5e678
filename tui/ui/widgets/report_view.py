"""The rendered report: one scrollable view that draws only the rows on screen.

Every source line is one row object (`mdlines.Row`: wrapped when long, a table row never). Opening a report lays out row
numbers arithmetically — a line that certainly fits takes one row, only the few long ones are
rendered to count their rows — and a row is rendered only when it is drawn, so switching weeks costs
about one screenful whatever the report's size. A source line maps to a row, which is what scrolling
to a search hit, highlighting it and following sections in the tree rely on. Very large reports are
shown as plain lines (one row each, never wrapped).

Links, images and tables can be opened: a click on one, or `enter` on the highlighted line (`n`/`N`
move the highlight to the next/previous line that has one). The highlighted line's link target (or the
one under the mouse) shows in the view's subtitle.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...model.report import Report, Section
from ..mdlines import Action, CodeRow, Row, TableRow, build_rows, raw_rows
from ..render import DEFAULT_PALETTE, Block, Palette, split_blocks
from ..keys import bindings

# Reports larger than this are shown as plain lines instead of rendered Markdown.
HUGE_REPORT_BYTES = 400_000
PAD = 1  # blank cells left and right of the text
STRIP_CACHE = 512  # rendered source lines kept


@dataclass
class ReportBlock:
    """A run of source lines (a section, or part of a long one) and where it sits in the view."""

    block: Block
    virtual_region: Region


class ReportView(ScrollView, can_focus=True):
    """The open report, rendered (or raw Markdown); follows and reports the section in view."""

    DEFAULT_CSS = """
    ReportView { overflow-y: scroll; overflow-x: hidden; }
    """

    BINDINGS = bindings("report-view")

    @dataclass
    class SectionScrolled(Message):
        """The section at the top of the view changed (the user scrolled)."""

        view: "ReportView"
        section: Section | None

    @dataclass
    class TableOpened(Message):
        """A table was asked to be shown whole (`enter` or a second click on one of its rows)."""

        view: "ReportView"
        table: Any  # the table rendered whole
        title: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.report: Report | None = None
        self.raw = False
        self.highlight: int | None = None
        self.palette = DEFAULT_PALETTE
        self._lines: list[str] = []
        self._huge = False
        self._blocks: list[Block] = []
        self._hanging: list[Row] | None = None  # per source line, built on first use
        self._hover: str | None = None  # the link target under the mouse
        self._told_none = 0.0  # when `n` last said there is nothing to go to
        self._gap_before: set[int] = set()  # source lines with a blank row above (section starts)
        self._starts: list[int] = []  # first row of each source line (index: line - 1)
        self._rows = 0
        self._layout_width = 0
        self._strips: dict[int, list[Strip]] = {}
        self._top_section: Section | None = None

    # ── showing a report ─────────────────────────────────────────────────────────────────────────

    @property
    def huge(self) -> bool:
        """Whether the open report is shown as plain lines (too large to render)."""
        return self._huge

    def show(self, report: Report | None, raw: bool | None = None, highlight: int | None = None,
             scroll_y: float | None = None) -> None:
        """Show a report (None: nothing), optionally highlighting a line or restoring a scroll offset."""
        if raw is not None:
            self.raw = raw
        self.report = report
        self.highlight = highlight
        self._top_section = None
        text = report.text if report else ""
        self._lines = text.split("\n") if report else []
        if self._lines and self._lines[-1] == "" and len(self._lines) > 1:
            self._lines.pop()
        self._huge = len(text) > HUGE_REPORT_BYTES
        self._blocks = split_blocks(report) if report is not None else []
        self._gap_before = {b.first for i, b in enumerate(self._blocks)
                            if i and b.section is not None and b.first == b.section.line}
        self._rebuild()
        self._hover = None
        self.call_after_refresh(self._show_target)
        self.call_after_refresh(self._warm_highlighter)
        if highlight is not None:
            self.scroll_to_line(highlight)
            self.call_after_refresh(self.scroll_to_line, highlight)
        elif scroll_y is not None:
            self.call_after_refresh(self.scroll_to, None, scroll_y, animate=False, immediate=True)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
        else:
            self.scroll_home(animate=False, immediate=True)

    def _rebuild(self) -> None:
        """Forget rendered lines and lay the rows out again (report, palette, raw or highlight changed)."""
        self._hanging = None
        self._strips.clear()
        self._layout_width = 0
        self._layout()
        self.refresh()

    def _text_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(width - 2 * PAD, 10)

    def _ensure_hanging(self) -> list[Row]:
        if self._hanging is None:
            if self._huge:
                self._hanging = []
            elif self.raw:
                self._hanging = raw_rows(self._lines, self.palette, self.highlight, len(str(len(self._lines))))
            else:
                self._hanging = build_rows(self._lines, self.palette, self.highlight)
        return self._hanging

    def _layout(self) -> None:
        """Row of every source line at the current width."""
        width = self._text_width()
        self._layout_width = width
        starts: list[int] = []
        row = 0
        if self._huge:
            starts = list(range(len(self._lines)))
            row = len(self._lines)
        else:
            hanging = self._ensure_hanging()
            gaps = self._gap_before
            for no, h in enumerate(hanging, 1):
                if no in gaps:
                    row += 1
                starts.append(row)
                row += 1 if h.fits(width) else len(self._render(no, width))
        self._starts = starts
        self._rows = row
        self.virtual_size = Size(width + 2 * PAD, row)

    def _render(self, no: int, width: int) -> list[Strip]:
        """The rows of source line `no` (1-based) at a text width."""
        strips = self._strips.get(no)
        if strips is not None:
            return strips
        console = self.app.console
        if self._huge:
            text = Text(self._lines[no - 1], no_wrap=True, overflow="crop", end="")
            if no == self.highlight:
                text.stylize(self.palette.highlight)
            text.truncate(width, pad=no == self.highlight)
            strips = [Strip(list(text.render(console)))]
        else:
            h = self._ensure_hanging()[no - 1]
            options = console.options.update(width=width, max_width=width, height=None, no_wrap=False,
                                             overflow=None)
            lines = console.render_lines(h, options, pad=False, new_lines=False)
            strips = [Strip(line) for line in lines] or [Strip([])]
        if len(self._strips) >= STRIP_CACHE:
            self._strips.clear()
        self._strips[no] = strips
        return strips

    def on_resize(self) -> None:
        if self._text_width() != self._layout_width and self.report is not None:
            line = self.current_line()
            self._strips.clear()
            self._layout()
            if line is not None:
                self.scroll_to_line(line, center=False)

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        blank = Style(bgcolor=style.bgcolor)  # padding and empty cells: the background only
        no, offset = self._line_at_row(row)
        if no is None or offset < 0:
            return Strip.blank(width, blank)
        strips = self._render(no, self._layout_width)
        strip = strips[offset] if offset < len(strips) else Strip([])
        pad = Segment(" " * PAD, blank)
        strip = Strip([pad, *strip.apply_style(style), pad])
        return strip.crop_extend(self.scroll_offset.x, self.scroll_offset.x + width, blank)

    def _line_at_row(self, row: int) -> tuple[int | None, int]:
        """(source line, row within it) at a view row; offset -1 is the blank row above a section."""
        starts = self._starts
        if not starts or row < 0 or row >= self._rows:
            return None, 0
        no = max(bisect_right(starts, row), 1)  # the last line starting at or above `row`
        if no < len(starts) and row == starts[no] - 1 and (no + 1) in self._gap_before:
            return no + 1, -1
        return no, row - starts[no - 1]

    def rerender(self) -> None:
        """Render again (after a theme, raw or highlight change), keeping the scroll offset."""
        y = self.scroll_y
        self._rebuild()
        self.scroll_to(y=y, animate=False, immediate=True)

    def set_palette(self, palette: Palette) -> None:
        """Use the colours of a new theme."""
        self.palette = palette
        self.rerender()

    def set_raw(self, raw: bool) -> None:
        """Switch between rendered and raw Markdown, keeping the section in view."""
        section = self.current_section()
        self.raw = raw
        self.rerender()
        if section is not None and self.report is not None:
            self.scroll_to_line(section.line, False)

    def set_highlight(self, line: int | None) -> None:
        """Mark one source line (None: no mark)."""
        old, self.highlight = self.highlight, line
        if old == line:
            return
        if self._huge:
            for no in (old, line):
                if no is not None:
                    self._strips.pop(no, None)
            self.refresh()
            return
        # The highlight pads and styles whole rows: rebuild those two lines only.
        hanging = self._ensure_hanging()
        for no in (old, line):
            if no is not None and 1 <= no <= len(hanging):
                hanging[no - 1] = hanging[no - 1].with_style(self.palette.highlight if no == line else None)
                self._strips.pop(no, None)
        self._show_target()
        self.refresh()

    # ── positions ────────────────────────────────────────────────────────────────────────────────

    def line_row(self, line: int) -> int:
        """The view row where a source line starts."""
        if not self._starts:
            return 0
        line = min(max(line, 1), len(self._starts))
        return self._starts[line - 1]

    def block_for_line(self, line: int) -> ReportBlock | None:
        """The block (section or part of one) showing a source line, with its place in the view."""
        if not self._blocks:
            return None
        for b in self._blocks:
            if b.first <= line <= b.last:
                break
        else:
            if line <= self._blocks[-1].last:
                return None
            b = self._blocks[-1]
        top = self.line_row(b.first)
        bottom = self.line_row(b.last + 1) if b.last < len(self._starts) else self._rows
        return ReportBlock(b, Region(0, top, self.virtual_size.width, max(bottom - top, 1)))

    def go_to(self, kind: str, line: int) -> None:
        """Where a section-tree node leads: a section's heading to the top, unmarked; anything else
        (a project, a KPI, an item) marked and centred."""
        if kind == "section":
            self.set_highlight(None)
            self.scroll_to_line(line, center=False)
        else:
            self.set_highlight(line)
            self.scroll_to_line(line)

    def scroll_to_line(self, line: int, center: bool = True) -> None:
        """Scroll so that a source line is in view (near the top third when `center`)."""
        if not self._starts:
            return
        y = self.line_row(line)
        if center:
            y -= self.size.height // 3
        self.scroll_to(y=max(y, 0), animate=False, immediate=True)

    def current_line(self) -> int | None:
        """The source line at the top of the view."""
        if not self._starts:
            return None
        no, offset = self._line_at_row(int(self.scroll_y))
        return no

    def current_section(self) -> Section | None:
        """The innermost section at the top of the view."""
        if self.report is None:
            return None
        line = self.current_line()
        return None if line is None else self.report.section_at(line)

    def section_text(self, section: Section | None) -> str:
        """The source text of a section (with its subsections), as written."""
        if self.report is None:
            return ""
        if section is None or section is self.report.root:
            return self.report.text
        lines = self.report.text.split("\n")
        end = section.end_line or len(lines)
        return "\n".join(lines[section.line - 1 : end]).rstrip("\n") + "\n"

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Tell the screen which section is at the top, so the tree can follow."""
        super().watch_scroll_y(old, new)
        if self.report is None or self._huge:
            return
        section = self.current_section()
        if section is not self._top_section:
            self._top_section = section
            self.post_message(self.SectionScrolled(self, section))

    def _warm_highlighter(self) -> None:
        """Load Pygments and the report's code languages in the background (after the report is
        drawn), so the first code block scrolled into view does not pause the view."""
        if self.report is None or self._huge or self.raw or self._hanging is None:
            return
        langs = sorted({r.block.lang for r in self._hanging if isinstance(r, CodeRow) and r.block.lang})
        if langs:
            import threading

            from ..rows import warm_up

            threading.Thread(target=warm_up, args=(langs,), name="reports-tui-highlight", daemon=True).start()

    # ── links, images and tables ─────────────────────────────────────────────────────────────────

    def actions_on(self, line: int | None) -> tuple[Action, ...]:
        """What can be opened on a source line (links, images, its table)."""
        if line is None or self._huge or self.raw or self.report is None:
            return ()
        rows = self._ensure_hanging()
        return tuple(rows[line - 1].actions) if 1 <= line <= len(rows) else ()

    def _show_target(self) -> None:
        """The subtitle: the link under the mouse or on the highlighted line, else the file name."""
        if self.report is None:
            return
        target = self._hover
        if target is None:
            for a in self.actions_on(self.highlight):
                if a.kind in ("link", "image"):
                    target = a.target
                    break
        self.border_subtitle = Text("→ " + target) if target else Text(self.report.source.name)

    def _action_lines(self) -> list[int]:
        rows = self._ensure_hanging() if not (self._huge or self.raw) else []
        return [no for no, r in enumerate(rows, 1) if r.actions]

    def _move_action(self, step: int) -> None:
        lines = self._action_lines()
        if not lines:
            import time

            if time.monotonic() - self._told_none > 2:  # once, not a toast per key press
                self._told_none = time.monotonic()
                self.notify("No links, images or tables in this report.", timeout=2, markup=False)
            return
        here = self.highlight if self.highlight is not None else (self.current_line() or 1) - (1 if step > 0 else 0)
        if step > 0:
            nxt = next((no for no in lines if no > here), lines[0])
        else:
            nxt = next((no for no in reversed(lines) if no < here), lines[-1])
        self.set_highlight(nxt)
        self.scroll_to_line(nxt)

    def action_next_action(self) -> None:
        """Highlight the next line with a link, an image or a table."""
        self._move_action(1)

    def action_prev_action(self) -> None:
        """Highlight the previous line with a link, an image or a table."""
        self._move_action(-1)

    def action_open(self) -> None:
        """Open what the highlighted line holds (its first link or image, or its table); with no
        highlight, the first such line in view is highlighted."""
        line = self.highlight
        if not self.actions_on(line):
            top = self.current_line() or 1
            bottom = self._line_at_row(int(self.scroll_y) + self.size.height - 1)[0] or len(self._starts)
            line = next((no for no in self._action_lines() if top <= no <= bottom), None)
            if line is None:
                return
            self.set_highlight(line)
            return
        self.open_action(self.actions_on(line)[0], line)

    def open_action(self, action: Action, line: int) -> None:
        """Open a link in the browser, an image with the system viewer, or a table on its own screen."""
        if self.report is None:
            return
        if action.kind == "table":
            self.open_table(line)
        elif action.kind == "link":
            from ..mdlines import safe_url

            url = safe_url(action.target)
            if url:
                self.app.open_url(url)
                self.notify(f"Opening {url}", timeout=2, markup=False)
            else:
                self.notify(f"Not a web link: {action.target}", timeout=3, markup=False)
        elif action.kind == "image":
            from .. import opener

            path, what = opener.image_file(self.report, action.target)
            if path is None and what.startswith(("http://", "https://")):
                self.app.open_url(what)
                self.notify(f"Opening {what}", timeout=2, markup=False)
            elif path is None:
                self.notify(what or f"Cannot open {action.target}", severity="warning", timeout=4, markup=False)
            elif opener.launch(path):
                self.notify(f"Opening {what}", timeout=2, markup=False)
            else:
                self.notify(f"No image viewer (xdg-open) to open {what}", severity="warning", timeout=4,
                            markup=False)

    def open_table(self, line: int) -> None:
        """The table holding a source line, whole, on a screen that scrolls both ways."""
        rows = self._ensure_hanging()
        row = rows[line - 1] if 1 <= line <= len(rows) else None
        if not isinstance(row, TableRow):
            return
        pal = self.palette
        self.post_message(self.TableOpened(self, row.table.render_whole(pal.table, pal.table_header),
                                           f"Table at line {row.table.first_line}"))

    def _line_at_event(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        no, row_offset = self._line_at_row(int(self.scroll_y) + offset.y)
        return no if row_offset >= 0 else None

    def on_click(self, event: events.Click) -> None:
        """A click on a link or an image opens it; on a line, highlights it (again, on a table: opens it)."""
        if self.report is None or self._huge or self.raw:
            return
        line = self._line_at_event(event)
        if line is None:
            return
        actions = self.actions_on(line)
        n = event.style.meta.get("action") if event.style else None
        if isinstance(n, int) and 0 <= n < len(actions):
            self.set_highlight(line)
            self.open_action(actions[n], line)
            return
        if line == self.highlight and actions and actions[0].kind == "table":
            self.open_table(line)
            return
        self.set_highlight(line)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Show the target of the link under the mouse."""
        link = event.style.link if event.style else None
        if link != self._hover:
            self._hover = link
            self._show_target()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self._show_target()
