"""Model objects to Rich renderables: the theme's palette, report blocks, sparklines, KPI text.

The Markdown renderer itself is `mdlines` (one row object per source line). Report text is
untrusted: it only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

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
    table_header: Style = Style(bold=True)
    quote: Style = Style(dim=True)
    image: Style = Style(bold=True)
    code_bg: Style = Style()
    code_bg_hex: str | None = None
    dark: bool = True
    mark: Style = Style(reverse=True)  # `<mark>`
    kbd: Style = Style(bold=True, reverse=True)  # `<kbd>`

    @classmethod
    def from_theme(cls, variables: Mapping[str, str]) -> "Palette":
        """Build the palette from `App.theme_variables`."""
        def colour(name: str, fallback: str) -> str:
            return theme_colour(variables, name, fallback)

        primary, accent = colour("primary", "#0178d4"), colour("accent", "#ffa62b")
        secondary = colour("secondary", "#004578")
        background = theme_color(variables, "background", "#121212")
        dark = background.brightness < 0.5
        code_bg = (background.lighten(0.06) if dark else background.darken(0.06)).hex6
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
            table_header=Style(bold=True, color=primary),
            quote=Style(color=colour("secondary", secondary), bold=True),
            image=Style(color=accent, bold=True),
            code_bg=Style(bgcolor=code_bg),
            code_bg_hex=code_bg,
            dark=dark,
            mark=Style(bgcolor=background.blend(theme_color(variables, "warning", "#ffa62b"), 0.45).hex6),
            kbd=Style(bold=True, bgcolor=(background.lighten(0.18) if dark else background.darken(0.15)).hex6),
        )


DEFAULT_PALETTE = Palette(
    heading=Style(bold=True, underline=True), subheading=Style(bold=True), project=Style(bold=True),
    code=Style(italic=True), link=Style(underline=True), muted=Style(dim=True), highlight=Style(reverse=True),
    good=Style(color="green", bold=True), bad=Style(color="red", bold=True), current=Style(bold=True),
    table=Style(dim=True),
)


# ── blocks: one per section (long sections in pieces) ────────────────────────────────────────────


@dataclass
class Block:
    """A run of source lines [first, last] (1-based, inclusive) shown by one widget."""

    first: int
    last: int
    section: Section | None


def split_blocks(report: Report, max_lines: int = BLOCK_LINES) -> list[Block]:
    """Cut the report at every heading (and every `max_lines` inside long sections)."""
    text = report.text
    n = max(text.count("\n") + (0 if text.endswith("\n") else 1), 1)  # its lines (no list of them)
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
