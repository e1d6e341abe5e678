"""Parse one report's text into a `Report`: metadata, title, week, section tree, and what is in it.

Structure is read by a line scanner that follows CommonMark's rules for ATX headings, list
markers, fenced code, tables and HTML comments. It reads only what the model needs (headings,
items, their nesting and line numbers) and is several times faster than a full Markdown parse,
which matters when a folder holds thousands of reports. Rendering uses markdown-it-py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .authors import front_matter_author, is_author_property, property_author, section_author
from .incidents import extract_incidents
from .kpis import extract_kpis
from .projects import extract_projects
from .report import Finding, Item, Report, Section, SourceRef
from .text import nfkc
from .vocab import DEFAULT_VOCABULARY, Vocabulary
from .weeks import (
    find_dates,
    find_week_labels,
    iso_week,
    label_week,
    parse_datetime,
    week_bounds,
)

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
ITEM_RE = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*)|$)")
HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_META_LINE = re.compile(r"^\s*([A-Za-z][\w \-]{0,30}|创建时间|日期|时间|创建日期)\s*[:：]\s*(.*?)\s*$")
_DATE_META_KEYS = {"created", "date", "created time", "created at", "创建时间", "日期", "创建日期", "时间"}
_PELICAN_KEYS = {"title", "date", "created", "author", "authors", "category", "tags", "number", "slug", "summary",
                 "modified", "status", "lang"}
_OKR = re.compile(r"^(O[1-9])(?!\d)", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|`)(.+?)\1")

IMPLICIT_FOCUS = "重点工作"


def inline_plain(text: str) -> str:
    """Heading text without the common inline Markdown (links, emphasis, code ticks)."""
    text = _LINK.sub(r"\1", text)
    text = _EMPH.sub(r"\2", text)
    return text.strip()


def section_key(title: str) -> str:
    """A section's key: its title without 【】 brackets and spaces."""
    return re.sub(r"[【】\[\]\s\u3000]", "", nfkc(inline_plain(title)))


@dataclass
class _Open:
    """An item on the nesting stack: its marker column and where its content starts."""

    item: Item
    marker_indent: int
    content_indent: int


@dataclass
class _Meta:
    title: str | None = None
    date_text: str | None = None
    date_line: int | None = None
    consumed: set[int] = field(default_factory=set)


def _expand(line: str) -> str:
    return line.expandtabs(4) if "\t" in line else line


def _read_metadata(lines: list[str]) -> _Meta:
    """Front matter: YAML between `---` fences, or Pelican-style `Key: value` lines at the top."""
    meta = _Meta()
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                for j in range(0, i + 1):
                    meta.consumed.add(j)
                for j in range(1, i):
                    _take_meta(meta, lines[j], j)
                return meta
        return meta
    first = _META_LINE.match(lines[0]) if lines else None
    if first and first.group(1).strip().lower() in _PELICAN_KEYS:
        for i, line in enumerate(lines[:60]):
            if not line.strip():
                break
            if not _META_LINE.match(line):
                break
            meta.consumed.add(i)
            _take_meta(meta, line, i)
    return meta


def _take_meta(meta: _Meta, line: str, index: int) -> None:
    mt = _META_LINE.match(line)
    if not mt:
        return
    key, value = mt.group(1).strip().lower(), mt.group(2).strip().strip("'\"")
    if key == "title" and value and meta.title is None:
        meta.title = value
    elif key in _DATE_META_KEYS and value and meta.date_text is None:
        meta.date_text = value
        meta.date_line = index + 1


