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

import pickle
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


def head_text(rec: Record, entry: tuple, normed: str) -> str:
    """What a heading entry is found by: its project's name (a project heading line), else its text."""
    if entry[6] != "item":
        return normed
    line = entry[0]
    for _key, name, pline in rec[0]:
        if pline == line:
            return norm(name)
    return normed


def search_parts(report: Any) -> tuple[bytes, bytes, bytes]:
    """(record pickled, every entry's normalised text one per line, the heading texts one per line), UTF-8."""
    rec = doc_record(report)
    normed = [norm(e[1]) for e in rec[3]]
    heads = [head_text(rec, e, t) for e, t in zip(rec[3], normed) if e[5]]
    return (pickle.dumps(rec, pickle.HIGHEST_PROTOCOL), "\n".join(normed).encode("utf-8"),
            "\n".join(heads).encode("utf-8"))
