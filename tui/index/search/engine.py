"""Search across every report: items, section titles and project names; exact, fuzzy, then pinyin.

Pure Python (rapidfuzz; pypinyin lazily). One `SearchIndex` per library stores each distinct
normalised line once (`texts`) with the ids of the entries carrying it (`postings`); entry ids follow
library (week) order, then source line, which is also how ties rank. A character-bigram inverted index
maps to the texts holding each bigram. A query finds its texts (small), then walks their postings in
entry order and stops at the limit, so a keystroke costs about the same at 100 or 10,000 reports.
Normalisation (full-width → ASCII, lower case) keeps one character per character, so match offsets
are `spans` of the original text.

Ranking, best first (ties in week order, then source line):
- exact: the query (every word of it) occurs as written. A project's heading line when the project's
  name contains the query, section titles, report titles: 100; other lines: 94.
- fuzzy (one word of 3+ characters): candidates are lines sharing bigrams with the query or holding a
  project name close to it (at most FUZZY_CANDIDATES, most shared bigrams first), scored in one
  `rapidfuzz.process.extract` call by `partial_ratio` against the line padded with blanks (so every
  window compared has the query's length), kept when that allows one typo (two from 8 characters
  on); score = 0.89 × ratio (< 90). The span shown is refined by edit distance (`refine`).
- pinyin (Latin-letter queries): full pinyin, initials or a mix spell a project name, section title
  or KPI name; the hanzi it spells is then searched as a substring; score 40–50.
"""

from __future__ import annotations

import heapq
import re
import threading
import time
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import add
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ...model.weeks import parse_iso_week
from . import pinyin as py
from .records import Record, clean_title, decode_record, doc_record, norm

if TYPE_CHECKING:
    from ...model.report import Report

# normalisation (shared with the parse workers and the command-line fast path)

__all__ = ["norm", "clean_title", "parse_query", "Query", "SearchIndex", "SearchResult", "Hit", "search", "build_index"]


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


def week_keep(q: Query, weeks: list[str], labels: list[str]) -> bytearray:
    """Which reports a query's `week:` filters keep (1 a report), given each one's ISO week ("" when
    undated) and case-folded label, in library order."""
    keep = bytearray(len(weeks))
    for lo, hi in q.weeks:
        lo, hi = lo or "", hi or "\uffff"
        keep = bytearray(k or (bool(w) and lo <= w <= hi) for k, w in zip(keep, weeks))
    for v in q.week_labels:
        keep = bytearray(k or v in lab for k, lab in zip(keep, labels))
    return keep


# ---------------------------------------------------------------------------------------------
# the index


KINDS = ("item", "section", "title")
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}


class Shape:
    """What entries with the same text, section, project and kind share (one object for all of them)."""

    __slots__ = ("sid", "tid", "text", "section", "chain", "project", "kind", "head", "hid", "secs")

    def __init__(self, tid: int, text: str, section: str, chain: tuple[str, ...], project: str | None,
                 kind: str, head: bool, hid: int, secs: tuple):
        self.tid = tid  # the id of its normalised text
        self.text = text  # as written
        self.section = section  # the clean title shown
        self.chain = chain  # section keys from the outermost to this entry's own section
        self.project = project
        self.kind = kind
        self.head = head
        self.hid = hid  # the id of the text a heading is found by, or -1
        self.secs = secs  # the `section_postings` arrays of the keys in `chain`
        self.sid = -1  # its position in the index's `shapes`


class Entry:
    """One searchable line (an item, a section title or a report title), as `SearchIndex.entries[i]` gives it."""

    __slots__ = ("doc", "line", "text", "tid", "section", "chain", "project", "head", "kind")

    def __init__(self, doc: int, line: int, shape: Shape):
        self.doc = doc
        self.line = line
        self.text = shape.text
        self.tid = shape.tid
        self.section = shape.section
        self.chain = shape.chain
        self.project = shape.project
        self.head = shape.head
        self.kind = shape.kind


class _Entries:
    """The index's entries as a read-only sequence (they are stored as columns)."""

    __slots__ = ("_index",)

    def __init__(self, index: SearchIndex):
        self._index = index

    def __len__(self) -> int:
        return len(self._index.entry_tid)

    def __getitem__(self, eid: int) -> Entry:
        ix = self._index
        if eid < 0:
            eid += len(ix.entry_tid)
        return Entry(ix.entry_doc[eid], ix.entry_line[eid], ix.shapes[ix.entry_shape[eid]])

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(len(self)))


