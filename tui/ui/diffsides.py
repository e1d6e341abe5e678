"""The two sides of a compare row, drawn like the report view: the rows the view has for an item's source
lines (bullets and numbers, wrapped lines hanging under their item's text, Latin words whole, no row
starting with closing punctuation, paragraphs joined at their soft breaks), with what changed between
the two weeks highlighted in the text a reader sees, and a `│` between the sides on every row.

Report text only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

import copy
from typing import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..index.compare import text_diff
from ..model.report import Item
from .mdlines import build_rows
from .rows import CodeRow, Flow, FlowPart, Hanging, Hidden, Pending, Row
from .tablerows import TableRow

SEPARATOR = " │ "


def report_rows(text: str, pal) -> list[Row]:
    """Every source line of a report as the report view renders it."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return build_rows(lines, pal)


def item_lines(item: Item) -> tuple[int, int]:
    """The source lines an item (with its nested items) is written on, first and last (1-based)."""
    lines = [i.line for i in item.walk()]
    return min(lines), max(lines)


def _part_of_flow(flow: Flow, first: int, last: int) -> Hanging:
    """The text of a paragraph's source lines first..last alone (a compare row holds those lines only)."""
    row = flow.row
    k0, k1 = first - flow.first_line, last - flow.first_line + 1
    body = row.body
    start = flow.starts[k0]
    end = flow.starts[k1] if k1 < len(flow.starts) else len(body.plain)
    part = body[start:end]
    part.rstrip()
    marker = row.marker if k0 == 0 else None
    indent = row.indent + (row.marker.cell_len if row.marker is not None and k0 else 0)
    return Hanging(part, indent, marker, None, row.prefix)


def side_rows(rows: Sequence[Row], first: int, last: int) -> list[Row]:
    """The rows of source lines first..last (1-based) for a compare side: blank and hidden lines left
    out, a paragraph cut to those lines."""
    out: list[Row] = []
    seen: set[int] = set()
    for no in range(max(first, 1), min(last, len(rows)) + 1):
        row = rows[no - 1]
        if isinstance(row, FlowPart):
            flow = row.flow
            if id(flow) in seen:
                continue
            seen.add(id(flow))
            lo, hi = max(first, flow.first_line), min(last, flow.lines[-1])
            out.append(_part_of_flow(flow, lo, hi) if (lo, hi) != (flow.first_line, flow.lines[-1]) else
                       Hanging(flow.row.body, flow.row.indent, flow.row.marker, None, flow.row.prefix))
        elif isinstance(row, (Hidden, Pending)):
            continue
        elif isinstance(row, Hanging) and not isinstance(row, CodeRow) and row.fill is None and not row.body.plain.strip():
            continue
        else:
            out.append(row)
    return out


def row_text(row: Row) -> str:
    """The text a reader sees on a row (what the two weeks are compared by)."""
    if isinstance(row, CodeRow):
        return row.block.lines[row.index]
    if isinstance(row, Hanging):
        return row.body.plain
    if isinstance(row, TableRow):
        return " │ ".join(c.plain for c in row.table.rows[row.index])
    return ""


def _restyled(row: Row, paint: Callable[[Text, int], None], offset: int) -> Row:
    """A copy of a row whose text `paint(text, offset)` styles (`offset`: where the row's text starts
    in the side's text)."""
    if isinstance(row, CodeRow):
        body = row.block.styled(row.index).copy()
        paint(body, offset)
        return Hanging(body, row.indent, None, None, row.prefix, row.fill)
    if isinstance(row, Hanging):
        body = row.body.copy()
        paint(body, offset)
        return Hanging(body, row.indent, row.marker, None, row.prefix, row.fill)
    if isinstance(row, TableRow):
        cells, pos = [], offset
        for cell in row.table.rows[row.index]:
            cell = cell.copy()
            paint(cell, pos)
            cells.append(cell)
            pos += len(cell.plain) + len(" │ ")
        got = copy.copy(row)
        got.cells = cells
        return got
    return row


def painted(rows: Sequence[Row], spans: Sequence[tuple[int, int]], hl: Style | None, whole: Style | None) -> list[Row]:
    """Rows with the changed character ranges of their joined text (`spans`, rows joined by newlines)
    styled `hl`, and all their text `whole` (an added or removed item)."""
    out: list[Row] = []
    pos = 0
    for row in rows:
        n = len(row_text(row))

        def paint(text: Text, start: int) -> None:
            if whole is not None:
                text.stylize(whole)
            if hl is not None:
                for s, e in spans:
                    a, b = max(s - start, 0), min(e - start, len(text.plain))
                    if a < b:
                        text.stylize(hl, a, b)

        out.append(_restyled(row, paint, pos) if (whole is not None or spans) else row)
        pos += n + 1
    return out


def diff_sides(a: Sequence[Row], b: Sequence[Row], changed: bool) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The changed character ranges of two sides' joined texts (none unless the row is `changed`)."""
    if not changed:
        return [], []
    return text_diff("\n".join(map(row_text, a)), "\n".join(map(row_text, b)))


class SideBySide:
    """A mark, then week A's rows and week B's rows side by side with `│` between them on every row."""

    def __init__(self, mark: Text, left: Sequence[Row], right: Sequence[Row], sep: Style | None = None) -> None:
        self.mark = mark
        self.left = left
        self.right = right
        self.sep = sep
        self._cache: tuple[int, list[list[Segment]]] | None = None

    @staticmethod
    def widths(width: int) -> tuple[int, int]:
        """The widths of the two sides in a row `width` cells wide."""
        room = max(width - 2 - len(SEPARATOR), 2)
        return room - room // 2, room // 2

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(1, options.max_width)

    def _side(self, console, options, rows: Sequence[Row], width: int) -> list[list[Segment]]:
        opts = options.update(width=width, max_width=width, height=None)
        out: list[list[Segment]] = []
        for row in rows:
            out.extend(console.render_lines(row, opts, pad=True, new_lines=False))
        return out

    def __rich_console__(self, console, options):
        width = options.max_width
        if self._cache is None or self._cache[0] != width:
            lw, rw = self.widths(width)
            left = self._side(console, options, self.left, lw)
            right = self._side(console, options, self.right, rw)
            blank_l, blank_r = [Segment(" " * lw)], [Segment(" " * rw)]
            mark = list(self.mark.render(console))
            pad = [Segment(" " * max(1 - self.mark.cell_len, 0))]
            sep = Segment(SEPARATOR, self.sep)
            lines = []
            for i in range(max(len(left), len(right), 1)):
                head = mark + pad if i == 0 else [Segment(" ")]
                lines.append([*head, Segment(" "), *(left[i] if i < len(left) else blank_l), sep,
                              *(right[i] if i < len(right) else blank_r)])
            self._cache = (width, lines)
        for line in self._cache[1]:
            yield from line
            yield Segment.line()


def note_row(text: str, style: Style) -> Row:
    """A line of the screen's own (a moved item's note) in the rows of a side."""
    return Hanging(Text(text, style))


def heading_row(text: str, style: Style) -> Row:
    """A section's title on one side (wrapped like the view wraps it)."""
    return Hanging(Text(text, style))

