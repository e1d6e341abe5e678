"""Model objects to Rich renderables: a fast line-by-line Markdown view, sparklines, KPI text.

Report text is untrusted: it only ever becomes `rich.text.Text` built from plain strings, never markup.
Every source line becomes exactly one rendered line (wrapped when long), so a source line number maps
to a place on screen: that is what scrolling to a search hit and highlighting it rely on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text

from ..model.parse import FENCE_RE, HEADING_RE, HR_RE, ITEM_RE, TABLE_DELIM_RE, TABLE_ROW_RE
from ..model.report import Report, Section

BLOCK_LINES = 200  # a long section is split into blocks of at most this many lines
SPARK_BARS = "▁▂▃▄▅▆▇█"


def theme_color(variables: Mapping[str, str], name: str, fallback: str):
    """A theme variable (`App.theme_variables`) as a Textual `Color`; `fallback` when missing or unparsable
    (an odd theme value must never break a view)."""
    from textual.color import Color

    try:
        return Color.parse(variables.get(name, fallback))
    except Exception:  # noqa: BLE001 - any theme value that does not parse
        return Color.parse(fallback)


def theme_colour(variables: Mapping[str, str], name: str, fallback: str) -> str:
    """A theme variable as a `#rrggbb` colour for Rich styles (see `theme_color`)."""
    return theme_color(variables, name, fallback).hex6


def fold(text: Text, width: int, indent: int = 0) -> list[Text]:
    """Cut a line into rows of at most `width` cells, by character (Chinese has no spaces to wrap at)."""
    if width <= indent + 4 or cell_len(text.plain) <= width:
        return [text]
    cuts, used, room = [], 0, width
    for i, ch in enumerate(text.plain):
        w = cell_len(ch)
        if used + w > room:
            cuts.append(i)
            used, room = 0, width - indent
        used += w
    rows = list(text.divide(cuts))
    return [rows[0]] + [Text(" " * indent) + r for r in rows[1:]]


@dataclass
class Palette:
    """Colours of the current theme, as Rich styles (rebuilt when the theme changes)."""

    heading: Style
    subheading: Style
    project: Style
    code: Style
    link: Style
    muted: Style
    highlight: Style
    good: Style
    bad: Style
    current: Style
    table: Style

    @classmethod
    def from_theme(cls, variables: Mapping[str, str]) -> "Palette":
        """Build the palette from `App.theme_variables`."""
        def colour(name: str, fallback: str) -> str:
            return theme_colour(variables, name, fallback)

        primary, accent = colour("primary", "#0178d4"), colour("accent", "#ffa62b")
        secondary = colour("secondary", "#004578")
        muted = colour("foreground-muted", "#888888") if "foreground-muted" in variables else colour(
            "text-muted", "#888888")
        return cls(
            heading=Style(bold=True, color=primary, underline=True),
            subheading=Style(bold=True, color=primary),
            project=Style(bold=True, color=accent),
            code=Style(color=accent, bgcolor=colour("surface", "#1e1e1e")),
            link=Style(underline=True, color=colour("link-color", primary)),
            muted=Style(color=muted),
            highlight=Style(bgcolor=colour("accent-muted", secondary), bold=True),
            good=Style(color=colour("success", "#4ebf71"), bold=True),
            bad=Style(color=colour("error", "#ba3c5b"), bold=True),
            current=Style(color=accent, bold=True),
            table=Style(color=colour("secondary", secondary)),
        )


DEFAULT_PALETTE = Palette(
    heading=Style(bold=True, underline=True), subheading=Style(bold=True), project=Style(bold=True),
    code=Style(italic=True), link=Style(underline=True), muted=Style(dim=True), highlight=Style(reverse=True),
    good=Style(color="green", bold=True), bad=Style(color="red", bold=True), current=Style(bold=True),
    table=Style(dim=True),
)


class Hanging:
    """One source line: an optional marker (`•`, `1.`) with the text wrapped under its start, indented."""

    def __init__(self, body: Text, indent: int = 0, marker: Text | None = None, style: Style | None = None):
        self.body = body
        self.indent = indent
        self.marker = marker
        self.style = style

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        width = options.max_width
        lead = self.indent + (self.marker.cell_len if self.marker is not None else 0)
        if lead > width // 2:
            lead = min(lead, width // 2)
        body_width = max(width - lead, 4)
        if self.style is None and self.body.cell_len <= body_width and "\n" not in self.body.plain:
            # Fast path: most report lines fit and need no wrapping.
            prefix = Text(" " * self.indent) + self.marker if self.marker is not None else Text(" " * lead)
            yield from (prefix + self.body).render(console)
            yield Segment.line()
            return
        lines = self.body.wrap(console, body_width, no_wrap=False, tab_size=4) if self.body.plain else [Text()]
        pad_style = self.style or Style()
        for n, line in enumerate(lines):
            if self.marker is not None and n == 0:
                prefix = Text(" " * self.indent) + self.marker
            else:
                prefix = Text(" " * lead)
            row = prefix + line
            row.truncate(width)
            if self.style is not None:
                row.stylize(self.style)
                row.pad_right(width - row.cell_len)
            yield from row.render(console)
            yield Segment.line()

    def fits(self, width: int) -> bool:
        """Whether this line certainly takes one row at `width` (no wrapping needed)."""
        if "\n" in self.body.plain:
            return False
        lead = self.indent + (self.marker.cell_len if self.marker is not None else 0)
        if lead > width // 2:
            return False
        return self.body.cell_len <= max(width - lead, 4)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(1, options.max_width)


# ── blocks: one per section (long sections in pieces) ────────────────────────────────────────────


@dataclass
class Block:
    """A run of source lines [first, last] (1-based, inclusive) shown by one widget."""

    first: int
    last: int
    section: Section | None


def split_blocks(report: Report, max_lines: int = BLOCK_LINES) -> list[Block]:
    """Cut the report at every heading (and every `max_lines` inside long sections)."""
    lines = report.text.split("\n")
    n = len(lines)
    if n and lines[-1] == "":
        n -= 1
    n = max(n, 1)
    starts: dict[int, Section | None] = {1: report.root}
    for s in report.sections:
        if 1 <= s.line <= n:
            starts[s.line] = s
    order = sorted(starts)
    blocks: list[Block] = []
    for i, first in enumerate(order):
        last = (order[i + 1] - 1) if i + 1 < len(order) else n
        sec = starts[first]
        a = first
        while a <= last:
            b = min(last, a + max_lines - 1)
            blocks.append(Block(a, b, sec))
            a = b + 1
    return blocks


# ── the Markdown line renderer ───────────────────────────────────────────────────────────────────

# The parser's own line rules, so that a line is drawn as what the model read it as.
_HEADING = HEADING_RE
_LIST = ITEM_RE
_TABLE = TABLE_ROW_RE
_TABLE_RULE = TABLE_DELIM_RE
_HR = HR_RE
_FENCE = FENCE_RE
_INLINE = re.compile(
    r"(?P<code>`[^`]+`)|(?P<bold>\*\*[^*]+\*\*|__[^_]+__)|(?P<strike>~~[^~]+~~)"
    r"|(?P<link>\[[^\]]*\]\([^)\s]*\))|(?P<project>【[^】]{1,40}】)|(?P<em>(?<![*\w])\*[^*\s][^*]*\*(?!\*))"
)
_BULLETS = "•◦▪▫"


def inline(text: str, pal: Palette, base: Style | None = None) -> Text:
    """One line of Markdown inline syntax as styled Text (never parsed as Rich markup)."""
    out = Text(style=base or "")
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        kind, s = m.lastgroup, m.group(0)
        if kind == "code":
            out.append(s[1:-1], pal.code)
        elif kind == "bold":
            out.append(s[2:-2], Style(bold=True))
        elif kind == "strike":
            out.append(s[2:-2], Style(strike=True))
        elif kind == "link":
            label = s[1 : s.index("](")]
            out.append(label or s, pal.link)
        elif kind == "project":
            out.append(s, pal.project)
        else:
            out.append(s[1:-1], Style(italic=True))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _indent_of(spaces: str) -> int:
    width = len(spaces.expandtabs(4))
    return width // 4 if width % 4 == 0 else (width + 1) // 2


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _table_widths(rows: Iterable[str]) -> list[int]:
    widths: list[int] = []
    for row in rows:
        if _TABLE_RULE.match(row):
            continue
        for i, cell in enumerate(_split_row(row)):
            w = min(cell_len(cell), 40)
            if i < len(widths):
                widths[i] = max(widths[i], w)
            else:
                widths.append(w)
    return widths


def hanging_lines(
    lines: Sequence[str],
    first_line: int,
    pal: Palette = DEFAULT_PALETTE,
    highlight: int | None = None,
    raw: bool = False,
    in_fence: bool = False,
    number_width: int = 0,
) -> list[Hanging]:
    """Source lines (numbered from `first_line`) as one `Hanging` renderable each."""
    parts: list[Hanging] = []
    widths: list[int] = []
    for i, line in enumerate(lines):
        no = first_line + i
        text, indent = _render_one(line, lines, i, pal, raw, in_fence, widths)
        if not raw and _FENCE.match(line):
            in_fence = not in_fence
        marker = None
        if isinstance(text, tuple):
            marker, text = text
        if raw and number_width:
            marker = Text(f"{no:>{number_width}} ", pal.muted)
        parts.append(Hanging(text, indent, marker, pal.highlight if no == highlight else None))
        if not raw and _TABLE.match(line) and (i + 1 >= len(lines) or not _TABLE.match(lines[i + 1])):
            widths = []
    return parts


def render_lines(
    lines: Sequence[str],
    first_line: int,
    pal: Palette = DEFAULT_PALETTE,
    highlight: int | None = None,
    raw: bool = False,
    in_fence: bool = False,
    number_width: int = 0,
) -> RenderableType:
    """Render source lines (numbered from `first_line`) as one Rich renderable, one entry per line."""
    return Group(*hanging_lines(lines, first_line, pal, highlight, raw, in_fence, number_width))


def _render_one(line: str, lines: Sequence[str], i: int, pal: Palette, raw: bool, in_fence: bool,
                widths: list[int]) -> tuple[Text | tuple[Text, Text], int]:
    if raw:
        return Text(line, no_wrap=False), 0
    if _FENCE.match(line) or in_fence:
        return Text(line, style=pal.code), 0
    m = _HEADING.match(line)
    if m:
        level = len(m.group(1))
        return inline(m.group(2) or "", pal, pal.heading if level == 1 else pal.subheading), 0
    m = _LIST.match(line)
    if m:
        depth = _indent_of(m.group(1))
        marker = m.group(2)
        bullet = _BULLETS[depth % len(_BULLETS)] if marker in "-*+" else marker
        body = inline(m.group(4) or "", pal)
        return (Text(bullet + " ", pal.muted), body), depth * 2
    if _TABLE.match(line):
        if not widths:
            j = i
            while j > 0 and _TABLE.match(lines[j - 1]):
                j -= 1
            k = i
            while k + 1 < len(lines) and _TABLE.match(lines[k + 1]):
                k += 1
            widths.extend(_table_widths(lines[j : k + 1]))
        if _TABLE_RULE.match(line):
            return Text("─┼─".join("─" * w for w in widths), style=pal.table), 0
        out = Text()
        for c, cell in enumerate(_split_row(line)):
            if c:
                out.append(" │ ", pal.table)
            pad = (widths[c] if c < len(widths) else 0) - cell_len(cell)
            out.append_text(inline(cell, pal))
            out.append(" " * max(pad, 0))
        return out, 0
    if _HR.match(line):
        return Text("─" * 40, style=pal.muted), 0
    stripped = line.lstrip(" ")
    depth = _indent_of(line[: len(line) - len(stripped)]) if stripped else 0
    return inline(stripped, pal), depth * 2


def render_block(report_lines: Sequence[str], block: Block, pal: Palette = DEFAULT_PALETTE,
                 highlight: int | None = None, raw: bool = False) -> RenderableType:
    """Render one block of a report (its lines `block.first..block.last`)."""
    chunk = report_lines[block.first - 1 : block.last]
    in_fence = sum(1 for ln in report_lines[: block.first - 1] if _FENCE.match(ln)) % 2 == 1 if not raw else False
    width = len(str(len(report_lines))) if raw else 0
    return render_lines(chunk, block.first, pal, highlight, raw, in_fence, width)


def line_offset(report_lines: Sequence[str], block: Block, line: int, width: int, raw: bool = False) -> int:
    """How many screen rows of `block` come before source `line` at a given width (an estimate that
    counts wrapping by cells, exact for the unwrapped lines that reports mostly have)."""
    rows = 0
    width = max(width, 10)
    for no in range(block.first, min(line, block.last + 1)):
        text = report_lines[no - 1]
        extra = len(str(len(report_lines))) + 1 if raw else 0
        cells = cell_len(text) + extra
        rows += max(1, -(-cells // width))
    return rows


# ── sparklines and KPI text ──────────────────────────────────────────────────────────────────────


def sparkline(values: Sequence[float | None], current: int | None, pal: Palette = DEFAULT_PALETTE,
              width: int | None = None) -> Text:
    """A one-line bar chart of values; the bar at `current` (the open week) is marked.

    When there are more values than `width` cells, a window that holds `current` is shown.
    """
    vals = list(values)
    if width is not None and len(vals) > width > 0:
        cur = current if current is not None else len(vals) - 1
        start = min(max(0, cur - width + 1 + width // 4), len(vals) - width)
        start = max(0, min(start, cur))
        vals = vals[start : start + width]
        current = None if current is None else current - start
    nums = [v for v in vals if v is not None]
    lo, hi = (min(nums), max(nums)) if nums else (0.0, 0.0)
    out = Text(no_wrap=True, overflow="crop")
    for i, v in enumerate(vals):
        if v is None:
            ch = "·" if i == current else " "
        elif hi == lo:
            ch = SPARK_BARS[3]
        else:
            ch = SPARK_BARS[round((v - lo) / (hi - lo) * (len(SPARK_BARS) - 1))]
        out.append(ch, pal.current + Style(reverse=True) if i == current else pal.muted)
    return out


def plain(text: str) -> Text:
    """Untrusted text as Text: shown literally, never interpreted as markup."""
    return Text(text)