class _Doc:
    """One report: its entries are the index's entries `first` to `end - 1`."""

    __slots__ = ("report", "order", "first", "end", "kpi_lines", "project_names")

    def __init__(self, report: Report, order: int):
        self.report = report
        self.order = order
        self.first = self.end = 0
        self.kpi_lines: dict[int, list[str]] = {}
        self.project_names: dict[str, str] = {}


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


FUZZY_CANDIDATES = 800  # distinct lines scored by rapidfuzz per fuzzy query (most shared bigrams first)
SCAN_TEXTS, SCAN_DENSITY = 32, 64  # scan entries in order for > 32 texts covering > 1/64 of the entries
SCAN_UNINDEXED = 20000  # an index whose bigrams are not built yet scans up to this many texts instead
MAX_SPANS = 8  # week filters selecting more runs of reports than this are checked per line instead


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
    from rapidfuzz.distance import Levenshtein

    n, best, span = len(word), -1.0, (a, b)
    for length in (n, n - 1, n + 1):
        if length < 1:
            continue
        for s in range(max(0, a - 2), min(len(text) - length, a + 2) + 1):
            sim = Levenshtein.normalized_similarity(word, text[s:s + length]) * 100.0
            if sim > best:
                best, span = sim, (s, s + length)
    return best, span


_PAD = "\x00"  # never in a normalised line (control characters are stripped from reports)


def fuzzy_span(word: str, text: str) -> tuple[int, int]:
    """Where in `text` the fuzzy match of `word` is: the partial-ratio window, refined by edit distance."""
    from rapidfuzz import fuzz

    n = len(word)
    if len(text) < n:
        return (0, len(text))
    pad = _PAD * (n - 1)
    al = fuzz.partial_ratio_alignment(word, pad + text + pad)
    a = min(max(0, al.dest_start - len(pad)), len(text) - n) if al else 0
    return refine(word, text, a, a + n)[1]


class _Ctx:
    """One query's filters, result limit and the candidates found so far (entry id -> candidate)."""

    __slots__ = ("spans", "mask", "accept", "cap", "found", "filtered", "extra", "capped", "seen")

    def __init__(self, spans, mask, accept, cap: int):
        self.spans = spans  # entry id ranges [lo, hi) of the reports a week filter keeps, or None
        self.mask = mask  # or, when those are many, a byte per report
        self.accept = accept  # a per-line filter (in:, kpi:) or None
        self.cap = cap
        self.found: dict[int, tuple] = {}
        self.filtered = spans is not None or mask is not None or accept is not None
        self.extra = 0  # matches counted but not collected (past the limit)
        self.capped = False  # stopped before counting every match
        self.seen: set[int] = set()  # text ids an earlier tier already ranked

    @property
    def full(self) -> bool:
        return len(self.found) >= self.cap


class _Build:
    """What building an index remembers between reports (then dropped)."""

    __slots__ = ("text_ids", "head_ids", "normed", "shapes", "strings")

    def __init__(self) -> None:
        self.text_ids: dict[tuple[str, bool], int] = {}
        self.head_ids: dict[str, int] = {}
        self.normed: dict[str, str] = {}  # weekly reports repeat most lines: normalise each text once
        self.shapes: dict[tuple, Shape] = {}  # a record entry without its line -> its shape
        self.strings: dict[Any, Any] = {}  # one object per distinct string or chain

    def norm(self, text: str) -> str:
        out = self.normed.get(text)
        if out is None:
            out = self.normed[text] = norm(text)
        return out

    def intern(self, value: Any) -> Any:
        return self.strings.setdefault(value, value)

    def head_id(self, index: SearchIndex, ht: str) -> int:
        hid = self.head_ids.get(ht)
        if hid is None:
            hid = self.head_ids[ht] = len(index.head_texts)
            index.head_texts.append(ht)
            index.head_postings.append(array("i"))
        return hid


