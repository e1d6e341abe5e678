"""`reports-tui search` from the parse cache alone, without loading the library.

The answer is the one the in-memory `SearchIndex` of the whole library gives (same hits, order,
scores, spans and total), found by touching only the reports that can rank:

1. Freshness: the folders are scanned (stat only, `model.source.scan`) and every report file must have a
   row of this vocabulary in the cache with the same size and mtime, written by the same parser
   (`searchdoc.source_version`). Anything stale or missing: `try_search` returns None and the caller
   loads the library the normal way (which also brings the cache up to date).
2. Week order is computed from the small `search_docs` rows, exactly as `Library.sort` does.
3. Candidates come from SQL: the distinct normalised lines holding every word (`instr()`, which
   unlike FTS5 trigrams also finds 1–2 character CJK words), summed per report through `postings`
   (that gives the exact total), and the reports with a heading found by the longest word.
4. Exact hits rank by tier (headings 100, then lines 94) and then week order, so a `SearchIndex` is
   built from the stored records (`searchdoc`) of the reports with a heading hit plus the shortest
   run of candidate reports, in week order, holding `limit` matching lines; with `in:`/`kpi:` filters
   that run doubles until the limit is met by hits inside it.
5. When exact hits cannot fill the limit and the fuzzy or pinyin tier would run, the choices those
   tiers make across the whole library (candidate lines, close project names, pinyin needles, the
   order of equal levels) are made from the small tables (`lines`, `postings` aggregated in SQL,
   `names`); the index is then built from the exact reports plus those holding the first lines the
   tiers collect (in collection order: score, then week order), and its tiers follow that plan.
   Totals come from the aggregated postings.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from array import array
from typing import Any, Callable

from ...model.report import SourceRef
from . import engine as _search
from . import records as searchdoc
from .engine import (Hit, Query, SearchIndex, SearchResult, close_names, fuzzy_plan, fuzzy_scores,
                     parse_query, pinyin_levels, term_needle, week_keep)
from .records import norm

APP_ID = "reports-tui parse cache"  # as in store/cache.py (not imported: it pulls in the parser)
SCHEMA = "5.1"
FILE_NAME = "parse-cache-v2.sqlite3"


class ReportRef:
    """What a search hit shows of its report: where it is, its week and label."""

    __slots__ = ("source", "week", "label", "created")

    def __init__(self, source: SourceRef, week: str | None, label: str, created: str):
        self.source = source
        self.week = week
        self.label = label
        self.created = created

    @property
    def sort_key(self) -> tuple:
        """As `Report.sort_key`."""
        if self.week is None:
            return (1, "", "", self.source.display)
        return (0, self.week, self.created, self.source.display)


class _Unavailable(Exception):
    """The cache cannot answer this query; the caller takes the normal path."""


class CachedLibrary:
    """The reports of some paths as the cache knows them, in week order, when every one is fresh.

    `refs`: per report (path, member, week, label, created), as tuples (made into `ReportRef`s when used).
    """

    def __init__(self, conn: sqlite3.Connection, rids: list[int], refs: list[tuple]):
        self.conn = conn
        self.rids = rids  # in week order
        self.refs = refs
        self.pos = {rid: i for i, rid in enumerate(rids)}

    def report(self, i: int) -> ReportRef:
        """The report at position i."""
        path, member, week, label, created = self.refs[i]
        return ReportRef(SourceRef(path, member or None), week, label, created)

    @property
    def reports(self) -> list[ReportRef]:
        """Every report, in week order."""
        return [self.report(i) for i in range(len(self.rids))]

    def records(self, positions: list[int], memo: dict[int, Any] | None = None) -> list[Any]:
        """The search records of the reports at these positions (ascending); `memo`: records already
        read, by position (and where to keep the ones read now)."""
        memo = {} if memo is None else memo
        rids = [self.rids[i] for i in positions if i not in memo]
        got: dict[int, bytes] = {}
        for k in range(0, len(rids), 500):
            part = rids[k:k + 500]
            got.update(self.conn.execute(
                f"SELECT rid, rec FROM search_rec WHERE rid IN ({','.join('?' * len(part))})", part))
        if len(got) != len(rids):
            raise _Unavailable("a search record is missing")
        for i in positions:
            if i not in memo:
                rec = searchdoc.decode_record(got[self.rids[i]])
                if rec is None:
                    raise _Unavailable("a damaged search record")
                memo[i] = rec
        return [memo[i] for i in positions]

    def index(self, positions: list[int], plan: _Plan | None = None, memo: dict[int, Any] | None = None) -> SearchIndex:
        """A search index of the reports at these positions (ascending), hits carrying library order;
        with a `plan`, its fuzzy and pinyin tiers rank the lines the plan chose for the whole library."""
        reports, records = [self.report(i) for i in positions], self.records(positions, memo)
        idx = SearchIndex(reports, records=records) if plan is None else _PlannedIndex(reports, records, plan)
        for doc, p in zip(idx.docs, positions):
            doc.order = p
        return idx

    def positions_table(self) -> None:
        """`temp.cur`: each current report's id and position, for joins with the postings."""
        if getattr(self, "_cur", False):
            return
        c = self.conn
        c.execute("CREATE TEMP TABLE IF NOT EXISTS cur (rid INTEGER PRIMARY KEY, pos INTEGER NOT NULL)")
        c.execute("CREATE TEMP TABLE IF NOT EXISTS cand (lid INTEGER PRIMARY KEY)")
        c.execute("CREATE TEMP TABLE IF NOT EXISTS want (lid INTEGER NOT NULL, hv INTEGER NOT NULL,"
                  " grp INTEGER NOT NULL)")
        c.execute("DELETE FROM temp.cur")
        c.executemany("INSERT INTO temp.cur VALUES (?, ?)", [(rid, i) for i, rid in enumerate(self.rids)])
        self._cur = True


