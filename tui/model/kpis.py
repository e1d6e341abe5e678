"""Key numbers from KPI sections: `NAME：VALUE`, several per line, `事故数AB级0次，CD级1次`, and tables."""

from __future__ import annotations

import re
from functools import lru_cache

from .report import Kpi, Report, Section
from .text import nfkc
from .vocab import Vocabulary

_NUM = r"[-+]?\d+(?:\.\d+)?"
_UNIT = r"%|‰|ms|min|s|h|次|分钟|小时|秒|笔|条|个|元|万|亿|家|人|天"
# A KPI name is the whole text before its colon or value, back to the start of the clause: words joined
# by spaces between Latin letters or digits (`Inbound success rate`), but a space next to a CJK character
# ends it (`其中 账户已沉淀金额` is the KPI `账户已沉淀金额`). It starts where the clause starts, holds no clause
# punctuation, and has at most 60 characters (a longer "name" is a sentence, not a KPI).
_NAME_CHAR = r"[^\s:,;，；。、|%]"
_NAME_GAP = r"(?<=[A-Za-z0-9)])[ \t]+(?=[A-Za-z0-9(])"
# where a name may start: the line's start, after clause punctuation, or after a space that does not join
# two words of one name
_NAME_START = r"(?<![^\s:,;，；。、|%()（）])(?!(?<=[A-Za-z)][ \t])[A-Za-z0-9(])"
_NAME = _NAME_START + r"(?P<name>{first}(?:" + _NAME_CHAR + "|" + _NAME_GAP + "){{0,59}}?)"
# NAME: VALUE[UNIT]
_COLON = re.compile(_NAME.format(first=r"[^\s:,;，；。、|%)）]") + rf"\s*:\s*(?P<value>{_NUM})\s*(?P<unit>{_UNIT})?")
# NAME VALUE% — the unit is required when there is no colon, and the name does not start with a digit.
_PERCENT = re.compile(_NAME.format(first=r"[^\s\d:,;，；。、|%()（）]") + rf"\s*(?<![\d.])(?P<value>{_NUM})\s*(?P<unit>%)")
_LEADING_AND = re.compile(r"(?i)^(?:and|or|plus|&)\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`|~~)(?=\S)(.+?)(?<=\S)\1")
_GRADE = re.compile(rf"(?<![A-Za-z])(?P<grade>[A-D]{{1,2}})\s*级\s*(?:事故)?\s*(?:数)?\s*(?P<value>{_NUM})\s*次?")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_THIS_WEEK = ("本周", "本期", "this week", "current", "本月")


def is_kpi_section(title: str, vocab: Vocabulary) -> bool:
    """Whether a heading names a KPI section."""
    low = nfkc(title).lower()
    return any(w.lower() in low for w in vocab.kpi_sections)


def _number(text: str) -> float | None:
    mt = re.search(_NUM, nfkc(text).replace(",", ""))
    return float(mt.group(0)) if mt else None


def _clean_name(name: str) -> str:
    """A KPI name without Markdown emphasis (`**Inbound** success rate`) or stray marks at its ends."""
    return _LEADING_AND.sub("", _EMPHASIS.sub(r"\2", name).strip().strip("*_`~-— ").strip())


