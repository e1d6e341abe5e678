"""Next week's wording: a title's dates, periods, week labels and issue numbers moved on by one period, a
date line stamped again, figures marked for updating — each in the style it was written.

The tokens are found with the parser's own patterns (`weeks`, `projects`), so a draft's title is read
back as exactly the period it names. Text is matched in its NFKC form (full-width digits are digits) and
edited in the original, so whatever the numbers do not touch stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence

# The parser's own patterns: what they recognise is what a rewritten title must say again.
from .projects import _PROGRESS
from .text import LazyPattern, nfkc
from .weeks import (_DATE_PATTERNS, _ISSUE_PATTERNS, _MONTH_NO_YEAR, _MONTH_RE, _MONTHS, _MONTHS_WITH_YEAR, _QUARTERS,
                    _RANGES, _TIME, _TRAILING_NUMBER, _WEEK_NO_YEAR, _WEEK_WITH_YEAR, _cn_number, _range_from)

MARK = "→ ?"
"""What every place to update ends with: `进度80% → ?%`, `入金有效成功率：99.98% → ?%`, `… → ?`."""

_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]
_FULL_NAMES = {n.lower() for n in _MONTH_NAMES}
_CN_NUMERALS = "零一二三四五六七八九"
_NUMBER = LazyPattern(r"[-+]?\d+(?:\.\d+)?")
# An English progress figure (`progress 60%`, `Progress: 60%`): marked too, though only 进度 is read as one.
_PROGRESS_EN = LazyPattern(r"(?i)\bprogress\s*(?:[:：]|is|at|of)?\s*\d+(?:\.\d+)?\s*%")
_GLUED_UNIT = LazyPattern(r"(?:%|‰|[^\W\d_]{1,4})(?![^\W\d_])")  # a unit right after a number (`12ms`, `3次`)
_ISSUES = _ISSUE_PATTERNS[:3]  # 第 N 期, Issue N, #N (the other two are week labels, moved as weeks)


@dataclass(frozen=True)
class Step:
    """How far one period moves: a number of days, or of months (a monthly report keeps its day)."""

    days: int = 0
    months: int = 0

    def after(self, d: date) -> date:
        """The date one step after `d` (a month step keeps the day, or the month's last one)."""
        if not self.months:
            return d + timedelta(days=self.days)
        index = d.year * 12 + d.month - 1 + self.months
        y, m = divmod(index, 12)
        return date(y, m + 1, min(d.day, _month_days(y, m + 1)))

    def weeks(self, ref: date) -> int:
        """How many weeks the step moves on from `ref` (at least one)."""
        return max(1, round((self.after(ref) - ref).days / 7))


def _month_days(y: int, m: int) -> int:
    return ((date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)).day


class _Text:
    """A text and its NFKC form, character by character, so that a match in the form is an edit of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        norm = nfkc(text)
        if norm == text:  # (most lines: nothing full-width, each character where it was)
            self.norm, self.origin = text, range(len(text))
        else:
            parts: list[str] = []
            origin: list[int] = []
            for i, ch in enumerate(text):
                n = nfkc(ch)
                parts.append(n)
                origin.extend([i] * len(n))
            self.norm, self.origin = "".join(parts), origin
        self.edits: list[tuple[int, int, str]] = []
        self.taken: list[tuple[int, int]] = []  # spans of the NFKC form already read as a token

    def free(self, start: int, end: int) -> bool:
        """Whether no token read before overlaps this span of the NFKC form."""
        return not any(s < end and start < e for s, e in self.taken)

    def source(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text a span of the NFKC form came from."""
        if start >= len(self.norm):
            return len(self.text), len(self.text)
        return self.origin[start], (self.origin[end - 1] + 1) if end > start else self.origin[start]

    def replace(self, mt: re.Match, group: str, new: str) -> None:
        """Replace a group of a match (in the NFKC form) in the original text."""
        if mt.groupdict().get(group) is None:
            return
        s, e = self.source(mt.start(group), mt.end(group))
        old = self.text[s:e]
        if old and all("０" <= ch <= "９" for ch in old) and new.isdigit():
            new = "".join(chr(ord(c) + 0xFEE0) for c in new)  # written in full-width digits: kept so
        self.edits.append((s, e, new))

    def insert(self, at: int, new: str) -> None:
        """Insert text before a position of the NFKC form."""
        s = self.source(at, at + 1)[0] if at < len(self.norm) else len(self.text)
        self.edits.append((s, s, new))

    def result(self) -> str:
        """The original text with every edit made."""
        out = self.text
        for s, e, new in sorted(self.edits, key=lambda x: (x[0], x[1]), reverse=True):
            out = out[:s] + new + out[e:]
        return out


# -- writing numbers and names as they were written ----------------------------------------------

def _padded(mt: re.Match, groups: Sequence[str]) -> bool:
    """Whether the month and day numbers of a date are written with two digits (`06-03`, not `6/3`): a
    leading zero says so, a single digit says not; two digits alone pad where digits and dashes, slashes
    or dots make the date (`2023/11/13`), not in `2023年11月13日` or beside a month's name."""
    gd = mt.groupdict()
    seen = [gd[g] for g in groups if gd.get(g)]
    if any(len(s) == 2 and s.startswith("0") for s in seen):
        return True
    if any(len(s) == 1 for s in seen) or any(gd.get(g) for g in ("mn", "mn1", "mn2")):
        return False  # (`May 24`: a month's name is not followed by a padded day unless it shows so)
    return "年" not in mt.group(0)


def _num(value: int, pad: bool) -> str:
    return f"{value:02d}" if pad else str(value)


def _month_name(month: int, like: str) -> str:
    """A month's English name in the style of `like`: full or short (`Sep`, `Sept.`), its case, its dot."""
    dot = "." if like.endswith(".") else ""
    word = like.rstrip(".")
    name = _MONTH_NAMES[month - 1]
    if word.lower() not in _FULL_NAMES:  # (`May` is both: read as a full name, as Notion writes them)
        name = "Sept" if month == 9 and len(word) == 4 else name[:3]
    if word.isupper():
        name = name.upper()
    elif word.islower():
        name = name.lower()
    return name + dot


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _set_day(t: _Text, mt: re.Match, group: str, day: int, pad: bool) -> None:
    """A day number, and its English ordinal suffix when it has one (`1st` → `8th`)."""
    t.replace(mt, group, _num(day, pad))
    end = mt.end(group)
    suffix = re.match(r"(?i)(?:st|nd|rd|th)(?![A-Za-z])", t.norm[end:end + 3])
    if suffix:
        s, e = t.source(end, end + 2)
        new = _ordinal(day)
        t.edits.append((s, e, new.upper() if suffix.group(0).isupper() else new))


def _set_month(t: _Text, mt: re.Match, num_group: str, name_group: str, month: int, pad: bool) -> None:
    if mt.groupdict().get(name_group):
        t.replace(mt, name_group, _month_name(month, mt.group(name_group)))
    else:
        t.replace(mt, num_group, _num(month, pad))


def _cn(n: int) -> str:
    """A number up to 99 in Chinese numerals (`十二`, `二十`)."""
    if n < 10:
        return _CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUMERALS[tens]) + "十" + (_CN_NUMERALS[ones] if ones else "")


