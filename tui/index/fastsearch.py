"""`reports-tui search` from the parse cache alone, without loading the library.

The answer is the one the in-memory `SearchIndex` of the whole library gives (same hits, order,
scores, spans and total), found by touching only the reports that can rank:

1. Freshness: the folders are scanned (stat only, `loader.scan`) and every report file must have a
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
   that run doubles until the limit is met by hits inside it. When exact hits cannot fill the limit
   and the fuzzy or pinyin tier would run, those tiers need the whole library: the index is then built
   from every report's record (still without parsing or loading report bodies).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from array import array
from typing import Any

from ..model.report import SourceRef
from . import searchdoc
from .search import Hit, Query, SearchIndex, SearchResult, parse_query, week_keep

REPORT_SUFFIXES = (".md", ".markdown", ".txt")  # as `model.source` (not imported: ~10 ms; a test checks)
APP_ID = "reports-tui parse cache"  # as in cache.py (not imported: it pulls in the parser)
SCHEMA = "2"
FILE_NAME = "parse-cache-v1.sqlite3"


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

    def records(self, positions: list[int]) -> list[Any]:
        """The search records of the reports at these positions (ascending)."""
        rids = [self.rids[i] for i in positions]
        got: dict[int, bytes] = {}
        for k in range(0, len(rids), 500):
            part = rids[k:k + 500]
            got.update(self.conn.execute(
                f"SELECT rid, rec FROM search_rec WHERE rid IN ({','.join('?' * len(part))})", part))
        if len(got) != len(rids):
            raise _Unavailable("a search record is missing")
        return [pickle.loads(got[r]) for r in rids]

    def index(self, positions: list[int]) -> SearchIndex:
        """A search index of the reports at these positions (ascending), hits carrying library order."""
        idx = SearchIndex([self.report(i) for i in positions], records=self.records(positions))
        for doc, p in zip(idx.docs, positions):
            doc.order = p
        return idx


def _walk(top: str, out: dict[tuple[str, str], tuple[int, int]], zips: list[str]) -> None:
    # The files `loader.scan` finds under a folder (`model.source._is_report_name`, inlined: this
    # runs once per file), in scan order.
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        name = e.name
        if is_dir:
            if not name.startswith("."):
                _walk(e.path, out, zips)
        elif name.lower().endswith(".zip"):
            zips.append(e.path)
        elif name.lower().endswith(REPORT_SUFFIXES) and not name.startswith("."):
            try:
                st = e.stat()
            except OSError:
                continue  # unreadable: a problem for the normal path, no report
            out[(e.path, "")] = (st.st_size, st.st_mtime_ns)


def scan_files(paths: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(path, zip member or "") → (size, mtime_ns) of every report file `loader.scan` finds."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    zips: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            _walk(p, out, zips)
        elif p.lower().endswith(".zip"):
            zips.append(p)
        else:
            try:
                st = os.stat(p)
            except OSError:
                continue
            key = (p, "")
            if key in out:
                raise _Unavailable("a file given twice")
            out[key] = (st.st_size, st.st_mtime_ns)
    if zips:
        from .loader import Candidate, scan

        for c in scan(zips):
            if isinstance(c, Candidate):
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
        return CachedLibrary(conn, array("q", snap[1]).tolist(), pickle.loads(snap[2]))
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
                     (lkey, fp, array("q", rids).tobytes(), pickle.dumps(refs, pickle.HIGHEST_PROTOCOL)))
        conn.execute("COMMIT")
    except sqlite3.Error:  # busy: another instance is writing; next time, then
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
    return CachedLibrary(conn, rids, refs)


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
        full = bool(limit) and len(res.hits) >= limit
        top = sum(1 for h in res.hits if h.tier == "exact" and h.score >= 100)
        if full and top >= limit:
            break
        if heads_done:
            last = run[-1] if run else -1
            if complete:
                if not full and q.words and _could_go_past_exact(q):
                    # fuzzy and pinyin tiers look at the whole library
                    return lib.index(list(range(n))).search(q, limit=limit)
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


def try_search(args: Any) -> int | None:
    """Run `reports-tui search` from the cache; None when the cache cannot answer (the caller then
    loads the library). Never writes to the cache."""
    if getattr(args, "no_cache", False) or not args.paths:
        return None
    if any(not os.path.exists(p) for p in args.paths):
        return None  # the normal path reports the usage error
    from ..config import cache_dir, load_config

    cfg = load_config(args.config)
    if cfg.error:
        return None
    from .search import cli_limit, print_result

    try:
        lib = open_cached([str(p) for p in args.paths], searchdoc.vocab_key(cfg.vocabulary()),
                          str(cache_dir() / FILE_NAME))
        result = search_cached(lib, args.query, cli_limit(args))
    except (_Unavailable, sqlite3.Error):
        return None
    return print_result(args, result)


__all__ = ["try_search", "search_cached", "open_cached", "CachedLibrary", "ReportRef", "Hit"]
