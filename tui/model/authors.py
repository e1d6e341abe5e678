"""Whose report it is (SPEC §3.0): the author named in the report, or its folder in a team archive.

A report names its author, in this order of preference, with
1. a property line under the title (`Created by: 张三`, `作者：张三`; the names are in `Vocabulary`);
2. YAML front matter `author:` (or `authors:`, the first one);
3. a `姓名` / `Name` section whose body is one short line (`### 姓名` then `张三`).
Failing these, a library whose reports sit in one folder per person takes the folder's name
(`folder_authors`, applied after loading since it depends on the other reports). Names are shown as
written; `Aliases` merges spellings the config lists (`[authors] aliases`).

Pure Python; no Textual or Rich.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .report import Section, SourceRef
from .text import nfkc, printable_name

MAX_NAME = 40  # characters: longer values are sentences, not names
NAME_SECTIONS = ("姓名", "name", "名字")  # section titles whose one-line body is the author's name

_PROPERTY = re.compile(r"^\s*(?:\*\*|__)?([^:：*_]{1,24}?)(?:\*\*|__)?\s*[:：]\s*(.*?)\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|`|\*|_)(.+?)\1")
_EMAIL = re.compile(r"\s*[<(（]?[\w.+-]+@[\w-]+(?:\.[\w-]+)+[>)）]?\s*")
_SEPARATORS = re.compile(r"\s*(?:[,，、;；/&]|\band\b|\s和\s)\s*")
_LONG_HANZI = re.compile(r"[\u3400-\u9fff]{9,}")  # Chinese names are short; this is a phrase
_NOT_A_NAME = re.compile(r"https?://|^\W*$|^[\d\s.:/\-年月日]+$")


def _key(text: str) -> str:
    return " ".join(nfkc(text).casefold().split())


def clean_name(value: str) -> str | None:
    """The person a property value names, as written (`[张三](mailto:…)`, `@张三`, `张三 <zs@x.com>`,
    `**张三**` → `张三`; the first of several people); None when the value is no name."""
    text = _LINK.sub(r"\1", value.strip())
    text = _EMPH.sub(r"\2", text)
    text = text.strip().strip("'\"“”‘’「」【】[]()（）")
    if not text:
        return None
    text = text.rstrip("。.，,;；:：!！?？ ")
    if len(text) > 2 * MAX_NAME or any(c in text for c in "。！？!?") or "://" in text:
        return None  # a sentence or a link, not a name
    if "@" in text:
        text = _EMAIL.sub(" ", text).strip() or text
    text = _SEPARATORS.split(text, maxsplit=1)[0]
    text = text.strip().lstrip("@").strip().rstrip("。.，,;；:：")
    text = " ".join(text.split())
    if (not text or len(text) > MAX_NAME or len(text.split()) > 5 or _NOT_A_NAME.search(text)
            or _LONG_HANZI.fullmatch(text)):
        return None
    return text


def property_author(line: str, names: Iterable[str]) -> str | None:
    """The author a `Key: value` property line names when its key is one of `names` (case-insensitive)."""
    m = _PROPERTY.match(line)
    if not m:
        return None
    key = _key(m.group(1))
    if key not in {_key(n) for n in names}:
        return None
    return clean_name(m.group(2))


def is_author_property(line: str, names: Iterable[str]) -> bool:
    """Whether a line is a `Key: value` property whose key names the author (value readable or not)."""
    m = _PROPERTY.match(line)
    return bool(m) and _key(m.group(1)) in {_key(n) for n in names}


def front_matter_author(lines: Sequence[str], indexes: Iterable[int]) -> str | None:
    """`author:` / `authors:` of YAML front matter or top metadata lines (the lines at `indexes`):
    a plain value, a `[a, b]` list or a `- a` list below the key; the first person."""
    rows = sorted(i for i in indexes if 0 <= i < len(lines))
    for n, i in enumerate(rows):
        m = re.match(r"^\s*(authors?)\s*:\s*(.*?)\s*$", lines[i], re.IGNORECASE)
        if not m:
            continue
        value = m.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
        if value:
            return clean_name(value)
        for j in rows[n + 1:]:
            item = re.match(r"^\s*-\s+(.*?)\s*$", lines[j])
            if item:
                return clean_name(item.group(1))
            if lines[j].strip():
                break
    return None


def section_author(root: Section | None, first: int = 12) -> str | None:
    """The author a `姓名` / `Name` section gives (its body one short line), or a heading
    `姓名：张三`; only among the first `first` sections."""
    if root is None:
        return None
    for n, sec in enumerate(s for s in root.walk() if s is not root):
        if n >= first:
            break
        title = nfkc(sec.title).strip()
        head = re.match(r"^(姓名|名字|name)\s*[:：]\s*(\S.*)$", title, re.IGNORECASE)
        if head:
            return clean_name(head.group(2))
        if sec.key.casefold() not in NAME_SECTIONS:
            continue
        items = list(sec.all_items())
        if len(items) == 1 and not sec.tables and not any(c.items for c in sec.children):
            text = items[0].text
            if len(text) <= 20:
                return clean_name(text)
        return None
    return None


# ---------------------------------------------------------------------------------------------
# One folder per person

_DATE_LIKE = re.compile(
    r"^(?:(?:19|20)\d\d(?:\D.*)?|\d{1,2}(?:[-_. ]\d{1,2})*|q[1-4].*|w\d{1,2}|第?\d+[周月期].*|\d+月"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[-_ ]?\d+)?)$",
    re.IGNORECASE,
)


def _dirs(ref: SourceRef, root: str) -> list[str] | None:
    """The folders between `root` and a report (a zip counts as a folder named after it); None when
    the report is not under `root`."""
    path = ref.path
    if path == root:
        rel: list[str] = []
    else:
        prefix = root if root.endswith(os.sep) else root + os.sep
        if not path.startswith(prefix):
            return None
        parts = path[len(prefix):].split(os.sep)
        rel = parts[:-1]
        if ref.member is not None:
            stem = parts[-1]
            rel.append(stem[:-4] if stem.lower().endswith(".zip") else stem)
    if ref.member is not None:
        rel.extend(p for p in ref.member.replace("\\", "/").split("/")[:-1] if p)
    return rel


def folder_authors(sources: Sequence[SourceRef], weeks: Sequence[str | None], roots: Sequence[str],
                   named: Sequence[str | None] | None = None) -> list[str | None]:
    """The author each report's folder gives, where the reports under a PATH sit in one folder per
    person; None for every other report.

    Under each PATH, the folders just below the reports' common folder are people when at least two
    of them hold two or more reports each, nearly all reports sit in one of them, none is named like a
    date (`2024`, `2024-06`, `Q1`), a folder holds different weeks, and the folders share weeks (a
    team writes the same weeks; folders per year or month do not). A folder whose reports name an
    author themselves (`named`, what the text says) takes the name most of them give.
    """
    out: list[str | None] = [None] * len(sources)
    norm = [str(Path(r)) for r in roots]  # as `source.scan` writes them
    under: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
    seen: dict[tuple[str, str | None], tuple[int, list[str]] | None] = {}  # (folder, member's folder) → root, dirs
    for i, ref in enumerate(sources):
        # Reports share folders: each folder is placed under its PATH once (10,000 reports, ~30 folders).
        folder = ref.path.rpartition(os.sep)[0] if ref.member is None else ref.path
        inner = ref.member.replace("\\", "/").rpartition("/")[0] if ref.member is not None else None
        key = (folder, inner)
        if key not in seen:
            seen[key] = None
            for n, root in enumerate(norm):
                d = _dirs(ref, root)
                if d is not None:
                    seen[key] = (n, d)
                    break
        found = seen[key]
        if found is not None:
            under[found[0]].append((i, found[1]))
    for entries in under.values():
        _one_root(entries, weeks, named, out)
    return out


def _one_root(entries: list[tuple[int, list[str]]], weeks: Sequence[str | None],
              named: Sequence[str | None] | None, out: list[str | None]) -> None:
    if len(entries) < 4:
        return
    # Reports of one folder share its list of folder names: the layout is read per folder.
    folders: dict[int, tuple[list[str], list[int]]] = {}
    for i, d in entries:
        got = folders.get(id(d))
        if got is None:
            folders[id(d)] = (d, [i])
        else:
            got[1].append(i)
    dirs = [d for d, _ in folders.values()]
    prefix = list(dirs[0])
    for d in dirs[1:]:
        k = 0
        while k < len(prefix) and k < len(d) and prefix[k] == d[k]:
            k += 1
        del prefix[k:]
    level = len(prefix)
    groups: dict[str, list[int]] = defaultdict(list)
    for d, ids in folders.values():
        if len(d) > level:
            groups[d[level]].extend(ids)
    people = [g for g, ids in groups.items() if len(ids) >= 2]
    if len(people) < 2 or sum(map(len, groups.values())) * 10 < len(entries) * 9:
        return
    if any(_DATE_LIKE.match(nfkc(g).strip()) for g in groups):
        return
    # Weeks: a person writes different weeks; people share weeks.
    per_group = {g: Counter(map(weeks.__getitem__, ids)) for g, ids in groups.items()}
    owners: Counter[str] = Counter()
    dated = 0
    for counts in per_group.values():
        counts.pop(None, None)
        n = sum(counts.values())
        dated += n
        if n >= 2 and len(counts) * 10 < n * 8:
            return
        owners.update(counts.keys())
    if dated < 4:
        return
    shared = sum(n for counts in per_group.values() for w, n in counts.items() if owners[w] > 1)
    if shared * 2 < dated:
        return
    for g, ids in groups.items():
        name = printable_name(g)
        if named is not None:
            given = Counter(n for n in map(named.__getitem__, ids) if n)
            if given:
                name = given.most_common(1)[0][0]
        for i in ids:
            out[i] = name


# ---------------------------------------------------------------------------------------------
# Spellings

class Aliases:
    """Spellings of one person merged under the name shown (config `[authors] aliases`), matched
    case-insensitively and ignoring spacing."""

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self._to: dict[str, str] = {}
        for shown, others in (aliases or {}).items():
            self._to[_key(shown)] = shown
            for other in others:
                self._to.setdefault(_key(other), shown)

    def __bool__(self) -> bool:
        return bool(self._to)

    def canonical(self, name: str | None) -> str | None:
        """The name shown for a spelling (itself when no alias lists it)."""
        if name is None or not self._to:
            return name
        return self._to.get(_key(name), name)

    def spellings(self, name: str) -> list[str]:
        """Every spelling the config gives for a name (keys as matched)."""
        shown = self.canonical(name)
        return [k for k, v in self._to.items() if v == shown]


def match_author(query: str, authors: Iterable[str], aliases: Aliases | None = None) -> list[str]:
    """The authors a name given on the command line means: an exact name or listed spelling
    (case-insensitive), else every author whose name contains it."""
    q = _key(query)
    if not q:
        return []
    known = list(dict.fromkeys(authors))
    if aliases:
        shown = aliases.canonical(query)
        if shown in known:
            return [shown]
    exact = [a for a in known if _key(a) == q]
    if exact:
        return exact[:1]
    return [a for a in known if q in _key(a)]
