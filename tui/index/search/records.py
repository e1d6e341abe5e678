"""What search keeps of one report, computed when the report is parsed and stored in the parse cache,
and the text rules every part of search shares: normalisation and the visible text of a line.

A *search record* lists a report's searchable lines (title, section titles, items) in source order,
with what a hit shows (section, project) and what filters need (section chain, KPI lines), plus the
project, KPI and section names fuzzy and pinyin search look up. The search index is built from these
records, so an index built from the cache and one built from parsed reports are the same.

Pure Python, standard library only: this runs in parse workers and on the `reports-tui search` path.
"""

from __future__ import annotations

import hashlib
import json
import re
from operator import itemgetter
from pathlib import Path
from typing import Any

RECORD_VERSION = "4"  # bump when the record layout changes (it is part of the cache's parser version)

# ---------------------------------------------------------------------------------------------
# normalisation: one character for one character, so offsets found in a normalised line are
# offsets in the line as written

_FW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FW[0x3000] = 0x20
_FW[ord("\n")] = 0x20
_FW[ord("\r")] = 0x20


_FW_ANY = re.compile("[\uff01-\uff5e\u3000\n\r]")


def fold(text: str) -> str:
    """Full-width letters, digits and signs to ASCII, newlines to spaces; case kept."""
    # (translating with a dictionary costs per character: most lines have nothing to fold)
    return text.translate(_FW) if _FW_ANY.search(text) is not None else text


def lower(text: str) -> str:
    """Lower case, one character for one character (a character whose lower case is longer, such as
    `İ`, is kept as it is)."""
    out = text.lower()
    if len(out) != len(text):
        out = "".join(lc if len(lc := c.lower()) == 1 else c for c in text)
    return out


def norm(text: str) -> str:
    """`fold` then `lower`: how lines are compared when case does not matter."""
    return lower(fold(text))


def clean_title(title: str) -> str:
    """A section title for display: without 【】 and surrounding spaces or emphasis."""
    return title.replace("【", "").replace("】", "").strip(" *_#")


def is_word_char(c: str) -> bool:
    """A character of a Latin word: an ASCII letter or digit (CJK text has no word boundaries)."""
    return c.isascii() and c.isalnum()


# runs of CJK ideographs: the one definition search uses (a class this wide costs milliseconds to compile)
HANZI_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def has_hanzi(text: str) -> bool:
    """Whether the text holds a CJK ideograph."""
    return HANZI_RUNS.search(text) is not None


# ---------------------------------------------------------------------------------------------
# the text a reader sees

HIDDEN = "\x00"  # stands in for every hidden character (control characters never reach a record)

_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)")
_HIDE = re.compile(
    # Each branch begins after its first character, one of those in the leading class, so the engine
    # skips to those (a branch led by `\b` would have it try every branch at every position); the
    # look-behinds check which one it was and, for words, that no letter or digit comes before it.
    r"[\]<hHsS\u017ffFwW]"  # (ſ is an s to IGNORECASE)
    # `](target "title")` of an inline link or image (one level of parentheses inside the target)
    r"(?:(?<=\])\(\s*(?P<lt>(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|(?<=\])\[[^\]]*\]"  # `][label]` of a reference link
    r"|(?<=<)(?P<al>(?i:https?|ftp|mailto):[^>\s]*)>"  # an autolink
    # an HTML attribute's URL
    r"|(?<!\w[\s\S])(?:(?<=(?i:h))(?i:ref)|(?<=(?i:s))(?i:rc))\s*=\s*(?P<hu>\"[^\"]*\"|'[^']*')"
    # a bare URL (`bare`: after its first character)
    r"|(?<!\w[\s\S])(?:(?<=(?i:h))(?i:ttps?://)|(?<=(?i:f))(?i:tp://)|(?<=(?i:w))(?i:ww\.))"
    r"(?P<bare>[^\s<>()\[\]{}\"'`，。）》」]+))")


