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
import itertools
import json
import re
from operator import itemgetter
from pathlib import Path
from typing import Any

RECORD_VERSION = "2"  # bump when the record layout changes (it is part of the cache's parser version)

# ---------------------------------------------------------------------------------------------
# normalisation: one character for one character, so offsets found in a normalised line are
# offsets in the line as written

_FW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FW[0x3000] = 0x20
_FW[ord("\n")] = 0x20
_FW[ord("\r")] = 0x20


def fold(text: str) -> str:
    """Full-width letters, digits and signs to ASCII, newlines to spaces; case kept."""
    return text.translate(_FW)


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
    # `](target "title")` of an inline link or image (one level of parentheses inside the target)
    r"\]\(\s*(?P<lt>(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|\]\[[^\]]*\]"  # `][label]` of a reference link
    r"|<(?P<al>(?:https?|ftp|mailto):[^>\s]*)>"  # an autolink
    r"|\b(?:href|src)\s*=\s*(?P<hu>\"[^\"]*\"|'[^']*')"  # an HTML attribute's URL
    r"|(?P<bare>(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>()\[\]{}\"'`，。）》」]+)",  # a bare URL
    re.IGNORECASE)


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
        url = m.group("lt") or m.group("al") or m.group("bare") or (m.group("hu") or "").strip("\"'")
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


def doc_record(report: Any) -> Record:
    """The search record of a report (one pass over its sections: linear in its size)."""
    projects = tuple((p.key, p.name, p.line) for p in report.projects)
    kpis = tuple((k.name, k.line) for k in report.kpis)
    head_lines = {p.line for p in report.projects}
    sections: list[tuple[str, str | None, str]] = []
    ents: list[tuple] = []
    root = report.root
    if root is not None:
        if root.title:
            ents.append((root.line or 1, root.title, "", (), None, True, "title"))
        stack: list[tuple[Any, tuple[str, ...]]] = [(root, ())]
        while stack:
            sec, chain = stack.pop()
            title = clean_title(sec.title) if sec is not root else ""
            if sec is not root:
                chain = chain + (sec.key,)
                sections.append((sec.key, sec.okr, title))
                if not sec.implicit:
                    ents.append((sec.line, sec.title, title, chain, None, True, "section"))
            items = sec.items[::-1]  # (every item of the section in document order, as `all_items`)
            while items:
                item = items.pop()
                if item.children:
                    items.extend(reversed(item.children))
                line = item.line
                ents.append((line, item.text, title, chain, item.project, line in head_lines, "item"))
            for table in sec.tables:  # a table's header row (its body rows are items): every cell is searchable
                if table:
                    line, cells = table[0]
                    ents.append((line, " | ".join(cells), title, chain, None, False, "item"))
            for child in reversed(sec.children):
                stack.append((child, chain))
    ents.sort(key=itemgetter(0))
    return (projects, kpis, tuple(sections), tuple(ents))


def encode_record(rec: Record) -> str:
    """A search record as JSON text (what the parse cache stores: plain data, never code)."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def decode_record(text: Any) -> Record | None:
    """A stored search record, checked field by field; None when it is not one reports-tui wrote.

    (Checked column by column, at C speed: an index built right after parsing reads every record.)"""
    try:
        if isinstance(text, (bytes, bytearray, memoryview)):
            text = bytes(text).decode("utf-8")
        projects, kpis, sections, ents = json.loads(text)
        p_cols = _columns(projects, ({str}, {str}, {int}))
        k_cols = _columns(kpis, ({str}, {int, _NONE}))
        s_cols = _columns(sections, ({str}, {str, _NONE}, {str}))
        e_cols = _columns(ents, ({int}, {str}, {str}, {list}, {str, _NONE}, {bool}, {str}))
        if e_cols:
            chains = e_cols[3]
            if not set(map(type, itertools.chain.from_iterable(chains))) <= {str} or not set(e_cols[6]) <= _KINDS:
                raise ValueError("a damaged entry")
            e_cols[3] = tuple(map(tuple, chains))
        rec = (tuple(zip(*p_cols)), tuple(zip(*k_cols)), tuple(zip(*s_cols)), tuple(zip(*e_cols)))
    except (TypeError, ValueError, RecursionError, UnicodeDecodeError):
        return None
    return rec


_NONE = type(None)
_KINDS = frozenset(("item", "section", "title"))


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


# `encode_record`'s JSON, made without the check for circular references: a record is tuples of text,
# numbers and None made just now, never circular, and the check costs a sixth of the encoding.
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def search_parts(report: Any) -> str:
    """What the parse cache stores for search when a report is parsed: its record as JSON
    (`encode_record`'s)."""
    return _RECORD_JSON(doc_record(report))


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