class SearchIndex:
    """Every item, section title and project name of a library, ready to search.

    Lines are stored once per distinct normalised text (`texts`, with `postings` listing the entries,
    in library order, that carry each text); an inverted index maps character bigrams to the texts
    holding them. A query finds its texts there, then walks their postings in entry order (a heap
    merge, or a scan of the entries when the texts are common), so it touches about `limit` entries
    however large the library is.
    """

    def __init__(self, reports: Iterable[Report], records: Iterable[Record] | None = None,
                 progress: Any = None):
        """An index of `reports` (in library order); `records`, when given, are their search records
        (`searchdoc.doc_record`) read from the parse cache instead of being computed from the reports.
        `progress(done)`, when given, is called every few hundred reports."""
        self.docs: list[_Doc] = []
        # entries, as columns (entry id -> ...); what entries share is one `Shape`
        self.entry_doc = array("i")  # -> its report's position in `docs`
        self.entry_line = array("i")  # -> its source line
        self.entry_shape = array("i")  # -> its shape's position in `shapes`
        self.entry_tid = array("i")  # -> its text id
        self.shapes: list[Shape] = []
        self.entries = _Entries(self)
        self.texts: list[str] = []  # distinct normalised lines (a project heading line counts apart)
        self.text_head = bytearray()  # text id -> 1 when its entries are project headings or titles
        self.postings: list[array] = []  # text id -> entry ids, ascending
        self._grams: dict[str, array] | None = None  # character bigram -> text ids, ascending (`grams`)
        self.head_texts: list[str] = []  # what a heading is found by: a project's name, a section title
        self.head_postings: list[array] = []
        self.section_postings: dict[str, array] = {}  # section key -> entry ids within it (nested too)
        self.kpi_entries = array("i")  # entries on a KPI's line
        self.section_keys: set[str] = set()
        self.kpi_names: set[str] = set()
        self.project_terms: dict[str, set[str]] = {}  # normalised project key or name -> keys
        self.terms: dict[str, None] = {}  # words pinyin can spell: project names, section titles, KPI names
        self._term_readings: dict[str, list[tuple[str, ...]]] = {}
        self._lock = threading.Lock()
        self._weeks: list[str] | None = None  # per report, for week filters
        self._labels: list[str] = []
        self._projects_seen: set[tuple[str, str]] = set()
        # build state, dropped when done: weekly reports repeat most lines, so each distinct text,
        # section, chain and shape is made once and shared
        b = _Build()
        pairs = ((r, doc_record(r)) for r in reports) if records is None else zip(reports, records)
        for order, (report, rec) in enumerate(pairs):
            self._add(report, rec, order, b)
            if progress is not None and order % 250 == 249:
                progress(order + 1)

    @property
    def grams(self) -> dict[str, array]:
        """Character bigram → the ids of the texts holding it, ascending (built on first use)."""
        if self._grams is None:
            with self._lock:
                if self._grams is None:
                    grams: defaultdict[str, list[int]] = defaultdict(list)
                    for tid, t in enumerate(self.texts):
                        for g in set(map(add, t, t[1:])):
                            grams[g].append(tid)
                    self._grams = {g: array("i", tids) for g, tids in grams.items()}
        return self._grams

    # -- building

    def _add(self, report: Report, rec: Record, order: int, b: _Build) -> None:
        nm, intern = b.norm, b.intern
        projects, kpis, sections, records = rec
        doc = _Doc(report, order)
        head_names: dict[int, str] = {}
        for key, name, line in projects:
            key, name = intern(key), intern(name)  # (kept per report: one object per distinct name)
            doc.project_names.setdefault(key, name)
            head_names.setdefault(line, name)
            if (key, name) not in self._projects_seen:
                self._projects_seen.add((key, name))
                self.project_terms.setdefault(nm(key), set()).add(key)
                self.project_terms.setdefault(nm(name), set()).add(key)
                self.terms.setdefault(name, None)
        for name, line in kpis:
            name = intern(name)
            if line:
                doc.kpi_lines.setdefault(line, []).append(name)
            self.kpi_names.add(name)
            self.terms.setdefault(name, None)
        for key, okr, title in sections:
            self.section_keys.add(key)
            if okr:
                self.section_keys.add(okr)
            self.terms.setdefault(title, None)
        n = len(self.docs)
        shape_of, postings, kpi_lines = b.shapes, self.postings, doc.kpi_lines
        e_shape, e_tid, head_postings = self.entry_shape.append, self.entry_tid.append, self.head_postings
        eid = doc.first = len(self.entry_tid)
        self.entry_doc.extend([n] * len(records))
        self.entry_line.extend([r[0] for r in records])
        for r in records:
            sh = shape_of.get(r[1:])
            if sh is None:
                sh = self._shape(r, b)
            e_shape(sh.sid)
            e_tid(sh.tid)
            postings[sh.tid].append(eid)
            if sh.head:
                # a project heading is found as a heading by its name only, not by the rest of its line
                hid = sh.hid if sh.hid >= 0 else b.head_id(self, nm(head_names[r[0]]))
                head_postings[hid].append(eid)
            for p in sh.secs:
                p.append(eid)
            if kpi_lines and r[0] in kpi_lines:
                self.kpi_entries.append(eid)
            eid += 1
        doc.end = eid
        self.docs.append(doc)

    def _shape(self, r: tuple, b: _Build) -> Shape:
        """A new shape for a record entry (line, text, section, chain, project, head, kind)."""
        _line, text, section, chain, project, head, kind = r
        t = b.norm(text)
        tid = b.text_ids.get((t, head))
        if tid is None:
            tid = b.text_ids[(t, head)] = len(self.texts)
            self.texts.append(t)
            self.text_head.append(1 if head else 0)
            self.postings.append(array("i"))
        chain = b.intern(chain)
        secs = []
        for key in chain:
            p = self.section_postings.get(key)
            if p is None:
                self.section_postings[key] = p = array("i")
            secs.append(p)
        hid = b.head_id(self, t) if head and kind != "item" else -1
        sh = Shape(tid, b.intern(text), b.intern(section), chain, b.intern(project), b.intern(kind), bool(head),
                   hid, tuple(secs))
        sh.sid = len(self.shapes)
        self.shapes.append(sh)
        b.shapes[r[1:]] = sh
        return sh

    # -- filters

    def _week_filter(self, q: Query) -> tuple[list[tuple[int, int]] | None, bytearray | None]:
        """The entry id ranges of the reports a `week:` filter keeps, and a byte per report when those are many."""
        if not (q.weeks or q.week_labels):
            return None, None
        if self._weeks is None:
            self._weeks = [d.report.week or "" for d in self.docs]
            self._labels = [d.report.label.casefold() for d in self.docs]
        keep = week_keep(q, self._weeks, self._labels)
        spans: list[tuple[int, int]] = []
        for d in compress(self.docs, keep):
            if spans and spans[-1][1] == d.first:
                spans[-1] = (spans[-1][0], d.end)
            elif d.end > d.first:
                spans.append((d.first, d.end))
        return spans, (keep if len(spans) > MAX_SPANS else None)

    def matching_sections(self, value: str) -> set[str]:
        """Section keys (and OKR codes) an `in:` value names: the code, a substring, or a fuzzy match."""
        from rapidfuzz import fuzz

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
        from rapidfuzz import fuzz

        v = norm(value)
        return {k for k in self.kpi_names
                if v in norm(k) or (len(v) >= 2 and fuzz.partial_ratio(v, norm(k)) >= fuzzy_cutoff(len(v)))}

    def _entry_filter(self, q: Query):
        secs = set().union(*(self.matching_sections(v) for v in q.sections)) if q.sections else None
        kpis = set().union(*(self.matching_kpis(v) for v in q.kpis)) if q.kpis else None
        if secs is None and kpis is None:
            return None, None

        shapes, e_shape, e_line, e_doc, docs = self.shapes, self.entry_shape, self.entry_line, self.entry_doc, self.docs
        in_secs: dict[int, bool] = {}  # shape id -> whether its chain is in the sections

        def ok(eid: int) -> bool:
            if secs is not None:
                sid = e_shape[eid]
                inside = in_secs.get(sid)
                if inside is None:
                    inside = in_secs[sid] = not secs.isdisjoint(shapes[sid].chain)
                if not inside:
                    return False
            if kpis is not None:
                names = docs[e_doc[eid]].kpi_lines.get(e_line[eid])
                if not names or kpis.isdisjoint(names):
                    return False
            return True
        return ok, secs

    def _ok(self, ctx: _Ctx, eid: int) -> bool:
        if ctx.mask is not None and not ctx.mask[self.entry_doc[eid]]:
            return False
        return ctx.accept is None or ctx.accept(eid)

    # -- walking entries in library order

    def _stream(self, posts: list[array], ctx: _Ctx, tids: list[int] | None = None) -> Iterator[int]:
        """The entry ids of several postings lists, ascending, within the reports the query keeps.

        `tids`: the texts whose postings these are, when they are; common texts are then found by
        scanning the entries in order (C-level `compress`), which reaches `limit` hits sooner than a
        heap merge of thousands of lists.
        """
        n = len(self.entry_tid)
        spans = ctx.spans if ctx.spans is not None else [(0, n)]
        total = sum(len(p) for p in posts)
        if tids is not None and len(posts) > 1:
            kept = n if ctx.spans is None else sum(hi - lo for lo, hi in spans)
            if (len(posts) > SCAN_TEXTS and total * SCAN_DENSITY > n) or (ctx.mask is not None and kept < total):
                want = bytearray(len(self.texts))
                for t in tids:
                    want[t] = 1
                tid = self.entry_tid
                return chain.from_iterable(compress(range(lo, hi), map(want.__getitem__, tid[lo:hi]))
                                           for lo, hi in spans)
        if ctx.spans is None or (ctx.mask is not None and len(spans) * len(posts) > 20000):
            return self._stream_span(posts, 0, n)  # `_ok` checks the report
        return chain.from_iterable(self._stream_span(posts, lo, hi) for lo, hi in spans)

    def _stream_span(self, posts: list[array], lo: int, hi: int) -> Iterator[int]:
        whole = lo == 0 and hi == len(self.entry_tid)
        parts = []
        for p in posts:
            if whole:
                parts.append(p)
                continue
            a = bisect_left(p, lo)
            b = bisect_left(p, hi, a)
            if a < b:
                parts.append(p[a:b])
        if not parts:
            return iter(())
        return iter(parts[0]) if len(parts) == 1 else heapq.merge(*parts)

    def _collect(self, ctx: _Ctx, stream: Iterable[int], score: float, tier: str, extra=None,
                 total: int = 0) -> int:
        """Add the entries of `stream` (ascending ids) not found yet, until the limit; return how many."""
        found = ctx.found
        added = 0
        for eid in stream:
            if eid in found:
                continue
            if ctx.filtered and not self._ok(ctx, eid):
                continue
            found[eid] = (score, eid, tier, extra)
            added += 1
            if len(found) >= ctx.cap:
                if ctx.filtered or not total:
                    ctx.capped = True
                else:
                    ctx.extra += max(0, total - added)
                break
        return added

    def _collect_levels(self, ctx: _Ctx, levels: dict[int, tuple[float, Any]], tier: str) -> None:
        """Collect the entries of texts scored `levels` (text id -> (score, extra)), best score first."""
        by_score: dict[tuple[float, Any], list[int]] = {}
        for tid, key in levels.items():
            by_score.setdefault(key, []).append(tid)
        remaining = sum(len(self.postings[t]) for t in levels)
        for (score, extra), tids in sorted(by_score.items(), key=lambda kv: -kv[0][0]):
            if ctx.full:
                if ctx.filtered:
                    ctx.capped = True
                else:
                    ctx.extra += remaining
                return
            n = sum(len(self.postings[t]) for t in tids)
            self._collect(ctx, self._stream([self.postings[t] for t in tids], ctx, tids), score, tier, extra, n)
            remaining -= n

    def texts_with(self, s: str) -> list[int]:
        """The ids of the texts holding `s` (normalised), ascending."""
        if not s:
            return []
        if len(s) == 1 or (self._grams is None and len(self.texts) <= SCAN_UNINDEXED):
            # (a small index, e.g. the command line's, answers a few queries: not worth the bigrams)
            return [t for t, text in enumerate(self.texts) if s in text]
        grams = self.grams
        posts = []
        for g in {s[i:i + 2] for i in range(len(s) - 1)}:
            p = grams.get(g)
            if p is None:
                return []
            posts.append(p)
        posts.sort(key=len)
        cand: Iterable[int] = posts[0]
        if len(posts) > 1:
            both = set(posts[0]).intersection(posts[1])
            cand = sorted(both)
        texts = self.texts
        return [t for t in cand if s in texts[t]] if len(s) > 2 else list(cand)

    # -- searching

    def search(self, query: str | Query, limit: int = 50) -> SearchResult:
        """Hits for a query, best first, at most `limit` of them (0: all).

        Ranking is by score, then library (week) order, then source line, and entry ids follow that
        order, so each tier walks its matches in entry order and stops at `limit`: a later one could
        never rank higher. `total` counts every match of the tiers that ran; it is `capped` (a lower
        bound) when filters made the exact count too costly.
        """
        t0 = time.perf_counter()
        q = parse_query(query) if isinstance(query, str) else query
        cap = limit if limit else 10**9
        spans, mask = self._week_filter(q)
        accept, secs = self._entry_filter(q)
        ctx = _Ctx(spans, mask, accept, cap)
        if spans == []:
            pass  # no report in those weeks
        elif not q.words:
            if q.has_filters:
                self._list_all(q, ctx, secs)
        else:
            self._exact(q, ctx)
            if not ctx.full:
                self._fuzzy(q, ctx)
            if not ctx.full:
                self._pinyin(q, ctx)
        ranked = sorted(ctx.found.values(), key=lambda c: (-c[0], c[1]))
        spans: dict[int, tuple[int, int]] = {}  # fuzzy match span per text id
        hits = [self._materialize(q, c, spans) for c in (ranked[:limit] if limit else ranked)]
        return SearchResult(q, hits, len(ranked) + ctx.extra, ctx.capped, time.perf_counter() - t0)

    def _materialize(self, q: Query, cand: tuple, fuzzy_spans: dict[int, tuple[int, int]]) -> Hit:
        score, eid, tier, extra = cand
        sh = self.shapes[self.entry_shape[eid]]
        doc = self.docs[self.entry_doc[eid]]
        text = self.texts[sh.tid]
        if tier == "exact":
            spans = [s for w in set(q.words) for s in _occurrences(text, w)]
        elif tier == "pinyin":
            spans = _occurrences(text, extra)
        elif tier == "fuzzy":
            sp = fuzzy_spans.get(sh.tid)
            if sp is None:
                sp = fuzzy_spans[sh.tid] = fuzzy_span(q.words[0], text)
            spans = [sp]
        else:
            spans = []
        return Hit(doc.report, self.entry_line[eid], sh.text, sh.section, sh.project,
                   doc.project_names.get(sh.project) if sh.project else None,
                   score, _merge(spans), tier, sh.kind, doc.order)

    def _list_all(self, q: Query, ctx: _Ctx, secs: set[str] | None) -> None:
        if q.kpis:
            stream = self._stream([self.kpi_entries], ctx)
        elif secs is not None:
            stream = self._stream([self.section_postings[k] for k in secs if k in self.section_postings], ctx)
        else:
            spans = ctx.spans if ctx.spans is not None else [(0, len(self.entry_tid))]
            ctx.mask = None  # the spans are exact
            stream = chain.from_iterable(range(lo, hi) for lo, hi in spans)
        shapes, e_shape = self.shapes, self.entry_shape
        found = ctx.found
        for eid in stream:
            if shapes[e_shape[eid]].kind == "title" or not self._ok(ctx, eid):
                continue
            found[eid] = (100.0, eid, "filter", None)
            if len(found) >= ctx.cap:
                ctx.capped = True
                return

    def _exact(self, q: Query, ctx: _Ctx) -> None:
        words = sorted(set(q.words), key=len, reverse=True)
        first, rest = words[0], words[1:]
        texts = self.texts
        tids = self.texts_with(first)
        if rest:
            tids = [t for t in tids if all(w in texts[t] for w in rest)]
        ctx.seen.update(tids)
        total = sum(len(self.postings[t]) for t in tids)
        # headings first (score 100): a project's heading line when its name holds the query, section
        # and report titles
        hids = [h for h, t in enumerate(self.head_texts) if first in t]
        if hids:
            heads = (eid for eid in self._stream([self.head_postings[h] for h in hids], ctx)
                     if first in texts[self.entry_tid[eid]]
                     and (not rest or all(w in texts[self.entry_tid[eid]] for w in rest)))
            added = self._collect(ctx, heads, 100.0, "exact")
            if ctx.full:
                if ctx.filtered:
                    ctx.capped = True
                else:
                    ctx.capped = False
                    ctx.extra += total - added
                return
        # then every other line holding it, in library order (score 94)
        if tids:
            self._collect(ctx, self._stream([self.postings[t] for t in tids], ctx, tids), 94.0, "exact",
                          None, total - len(ctx.found))

    def _fuzzy(self, q: Query, ctx: _Ctx) -> None:
        if len(q.words) != 1 or len(q.words[0]) < 3:
            return
        levels = self.fuzzy_levels(q.words[0], ctx.seen)
        ctx.seen.update(levels)
        self._collect_levels(ctx, levels, "fuzzy")

    def fuzzy_levels(self, w: str, seen: set[int]) -> dict[int, tuple[float, Any]]:
        """The texts the fuzzy tier ranks for the word `w` (not in `seen`): text id -> (score, None)."""
        grams, need, cutoff, boost = fuzzy_plan(w)
        counts: Counter[int] = Counter()
        for g in grams:
            p = self.grams.get(g)
            if p is not None:
                counts.update(p)
        # project names that are themselves close to the query: lines holding them are candidates first
        if self.project_terms:
            for name in close_names(w, list(self.project_terms), cutoff):
                for t in self.texts_with(name):
                    counts[t] += boost
        cands = [t for t, c in counts.items() if c >= need and t not in seen]
        if len(cands) > FUZZY_CANDIDATES:
            cands = heapq.nlargest(FUZZY_CANDIDATES, cands, key=lambda t: (counts[t], -t))
        texts, head = self.texts, self.text_head
        return {t: (s, None) for t, s in fuzzy_scores(w, cands, texts.__getitem__, head.__getitem__).items()}

    def readings(self, term: str) -> list[tuple[str, ...]]:
        """The pinyin readings of a term, computed once."""
        rd = self._term_readings.get(term)
        if rd is None:
            rd = py.readings(term)
            with self._lock:
                self._term_readings[term] = rd
        return rd

    def warm_pinyin(self) -> None:
        """Compute every term's pinyin readings now (loading pypinyin: ~0.2 s, ~50 MB), so the first
        pinyin keystroke does not wait for them."""
        for term in list(self.terms):
            if term and _has_hanzi(term):
                self.readings(term)

    def pinyin_needles(self, text: str) -> dict[str, float]:
        """Hanzi strings that the pinyin query spells in some known term, with the match quality."""
        needles: dict[str, float] = {}
        q = py.compact(text)
        for term in list(self.terms):
            found = term_needle(q, term, self.readings)
            if found is not None:
                hanzi, quality = found
                needles[hanzi] = max(needles.get(hanzi, 0.0), quality)
        return needles

    def _pinyin(self, q: Query, ctx: _Ctx) -> None:
        if not py.is_pinyin_query(q.text):
            return
        levels = self.pinyin_levels(q.text, ctx.seen)
        ctx.seen.update(levels)
        self._collect_levels(ctx, levels, "pinyin")

    def pinyin_levels(self, text: str, seen: set[int]) -> dict[int, tuple[float, Any]]:
        """The texts the pinyin tier ranks (not in `seen`): text id -> (score, the hanzi it spells)."""
        return pinyin_levels(self.pinyin_needles(text), self.texts_with, self.text_head.__getitem__, seen)


