"""Search across every report: items, section titles and project names; exact, fuzzy, then pinyin.

Pure Python (rapidfuzz; pypinyin lazily). One `SearchIndex` per library holds, for each report, a
"haystack": the normalised text of its entries joined by newlines, so that finding a substring is one
C-level `str.find` per report instead of a Python loop over every line. A hit is mapped back to its
entry by bisecting the entry start offsets. Normalisation (full-width → ASCII, lower case) keeps one
character per character, so match offsets are `spans` of the original text.

Ranking, best first (ties in week order, then source line):
- exact: the query (every word of it) occurs as written. A project's heading when its name
  contains the query, section titles, report titles: 100; other lines: 94.
- fuzzy (queries of 3+ characters): rapidfuzz `partial_ratio_alignment` over candidate lines (those
  sharing enough character n-grams with the query, or holding a project name that fuzzily matches
  it), kept when the ratio allows one typo (two from 8 characters on); score = 0.89 × ratio (< 90).
- pinyin (Latin-letter queries): full pinyin, initials or a mix spell a project name, section title
  or KPI name; the hanzi it spells is then searched as a substring; score 40–50.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..model.report import Report, Section
from ..model.weeks import parse_iso_week
from . import pinyin as py

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
# the query


@dataclass
class Query:
    """A parsed query: free text (words) and filters `in:`, `week:`, `kpi:`."""

    raw: str
    text: str = ""
    words: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # in: values
    weeks: list[tuple[str | None, str | None]] = field(default_factory=list)  # inclusive ISO ranges
    week_labels: list[str] = field(default_factory=list)  # week: values that are no ISO week
    kpis: list[str] = field(default_factory=list)  # kpi: values ("" = any KPI line)

    @property
    def has_filters(self) -> bool:
        """Whether any filter is given."""
        return bool(self.sections or self.weeks or self.week_labels or self.kpis)


_FILTER = re.compile(r"(?i)^(in|week|kpi|w|k)[:：](.*)$")


def _iso(text: str) -> str | None:
    wk = parse_iso_week(text)
    return f"{wk[0]}-W{wk[1]:02d}" if wk else None


def parse_query(raw: str) -> Query:
    """Split a query into words and filters (`in:O2`, `week:2024-W23`, `week:2024-W20..2024-W29`, `kpi:成功率`)."""
    q = Query(raw=raw)
    words: list[str] = []
    for tok in raw.split():
        mt = _FILTER.match(tok)
        if not mt:
            words.append(tok)
            continue
        kind, value = mt[1].lower(), mt[2].strip()
        if kind == "in":
            if value:
                q.sections.append(value)
        elif kind in ("week", "w"):
            if not value:
                continue
            if ".." in value:
                lo, hi = value.split("..", 1)
                q.weeks.append((_iso(lo) if lo else None, _iso(hi) if hi else None))
            elif iso := _iso(value):
                q.weeks.append((iso, iso))
            else:
                q.week_labels.append(value.casefold())
        else:
            q.kpis.append(value)
    q.words = [norm(w) for w in words]
    q.text = " ".join(words)
    return q


# ---------------------------------------------------------------------------------------------
# the index


class Entry:
    """One searchable line: an item, a section title or a report title."""

    __slots__ = ("doc", "line", "text", "section", "chain", "project", "head", "kind")

    def __init__(self, doc: int, line: int, text: str, section: str, chain: tuple[str, ...],
                 project: str | None, head: bool, kind: str):
        self.doc = doc
        self.line = line
        self.text = text
        self.section = section
        self.chain = chain  # section keys from the outermost to this entry's own section
        self.project = project
        self.head = head
        self.kind = kind


class _Doc:
    """One report's entries and haystack."""

    __slots__ = ("report", "order", "entries", "hay", "starts", "kpi_lines", "project_names")

    def __init__(self, report: Report, order: int):
        self.report = report
        self.order = order
        self.entries: list[Entry] = []
        self.kpi_lines: dict[int, list[str]] = {}
        self.project_names: dict[str, str] = {}
        self.hay = ""
        self.starts: list[int] = []

    def entry_at(self, pos: int) -> int:
        """The index of the entry holding haystack offset `pos`."""
        return bisect_right(self.starts, pos) - 1

    def norm_text(self, i: int) -> str:
        """The normalised text of entry i (a slice of the haystack)."""
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.hay)
        return self.hay[self.starts[i]:end]