def parse_report(
    text: str,
    source: SourceRef | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    encoding: str = "utf-8",
) -> Report:
    """Parse decoded, sanitised report text. Never raises for any input text."""
    source = source or SourceRef("<text>")
    lines = text.split("\n")
    meta = _read_metadata(lines)
    root = Section(title="", key="", level=0, line=1)
    report = Report(source=source, text=text, title="", label="", root=root, encoding=encoding)
    week_headings: list[tuple[int, str]] = []

    stack: list[Section] = [root]
    open_items: list[_Open] = []
    table: list[tuple[int, list[str]]] | None = None
    fence: str | None = None
    in_comment = False
    prev_blank = True
    title_line: int | None = None
    title_found = meta.title is not None
    if meta.title:
        report.title = inline_plain(meta.title)
    props_zone = True  # property lines (Created: ...) right under the title

    def flush_table() -> None:
        nonlocal table
        if table:
            stack[-1].tables.append(table)  # type: ignore[attr-defined]
        table = None

    for idx, raw in enumerate(lines):
        lineno = idx + 1
        if idx in meta.consumed:
            continue
        line = _expand(raw)
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            elif stripped:
                _add_para(stack[-1], open_items, stripped, lineno, line, prev_blank, code=True)
            prev_blank = not stripped
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
            continue
        if stripped.startswith("<!--") and "-->" not in stripped:
            in_comment = True
            continue
        if not stripped:
            prev_blank = True
            if table is not None:
                flush_table()
            continue
        fm = FENCE_RE.match(line)
        if fm:
            fence = fm.group(1)[0] * 3
            prev_blank = False
            continue

        hm = HEADING_RE.match(line)
        if hm:
            flush_table()
            level = len(hm.group(1))
            htext = inline_plain(hm.group(2) or "")
            open_items.clear()
            prev_blank = False
            if not title_found and level == 1:
                report.title = htext
                title_found = True
                title_line = lineno
                continue
            props_zone = False
            if level == 1 and title_line is not None and _is_week_heading(nfkc(htext)):
                # A second week heading (`# 第47周 2023/11/13`): a warning, and not a section of its own.
                week_headings.append((lineno, htext))
                while len(stack) > 1:
                    stack.pop().end_line = lineno - 1
                continue
            while len(stack) > 1 and stack[-1].level >= level:
                stack.pop().end_line = lineno - 1
            key = section_key(htext)
            okr = _OKR.match(key)
            sec = Section(title=htext, key=key, level=level, line=lineno, okr=okr.group(1).upper() if okr else None)
            stack[-1].children.append(sec)
            stack.append(sec)
            continue

        if props_zone and title_found and is_author_property(line, vocab.author_properties) \
                and not ITEM_RE.match(line):
            # `Created by: 张三`, `作者：张三`: whose report it is (the first such line counts).
            if report.author is None:
                report.author = property_author(line, vocab.author_properties)
            continue

        if props_zone and title_found:
            mm = _META_LINE.match(line)
            if mm and not ITEM_RE.match(line):
                key = mm.group(1).strip().lower()
                if key in _DATE_META_KEYS and report.created is None and meta.date_text is None:
                    meta.date_text = mm.group(2)
                    meta.date_line = lineno
                if key in _DATE_META_KEYS or key in _PELICAN_KEYS or key in ("last edited", "tags", "status"):
                    continue
            props_zone = False

        if HR_RE.match(line):
            open_items.clear()
            prev_blank = True
            continue

        if TABLE_ROW_RE.match(line):
            if TABLE_DELIM_RE.match(line):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if table is None:
                table = []
            table.append((lineno, cells))
            if len(table) > 1:  # the header row is not an item
                _attach(stack[-1], open_items, Item(" | ".join(cells), lineno, 0, "table"), None)
            prev_blank = False
            continue
        if table is not None:
            flush_table()

        im = ITEM_RE.match(line)
        if im and not (im.group(4) is None and im.group(2)[0].isdigit()):
            indent = len(im.group(1))
            marker = im.group(2)
            gap = len(im.group(3) or " ")
            content = (im.group(4) or "").strip()
            content_indent = indent + len(marker) + (gap if gap <= 4 else 1)
            while open_items and indent < open_items[-1].content_indent:
                open_items.pop()
            kind = "ordered" if marker[0].isdigit() else "bullet"
            item = Item(content, lineno, len(open_items), kind)
            _attach(stack[-1], open_items, item, open_items[-1] if open_items else None)
            open_items.append(_Open(item, indent, content_indent))
            prev_blank = False
            continue

        _add_para(stack[-1], open_items, stripped, lineno, line, prev_blank)
        prev_blank = False

    flush_table()
    last = len(lines)
    while len(stack) > 1:
        stack.pop().end_line = last
    root.end_line = last

    if not report.title:
        report.title = PurePosixPath(source.name).stem
    root.title = report.title
    root.key = section_key(report.title)
    report.label = re.sub(r"\s+", " ", report.title).strip()[:120]

    _implicit_focus_section(root)
    _resolve_week(report, meta, title_line, week_headings)
    extract_projects(report)
    extract_incidents(report, vocab)
    extract_kpis(report, vocab)
    _extract_plans(report, vocab)
    if report.author is None:
        report.author = front_matter_author(lines, meta.consumed) or section_author(root)
    return report


def _is_week_heading(text: str) -> bool:
    """A heading that names a week: a week label, or a date with little else (`# 2023/11/13 周报`)."""
    if find_week_labels(text):
        return True
    dates = find_dates(text)
    if not dates:
        return False
    rest = text[: dates[0].start] + text[dates[0].end:]
    return len(re.sub(r"[\s\W]|周报|週報|weekly|report", "", rest, flags=re.IGNORECASE)) <= 4


