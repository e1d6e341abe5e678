"""Rows of the report view: each source line of a report is one `Row` that draws as one or more
screen rows (a paragraph or item wrapped with a hanging indent, a code line on the code background, a
table row cut to fit, a rule). `mdlines` decides which row a line becomes.

Report text only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from .linebreak import break_ranges


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
    lead = True  # whether the line's actions are its own (False: they belong to the line its block starts on)
    shared: range | None = None  # the source lines drawn from one block with this one (None: this line only)

    def fits(self, width: int) -> bool:
        """Whether this line certainly takes one row at `width`."""
        return True

    def height(self, width: int) -> int | None:
        """How many screen rows the line takes at `width` (None: render it to know)."""
        return 1 if self.fits(width) else None

    def with_style(self, style: Style | None) -> "Row":
        """A copy with another whole-row style (the highlight)."""
        import copy

        row = copy.copy(self)
        row.style = style
        return row

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(1, options.max_width)


class Hidden(Row):
    """A source line with nothing to show (front matter fields, a link reference definition, an HTML
    comment, a line of tags only): no screen rows."""

    def fits(self, width: int) -> bool:
        return False

    def height(self, width: int) -> int | None:
        return 0

    def with_style(self, style: Style | None) -> "Row":
        return self

    def __rich_console__(self, console, options):
        return iter(())


class Pending(Row):
    """A line of a long report not rendered yet: the view draws it as written, dimmed, on one row. One
    instance (`PENDING`) stands for all of them (a long report has a great many), a copy for the one
    highlighted."""

    __slots__ = ("style",)

    def __init__(self) -> None:
        self.style = None


PENDING = Pending()


def _ranges(plain: str, width: int) -> list[tuple[int, int]]:
    """The character ranges of the rows of `plain` at `width`: broken at its newlines, then by `break_ranges`."""
    if "\n" not in plain:
        return break_ranges(plain, width)
    out: list[tuple[int, int]] = []
    pos = 0
    for piece in plain.split("\n"):
        out.extend((pos + s, pos + e) for s, e in break_ranges(piece, width))
        pos += len(piece) + 1
    return out


class Hanging(Row):
    """One source line (or a block of several, see `Flow`): an optional marker (`•`, `1.`) with the text
    wrapped under its start, indented, after an optional prefix repeated on every row (quote bars);
    `fill` paints the rest of each row. A newline in the text starts a new row."""

    def __init__(self, body: Text, indent: int = 0, marker: Text | None = None, style: Style | None = None,
                 prefix: Text | None = None, fill: Style | None = None, actions: Sequence[Action] = ()):
        self.body = body
        self.indent = indent
        self.marker = marker
        self.style = style
        self.prefix = prefix
        self.fill = fill
        self.actions = actions
        self.style_rows: tuple[int, int] | None = None  # with `style`: only these rows [start, end) take it

    def _lead(self, width: int) -> int:
        lead = self.indent + (self.marker.cell_len if self.marker is not None else 0)
        return min(lead, width // 2)

    def _body(self) -> Text:
        return self.body

    def body_width(self, width: int) -> int:
        """The cells left for the text on a row `width` cells wide."""
        pre = self.prefix.cell_len if self.prefix is not None else 0
        avail = max(width - pre, 4)
        return max(avail - self._lead(avail), 4)

    def _drawn(self) -> Text:
        """The text as drawn: tabs expanded (to 4-cell stops, as Rich counts cells)."""
        body = self._body()
        if "\t" in body.plain:
            body = body.copy()
            body.expand_tabs(4)
        return body

    def row_ranges(self, width: int) -> list[tuple[int, int]]:
        """The character ranges of the text on each screen row at `width`."""
        plain = self._drawn().plain
        return _ranges(plain, self.body_width(width)) if plain else [(0, 0)]

    def height(self, width: int) -> int | None:
        return 1 if self.fits(width) else len(self.row_ranges(width))

    def __rich_console__(self, console, options):
        width = options.max_width
        pre = self.prefix.cell_len if self.prefix is not None else 0
        avail = max(width - pre, 4)
        lead = self._lead(avail)
        body_width = max(avail - lead, 4)
        body = self._drawn()
        if self.style is None and self.fill is None and body.cell_len <= body_width and "\n" not in body.plain:
            # Fast path: most report lines fit and need no wrapping.
            row = self._start(lead) + body
            if self.prefix is not None:
                row = self.prefix + row
            yield from row.render(console)
            yield Segment.line()
            return
        plain = body.plain
        ranges = _ranges(plain, body_width) if plain else [(0, 0)]
        cuts = [c for r in ranges for c in r]
        parts = body.divide(cuts)  # parts[0] is before the first cut, then alternating row / gap
        styled = self.style_rows or (0, len(ranges))
        for n in range(len(ranges)):
            piece = parts[1 + 2 * n]
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
            if self.style is not None and styled[0] <= n < styled[1]:
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


class Flow:
    """A block whose text comes from several source lines — a paragraph joined at its soft line breaks,
    a multi-line HTML block — drawn as one wrapped text (`row`). Source line k of the block owns the
    screen rows from the one its text starts on (`starts[k]`, a character offset) to the next line's:
    so a source line still maps to known screen rows, some lines owning none."""

    def __init__(self, row: Hanging, starts: Sequence[int], first_line: int) -> None:
        self.row = row
        self.starts = list(starts)
        self.first_line = first_line  # 1-based source line of the block's first line
        self.mark: int | None = None  # the highlighted line of the block
        self._firsts: tuple[int, list[int]] | None = None  # (width, first row of every line, then the row count)
        self._lines: tuple[int, list[list[Segment]]] | None = None  # (width, rendered rows)

    @property
    def lines(self) -> range:
        """The 1-based source lines of the block."""
        return range(self.first_line, self.first_line + len(self.starts))

    def firsts(self, width: int) -> list[int]:
        """The first screen row of every source line of the block, then the block's row count."""
        if self._firsts is not None and self._firsts[0] == width:
            return self._firsts[1]
        ranges = self.row.row_ranges(width)
        begins = [s for s, _ in ranges]
        out = [0] + [max(bisect_right(begins, off) - 1, 0) for off in self.starts[1:]]
        out.append(len(ranges))
        self._firsts = (width, out)
        return out

    def rendered(self, console, options) -> list[list[Segment]]:
        """The block's screen rows at the options' width."""
        width = options.max_width
        if self._lines is None or self._lines[0] != width:
            self.row.style_rows = self.mark_rows(width)
            self._lines = (width, console.render_lines(self.row, options, pad=False, new_lines=False))
        return self._lines[1]

    def set_mark(self, k: int | None, style: Style | None) -> None:
        """Highlight the screen rows holding source line k's text (None: no highlight)."""
        self.mark = k
        self.row.style = style if k is not None else None
        self._lines = None

    def mark_rows(self, width: int) -> tuple[int, int] | None:
        """The rows [start, end) the highlighted line's text is on."""
        if self.mark is None:
            return None
        k = self.mark
        firsts = self.firsts(width)
        ranges = self.row.row_ranges(width)
        end_off = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.row.body.plain)
        last = firsts[k]
        for r in range(firsts[k], len(ranges)):
            if ranges[r][0] >= end_off and r > firsts[k]:
                break
            last = r
        return firsts[k], last + 1


class FlowPart(Row):
    """Source line k of a `Flow`: its share of the block's screen rows (maybe none)."""

    def __init__(self, flow: Flow, k: int) -> None:
        self.flow = flow
        self.k = k
        self.lead = k == 0
        self.shared = flow.lines

    @property
    def style(self) -> Style | None:  # type: ignore[override]
        """The highlight, when it is on this line."""
        return self.flow.row.style if self.flow.mark == self.k else None

    @property
    def actions(self) -> Sequence[Action]:  # type: ignore[override]
        """The block's links and images (each line of the block opens them)."""
        return self.flow.row.actions

    def fits(self, width: int) -> bool:
        return False

    def height(self, width: int) -> int | None:
        f = self.flow.firsts(width)
        return f[self.k + 1] - f[self.k]

    def with_style(self, style: Style | None) -> "Row":
        if style is not None:
            self.flow.set_mark(self.k, style)
        elif self.flow.mark == self.k:
            self.flow.set_mark(None, None)
        return self

    def __rich_console__(self, console, options):
        flow = self.flow
        f = flow.firsts(options.max_width)
        for segments in flow.rendered(console, options)[f[self.k] : f[self.k + 1]]:
            yield from segments
            yield Segment.line()


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