def scan_files(paths: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(path, zip member or "") → (size, mtime_ns) of every report file `model.source.scan` finds (the one
    walk: symlinked folders are not followed, special files are skipped)."""
    from ...model.source import Candidate, scan

    out: dict[tuple[str, str], tuple[int, int]] = {}
    for c in scan(paths):
        if isinstance(c, Candidate):
            if c.key in out:
                raise _Unavailable("a file given twice")
            out[c.key] = (c.size, c.mtime_ns)
    return out


def open_cached(paths: list[str], vkey: str, db_path: str) -> CachedLibrary:
    """The cached library of these paths, or `_Unavailable` when any report is stale or missing."""
    if not os.path.exists(db_path):
        raise _Unavailable("no cache")
    conn = sqlite3.connect(db_path, timeout=2.0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 2000")
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.Error as exc:
        raise _Unavailable(str(exc)) from exc
    if meta.get("app") != APP_ID or meta.get("schema") != SCHEMA or meta.get("sources") != searchdoc.source_version():
        raise _Unavailable("cache of another version")
    files = scan_files(paths)
    # The library last seen for these paths: reused while every file has the size and mtime it had.
    lkey = "\0".join([vkey, *paths])
    fp = hashlib.sha1("\n".join(f"{p}\0{m}\0{sz}\0{mt}" for (p, m), (sz, mt) in files.items())
                      .encode("utf-8", "surrogatepass")).hexdigest()
    snap = conn.execute("SELECT fingerprint, rids, refs FROM search_libs WHERE key = ?", (lkey,)).fetchone()
    if snap is not None and snap[0] == fp:
        refs = _decode_refs(snap[2], len(snap[1]) // 8)
        if refs is not None and isinstance(snap[1], bytes) and len(snap[1]) % 8 == 0:
            return CachedLibrary(conn, array("q", snap[1]).tolist(), refs)
    rows = {(p, m): (rid, size, mt, kind, week, created, label) for rid, p, m, size, mt, kind, week, created, label
            in conn.execute("SELECT rid, path, member, size, mtime_ns, kind, week, created, label FROM search_docs"
                            " WHERE vocab = ?", (vkey,))}
    found: list[tuple[tuple, int, tuple]] = []
    for key, (size, mtime_ns) in files.items():
        row = rows.get(key)
        if row is None or row[1] != size or row[2] != mtime_ns:
            raise _Unavailable("stale")
        rid, _, _, kind, week, created, label = row
        if kind == "report":
            ref = ReportRef(SourceRef(key[0], key[1] or None), week, label, created or "")
            found.append((ref.sort_key, rid, (key[0], key[1], week, label, created or "")))
    found.sort(key=lambda t: t[0])  # as `Library.sort` (sources differ, so no two keys are equal)
    rids, refs = [f[1] for f in found], [f[2] for f in found]
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR REPLACE INTO search_libs VALUES (?, ?, ?, ?)",
                     (lkey, fp, array("q", rids).tobytes(), json.dumps(refs, ensure_ascii=False)))
        conn.execute("COMMIT")
    except sqlite3.Error:  # busy: another instance is writing; next time, then
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
    return CachedLibrary(conn, rids, refs)


def _decode_refs(text: Any, n: int) -> list[tuple] | None:
    """Stored (path, member, week, label, created) per report, checked; None when damaged."""
    try:
        refs = json.loads(text)
        if type(refs) is not list or len(refs) != n:
            return None
        out = []
        for path, member, week, label, created in refs:
            if not (type(path) is str and type(member) is str and type(label) is str and type(created) is str
                    and (week is None or type(week) is str)):
                return None
            out.append((path, member, week, label, created))
        return out
    except (TypeError, ValueError):
        return None


def library_view(library: Any, stored_row: Callable[[Any], tuple[str, int] | None]) -> CachedLibrary | None:
    """The cache's view of a loaded library, its reports in the library's order, when every report was
    loaded from one cache file on demand (`stored_row(report)`: its cache file and row id, or None);
    None otherwise. Hits it gives carry `ReportRef`s; `Hit.order` is the report's position in
    `library.reports`."""
    reports = list(library.reports)
    if not reports:
        return None
    rids, refs, path = [], [], None
    for r in reports:
        row = stored_row(r)
        if row is None or (path is not None and row[0] != path):
            return None
        path = row[0]
        rids.append(row[1])
        refs.append((r.source.path, r.source.member or "", r.week, r.label, str(r.created or "")))
    try:
        conn = sqlite3.connect(path, timeout=2.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 2000")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return None
    if meta.get("app") != APP_ID or meta.get("schema") != SCHEMA or meta.get("sources") != searchdoc.source_version():
        conn.close()
        return None
    return CachedLibrary(conn, rids, refs)


def search_view(view: CachedLibrary, library: Any, raw: str, limit: int) -> SearchResult | None:
    """`search_cached` on a `library_view`, its hits carrying the library's own reports; None when
    the cache cannot answer."""
    t0 = time.perf_counter()
    try:
        res = search_cached(view, raw, limit)
    except (_Unavailable, sqlite3.Error):
        return None
    res.seconds = time.perf_counter() - t0
    reports = library.reports
    for h in res.hits:
        h.report = reports[h.order]
    return res


def _could_go_past_exact(q: Query) -> bool:
    """Whether the fuzzy or the pinyin tier may run when exact hits do not fill the limit."""
    from . import pinyin

    return (len(q.words) == 1 and len(q.words[0]) >= 3) or pinyin.is_pinyin_query(q.text)


def _in_clause(n: int) -> str:
    return ",".join("?" * n)


def search_cached(lib: CachedLibrary, raw: str, limit: int) -> SearchResult:
    """The result `SearchIndex(library).search(raw, limit)` gives, from the cache."""
    q = parse_query(raw)
    n = len(lib.rids)
    cap = limit if limit else 10**9
    keep = None
    if q.weeks or q.week_labels:
        keep = week_keep(q, [r[2] or "" for r in lib.refs], [r[3].casefold() for r in lib.refs])
    ok = (lambda i: True) if keep is None else keep.__getitem__
    entry_filter = bool(q.sections or q.kpis)

    if not q.words:
        if not q.has_filters:
            return SearchResult(q, [], 0)
        cands = [i for i in range(n) if ok(i)]
        heads: list[int] = []
        counts = None
        total = None
    else:
        words = list(dict.fromkeys(q.words))
        first = sorted(set(q.words), key=len, reverse=True)[0]  # as `SearchIndex._exact` picks it
        cond = " AND ".join(["instr(text, ?) > 0"] * len(words))
        wb = [w.encode("utf-8") for w in words]
        pos = lib.pos
        counts = {}
        for rid, cnt in lib.conn.execute(
                f"SELECT rid, sum(n) FROM postings WHERE lid IN (SELECT lid FROM lines WHERE {cond}) GROUP BY rid",
                wb):
            i = pos.get(rid)
            if i is not None and ok(i):
                counts[i] = cnt
        heads = sorted(i for (rid,) in lib.conn.execute(
            "SELECT DISTINCT rid FROM head_postings WHERE lid IN (SELECT lid FROM lines WHERE instr(text, ?) > 0)",
            (first.encode("utf-8"),)) if (i := pos.get(rid)) is not None and ok(i))
        cands = sorted(counts)
        total = sum(counts.values())

    # The shortest run of candidates (week order) that holds `limit` matching lines, and the first
    # `limit` reports with a heading hit; both grow (doubling) until the ranking is settled: the
    # limit is filled by heading hits of that prefix of `heads` alone (score 100, week order), or
    # every heading hit is in and the other hits come from inside the run.
    if counts is not None and limit:
        acc, end = 0, len(cands)
        for k, i in enumerate(cands):
            acc += counts[i]
            if acc >= cap:
                end = k + 1
                break
    else:
        end = len(cands) if not limit else min(len(cands), 8)
    hk = min(len(heads), limit) if limit else len(heads)
    while True:
        run, hrun = cands[:end], heads[:hk]
        complete, heads_done = end >= len(cands), hk >= len(heads)
        res = lib.index(sorted(set(run).union(hrun))).search(q, limit=limit)
        # Only exact hits count: an index of part of the library also runs the fuzzy and pinyin
        # tiers over that part, and those hits would stand in for ones from the rest of the library.
        full = bool(limit) and sum(1 for h in res.hits if h.tier == "exact") >= limit
        top = sum(1 for h in res.hits if h.tier == "exact" and h.score >= 100)
        if full and top >= limit:
            break
        if heads_done:
            last = run[-1] if run else -1
            if complete:
                if not full and q.words and _could_go_past_exact(q):
                    # the fuzzy and pinyin tiers rank lines chosen across the whole library
                    return _beyond_exact(lib, q, limit, sorted(set(cands).union(heads)), total, keep)
                break
            if full and all(h.order <= last or (h.tier == "exact" and h.score >= 100) for h in res.hits):
                break
            end = max(end + 1, end * 2)
        else:
            hk = max(hk + 1, hk * 2)
            if not full:
                end = max(end + 1, end * 2)
    if q.words and full and not q.has_filters and total is not None:
        res.total = total  # every line holding the words, in the whole library
    return res


# ---------------------------------------------------------------------------------------------
# past the exact tier: fuzzy and pinyin
#
# A line is ranked by those tiers for what its text is (and whether it is a heading), except for
# choices `SearchIndex` makes across the whole library: the project names closest to a fuzzy word
# (ties in first-seen order), the `FUZZY_CANDIDATES` lines sharing most bigrams (ties in first-seen
# order), the terms pinyin spells and the order of its needles (first seen first), and the order of
# pinyin levels of equal score. Those are made here from the small tables (`lines` with `postings`
# aggregated in SQL, `names` with `name_postings`), a record read only to order two lines or names
# first seen in the same report. A *variant* is (normalised text, 1 for a heading): the index's text.


class _PlannedIndex(SearchIndex):
    """An index of some reports whose fuzzy and pinyin tiers rank the variants a `_Plan` chose."""

    def __init__(self, reports, records, plan: _Plan):
        super().__init__(reports, records=records)
        self.plan = plan
        head = self.text_head
        self._vids = {(t, head[i]): i for i, t in enumerate(self.texts)}

    def fuzzy_levels(self, w: str, seen: set[int]) -> dict[int, tuple[float, Any]]:
        vids = self._vids
        return {t: (sc, None) for v, sc in self.plan.fuzzy.items()
                if (t := vids.get(v)) is not None and t not in seen}

    def pinyin_levels(self, text: str, seen: set[int]) -> dict[int, tuple[float, Any]]:
        if self.plan.pinyin is None:
            raise _Unavailable("pinyin tier not planned")
        vids, out = self._vids, {}
        for key, variants in self.plan.pinyin:  # in the library's level order (ties among equal scores)
            for v in variants:
                t = vids.get(v)
                if t is not None and t not in seen:
                    out[t] = key
        return out


class _Plan:
    """The fuzzy tier's scores per variant, the pinyin tier's levels in order, and the walk groups."""

    def __init__(self) -> None:
        self.fuzzy: dict[tuple[str, int], float] = {}
        self.pinyin: list[tuple[tuple[float, str], list[tuple[str, int]]]] | None = None
        self.groups: list[list[tuple[str, int]]] = []  # in collection order
        self.group_tier: list[tuple[str, float]] = []
        self.totals: list[int] = []  # lines per group
        self.stats: dict[tuple[str, int], tuple[int, int, int]] = {}  # variant -> (line id, first position, lines)


class _Order:
    """Where a line or name is first seen inside one report (read from its record when needed)."""

    def __init__(self, lib: CachedLibrary):
        self.lib = lib
        self.memo: dict[int, Any] = {}
        self._entries: dict[int, dict] = {}
        self._terms: dict[int, tuple[dict, dict]] = {}

    def _rec(self, pos: int):
        return self.lib.records([pos], self.memo)[0]

    def entry(self, pos: int, v: tuple[str, int]) -> int:
        """The index, in the report's entries, of the first entry with this variant."""
        m = self._entries.get(pos)
        if m is None:
            m = {}
            for i, e in enumerate(self._rec(pos)[3]):
                m.setdefault((norm(e[1]), 1 if e[5] else 0), i)
            self._entries[pos] = m
        return m.get(v, 1 << 30)

    def term(self, pos: int, name: str, kind: int) -> int:
        """Where a name is first added, within the report, to the index's project terms (kind 1) or
        pinyin terms (kind 2)."""
        got = self._terms.get(pos)
        if got is None:
            rec = self._rec(pos)
            proj: dict[str, int] = {}
            for key, pname, _line in rec[0]:
                proj.setdefault(norm(key), len(proj))
                proj.setdefault(norm(pname), len(proj))
            terms: dict[str, int] = {}
            for t in [p[1] for p in rec[0]] + [k[0] for k in rec[1]] + [x[2] for x in rec[2]]:
                terms.setdefault(t, len(terms))
            got = self._terms[pos] = (proj, terms)
        return got[0 if kind == searchdoc.PROJECT_TERM else 1].get(name, 1 << 30)


# (CROSS JOIN keeps the small temporary table outside: the planner has no statistics for it)


def _or_instr(n: int) -> str:
    return " OR ".join(["instr(text, ?) > 0"] * n)


def _lines_holding(lib: CachedLibrary, subs: list[str]) -> list[tuple[int, str]]:
    """(id, text) of the stored lines holding any of these strings."""
    subs = [x for x in dict.fromkeys(subs) if x]
    if not subs:
        return []
    rows = lib.conn.execute(f"SELECT lid, text FROM lines WHERE {_or_instr(len(subs))}",
                            [x.encode("utf-8") for x in subs])
    return [(lid, b.decode("utf-8")) for lid, b in rows]


def _variant_stats(lib: CachedLibrary, lines: list[tuple[int, str]]) -> dict[tuple[str, int], tuple[int, int, int]]:
    """variant -> (line id, first position, how many entries) over the current reports."""
    c = lib.conn
    text = dict(lines)
    c.execute("DELETE FROM temp.cand")
    c.executemany("INSERT OR IGNORE INTO temp.cand VALUES (?)", [(lid,) for lid in text])
    out: dict[tuple[str, int], tuple[int, int, int]] = {}
    for lid, f0, n0, f1, n1 in c.execute(
            "SELECT p.lid, min(CASE WHEN p.n > p.h THEN c.pos END), sum(p.n - p.h),"
            " min(CASE WHEN p.h > 0 THEN c.pos END), sum(p.h)"
            " FROM temp.cand d CROSS JOIN postings p ON p.lid = d.lid CROSS JOIN temp.cur c ON c.rid = p.rid"
            " GROUP BY p.lid"):
        t = text[lid]
        if n0:
            out[(t, 0)] = (lid, f0, n0)
        if n1:
            out[(t, 1)] = (lid, f1, n1)
    return out


def _current_names(lib: CachedLibrary, kind: int, names: dict[int, str]) -> dict[str, int]:
    """Of these names (id -> name), those a current report has with this kind: name -> first position."""
    if not names:
        return {}
    c = lib.conn
    c.execute("DELETE FROM temp.cand")
    c.executemany("INSERT OR IGNORE INTO temp.cand VALUES (?)", [(nid,) for nid in names])
    return {names[nid]: first for nid, first in c.execute(
        "SELECT np.nid, min(c.pos) FROM temp.cand d CROSS JOIN name_postings np ON np.nid = d.lid"
        " CROSS JOIN temp.cur c ON c.rid = np.rid WHERE np.kinds & ? GROUP BY np.nid", (kind,))}


def _first_seen(items: dict[str, int], order: _Order, kind: int) -> list[str]:
    """Names in the order the index first sees them (position, then place within that report)."""
    return sorted(items, key=lambda t: (items[t], order.term(items[t], t, kind)))


def _plan_fuzzy(lib: CachedLibrary, w: str, plan: _Plan, order: _Order) -> None:
    from rapidfuzz import fuzz, process

    grams, need, cutoff, boost = fuzzy_plan(w)
    names = dict(lib.conn.execute("SELECT nid, name FROM names WHERE kinds & ?", (searchdoc.PROJECT_TERM,)))
    close_ids = {nid for _, _, nid in process.extract(w, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)}
    current = _current_names(lib, searchdoc.PROJECT_TERM, {nid: names[nid] for nid in close_ids})
    close = close_names(w, _first_seen(current, order, searchdoc.PROJECT_TERM), cutoff) if current else []
    counts: dict[tuple[str, int], int] = {}
    lines = []
    for lid, t in _lines_holding(lib, grams + close):
        if w in t:
            continue  # the exact tier's
        c = sum(g in t for g in grams) + boost * sum(name in t for name in close)
        if c >= need:
            lines.append((lid, t))
    stats = _variant_stats(lib, lines)
    cands = list(stats)
    if len(cands) > (most := _search.FUZZY_CANDIDATES):
        # the lines sharing most bigrams, first seen first (as `heapq.nlargest` over text ids)
        counts = {v: sum(g in v[0] for g in grams) + boost * sum(name in v[0] for name in close) for v in cands}
        cands.sort(key=lambda v: (-counts[v], stats[v][1]))
        edge = cands[most - 1]
        ek = (-counts[edge], stats[edge][1])
        lo = next(i for i, v in enumerate(cands) if (-counts[v], stats[v][1]) == ek)
        hi = lo
        while hi < len(cands) and (-counts[cands[hi]], stats[cands[hi]][1]) == ek:
            hi += 1
        if hi > most:  # first seen in the same report: by place in it
            tie = sorted(cands[lo:hi], key=lambda v: order.entry(ek[1], v))
            cands = cands[:lo] + tie[:most - lo]
        else:
            cands = cands[:most]
    plan.fuzzy = fuzzy_scores(w, cands, lambda v: v[0], lambda v: v[1])
    by_score: dict[float, list[tuple[str, int]]] = {}
    for v, sc in plan.fuzzy.items():
        by_score.setdefault(sc, []).append(v)
    for sc in sorted(by_score, reverse=True):
        plan.groups.append(by_score[sc])
        plan.group_tier.append(("fuzzy", sc))
        plan.totals.append(sum(stats[v][2] for v in by_score[sc]))
    plan.stats = stats


def _plan_pinyin(lib: CachedLibrary, q: Query, plan: _Plan, order: _Order) -> None:
    from . import pinyin as py

    qc = py.compact(q.text)
    names = dict(lib.conn.execute("SELECT nid, name FROM names WHERE kinds & ?", (searchdoc.PINYIN_TERM,)))
    readings = _Readings(lib.conn, names)
    spelled = {}
    for nid, term in names.items():
        found = term_needle(qc, term, readings.of)
        if found is not None:
            spelled[nid] = found
    readings.save()
    current = _current_names(lib, searchdoc.PINYIN_TERM, {nid: names[nid] for nid in spelled})
    by_name = {names[nid]: found for nid, found in spelled.items()}
    needles: dict[str, float] = {}
    for term in _first_seen(current, order, searchdoc.PINYIN_TERM):
        hanzi, quality = by_name[term]
        needles[hanzi] = max(needles.get(hanzi, 0.0), quality)
    plan.pinyin = []
    if not needles:
        return
    words = q.words
    lines = [(lid, t) for lid, t in _lines_holding(lib, list(needles)) if not all(x in t for x in words)]
    stats = _variant_stats(lib, lines)
    seen = set(plan.fuzzy)
    variants = [v for v in stats if v not in seen]
    levels = pinyin_levels(needles, lambda nd: [v for v in variants if nd in v[0]], lambda v: v[1], set())
    # levels of equal score are collected in the order the index first meets them: by the first
    # needle a line holds, then by where the line is first seen
    nlist = list(needles)
    first_needle = {v: next(i for i, nd in enumerate(nlist) if nd in v[0]) for v in levels}
    members: dict[tuple[float, str], list[tuple[str, int]]] = {}
    for v, key in levels.items():
        members.setdefault(key, []).append(v)
    best: dict[tuple[float, str], tuple] = {}
    for key, vs in members.items():
        m = min((first_needle[v], stats[v][1]) for v in vs)
        best[key] = (-key[0], *m)
    clash: dict[tuple, int] = {}
    for b in best.values():
        clash[b] = clash.get(b, 0) + 1

    def rank(key):
        b = best[key]
        if clash[b] < 2:
            return (*b, 0)
        return (*b, min(order.entry(b[2], v) for v in members[key] if (first_needle[v], stats[v][1]) == b[1:]))

    for key in sorted(members, key=rank):
        plan.pinyin.append((key, members[key]))
        plan.groups.append(members[key])
        plan.group_tier.append(("pinyin", key[0]))
        plan.totals.append(sum(stats[v][2] for v in members[key]))
    plan.stats.update(stats)


class _Readings:
    """Names' pinyin readings, remembered in the cache (`name_readings`), so that a pinyin query
    usually needs no pypinyin (its dictionaries take ~0.2 s and ~50 MB to load)."""

    def __init__(self, conn: sqlite3.Connection, names: dict[int, str]):
        self.conn = conn
        self.stamp = _pinyin_stamp()
        self.ids = {name: nid for nid, name in names.items()}
        self.known: dict[str, list[tuple[str, ...]]] = {}
        self.new: list[tuple[int, str, str]] = []
        by_id = names
        for nid, rd in conn.execute("SELECT nid, readings FROM name_readings WHERE stamp = ?", (self.stamp,)):
            name = by_id.get(nid)
            if name is not None:
                self.known[name] = [tuple(r) for r in json.loads(rd)]

    def of(self, term: str) -> list[tuple[str, ...]]:
        """The readings of a name (`pinyin.readings`)."""
        rd = self.known.get(term)
        if rd is None:
            from . import pinyin as py

            rd = self.known[term] = py.readings(term)
            if term in self.ids:
                self.new.append((self.ids[term], self.stamp, json.dumps(rd, ensure_ascii=False)))
        return rd

    def save(self) -> None:
        """Remember the readings computed now (skipped when another instance is writing)."""
        if not self.new:
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("INSERT OR REPLACE INTO name_readings VALUES (?, ?, ?)", self.new)
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        self.new = []


def _pinyin_stamp() -> str:
    """Which pypinyin installation computes readings (its place and modification time), found
    without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pypinyin")
        origin = spec.origin if spec else None
        return f"{origin}:{os.stat(origin).st_mtime_ns}" if origin else "none"
    except (ImportError, OSError, ValueError):
        return "none"


def _walk_tiers(lib: CachedLibrary, plan: _Plan, start: int, target: int, keep) -> tuple[set[int], tuple[int, int] | None]:
    """The reports of the shortest prefix of the tiers' collection order (group, then week order)
    holding `target` lines (`start` of them before it); the last (group, position) taken, or None when
    that took every group."""
    c = lib.conn
    taken: set[int] = set()
    if start >= target:
        return taken, (-1, -1)
    c.execute("DELETE FROM temp.want")
    c.executemany("INSERT INTO temp.want VALUES (?, ?, ?)",
                  [(plan.stats[v][0], v[1], g) for g, vs in enumerate(plan.groups) for v in vs])
    acc = start
    for g, pos, k in c.execute(
            "SELECT w.grp, c.pos, sum(CASE WHEN w.hv THEN p.h ELSE p.n - p.h END) AS k"
            " FROM temp.want w CROSS JOIN postings p ON p.lid = w.lid CROSS JOIN temp.cur c ON c.rid = p.rid"
            " GROUP BY w.grp, c.pos HAVING k > 0 ORDER BY w.grp, c.pos"):
        if keep is not None and not keep[pos]:
            continue
        taken.add(pos)
        acc += k
        if acc >= target:
            return taken, (g, pos)
    return taken, None


def _beyond_exact(lib: CachedLibrary, q: Query, limit: int, exact: list[int], exact_total: int,
                  keep) -> SearchResult:
    """The result when exact hits cannot fill the limit: the exact reports, plus those holding the
    first lines the fuzzy and pinyin tiers collect, ranked by an index whose tiers follow a plan made
    for the whole library."""
    from . import pinyin as py

    cap = limit if limit else 10**9
    lib.positions_table()
    plan, order = _Plan(), _Order(lib)
    if len(q.words) == 1 and len(q.words[0]) >= 3:
        _plan_fuzzy(lib, q.words[0], plan, order)
    fuzzy_total = sum(plan.totals)
    if py.is_pinyin_query(q.text) and (q.has_filters or exact_total + fuzzy_total < cap):
        _plan_pinyin(lib, q, plan, order)
    entry_filter = bool(q.sections or q.kpis)
    target, memo = cap, order.memo
    while True:
        taken, edge = _walk_tiers(lib, plan, 0 if entry_filter else exact_total, target, keep)
        res = lib.index(sorted(taken.union(exact)), plan, memo).search(q, limit=limit)
        if not entry_filter or edge is None:
            break
        # with `in:`/`kpi:` filters, the hits must come from inside the prefix taken
        if len(res.hits) >= limit and all(_inside(h, plan, edge) for h in res.hits):
            break
        target *= 4
    if not q.has_filters:
        total = exact_total + fuzzy_total
        if total < cap:
            total += sum(plan.totals) - fuzzy_total
        res.total, res.capped = total, False
    return res


def _inside(h: Hit, plan: _Plan, edge: tuple[int, int]) -> bool:
    """Whether a hit's (group, position) is at or before `edge` (the last group of its score, to be safe)."""
    if h.tier == "exact":
        return True
    g = max((i for i, (tier, sc) in enumerate(plan.group_tier) if tier == h.tier and sc == h.score), default=None)
    return g is not None and (g, h.order) <= edge


def search_from_cache(paths: list[str], vocab: Any, query: str, limit: int) -> SearchResult | None:
    """`reports-tui search` answered from the parse cache alone; None when the cache cannot answer (the
    caller then loads the library). Never writes to the cache."""
    if not paths or any(not os.path.exists(p) for p in paths):
        return None  # the normal path reports the usage error
    from ...config import cache_dir

    try:
        lib = open_cached([str(p) for p in paths], searchdoc.vocab_key(vocab), str(cache_dir() / FILE_NAME))
        return search_cached(lib, query, limit)
    except (_Unavailable, sqlite3.Error):
        return None


__all__ = ["search_from_cache", "search_cached", "open_cached", "library_view", "search_view", "CachedLibrary",
           "ReportRef", "Hit"]