def _attach(section: Section, open_items: list[_Open], item: Item, parent: _Open | None) -> None:
    if parent is None:
        item.depth = 0
        section.items.append(item)
    else:
        item.depth = parent.item.depth + 1
        parent.item.children.append(item)


def _add_para(
    section: Section, open_items: list[_Open], text: str, lineno: int, line: str, prev_blank: bool, code: bool = False
) -> None:
    """A paragraph line: inside the open list item it is indented under (or lazily continues), else top level."""
    indent = len(line) - len(line.lstrip(" "))
    if open_items:
        if not prev_blank:
            # Lazy continuation: belongs to the deepest open item.
            target = open_items[-1]
        else:
            while open_items and indent < open_items[-1].content_indent:
                open_items.pop()
            target = open_items[-1] if open_items else None
        if target is not None:
            _attach(section, open_items, Item(text, lineno, 0, "para"), target)
            return
    _attach(section, open_items, Item(text, lineno, 0, "para"), None)


def _implicit_focus_section(root: Section) -> None:
    """Bracketed items directly under the title, before any heading, form an implicit 重点工作 section."""
    if not root.items:
        return
    if not any(i.text.lstrip("*_ ").startswith("【") for i in root.items if i.kind != "para"):
        return
    sec = Section(
        title=IMPLICIT_FOCUS,
        key=IMPLICIT_FOCUS,
        level=2,
        line=root.items[0].line,
        implicit=True,
        items=root.items,
    )
    sec.end_line = (root.children[0].line - 1) if root.children else root.end_line
    root.items = []
    root.children.insert(0, sec)


@dataclass
class _WeekSource:
    what: str
    week: str | None
    week_number: int | None = None  # for labels with no year: only the number is compared


def _resolve_week(report: Report, meta: _Meta, title_line: int | None, week_headings: list[tuple[int, str]]) -> None:
    """Which ISO week the report belongs to (SPEC §3.1), with a warning for every disagreeing source."""
    title = nfkc(report.title)
    sources: list[_WeekSource] = []

    title_dates = find_dates(title)
    if title_dates:
        d = title_dates[0].value
        sources.append(_WeekSource(f"title date {d.isoformat()}", iso_week(d)))
    created = parse_datetime(nfkc(meta.date_text)) if meta.date_text else None
    if meta.date_text and created is None:
        report.warnings.append(Finding("warning", f"cannot read the date {meta.date_text!r}", meta.date_line))
    if created is not None:
        report.created = created
        cd = created.date() if hasattr(created, "date") and callable(created.date) else created
        sources.append(_WeekSource(f"Created {cd.isoformat()}", iso_week(cd)))
    labels = find_week_labels(title)
    yearless = []
    for lab in labels:
        if lab.year is not None:
            sources.append(_WeekSource(f"label {lab.text}", label_week(lab, lab.year) or f"{lab.year}-W{lab.week:02d}"))
        else:
            yearless.append(lab)
    name_dates = find_dates(nfkc(report.source.name))
    if name_dates:
        d = name_dates[0].value
        sources.append(_WeekSource(f"file name date {d.isoformat()}", iso_week(d)))
    if not sources:
        month = [h for h in find_dates(title, month_only=True) if h.month_only]
        if month:
            d = month[0].value
            sources.append(_WeekSource(f"title month {d.strftime('%Y-%m')}", iso_week(d)))
    
    if sources:
        chosen = sources[0]
        report.week = chosen.week
        report.start, report.end = week_bounds(chosen.week)
        year = int(chosen.week[:4])
        for lab in yearless:
            sources.append(_WeekSource(f"label {lab.text}", label_week(lab, year), lab.week))
        for src in sources[1:]:
            if src.week_number is not None:
                if src.week_number != int(chosen.week[-2:]):
                    msg = f"{src.what} says week {src.week_number}, but {chosen.what} is in {chosen.week}"
                    report.warnings.append(Finding("warning", msg, title_line))
            elif src.week != chosen.week:
                msg = f"{src.what} is in {src.week}, but {chosen.what} puts the report in {chosen.week}"
                if src.what.startswith("label"):
                    msg = f"{src.what} names {src.week}, but {chosen.what} is in {chosen.week}"
                report.warnings.append(Finding("warning", msg, title_line))
    else:
        report.warnings.append(Finding("warning", "undated: no date or week with a year in the title, metadata or file name"))

    for lineno, htext in week_headings:
        report.warnings.append(Finding("warning", f"second week heading {htext!r}", lineno))


def _extract_plans(report: Report, vocab: Vocabulary) -> None:
    for sec in report.sections:
        low = sec.title.lower()
        if any(w in low for w in vocab.plan_sections):
            for item in sec.items:
                if item.text:
                    report.plans.append(item.text)
