"""Rows of the report view: each source line of a report is one `Row` that draws as one or more
screen rows (a paragraph or item wrapped with a hanging indent, a code line on the code background, a
table row cut to fit, a rule). `mdlines` decides which row a line becomes.

Report text only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from .linebreak import break_lines


@dataclass(frozen=True)
class Action:
    """Something on a line that `enter` or a click opens: a link, an image or a whole table."""

    kind: str  # "link" | "image" | "table"
    target: str  # URL, image path as written, or the table's first line
    label: str = ""


# ── rows ─────────────────────────────────────────────────────────────────────────────────────────


class Row:
    """One source line as screen rows; `style` (the highlight) fills its rows."""

    style: Style | None = None
    actions: Sequence[Action] = ()

    def fits(self, width: int) -> bool:
        """Whether this line certainly takes one row at `width`."""
        return True

    def with_style(self, style: Style | None) -> "Row":
        """A copy with another whole-row style (the highlight)."""
        import copy

        row = copy.copy(self)
        row.style = style
        return row

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(1, options.max_width)


class Hanging(Row):
    """One source line: an optional marker (`•`, `1.`) with the text wrapped under its start, indented,
    after an optional prefix repeated on every row (quote bars); `fill` paints the rest of each row."""

    def __init__(self, body: Text, indent: int = 0, marker: Text | None = None, style: Style | None = None,
                 prefix: Text | None = None, fill: Style | None = None, actions: Sequence[Action] = ()):
        self.body = body
        self.indent = indent
        self.marker = marker
        self.style = style
        self.prefix = prefix
        self.fill = fill
        self.actions = actions

    def _lead(self, width: int) -> int:
        lead = self.indent + (self.marker.cell_len if self.marker is not None else 0)
        return min(lead, width // 2)

    def _body(self) -> Text:
        return self.body

    def __rich_console__(self, console, options):
        width = options.max_width
        pre = self.prefix.cell_len if self.prefix is not None else 0
        avail = max(width - pre, 4)
        lead = self._lead(avail)
        body_width = max(avail - lead, 4)
        body = self._body()
        if "\t" in body.plain:
            body = body.copy()
            body.expand_tabs(4)
        if self.style is None and self.fill is None and body.cell_len <= body_width and "\n" not in body.plain:
            # Fast path: most report lines fit and need no wrapping.
            row = self._start(lead) + body
            if self.prefix is not None:
                row = self.prefix + row
            yield from row.render(console)
            yield Segment.line()
            return
        pieces = break_lines(body, body_width) if body.plain else [Text()]
        for n, piece in enumerate(pieces):
            row = (self._start(lead) if n == 0 else Text(" " * lead)) + piece
            if self.prefix is not None:
                row = self.prefix + row
            row.truncate(width)
            if self.fill is not None:
                # The code background under the text and to the edge (not under quote bars or indent).
                start = len(row.plain) - len(piece.plain)
                if row.cell_len < width:
                    row.append(" " * (width - row.cell_len))
                row.stylize_before(self.fill, start)
            if self.style is not None:
                row.stylize(self.style)
                row.pad_right(width - row.cell_len)
            yield from row.render(console)
            yield Segment.line()

    def _start(self, lead: int) -> Text:
        if self.marker is None:
            return Text(" " * lead)
        return Text(" " * max(lead - self.marker.cell_len, 0)) + self.marker

    def fits(self, width: int) -> bool:
        """Whether this line certainly takes one row at `width` (no wrapping needed)."""
        body = self.body
        if "\n" in body.plain or "\t" in body.plain:
            return False
        pre = self.prefix.cell_len if self.prefix is not None else 0
        avail = max(width - pre, 4)
        lead = self.indent + (self.marker.cell_len if self.marker is not None else 0)
        if lead > avail // 2:
            return False
        return body.cell_len <= max(avail - lead, 4)


class CodeRow(Hanging):
    """A line of a fenced code block: highlighted (when drawn) by the block's language, on the code
    background; long lines wrap."""

    def __init__(self, block: "CodeBlock", index: int, indent: int, prefix: Text | None, fill: Style):
        super().__init__(Text(block.lines[index]), indent, None, None, prefix, fill)
        self.block = block
        self.index = index

    def _body(self) -> Text:
        return self.block.styled(self.index)


@dataclass
class CodeBlock:
    """The lines of one fenced code block and their highlighting (computed once, when first drawn)."""

    lang: str
    lines: list[str] = field(default_factory=list)
    bg: str | None = None
    dark: bool = True
    _styled: list[Text] | None = None

    def styled(self, index: int) -> Text:
        """Line `index` of the block, highlighted when its language is known."""
        if self._styled is None:
            self._styled = _highlight(self.lang, self.lines, self.bg, self.dark)
        return self._styled[index] if index < len(self._styled) else Text(self.lines[index])


_LEXERS: dict[str, object] = {}  # language name → Pygments lexer (None: no such language)


def lexer_for(lang: str):
    """The Pygments lexer for a fenced block's info string (None when unknown); imports Pygments on
    first use, which takes a few hundred milliseconds: `warm_up` does it off the UI thread."""
    name = lang.split()[0].split(",")[0].strip("{}.").lower() if lang.strip() else ""
    if not name:
        return None
    if name in _LEXERS:
        return _LEXERS[name]
    from pygments.lexers import get_lexer_by_name  # (pygments comes with rich)
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(name, stripnl=False)  # (a block starting with a blank line keeps its lines in place)
    except (ClassNotFound, ValueError, IndexError):
        lexer = None
    _LEXERS[name] = lexer
    return lexer


def warm_up(langs: Sequence[str]) -> None:
    """Import the highlighter and the lexers of these languages (run in a background thread)."""
    import rich.syntax  # noqa: F401

    for lang in langs:
        lexer_for(lang)


def _highlight(lang: str, lines: list[str], bg: str | None, dark: bool) -> list[Text]:
    plain = [Text(ln) for ln in lines]
    if not lang or not lines:
        return plain
    lexer = lexer_for(lang)
    if lexer is None:
        return plain
    from rich.syntax import Syntax

    try:
        syntax = Syntax("", lexer, theme="monokai" if dark else "friendly", background_color=bg)
        text = syntax.highlight("\n".join(lines))
    except Exception:  # a lexer failing on odd input must not break the view
        return plain
    text.rstrip()
    out = []
    for piece in text.split("\n", allow_blank=True):
        # Token colours only: the background is the view's own code background.
        piece.spans = [type(s)(s.start, s.end, _fg(s.style)) for s in piece.spans if s.style]
        piece.style = ""
        out.append(piece)
    while len(out) < len(lines):
        out.append(Text())
    return out[: len(lines)]


@lru_cache(maxsize=512)
def _fg(style) -> Style:
    if isinstance(style, str):
        style = Style.parse(style)
    return Style(color=style.color, bold=style.bold, italic=style.italic, underline=style.underline)


class RuleRow(Row):
    """A horizontal rule (a thematic break, or the line under a setext heading) of `length` cells
    (None: the whole width)."""

    def __init__(self, style: Style, length: int | None = None, prefix: Text | None = None, indent: int = 0):
        self.rule_style = style
        self.length = length
        self.prefix = prefix
        self.indent = indent
        self.style = None

    def __rich_console__(self, console, options):
        width = options.max_width
        row = Text(" " * self.indent)
        if self.prefix is not None:
            row = self.prefix + row
        n = width - row.cell_len if self.length is None else min(self.length, width - row.cell_len)
        row.append("─" * max(n, 0), self.rule_style)
        if self.style is not None:
            row.stylize(self.style)
            row.pad_right(width - row.cell_len)
        yield from row.render(console)
        yield Segment.line()


@dataclass
class TableInfo:
    """One Markdown table: its rows' cells (as styled Text), natural column widths and alignment."""

    first_line: int
    rows: list[list[Text]] = field(default_factory=list)  # per source line; [] for the delimiter row
    aligns: list[str] = field(default_factory=list)
    header_rows: int = 0
    _widths: list[int] | None = None
    _fitted: dict[int, list[int]] = field(default_factory=dict)

    @property
    def widths(self) -> list[int]:
        """The natural width of every column (its widest cell)."""
        if self._widths is None:
            widths: list[int] = []
            for cells in self.rows:
                for i, cell in enumerate(cells):
                    w = cell.cell_len
                    if i < len(widths):
                        widths[i] = max(widths[i], w)
                    else:
                        widths.append(w)
            self._widths = [max(w, 1) for w in widths]
        return self._widths

    def fit(self, width: int) -> list[int]:
        """Column widths for a row of `width` cells: natural when they fit, else the widest columns
        are narrowed first (separators ` │ ` take 3 cells each)."""
        got = self._fitted.get(width)
        if got is not None:
            return got
        nat = self.widths
        seps = 3 * (len(nat) - 1)
        room = width - seps
        if sum(nat) <= room:
            fitted = list(nat)
        else:
            lo, hi = 1, max(nat)
            while lo < hi:  # the largest cap at which the columns fit
                mid = (lo + hi + 1) // 2
                if sum(min(w, mid) for w in nat) <= room:
                    lo = mid
                else:
                    hi = mid - 1
            fitted = [min(w, lo) for w in nat]
            spare = room - sum(fitted)
            for i, w in enumerate(nat):
                if spare <= 0:
                    break
                if fitted[i] < w:
                    fitted[i] += 1
                    spare -= 1
        self._fitted[width] = fitted
        return fitted

    def line_text(self, cells: list[Text], widths: list[int], sep: Style, cut: bool = True) -> Text:
        """One row of cells padded (and cut with `…` when `cut`) to the column widths."""
        out = Text(no_wrap=True, overflow="crop")
        for i, w in enumerate(widths):
            if i:
                out.append(" │ ", sep)
            cell = cells[i] if i < len(cells) else Text()
            if cut and cell.cell_len > w:
                cell = _cut(cell, w)
            pad = w - cell.cell_len
            align = self.aligns[i] if i < len(self.aligns) else "left"
            if align == "right":
                out.append(" " * pad)
                out.append_text(cell)
            elif align == "center":
                out.append(" " * (pad // 2))
                out.append_text(cell)
                out.append(" " * (pad - pad // 2))
            else:
                out.append_text(cell)
                out.append(" " * pad)
        return out

    def rule_text(self, widths: list[int], sep: Style) -> Text:
        """The delimiter row as a rule."""
        return Text("─┼─".join("─" * w for w in widths), style=sep, no_wrap=True, overflow="crop")

    def render_whole(self, sep: Style, header: Style) -> Text:
        """The whole table at natural widths (for the table screen)."""
        lines = []
        for n, cells in enumerate(self.rows):
            if not cells:
                lines.append(self.rule_text(self.widths, sep))
            else:
                t = self.line_text(cells, self.widths, sep, cut=False)
                if n < self.header_rows:
                    t.stylize(header)
                lines.append(t)
        return Text("\n", no_wrap=True).join(lines)


def _cut(cell: Text, width: int) -> Text:
    """A cell cut to at most `width` cells, ending in `…` (a wide character is never split)."""
    room, cells, k = width - 1, 0, 0
    plain = cell.plain
    while k < len(plain):
        w = cell_len(plain[k])
        if cells + w > room:
            break
        cells += w
        k += 1
    out = cell[:k] if k else Text()
    out.append("…", cell.style or None)
    return out


class TableRow(Row):
    """One row of a table: never wraps; cells are cut with `…` to fit the width."""

    def __init__(self, table: TableInfo, index: int, sep: Style, header: Style | None, prefix: Text | None,
                 indent: int = 0):
        self.table = table
        self.index = index
        self.sep = sep
        self.header = header
        self.prefix = prefix
        self.indent = indent
        self.style = None
        self.actions = (Action("table", str(table.first_line), "table"),)

    def __rich_console__(self, console, options):
        width = options.max_width
        lead = Text(" " * self.indent)
        if self.prefix is not None:
            lead = self.prefix + lead
        avail = max(width - lead.cell_len, 1)
        widths = self.table.fit(avail)
        cells = self.table.rows[self.index]
        if not cells:
            body = self.table.rule_text(widths, self.sep)
        else:
            body = self.table.line_text(cells, widths, self.sep)
            if self.header is not None:
                body.stylize(self.header)
        row = lead + body
        row.truncate(width)
        if self.style is not None:
            row.stylize(self.style)
            row.pad_right(width - row.cell_len)
        yield from row.render(console)
        yield Segment.line()
