"""The rendered report: one Static per section (long sections in blocks), so that switching weeks is
fast, headings in Chinese can be scrolled to, and one source line can be highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Log, Static

from ...model.report import Report, Section
from ..render import DEFAULT_PALETTE, Block, Palette, line_offset, render_block, split_blocks

# Reports larger than this are shown in a plain, lazily drawn text view instead of rendered blocks.
HUGE_REPORT_BYTES = 400_000


class ReportBlock(Static):
    """One block of source lines of the open report."""

    DEFAULT_CSS = """
    ReportBlock { height: auto; padding: 0 1; }
    ReportBlock.-section-start { margin-top: 1; }
    ReportBlock.-first { margin-top: 0; }
    """

    def __init__(self, block: Block, content, **kwargs) -> None:
        super().__init__(content, **kwargs)
        self.block = block


class ReportView(VerticalScroll, can_focus=True):
    """The open report, rendered (or raw Markdown); follows and reports the section in view."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page down", show=False),
    ]

    @dataclass
    class SectionScrolled(Message):
        """The section at the top of the view changed (the user scrolled)."""

        view: "ReportView"
        section: Section | None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.report: Report | None = None
        self.raw = False
        self.highlight: int | None = None
        self.palette = DEFAULT_PALETTE
        self._lines: list[str] = []
        self._blocks: list[ReportBlock] = []
        self._plain: TextArea | None = None
        self._top_section: Section | None = None
        self._following = True

    # ── showing a report ─────────────────────────────────────────────────────────────────────────

    @property
    def huge(self) -> bool:
        """Whether the open report is shown in the plain view (too large to render)."""
        return self._plain is not None

    def show(self, report: Report | None, raw: bool | None = None, highlight: int | None = None,
             scroll_y: float | None = None) -> None:
        """Show a report (None: nothing), optionally highlighting a line or restoring a scroll offset."""
        if raw is not None:
            self.raw = raw
        self.report = report
        self.highlight = highlight
        self._lines = report.text.split("\n") if report else []
        self._top_section = None
        with self.app.batch_update():
            self.remove_children()
            self._blocks = []
            self._plain = None
            if report is None:
                return
            if len(report.text) > HUGE_REPORT_BYTES:
                # A virtual list of lines: only the visible ones are ever drawn.
                self._plain = Log(highlight=False, auto_scroll=False, classes="plain-report")
                self.mount(self._plain)
                self._plain.write_lines(self._lines)
            else:
                blocks = split_blocks(report)
                widgets = []
                for i, b in enumerate(blocks):
                    w = ReportBlock(b, self._render_block(b))
                    if i == 0:
                        w.add_class("-first")
                    elif b.section is not None and b.first == b.section.line:
                        w.add_class("-section-start")
                    widgets.append(w)
                self._blocks = widgets
                self.mount_all(widgets)
        if highlight is not None:
            self.call_after_refresh(self.scroll_to_line, highlight)
        elif scroll_y is not None:
            self.call_after_refresh(self.scroll_to, None, scroll_y, animate=False, immediate=True)
        else:
            self.scroll_home(animate=False, immediate=True)

    def _render_block(self, block: Block):
        return render_block(self._lines, block, self.palette, self.highlight, self.raw)

    def rerender(self) -> None:
        """Render every block again (after a theme, raw or highlight change), keeping the scroll offset."""
        for w in self._blocks:
            w.update(self._render_block(w.block))

    def set_palette(self, palette: Palette) -> None:
        """Use the colours of a new theme."""
        self.palette = palette
        self.rerender()

    def set_raw(self, raw: bool) -> None:
        """Switch between rendered and raw Markdown, keeping the section in view."""
        section = self.current_section()
        self.raw = raw
        self.rerender()
        if section is not None and self._blocks:
            self.call_after_refresh(self.scroll_to_line, section.line, False)

    def set_highlight(self, line: int | None) -> None:
        """Mark one source line (None: no mark)."""
        old, self.highlight = self.highlight, line
        for w in self._blocks:
            if any(x is not None and w.block.first <= x <= w.block.last for x in (old, line)):
                w.update(self._render_block(w.block))

    # ── positions ────────────────────────────────────────────────────────────────────────────────

    def block_for_line(self, line: int) -> ReportBlock | None:
        """The widget showing a source line."""
        for w in self._blocks:
            if w.block.first <= line <= w.block.last:
                return w
        return self._blocks[-1] if self._blocks and line > self._blocks[-1].block.last else None

    def scroll_to_line(self, line: int, center: bool = True) -> None:
        """Scroll so that a source line is in view (near the top third when `center`)."""
        if self._plain is not None:
            y = max(line - 1 - (self.size.height // 3 if center else 0), 0)
            self._plain.scroll_to(y=y, animate=False, immediate=True)
            return
        w = self.block_for_line(line)
        if w is None:
            return
        inner = max(w.content_region.width or self.size.width - 2, 10)
        y = w.virtual_region.y + line_offset(self._lines, w.block, line, inner, self.raw)
        if center:
            y -= self.size.height // 3
        self.scroll_to(y=max(y, 0), animate=False, immediate=True)

    def current_line(self) -> int | None:
        """The source line at the top of the view."""
        if self._plain is not None:
            return int(self._plain.scroll_y) + 1
        top = self.scroll_y
        for w in self._blocks:
            r = w.virtual_region
            if r.y + r.height > top:
                return w.block.first if top <= r.y else min(w.block.last, w.block.first + int(top - r.y))
        return None

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
        end = section.end_line or len(self._lines)
        return "\n".join(self._lines[section.line - 1 : end]).rstrip("\n") + "\n"

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Tell the screen which section is at the top, so the tree can follow."""
        super().watch_scroll_y(old, new)
        if not self._blocks:
            return
        section = self.current_section()
        if section is not self._top_section:
            self._top_section = section
            self.post_message(self.SectionScrolled(self, section))
