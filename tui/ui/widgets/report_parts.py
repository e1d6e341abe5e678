"""A long report in the report view: its first screen at once, the rest part by part.

The part of the report around the line to show (cut where markdown-it reads it as within the whole,
`markdown.part_around`) is rendered first; the other lines stand as written (`rows.PENDING`), and the
rest is rendered part by part (`markdown.split_parts`), nearest the view first, `SLICE` seconds at a
time with `PAUSE` between for keys, scrolling and drawing — on the event loop: a thread would share the
interpreter with it and slow every key for as long as it runs. Each part takes its lines' place with the
line at the top kept where it is.
"""

from __future__ import annotations

from functools import partial
from time import monotonic

from ..markdown import definitions, part_around, split_parts
from ..mdlines import build_rows
from ..rows import PENDING, Pending, Row

FIRST_PART = (80, 240)  # lines rendered before and after the line to show, at once
PART_LINES = 200  # the rest is rendered in parts of about this many lines
SLICE = 0.04  # seconds of rendering parts at a time (a key waits at most this long)…
PAUSE = 0.01  # …then this long for keys, scrolling and drawing


def _distance(part: tuple[int, int], line: int) -> int:
    """How far a part of a report is from the line at the top of the view (below it counts less)."""
    a, b = part
    if a < line <= b:
        return 0
    return a - line if a >= line else 2 * (line - b)



class LongReport:
    """The report view's rendering of a long report (a mixin of `ReportView`)."""

    def _first_part(self) -> list[Row]:
        """A long report's rows: rendered around `_around`, the other lines as written until
        `_render_more` has rendered them too, part by part, between other work."""
        lines = self._lines
        self._known = definitions(lines)
        self._hanging = [PENDING] * len(lines)
        at = min(max(self._around, 1), len(lines)) - 1
        a, b = part_around(lines, max(at - FIRST_PART[0], 0), at + FIRST_PART[1])
        if b - a > 8 * sum(FIRST_PART):
            # No place near the line where a part can start: cut at blank lines (a list or a code
            # block that runs over such a cut reads as two).
            lo, hi = max(at - FIRST_PART[0], a), min(at + FIRST_PART[1], b)
            a = next((k for k in range(lo, max(a, lo - 2000), -1) if not lines[k].strip()), lo)
            b = next((k for k in range(hi, min(b, hi + 2000)) if not lines[k].strip()), hi)
        self._todo = None
        self._cuts = {a, b}
        self._render_part(a, b)
        self.pending = True
        self.call_after_refresh(self._render_more, self._generation)
        return self._hanging

    def _render_part(self, a: int, b: int) -> None:
        """Render lines [a, b) of a long report in place of their lines as written."""
        hl = self.highlight - a if self.highlight is not None and a < self.highlight <= b else None
        self._hanging[a:b] = build_rows(self._lines[a:b], self.palette, hl, first_line=a + 1, known=self._known)

    def _plan(self) -> list[tuple[int, int]]:
        """The parts of a long report still to render (split once, the first time it is asked)."""
        if self._todo is None:
            rendered = [(a, b) for a, b in split_parts(self._lines, PART_LINES, sorted(self._cuts))]
            self._todo = [(a, b) for a, b in rendered if any(type(r) is Pending for r in self._hanging[a:b])]
        return self._todo

    def _render_more(self, generation: int) -> None:
        """Render the next parts of a long report, nearest the view first, for a few milliseconds; then
        again after other work has had its turn, until the whole report is rendered."""
        if generation != self._generation or not self.pending or self._hanging is None:
            return
        started = monotonic()
        todo = self._plan()
        top = self.current_line() or 1
        done: list[tuple[int, int]] = []
        while todo and monotonic() - started < SLICE:
            k = min(range(len(todo)), key=lambda i: _distance(todo[i], top))
            a, b = todo.pop(k)
            self._render_part(a, b)
            done.append((a, b))
        self._relayout(done)
        if todo:
            self.set_timer(PAUSE, partial(self._render_more, generation))
        else:
            self.pending = False
            self._show_target()
            self._warm_highlighter()

    def _render_now(self, line: int) -> None:
        """A long report being rendered: the part holding a source line, rendered now (a hit, a section
        to scroll to)."""
        if not self.pending or self._hanging is None or not 1 <= line <= len(self._hanging):
            return
        if type(self._hanging[line - 1]) is not Pending:
            return
        todo = self._plan()
        part = next((p for p in todo if p[0] < line <= p[1]), None)
        if part is not None:
            todo.remove(part)
            self._render_part(*part)
            self._relayout([part], at_once=True)  # (about to scroll there: the view's size must be right)

    def _relayout(self, parts: list[tuple[int, int]], at_once: bool = False) -> None:
        """Lay out again after these parts were rendered, keeping the line at the top where it is. Parts
        below the view change only the scrollbar: that is brought up to date every half second (and at
        the end, or `at_once`), not after every part."""
        if not parts:
            return
        line, offset = self._line_at_row(int(self.scroll_y))
        bottom = self._line_at_row(int(self.scroll_y) + self.size.height)[0]
        width = self._layout_width or self._text_width()
        for a, b in parts:
            for no in range(a + 1, b + 1):
                self._strips.pop(no, None)
                self._heights[no - 1] = self._height(no, width)
        below = bottom is not None and all(a >= bottom for a, _ in parts) and not at_once
        self._place_rows(width, resize=not below or not self._todo or monotonic() - self._resized > 0.5)
        if below:
            return
        if line is not None:
            self.scroll_to(y=self.line_row(line) + max(offset, 0), animate=False, immediate=True)
        self.refresh()
