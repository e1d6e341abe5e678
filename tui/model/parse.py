"""Parse one report's text into a `Report`: metadata, title, week, section tree, and what is in it.

Structure is read by a line scanner that follows CommonMark's rules for ATX headings, list
markers, fenced code, tables and HTML comments. It reads only what the model needs (headings,
items, their nesting and line numbers) and is several times faster than a full Markdown parse,
which matters when a folder holds thousands of reports. Rendering uses markdown-it-py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import PurePosixPath
from typing import Iterable

from .authors import front_matter_author, is_author_property, property_author, section_author
from .frontmatter import front_matter_end
from .incidents import extract_incidents
from .kpis import extract_kpis
from .projects import extract_projects
from .report import Finding, Item, Report, Section, SourceRef
from .text import iter_lines, nfkc
from .vocab import DEFAULT_VOCABULARY, Vocabulary
from .weeks import (
    STATED_KINDS,
    find_dates,
    find_periods,
    find_week_labels,
    iso_week,
    issue_number,
    label_week,
    parse_datetime,
    period_text,
    week_bounds,
)

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
ITEM_RE = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*)|$)")
HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
QUOTE_RE = re.compile(r"^ {0,3}>")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_META_LINE = re.compile(r"^\s*([A-Za-z][\w \-]{0,30}|创建时间|日期|时间|创建日期)\s*[:：]\s*(.*?)\s*$")
_DATE_META_KEYS = {"created", "date", "created time", "created at", "创建时间", "日期", "创建日期", "时间"}
_PELICAN_KEYS = {"title", "date", "created", "author", "authors", "category", "tags", "number", "slug", "summary",
                 "modified", "status", "lang"}
_OKR = re.compile(r"^(O[1-9])(?!\d)", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|`)(.+?)\1")
_TASK = re.compile(r"\[([ xX])\]\s+(?=\S)")

IMPLICIT_FOCUS = "重点工作"

#: The most sections and items (list items, paragraph lines, table rows) a report is read into. The
#: largest real reports hold a few thousand; each one parsed takes a few hundred bytes of memory
#: whatever the few bytes of text it came from (`- x`), so past this the rest of a report stays text
#: only — shown and kept whole, without sections, items, projects or KPIs — and says so in a warning.
MAX_PARTS = 250_000


def unescape(text: str) -> str:
    """Text with Markdown backslash escapes resolved (`\\[高\\]` → `[高]`)."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def inline_plain(text: str) -> str:
    """Heading text without the common inline Markdown (links, emphasis, code ticks, escapes)."""
    if "]" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPH.sub(r"\2", text)
    return unescape(text).strip()


def fence_open(stripped: str) -> tuple[str, int, str] | None:
    """(fence character, run length, info string) when a line without its indentation opens a fenced
    code block (CommonMark: three or more backticks or tildes; a backtick fence's info string holds no
    backtick)."""
    c = stripped[:1]
    if c not in ("`", "~") or not stripped.startswith(c * 3):
        return None
    rest = stripped.lstrip(c)
    info = rest.strip()
    if c == "`" and "`" in info:
        return None
    return c, len(stripped) - len(rest), info


def fence_closes(stripped: str, char: str, length: int) -> bool:
    """Whether a line without its indentation closes a fence of `char` × `length`: the same
    character, at least as many, and nothing else (an info string never closes a fence)."""
    if not stripped.startswith(char):
        return False
    rest = stripped.lstrip(char)
    return len(stripped) - len(rest) >= length and not rest.strip()


def strip_quote(line: str) -> tuple[int, str, int]:
    """(quote depth, the line with its `>` markers turned into spaces, column of the first `>`).

    Columns are kept, so what follows the markers nests as it would outside a quote."""
    depth, pos, n, first = 0, 0, len(line), -1
    while True:
        i = pos
        while i < n and i - pos < 4 and line[i] == " ":
            i += 1
        if i < n and line[i] == ">" and i - pos <= 3:
            if first < 0:
                first = i
            depth += 1
            pos = i + 1
            if pos < n and line[pos] == " ":
                pos += 1
            continue
        break
    if not depth:
        return 0, line, -1
    return depth, " " * pos + line[pos:], first


