"""The persistent parse cache: one SQLite file in the platform cache folder.

A row is one parsed report (or the problem found reading it), keyed by path, zip member and the
vocabulary's fingerprint, and valid while the file's size and mtime are unchanged. The file records
the parser version (a hash of the parser's sources); a different version empties it, a file that is
not ours or not a database at all is replaced, never trusted. WAL mode and a busy timeout let two
instances share it; writes are short transactions, and a write that cannot get the lock is skipped
(the report is still shown, just parsed again next time). Nothing is ever written next to reports.

Large libraries (`LAZY_MIN` reports or more) keep only each report's head in memory and read
bodies from here on demand (`loader.LazyReport`).
"""

from __future__ import annotations

import argparse
import hashlib
import operator
import os
import pickle
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..model.report import Finding, Report
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from . import loader
from .searchdoc import source_version, vocab_key
from .library import Library, ProgressFn, bundled_seeds
from .loader import BODY_FIELDS, BodyStore, Candidate, LazyReport, Parts

APP_ID = "reports-tui parse cache"
SCHEMA = "3"
FILE_NAME = "parse-cache-v1.sqlite3"
LAZY_MIN = 500          # libraries with at least this many reports read report bodies on demand
BUSY_TIMEOUT_S = 10.0
STORE_BATCH = 512       # parsed reports written per transaction (at most ~0.3 s holding the write lock)

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    member TEXT NOT NULL,
    vocab TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,
    head BLOB NOT NULL,
    text TEXT,
    root BLOB,
    projects BLOB,
    incidents BLOB,
    plans BLOB,
    UNIQUE (path, member, vocab)
);
CREATE TABLE IF NOT EXISTS search_docs (
    rid INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    member TEXT NOT NULL,
    vocab TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,
    week TEXT,
    created TEXT,
    label TEXT
);
CREATE TABLE IF NOT EXISTS search_rec (rid INTEGER PRIMARY KEY, rec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lines (lid INTEGER PRIMARY KEY, text BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings (lid INTEGER NOT NULL, rid INTEGER NOT NULL, n INTEGER NOT NULL,
    h INTEGER NOT NULL, PRIMARY KEY (lid, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS head_postings (lid INTEGER NOT NULL, rid INTEGER NOT NULL,
    PRIMARY KEY (lid, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (nid INTEGER PRIMARY KEY, name TEXT NOT NULL, kinds INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS name_postings (nid INTEGER NOT NULL, rid INTEGER NOT NULL, kinds INTEGER NOT NULL,
    PRIMARY KEY (nid, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_readings (nid INTEGER PRIMARY KEY, stamp TEXT NOT NULL, readings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_libs (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, rids BLOB NOT NULL,
    refs BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS reports_gone AFTER DELETE ON reports BEGIN \
DELETE FROM search_docs WHERE rid = old.id; DELETE FROM search_rec WHERE rid = old.id; DELETE FROM search_libs; END;
"""
# Besides each parsed report, what search needs of it (`searchdoc.search_parts`), for the
# `reports-tui search` fast path (`fastsearch`): `search_docs` is small per row (identity, size/mtime,
# week order) to check freshness and order without touching report bodies; `search_rec` holds the
# record the search index is built from; `lines` every distinct normalised line once (id: a hash of
# it), `postings` which report carries which line how often (and how often as a heading),
# `head_postings` which report has a heading found by which text; `names` the project, KPI and
# section names the fuzzy and pinyin tiers look up (`searchdoc.record_names`; kinds: the union over
# every report stored) and `name_postings` which report has which name, of which kinds;
# `name_readings` a name's pinyin readings as JSON, written by the first pinyin query that needs them
# (stamp: which pypinyin computed them);
# `search_libs` the reports (ids and week order) of a set of paths as last checked, with a
# fingerprint of their files' sizes and mtimes. Report ids are never reused (AUTOINCREMENT), so
# postings of replaced reports are merely unused until the cache is rebuilt: queries keep only the
# ids of current rows.
_STATEMENTS = [st.strip() + ";" for st in _SCHEMA_SQL.split(";\n") if st.strip()]  # (one statement a line end)

_parser_version: str | None = None
_first = operator.itemgetter(0)


def parser_version() -> str:
    """A hash of the code that turns bytes into a `Report`; any change to it invalidates the cache."""
    global _parser_version
    if _parser_version is None:
        _parser_version = hashlib.sha256(f"{__version__}|{SCHEMA}|{source_version()}".encode()).hexdigest()[:16]
    return _parser_version


def cache_path() -> Path:
    """The cache file (in `tui.config.cache_dir()`)."""
    from .. import config

    return config.cache_dir() / FILE_NAME


class CacheUnavailable(Exception):
    """The cache file cannot be opened or created (the library is then loaded without it)."""


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


class ParseCache:
    """An open cache file. Connections are per thread, so lazy bodies can be read from any thread."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else cache_path()
        self._local = threading.local()
        self.rebuilt: str | None = None  # why the file was replaced, if it was
        self._seen_lines: set[int] = set()        # line ids written by `store` (and committed)
        self._seen_names: dict[int, int] = {}     # name id → kinds written by `store`
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheUnavailable(str(exc)) from exc
        try:
            self._check()
        except sqlite3.DatabaseError as exc:
            # Garbage bytes, a truncated file, someone else's database: never trusted, rebuilt.
            self.rebuilt = str(exc) or type(exc).__name__
            self._close_local()
            _remove(self.path)
            try:
                self._check()
            except sqlite3.DatabaseError as exc2:
                raise CacheUnavailable(str(exc2)) from exc2

    # -- connections -------------------------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            c.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._local.conn = c
        return c

    def _close_local(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None

    def close(self) -> None:
        """Close this thread's connection."""
        self._close_local()

    def _check(self) -> None:
        """Create the schema in a new file; reject a foreign one; empty an old-version one."""
        c = self.conn()
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not {"meta", "reports"} <= tables:
            raise sqlite3.DatabaseError(f"not a {APP_ID} (tables: {', '.join(sorted(tables))})")
        if c.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        meta = dict(c.execute("SELECT key, value FROM meta")) if tables else {}
        if tables and (meta.get("app") != APP_ID or meta.get("schema") != SCHEMA):
            raise sqlite3.DatabaseError(f"not a {APP_ID} schema {SCHEMA}")
        if meta.get("parser") == parser_version():
            return
        c.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _STATEMENTS:
                c.execute(stmt)
            current = dict(c.execute("SELECT key, value FROM meta"))
            if current.get("parser") != parser_version():
                for table in ("reports", "search_docs", "search_rec", "lines", "postings", "head_postings", "names",
                              "name_postings", "name_readings", "search_libs"):
                    c.execute(f"DELETE FROM {table}")
                c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                              [("app", APP_ID), ("schema", SCHEMA), ("parser", parser_version()),
                               ("sources", source_version())])
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # -- rows --------------------------------------------------------------------------------
    def heads(self, vkey: str, roots: Iterable[str] | None = None
              ) -> dict[tuple[str, str], tuple[int, int, int, str, bytes]]:
        """(path, member) → (id, size, mtime_ns, kind, head) for the rows of this vocabulary — all of
        them, or only those of files at or under `roots` (a range of the (path, …) index per root)."""
        c = self.conn()
        cols = "SELECT path, member, id, size, mtime_ns, kind, head FROM reports"
        if roots is None:
            rows: Iterable[tuple] = c.execute(f"{cols} WHERE vocab = ?", (vkey,))
            return {(p, m): (i, s, t, k, h) for p, m, i, s, t, k, h in rows}
        out: dict[tuple[str, str], tuple[int, int, int, str, bytes]] = {}
        for r in dict.fromkeys(roots):
            prefix = r.rstrip(os.sep) + os.sep
            # Paths under the root sort between "root/" and "root/" with its last character raised by one.
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            for sql, args in ((f"{cols} WHERE path = ? AND vocab = ?", (r, vkey)),
                              (f"{cols} WHERE path >= ? AND path < ? AND vocab = ?", (prefix, upper, vkey))):
                for p, m, i, s, t, k, h in c.execute(sql, args):
                    out[(p, m)] = (i, s, t, k, h)
        return out

    def store(self, vkey: str, cands: list[Candidate], parts: list[Parts]) -> list[int | None]:
        """Write parsed reports in one transaction; return each row id (None for all when the file is busy).

        Rows of a table are written with one `executemany` each, sorted by key, so a large batch touches
        each page of the posting tables about once. Lines and names this connection has already
        written (and committed) are not written again.
        """
        c = self.conn()
        ids: list[int | None] = []
        seen_lines = self._seen_lines
        seen_names = self._seen_names
        new_lines: dict[int, bytes] = {}
        new_names: dict[int, tuple[int, str, int]] = {}
        docs: list[tuple] = []
        recs: list[tuple] = []
        postings: list[tuple] = []
        head_postings: list[tuple] = []
        name_postings: list[tuple] = []
        try:
            c.execute("BEGIN IMMEDIATE")
            try:
                for cand, p in zip(cands, parts):
                    member = cand.member or ""
                    # (a delete, not INSERT OR REPLACE, so the trigger drops the old row's search data)
                    c.execute("DELETE FROM reports WHERE path = ? AND member = ? AND vocab = ?",
                              (cand.path, member, vkey))
                    cur = c.execute(
                        "INSERT INTO reports (path, member, vocab, size, mtime_ns, kind, head, text, root,"
                        " projects, incidents, plans) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        (cand.path, member, vkey, cand.size, cand.mtime_ns, p["kind"], p["head"],
                         p.get("text"), p.get("root"), p.get("projects"), p.get("incidents"), p.get("plans")))
                    rid = cur.lastrowid
                    ids.append(rid)
                    sp = p.get("search")
                    if p["kind"] == "problem" or sp is not None:
                        rec, lines, heads, week, created, label, names = sp or (None, (), (), None, None, None, ())
                        docs.append((rid, cand.path, member, vkey, cand.size, cand.mtime_ns, p["kind"], week,
                                     created, label))
                        if sp is not None:
                            recs.append((rid, rec))
                            for lid, text, n, h in lines:
                                if lid not in seen_lines:
                                    new_lines[lid] = text
                                postings.append((lid, rid, n, h))
                            for lid, text in heads:
                                if lid not in seen_lines:
                                    new_lines.setdefault(lid, text)
                                head_postings.append((lid, rid))
                            for nid, name, k in names:
                                known = seen_names.get(nid, 0)
                                if known | k != known:
                                    had = new_names.get(nid)
                                    new_names[nid] = (nid, name, k | (had[2] if had else 0))
                                name_postings.append((nid, rid, k))
                c.executemany("INSERT INTO search_docs VALUES (?,?,?,?,?,?,?,?,?,?)", docs)
                c.executemany("INSERT INTO search_rec VALUES (?, ?)", recs)
                c.executemany("INSERT OR IGNORE INTO lines VALUES (?, ?)", sorted(new_lines.items(), key=_first))
                # (appended in id order, so a stable sort by line id orders them by the whole key)
                postings.sort(key=_first)
                c.executemany("INSERT OR REPLACE INTO postings VALUES (?, ?, ?, ?)", postings)
                head_postings.sort(key=_first)
                c.executemany("INSERT OR REPLACE INTO head_postings VALUES (?, ?)", head_postings)
                c.executemany("INSERT INTO names VALUES (?, ?, ?) ON CONFLICT (nid) DO UPDATE"
                              " SET kinds = kinds | excluded.kinds", sorted(new_names.values(), key=_first))
                name_postings.sort(key=_first)
                c.executemany("INSERT OR REPLACE INTO name_postings VALUES (?, ?, ?)", name_postings)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return [None] * len(cands)
        seen_lines.update(new_lines)
        for nid, _name, k in new_names.values():
            seen_names[nid] = seen_names.get(nid, 0) | k
        return ids

    def forget_written(self) -> None:
        """Forget which lines and names `store` wrote (another instance may have emptied the file since)."""
        self._seen_lines.clear()
        self._seen_names.clear()

    def drop(self, ids: Iterable[int]) -> None:
        """Delete rows (reports whose files are gone)."""
        ids = list(ids)
        if not ids:
            return
        c = self.conn()
        try:
            c.execute("BEGIN IMMEDIATE")
            c.executemany("DELETE FROM reports WHERE id = ?", [(i,) for i in ids])
            c.execute("COMMIT")
        except sqlite3.Error:
            try:
                c.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def body(self, key: tuple[int, str, str, int, int], field: str) -> Any:
        """One body field of a stored report, or None when the row is gone or was replaced."""
        if field not in BODY_FIELDS:
            raise KeyError(field)
        rid, path, member, size, mtime_ns = key
        try:
            row = self.conn().execute(
                f"SELECT {field} FROM reports WHERE id = ? AND path = ? AND member = ? AND size = ? AND mtime_ns = ?",
                (rid, path, member, size, mtime_ns)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] is None:
            return None
        try:
            return row[0] if field == "text" else pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - an unreadable row is re-parsed from the source
            return None

    def info(self) -> dict[str, Any]:
        """What `reports-tui cache info` prints."""
        c = self.conn()
        n, problems = c.execute("SELECT count(*), coalesce(sum(kind = 'problem'), 0) FROM reports").fetchone()
        sources = c.execute("SELECT count(DISTINCT path) FROM reports").fetchone()[0]
        vocabs = c.execute("SELECT count(DISTINCT vocab) FROM reports").fetchone()[0]
        size = sum(os.path.getsize(f"{self.path}{s}") for s in ("", "-wal") if os.path.exists(f"{self.path}{s}"))
        return {"path": str(self.path), "bytes": size, "reports": n - problems, "problems": problems,
                "files": sources, "vocabularies": vocabs, "parser": parser_version()}


def _under(path: str, roots: list[str]) -> bool:
    for r in roots:
        if path == r or path.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def load_library_cached(
    paths: Iterable[str | os.PathLike] | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    progress: ProgressFn | None = None,
    use_cache: bool = True,
    cache: ParseCache | None = None,
    lazy: bool | None = None,
) -> Library:
    """Load a library: unchanged files from the cache, the rest parsed (in parallel) and stored.

    `progress(done, total)` is called from this thread. With `use_cache=False` the cache is neither
    read nor written. `lazy` (default: `LAZY_MIN` reports or more) keeps only report heads in memory.
    """
    plist = [str(p) for p in (paths or [])] or [str(bundled_seeds())]
    lib = Library(paths=plist, vocab=vocab)
    found = list(loader.scan(plist))
    cands = [c for c in found if isinstance(c, Candidate)]
    total = len(cands)
    slot: list[Report | Finding | None] = [None] * len(found)
    index = {id(c): i for i, c in enumerate(found)}
    for i, f in enumerate(found):
        if isinstance(f, Finding):
            slot[i] = f

    if use_cache and cache is None:
        try:
            cache = ParseCache()
        except CacheUnavailable:
            cache = None
    if not use_cache:
        cache = None
    vkey = vocab_key(vocab)
    want_lazy = (total >= LAZY_MIN) if lazy is None else lazy
    store = BodyStore(cache.body, vocab) if cache is not None else None

    heads = {}
    if cache is not None:
        try:
            heads = cache.heads(vkey, [str(Path(p)) for p in plist])
        except sqlite3.Error:
            heads = {}
    misses: list[Candidate] = []
    done = 0
    for c in cands:
        row = heads.pop(c.key, None)
        if row is not None and row[1] == c.size and row[2] == c.mtime_ns:
            rid, _, _, kind, head = row
            slot[index[id(c)]] = _from_row(rid, c, kind, head, want_lazy, cache, store)
            done += 1
        else:
            misses.append(c)
    if cache is not None:
        # Rows for files under these paths that no longer exist: drop them.
        cache.drop(row[0] for (p, _m), row in heads.items() if _under(p, plist))
    if progress:
        progress(done, total)

    # Parsed reports are written a batch of chunks at a time: fewer, larger transactions.
    batch_c: list[Candidate] = []
    batch_p: list[Parts] = []

    def flush() -> None:
        ids = cache.store(vkey, batch_c, batch_p) if cache is not None else [None] * len(batch_c)
        for c, p, rid in zip(batch_c, batch_p, ids):
            if want_lazy and rid is not None and p["kind"] == "report":
                slot[index[id(c)]] = LazyReport.from_head(p["head"], _body_key(rid, c), store)
            else:
                slot[index[id(c)]] = loader.assemble(p)
        batch_c.clear()
        batch_p.clear()

    def on_chunk(chunk: list[Candidate], parts: list[Parts]) -> None:
        nonlocal done
        batch_c.extend(chunk)
        batch_p.extend(parts)
        if len(batch_c) >= STORE_BATCH:
            flush()
        done += len(chunk)
        if progress:
            progress(done, total)

    if cache is not None:
        cache.forget_written()
    loader.parse_many(misses, vocab, on_chunk)
    flush()
    for item in slot:
        if isinstance(item, Finding):
            lib.problems.append(item)
        elif item is not None:
            lib.reports.append(item)
    lib.sort()
    return lib


def _body_key(rid: int, c: Candidate) -> tuple[int, str, str, int, int]:
    return (rid, c.path, c.member or "", c.size, c.mtime_ns)


def _from_row(rid: int, c: Candidate, kind: str, head: bytes, lazy: bool, cache: ParseCache,
              store: BodyStore) -> Report | Finding:
    if kind == "problem":
        return pickle.loads(head)
    if lazy:
        return LazyReport.from_head(head, _body_key(rid, c), store)
    key = _body_key(rid, c)
    parts: Parts = {"kind": kind, "head": head}
    conn = cache.conn()
    row = conn.execute("SELECT text, root, projects, incidents, plans FROM reports WHERE id = ?", (rid,)).fetchone()
    if row is None or any(v is None for v in row):
        return LazyReport.from_head(head, key, store)
    parts.update(zip(BODY_FIELDS, row))
    return loader.assemble(parts)


def clear_cache(path: Path | None = None) -> bool:
    """Delete the cache file; True when there was one."""
    p = Path(path) if path else cache_path()
    existed = p.exists()
    _remove(p)
    return existed


def run_cache_cli(args: argparse.Namespace) -> int:
    """`reports-tui cache clear|info`."""
    p = cache_path()
    if args.action == "clear":
        if clear_cache(p):
            print(f"removed {p}")
        else:
            print(f"no cache at {p}")
        return 0
    if not p.exists():
        print(f"no cache at {p}")
        return 0
    try:
        info = ParseCache(p).info()
    except (CacheUnavailable, sqlite3.Error) as exc:
        print(f"reports-tui: cannot read the cache {p}: {exc}", file=sys.stderr)
        return 1
    print(f"cache       {info['path']}")
    print(f"size        {info['bytes'] / 1e6:.1f} MB")
    print(f"reports     {info['reports']} from {info['files']} files ({info['problems']} unreadable)")
    print(f"vocabulary  {info['vocabularies']} variant(s)")
    print(f"parser      {info['parser']}")
    return 0