def visible(text: str) -> tuple[str, str]:
    """(the line with every character a reader does not see replaced by `HIDDEN`, its URLs).

    Hidden: link and image targets (`[text](url)` keeps `[text`, `![alt](src)` keeps `![alt`), the
    label of a reference link (`[text][label]`), reference definitions (`[x]: https://…`, the whole
    line), autolinks (`<https://…>`), bare URLs and `href`/`src` values. The result has the length of
    the line, so a match found in it is a match in the line as written. The URLs (targets, bare URLs,
    definitions) are returned apart, joined by spaces: `url:` searches them.
    """
    if "://" not in text and "](" not in text and "][" not in text and "www." not in text.lower() \
            and "]:" not in text and "<" not in text and "=" not in text:
        return text, ""
    m = _REF_DEF.match(text)
    if m:
        return HIDDEN * len(text), m.group(1)
    pieces: list[str] = []
    urls: list[str] = []
    last = 0
    for m in _HIDE.finditer(text):
        url = m.group("lt") or m.group("al") or (text[m.start():m.end("bare")] if m.group("bare") else "") \
            or (m.group("hu") or "").strip("\"'")
        if url:
            urls.append(url)
        a, b = m.span()
        pieces.append(text[last:a])
        pieces.append(HIDDEN * (b - a))
        last = b
    if not pieces:
        return text, ""
    pieces.append(text[last:])
    return "".join(pieces), " ".join(urls)


# ---------------------------------------------------------------------------------------------
# records

# A record is a tuple (projects, kpis, sections, entries):
#   projects  ((key, name, line), ...)          in report order
#   kpis      ((name, line), ...)               in report order
#   sections  ((key, okr, clean title), ...)    every section below the root, in the index's walk order
#   entries   ((line, text, section, chain, project, head, kind), ...)  sorted by line (stable)
#             text as written; section: the clean title shown; chain: section keys outermost first;
#             head: a project heading line, a section title or the report title; kind: item|section|title
Record = tuple[tuple, tuple, tuple, tuple]

# What is stored (and made in the parse workers) is the record's *compact* form, each line's text once
# and nothing repeated per line: the same projects and kpis; sections ((key, okr, clean title, parent),
# ...) with parent the number of the enclosing section (-1: the report's top); entries ((line, text,
# section, project, flags), ...) with section a number in sections (-1: the top, no title and no
# chain), project the number of the first project of that key (or None), flags = 2 * kind + head with
# kind a number in _KIND_NAMES. A section's title and chain, and a project's key, are then written once per
# report, not once per line: a third less JSON to make, compress and read back.
_KIND_NAMES = ("item", "section", "title")  # (the order of `parts.KINDS`)
_ITEM, _ITEM_HEAD, _SECTION_HEAD, _TITLE_HEAD = 0, 1, 3, 5
_KIND_OF = tuple(_KIND_NAMES[f >> 1] for f in range(6))
_HEAD_OF = tuple(bool(f & 1) for f in range(6))


def compact_record(report: Any) -> tuple[tuple, tuple, list, list]:
    """The compact search record of a report (one pass over its sections: linear in its size)."""
    projects = tuple((p.key, p.name, p.line) for p in report.projects)
    kpis = tuple((k.name, k.line) for k in report.kpis)
    head_lines = {p.line for p in report.projects}
    first: dict[str, int] = {}
    for i, p in enumerate(report.projects):
        first.setdefault(p.key, i)
    sections: list[tuple[str, str | None, str, int]] = []
    ents: list[tuple] = []
    root = report.root
    if root is not None:
        if root.title:
            ents.append((root.line or 1, root.title, -1, None, _TITLE_HEAD))
        stack: list[tuple[Any, int]] = [(root, -1)]
        while stack:
            sec, parent = stack.pop()
            s = -1
            if sec is not root:
                s = len(sections)
                sections.append((sec.key, sec.okr, clean_title(sec.title), parent))
                if not sec.implicit:
                    ents.append((sec.line, sec.title, s, None, _SECTION_HEAD))
            items = sec.items[::-1]  # (every item of the section in document order, as `all_items`)
            while items:
                item = items.pop()
                if item.children:
                    items.extend(reversed(item.children))
                line, project = item.line, item.project
                if project is not None:
                    project = first.get(project, project)
                ents.append((line, item.text, s, project, _ITEM_HEAD if line in head_lines else _ITEM))
            for table in sec.tables:  # a table's header row (its body rows are items): every cell is searchable
                if table:
                    line, cells = table[0]
                    ents.append((line, " | ".join(cells), s, None, _ITEM))
            for child in reversed(sec.children):
                stack.append((child, s))
    ents.sort(key=itemgetter(0))
    return (projects, kpis, sections, ents)