def section_key(title: str) -> str:
    """A section's key: its title without 【】 brackets and spaces."""
    return re.sub(r"[【】\[\]\s\u3000]", "", nfkc(inline_plain(title)))


@dataclass(slots=True)
class _Open:
    """An item on the nesting stack: its marker column and where its content starts."""

    item: Item
    marker_indent: int
    content_indent: int
    quote: int = 0  # quote depth the item was opened at


@dataclass
class _Meta:
    title: str | None = None
    date_text: str | None = None
    date_line: int | None = None
    date_key: str = "Created"  # the key as written (`Created`, `Date`, `date`), for warnings
    date_in_front_matter: bool = False
    consumed: set[int] = field(default_factory=set)


def _read_metadata(lines: list[str]) -> _Meta:
    """Front matter (`tui.model.frontmatter`): YAML between `---` fences, or `Key: value` metadata lines
    at the top (Pelican, MultiMarkdown)."""
    meta = _Meta()
    end = front_matter_end(lines)
    meta.consumed.update(range(end))
    first = 1 if end and lines[0].strip() == "---" else 0  # (YAML: inside its fences)
    for j in range(first, end - first):
        _take_meta(meta, lines[j], j)
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
        meta.date_key = mt.group(1).strip()
        meta.date_in_front_matter = True


def parse_report(
    text: str,
    source: SourceRef | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    encoding: str = "utf-8",
    dated: Report | None = None,
) -> Report:
    """Parse decoded, sanitised report text. Never raises for any input text.

    Four phases: the metadata at the top (`_read_metadata`), the structure — title, section tree, items,
    tables, properties — by one scan of the lines (`_Structure`), the report's name
    (`_name_report`), and what is read from that structure: the implicit focus section, the week
    (`_resolve_week`), projects, incidents, KPIs, plans and the author (`_read_contents`).

    `dated`: the head of a report already parsed from this very text (a body read again from its file):
    its week, period, dates and creation time are taken instead of being resolved again, and the week's
    warnings are left out (the head has them). The body — sections, projects, incidents (dated from the
    period's start), KPIs, plans — is the same as without it."""
    source = source or SourceRef("<text>")
    head = list(islice(iter_lines(text), 200))  # (front matter: only the first lines)
    meta = _read_metadata(head)
    root = Section(title="", key="", level=0, line=1)
    report = Report(source=source, text=text, title="", label="", root=root, encoding=encoding)
    if meta.title:
        report.title = inline_plain(meta.title)
    structure = _Structure(report, meta, vocab)
    structure.scan(iter_lines(text), text.count("\n") + 1)
    _name_report(report)
    _implicit_focus_section(root)
    if dated is None:
        _resolve_week(report, meta, structure.title_line, structure.week_headings)
    else:
        report.week, report.period, report.start, report.end = dated.week, dated.period, dated.start, dated.end
        report.created = dated.created
    if structure.cut:
        report.warnings.append(Finding(
            "warning", f"too large to read whole: more than {MAX_PARTS:,} sections and items; from line "
                       f"{structure.cut:,} on it is text only (no sections, projects, KPIs or search entries)",
            structure.cut))
    _read_contents(report, vocab, head, meta)
    return report


