"""The search screen's preview: the highlighted hit's report around its line, the hit's line marked.

The preview is a scrolling view of rows (`HitPreview`) that draws only the rows on screen and takes a new
text without laying the screen out: typing changes the preview on most keys, and a layout of the whole
screen for each (a text widget's height follows its text) cost more than drawing it. Report text only
ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...index.search.engine import Hit
from ...model.report import Report
from ..compat import set_virtual_size
from ..render import fold

CONTEXT = 6  # preview lines above and below the hit
ROOM = 3  # cells a preview's numbered lines leave free at their right (the scrollbar's, and one)


def report_lines(report: object) -> list[str] | None:
    """A hit's report's lines (None: a hit without its report)."""
    text = report.text if isinstance(report, Report) else None
    return text.splitlines() if text is not None else None


def preview_lines(hit: Hit, width: int, mark: Style, muted: Style, line_bg: Style,
                  lines: list[str] | None = None) -> list[Text]:
    """Where the hit is (label, week, author, file; section and project), then its report's lines around
    it numbered, each cut into rows of `width` cells, the hit's line on `line_bg` with its matches marked:
    the preview's lines (a blank one between the two parts, and one closing it). `lines`: the report's
    (`report_lines`), when the caller has them already (a stored report's text is read or parsed again
    when it has left the store's cache)."""
    r = hit.report
    by = f"  {hit.author}" if hit.author else ""
    week = "" if r.label == r.week else f"  {r.week or 'undated'}"  # (the week once)
    out = [Text.assemble((r.label, "bold"), (f"{week}{by}  {r.source.name}", muted)),
           Text.assemble((" · ".join(x for x in (hit.section, hit.project_name or "") if x), muted)), Text()]
    if lines is None:
        lines = report_lines(r)
    alone = lines is None  # (a hit without its report: its line alone)
    if alone:
        lines = [""] * (hit.line - 1) + [hit.text]
    lo, hi = max(1, hit.line - CONTEXT), min(len(lines), hit.line + CONTEXT)
    if alone:
        lo = hit.line
    for n in range(lo, hi + 1):
        src = lines[n - 1]
        t = Text.assemble((f"{n:>4} ", muted))
        body = Text(src)
        if n == hit.line:
            offset = src.find(hit.text)
            if offset >= 0:
                for a, b in hit.spans:
                    body.stylize(mark, offset + a, offset + b)
            body.stylize(line_bg)
        t.append_text(body)
        out.extend(fold(t, width, indent=5))
    out.append(Text())
    return out


class HitPreview(ScrollView, can_focus=True):
    """The preview: a text shown as rows (long lines wrapped at words), scrolled when taller than the
    view; only the rows on screen are drawn."""

    DEFAULT_CSS = """
    HitPreview { overflow-x: hidden; overflow-y: auto; height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[Text] = [Text()]
        self._text: Text | None = None  # (the lines joined, made when asked for)
        self._rows: list[Text] = []
        self._strips: dict[int, Strip] = {}  # drawn rows (index: row)
        self._wrapped = -1  # the width the rows were wrapped at

    @property
    def text_width(self) -> int:
        """Cells a preview's rows can take (the scrollbar's room left free)."""
        return max(20, self.size.width - ROOM)

    def render(self) -> Text:
        """The preview as one text (what its rows show)."""
        if self._text is None:
            self._text = Text("\n").join(self._lines)
        return self._text

    def show(self, lines: list[Text]) -> None:
        """Show new preview lines (the screen is not laid out again for them)."""
        self._lines, self._text = lines or [Text()], None
        self._wrap()

    def _rows_at(self, width: int) -> list[Text]:
        """The lines as rows of `width` cells: a line that fits is its row as it is (the preview's lines
        are mostly cut to fit already); a longer one wrapped at words."""
        rows: list[Text] = []
        console = self.app.console
        for line in self._lines:
            plain = line.plain
            if "\t" in plain or "\n" in plain or line.cell_len > width:
                rows.extend(line.wrap(console, width))
            else:
                rows.append(line)
        return rows

    def _wrap(self) -> None:
        """The text's rows at the view's width (less the scrollbar's when they overflow it)."""
        width = self.size.width
        if width <= 0:  # (not laid out yet: on its first resize)
            self._rows, self._wrapped = [], -1
            return
        bar = self.styles.scrollbar_size_vertical
        breaks = len(self._lines) - 1 + sum(line.plain.count("\n") for line in self._lines)
        barred = bool(bar) and width - bar > 0 and breaks >= self.size.height
        if barred:
            width -= bar  # (more lines than the view: the scrollbar shows, whatever wraps)
        rows = self._rows_at(width)
        if not barred and len(rows) > self.size.height and bar and width - bar > 0:  # (wrapped lines overflow it)
            width -= bar
            rows = self._rows_at(width)
        for row in rows:
            row.end = ""
        self._rows, self._wrapped = list(rows), width
        self._strips.clear()
        set_virtual_size(self, Size(width, len(self._rows)))

    def on_resize(self) -> None:
        self._wrap()

    _look: tuple[Style, int] | None = None  # (the style and width of the drawing under way)

    def render_lines(self, crop: Region) -> list[Strip]:
        # (the style and width found once a drawing: each costs ~0.1 ms, found for every row before)
        self._look = (self.rich_style, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._look = None

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        style, width = self._look or (self.rich_style, self.scrollable_content_region.width)
        blank = Style(bgcolor=style.bgcolor)
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, blank)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._strips[row] = Strip(list(self._rows[row].render(self.app.console)))
        return strip.apply_style(style).crop_extend(0, width, blank)