def _count(value: int, like: str) -> str:
    """A count written like `like`: in digits (with its zero padding) or in Chinese numerals."""
    if like.isascii() and like.isdigit():
        return str(value).zfill(len(like)) if like.startswith("0") else str(value)
    if not like.isdigit() and value < 100:
        return _cn(value)
    return str(value)


def title_shape(title: str) -> str:
    """A title with its numbers and month names blanked out: the reports of one series share it
    (`PLCT开源进展·第#期·#年#月#日`)."""
    shape = re.sub(rf"(?<![a-z])(?:{_MONTH_RE})(?![a-z])\.?", "M", nfkc(title).lower())
    shape = re.sub(r"\d+|[零〇一二两三四五六七八九十百千]+(?=\s*[期号周季])", "#", shape)
    return re.sub(r"\s+", "", shape)


# -- moving a title on by one period --------------------------------------------------------------

def shift_title(text: str, step: Step, ref: date | None) -> str:
    """The title of the next report: every date, range, month, quarter and week label moved on by `step`,
    every issue number up by one, each written as before (`2024-W23` → `2024-W24`, `第53周` → `第54周`,
    `2024.07.29-2024.08.02` → `2024.08.05-2024.08.09`, `第 65 期` → `第 66 期`). `ref`: the first day of
    the report's period (a month or quarter named beside a week moves with that week)."""
    t = _Text(text)
    for index, pat in enumerate(_RANGES):
        for mt in pat.finditer(t.norm):
            if t.free(mt.start(), mt.end()) and (span := _range_from(mt)):
                _shift_range(t, mt, index, span, step)
                t.taken.append((mt.start(), mt.end()))
    dated = False
    for pat in _DATE_PATTERNS:
        for mt in pat.finditer(t.norm):
            if t.free(mt.start(), mt.end()):
                _shift_date(t, mt, step)
                t.taken.append((mt.start(), mt.end()))
                dated = True
    moved = step.after(ref) if ref else None
    for pat in _QUARTERS:
        for mt in pat.finditer(t.norm):
            q = _cn_number(mt["q"])
            if t.free(mt.start(), mt.end()) and q and 1 <= q <= 4:
                first = date(int(mt["y"]), 3 * q - 2, 1)
                new = step.after(first) if step.months or moved is None else moved
                t.replace(mt, "y", str(new.year))
                t.replace(mt, "q", _count((new.month - 1) // 3 + 1, mt["q"]))
                t.taken.append((mt.start(), mt.end()))
    months = list(_MONTHS_WITH_YEAR) + ([_MONTH_NO_YEAR] if dated else [])
    for pat in months:
        for mt in pat.finditer(t.norm):
            gd = mt.groupdict()
            m = _MONTHS[gd["mn"].rstrip(".").lower()] if gd.get("mn") else int(gd["m"])
            if not (t.free(mt.start(), mt.end()) and 1 <= m <= 12):
                continue
            year = int(gd["y"]) if gd.get("y") else (ref.year if ref else 2000)
            new = step.after(date(year, m, 1)) if step.months or moved is None else moved
            t.replace(mt, "y", str(new.year))
            _set_month(t, mt, "m", "mn", new.month, pad=len(gd.get("m") or "") == 2 and gd["m"][0] == "0")
            t.taken.append((mt.start(), mt.end()))
    for pat in _WEEK_WITH_YEAR:
        for mt in pat.finditer(t.norm):
            if not t.free(mt.start(), mt.end()):
                continue
            try:
                monday = date.fromisocalendar(int(mt["y"]), int(mt["w"]), 1)
            except ValueError:
                continue
            y, w, _ = step.after(monday).isocalendar()
            t.replace(mt, "y", str(y))
            iso = pat is _WEEK_WITH_YEAR[0] and len(mt["w"]) == 2  # `2024-W52` → `2025-W01`
            t.replace(mt, "w", f"{w:02d}" if iso else _count(w, mt["w"]))
            t.taken.append((mt.start(), mt.end()))
    weeks = step.weeks(ref or date(2000, 1, 3))
    for pat in _WEEK_NO_YEAR:
        for mt in pat.finditer(t.norm):
            if t.free(mt.start(), mt.end()) and 1 <= int(mt["w"]) <= 53:
                t.replace(mt, "w", _count(int(mt["w"]) + weeks, mt["w"]))
                t.taken.append((mt.start(), mt.end()))
    for pat in _ISSUES:
        for mt in pat.finditer(t.norm):
            n = _cn_number(mt["n"])
            if n is not None and t.free(mt.start(), mt.end()):
                t.replace(mt, "n", _count(n + 1, mt["n"]))
                t.taken.append((mt.start(), mt.end()))
    mt = _TRAILING_NUMBER.search(t.norm)
    if mt and not t.edits and not (len(mt["n"]) == 4 and mt["n"][:2] in ("19", "20")):
        t.replace(mt, "n", _count(int(mt["n"]) + 1, mt["n"]))  # `This Week in Rust 42`
    return t.result()


def _shift_date(t: _Text, mt: re.Match, step: Step) -> None:
    gd = mt.groupdict()
    month = _MONTHS[gd["mn"].lower()] if gd.get("mn") else int(gd["m"])
    try:
        old = date(int(gd["y"]), month, int(gd["d"]))
    except ValueError:
        return
    new = step.after(old)
    pad = _padded(mt, ("m", "d"))
    t.replace(mt, "y", str(new.year))
    _set_month(t, mt, "m", "mn", new.month, pad)
    _set_day(t, mt, "d", new.day, pad)


def _shift_range(t: _Text, mt: re.Match, index: int, span: tuple[date, date], step: Step) -> None:
    """Move a range on, keeping its length; a month left out at its end (`Aug 15 - 21`) is written
    where the moved range ends in another month (`Aug 29 - Sep 4`)."""
    start, end = span
    new_start = step.after(start)
    new_end = new_start + (end - start)
    gd = mt.groupdict()
    pad = _padded(mt, ("m1", "d1", "m2", "d2"))
    t.replace(mt, "y1", str(new_start.year))
    t.replace(mt, "y2", str(new_end.year))
    _set_month(t, mt, "m1", "mn1", new_start.month, pad)
    _set_month(t, mt, "m2", "mn2", new_end.month, pad)
    _set_day(t, mt, "d1", new_start.day, pad)
    _set_day(t, mt, "d2", new_end.day, pad)
    if new_end.month == new_start.month:
        return
    if index == 0 and not gd.get("m2"):  # 2024.07.29-02 → 2024.07.29-08.02
        sep = t.norm[mt.end("m1"):mt.start("d1")]
        t.insert(mt.start("d2"), _num(new_end.month, pad) + sep)
    elif index == 1 and not gd.get("m2"):  # 2024年7月29日—8月2日
        t.insert(mt.start("d2"), f"{new_end.month}月")
    elif index == 2 and not gd.get("mn2"):  # Aug 29 - Sep 4, 2016
        t.insert(mt.start("d2"), _month_name(new_end.month, gd["mn1"]) + " ")
    elif index == 3 and not gd.get("mn1"):  # 29 August - 4 September 2016
        end1 = mt.end("d1")
        end1 += len(re.match(r"(?i)(?:st|nd|rd|th)?", t.norm[end1:]).group(0))
        t.insert(end1, " " + _month_name(new_start.month, gd["mn2"]))


# -- a date line stamped again ---------------------------------------------------------------------

def restamp(text: str, when: datetime | date) -> str | None:
    """The text with its first date (and the time of day after it, when there is one) replaced by `when`,
    written as before (`2024年6月4日 15:34`, `April 27, 2024 9:28 AM`); None when it holds no date."""
    t = _Text(text)
    found = [mt for pat in _DATE_PATTERNS for mt in pat.finditer(t.norm)]
    if not found:
        return None
    mt = min(found, key=lambda m: m.start())
    day = when.date() if isinstance(when, datetime) else when
    pad = _padded(mt, ("m", "d"))
    t.replace(mt, "y", str(day.year))
    _set_month(t, mt, "m", "mn", day.month, pad)
    _set_day(t, mt, "d", day.day, pad)
    tm = _TIME.match(t.norm, mt.end())
    if tm and isinstance(when, datetime):
        hour = when.hour
        if tm["ap"]:
            ap = "AM" if hour < 12 else "PM"
            hour = hour % 12 or 12
            t.replace(tm, "ap", ap if tm["ap"].isupper() else ap.lower())
            pad_hour = tm["h"].startswith("0")
        else:
            pad_hour = len(tm["h"]) == 2
        t.replace(tm, "h", _num(hour, pad_hour))
        t.replace(tm, "mi", f"{when.minute:02d}")
    return t.result()


# -- figures to update ----------------------------------------------------------------------------

def mark_figures(text: str, values: Sequence[tuple[str, float, str]] = (), progress: bool = True) -> tuple[str, int]:
    """The text with `→ ?` after each figure to update: every progress percentage (`进度80%` →
    `进度80% → ?%`, `progress 60%`), and each KPI given as (what was read, value, unit): its value where that reading
    stands in the text (`入金有效成功率：99.98%` → `入金有效成功率：99.98% → ?%`; every count of
    `C级1次，D级0.5次`), else its value's first appearance. Also how many figures were marked."""
    t = _Text(text)
    if progress and ("进" in t.norm or "rogress" in t.norm or "ROGRESS" in t.norm):
        for pat in (_PROGRESS, _PROGRESS_EN):
            for mt in pat.finditer(t.norm):
                if t.free(mt.start(), mt.end()):
                    t.taken.append((mt.start(), mt.end()))
                    t.insert(mt.end(), f" {MARK}%")
    for raw, value, unit in values:
        t.taken.extend(_mark_value(t, nfkc(raw), value, unit))
    return t.result(), len(t.taken)


def _mark_value(t: _Text, raw: str, value: float, unit: str) -> list[tuple[int, int]]:
    """Mark one KPI: within its reading `raw` when the text holds it (every number followed by its unit,
    or the last number when it has none), else the first free number equal to its value."""
    at = t.norm.find(raw) if raw else -1
    if at >= 0:
        numbers = [mt for mt in _NUMBER.finditer(t.norm, at, at + len(raw)) if t.free(mt.start(), mt.end())]
        if unit:
            numbers = [mt for mt in numbers if t.norm[mt.end():].lstrip().startswith(unit)]
        else:
            numbers = numbers[-1:]
    else:
        numbers = [mt for mt in _NUMBER.finditer(t.norm) if t.free(mt.start(), mt.end()) and float(mt.group()) == value][:1]
    spans = []
    for mt in numbers:
        end, written = mt.end(), unit
        rest = t.norm[end:]
        if unit and rest.lstrip().startswith(unit):
            end += len(rest) - len(rest.lstrip()) + len(unit)
        elif not unit and (glued := _GLUED_UNIT.match(rest)):
            end, written = end + glued.end(), glued.group()  # (`12ms` in a table cell: its unit as written)
        spans.append((mt.start(), end))
        t.insert(end, f" {MARK}{written}")
    return spans


def mark_status(text: str) -> str:
    """A status line to update: its figures marked, else `→ ?` at its end."""
    marked, n = mark_figures(text)
    return marked if n else f"{text.rstrip()} {MARK}"