class _Structure:
    """The line scanner (phase 2 of a parse): the title, the section tree with its items, paragraphs and
    tables, and the property lines under the title (`Created:`, `作者：`), read line by line under
    CommonMark's container rules (quotes, list items, fences, HTML comments)."""

    def __init__(self, report: Report, meta: _Meta, vocab: Vocabulary) -> None:
        self.report, self.meta, self.vocab = report, meta, vocab
        self.stack: list[Section] = [report.root]  # the open sections, root first
        self.open_items: list[_Open] = []
        self.table: list[tuple[int, list[str]]] | None = None
        self.fence: tuple[str, int, int, int] | None = None  # (character, length, container indent, quote depth)
        self.in_comment = False
        self.prev_blank = True
        self.prev_quote = 0  # quote depth of the previous line
        self.para_run: list[Item] = []  # the top-level paragraph lines just read (a setext underline may follow)
        self.para_end = 0  # line number of the last of them
        self.title_line: int | None = None
        self.title_found = meta.title is not None
        self.props_zone = True  # property lines (Created: ...) right under the title
        self.week_headings: list[tuple[int, str]] = []  # second week headings: warnings, not sections
        self.made = 0  # sections and items so far (`MAX_PARTS`)
        self.cut = 0  # the line the report is text only from, when it holds more than MAX_PARTS of them

    def scan(self, lines: Iterable[str], last: int) -> None:
        """Read every line not taken by the metadata (up to `MAX_PARTS` sections and items), then close
        the open sections at the last line (`last`)."""
        consumed = self.meta.consumed
        line = self.line
        for idx, raw in enumerate(lines):
            if self.made >= MAX_PARTS:
                self.cut = idx + 1
                break
            if idx not in consumed:
                line(raw, idx + 1)
        self.flush_table()
        stack = self.stack
        while len(stack) > 1:
            stack.pop().end_line = last
        stack[0].end_line = last

    def line(self, raw: str, lineno: int) -> None:
        """One line of the report."""
        line = raw.expandtabs(4) if "\t" in raw else raw
        quote = gt = 0
        fence = self.fence
        if ">" in line[:4] and (fence is None or fence[3]) and QUOTE_RE.match(line):
            # A quote is a container: its lines are read as if the `>` markers were spaces, so lists,
            # projects and KPIs inside quotes count like any others. (In a fence outside any quote,
            # `> ` is code.)
            quote, line, gt = strip_quote(line)
        stripped = line.strip()
        if fence is not None and self.fenced(line, stripped, quote, lineno):
            return
        if quote != self.prev_quote:
            self.quote_depth(quote, gt)
        if self.in_comment:
            if "-->" in line:
                self.in_comment = False
            return
        if stripped.startswith("<!--") and "-->" not in stripped:
            self.in_comment = True
            return
        if not stripped:
            self.prev_blank = True
            if self.table is not None:
                self.flush_table()
            return
        # Each pattern below is tried only on a line whose first character it could match (the patterns
        # allow only spaces, or `\s`, which is what `strip` removes, before it): most lines are plain
        # text or list items, and a failed match costs more than the test.
        first = stripped[0]
        if first in "`~" and self.opens_fence(line, stripped, quote):
            return
        if first == "#" and not quote:
            hm = HEADING_RE.match(line)
            if hm:
                self.heading(len(hm.group(1)), inline_plain(hm.group(2) or ""), lineno)
                self.prev_blank = False
                return
        if first in "=-" and self.para_run and self.para_end == lineno - 1 and not quote and not self.open_items \
                and SETEXT_RE.match(line) and self.setext(stripped):
            return
        if self.props_zone and self.title_found and self.property(line, lineno):
            return
        if first in "-*_" and HR_RE.match(line):
            self.open_items.clear()
            self.prev_blank = True
            return
        if first == "|" and TABLE_ROW_RE.match(line):
            self.table_row(line, lineno)
            return
        if self.table is not None:
            self.flush_table()
        if first in "-*+" or first.isdecimal():  # (`\d` is any decimal digit, as `isdecimal` says)
            im = ITEM_RE.match(line)
            if im is not None:
                indent, marker, gap, content = im.groups()
                if content is not None or not marker[0].isdigit():
                    self.item(indent, marker, gap, content, lineno, quote)
                    return
        self.paragraph(stripped, lineno, line, quote)

    def fenced(self, line: str, stripped: str, quote: int, lineno: int) -> bool:
        """A line while a fence is open: code (a paragraph of the item holding the fence), the closing
        fence, or — when the quote or list item holding the fence ended — not taken (False)."""
        fence = self.fence
        indent = len(line) - len(line.lstrip(" "))
        if quote < fence[3] or (stripped and fence[2] and indent < fence[2]):
            self.fence = None  # the quote or list item holding the fence ended, and the fence with it
            return False
        if indent - fence[2] <= 3 and fence_closes(stripped, fence[0], fence[1]):
            self.fence = None
        elif stripped:
            _add_para(self.stack[-1], self.open_items, stripped, lineno, line, self.prev_blank, code=True)
            self.made += 1
        self.prev_blank = not stripped
        self.prev_quote = quote
        return True

    def quote_depth(self, quote: int, gt: int) -> None:
        """Entering a quote closes the items it does not nest in; leaving one closes the items opened in it."""
        open_items = self.open_items
        if quote > self.prev_quote:
            while open_items and open_items[-1].content_indent > gt:
                open_items.pop()
        elif quote < self.prev_quote:
            while open_items and open_items[-1].quote > quote:
                open_items.pop()
        self.prev_quote = quote

    def opens_fence(self, line: str, stripped: str, quote: int) -> bool:
        """Whether the line opens a fenced code block (in the list item it is indented under)."""
        fo = fence_open(stripped)
        if fo is None:
            return False
        indent = len(line) - len(line.lstrip(" "))
        base = 0
        for o in reversed(self.open_items):
            if o.content_indent <= indent:
                base = o.content_indent
                break
        if indent - base > 3:
            return False
        self.fence = (fo[0], fo[1], base, quote)
        self.prev_blank = False
        return True

    def flush_table(self) -> None:
        if self.table:
            self.stack[-1].tables.append(self.table)
        self.table = None

    def heading(self, level: int, htext: str, lineno: int) -> None:
        """A heading: the title (the first level-1 heading), a second week heading, or a section."""
        self.flush_table()
        self.open_items.clear()
        stack = self.stack
        if not self.title_found and level == 1:
            self.report.title = htext
            self.title_found = True
            self.title_line = lineno
            return
        self.made += 1
        self.props_zone = False
        if level == 1 and self.title_line is not None and _is_week_heading(nfkc(htext)):
            # A second week heading (`# 第47周 2023/11/13`): a warning, and not a section of its own.
            self.week_headings.append((lineno, htext))
            while len(stack) > 1:
                stack.pop().end_line = lineno - 1
            return
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop().end_line = lineno - 1
        key = section_key(htext)
        okr = _OKR.match(key)
        sec = Section(title=htext, key=key, level=level, line=lineno, okr=okr.group(1).upper() if okr else None)
        stack[-1].children.append(sec)
        stack.append(sec)

    def setext(self, stripped: str) -> bool:
        """`Title` over `=====` or `-----`: the paragraph just read is a heading (when it is still the
        last thing in its section)."""
        items = self.stack[-1].items
        para_run = self.para_run
        if not (len(items) >= len(para_run) and items[-1] is para_run[-1]):
            return False
        del items[len(items) - len(para_run):]
        self.heading(1 if stripped[0] == "=" else 2, unescape(inline_plain(" ".join(i.text for i in para_run))),
                     para_run[0].line)
        self.para_run = []
        self.prev_blank = False
        return True

    def property(self, line: str, lineno: int) -> bool:
        """A property line right under the title: whose report it is (`Created by: 张三`, `作者：张三`; the
        first such line counts) or its date (`Created: …`). The first other line ends the zone."""
        report, meta = self.report, self.meta
        if is_author_property(line, self.vocab.author_properties) and not ITEM_RE.match(line):
            if report.author is None:
                report.author = property_author(line, self.vocab.author_properties)
            return True
        mm = _META_LINE.match(line)
        if mm and not ITEM_RE.match(line):
            key = mm.group(1).strip().lower()
            if key in _DATE_META_KEYS and report.created is None and meta.date_text is None:
                meta.date_text = mm.group(2)
                meta.date_line = lineno
                meta.date_key = mm.group(1).strip()
            if key in _DATE_META_KEYS or key in _PELICAN_KEYS or key in ("last edited", "tags", "status"):
                return True
        self.props_zone = False
        return False

    def table_row(self, line: str, lineno: int) -> None:
        """A table row: the header row starts a table, each further row is also an item."""
        if TABLE_DELIM_RE.match(line):
            return
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if self.table is None:
            self.table = []
        self.table.append((lineno, cells))
        self.made += 1
        if len(self.table) > 1:  # the header row is not an item
            _attach(self.stack[-1], self.open_items, Item(" | ".join(cells), lineno, 0, "table"), None)
        self.prev_blank = False

    def item(self, lead: str, marker: str, space: str | None, content: str | None, lineno: int, quote: int) -> None:
        """A list item (`ITEM_RE`'s groups: indentation, marker, the gap after it, its text), nested under
        the open item whose content it is indented into."""
        open_items = self.open_items
        indent = len(lead)
        gap = len(space) if space else 1
        content = unescape(content.strip()) if content else ""
        content_indent = indent + len(marker) + (gap if gap <= 4 else 1)
        while open_items and indent < open_items[-1].content_indent:
            open_items.pop()
        kind = "ordered" if marker[0].isdigit() else "bullet"
        checked = None
        if content[:1] == "[":
            task = _TASK.match(content)
            if task:  # `- [x] text`: a task list item (GFM), its box not part of its text
                content = content[task.end():]
                checked = task.group(1) != " "
        # (as `_attach` does, written out: most lines of a report are list items)
        if open_items:
            parent = open_items[-1].item
            item = Item(content, lineno, parent.depth + 1, kind, [], None, checked)
            parent.children.append(item)
        else:
            item = Item(content, lineno, 0, kind, [], None, checked)
            self.stack[-1].items.append(item)
        open_items.append(_Open(item, indent, content_indent, quote))
        self.made += 1
        self.prev_blank = False

    def paragraph(self, stripped: str, lineno: int, line: str, quote: int) -> None:
        """A paragraph line; top-level runs of them are remembered for a setext underline."""
        para = _add_para(self.stack[-1], self.open_items, stripped, lineno, line, self.prev_blank)
        self.made += 1
        if para.depth == 0 and not quote and not self.open_items:
            if self.para_end != lineno - 1:
                self.para_run = []
            self.para_run.append(para)
            self.para_end = lineno
        self.prev_blank = False