@lru_cache(maxsize=8)
def _known_name_patterns(known: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Patterns for the vocabulary's names, also glued to their number (`不可用时间29.35`); an English name
    only as whole words, in any case."""
    latin = "|".join(re.escape(n) for n in known if n[:1].isascii())
    other = "|".join(re.escape(n) for n in known if not n[:1].isascii())
    value = rf"\s*:?\s*(?P<value>{_NUM})\s*(?P<unit>{_UNIT})?"
    names = ([rf"(?<![\w-])(?i:{latin})"] if latin else []) + ([other] if other else [])
    return tuple(re.compile(rf"(?P<name>{n}){value}") for n in names)


def canonical_names(vocab: Vocabulary) -> dict[str, str]:
    """`Vocabulary.canonical` as a table: a name as written, without spaces and in lower case → its
    canonical name (the first canonical name it stands for, as `canonical` finds it). Made once per
    report: the vocabulary's lists may change between loads."""
    table: dict[str, str] = {}
    for canon, aliases in vocab.kpi_aliases.items():
        table.setdefault(canon.lower(), canon)
        for a in aliases:
            table.setdefault(a.replace(" ", "").lower(), canon)
    return table


_TABLES: dict[str, tuple[tuple[re.Pattern, ...], dict[str, str]]] = {}


def _name_tables(vocab: Vocabulary) -> tuple[tuple[re.Pattern, ...], dict[str, str]]:
    """The vocabulary's name patterns and `canonical_names`, made once for each set of KPI names (known by
    the names as written: the settings may change them between loads, and every report with a KPI
    section needs them)."""
    key = repr(vocab.kpi_aliases)
    got = _TABLES.get(key)
    if got is None:
        if len(_TABLES) >= 8:
            _TABLES.clear()
        got = _TABLES[key] = (_known_name_patterns(tuple(vocab.all_kpi_names())), canonical_names(vocab))
    return got


def parse_kpi_line(text: str, vocab: Vocabulary, known: tuple[re.Pattern, ...] | None = None,
                   names: dict[str, str] | None = None) -> list[tuple[str, float, str, str]]:
    """(canonical name, value, unit, raw) for every KPI written in one line of a KPI section (`known`: the
    vocabulary's name patterns, `names` its `canonical_names`, when the caller has them at hand)."""
    line = _EMPHASIS.sub(r"\2", _MARKER.sub("", nfkc(text)))
    found: list[tuple[str, float, str, str]] = []
    if not _DIGIT.search(line):  # (every way of writing a KPI has a number)
        return found
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    table = _name_tables(vocab)[1] if names is None else names

    def add(name: str, value: str, unit: str | None, start: int, end: int) -> None:
        name = _clean_name(name)
        canon = table.get(name.replace(" ", "").lower())
        if canon is None:
            canon = name.strip()
        if not canon or not _HAS_LETTER.search(canon) or canon in seen:
            return
        if any(s < end and start < e for s, e in spans):
            return
        seen.add(canon)
        spans.append((start, end))
        found.append((canon, float(value), unit or "", line[start:end].strip()))

    grades = {m["grade"]: (float(m["value"]), m.start(), m.end()) for m in _GRADE.finditer(line)} \
        if "级" in line else None  # (a grade is written `A级`)
    if grades:
        for grade, (value, s, e) in grades.items():
            if len(grade) == 2:
                add(f"{grade}级事故数", str(value), "次", s, e)
        if "C" in grades and "D" in grades and "CD" not in grades:
            c, d = grades["C"], grades["D"]
            add("CD级事故数", str(c[0] + d[0]), "次", min(c[1], d[1]), max(c[2], d[2]))
        elif "C" in grades and "CD" not in grades and "D" not in grades:
            add("CD级事故数", str(grades["C"][0]), "次", grades["C"][1], grades["C"][2])
    for pat in known if known is not None else _name_tables(vocab)[0]:
        for m in pat.finditer(line):
            add(m["name"], m["value"], m["unit"], m.start(), m.end())
    if ":" in line:  # (full-width colons are ASCII after `nfkc`)
        for m in _COLON.finditer(line):
            add(m["name"], m["value"], m["unit"], m.start(), m.end())
    if "%" in line:
        for m in _PERCENT.finditer(line):
            add(m["name"], m["value"], m["unit"], m.start(), m.end())
    return found


def _table_kpis(table: list[tuple[int, list[str]]], vocab: Vocabulary) -> list[tuple[str, float, str, str, int]]:
    """KPIs from a Markdown table: first column names, value from the 本周/本期/this-week column."""
    if len(table) < 2:
        return []
    header = [nfkc(c).lower() for c in table[0][1]]
    col = next((i for i, h in enumerate(header) if any(w in h for w in _THIS_WEEK)), None)
    out = []
    for lineno, cells in table[1:]:
        if not cells or not _HAS_LETTER.search(cells[0]):
            continue
        idx = col
        if idx is None:
            idx = next((i for i in range(1, len(cells)) if _number(cells[i]) is not None), None)
        if idx is None or idx >= len(cells):
            continue
        value = _number(cells[idx])
        if value is None:
            continue
        unit = "%" if "%" in nfkc(cells[idx]) else ""
        out.append((vocab.canonical(_clean_name(nfkc(cells[0]))), value, unit, " | ".join(cells), lineno))
    return out


def _kpi_sections(sections: list[Section], vocab: Vocabulary) -> list[Section]:
    chosen: list[Section] = []
    for sec in sections:
        if is_kpi_section(sec.title, vocab):
            chosen.extend(sec.walk())
    seen: set[int] = set()
    return [s for s in chosen if not (id(s) in seen or seen.add(id(s)))]


def _distinct_name(name: str, section: str, kpis: dict[str, Kpi]) -> str:
    """A name no KPI of the report has yet: the name, else `name (section)`, else `name (2)`, `name (3)` …"""
    if name not in kpis:
        return name
    if section and kpis[name].section != section and f"{name} ({section})" not in kpis:
        return f"{name} ({section})"
    n = 2
    while f"{name} ({n})" in kpis:
        n += 1
    return f"{name} ({n})"


def extract_kpis(report: Report, vocab: Vocabulary, sections: list[Section] | None = None) -> None:
    """Fill `report.kpis`, adding the derived 生产事件数. Two KPIs never share a name: a name seen before
    with another value is told apart by its section (`success rate (Refunds)`) or a number; the same
    name and value written twice is one KPI (`sections`: the report's, when the caller has them at hand)."""
    kpis: dict[str, Kpi] = {}

    def add(name: str, value: float, unit: str, raw: str, line: int | None, section: str) -> None:
        first = kpis.get(name)
        if first is not None and first.value == value and first.unit == unit:
            return
        name = _distinct_name(name, section, kpis)
        kpis[name] = Kpi(name, value, unit, raw, line, section)

    known = names = None
    for sec in _kpi_sections(report.sections if sections is None else sections, vocab):
        if known is None:
            known, names = _name_tables(vocab)
        for item in sec.all_items():
            if item.kind == "table":
                continue
            for name, value, unit, raw in parse_kpi_line(item.text, vocab, known, names):
                add(name, value, unit, raw, item.line, sec.key)
        for table in sec.tables:
            for name, value, unit, raw, lineno in _table_kpis(table, vocab):
                add(name, value, unit, raw, lineno, sec.key)
    if report.has_incident_section and "生产事件数" not in kpis:
        kpis["生产事件数"] = Kpi("生产事件数", float(len(report.incidents)), "", f"{len(report.incidents)} entries", None, "")
    report.kpis = list(kpis.values())
