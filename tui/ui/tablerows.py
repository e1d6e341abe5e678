"""Tables in the report view: a table's cells aligned by display width, each row of the table one row of
the view that never wraps (cells are cut with `…` to fit), and the whole table at natural widths for
the table screen.

Report text only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from .rows import Action, Row


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
        self.cells: list[Text] | None = None  # cells styled apart from the table's (a compare side)

    def __rich_console__(self, console, options):
        width = options.max_width
        lead = Text(" " * self.indent)
        if self.prefix is not None:
            lead = self.prefix + lead
        avail = max(width - lead.cell_len, 1)
        widths = self.table.fit(avail)
        cells = self.cells if self.cells is not None else self.table.rows[self.index]
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