def _name_report(report: Report) -> None:
    """The title (the file name's stem when the report has none), the root's title and key, the label."""
    if not report.title:
        report.title = PurePosixPath(report.source.name).stem
    root = report.root
    root.title = report.title
    root.key = section_key(report.title)
    report.label = re.sub(r"\s+", " ", report.title).strip()[:120]


def _read_contents(report: Report, vocab: Vocabulary, head: list[str], meta: _Meta) -> None:
    """What the structure holds: projects, incidents, KPIs, plans, and the author when no property
    line named one (front matter, else an author section)."""
    sections = report.sections  # (one walk of the tree, shared by every extractor)
    extract_projects(report, sections)
    extract_incidents(report, vocab, sections)
    extract_kpis(report, vocab, sections)
    _extract_plans(report, vocab, sections)
    if report.author is None:
        report.author = front_matter_author(head, meta.consumed) or section_author(report.root)


def _is_week_heading(text: str) -> bool:
    """A heading that names a week: a week label, or a date or date range with little else
    (`# 2023/11/13 周报`, `# 2024.07.29-2024.08.02`)."""
    if find_week_labels(text):
        return True
    spans = [(h.pos, h.endpos) for h in find_periods(text) if h.kind == "range"][:1]
    spans = spans or [(d.start, d.end) for d in find_dates(text)[:1]]
    if not spans:
        return False
    rest = text[: spans[0][0]] + text[spans[0][1]:]
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
) -> Item:
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
            item = Item(text, lineno, 0, "para")
            _attach(section, open_items, item, target)
            return item
    item = Item(text, lineno, 0, "para")
    _attach(section, open_items, item, None)
    return item


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


