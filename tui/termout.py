"""Plain terminal output for the subcommands: CJK-aware widths, tables, and colour only on a terminal.

No Rich here: the subcommands must start fast and work in pipes.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import IO, Sequence

_CODES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
    "magenta": "35", "cyan": "36", "reverse": "7", "underline": "4",
}


def use_colour(stream: IO[str] | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class Style:
    """Wraps text in ANSI styles when colour is on, and passes it through when it is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles if s in _CODES)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def width(text: str) -> int:
    """Terminal cells a string takes: wide (CJK) characters count two, combining marks none."""
    if text.isascii() and text.isprintable():
        return len(text)
    w = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def truncate(text: str, cells: int) -> str:
    """Cut text to at most `cells` terminal cells, ending in … when cut."""
    if width(text) <= cells:
        return text
    out, w = [], 0
    for ch in text:
        cw = width(ch)
        if w + cw > cells - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def pad(text: str, cells: int, right: bool = False) -> str:
    """Pad text with spaces to `cells` terminal cells (left-aligned unless `right`)."""
    gap = max(0, cells - width(text))
    return (" " * gap + text) if right else (text + " " * gap)


def table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None, right: set[int] | None = None,
          max_width: int | None = None, style: Style | None = None) -> str:
    """A plain aligned table; the last column is cut to fit `max_width` when given."""
    right = right or set()
    allrows = [list(header)] + [list(r) for r in rows] if header else [list(r) for r in rows]
    if not allrows:
        return ""
    ncols = max(len(r) for r in allrows)
    for r in allrows:
        r.extend([""] * (ncols - len(r)))
    widths = [max(width(r[i]) for r in allrows) for i in range(ncols)]
    if max_width:
        fixed = sum(widths[:-1]) + 2 * (ncols - 1)
        widths[-1] = max(8, min(widths[-1], max_width - fixed))
    lines = []
    for n, r in enumerate(allrows):
        cells = [pad(truncate(c, widths[i]), widths[i], i in right) for i, c in enumerate(r)]
        line = "  ".join(cells).rstrip()
        if header and n == 0 and style:
            line = style(line, "bold")
        lines.append(line)
    return "\n".join(lines)


def terminal_width(default: int = 100) -> int:
    """The terminal's width in cells, or a default when output is not a terminal."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return default