def _expand(projects: tuple, kpis: tuple, sections: Any, ents: Any) -> Record:
    """The record of a compact one (its numbers already checked)."""
    titles: list[Any] = []
    chains: list[tuple[str, ...]] = []
    for key, _okr, title, parent in sections:
        titles.append(title)
        chains.append((chains[parent] if parent >= 0 else ()) + (key,))
    titles.append("")  # (section -1, the report's top: the last of each list)
    chains.append(())
    keys = [p[0] for p in projects]
    out = tuple((line, text, titles[s], chains[s], keys[p] if type(p) is int else p, _HEAD_OF[f], _KIND_OF[f])
                for line, text, s, p, f in ents)
    return (projects, kpis, tuple((key, okr, title) for key, okr, title, _ in sections), out)


def doc_record(report: Any) -> Record:
    """The search record of a report (one pass over its sections: linear in its size)."""
    return _expand(*compact_record(report))


# The record's JSON, made without the check for circular references: a record is tuples of text,
# numbers and None made just now, never circular, and the check costs a sixth of the encoding.
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def encode_record(report: Any) -> str:
    """A report's search record as JSON text, in its compact form (what the parse cache stores: plain
    data, never code)."""
    return _RECORD_JSON(compact_record(report))


def decode_record(text: Any) -> Record | None:
    """A stored search record, checked field by field; None when it is not one reports-tui wrote.

    (Checked column by column, at C speed: an index built right after parsing reads every record.)"""
    try:
        if isinstance(text, (bytes, bytearray, memoryview)):
            text = bytes(text).decode("utf-8")
        projects, kpis, sections, ents = json.loads(text)
        p_cols = _columns(projects, ({str}, {str}, {int}))
        k_cols = _columns(kpis, ({str}, {int, _NONE}))
        s_cols = _columns(sections, ({str}, {str, _NONE}, {str}, {int}))
        e_cols = _columns(ents, ({int}, {str}, {int}, {int, str, _NONE}, {int}))
        projects, sections = tuple(zip(*p_cols)), tuple(zip(*s_cols))
        if any(not -1 <= parent < i for i, parent in enumerate(s_cols[3] if s_cols else ())):
            raise ValueError("a damaged section")
        if e_cols:
            if min(e_cols[2]) < -1 or max(e_cols[2]) >= len(sections) or not set(e_cols[4]) <= _FLAGS:
                raise ValueError("a damaged entry")
            refs = [p for p in e_cols[3] if type(p) is int]
            if refs and (min(refs) < 0 or max(refs) >= len(projects)):
                raise ValueError("a damaged entry")
        rec = _expand(projects, tuple(zip(*k_cols)), sections, zip(*e_cols))
    except (TypeError, ValueError, RecursionError, UnicodeDecodeError):
        return None
    return rec


_NONE = type(None)
_FLAGS = frozenset(range(6))


def _columns(rows: Any, kinds: tuple[set, ...]) -> list:
    """The columns of a stored table (a list of rows, each a list of len(kinds) values whose types are
    those of its column); `ValueError` otherwise."""
    if type(rows) is not list or not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {len(kinds)}:
        raise ValueError("a damaged table")
    if not rows:
        return []
    cols = list(zip(*rows))
    for col, ok in zip(cols, kinds):
        if not set(map(type, col)) <= ok:
            raise ValueError("a damaged column")
    return cols


def head_names(rec: Record) -> dict[int, str]:
    """Source line → the name of the project whose heading is on it (first project of a line wins)."""
    out: dict[int, str] = {}
    for _key, name, line in rec[0]:
        out.setdefault(line, name)
    return out


def search_parts(report: Any) -> str:
    """What the parse cache stores for search when a report is parsed: its record as JSON
    (`encode_record`'s)."""
    return encode_record(report)


def vocab_key(vocab: Any) -> str:
    """A short hash of a vocabulary, part of every cached row's key."""
    return hashlib.sha256(vocab.fingerprint().encode("utf-8")).hexdigest()[:16]


def source_files() -> list[Path]:
    """The sources `source_version` hashes: the model (bytes → `Report`), the parse cache's code
    (`index/store`, what a row holds) and this module (the search record)."""
    tui = Path(__file__).resolve().parents[2]
    return (sorted((tui / "model").glob("*.py")) + sorted((tui / "index" / "store").glob("*.py"))
            + [tui / "index" / "search" / "records.py"])


def source_version() -> str:
    """A hash of the sources that turn bytes into a `Report`, its stored parts and its search record.

    Computed from the files alone (no imports), so the search fast path can check it cheaply.
    """
    h = hashlib.sha256(RECORD_VERSION.encode())
    for f in source_files():
        h.update(f.name.encode())
        try:
            h.update(f.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]
