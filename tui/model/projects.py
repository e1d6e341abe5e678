"""Projects in a report: focus items (`【name】`) at any depth, and OKR topics with progress figures."""

from __future__ import annotations

import re
from functools import lru_cache

from .report import Item, Project, Report, Section
from .text import nfkc

_FOCUS = re.compile(r"^[*_\s]*【([^】]{1,40})】")
_TOPIC_SPLIT = re.compile(r"[:,;。：，；]")
_PROGRESS = re.compile(r"(?:总体|整体)?进度\s*(?:为|是|:|达到|约)?\s*(\d+(?:\.\d+)?)\s*%")
# The figures `_PROGRESS` finds, found faster: a pattern that starts with its literal 进度 is looked for
# by a scan for that text, not tried at every character. (The 总体/整体 before it changes no figure:
# it is optional, and no earlier match can end inside it, since every match ends at its `%`.)
_PROGRESS_FIGURE = re.compile(r"进度\s*(?:为|是|:|达到|约)?\s*(\d+(?:\.\d+)?)\s*%")
_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]|[【】「」『』《》\[\]\"'“”]")
_LEADING_NUM = re.compile(r"^\s*(?:\d+[.)、]\s*)+")
_SUFFIXES = ("项目", "专项", "方案")
MAX_TOPIC = 24


@lru_cache(maxsize=4096)  # (the same few project names recur in every report of a series)
def project_key(name: str) -> str:
    """The name projects are matched by across weeks: no bracketed suffixes, spaces or 项目 suffix."""
    key = _BRACKETED.sub("", nfkc(name))
    key = _SPACES.sub("", key).lower()
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    return key or _SPACES.sub("", nfkc(name)).lower()


def progress_of(text: str) -> list[float]:
    """Percentages that follow 进度/总体进度/整体进度 in the text, in order."""
    if "进" not in text:  # (no character but 进 itself normalises to 进: nothing to find)
        return []
    text = nfkc(text)
    return [float(m) for m in _PROGRESS_FIGURE.findall(text)] if "进度" in text else []


def okr_topic(text: str) -> str | None:
    """The topic of an OKR item: the text before its first `：` `:` `，` `,` (None when too long to be a name)."""
    plain = nfkc(text)
    if plain.lstrip()[:1].isdecimal():  # (a leading number, `1. `, is not part of it; `\d` is `isdecimal`)
        plain = _LEADING_NUM.sub("", plain)
    plain = plain.strip().strip("*_ ")
    topic = _TOPIC_SPLIT.split(plain, 1)[0].strip().strip("*_ ")
    if not topic or len(topic) > MAX_TOPIC:
        return None
    return topic


def _focus(text: str) -> re.Match | None:
    """The `【name】` match of a focus item's text (a text without 【 is none: no pattern run)."""
    return _FOCUS.match(text) if "【" in text else None


def _own_items(item: Item) -> list[Item]:
    """An item and its descendants, without the items of a focus project nested under it (their
    progress figures are theirs, not the outer project's)."""
    out, stack = [], [item]
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(c for c in reversed(i.children) if not _focus(c.text))
    return out


def _make(item: Item, name: str, kind: str, section: str) -> Project:
    items = item.subtree()
    entries = [(i.line, i.text) for i in items]
    progress: list[float] = []
    if any("进" in t for _, t in entries):  # (progress figures follow 进度: no line has one without 进)
        # (only a focus item nested under it has lines of its own: none has 【 in its text)
        own = _own_items(item) if any("【" in i.text for i in items[1:]) else items
        for i in own:
            if "进" in i.text:
                progress.extend(progress_of(i.text))
    key = project_key(name)
    if kind == "focus":
        for i in items:
            i.project = key
    else:
        for i in items:
            if i.project is None:
                i.project = key
    return Project(name, key, kind, section, item.line, progress, entries)


def extract_projects(report: Report, sections: list[Section] | None = None) -> None:
    """Fill `report.projects`: focus items anywhere, then top-level items of O-sections (`sections`: the
    report's, when the caller has them at hand)."""
    found: list[Project] = []
    for sec in report.sections if sections is None else sections:
        stack = sec.items[::-1]  # (every item of the section, in document order)
        while stack:
            item = stack.pop()
            if item.children:
                stack.extend(reversed(item.children))
            if "【" not in item.text or (item.kind == "para" and item.depth > 0):
                continue
            mt = _FOCUS.match(item.text)
            if mt:
                found.append(_make(item, mt.group(1).strip(), "focus", sec.key))
        if sec.okr:
            for item in sec.items:
                if item.kind == "para" or _focus(item.text):
                    continue
                topic = okr_topic(item.text)
                if topic:
                    found.append(_make(item, topic, "okr", sec.key))
    found.sort(key=lambda p: p.line)
    report.projects = found


# -- whether a project is finished -------------------------------------------------------------------

# Words that say a piece of work finished. Bare 完成/上线 are not among them: they also mean "finished a
# step" (`本周完成联调`) and "the launch being prepared" (`全量上线准备`). More come from the settings.
DONE_WORDS = (
    "已完成", "全部完成", "已全部完成", "已上线", "已全量上线", "全量上线完成", "已交付", "已结项", "已验收",
    "已发布", "已关闭", "done", "finished", "completed", "shipped", "launched", "delivered",
)
_NEGATED = re.compile(r"(?i)(?:\bnot|n't|\bnever|\byet to be)\s+(?:yet\s+|been\s+|be\s+)?$")


def says_done(text: str, words: tuple[str, ...] = DONE_WORDS) -> bool:
    """Whether the text says the work finished: one of the words (Latin ones whole and not negated:
    `done` but not `not done`, `undone` or `doneness`)."""
    folded = nfkc(text).lower()
    for word in words:
        w = word.lower()
        if not w.isascii():
            if w in folded:
                return True
            continue
        for mt in re.finditer(rf"(?<![a-z0-9_-]){re.escape(w)}(?![a-z0-9_])", folded):
            if not _NEGATED.search(folded[: mt.start()]):
                return True
    return False


def is_done(project: Project, words: tuple[str, ...] = DONE_WORDS) -> bool:
    """Whether a project is finished in its report: its headline progress figure (the first it states)
    reached 100 %, or it states no figure and its own line (or, when that line is only its name, a line
    under it) says it finished. A stated figure below 100 % is never done."""
    if project.progress:
        return project.progress[0] >= 100
    if not project.entries:
        return False
    head = project.entries[0][1]
    if says_done(head, words):
        return True
    rest = _FOCUS.sub("", head, count=1).strip(" \t*_:：-—")
    if rest and rest != project.name:
        return False
    return any(says_done(text, words) for _, text in project.entries[1:])