# How long after a stated period's end its publication date (`Created:`, `date:`) may lie: newsletters
# and Notion reports are written in the days after the period they cover.
PUBLICATION_GRACE_DAYS = 10


@dataclass
class _WeekSource:
    """One place that says which week (or period) a report covers."""

    what: str  # how warnings name it: `title date 2023-11-13`, `Created 2023-11-29`, `file name range …`
    kind: str  # "date", "week" (a label with a year), "weeknum" (a label without), or a stated kind
    start: date | None = None  # the date, the label's Monday, or the period's first day
    end: date | None = None
    line: int | None = None
    number: int | None = None  # a label without a year: only its number is compared

    @property
    def week(self) -> str | None:
        """The ISO week this source files the report under."""
        return iso_week(self.start) if self.start else None


# Titles and file names recur across a series (`2024-W05.md` in each author's folder, the same title
# every week of a team): what they say is read once per text. (The lists are shared: only read.)
_periods_in = lru_cache(maxsize=4096)(find_periods)
_dates_in = lru_cache(maxsize=4096)(find_dates)
_labels_in = lru_cache(maxsize=4096)(find_week_labels)


def _stated(hits, what: str, line: int | None) -> list[_WeekSource]:
    return [_WeekSource(f"{what} {h.kind} {period_text(h.start, h.end, h.kind)}", h.kind, h.start, h.end, line)
            for h in hits]


