"""Dates, periods and week labels in titles, metadata lines and file names; ISO weeks; issue numbers.

A *period* is what a report covers when it says so: a date range (`May 22 ~ June 05, 2017`,
`2024.07.29-2024.08.02`, `2024年7月29日—8月2日`), a month (`May 2020`, `2025 年 6 月`) or a quarter
(`2024Q2`, `2024 年第二季度`). One set of rules reads them from titles, front matter and file names alike.

All functions take text already normalised with NFKC (full-width digits are ASCII).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .text import LazyPattern

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Full dates, most specific first. Each pattern has named groups y, m, d.
_DATE_PATTERNS = [
    LazyPattern(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    LazyPattern(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-/._](?P<m>\d{1,2})[-/._](?P<d>\d{1,2})(?![\d])"),
    LazyPattern(rf"(?i)\b(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"),
    LazyPattern(rf"(?i)\b(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d\d)\b"),
]
_TIME = LazyPattern(r"(?i)\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?\s*(?P<ap>am|pm)?")

# Week labels with a year: 2024-W18, 2024-w26, 2024W18, 2024年第28周, Week 34, 2024, W34 2024
_WEEK_WITH_YEAR = [
    LazyPattern(r"(?i)(?<!\d)(?P<y>(?:19|20)\d\d)\s*-?\s*W(?P<w>\d{1,2})(?!\d)"),
    LazyPattern(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*第?\s*(?P<w>\d{1,2})\s*周"),
    LazyPattern(r"(?i)\bweek\s*(?P<w>\d{1,2})\s*[,/ ]\s*(?P<y>(?:19|20)\d\d)\b"),
]
# Week labels without a year: 第53周, W53, Week 53
_WEEK_NO_YEAR = [
    LazyPattern(r"第\s*(?P<w>\d{1,2})\s*周"),
    LazyPattern(r"(?i)(?<![\w-])W(?P<w>\d{1,2})(?!\d)"),
    LazyPattern(r"(?i)\bweek\s*(?P<w>\d{1,2})\b"),
]


@dataclass
class DateHit:
    """A date found in text, with the span it occupied."""

    value: date
    start: int
    end: int


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _groups_to_date(mt: re.Match) -> date | None:
    gd = mt.groupdict()
    month = _MONTHS[gd["mn"].lower()] if gd.get("mn") else int(gd["m"])
    return _mk(int(gd["y"]), month, int(gd.get("d") or 1))


_ANY_YEAR = LazyPattern(r"(?:19|20)\d\d")  # every date and period pattern holds a year


def find_dates(text: str) -> list[DateHit]:
    """Every full date in the text, in order of position."""
    if not _ANY_YEAR.search(text):
        return []
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for pat in _DATE_PATTERNS:
        for mt in pat.finditer(text):
            if any(s < mt.end() and mt.start() < e for s, e in taken):
                continue
            d = _groups_to_date(mt)
            if d:
                hits.append(DateHit(d, mt.start(), mt.end()))
                taken.append((mt.start(), mt.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def parse_datetime(text: str) -> datetime | date | None:
    """The first date in the text, with its time of day when one follows it."""
    hits = find_dates(text)
    if not hits:
        return None
    hit = hits[0]
    mt = _TIME.match(text, hit.end)
    if mt:
        h, mi = int(mt["h"]), int(mt["mi"])
        ap = (mt["ap"] or "").lower()
        if ap == "pm" and h < 12:
            h += 12
        elif ap == "am" and h == 12:
            h = 0
        if h < 24 and mi < 60:
            return datetime(hit.value.year, hit.value.month, hit.value.day, h, mi)
    return hit.value


@dataclass
class WeekLabel:
    """A week label found in text: week number, year when written, and its span."""

    week: int
    year: int | None
    start: int
    end: int
    text: str


def find_week_labels(text: str) -> list[WeekLabel]:
    """Every week label in the text, with or without a year, in order of position."""
    found: list[WeekLabel] = []
    taken: list[tuple[int, int]] = []
    for pats, with_year in ((_WEEK_WITH_YEAR, True), (_WEEK_NO_YEAR, False)):
        for pat in pats:
            for mt in pat.finditer(text):
                if any(s < mt.end() and mt.start() < e for s, e in taken):
                    continue
                w = int(mt["w"])
                if not 1 <= w <= 53:
                    continue
                found.append(WeekLabel(w, int(mt["y"]) if with_year else None, mt.start(), mt.end(), mt.group(0)))
                taken.append((mt.start(), mt.end()))
    found.sort(key=lambda w: w.start)
    return found


def iso_week(d: date) -> str:
    """`2024-W17` for a date."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def weeks_between(start: date, end: date) -> list[str]:
    """Every ISO week from the one holding `start` to the one holding `end`, in order (`start` alone when
    `end` is earlier)."""
    monday = start - timedelta(days=start.weekday())
    weeks = [iso_week(monday)]
    monday += timedelta(days=7)
    while monday <= end:
        weeks.append(iso_week(monday))
        monday += timedelta(days=7)
    return weeks


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week string."""
    y, w = parse_iso_week(week) or (0, 0)
    monday = date.fromisocalendar(y, w, 1)
    return monday, monday + timedelta(days=6)


_ISO_WEEK_ARG = LazyPattern(r"(?i)^\s*(\d{4})-?W(\d{1,2})\s*$")


def parse_iso_week(text: str) -> tuple[int, int] | None:
    """(year, week) of an ISO week string like `2024-W23` or `2024w23`; None if it is not one."""
    mt = _ISO_WEEK_ARG.match(text)
    if not mt:
        return None
    y, w = int(mt[1]), int(mt[2])
    try:
        date.fromisocalendar(y, w, 1)
    except ValueError:
        return None
    return y, w


def label_week(label: WeekLabel, year: int) -> str | None:
    """The ISO week a label names, in the given year when it has none; None if no such week."""
    y = label.year or year
    try:
        date.fromisocalendar(y, label.week, 1)
    except ValueError:
        return None
    return f"{y}-W{label.week:02d}"


# -- periods: ranges, months, quarters --------------------------------------------------------------

PERIOD_KINDS = ("week", "range", "month", "quarter")  # how long what a report covers is
STATED_KINDS = ("range", "month", "quarter")  # the kinds a report states as such (a range or a month)
MAX_RANGE_DAYS = 120  # a longer "range" is two unrelated dates, not what one report covers

_Y = r"(?:19|20)\d\d"
_MN = rf"(?:{_MONTH_RE})(?![a-z])\.?"
# Between the two ends of a range: ~ - – — 〜 至 到 to till until through
_RSEP = r"\s*(?:~|〜|-|–|—|至|到|(?<![A-Za-z])(?:to|till|until|through)(?![A-Za-z]))\s*"
_ORD = r"(?:st|nd|rd|th)?"
_RANGES = [
    # 2024.07.29-2024.08.02, 2023.10.10~2023.10.24, 2024_12.13-2024_12.20, 2024-07-29 ~ 08-02, also glued to
    # a name (`xingmingyyj2023.10.10-2023.10.24`) but not to a version's `v` (`v2024.1.2-3`)
    LazyPattern(rf"(?<![\d.])(?<!(?<![A-Za-z])[vV])(?P<y1>{_Y})[-/._](?P<m1>\d{{1,2}})[-/._](?P<d1>\d{{1,2}})(?!\d){_RSEP}"
               rf"(?:(?P<y2>{_Y})[-/._])?(?:(?P<m2>\d{{1,2}})[-/._])?(?P<d2>\d{{1,2}})(?![\d])"),
    # 2024年7月29日—8月2日, 2024年7月29日至2024年8月2日
    LazyPattern(rf"(?<!\d)(?P<y1>{_Y})\s*年\s*(?P<m1>\d{{1,2}})\s*月\s*(?P<d1>\d{{1,2}})\s*[日号]?{_RSEP}"
               rf"(?:(?P<y2>{_Y})\s*年\s*)?(?:(?P<m2>\d{{1,2}})\s*月\s*)?(?P<d2>\d{{1,2}})\s*[日号]"),
    # May 22 ~ June 05, 2017; Aug 15 - 21, 2016; May 22, 2017 - June 5, 2017
    LazyPattern(rf"(?i)(?<![A-Za-z])(?P<mn1>{_MN})\s+(?P<d1>\d{{1,2}}){_ORD}(?:,?\s+(?P<y1>{_Y}))?{_RSEP}"
               rf"(?:(?P<mn2>{_MN})\s+)?(?P<d2>\d{{1,2}}){_ORD},?\s+(?P<y2>{_Y})(?!\d)"),
    # 22 May - 5 June 2017; 15 - 21 August 2016
    LazyPattern(rf"(?i)(?<![\w.])(?P<d1>\d{{1,2}}){_ORD}(?:\s+(?P<mn1>{_MN})(?:,?\s+(?P<y1>{_Y}))?)?{_RSEP}"
               rf"(?P<d2>\d{{1,2}}){_ORD}\s+(?P<mn2>{_MN}),?\s+(?P<y2>{_Y})(?!\d)"),
]
_QUARTERS = [
    LazyPattern(rf"(?i)(?<![\dA-Za-z])(?P<y>{_Y})\s*[-/ ]?\s*年?\s*Q(?P<q>[1-4])(?!\d)"),  # 2024Q2, 2024-Q2
    LazyPattern(rf"(?i)(?<![A-Za-z])Q(?P<q>[1-4])[\s,/-]*(?P<y>{_Y})(?!\d)"),  # Q2 2024
    LazyPattern(rf"(?<!\d)(?P<y>{_Y})\s*年\s*第?\s*(?P<q>[一二三四1-4])\s*季"),  # 2024 年第二季度
]
_MONTHS_WITH_YEAR = [
    LazyPattern(rf"(?<!\d)(?P<y>{_Y})\s*年\s*(?P<m>\d{{1,2}})\s*月(?!\s*\d)(?!\s*第)"),  # 2025 年 6 月
    LazyPattern(rf"(?i)(?<![A-Za-z])(?P<mn>{_MN})[\s,_-]*(?P<y>{_Y})(?!\d)"),  # May 2020, Jan-2026
]
# A month without a year (`（4月汇总）`), read only beside a full date that gives the year.
_MONTH_NO_YEAR = LazyPattern(r"(?<!\d)(?P<m>\d{1,2})\s*月(?![日号])(?!\s*\d)(?!\s*第)")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}


@dataclass(frozen=True)
class PeriodHit:
    """A period written in text (a range, a month or a quarter), with the span it occupied."""

    start: date
    end: date
    kind: str
    pos: int
    endpos: int


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


def _range_from(mt: re.Match) -> tuple[date, date] | None:
    """The dates of a range match: a missing year or month on one end is taken from the other."""
    gd = mt.groupdict()

    def month(n: str) -> int | None:
        if gd.get(f"mn{n}"):
            return _MONTHS[gd[f"mn{n}"].rstrip(".").lower()]
        return int(gd[f"m{n}"]) if gd.get(f"m{n}") else None

    m1, m2 = month("1"), month("2")
    y1, y2 = (int(gd[k]) if gd.get(k) else None for k in ("y1", "y2"))
    d1, d2 = int(gd["d1"]), int(gd["d2"])
    m1, m2 = m1 or m2, m2 or m1
    if m1 is None or m2 is None:
        return None
    if y1 is None and y2 is None:
        return None
    if y1 is None:  # May 22 ~ June 05, 2017 (Dec 28 ~ Jan 3, 2025 starts the year before)
        y1 = y2 - 1 if (m1, d1) > (m2, d2) else y2
    if y2 is None:  # 2024.12.28-01.03 ends the year after
        y2 = y1 + 1 if (m2, d2) < (m1, d1) else y1
    start, end = _mk(y1, m1, d1), _mk(y2, m2, d2)
    if start is None or end is None or not 0 < (end - start).days <= MAX_RANGE_DAYS:
        return None
    return start, end


def _cn_number(text: str) -> int | None:
    """An integer written in digits or in Chinese numerals up to 9999 (`57`, `一`, `十二`, `一百零三`)."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in "十百千":
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def find_periods(text: str) -> list[PeriodHit]:
    """Every range, quarter and month written in the text, in order of position.

    A month without a year (`（4月汇总）`) is read when the text also holds a full date: it is the
    latest such month on or before that date (`2025 年 1 月 1 日（12月汇总）` is December 2024).
    """
    if not _ANY_YEAR.search(text):
        return []
    hits: list[PeriodHit] = []
    taken: list[tuple[int, int]] = []

    def free(mt: re.Match) -> bool:
        return not any(s < mt.end() and mt.start() < e for s, e in taken)

    def add(start: date, end: date, kind: str, mt: re.Match) -> None:
        hits.append(PeriodHit(start, end, kind, mt.start(), mt.end()))
        taken.append((mt.start(), mt.end()))

    for pat in _RANGES:
        for mt in pat.finditer(text):
            if free(mt) and (span := _range_from(mt)):
                add(*span, "range", mt)
    full = [h for h in find_dates(text) if not any(s < h.end and h.start < e for s, e in taken)]
    taken.extend((h.start, h.end) for h in full)  # (`22 May 2020` is a day, not May)
    for pat in _QUARTERS:
        for mt in pat.finditer(text):
            q = _cn_number(mt["q"])
            if free(mt) and q and 1 <= q <= 4:
                y = int(mt["y"])
                add(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter", mt)
    for pat in _MONTHS_WITH_YEAR:
        for mt in pat.finditer(text):
            m = _MONTHS[mt["mn"].rstrip(".").lower()] if mt.groupdict().get("mn") else int(mt["m"])
            if free(mt) and 1 <= m <= 12:
                y = int(mt["y"])
                add(date(y, m, 1), _month_end(y, m), "month", mt)
    if full and "月" in text:
        ref = full[0].value
        for mt in _MONTH_NO_YEAR.finditer(text):
            m = int(mt["m"])
            if free(mt) and 1 <= m <= 12:
                y = ref.year if m <= ref.month else ref.year - 1
                add(date(y, m, 1), _month_end(y, m), "month", mt)
    hits.sort(key=lambda h: h.pos)
    return hits


def period_text(start: date, end: date, kind: str | None, short: bool = False) -> str:
    """A period as shown: `2024-06-03–06-09` (a week), `2023-10-10 – 10-24` (a range), `2020-05` (a month),
    `2024-Q2` (a quarter); `short` leaves the year off weeks and ranges within one year."""
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "range":
        tail = f"{end:%m-%d}" if end.year == start.year else f"{end:%Y-%m-%d}"
        return f"{start:%m-%d} – {tail}" if short and end.year == start.year else f"{start:%Y-%m-%d} – {tail}"
    return f"{start:%m-%d}–{end:%m-%d}" if short else f"{start:%Y-%m-%d}–{end:%m-%d}"


# -- numbered issues and the order of reports -------------------------------------------------------

_ISSUE_PATTERNS = [
    LazyPattern(r"第\s*(?P<n>\d{1,6}|[零〇一二两三四五六七八九十百千]{1,8})\s*[期号]"),  # 第 57 期, 第一期
    LazyPattern(r"(?i)(?<![A-Za-z])(?:issue|episode|no\.|nr\.)\s*[-_#]?\s*(?P<n>\d{1,6})(?!\d)"),  # Issue 37, issue-37
    LazyPattern(r"(?<![\w&])#\s?(?P<n>\d{1,6})(?!\d)"),  # #37
    LazyPattern(r"第\s*(?P<n>\d{1,2})\s*周"),  # 第N周
    LazyPattern(r"(?i)(?<![A-Za-z])week\s*[-_]?\s*(?P<n>\d{1,2})(?!\d)"),  # Week4, week-4
]
_ISSUE_NEEDS = ["第", None, "#", "第", None]  # a character each pattern holds literally (None: no such)
# A title that ends with a number (`This Week in Rust 42`); not a year, not a version (`0.7`).
_TRAILING_NUMBER = LazyPattern(r"(?<=[A-Za-z\u3400-\u9fff])\s+(?P<n>\d{1,5})\s*$")
_NATURAL = LazyPattern(r"([0-9]+)")


_WEEK_NUMBERS = 3  # the patterns from this one on number weeks (`第N周`, `Week4`), not issues


def issue_number(label: str, name: str = "", weeks: bool = True) -> int | None:
    """The issue number a report's label or else its file name names (`第 N 期`, `Issue 37`, `#37`,
    `issue-37.md`, `第N周`, `Week4`, or a label ending in a number: `This Week in Rust 42`); None if none.
    `weeks=False`: an issue's number only, not a week's (`第N周` without a year does not date a report)."""
    for text in (label, name):
        text = text.replace("\u3000", " ")
        for k, (pat, needs) in enumerate(zip(_ISSUE_PATTERNS, _ISSUE_NEEDS)):
            if k >= _WEEK_NUMBERS and not weeks:
                continue
            if needs is not None and needs not in text:
                continue  # (a pattern that cannot match without this character)
            mt = pat.search(text)
            if mt:
                n = _cn_number(mt["n"])
                if n is not None:
                    return n
    mt = _TRAILING_NUMBER.search(label)
    if mt and not (len(mt["n"]) == 4 and mt["n"][:2] in ("19", "20")):
        return int(mt["n"])
    return None


def natural_key(text: str) -> tuple:
    """A sort key that orders the numbers inside text by value (`issue-2` before `issue-10`)."""
    parts = _NATURAL.split(text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def report_order(week: str | None, created: str, label: str, display: str, name: str) -> tuple:
    """Where a report goes in a list: by week (then creation time, issue number, natural order of its
    path); undated reports after every dated one, numbered issues first by number, the rest in natural
    order. One definition for the library and for search from the cache."""
    n = issue_number(label, name)
    numbered = (0, n) if n is not None else (1, 0)
    if week is None:
        return (1, "", "", numbered, natural_key(display))
    return (0, week, created, numbered, natural_key(display))
