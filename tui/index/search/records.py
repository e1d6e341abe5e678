"""What search keeps of one report, computed when the report is parsed and stored in the parse cache.

A *search record* lists a report's searchable lines (title, section titles, items) in the order the
search index numbers them, with what a hit shows (section, project) and what filters need (section
chain, KPI lines), plus the project, KPI and section names fuzzy and pinyin search look up. The
in-memory `SearchIndex` is built from these records, so an index built from the cache and one built
from parsed reports are the same. `search_parts` adds two byte strings the command-line fast path
scans without decoding: every line normalised (`norm`), one per line, and the texts a heading is found
by.

Pure Python, standard library only: this runs in parse workers and on the `reports-tui search` path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

RECORD_VERSION = "1"  # bump when the record layout changes (it is part of the cache's parser version)

# ---------------------------------------------------------------------------------------------
# normalisation

_FW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FW[0x3000] = 0x20
_FW[ord("\n")] = 0x20
_FW[ord("\r")] = 0x20


def norm(text: str) -> str:
    """Lower-case, full-width to ASCII, newlines to spaces: one character for one character."""
    out = text.translate(_FW).lower()
    if len(out) != len(text):  # a character whose lower case is longer (İ): keep it as it is
        out = "".join(lc if len(lc := c.lower()) == 1 else c for c in text.translate(_FW))
    return out


def clean_title(title: str) -> str:
    """A section title for display: without 【】 and surrounding spaces or emphasis."""
    return title.replace("【", "").replace("】", "").strip(" *_#")


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
    """The search record of a report."""
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
            for item in sec.all_items():
                ents.append((item.line, item.text, title, chain, item.project, item.line in head_lines, "item"))
            for child in reversed(sec.children):
                stack.append((child, chain))
    ents.sort(key=lambda e: e[0])
    return (projects, kpis, tuple(sections), tuple(ents))


def encode_record(rec: Record) -> str:
    """A search record as JSON text (what the parse cache stores: plain data, never code)."""
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def decode_record(text: Any) -> Record | None:
    """A stored search record, checked field by field; None when it is not one reports-tui wrote."""
    try:
        projects, kpis, sections, ents = json.loads(text)
        rec = (
            tuple((_s(k), _s(n), _i(ln)) for k, n, ln in projects),
            tuple((_s(n), None if ln is None else _i(ln)) for n, ln in kpis),
            tuple((_s(k), None if o is None else _s(o), _s(t)) for k, o, t in sections),
            tuple((_i(ln), _s(t), _s(sec), tuple(_s(c) for c in chain), None if p is None else _s(p), _b(h), _s(kind))
                  for ln, t, sec, chain, p, h, kind in ents),
        )
    except (TypeError, ValueError, RecursionError):
        return None
    return rec


def _s(v: Any) -> str:
    if type(v) is not str:
        raise ValueError("text expected")
    return v


def _i(v: Any) -> int:
    if type(v) is not int:
        raise ValueError("integer expected")
    return v


def _b(v: Any) -> bool:
    if type(v) is not bool:
        raise ValueError("true/false expected")
    return v


def head_text(rec: Record, entry: tuple, normed: str) -> str:
    """What a heading entry is found by: its project's name (a project heading line), else its text."""
    if entry[6] != "item":
        return normed
    line = entry[0]
    for _key, name, pline in rec[0]:
        if pline == line:
            return norm(name)
    return normed


def vocab_key(vocab: Any) -> str:
    """A short hash of a vocabulary, part of every cached row's key."""
    return hashlib.sha256(vocab.fingerprint().encode("utf-8")).hexdigest()[:16]


def source_version() -> str:
    """A hash of the sources that turn bytes into a `Report`, its stored parts and its search record.

    Computed from the files alone (no imports), so the search fast path can check it cheaply.
    """
    h = hashlib.sha256(RECORD_VERSION.encode())
    base = Path(__file__).resolve().parent.parent
    files = (sorted((base / "model").glob("*.py")) + sorted((base / "index" / "store").glob("*.py"))
             + [base / "index" / "search" / "records.py"])
    for f in files:
        h.update(f.name.encode())
        try:
            h.update(f.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]


def line_id(text: bytes) -> int:
    """A line's id in the cache: a 64-bit hash of its normalised UTF-8 text (the same line, the same id)."""
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)


def _has_hanzi(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


PROJECT_TERM, PINYIN_TERM = 1, 2  # kinds of name: a project's key or name (normalised), a term pinyin can spell


def record_names(rec: Record) -> dict[str, int]:
    """The names of a record search looks up beyond its lines, with their kinds (bits): each project's
    key and name normalised (`PROJECT_TERM`: the fuzzy tier's close project names), and project, KPI
    and section names holding a hanzi as written (`PINYIN_TERM`)."""
    out: dict[str, int] = {}
    for key, name, _line in rec[0]:
        for t in (norm(key), norm(name)):
            out[t] = out.get(t, 0) | PROJECT_TERM
    for term in [p[1] for p in rec[0]] + [k[0] for k in rec[1]] + [s[2] for s in rec[2]]:
        if term and _has_hanzi(term):
            out[term] = out.get(term, 0) | PINYIN_TERM
    return out


# Lines repeat from week to week (recurring items, section titles, project names), so a worker parsing
# many reports normalises and hashes each distinct text once: text → (normalised, its UTF-8, line id).
_MEMO: dict[str, tuple[str, bytes, int]] = {}
_MEMO_MAX = 200_000


def _normed(text: str) -> tuple[str, bytes, int]:
    got = _MEMO.get(text)
    if got is None:
        t = norm(text)
        b = t.encode("utf-8")
        got = (t, b, line_id(b))
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[text] = got
    return got


def _ided(text: str) -> tuple[bytes, int]:
    """(UTF-8, id) of an already normalised text."""
    got = _MEMO.get(text)
    if got is None or got[0] != text:
        b = text.encode("utf-8")
        return b, line_id(b)
    return got[1], got[2]


def search_parts(report: Any) -> tuple[bytes, tuple, tuple, str | None, str, str, tuple]:
    """What the parse cache stores for search: (record as JSON, lines, headings, week, created date as
    text, label, names). `lines`: (id, normalised UTF-8 text, how many entries carry it, how many of
    those are headings) per distinct line; `headings`: (id, text) per distinct text a heading is found
    by; `names`: (id, name, kinds) per `record_names`."""
    rec = doc_record(report)
    ents = rec[3]
    memo = [_normed(e[1]) for e in ents]
    counts: dict[str, list] = {}
    for e, m in zip(ents, memo):
        c = counts.get(m[0])
        if c is None:
            c = counts[m[0]] = [m, 0, 0]
        c[1] += 1
        if e[5]:
            c[2] += 1
    heads = dict.fromkeys(head_text(rec, e, m[0]) for e, m in zip(ents, memo) if e[5])
    lines = tuple((m[2], m[1], n, h) for m, n, h in counts.values())
    headings = tuple((i, b) for b, i in map(_ided, heads))
    names = tuple((_ided(t)[1], t, k) for t, k in record_names(rec).items())
    return (encode_record(rec), lines, headings, report.week, str(report.created or ""),
            report.label, names)