@dataclass
class Hit:
    """One search result."""

    report: Report
    line: int
    text: str
    section: str
    project: str | None
    project_name: str | None
    score: float
    spans: list[tuple[int, int]]
    tier: str  # exact | fuzzy | pinyin | filter
    kind: str  # item | section | title
    order: int = 0  # the report's position in the library (week order)

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `search` fields."""
        r = self.report
        return {
            "path": r.source.display, "week": r.week, "label": r.label, "section": self.section,
            "project": self.project_name, "text": self.text, "line": self.line, "score": round(self.score, 1),
            "spans": [[a, b] for a, b in self.spans],
        }


@dataclass
class SearchResult:
    """Hits best first, how many were found in all, and whether the count was cut short."""

    query: Query
    hits: list[Hit]
    total: int
    capped: bool = False
    seconds: float = 0.0


EXACT_CAP = 5000  # body-line exact hits collected per query; headings and titles are always complete
FUZZY_CANDIDATES = 4000


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    out, i = [], text.find(word)
    while i != -1:
        out.append((i, i + len(word)))
        i = text.find(word, i + len(word))
    return out


def fuzzy_cutoff(n: int) -> float:
    """The lowest partial ratio kept for a query of n characters: one typo, two from 8 characters."""
    typos = 1 if n < 8 else 2
    return max(55.0, 100.0 * (n - typos) / n - 0.5)


def refine(word: str, text: str, a: int, b: int) -> tuple[float, tuple[int, int]]:
    """Re-score a partial-ratio alignment by edit distance over windows near it of the query's length ±1.

    `partial_ratio` also scores windows cut short at either end of the line, so `贝易砖` against
    `【贝易转】` aligns with `【贝易` and against `贝易转测试` with `贝易` (80). Levenshtein similarity on
    whole-length windows finds `贝易转` (one substitution: 66.7) in both, and that span is what we show.
    """
    n, best, span = len(word), -1.0, (a, b)
    for length in (n, n - 1, n + 1):
        if length < 1:
            continue
        for s in range(max(0, a - 2), min(len(text) - length, a + 2) + 1):
            sim = Levenshtein.normalized_similarity(word, text[s:s + length]) * 100.0
            if sim > best:
                best, span = sim, (s, s + length)
    return best, span


class SearchIndex:
    """Every item, section title and project name of a library, ready to search."""

    def __init__(self, reports: Iterable[Report]):
        self.docs: list[_Doc] = []
        self.section_keys: set[str] = set()
        self.kpi_names: set[str] = set()
        self.project_terms: dict[str, set[str]] = {}  # normalised project key or name -> keys
        self.terms: dict[str, None] = {}  # words pinyin can spell: project names, section titles, KPI names
        self._term_readings: dict[str, list[tuple[str, ...]]] = {}
        self._lock = threading.Lock()
        self._heads: list[str] = []
        self.heads_ref: list[tuple[int, int]] = []  # (doc index, entry index) of each heading
        for order, report in enumerate(reports):
            self._add(report, order)
        self.heads_starts: list[int] = []
        pos = 0
        for t in self._heads:
            self.heads_starts.append(pos)
            pos += len(t) + 1
        self.heads_hay = "\n".join(self._heads)
        del self._heads

    # -- building

    def _add(self, report: Report, order: int) -> None:
        doc = _Doc(report, order)
        heads = {p.line for p in report.projects}
        for p in report.projects:
            doc.project_names.setdefault(p.key, p.name)
            self.project_terms.setdefault(norm(p.key), set()).add(p.key)
            self.project_terms.setdefault(norm(p.name), set()).add(p.key)
            self.terms.setdefault(p.name, None)
        for k in report.kpis:
            if k.line:
                doc.kpi_lines.setdefault(k.line, []).append(k.name)
            self.kpi_names.add(k.name)
            self.terms.setdefault(k.name, None)
        ents = doc.entries
        n = len(self.docs)
        root = report.root
        if root is not None:
            if root.title:
                ents.append(Entry(n, root.line or 1, root.title, "", (), None, True, "title"))
            stack: list[tuple[Section, tuple[str, ...]]] = [(root, ())]
            while stack:
                sec, chain = stack.pop()
                title = clean_title(sec.title) if sec is not root else ""
                if sec is not root:
                    chain = chain + (sec.key,)
                    self.section_keys.add(sec.key)
                    if sec.okr:
                        self.section_keys.add(sec.okr)
                    if not sec.implicit:
                        ents.append(Entry(n, sec.line, sec.title, title, chain, None, True, "section"))
                    self.terms.setdefault(title, None)
                for item in sec.all_items():
                    ents.append(Entry(n, item.line, item.text, title, chain, item.project,
                                      item.line in heads, "item"))
                for child in reversed(sec.children):
                    stack.append((child, chain))
        ents.sort(key=lambda e: e.line)
        pos, starts, parts = 0, [], []
        for e in ents:
            t = norm(e.text)
            starts.append(pos)
            parts.append(t)
            pos += len(t) + 1
        doc.hay = "\n".join(parts)
        doc.starts = starts
        for i, e in enumerate(ents):
            if e.head:
                self._heads.append(parts[i])
                self.heads_ref.append((n, i))
        self.docs.append(doc)

    # -- filters

    def _allowed_docs(self, q: Query) -> list[_Doc]:
        docs = self.docs
        if q.weeks or q.week_labels:
            def ok(d: _Doc) -> bool:
                r = d.report
                for lo, hi in q.weeks:
                    if r.week and (lo is None or r.week >= lo) and (hi is None or r.week <= hi):
                        return True
                return any(v in r.label.casefold() for v in q.week_labels)
            docs = [d for d in docs if ok(d)]
        return docs

    def matching_sections(self, value: str) -> set[str]:
        """Section keys (and OKR codes) an `in:` value names: the code, a substring, or a fuzzy match."""
        v = norm(value.replace("【", "").replace("】", "").replace(" ", ""))
        out = set()
        for key in self.section_keys:
            k = norm(key)
            if re.fullmatch(r"o\d", v):
                if k == v or (k.startswith(v) and not k[len(v):len(v) + 1].isdigit()):
                    out.add(key)
            elif v in k or (len(v) >= 2 and fuzz.partial_ratio(v, k) >= fuzzy_cutoff(len(v))):
                out.add(key)
        return out

    def matching_kpis(self, value: str) -> set[str]:
        """KPI names a `kpi:` value names (every KPI for an empty value)."""
        if not value:
            return set(self.kpi_names)
        v = norm(value)
        return {k for k in self.kpi_names
                if v in norm(k) or (len(v) >= 2 and fuzz.partial_ratio(v, norm(k)) >= fuzzy_cutoff(len(v)))}

    def _entry_filter(self, q: Query):
        secs = set().union(*(self.matching_sections(v) for v in q.sections)) if q.sections else None
        kpis = set().union(*(self.matching_kpis(v) for v in q.kpis)) if q.kpis else None
        if secs is None and kpis is None:
            return None

        def ok(doc: _Doc, e: Entry) -> bool:
            if secs is not None and not secs.intersection(e.chain):
                return False
            if kpis is not None:
                names = doc.kpi_lines.get(e.line)
                if not names or not kpis.intersection(names):
                    return False
            return True
        return ok

    # -- searching

    def search(self, query: str | Query, limit: int = 50) -> SearchResult:
        """Hits for a query, best first, at most `limit` of them (0: all).

        Candidates are light tuples `(score, order, line, doc, entry, tier, span)`; only the best
        `limit` become `Hit`s. Reports are visited in week order and ties rank in week order, so once
        `limit` lines are found a tier stops looking at ordinary lines (`capped`): a later one could
        never rank higher. Headings (score 100) are still looked for in every report.
        """
        t0 = time.perf_counter()
        q = parse_query(query) if isinstance(query, str) else query
        cap = limit if limit else 10**9
        docs = self._allowed_docs(q)
        accept = self._entry_filter(q)
        found: dict[tuple[int, int], tuple] = {}
        capped = False
        if not q.words:
            if q.has_filters:
                capped = self._list_all(docs, accept, found, cap)
        else:
            capped = self._exact(q, docs, accept, found, cap)
            if len(found) < cap:
                capped = self._fuzzy(q, docs, accept, found, cap) or capped
            if len(found) < cap:
                capped = self._pinyin(q, docs, accept, found, cap) or capped
        ranked = sorted(found.values(), key=lambda c: (-c[0], c[1], c[2]))
        hits = [self._materialize(q, c) for c in (ranked[:limit] if limit else ranked)]
        return SearchResult(q, hits, len(ranked), capped, time.perf_counter() - t0)

    def _materialize(self, q: Query, cand: tuple) -> Hit:
        score, _order, _line, doc, i, tier, span = cand
        e = doc.entries[i]
        if tier == "exact":
            text = doc.norm_text(i)
            spans = [s for w in set(q.words) for s in _occurrences(text, w)]
        elif tier == "pinyin":
            spans = _occurrences(doc.norm_text(i), span)
        else:
            spans = [span] if span else []
        return Hit(doc.report, e.line, e.text, e.section, e.project,
                   doc.project_names.get(e.project) if e.project else None,
                   score, _merge(spans), tier, e.kind, doc.order)

    def _list_all(self, docs, accept, found, cap) -> bool:
        for doc in docs:
            for i, e in enumerate(doc.entries):
                if e.kind == "title" or (accept and not accept(doc, e)):
                    continue
                found[(doc.order, i)] = (100.0, doc.order, e.line, doc, i, "filter", None)
                if len(found) >= cap:
                    return True
        return False

    def _exact(self, q: Query, docs, accept, found, cap) -> bool:
        words = sorted(set(q.words), key=len, reverse=True)
        first, rest = words[0], words[1:]
        names = {k for t, keys in self.project_terms.items() if first in t for k in keys}
        allowed = None if len(docs) == len(self.docs) else {d.order for d in docs}

        def ok(doc: _Doc, i: int, e: Entry) -> bool:
            return (not rest or all(w in doc.norm_text(i) for w in rest)) and (accept is None or accept(doc, e))

        # headings first, in every report: one scan of the headings' own haystack
        hay = self.heads_hay
        pos = hay.find(first)
        while pos != -1:
            k = bisect_right(self.heads_starts, pos) - 1
            d, i = self.heads_ref[k]
            doc = self.docs[d]
            e = doc.entries[i]
            if (allowed is None or doc.order in allowed) and (e.kind != "item" or e.project in names) \
                    and ok(doc, i, e):
                found[(doc.order, i)] = (100.0, doc.order, e.line, doc, i, "exact", None)
            pos = hay.find(first, self.heads_starts[k + 1] if k + 1 < len(self.heads_starts) else len(hay))
        # then every other line, in week order, until `cap` of them are found
        body = 0
        for doc in docs:
            hay = doc.hay
            if first not in hay or (rest and any(w not in hay for w in rest)):
                continue
            pos = hay.find(first)
            while pos != -1:
                i = doc.entry_at(pos)
                key = (doc.order, i)
                if key not in found:
                    e = doc.entries[i]
                    if ok(doc, i, e):
                        found[key] = (94.0, doc.order, e.line, doc, i, "exact", None)
                        body += 1
                        if body >= cap:
                            return True
                pos = hay.find(first, doc.starts[i + 1] if i + 1 < len(doc.starts) else len(hay))
        return False

    def _fuzzy(self, q: Query, docs, accept, found, cap) -> bool:
        if len(q.words) != 1:
            return False
        w = q.words[0]
        n = len(w)
        if n < 3:
            return False
        cutoff = fuzzy_cutoff(n)
        typos = 1 if n < 8 else 2
        g = 2 if n < 6 else 3
        grams = list(dict.fromkeys(w[i:i + g] for i in range(n - g + 1)))
        need = max(1, len(grams) - g * typos)
        # project names that are themselves close to the query: their lines are candidates too
        names = [t for t, _, _ in process.extract(w, list(self.project_terms), scorer=fuzz.ratio,
                                                  score_cutoff=cutoff, limit=20)] if self.project_terms else []
        budget = max(cap * 4, 400)
        counts: dict[tuple[int, int], int] = {}
        capped = False
        for doc in docs:
            hay = doc.hay
            for needle in names:
                pos = hay.find(needle)
                while pos != -1:
                    counts[(doc.order, doc.entry_at(pos))] = len(grams) + 1
                    pos = hay.find(needle, pos + 1)
            for gram in grams:
                pos = hay.find(gram)
                last = -1
                while pos != -1:
                    i = doc.entry_at(pos)
                    if i != last:
                        key = (doc.order, i)
                        counts[key] = counts.get(key, 0) + 1
                        last = i
                    pos = hay.find(gram, pos + 1)
            if len(counts) >= budget:
                capped = True
                break
        by_order = {d.order: d for d in docs}
        kept = 0
        for key, c in counts.items():
            if c < need or key in found:
                continue
            order, i = key
            doc = by_order[order]
            e = doc.entries[i]
            if accept and not accept(doc, e):
                continue
            text = doc.norm_text(i)
            if len(text) < n:
                ratio = fuzz.ratio(w, text, score_cutoff=cutoff)
                span = (0, len(text))
            else:
                al = fuzz.partial_ratio_alignment(w, text, score_cutoff=cutoff)
                if al is None:
                    continue
                ratio, span = refine(w, text, al.dest_start, al.dest_end)
            if ratio < cutoff - 0.01:
                continue
            score = min(89.9, ratio * 0.89 + (1.0 if e.head else 0.0))
            found[key] = (score, order, e.line, doc, i, "fuzzy", span)
            kept += 1
        return capped

    def readings(self, term: str) -> list[tuple[str, ...]]:
        """The pinyin readings of a term, computed once."""
        rd = self._term_readings.get(term)
        if rd is None:
            rd = py.readings(term)
            with self._lock:
                self._term_readings[term] = rd
        return rd

    def pinyin_needles(self, text: str) -> dict[str, float]:
        """Hanzi strings that the pinyin query spells in some known term, with the match quality."""
        needles: dict[str, float] = {}
        q = py.compact(text)
        first = q[:1]
        for term in list(self.terms):
            if not term or not any("\u3400" <= c <= "\u9fff" for c in term):
                continue
            rd = self.readings(term)
            if not any(r and any(a[:1] == first for a in r) for r in rd):
                continue
            m = py.match(q, term, rd)
            if m is None:
                continue
            hanzi = norm(term[m.start:m.end])
            if not any("\u3400" <= c <= "\u9fff" for c in hanzi):
                continue
            needles[hanzi] = max(needles.get(hanzi, 0.0), m.quality)
        return needles

    def _pinyin(self, q: Query, docs, accept, found, cap) -> bool:
        if not py.is_pinyin_query(q.text):
            return False
        needles = self.pinyin_needles(q.text)
        added = 0
        for needle, quality in sorted(needles.items(), key=lambda kv: -kv[1]):
            score = 40.0 + 9.0 * quality
            for doc in docs:
                hay = doc.hay
                pos = hay.find(needle)
                while pos != -1:
                    i = doc.entry_at(pos)
                    key = (doc.order, i)
                    old = found.get(key)
                    e = doc.entries[i]
                    sc = score + (1.0 if e.head else 0.0)
                    if (old is None or (old[5] == "pinyin" and old[0] < sc)) and (accept is None or accept(doc, e)):
                        found[key] = (sc, doc.order, e.line, doc, i, "pinyin", needle)
                        added += 1
                        if added >= cap:
                            return True  # later needles score no higher; later reports rank after
                    pos = hay.find(needle, doc.starts[i + 1] if i + 1 < len(doc.starts) else len(hay))
        return False


# ---------------------------------------------------------------------------------------------
# one index per library

_cache_lock = threading.Lock()


def get_index(library) -> SearchIndex:
    """The search index of a library, built on first use and rebuilt when its reports change."""
    stamp = tuple(id(r) for r in library.reports)
    with _cache_lock:
        cached = getattr(library, "_search_index", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    index = SearchIndex(library.reports)
    with _cache_lock:
        try:
            object.__setattr__(library, "_search_index", (stamp, index))
        except (AttributeError, TypeError):
            pass
    return index


def search(library, query: str, limit: int = 50) -> SearchResult:
    """Search a library (building its index on first use)."""
    return get_index(library).search(query, limit=limit)


# ---------------------------------------------------------------------------------------------
# the `search` subcommand


def highlight(text: str, spans: list[tuple[int, int]], paint) -> str:
    """Text with its matched spans painted by `paint(str) -> str`."""
    out, last = [], 0
    for a, b in spans:
        out.append(text[last:a])
        out.append(paint(text[a:b]))
        last = b
    out.append(text[last:])
    return "".join(out)


def run_search_cli(args, lib) -> int:
    """`reports-tui search QUERY [PATH ...] [--json] [--limit N]`."""
    from ..termout import Style, terminal_width, truncate, use_colour, width

    limit = args.limit if args.limit and args.limit > 0 else 0
    result = search(lib, args.query, limit=limit)
    if getattr(args, "json", False):
        out = json.dumps([h.to_json() for h in result.hits], ensure_ascii=False, indent=2)
        sys.stdout.write(out + "\n")
        return 0
    st = Style(use_colour())
    if not result.hits:
        print(f"no matches for {args.query!r}", file=sys.stderr)
        return 0
    cols = terminal_width()
    for h in result.hits:
        where = " · ".join(x for x in (h.report.label, h.section, h.project_name or "") if x)
        head = f"{h.report.week or 'undated'}  {where}  {h.report.source.name}:{h.line}"
        print(st(truncate(head, cols), "bold"))
        text, spans = h.text, h.spans
        room = max(20, cols - 4)
        if width(text) > room and spans:
            # keep the first match in view: drop text before it when the line is long
            a = max(0, spans[0][0] - 10)
            if a:
                text, spans = "…" + text[a:], [(x - a + 1, y - a + 1) for x, y in spans if x >= a]
        if width(text) > room:
            cut = truncate(text, room)
            keep = len(cut) - 1
            text, spans = cut, [(x, min(y, keep)) for x, y in spans if x < keep]
        print("    " + highlight(text, spans, lambda s: st(s, "yellow", "bold")))
    more = result.total - len(result.hits)
    if more > 0:
        print(st(f"… {more}{'+' if result.capped else ''} more (use --limit)", "dim"), file=sys.stderr)
    return 0
