"""Dates and week labels in titles, metadata lines and file names, and ISO weeks.

All functions take text already normalised with NFKC (full-width digits are ASCII).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])"),
    re.compile(rf"(?i)\b(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"(?i)\b(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d\d)\b"),
]
_MONTH_ONLY = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)"),
    re.compile(rf"(?i)\b(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d\d)\b"),
]
_TIME = re.compile(r"(?i)\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?\s*(?P<ap>am|pm)?")

# Week labels with a year: 2024-W18, 2024-w26, 2024W18, 2024年第28周, Week 34, 2024, W34 2024
_WEEK_WITH_YEAR = [
    re.compile(r"(?i)(?<!\d)(?P<y>(?:19|20)\d\d)\s*-?\s*W(?P<w>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年\s*第?\s*(?P<w>\d{1,2})\s*周"),
    re.compile(r"(?i)\bweek\s*(?P<w>\d{1,2})\s*[,/ ]\s*(?P<y>(?:19|20)\d\d)\b"),
]
# Week labels without a year: 第53周, W53, Week 53
_WEEK_NO_YEAR = [
    re.compile(r"第\s*(?P<w>\d{1,2})\s*周"),
    re.compile(r"(?i)(?<![\w-])W(?P<w>\d{1,2})(?!\d)"),
    re.compile(r"(?i)\bweek\s*(?P<w>\d{1,2})\b"),
]


@dataclass
class DateHit:
    """A date found in text, with the span it occupied."""

    value: date
    start: int
    end: int
    month_only: bool = False


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _groups_to_date(mt: re.Match) -> date | None:
    gd = mt.groupdict()
    month = _MONTHS[gd["mn"].lower()] if gd.get("mn") else int(gd["m"])
    return _mk(int(gd["y"]), month, int(gd.get("d") or 1))


def find_dates(text: str, month_only: bool = False) -> list[DateHit]:
    """Every full date in the text (and month-only dates when asked), in order of position."""
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
    if month_only:
        for pat in _MONTH_ONLY:
            for mt in pat.finditer(text):
                if any(s < mt.end() and mt.start() < e for s, e in taken):
                    continue
                d = _groups_to_date(mt)
                if d:
                    hits.append(DateHit(d, mt.start(), mt.end(), month_only=True))
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


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week string."""
    y, w = parse_iso_week(week) or (0, 0)
    monday = date.fromisocalendar(y, w, 1)
    return monday, monday + timedelta(days=6)


_ISO_WEEK_ARG = re.compile(r"(?i)^\s*(\d{4})-?W(\d{1,2})\s*$")


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