def _week_sources(report: Report, meta: _Meta, title_line: int | None) -> tuple[list[_WeekSource], list]:
    """Every source of a report's week, first the one that decides (SPEC §3.1): a period stated in the
    title, a title date, a period in the front matter or the file name, the `Created:`/`date:` line, a
    week label with a year, a date in the file name. Also the labels without a year."""
    title = nfkc(report.title)
    t_periods = _periods_in(title)
    inside = [(h.pos, h.endpos) for h in t_periods]
    t_dates = [d for d in _dates_in(title) if not any(s <= d.start < e for s, e in inside)]
    labels = _labels_in(title)
    mondays = [week_bounds(w)[0] for lab in labels if lab.year and (w := label_week(lab, lab.year))]
    # A month or quarter that holds a date or a labelled week of the same title is context
    # (`2024-06-03 周报（6月）`): the date says more.
    t_periods = [h for h in t_periods if h.kind == "range"
                 or not any(h.start <= d <= h.end for d in [x.value for x in t_dates] + mondays)]
    sources = _stated(t_periods[:1], "title", title_line)
    sources += [_WeekSource(f"title date {d.value.isoformat()}", "date", d.value, d.value, title_line)
                for d in t_dates[:1]]
    created = parse_datetime(nfkc(meta.date_text)) if meta.date_text else None  # (a time each: not kept)
    if meta.date_text and created is None:
        report.warnings.append(Finding("warning", f"cannot read the date {meta.date_text!r}", meta.date_line))
    key = f"front matter {meta.date_key}" if meta.date_in_front_matter else meta.date_key
    meta_periods = [h for h in find_periods(nfkc(meta.date_text)) if h.kind in STATED_KINDS] if meta.date_text else []
    sources += _stated(meta_periods[:1], key, meta.date_line)
    name = nfkc(report.source.name)
    n_periods = _periods_in(name)
    sources += _stated(n_periods[:1], "file name", None)
    if created is not None:
        report.created = created
        if not meta_periods:
            cd = created.date() if isinstance(created, datetime) else created
            sources.append(_WeekSource(f"{key} {cd.isoformat()}", "date", cd, cd, meta.date_line))
    yearless = []  # labels without a year, and with a week their year lacks (`2023-W53`): numbers only
    for lab in labels:
        wk = label_week(lab, lab.year) if lab.year is not None else None
        if wk:
            mon, sun = week_bounds(wk)
            sources.append(_WeekSource(f"label {lab.text}", "week", mon, sun, title_line))
        else:
            yearless.append(lab)
    spans = [(h.pos, h.endpos) for h in n_periods]
    sources += [_WeekSource(f"file name date {d.value.isoformat()}", "date", d.value, d.value)
                for d in _dates_in(name) if not any(s <= d.start < e for s, e in spans)][:1]
    return sources, yearless


