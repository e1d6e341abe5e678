"""Next week's draft: the Markdown of the report after one, written from it (pure Python).

The draft keeps what a report's author writes again every week and leaves out what is over: the title
in their own label style for the next period, their property lines (`Created:` stamped again), the same
headings in the same order, every project not finished with its last status line and progress figure,
last week's plans as the first items of this week's work, every KPI line with its last value, and the
incident section empty. Everything to update ends in `→ ?` (`nextweek.MARK`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..model.frontmatter import yaml_end
from ..model.incidents import is_incident_section
from ..model.kpis import is_kpi_section
from ..model.nextweek import MARK, Step, mark_figures, mark_status, restamp, shift_title, title_shape
from ..model.parse import HEADING_RE, IMPLICIT_FOCUS, ITEM_RE, SETEXT_RE, parse_report
from ..model.projects import DONE_WORDS, is_done, okr_topic, progress_of
from ..model.report import Item, Project, Report, Section
from ..model.text import nfkc
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from ..model.weeks import MAX_RANGE_DAYS, find_dates, find_week_labels, iso_week, week_bounds

# Words of a section title that say it holds the week's work (where last week's plans go).
WORK_WORDS = ("本周", "本期", "重点工作", "工作", "进展", "完成", "this week", "done", "progress", "highlights",
              "accomplish", "updates", "work")
# Words of a title that name its rhythm, for a series too new to show one: (pattern, step).
_RHYTHM_WORDS = ((re.compile(r"(?i)month|月报|月度|月刊"), Step(months=1)),
                 (re.compile(r"(?i)quarter|季报|季度"), Step(months=3)),
                 (re.compile(r"(?i)bi-?weekly|fortnight|双周"), Step(14)))
_PROPERTY = re.compile(r"^(\s*[^\s:：#>|`-][^:：]{0,30}?\s*[:：]\s*)(.*?)\s*$")
_THIS_WEEK = ("本周", "本期", "this week", "current", "本月")  # (the columns a KPI table's values are read from)
_LABEL = re.compile(r"[:：]\s*$")  # `支付成功率：`: a line that names the group of lines under it
_FOCUS_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+[*_ ]*【")


@dataclass
class Draft:
    """The next report written from `base`: its Markdown, title and the period it covers."""

    base: Report
    text: str
    title: str
    week: str | None
    start: date | None
    end: date | None
    period: str | None


# -- which period comes next ------------------------------------------------------------------------

def _anchor(r: Report) -> date | None:
    """The day a report's series counts from: the date in its title, else its `Created:` day, else its start."""
    hits = find_dates(nfkc(r.title))
    if hits:
        return hits[0].value
    if r.created is not None:
        return r.created.date() if isinstance(r.created, datetime) else r.created
    return r.start


def next_step(report: Report, history: list[Report]) -> Step:
    """How far the next report moves on: a month for a month, a quarter for a quarter, a week for a week
    label; otherwise the series' own rhythm when its last three reports (same title shape) keep one (every
    14 days, every month on the 1st) or, for a new series, its title's word for it (`This Month in …`,
    `双周报`); else the period's length in whole weeks."""
    if report.period == "month":
        return Step(months=1)
    if report.period == "quarter":
        return Step(months=3)
    if report.start is None or report.end is None:
        return Step(7)
    days = (report.end - report.start).days + 1
    default = Step(7 * max(1, round(days / 7))) if report.period == "range" else Step(7)
    if report.period == "week" and find_week_labels(nfkc(report.title)):
        return Step(7)
    shape = title_shape(report.title)
    series = [r for r in history if r is not report and r.period == report.period and r.start is not None
              and r.start < report.start and title_shape(r.title) == shape]
    anchors = [_anchor(r) for r in series[-2:]] + [_anchor(report)]
    if len(anchors) < 3 or None in anchors:
        title = nfkc(report.title)
        return next((step for pat, step in _RHYTHM_WORDS if pat.search(title)), default)
    gaps = [(b - a).days for a, b in zip(anchors, anchors[1:])]
    if all(28 <= g <= 31 for g in gaps) and len({a.day for a in anchors}) == 1:
        return Step(months=1)
    if all(89 <= g <= 92 for g in gaps) and len({a.day for a in anchors}) == 1:
        return Step(months=3)
    if gaps[0] == gaps[1] and 7 <= gaps[0] <= MAX_RANGE_DAYS:
        return Step(gaps[0])
    return default