# ---------------------------------------------------------------------------------------------
# the fuzzy and pinyin tiers' rules, shared with the command-line fast path (`fastsearch`)


def fuzzy_plan(w: str) -> tuple[list[str], int, float, int]:
    """For a fuzzy word: its distinct bigrams, how many of them a candidate line must hold, the lowest
    ratio kept, and the bonus count of a line holding a project name close to the word."""
    n = len(w)
    typos = 1 if n < 8 else 2
    grams = list(dict.fromkeys(w[i:i + 2] for i in range(n - 1)))
    need = max(1, len(grams) - 2 * typos)  # a typo spoils at most two bigrams
    return grams, need, fuzzy_cutoff(n), len(grams) + 1


def close_names(w: str, names: list[str], cutoff: float) -> list[str]:
    """The (at most 5) project names or keys closest to `w`, best first; ties in the order given."""
    from rapidfuzz import fuzz, process

    return [name for name, _, _ in process.extract(w, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)]


def fuzzy_scores(w: str, cands: Iterable, text_of, head_of) -> dict:
    """Fuzzy scores (< 90) of the candidate lines that pass the cutoff: key -> score."""
    from rapidfuzz import fuzz, process

    n = len(w)
    cutoff = fuzzy_cutoff(n)
    # partial ratio against the line padded with n-1 blanks each side: every window compared has the
    # query's length, so a typo costs the same at the start of a line as in its middle
    pad = _PAD * (n - 1)
    longer, shorter = {}, {}
    for t in cands:
        text = text_of(t)
        if len(text) >= n:
            longer[t] = pad + text + pad
        else:
            shorter[t] = text
    scored = process.extract(w, longer, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=None)
    scored += process.extract(w, shorter, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    return {t: round(min(89.9, ratio * 0.89 + head_of(t)), 2) for _, ratio, t in scored}


def _has_hanzi(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def term_needle(q: str, term: str, readings) -> tuple[str, float] | None:
    """The hanzi a compact pinyin query `q` spells in `term` (normalised) and the match quality, if it does.
    `readings(term)`: the term's pinyin readings."""
    if not term or not _has_hanzi(term):
        return None
    rd = readings(term)
    first = q[:1]
    if not any(r and any(a[:1] == first for a in r) for r in rd):
        return None
    m = py.match(q, term, rd)
    if m is None:
        return None
    hanzi = norm(term[m.start:m.end])
    if not _has_hanzi(hanzi):
        return None
    return hanzi, m.quality


def pinyin_levels(needles: dict[str, float], texts_with, head_of, seen) -> dict:
    """Key -> (score, needle) of the texts holding a needle (`texts_with(needle)`), not in `seen`:
    the best needle's score, the first needle (in the order given) on a tie."""
    levels: dict = {}
    for needle, quality in needles.items():
        score = 40.0 + 9.0 * quality
        for tid in texts_with(needle):
            if tid in seen:
                continue
            sc = score + head_of(tid)
            old = levels.get(tid)
            if old is None or old[0] < sc:
                levels[tid] = (sc, needle)
    return levels


# ---------------------------------------------------------------------------------------------
# one index per library

RECORD_BATCH = 256


def library_records(reports: list, stored_row: Any = None) -> Iterator[Record]:
    """The search record of each report, in order: read from the parse cache (`search_rec`) for
    reports loaded from it on demand (`stored_row(report)`: their cache file and row id), whose bodies
    then stay unread; computed otherwise.

    A report's cache row id is never reused and its record is written with it, so a record found
    under that id is the one `doc_record(report)` would compute.
    """
    import sqlite3

    if stored_row is None:
        yield from map(doc_record, reports)
        return
    conns: dict[str, sqlite3.Connection | None] = {}

    def conn_for(path: str) -> sqlite3.Connection | None:
        if path not in conns:
            try:
                c = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0, check_same_thread=False)
                c.text_factory = bytes  # (a damaged record fails its check instead of the whole query)
                c.execute("PRAGMA busy_timeout = 2000")
            except sqlite3.Error:
                c = None
            conns[path] = c
        return conns[path]

    try:
        for k in range(0, len(reports), RECORD_BATCH):
            batch = reports[k:k + RECORD_BATCH]
            by_path: dict[str, list[int]] = {}
            rows = [stored_row(r) for r in batch]
            for row in rows:
                if row is not None:
                    by_path.setdefault(row[0], []).append(row[1])
            got: dict[tuple[str, int], bytes] = {}
            for path, rids in by_path.items():
                c = conn_for(path)
                if c is None:
                    continue
                try:
                    got.update(((path, rid), rec) for rid, rec in c.execute(
                        f"SELECT rid, rec FROM search_rec WHERE rid IN ({','.join('?' * len(rids))})", rids))
                except sqlite3.Error:
                    pass
            for r, row in zip(batch, rows):
                blob = got.get(row) if row is not None else None
                rec = decode_record(blob) if blob is not None else None  # (damaged: computed again)
                yield rec if rec is not None else doc_record(r)
    finally:
        for c in conns.values():
            if c is not None:
                c.close()


def build_index(library, progress: Any = None, stored_row: Any = None) -> SearchIndex:
    """A search index of a library's reports (`Workspace.search_index` keeps it per library);
    `progress(done, total)` is called while it is built; `stored_row`: see `library_records`."""
    reports = list(library.reports)
    total = len(reports)
    index = SearchIndex(reports, library_records(reports, stored_row),
                        progress=(lambda done: progress(done, total)) if progress is not None else None)
    index.grams  # built now, not on the first keystroke
    if progress is not None:
        progress(total, total)
    return index


def search(library, query: str, limit: int = 50) -> SearchResult:
    """Search a library once (an index built for this query alone; `Workspace.search` keeps one)."""
    return build_index(library).search(query, limit=limit)