def _disagreement(src: _WeekSource, chosen: _WeekSource, lo: date, hi: date) -> str | None:
    """Why `src` disagrees with the chosen source of a report covering lo..hi; None when it agrees."""
    stated = chosen.kind in STATED_KINDS
    if src.kind == "weeknum":
        numbers = {(lo + timedelta(days=i)).isocalendar()[1] for i in range(0, (hi - lo).days + 1, 7)}
        numbers.add(hi.isocalendar()[1])
        if src.number in numbers:
            return None
        return f"{src.what} says week {src.number}, but {chosen.what} is in {chosen.week}"
    if src.week == chosen.week:
        return None
    if src.kind == "date":
        grace = timedelta(days=PUBLICATION_GRACE_DAYS if stated else 0)
        if lo <= src.start <= hi + grace:
            return None
        if not stated:
            return f"{src.what} is in {src.week}, but {chosen.what} puts the report in {chosen.week}"
        if src.start < lo:
            return f"{src.what} is before {chosen.what} starts"
        return f"{src.what} is {(src.start - hi).days} days after {chosen.what} ends"
    if src.kind == "week":
        if src.start <= hi and src.end >= lo:
            return None
        return f"{src.what} names {src.week}, but {chosen.what} is in {chosen.week}"
    if lo <= src.start <= hi:
        return None
    return f"{src.what} starts in {src.week}, but {chosen.what} puts the report in {chosen.week}"


# One short line (it is shown under the week list): where dates are looked for is in the README.
UNDATED = "undated: no date found"


def _resolve_week(report: Report, meta: _Meta, title_line: int | None, week_headings: list[tuple[int, str]]) -> None:
    """Which ISO week and period the report covers (SPEC §3.1), with a warning for every source that
    disagrees. A stated period (a range, a month, a quarter) files the report under the week of its
    start; a publication date up to `PUBLICATION_GRACE_DAYS` after its end agrees with it."""
    sources, yearless = _week_sources(report, meta, title_line)
    if sources:
        chosen = sources[0]
        report.week = chosen.week
        if chosen.kind in STATED_KINDS:
            report.period, lo, hi = chosen.kind, chosen.start, chosen.end
        else:
            report.period = "week"
            lo, hi = week_bounds(chosen.week)
        report.start, report.end = lo, hi
        # A label without a year (`第53周`) takes its year from the chosen source: only its number is compared.
        sources += [_WeekSource(f"label {lab.text}", "weeknum", line=title_line, number=lab.week) for lab in yearless]
        for src in sources[1:]:
            msg = _disagreement(src, chosen, lo, hi)
            if msg:
                report.warnings.append(Finding("warning", msg, src.line or title_line))
    elif issue_number(report.label, report.source.name, weeks=False) is None:
        # (a numbered issue is ordered by its number: no date is missing, SPEC §2)
        report.warnings.append(Finding("warning", UNDATED))

    for lineno, htext in week_headings:
        report.warnings.append(Finding("warning", f"second week heading {htext!r}", lineno))


def _extract_plans(report: Report, vocab: Vocabulary, sections: list[Section]) -> None:
    for sec in sections:
        low = sec.title.lower()
        if any(w in low for w in vocab.plan_sections):
            for item in sec.items:
                if item.text:
                    report.plans.append(item.text)