def _next_period(report: Report, step: Step, title: str) -> tuple[str | None, date | None, date | None, str | None]:
    """(week, start, end, kind) of the report after `report`, whose title is `title`: what the title says
    when the title dated the report, else the report's own dates moved on by `step`."""
    if report.week is None or report.start is None or report.end is None:
        return None, None, None, None
    if parse_report(f"# {report.title}\n").week == report.week:
        nxt = parse_report(f"# {title}\n")
        if nxt.week is not None:
            return nxt.week, nxt.start, nxt.end, nxt.period
    if report.period in ("week", None):
        created = report.created.date() if isinstance(report.created, datetime) else report.created
        day = step.after(created or report.start)
        week = iso_week(day)
        start, end = week_bounds(week)
        return week, start, end, "week"
    start = step.after(report.start)
    end = start + (report.end - report.start)
    return iso_week(start), start, end, report.period


# -- the draft ------------------------------------------------------------------------------------

def draft_report(report: Report, history: list[Report], now: datetime, words: tuple[str, ...] = DONE_WORDS,
                 vocab: Vocabulary = DEFAULT_VOCABULARY) -> Draft:
    """The Markdown of the report after `report` (`history`: its author's reports in week order, for the
    series' rhythm; `now`: when the draft is written; `words`: what says a project finished)."""
    step = next_step(report, history)
    title = shift_title(report.title, step, report.start)
    week, start, end, kind = _next_period(report, step, title)
    when = now
    if start is not None and end is not None:
        # Written ahead of (or after) the period it is for, it still belongs to that period.
        day = min(max(now.date(), start), end)
        when = datetime.combine(day, now.time())
    writer = _Writer(report, step, when, words, vocab)
    text = writer.write(dated=week is not None)
    return Draft(report, text, title, week, start, end, kind)


