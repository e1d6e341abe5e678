"""Whose report it is (SPEC §3.0), as the report itself says it.

A report names its author, in this order of preference, with
1. a property line under the title (`Created by: 张三`, `作者：张三`; the names are in `Vocabulary`);
2. YAML front matter `author:` (or `authors:`, the first one);
3. a `姓名` / `Name` section whose body is one short line (`### 姓名` then `张三`), a heading
   `姓名：张三`, or an identity line near the top (`姓名：张三`, `Name: Ann Lee`, `Github ID：ann-lee`;
   a name beats an account name).
A label is never part of the name: `Github ID：SecretXV`, `GitHub-ID: Austin-00`, `姓名：张钰钦` give
`SecretXV`, `Austin-00`, `张钰钦`. Failing all of these, a library whose reports sit in one folder per
person takes the folder's name (`people.person_folders`, applied after loading since it depends on the
other reports). Names are shown as written; `Aliases` merges spellings the config lists.

Pure Python; no Textual or Rich.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

from .report import Section
from .text import LazyPattern, nfkc

MAX_NAME = 40  # characters: longer values are sentences, not names
NAME_SECTIONS = ("姓名", "name", "名字")  # section titles whose one-line body is the author's name
NAME, ACCOUNT = 0, 1  # what a label says its value is: a person's name, or an account name (an ID)

_PROPERTY = LazyPattern(r"^\s*(?:\*\*|__)?([^:：*_]{1,24}?)(?:\*\*|__)?\s*[:：]\s*(.*?)\s*$")
_LINK = LazyPattern(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH = LazyPattern(r"(\*\*|__|`|\*|_)(.+?)\1")
_EMAIL = LazyPattern(r"\s*[<(（]?[\w.+-]+@[\w-]+(?:\.[\w-]+)+[>)）]?\s*")
_SEPARATORS = LazyPattern(r"\s*(?:[,，、;；/&]|\band\b|\s和\s)\s*")
_LONG_HANZI = LazyPattern(r"[\u3400-\u9fff]{9,}")  # Chinese names are short; this is a phrase
_NOT_A_NAME = LazyPattern(r"https?://|^\W*$|^[\d\s.:/\-年月日]+$")

# `Github ID：x`, `GitHub-ID: x`, `Gitee 账号：x`, `ID: x` name an account; `姓名：x`, `Name: x` a person.
_ACCOUNT_LABEL = (r"(?:git(?:hub|ee|lab)|gh)(?:\s*[-_ ]?\s*(?:id|账号|帐号|用户名|user\s*name|username|user|handle|name))?"
                  r"|id|用户名|user\s*name|username|handle|账号|帐号")
_NAME_LABEL = r"姓名|名字|真实姓名|中文名|(?:full\s*|real\s*)?name"
_LABELLED = LazyPattern(
    rf"^\s*(?:\*\*|__)?(?:(?P<account>{_ACCOUNT_LABEL})|(?P<name>{_NAME_LABEL}))(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?"
    r"(?P<value>.*?)\s*$", re.IGNORECASE)
_GITHUB_URL = LazyPattern(r"^https?://(?:www\.)?(?:github|gitee|gitlab)\.com/([A-Za-z0-9][\w.-]*)/?$", re.IGNORECASE)
_HANDLE = LazyPattern(r"^@?[A-Za-z][\w.-]{0,38}$")  # an account name: one word of letters, digits, `-` `_` `.`
# What a template says in place of a name: `（你的名字）`, `<your name>`, `xxx`.
_PLACEHOLDER = LazyPattern(r"^(?:[(（<《{].*[)）>》}]|x{2,}|某某|你的名字|您的名字|你的姓名|待填写?|your\s*name|name|姓名|todo|tbd)$",
                          re.IGNORECASE)
_INFO_SECTION = LazyPattern(r"信息|个人|简介|info|about|profile|姓名|name", re.IGNORECASE)


def name_key(text: str) -> str:
    """How names are compared: NFKC, case-folded, runs of spaces as one."""
    return " ".join(nfkc(text).casefold().split())


_key = name_key


def labelled(text: str) -> tuple[int, str] | None:
    """`(NAME, 张钰钦)` for `姓名：张钰钦`, `(ACCOUNT, SecretXV)` for `Github ID：SecretXV` (a profile link
    gives its account name); None when the text is no such line or its value is no name."""
    line = nfkc(_LINK.sub(r"\1", text) if "](" in text else text)
    m = _LABELLED.match(line) if ":" in line else None  # (a label ends at its colon, ASCII after `nfkc`)
    if not m:
        return None
    kind = ACCOUNT if m.group("account") else NAME
    value = _GITHUB_URL.sub(r"\1", m.group("value").strip().strip("*_`").strip())
    if kind == ACCOUNT and not _HANDLE.match(value):
        return None  # `ID: 2024-17`, `ID: 支付 网关`: a number or a phrase, not an account
    name = clean_name(value)
    return (kind, name) if name else None


def clean_name(value: str) -> str | None:
    """The person a property value names, as written (`[张三](mailto:…)`, `@张三`, `张三 <zs@x.com>`,
    `**张三**`, `Github ID：zhangsan` → `张三` / `zhangsan`; the first of several people); None when
    the value is no name."""
    text = _LINK.sub(r"\1", value.strip())
    text = _EMPH.sub(r"\2", text).strip()
    if _PLACEHOLDER.match(text):
        return None
    text = text.strip("'\"“”‘’「」【】[]()（）")
    m = _LABELLED.match(nfkc(text))
    if m:  # a label is not part of the name
        text = _GITHUB_URL.sub(r"\1", m.group("value").strip())
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
    """The author the top of a report gives, among its first `first` sections: a heading `姓名：张三`,
    a `姓名` / `Name` section whose body is one short line, or an identity line (`姓名：张三`,
    `Github ID：zhangsan`) in the lines before the first section, the first section or a section
    about the person (`基本信息`). A person's name beats an account name; a list item that is not an
    identity line (`- 负责人：张三`, a project's owner) names nobody."""
    if root is None:
        return None
    best: tuple[int, str] | None = None
    for n, sec in enumerate(root.walk()):
        if n > first:
            break
        found: list[tuple[int, str] | None] = []
        if sec is not root:
            title = nfkc(sec.title).strip()
            head = labelled(title)
            if head is not None and head[0] == NAME:
                return head[1]
            found.append(head)
            if sec.key.casefold() in NAME_SECTIONS:
                items = list(sec.all_items())
                if len(items) == 1 and not sec.tables and not any(c.items for c in sec.children) \
                        and len(items[0].text) <= 2 * MAX_NAME:
                    text = items[0].text
                    line = labelled(text)
                    found.append(line if line is not None else (NAME, clean_name(text)) if len(text) <= 20 else None)
        if sec is root or n == 1 or _INFO_SECTION.search(sec.key):
            found.extend(labelled(item.text) for item in sec.items[:8] if item.kind != "table")
        for got in found:
            if got is not None and got[1] and (best is None or got[0] < best[0]):
                best = (got[0], got[1])
        if best is not None and best[0] == NAME:
            return best[1]
    return best[1] if best else None


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
