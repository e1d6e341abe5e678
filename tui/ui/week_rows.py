"""What a row of the week list says: the label — a long prefix it shares with the rows beside it
shortened to `…` when the label does not fit, so that the part that differs shows — then on the second
line only what the first does not say: the ISO week and dates (each left out when the label holds it),
or for an undated report its file, with its folder and file date where they tell it from its neighbours.

Pure functions of reports, neighbours and widths (Rich text, no Textual): the list asks for a row as it
draws it, with the reports above and below, so a list of any length costs what a screenful does.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from typing import Callable

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from ..index.formats import week_dates
from ..model.report import Report
from ..model.text import printable_name

ELLIPSIS = "…"
MIN_SHARED = 8  # cells: a shared prefix is shortened only when it is at least this long
REACH = 8  # rows: how far to look for a neighbour whose label differs
UNREAD_MARK = " •"  # after the author's name: a report not read yet (a team's library)

# A label may be cut before an opening bracket (it stays with what it opens), after a space or one of
# these separators, or between two wide (CJK) characters; never inside a word or a number.
_OPENING = frozenset("([{（【《「『〈〔［｛<")
_SEPARATORS = frozenset("·・、，,；;：:|—")
_DATE_JOINERS = frozenset("./-")


def _wide(ch: str) -> bool:
    return get_character_cell_size(ch) == 2


def _word(ch: str) -> bool:
    """A letter or digit of a narrow (Latin) word."""
    return ch.isalnum() and not _wide(ch)


def _counts(label: str, i: int) -> bool:
    """Whether the number starting at `i` counts something named just before it (`第 407 期`,
    `Issue 12`, `Rust 42`, `#7`): it must not be parted from that word. A date or a week (`2019/11/18`,
    `2024-W20`) stands alone."""
    j = i
    while j < len(label) and label[j].isdigit():
        j += 1
    after = label[j:j + 3]
    if after[:1] in _DATE_JOINERS and after[1:2].isdigit() or after[:2] in ("-W", "-w") and after[2:3].isdigit():
        return False
    k = i - 1
    while k >= 0 and label[k].isspace():
        k -= 1
    return k >= 0 and label[k] not in _SEPARATORS and label[k] not in _OPENING


def _may_cut(label: str, i: int) -> bool:
    """Whether the part of `label` kept after a `…` may start at character `i`."""
    ch, before = label[i], label[i - 1]
    if ch.isspace() or before in _OPENING:
        return False
    if ch.isdigit() and (before.isdigit() or _counts(label, i)):
        return False
    if ch in _OPENING or before.isspace() or before in _SEPARATORS:
        return True
    if _wide(before) and _wide(ch):  # (no word boundaries are known inside a run of CJK)
        return unicodedata.category(ch)[0] in "LN" and unicodedata.category(before)[0] in "LN"
    return _wide(before) != _wide(ch) and (_word(before) or _wide(before)) and (_word(ch) or _wide(ch))


def common_prefix(a: str, b: str) -> int:
    """How many leading characters two labels share (letter case aside)."""
    n = 0
    for x, y in zip(a, b):
        if x != y and x.casefold() != y.casefold():
            break
        n += 1
    return n


def shared_cut(label: str, *neighbours: str | None, least: int = MIN_SHARED) -> int:
    """Where the part of `label` that tells it from its neighbours begins: the last place a label may be
    cut (`_may_cut`) within the prefix it shares with a neighbour, when what is before it is at least
    `least` cells wide; 0 when nothing is worth shortening. A neighbour whose label holds all of this one
    tells nothing apart (the row's author or second line does)."""
    shared = 0
    for other in neighbours:
        if other:
            n = common_prefix(label, other)
            if n < len(label):
                shared = max(shared, n)
    for i in range(shared, 0, -1):
        if _may_cut(label, i):
            return i if cell_len(label[:i]) >= least else 0
    return 0


def labels_beside(label_at: Callable[[int], str | None], count: int, i: int, reach: int = REACH) -> tuple[str | None, str | None]:
    """The nearest labels above and below row `i` (of `count`, read with `label_at`) that differ from its
    own: rows alike (a team's reports of one week under one title) are told apart from the rows around
    them, as each of them is. Looks at most `reach` rows each way, so a row costs the same in any list."""
    own = label_at(i)
    found: list[str | None] = []
    for step in (-1, 1):
        other = None
        j = i + step
        while 0 <= j < count and abs(j - i) <= reach:
            label = label_at(j)
            if label != own:
                other = label
                break
            j += step
        found.append(other)
    return found[0], found[1]


def shorten_shared(label: str, room: int, *neighbours: str | None) -> str:
    """`label` as the list shows it in `room` cells: whole when it fits, else with the prefix it shares
    with its neighbours replaced by `…` (`…(October 2020)`, `…（第 407 期）`); the end is cut later if it
    still does not fit."""
    if cell_len(label) <= room:
        return label
    cut = shared_cut(label, *neighbours)
    return ELLIPSIS + label[cut:] if cut else label


def row_label(report: Report | None) -> str | None:
    """The label a report's row shows (its file's name when it has none)."""
    return None if report is None else (report.label or printable_name(report.source.name))


def week_prompt(report: Report, marked: bool = False, current: bool = False, width: int | None = None,
                author: bool = False, unread: bool = False, above: Report | None = None,
                below: Report | None = None, beside: tuple[str | None, str | None] | None = None) -> Text:
    """Two lines for one report: the label (with marks), then what the label does not say (its ISO week
    and dates, or for an undated report its file); `author` (a team's library): the label is led by whose
    report it is (`张三  周报 2024-W25`), and by `•` after the name when `unread`. `above` and `below` are
    the reports on the rows next to it; the prefix a long label shares with theirs — or with the labels
    `beside` it (`labels_beside`), when given — is shortened.

    Each line is cut to `width` cells with an ellipsis, the marks kept: a long label must not wrap into
    the second line, which would hide the week and break the two-lines-a-row arithmetic.
    """
    marks = Text.assemble((" ⚠" if report.warnings else "", "bold yellow"), (" ●" if marked else "", "bold"))
    who = Text()
    if author:
        who = Text(report.author, style="bold") if report.author else Text("–", style="dim")
        if unread:
            who.append(UNREAD_MARK, style="bold cyan")
        who.append("  ")
    label = row_label(report) or ""
    room = (width - who.cell_len - marks.cell_len) if width else None
    if room is not None and room > 1:
        label = shorten_shared(label, room, *(beside or (row_label(above), row_label(below))))
    name = Text(label, style="bold" if current else "")
    if room is not None and room > 1:
        name.truncate(room, overflow="ellipsis")
    first = Text.assemble(who, name, marks)
    said = name.plain
    if report.week and report.start and report.end:
        second = Text(dated_detail(report, said), style="dim")
    else:
        second = Text(undated_detail(report, said, above, below), style="dim italic")
    lines = [first, second]
    for line in lines:
        line.no_wrap = True
        line.overflow = "ellipsis"
        if width and width > 1:
            line.truncate(width, overflow="ellipsis")
    out = Text("\n").join(lines)
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out


def _date_forms(day: datetime.date) -> list[str]:
    """The ways a label writes a date (`2024-06-03`, `2024.6.3`, `2024/06/03`, `2024年6月3日`)."""
    y, m, d = day.year, day.month, day.day
    forms = [f"{y}{sep}{m:02d}{sep}{d:02d}" for sep in "-./"] + [f"{y}{sep}{m}{sep}{d}" for sep in "-./"]
    return forms + [f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", f"{y}{m:02d}{d:02d}"]


def dated_detail(report: Report, said: str = "") -> str:
    """The second line of a dated report: its ISO week and dates, leaving out what the first line
    (`said`) already shows — the week (`2024-W23` → `06-03–06-09`) or the first day (`周报 2024.06.03` →
    `2024-W23`)."""
    week = report.week or ""
    dates = week_dates(report, short=True)
    folded = said.casefold()
    has_week = bool(week) and week.casefold() in folded
    has_dates = report.start is not None and report.period in ("week", "range") and any(
        form in said for form in _date_forms(report.start))
    if has_week:
        return dates
    if has_dates:
        return week
    return f"{week}  {dates}"


def _place(report: Report) -> tuple[str, str]:
    """(folder, file name) of a report's file, or of its member inside an archive, fit for a terminal (a
    name's control characters shown as escapes: a file name never drives the terminal)."""
    source = report.source
    where = source.path if source.member is None else source.member.replace("\\", "/")
    where = where.replace("\\", "/").rstrip("/")
    folder = os.path.basename(os.path.dirname(where))
    if source.member is not None and not folder:
        folder = os.path.basename(source.path)
    return printable_name(folder), printable_name(os.path.basename(where) or source.name)


def _file_day(report: Report) -> str:
    if not report.mtime:
        return ""
    try:
        return f"{datetime.date.fromtimestamp(report.mtime):%Y-%m-%d}"
    except (OverflowError, OSError, ValueError):
        return ""


def undated_detail(report: Report, said: str = "", above: Report | None = None, below: Report | None = None) -> str:
    """The second line of an undated report (its week is unknown): its file's name, unless the first line
    (`said`) is that name; its folder and its file's date only where they differ from a neighbour's (or
    when there is no neighbour) — on a folder of issues cloned in one go they would be alike on every row."""
    folder, name = _place(report)
    neighbours = [r for r in (above, below) if r is not None]
    stem, said = os.path.splitext(name)[0].casefold(), said.casefold()
    shown_name = "" if said == stem or name.casefold() in said else name
    own_folder = folder and (not neighbours or any(_place(r)[0] != folder for r in neighbours))
    day = _file_day(report)
    own_day = day and (not neighbours or any(_file_day(r) != day for r in neighbours))
    where = f"{folder}/{shown_name}" if own_folder and shown_name else (shown_name or (folder if own_folder else ""))
    parts = [where] if where else []
    if own_day:
        parts.append(f"file {day}")
    return " · ".join(parts) or "undated"