class _Writer:
    """Writes one draft: the head (title, properties), then every section."""

    def __init__(self, report: Report, step: Step, when: datetime, words: tuple[str, ...], vocab: Vocabulary):
        self.report = report
        self.step = step
        self.when = when
        self.words = words
        self.vocab = vocab
        self.lines = report.text.split("\n")
        self.out: list[str] = []
        self.heads: dict[int, Project] = {p.line: p for p in report.projects}
        self.kpis: dict[int, list[tuple[str, float, str]]] = {}
        for k in report.kpis:
            if k.line is not None:
                self.kpis.setdefault(k.line, []).append((k.raw, k.value, k.unit))
        self.work = _work_section(report.sections, report, words, vocab)

    # .. output .......................................................................................

    def _blank(self) -> None:
        """One blank line (never two, none at the top)."""
        if self.out and self.out[-1] != "":
            self.out.append("")

    def _item(self, depth: int, marker: str, text: str) -> None:
        """A list item, nested four spaces a level (as Notion writes them)."""
        self.out.append("    " * depth + f"{marker} {text}".rstrip())

    def _para(self, depth: int, text: str) -> None:
        """A paragraph line: on its own between blank lines, or a list item's continuation."""
        if depth == 0:
            self._blank()
            self.out.append(text)
            self.out.append("")
        else:
            self.out.append("    " * depth + text)

    # .. the head .....................................................................................

    def write(self, dated: bool) -> str:
        """The whole draft."""
        self._head(dated)
        for sec in self.report.root.children if self.report.root else []:
            self._section(sec)
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"

    def _head_end(self) -> int:
        """How many lines the head has: everything before the first section or item."""
        firsts = [s.line for s in self.report.sections[:1]]
        root = self.report.root
        firsts += [i.line for i in (root.items[:1] if root else [])]
        return min(firsts) - 1 if firsts else len(self.lines)

    def _head(self, dated: bool) -> None:
        """The title line, front matter and property lines, moved on; a second week heading and comments
        left out. A draft nothing else dates (its report was dated by its file name) gets a date line."""
        r = self.report
        lines = self.lines[:self._head_end()]
        front = max(0, yaml_end(lines) - 1)  # the closing fence's index (the parser's rule)
        title: str | None = None  # the draft's title, once written …
        title_at = 0  # … at this index of `out`
        after_front = 0  # the index of `out` after the front matter
        stamped = False
        skip = -1
        for i, line in enumerate(lines):
            stripped = line.strip()
            if i <= skip:
                continue
            if not stripped:
                self._blank()
                continue
            if front and i in (0, front):
                self.out.append(stripped)  # the front matter's fences
                after_front = len(self.out) if i == front else 0
                continue
            inside = 0 < i < front
            hm = None if inside else HEADING_RE.match(line)
            if hm:
                if title is None and len(hm.group(1)) == 1:
                    title, title_at = shift_title(hm.group(2) or "", self.step, r.start), len(self.out)
                    self.out.append("# " + title)
                continue  # (a second week heading, `# 第47周 2023/11/13`, is not written again)
            if not inside and title is None and i + 1 < len(lines) and SETEXT_RE.match(lines[i + 1]) \
                    and lines[i + 1].strip()[0] == "=":
                title, title_at = shift_title(stripped, self.step, r.start), len(self.out)
                self.out.append("# " + title)
                skip = i + 1
                continue
            if not inside and stripped.startswith("<!--"):
                continue
            new, shifted, is_date = self._property(line)
            if shifted is not None and title is None:
                title, title_at = shifted, len(self.out)
            stamped |= is_date
            self.out.append(new)
        if title is None:  # (a title from the file name)
            title = shift_title(r.title, self.step, r.start)
            lead = [""] if after_front else []  # (after the front matter's fence)
            tail = [] if self.out[after_front:after_front + 1] == [""] else [""]
            self.out[after_front:after_front] = lead + ["# " + title] + tail
            title_at = after_front + len(lead)
        if dated and not stamped and parse_report(f"# {title}\n").week is None:
            day = f"{self.when:%Y-%m-%d}"
            head = self.out[title_at]
            if head.startswith("#"):
                self.out[title_at + 1:title_at + 1] = ["", f"Created: {day}"]
            else:  # a `title:` property: the date beside it, in its case
                self.out.insert(title_at + 1, ("date: " if head.lstrip()[:1].islower() else "Date: ") + day)
        self._blank()

    def _property(self, line: str) -> tuple[str, str | None, bool]:
        """(the line for the draft, the title moved on when it is the title, whether it holds a date
        stamped again)."""
        mt = _PROPERTY.match(line)
        if not mt:
            return line.rstrip(), None, False
        key, value = mt.group(1), mt.group(2)
        name = key.strip().rstrip(":：").strip().lower()
        if name == "title":
            title = shift_title(value, self.step, self.report.start)
            return key + title, title, False
        stamped = restamp(value, self.when)
        if stamped is not None:
            return key + stamped, None, True
        if value.isdigit() and self.report.issue is not None and int(value) == self.report.issue:
            return key + str(int(value) + 1), None, False  # `Number: 353`
        return line.rstrip(), None, False

    # .. sections .....................................................................................

    def _section(self, sec: Section) -> None:
        mark = len(self.out)
        if not sec.implicit:
            self._blank()
            self.out.append(self._heading(sec))
            self._blank()
        if not (self._is_plan(sec) or is_incident_section(sec.title, self.vocab)):
            if sec is self.work:
                for plan in self.report.plans:
                    self._item(0, "-", mark_status(plan))
            self._content(sec)
        if sec.implicit and not any(_FOCUS_ITEM.match(line) for line in self.out[mark:]):
            # With no focus project left, the section would not be read back: it gets its heading.
            self.out[mark:mark] = ["", f"## {IMPLICIT_FOCUS}", ""]
        self._blank()
        for child in sec.children:
            self._section(child)

    def _heading(self, sec: Section) -> str:
        hm = HEADING_RE.match(self.lines[sec.line - 1]) if 0 < sec.line <= len(self.lines) else None
        text = (hm.group(2) or "") if hm and len(hm.group(1)) == sec.level else sec.title
        return ("#" * max(1, sec.level) + " " + text).rstrip()

    def _is_plan(self, sec: Section) -> bool:
        low = sec.title.lower()
        return any(w in low for w in self.vocab.plan_sections)

    def _content(self, sec: Section) -> None:
        kpi = is_kpi_section(sec.title, self.vocab)
        keep = _is_author_section(sec, self.report)
        blocks: list[tuple[int, list[str]]] = []
        start = len(self.out)
        self._items(sec.items, 0, kpi, keep)
        blocks.append((sec.items[0].line if sec.items else 0, self.out[start:]))
        del self.out[start:]
        if kpi:
            blocks += [(table[0][0], self._table(table)) for table in sec.tables if table]
        for _, lines in sorted(blocks, key=lambda b: b[0]):
            if lines and lines[0].startswith("|"):
                self._blank()
                self.out.extend(lines)
                self._blank()
            else:
                self.out.extend(lines)

    def _items(self, items: list[Item], depth: int, kpi: bool, keep: bool, only_projects: bool = False) -> None:
        n = 0
        for item in items:
            if item.kind == "table" or not item.text.strip():
                continue
            project = self.heads.get(item.line)
            listed = item.kind != "para"
            if project is not None:
                if is_done(project, self.words):
                    # finished: left out with its lines (a project still open under it keeps its place)
                    self._items(item.children, depth, kpi, False, only_projects=True)
                    continue
                n += listed
                self._project(item, project, depth, n, kpi)
                continue
            values = self.kpis.get(item.line)
            if not only_projects and (values or keep or (kpi and _LABEL.search(item.text))):
                n += listed
                text = mark_figures(self._raw(item), values)[0] if values else self._raw(item)
                self._write(item, depth, n, text)
                self._items(item.children, depth + 1, kpi, keep)
                continue
            self._items(item.children, depth, kpi, keep, only_projects)  # (what may be under it)

    def _write(self, item: Item, depth: int, n: int, text: str) -> None:
        if item.kind == "para":
            self._para(depth, text)
        else:
            self._item(depth, f"{n}." if item.kind == "ordered" else "-", text)

    def _project(self, item: Item, project: Project, depth: int, n: int, kpi: bool) -> None:
        """A project not finished: its line (figures marked), the line holding its progress figure and its
        last line of status, each marked to update."""
        own = [i for i in item.walk() if i is not item and i.project == project.key and i.kind != "table"
               and i.text.strip()]
        head, marked = mark_figures(self._raw(item), self.kpis.get(item.line, ()))
        chosen: list[Item] = []
        figure = next((i for i in own if progress_of(i.text)), None) if project.progress and not marked else None
        if figure is not None:
            chosen.append(figure)
        status = [i for i in own if not _LABEL.search(i.text)] or own
        if status and status[-1] not in chosen:
            chosen.append(status[-1])
        if not chosen and not marked:
            head = mark_status(head)
            if project.kind == "okr" and okr_topic(head) != project.name:
                # (`年结保障安排完毕 → ?` would be read as another topic: the marker follows a colon)
                head = head[: -len(MARK)].rstrip() + ("：" if re.search(r"[^\x00-\x7f]", head) else ": ") + MARK
        self._write(item, depth, n, head)
        for child in sorted(chosen, key=lambda i: i.line):
            self._item(depth + 1, "-", mark_status(self._raw(child)))
        self._items(item.children, depth + 1, kpi, False, only_projects=True)  # projects inside it

    def _table(self, table: list[tuple[int, list[str]]]) -> list[str]:
        """A KPI table: its header, and every row with its KPI's value marked."""
        header = table[0][1]
        rows = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        # the column the KPI was read from first: 本周 / 本期 / this week, else the others left to right
        this_week = [i for i, h in enumerate(header) if i and any(w in nfkc(h).lower() for w in _THIS_WEEK)]
        for line, cells in table[1:]:
            cells = list(cells)
            for _key, value, unit in self.kpis.get(line, ()):
                for i in this_week + list(range(1, len(cells))):
                    if i >= len(cells):
                        continue
                    marked, n = mark_figures(cells[i], [("", value, unit)], progress=False)  # (its value)
                    if n:
                        cells[i] = marked
                        break
            rows.append("| " + " | ".join(cells) + " |")
        return rows

    # .. source text ..................................................................................

    def _raw(self, item: Item) -> str:
        """An item's text as written (emphasis, links and escapes kept), without its list marker."""
        line = self.lines[item.line - 1] if 0 < item.line <= len(self.lines) else ""
        if line.lstrip().startswith(">"):
            return item.text  # (inside a quote: the text the parser read)
        if item.kind in ("bullet", "ordered"):
            mt = ITEM_RE.match(line.expandtabs(4))
            return (mt.group(4) or "").strip() if mt else item.text
        return line.strip() or item.text


def _is_author_section(sec: Section, report: Report) -> bool:
    """A `姓名` section whose one line names the author: kept as written (it says whose report it is)."""
    items = list(sec.all_items())
    return bool(report.author) and len(items) == 1 and report.author in items[0].text and len(items[0].text) <= 40


def _work_section(sections: list[Section], report: Report, words: tuple[str, ...], vocab: Vocabulary) -> Section | None:
    """Where last week's plans go: the first section about the week's work (`本周工作`, `重点工作`, `Done`),
    else the first holding a project still open, else the first that is no plan, KPI or incident section."""
    def plain(s: Section) -> bool:
        low = s.title.lower()
        return not (any(w in low for w in vocab.plan_sections) or is_kpi_section(s.title, vocab)
                    or is_incident_section(s.title, vocab))

    candidates = [s for s in sections if plain(s)]
    for s in candidates:
        if any(w in s.title.lower() for w in WORK_WORDS):
            return s
    open_sections = {p.section for p in report.projects if not is_done(p, words)}
    for s in candidates:
        if s.key in open_sections:
            return s
    return candidates[0] if candidates else None


__all__ = ["Draft", "MARK", "draft_report", "next_step"]
