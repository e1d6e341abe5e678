"""Plain terminal output for the subcommands: CJK-aware widths, tables, and colour only on a terminal.

No Rich here: the subcommands must start fast and work in pipes.
"""

from __future__ import annotations

import os
import sys
import re
from typing import IO, Sequence

_CODES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
    "magenta": "35", "cyan": "36", "reverse": "7", "underline": "4",
}


_choice = "auto"  # `--color`: auto, always or never (set once per command by `choose_colour`)


def choose_colour(choice: str | None) -> None:
    """`--color auto|always|never` for this command: `always` and `never` override NO_COLOR and the
    terminal test, as a command-line flag should (https://no-color.org)."""
    global _choice
    _choice = choice or "auto"


def use_colour(stream: IO[str] | None = None) -> bool:
    """Colour as `--color` says; by default (`auto`) only on a terminal, and never when NO_COLOR is set
    (https://no-color.org)."""
    if _choice != "auto":
        return _choice == "always"
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


# East Asian Wide and Fullwidth ranges (CJK, Hangul, kana, full-width forms, common emoji) take two
# cells; combining marks, zero-width characters and our own SGR colour codes take none.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)
_ZERO = re.compile("\x1b\\[[0-9;]*m|[\u0300-\u036f\u200b-\u200d\u2060\ufeff]")


def width(text: str) -> int:
    """Terminal cells a string takes: wide (CJK) characters count two, combining marks and colour codes none."""
    if text.isascii() and "\x1b" not in text:
        return len(text)
    zero = sum(len(m) for m in _ZERO.findall(text))
    return len(text) - zero + len(_WIDE.findall(text))


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
    cell_widths = [[width(c) for c in r] for r in allrows]  # measured once: thousands of rows add up
    widths = [max(cw[i] for cw in cell_widths) for i in range(ncols)]
    if max_width:
        fixed = sum(widths[:-1]) + 2 * (ncols - 1)
        widths[-1] = max(8, min(widths[-1], max_width - fixed))
    lines = []
    for n, (r, cw) in enumerate(zip(allrows, cell_widths)):
        cells = []
        for i, c in enumerate(r):
            if cw[i] > widths[i]:
                cells.append(pad(truncate(c, widths[i]), widths[i], i in right))
            else:
                gap = " " * (widths[i] - cw[i])
                cells.append(gap + c if i in right else c + gap)
        line = "  ".join(cells).rstrip()
        if header and n == 0 and style:
            line = style(line, "bold")
        lines.append(line)
    return "\n".join(lines)


def output_width() -> int | None:
    """The width plain output is cut or laid out to: None when standard output is not a terminal (a
    pipe or a file gets whole lines), else `COLUMNS` when set to a whole number, else the terminal's."""
    try:
        if not sys.stdout.isatty():
            return None
    except (ValueError, AttributeError):
        return None
    return columns() or terminal_width()


def columns() -> int | None:
    """`COLUMNS` when it holds a whole number of at least 1 (a shell sets it to the terminal's width)."""
    try:
        n = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return n if n > 0 else None


def terminal_width(default: int = 100) -> int:
    """The terminal's width in cells, or a default when output is not a terminal."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return default


def cut_middle(text: str, cells: int) -> str:
    """Cut text to at most `cells` terminal cells by dropping its middle (`tests/da…/W23.md`): the
    start and the end of a path are the parts that tell paths apart."""
    if width(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    tail_room = (cells - 1) // 2
    head_room = cells - 1 - tail_room
    head, w = [], 0
    for ch in text:
        cw = width(ch)
        if w + cw > head_room:
            break
        head.append(ch)
        w += cw
    tail, w = [], 0
    for ch in reversed(text):
        cw = width(ch)
        if w + cw > tail_room:
            break
        tail.append(ch)
        w += cw
    return "".join(head) + "…" + "".join(reversed(tail))
