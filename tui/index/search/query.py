"""The query grammar: words and filters.

    贝易转                     a word (every word of a query must occur on the line)
    Rust async                two words; a word with a capital letter is case-sensitive (smart case)
    in:O2  in:生产事件          lines under a section (by OKR code, or by name, fuzzily)
    week:2024-W23             one ISO week; week:2024-W20..2024-W29 a range (either end open); a label
    kpi:成功率  kpi:            KPI lines (of KPIs named like that; any KPI)
    url:github.com            lines whose link targets or bare URLs hold the text
    by:张三  by:zhangsan        reports by an author (fuzzily, or by pinyin)

A filter's value may be quoted to hold spaces: `in:"Crate of the Week"`, `by:"Jane Doe"`.
"""

from __future__ import annotations

import re

from .records import fold

__all__ = ["Query", "parse_query", "week_keep"]


class Query:
    """A parsed query: free text (words) and filters `in:`, `week:`, `kpi:`, `url:`, `by:`."""

    def __init__(self, raw: str):
        self.raw = raw
        self.text = ""  # the free text, words joined by single spaces
        self.words: list[str] = []  # as typed, full-width folded, duplicates dropped
        self.sections: list[str] = []  # in: values
        self.weeks: list[tuple[str | None, str | None]] = []  # inclusive ISO ranges
        self.week_labels: list[str] = []  # week: values that are no ISO week (case-folded)
        self.kpis: list[str] = []  # kpi: values ("" = any KPI line)
        self.urls: list[str] = []  # url: values
        self.authors: list[str] = []  # by: values

    def __repr__(self) -> str:
        return f"Query({self.raw!r})"

    @property
    def has_filters(self) -> bool:
        """Whether any filter is given."""
        return bool(self.sections or self.weeks or self.week_labels or self.kpis or self.urls or self.authors)

    @property
    def line_filters(self) -> bool:
        """Whether a filter looks at each line (`in:`, `kpi:`, `url:`) rather than at whole reports."""
        return bool(self.sections or self.kpis or self.urls)


_TOKEN = re.compile(r'(?:(?:in|week|kpi|url|by|w|k)[:：]"[^"]*"?|\S+)', re.IGNORECASE)
_FILTER = re.compile(r'(?is)^(in|week|kpi|url|by|w|k)[:：](.*)$')


def _iso(text: str) -> str | None:
    from ...model.weeks import parse_iso_week  # (only a `week:` filter needs it)

    wk = parse_iso_week(text)
    return f"{wk[0]}-W{wk[1]:02d}" if wk else None


def parse_query(raw: str, authors: list[str] | tuple[str, ...] = ()) -> Query:
    """Split a query into words and filters; `authors`: `by:` values given apart (`--author`)."""
    q = Query(raw=raw)
    words: list[str] = []
    for tok in _TOKEN.findall(raw):
        mt = _FILTER.match(tok)
        if not mt:
            words.append(tok)
            continue
        kind, value = mt[1].lower(), mt[2].strip()
        if value.startswith('"'):
            value = value.strip('"').strip()
        if kind == "in":
            if value:
                q.sections.append(value)
        elif kind in ("week", "w"):
            if not value:
                continue
            if ".." in value:
                lo, hi = value.split("..", 1)
                q.weeks.append((_iso(lo) if lo else None, _iso(hi) if hi else None))
            elif iso := _iso(value):
                q.weeks.append((iso, iso))
            else:
                q.week_labels.append(value.casefold())
        elif kind == "url":
            if value:
                q.urls.append(value)
        elif kind == "by":
            if value:
                q.authors.append(value)
        else:
            q.kpis.append(value)
    q.authors.extend(a.strip() for a in authors if a and a.strip())
    q.words = list(dict.fromkeys(fold(w) for w in words))
    q.text = " ".join(words)
    return q


def week_keep(q: Query, weeks: list[str], labels: list[str]) -> bytearray:
    """Which reports a query's `week:` filters keep (1 a report), given each one's ISO week ("" when
    undated) and case-folded label."""
    keep = bytearray(len(weeks))
    for lo, hi in q.weeks:
        lo, hi = lo or "", hi or "\uffff"
        keep = bytearray(k or (bool(w) and lo <= w <= hi) for k, w in zip(keep, weeks))
    for v in q.week_labels:
        keep = bytearray(k or v in lab for k, lab in zip(keep, labels))
    return keep
