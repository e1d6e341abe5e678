"""The rendered report: one scrollable view that draws only the rows on screen.

Every source line is one row object (`rows.Row`: wrapped when long, a table row never, a paragraph's
lines sharing its rows). Opening a report lays out row numbers arithmetically — a line that certainly
fits takes one row, only the long ones are broken to count their rows — and a row is rendered only when
it is drawn. A source line maps to known rows, which is what scrolling to a search hit, highlighting it
and following sections in the tree rely on.

A long report shows its first screen at once and is rendered on part by part (`report_parts.LongReport`);
reports beyond `HUGE_REPORT_BYTES` stay plain lines (one row each, never wrapped). Links, images and
tables are opened by `report_links.ReportLinks`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from time import monotonic
from typing import Any, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...model.report import Report, Section, SectionLines
from ...model.text import LineIndex
from ..mdlines import CodeRow, Row, build_rows, raw_rows
from ..render import DEFAULT_PALETTE, Block, Palette, split_blocks
from ..compat import SizeKnown, set_virtual_size
from ..keys import bindings
from ..rows import Pending
from .report_links import ReportLinks
from .report_parts import LongReport

# Reports larger than this are shown as plain lines instead of rendered Markdown.
HUGE_REPORT_BYTES = 8_000_000
# Reports up to this size are rendered whole before they are shown (a few milliseconds); longer ones
# first around the line shown (this many lines before and after it), then whole in a thread.
AT_ONCE_BYTES = 48_000
PAD = 1  # blank cells left and right of the text
STRIP_CACHE = 512  # rendered source lines kept


@dataclass
class ReportBlock:
    """A run of source lines (a section, or part of a long one) and where it sits in the view."""

    block: Block
    virtual_region: Region


@dataclass
class KeptRows:
    """The open report's rows as rendered (or raw) and where they stood, kept while the view shows it the
    other way (`set_raw`): switching back shows them again, and a long report's rendering goes on from
    where it was."""

    report: Report
    text: str
    palette: Palette
    highlight: int | None
    hanging: list[Row]
    heights: list[int]
    starts: Sequence[int]
    rows: int
    width: int
    strips: dict[int, list[Strip]]
    known: dict
    todo: list[tuple[int, int]] | None
    cuts: set[int]
    pending: bool
    scroll_y: float
    away_y: float = -1.0  # the view's offset once switched away (the reader has not scrolled since: back here)


class ReportView(ReportLinks, LongReport, SizeKnown, ScrollView, can_focus=True):
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
        self._lines: Sequence[str] = []  # (a `LineIndex` for a huge report)
        self._huge = False
        self._blocks: list[Block] = []
        self._hanging: list[Row] | None = None  # per source line, built on first use
        self._hover: str | None = None  # the link target under the mouse
        self._subtitle: str | None = None  # what the subtitle shows (`set_subtitle`)
        self._told_none = 0.0  # when `n` last said there is nothing to go to
        self._gap_before: set[int] = set()  # source lines with a blank row above (section starts)
        self._starts: Sequence[int] = []  # first row of each source line (index: line - 1)
        self._rows = 0
        self._layout_width = 0
        self._strips: dict[int, list[Strip]] = {}
        self._top_section: Section | None = None
        self._section_lines: SectionLines | None = None  # the open report's section of each line (made on first use)
        self._drawing: tuple | None = None  # what every row of one drawing shares (`render_lines`)
        self._heights: list[int] = []  # screen rows of each source line at the layout width
        self._around = 1  # the source line a long report's first part is read around
        self._generation = 0  # bumped whenever the rows are built anew (a long report's later parts then stop)
        self._known: dict = {}  # a long report's definitions (`markdown.definitions`)
        self._todo: list[tuple[int, int]] | None = None  # a long report's parts still shown as written
        self._cuts: set[int] = set()  # where the first part was cut
        self._resized = 0.0  # when the view's size was last set
        self.pending = False  # whether a long report's parts are still being rendered
        self._kept: dict[bool, KeptRows] = {}  # the rows of the way (raw or not) the view does not show now

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
        self._section_lines = None
        text = report.text if report else ""
        self._huge = len(text) > HUGE_REPORT_BYTES
        self._around = highlight if highlight is not None else max(int(scroll_y or 0), 1)
        if self._huge:  # (cut from the text line by line as drawn: no string per line held)
            self._lines = LineIndex(text)
            self._lines.drop_final_empty()
        else:
            self._lines = text.split("\n") if report else []
            if self._lines and self._lines[-1] == "" and len(self._lines) > 1:
                self._lines.pop()
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
        self._kept = {}
        self._generation += 1
        self.pending = False
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
            elif sum(map(len, self._lines)) <= AT_ONCE_BYTES:
                self._hanging = build_rows(self._lines, self.palette, self.highlight)
            else:
                self._hanging = self._first_part()
        return self._hanging

    def _height(self, no: int, width: int) -> int:
        h = self._hanging[no - 1]  # type: ignore[index]
        if type(h) is Pending:
            return 1
        got = h.height(width)
        return got if got is not None else len(self._line_strips(no, width))

    def _layout(self) -> None:
        """Row of every source line at the current width."""
        width = self._text_width()
        self._layout_width = width
        if self._huge:  # (a row a line: nothing to hold)
            self._heights = []
            self._starts = range(len(self._lines))
            self._rows = len(self._lines)
            self._resized = monotonic()
            set_virtual_size(self, Size(width + 2 * PAD, self._rows))
            return
        hanging = self._ensure_hanging()
        self._heights = [1 if type(h) is Pending else self._height(no, width) for no, h in enumerate(hanging, 1)]
        self._place_rows(width)

    def _place_rows(self, width: int, resize: bool = True) -> None:
        """Where every source line starts, from the lines' heights and the blank row above each section
        (`resize`: and the view's size; its scrollbar follows, the screen is not laid out again: the
        view's own size is the stylesheet's)."""
        units = list(self._heights)
        for g in self._gap_before:
            if 2 <= g <= len(units):
                units[g - 2] += 1  # the blank row above a section: after the line before it
        starts = list(accumulate(units, initial=0))
        self._rows = starts.pop()
        self._starts = starts
        if resize:
            self._resized = monotonic()
            set_virtual_size(self, Size(width + 2 * PAD, self._rows))

    def _line_strips(self, no: int, width: int) -> list[Strip]:
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
        elif type(h := self._ensure_hanging()[no - 1]) is Pending:
            # A long report's line not rendered yet: as written, dimmed, on one row.
            text = Text(self._lines[no - 1], self.palette.muted, no_wrap=True, overflow="crop", end="")
            text.truncate(width)
            if h.style is not None:
                text.stylize(h.style)
                text.pad_right(width - text.cell_len)
            strips = [Strip(list(text.render(console)))]
        else:
            options = console.options.update(width=width, max_width=width, height=None, no_wrap=False,
                                             overflow=None)
            lines = console.render_lines(h, options, pad=False, new_lines=False)
            strips = [Strip(line) for line in lines]  # (none for a line that shows nothing)
        if len(self._strips) >= STRIP_CACHE:
            self._strips.clear()
        self._strips[no] = strips
        return strips

    def size_known(self) -> None:
        """A new width: the rows laid out for it before they are drawn (the report opened before the
        screen was first laid out is laid out at its width here, and drawn once)."""
        if self._text_width() != self._layout_width and self.report is not None:
            line = self.current_line()
            self._strips.clear()
            self._layout()
            if line is not None:
                self.scroll_to_line(line, center=False)

    def on_resize(self) -> None:
        self.size_known()  # (a size the screen set without telling `size_known`: nothing to do otherwise)

    def render_lines(self, crop: Region) -> list[Strip]:
        # (the view's style, width and offset found once a drawing rather than once a row: the style
        # alone walks the styles of every widget above the view)
        self._drawing = self._row_look()
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def _row_look(self) -> tuple[Style, Style, Segment, int, int, int]:
        """(style, blank, pad, width, x, y) of the rows drawn now: the view's style, its background alone
        (padding and empty cells), the padding, the width and the scroll offset."""
        style = self.rich_style
        blank = Style(bgcolor=style.bgcolor)
        x, y = self.scroll_offset
        return style, blank, Segment(" " * PAD, blank), self.scrollable_content_region.width, x, y

    def render_line(self, y: int) -> Strip:
        style, blank, pad, width, scroll_x, scroll_y = self._drawing or self._row_look()
        no, offset = self._line_at_row(scroll_y + y)
        if no is None or offset < 0:
            return Strip.blank(width, blank)
        strips = self._line_strips(no, self._layout_width)
        strip = strips[offset] if offset < len(strips) else Strip([])
        strip = Strip([pad, *strip.apply_style(style), pad])
        return strip.crop_extend(scroll_x, scroll_x + width, blank)

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
        self._around = self.current_line() or 1
        self._rebuild()
        self.scroll_to(y=y, animate=False, immediate=True)

    def set_palette(self, palette: Palette) -> None:
        """Use the colours of a new theme."""
        self.palette = palette
        self.rerender()

    def set_raw(self, raw: bool) -> None:
        """Switch between rendered and raw Markdown, keeping the section in view. The rows of the way
        switched from are kept, so switching back shows them at once (unless the report or the theme
        changed meanwhile: `show` and `set_palette` forget them)."""
        section = self.current_section()
        kept = self._kept
        if raw != self.raw and self.report is not None and not self._huge and self._hanging is not None:
            kept[self.raw] = self._keep_rows()
        left, self.raw = self.raw, raw
        back = kept.pop(raw, None)
        if back is None or not self._restore(back, section):
            self.rerender()  # (forgets what was kept: it is put back below)
            if section is not None and self.report is not None:
                self.scroll_to_line(section.line, False)
        self._kept = kept
        if left in kept:
            kept[left].away_y = self.scroll_y

    def _keep_rows(self) -> KeptRows:
        """The rows shown and their layout, taken out of the view (which shows them the other way next);
        a long report's rendering stops until they are back (`_restore`)."""
        assert self.report is not None and self._hanging is not None
        kept = KeptRows(self.report, self.report.text, self.palette, self.highlight, self._hanging,
                        self._heights, self._starts, self._rows, self._layout_width, self._strips, self._known,
                        self._todo, self._cuts, self.pending, self.scroll_y)
        self._strips = {}  # (the other way's own)
        self._generation += 1
        self.pending = False
        return kept

    def _restore(self, kept: KeptRows, section: Section | None) -> bool:
        """Show kept rows again: laid out again only at another width, the highlight moved if it
        moved meanwhile, a long report's rendering going on with the parts still to do. False when they
        are not this report's (then it is rendered afresh)."""
        report = self.report
        if report is None or kept.report is not report or kept.text is not report.text or kept.palette is not self.palette:
            return False
        moved = self.scroll_y != kept.away_y
        self._generation += 1
        self._hanging, self._heights, self._starts, self._rows = kept.hanging, kept.heights, kept.starts, kept.rows
        self._layout_width, self._strips = kept.width, kept.strips
        self._known, self._todo, self._cuts, self.pending = kept.known, kept.todo, kept.cuts, kept.pending
        if self._text_width() != kept.width:
            self._strips.clear()
            self._layout()  # (the same rows, at the new width)
        else:
            self._resized = monotonic()
            set_virtual_size(self, Size(kept.width + 2 * PAD, self._rows))
        if self.highlight != kept.highlight:
            self._restyle(kept.highlight, self.highlight)
        if self.pending:
            self.call_after_refresh(self._render_more, self._generation)
        if not moved and self._text_width() == kept.width:
            self.scroll_to(y=kept.scroll_y, animate=False, immediate=True)
        elif section is not None:
            self.scroll_to_line(section.line, False)
        self._show_target()
        self.refresh()
        return True

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
        self._restyle(old, line)
        self._show_target()
        self.refresh()

    def _restyle(self, old: int | None, line: int | None) -> None:
        """The highlight moved from `old` to `line`: the highlight pads and styles whole rows, so those
        two lines are built again only (and the lines drawn from the same paragraph)."""
        hanging = self._ensure_hanging()
        for no in (old, line):
            if no is not None and 1 <= no <= len(hanging):
                row = hanging[no - 1] = hanging[no - 1].with_style(self.palette.highlight if no == line else None)
                for other in row.shared or (no,):
                    self._strips.pop(other, None)

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
        self._render_now(line)
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
        if line is None:
            return None
        if self._section_lines is None:
            root = self.report.root
            if root is None:
                return None
            self._section_lines = SectionLines(root)
        return self._section_lines.at(line)

    def section_text(self, section: Section | None) -> str:
        """The source text of a section (with its subsections), as written."""
        if self.report is None:
            return ""
        if section is None or section is self.report.root:
            return self.report.text
        text = self.report.text
        lines = LineIndex(text)
        first, end = section.line - 1, min(section.end_line or len(lines), len(lines))
        return text[lines.offset(first) : lines.offset(end) - 1].rstrip("\n") + "\n" if first < end else "\n"

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
