"""`reports-tui diff A B`: what changed between two weeks, side by side or unified, or as JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..index.compare import MARKS, Comparison, Span, compare, normalized
from ..index.formats import format_change, format_value, week_caption
from ..index.library import is_team
from .common import EXIT_OK, dump_json, open_library
from .termout import Style, columns, output_width, table, use_colour
from .termout import width as text_width

SIDE_BY_SIDE_CELLS = 100  # the least width the two weeks are shown side by side at


def cmd_diff(args: argparse.Namespace) -> int:
    """`reports-tui diff A B [--json] [--side-by-side | --unified]`: SPEC §4 JSON, or a readable
    comparison: side by side on a terminal of at least 100 columns, unified otherwise (and in a pipe)."""
    lib = open_library(args)
    c = compare(lib, lib.find(args.a), lib.find(args.b))
    if args.json:
        dump_json(c.to_json())
        return EXIT_OK
    cols = output_width()
    if getattr(args, "side_by_side", False):
        side = True
    elif getattr(args, "unified", False):
        side = False
    else:
        side = cols is not None and cols >= SIDE_BY_SIDE_CELLS
    # (side by side into a pipe, as asked: as wide as COLUMNS says, or the least width it needs)
    width = cols or columns() or SIDE_BY_SIDE_CELLS
    sys.stdout.write(render_plain(c, width, use_colour(), authors=is_team(lib.authors()), side=side))
    return EXIT_OK


def _wrap(text: str, cells: int) -> list[tuple[int, int, int]]:
    """Split text into (start, end, indent) ranges of at most `cells` terminal cells (CJK counted double).

    Source lines are kept; a line is broken after its last space that fits when that leaves the range at
    least half full (words stay whole), else at the cell limit (CJK runs, long URLs); a continuation
    of a wrapped line is indented like the line it continues.
    """
    out: list[tuple[int, int, int]] = []
    pos = 0
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        indent = indent if indent < cells // 2 else 0
        start, w, first = pos, 0, True
        space, w_space = -1, 0  # just after the last space of the range, and the range's cells up to there
        for k, ch in enumerate(line):
            cw = text_width(ch)
            if w + cw > cells and pos + k > start:
                if space > start and w_space >= cells // 2:
                    out.append((start, space, 0 if first else indent))
                    start, w = space, indent + w - w_space
                if w + cw > cells and pos + k > start:
                    out.append((start, pos + k, 0 if first and start == pos else indent))
                    start, w = pos + k, indent
                first, space = False, -1
            w += cw
            if ch == " " and pos + k + 1 > start:
                space, w_space = pos + k + 1, w
        out.append((start, pos + len(line), 0 if first else indent))
        pos += len(line) + 1
    return out


def _paint(text: str, spans: list[Span], lo: int, hi: int, st: Any, colour: str, plain_marks: tuple[str, str] | None
           ) -> str:
    """text[lo:hi] with the changed spans coloured (or bracketed when colour is off and marks are given)."""
    out: list[str] = []
    pos = lo
    for s, e in spans:
        s, e = max(s, lo), min(e, hi)
        if e <= s:
            continue
        out.append(text[pos:s])
        seg = text[s:e]
        if st.enabled:
            out.append(st(seg, colour, "bold"))
        elif plain_marks:
            out.append(plain_marks[0] + seg + plain_marks[1])
        else:
            out.append(seg)
        pos = e
    out.append(text[pos:hi])
    return "".join(out)


def render_plain(c: Comparison, width: int, colour: bool, show_same: bool = False, authors: bool = False,
                 side: bool | None = None) -> str:
    """The comparison as plain text: side by side (by default when `width` allows), else unified;
    `authors`: say whose each week is (a team's library)."""
    st = Style(colour)
    if side is None:
        side = width >= SIDE_BY_SIDE_CELLS
    lines: list[str] = []
    lines.append(st("A  ", "bold") + st(week_caption(c.a, authors), "red" if colour else "bold"))
    lines.append(st("B  ", "bold") + st(week_caption(c.b, authors), "green" if colour else "bold"))
    counts = c.counts()
    lines.append(f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, "
                 f"{counts['same']} unchanged items")
    lines.append("")

    if c.kpis:
        rows = []
        for k in c.kpis:
            mark = {"better": st("▲ better", "green"), "worse": st("▼ worse", "red"), "same": "", "n/a": ""}[k.verdict]
            rows.append([k.name, f"{format_value(k.a)} → {format_value(k.b)}", f"({format_change(k.delta)})", mark])
        lines.append(table(rows, header=["KPI", "A → B", "Δ", ""], style=st))
    if c.incident_counts_shown:
        lines.append(f"incidents  {len(c.incidents_a)} → {len(c.incidents_b)}")
    if c.kpi_rows_shown:  # (weeks without KPIs or incidents: no table, no `incidents 0 → 0`)
        lines.append("")

    col = (width - 5) // 2
    for s in c.sections:
        mark = MARKS[s.status]
        if s.a_title and s.b_title and normalized(s.a_title) != normalized(s.b_title):
            head = f"{s.a_title}  ≡  {s.b_title}"
        else:
            head = s.title
        colour_for = {"same": "dim", "changed": "yellow", "added": "green", "removed": "red"}[s.status]
        lines.append(st(f"{mark} ## {head}", "bold", colour_for) + st(f"  [{s.status}]", "dim"))
        hidden = 0
        for it in s.items:
            if it.status == "same" and not show_same:
                hidden += 1
                continue
            note = f"  ({'moved to' if it.status == 'removed' else 'moved from'} {it.moved})" if it.moved else ""
            m = MARKS[it.status]
            if side:
                spans_a = [(0, len(it.a_text))] if it.status == "removed" else it.a_spans
                spans_b = [(0, len(it.b_text))] if it.status == "added" else it.b_spans
                ra = _wrap(it.a_text, col) if it.a else []
                rb = _wrap(it.b_text, col) if it.b else []
                for n in range(max(len(ra), len(rb))):
                    left = right = plain_left = ""
                    if n < len(ra):
                        lo, hi, ind = ra[n]
                        left = " " * ind + _paint(it.a_text, spans_a, lo, hi, st, "red", None)
                        plain_left = " " * ind + it.a_text[lo:hi]
                    if n < len(rb):
                        lo, hi, ind = rb[n]
                        right = " " * ind + _paint(it.b_text, spans_b, lo, hi, st, "green", None)
                    gap = " " * max(0, col - text_width(plain_left))
                    lines.append(f"{m if n == 0 else ' '} {left}{gap} │ {right}".rstrip())
                if note:
                    lines.append(st("  " + note.strip(), "dim"))
            else:
                if it.a:
                    for line_text in _paint(it.a_text, it.a_spans if it.status == "changed" else [], 0,
                                            len(it.a_text), st, "red", ("[-", "-]")).split("\n"):
                        lines.append(st("- ", "red") + line_text)
                if it.b:
                    for line_text in _paint(it.b_text, it.b_spans if it.status == "changed" else [], 0,
                                            len(it.b_text), st, "green", ("{+", "+}")).split("\n"):
                        lines.append(st("+ ", "green") + line_text)
                if note:
                    lines.append(st("  " + note.strip(), "dim"))
        if hidden:
            lines.append(st(f"  … {hidden} unchanged", "dim"))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
