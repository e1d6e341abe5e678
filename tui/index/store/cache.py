"""The persistent parse cache: one SQLite file in the platform cache folder.

A row is one parsed report (or the problem found reading it), keyed by path, zip member and the
vocabulary's fingerprint, and valid while the file's size and mtime are unchanged. Rows hold plain
data only (`codec`: JSON checked field by field on the way back, never pickles), so a cache file
someone else wrote can at worst hold wrong data, which is caught: a damaged row is dropped and its
report parsed again; a file that is not ours, not a database, or found damaged while in use is
replaced. The file records the parser version (a hash of the parser's sources); a different version
empties it. WAL mode and a busy timeout let several instances share it; writes are short transactions,
and a write that cannot get the lock is skipped (the report is still shown, just parsed again next
time). A cache that cannot be opened or written at all means running without it. Nothing is ever
written next to reports.

This module is the store: the file, its rows, its summaries, its checks. Loading a library through it
is `loading`.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import sqlite3
import threading
import weakref
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from ...model.source import Candidate
from ..search.records import source_version
from . import codec, summary
from .loader import Parts
from .searchdb import FILE_NAME

APP_ID = "reports-tui parse cache"
SCHEMA = f"9.{codec.FORMAT}.{summary.FORMAT}"  # 8: records, index parts, projects compressed; no text; 9: tsum
OLD_FILES = ("parse-cache-v1.sqlite3",)  # earlier formats (pickles): removed, never read
BUSY_TIMEOUT_S = 10.0

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
    head TEXT NOT NULL,
    text TEXT,
    projects TEXT,
    hsum INTEGER NOT NULL,
    tsum INTEGER NOT NULL,
    psum INTEGER NOT NULL,
    UNIQUE (path, member, vocab)
);
CREATE TABLE IF NOT EXISTS search_rec (rid INTEGER PRIMARY KEY, rec BLOB NOT NULL, sum INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS search_index (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, stamp TEXT NOT NULL,
    used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS search_parts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, name TEXT NOT NULL,
    data BLOB NOT NULL, UNIQUE (key, name));
CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, data BLOB NOT NULL, sum INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS reports_gone AFTER DELETE ON reports BEGIN \
DELETE FROM search_rec WHERE rid = old.id; END;
"""
# `reports`: `head` the report's head and `projects` its projects as JSON (`codec`) compressed; `text` is
# no longer written (NULL: a report's text is read from its file, which is there to read whenever its
# row answers, and stored again it would double the cache); for a problem, `head` holds the problem; `hsum`, `psum` the CRC-32 of head and projects (a byte
# changed on disk inside a string would otherwise still be valid JSON: a wrong name, shown silently);
# `tsum` the CRC-32 of the file's bytes (`loader.file_sum`; 0: not known): a body read from the file is
# shown only if the file is still the one the head came from.
# `summaries`: per library (vocabulary, author aliases and paths: `summary_key`) the summary a warm start
# reads instead of a row per report (`summary`), with its CRC-32 `sum`.
# Besides each parsed report, its search record (`search_rec`, `search.records`, with its CRC-32 `sum`), and the search index
# of each library last searched (`search_index`, `search_parts`; read and written by `searchdb`, which
# describes them).
_STATEMENTS = [st.strip() + ";" for st in _SCHEMA_SQL.split(";\n") if st.strip()]  # (one statement a line end)

_parser_version: str | None = None


def parser_version() -> str:
    """A hash of the code that turns bytes into a `Report`; any change to it invalidates the cache.

    (The sources themselves, not the package version: reading that costs ~50 ms of imports at start-up,
    and a release that changes no source needs no new cache.)"""
    global _parser_version
    if _parser_version is None:
        _parser_version = hashlib.sha256(f"{SCHEMA}|{source_version()}".encode()).hexdigest()[:16]
    return _parser_version


def cache_path() -> Path:
    """The cache file (in `tui.config.cache_dir()`)."""
    from ... import config

    return config.cache_dir() / FILE_NAME


class CacheUnavailable(Exception):
    """The cache file cannot be opened, created or written (the library is then loaded without it)."""


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{path}{suffix}")
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)  # (a folder where our file belongs: ours to clear)
            else:
                p.unlink()
        except FileNotFoundError:
            pass


class _Outdated(sqlite3.DatabaseError):
    """A cache file an earlier version of reports-tui wrote (another schema): replaced quietly."""


class _Damaged:
    """What a TEXT column holds when its bytes are not UTF-8 (a damaged row); fails every check."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw


def _text_factory(raw: bytes) -> Any:
    # Without this, one damaged text value makes the whole query raise (`Could not decode to UTF-8`).
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _Damaged(raw)


# "database disk image is malformed", "file is not a database" …, and bytes in SQLite's own tables that
# are not UTF-8 (decoded before any row of ours is seen)
_DAMAGE = (sqlite3.DatabaseError, UnicodeDecodeError)


def _is_busy(exc: sqlite3.Error) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


checksum = codec.checksum  # CRC-32 of a stored text value (0 for none, -1 for anything but text)


MARK = ".open-"  # `<cache file>.open-<pid>`: this process has the cache open (gone after a clean exit)


def _not_now(exc: sqlite3.OperationalError) -> bool:
    """Whether a write failed only for now (the file busy, read-only or full, a disk error): skipped."""
    msg = str(exc).lower()
    return _is_busy(exc) or any(w in msg for w in ("readonly", "full", "disk i/o"))


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def stale_markers(path: Path) -> list[Path]:
    """Markers left by processes that had the cache open and ended without closing it (kill -9, a crash,
    power loss): an unclean shutdown."""
    out = []
    try:
        found = list(path.parent.glob(path.name + MARK + "*"))
    except OSError:
        return out
    for m in found:
        pid = m.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_gone(int(pid)):
            out.append(m)
    return out


_open_markers: dict[Path, int] = {}  # markers of this process → how many open caches share each


def _release_marker(marker: Path) -> None:
    n = _open_markers.get(marker, 0) - 1
    if n > 0:
        _open_markers[marker] = n
        return
    _open_markers.pop(marker, None)
    try:
        marker.unlink()
    except OSError:
        pass


_open_caches: "weakref.WeakSet[ParseCache]" = weakref.WeakSet()  # caches this process has open


@atexit.register
def _close_all() -> None:
    """At exit, every cache still open is closed: the last connection to close checkpoints the
    write-ahead log into the file and deletes it (SQLite does so only when connections are closed, and
    a process that ends without closing them leaves the log behind, as large as it grew)."""
    for cache in list(_open_caches):
        try:
            cache.close()
        except Exception:  # noqa: BLE001 - (at exit: nothing is worth an error now)
            pass


@atexit.register
def _release_all_markers() -> None:
    for marker in list(_open_markers):
        _open_markers[marker] = 1
        _release_marker(marker)


def _storable(text: str) -> bool:
    """Whether SQLite can store the string as UTF-8 text (file names that are not UTF-8 cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ParseCache:
    """An open cache file. Connections are per thread, so lazy bodies can be read from any thread.

    Raises `CacheUnavailable` when the file cannot be opened or created (a folder in its place, a
    read-only folder, a full disk); a file that is not ours or is damaged is replaced.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else cache_path()
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self.rebuilt: str | None = None  # why the file was replaced, if it was
        self.checked: str | None = None  # the integrity check's answer, when one ran (after an unclean shutdown)
        self._marker: Path | None = None
        self.damaged_rows = 0  # rows dropped because they did not check out (their reports were parsed again)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for old in OLD_FILES:
                _remove(self.path.parent / old)
        except OSError as exc:
            raise CacheUnavailable(str(exc)) from exc
        try:
            self._check()
        except _DAMAGE as exc:
            if isinstance(exc, sqlite3.OperationalError) and (_is_busy(exc) or not os.access(
                    self.path.parent, os.W_OK) or self.path.is_dir()):
                self.close()
                if self.path.is_dir():  # a folder where the file belongs: run without the cache
                    raise CacheUnavailable(f"{self.path} is a folder") from exc
                raise CacheUnavailable(str(exc)) from exc
            # Garbage bytes, a truncated file, someone else's database: never trusted, rebuilt. (A cache
            # an earlier reports-tui wrote is rebuilt too, without a word: that is an upgrade.)
            if not isinstance(exc, _Outdated):
                self.rebuilt = str(exc) or type(exc).__name__
            self.close()
            try:
                _remove(self.path)
                self._check()
            except (sqlite3.Error, UnicodeDecodeError, OSError) as exc2:
                self.close()
                raise CacheUnavailable(str(exc2)) from exc2
        except OSError as exc:
            self.close()
            raise CacheUnavailable(str(exc)) from exc
        self._after_unclean_shutdown()
        self._mark()
        _open_caches.add(self)

    # -- unclean shutdowns ----------------------------------------------------------------------
    def _after_unclean_shutdown(self) -> None:
        """A process that had this cache open ended without closing it: check the whole file (SQLite's
        quick check, about a second per 100 MB) and rebuild it when the check fails."""
        stale = stale_markers(self.path)
        if not stale:
            return
        try:
            self.checked = self.integrity()
        except _DAMAGE as exc:
            self.checked = str(exc) or type(exc).__name__
        if self.checked != "ok":
            self.rebuilt = f"after an unclean shutdown: {self.checked}"
            self.close()
            try:
                _remove(self.path)
                self._check()
            except (sqlite3.Error, OSError) as exc:
                self.close()
                raise CacheUnavailable(str(exc)) from exc
        for m in stale:
            try:
                m.unlink()
            except OSError:
                pass

    def _mark(self) -> None:
        marker = Path(f"{self.path}{MARK}{os.getpid()}")
        try:
            marker.touch()
        except OSError:
            return  # (a read-only folder: nothing is written there anyway)
        self._marker = marker
        _open_markers[marker] = _open_markers.get(marker, 0) + 1

    def _unmark(self) -> None:
        marker, self._marker = self._marker, None
        if marker is not None:
            _release_marker(marker)

    def __del__(self) -> None:
        try:
            self.close()  # (its connections would otherwise live on, in cycles, with the log)
        except Exception:  # (at interpreter exit)
            pass

    # -- connections -------------------------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            c.text_factory = _text_factory
            c.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._local.conn = c
            with self._conns_lock:
                self._conns.append(c)
        return c

    def close(self) -> None:
        """Close every connection this cache opened (in any thread), the write-ahead log checkpointed
        into the file and truncated first (when no other process is reading it: then the last one to
        close does it)."""
        self._unmark()
        _open_caches.discard(self)
        with self._conns_lock:
            conns, self._conns = self._conns, []
        if conns:
            try:
                conns[0].execute("PRAGMA busy_timeout = 50")
                conns[0].execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except _DAMAGE:  # (a damaged schema can fail to decode: the file is being replaced anyway)
                pass
        for c in conns:
            try:
                c.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    def _check(self) -> None:
        """Create the schema in a new file; reject a foreign one; empty an old-version one."""
        if self.path.is_dir():
            raise sqlite3.OperationalError(f"{self.path} is a folder")
        c = self.conn()
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not {"meta", "reports"} <= tables:
            raise sqlite3.DatabaseError(f"not a {APP_ID} (tables: {', '.join(sorted(map(str, tables)))})")
        if not tables:
            c.execute("PRAGMA auto_vacuum = INCREMENTAL")  # (only before the first table: `searchdb.reclaim`)
        if str(c.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        meta = dict(c.execute("SELECT key, value FROM meta")) if tables else {}
        if tables and meta.get("app") == APP_ID and (meta.get("schema") != SCHEMA
                                                     or meta.get("parser") != parser_version()):
            # Ours, of another layout or parser (an upgrade): started afresh, nothing to tell (a new
            # file: emptying a large one would leave a write-ahead log and a file as large as it was).
            self.close()
            _remove(self.path)
            c = self.conn()
            tables, meta = set(), {}
            c.execute("PRAGMA auto_vacuum = INCREMENTAL")
            if str(c.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
        if tables and (meta.get("app") != APP_ID or meta.get("schema") != SCHEMA):
            raise (_Outdated if meta.get("app") == APP_ID else sqlite3.DatabaseError)(
                f"not a {APP_ID} schema {SCHEMA}")
        if meta.get("parser") == parser_version():
            return
        with self._writing() as c:
            for stmt in _STATEMENTS:
                c.execute(stmt)
            current = dict(c.execute("SELECT key, value FROM meta"))
            if current.get("parser") != parser_version():
                for table in ("reports", "search_rec", "search_index", "search_parts", "summaries"):
                    c.execute(f"DELETE FROM {table}")
                c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                              [("app", APP_ID), ("schema", SCHEMA), ("parser", parser_version()),
                               ("sources", source_version())])

    # -- rows --------------------------------------------------------------------------------
    def heads(self, vkey: str, roots: Iterable[str] | None = None
              ) -> dict[tuple[str, str], tuple[int, int, int, str, Any]]:
        """(path, member) → (id, size, mtime_ns, kind, head JSON) for the rows of this vocabulary — all of
        them, or only those of files at or under `roots` (a range of the (path, …) index per root).
        Rows whose identity columns are damaged are left out (their files are parsed again); a head that
        does not match its checksum is given as None (`DamagedRow` when decoded)."""
        c = self.conn()
        cols = "SELECT path, member, id, size, mtime_ns, kind, head, hsum FROM reports"
        queries: list[tuple[str, tuple]] = []
        if roots is None:
            queries.append((f"{cols} WHERE vocab = ?", (vkey,)))
        else:
            for r in dict.fromkeys(roots):
                if not _storable(r):
                    continue
                prefix = r.rstrip(os.sep) + os.sep
                # Paths under the root sort between "root/" and "root/" with its last character raised by one.
                upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
                queries.append((f"{cols} WHERE path = ? AND vocab = ?", (r, vkey)))
                queries.append((f"{cols} WHERE path >= ? AND path < ? AND vocab = ?", (prefix, upper, vkey)))
        out: dict[tuple[str, str], tuple[int, int, int, str, Any]] = {}
        for sql, args in queries:
            for p, m, i, s, t, k, h, hs in c.execute(sql, args):
                if type(p) is str and type(m) is str and type(i) is int and type(s) is int and type(t) is int:
                    out[(p, m)] = (i, s, t, k, h if checksum(h) == hs else None)
                else:
                    self.damaged_rows += 1
        return out

    def heads_of(self, vkey: str, keys: Iterable[tuple[str, str]]
                 ) -> dict[tuple[str, str], tuple[int, int, int, str, Any]]:
        """As `heads`, for the rows of these (path, member) only (a few files changed since the summary)."""
        c = self.conn()
        out: dict[tuple[str, str], tuple[int, int, int, str, Any]] = {}
        sql = "SELECT id, size, mtime_ns, kind, head, hsum FROM reports WHERE path = ? AND member = ? AND vocab = ?"
        for p, m in keys:
            if not (_storable(p) and _storable(m)):
                continue
            row = c.execute(sql, (p, m, vkey)).fetchone()
            if row is None:
                continue
            i, s, t, k, h, hs = row
            if type(i) is int and type(s) is int and type(t) is int:
                out[(p, m)] = (i, s, t, k, h if checksum(h) == hs else None)
            else:
                self.damaged_rows += 1
        return out

    def summary(self, key: str) -> summary.Summary | None:
        """The library summary stored under `key`, checked; None when there is none or it does not check out
        (a damaged one is deleted: the library is then loaded row by row and its summary written anew)."""
        if not _storable(key):
            return None
        row = self.conn().execute("SELECT data, sum FROM summaries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return summary.decode(row[0], row[1])
        except codec.DamagedRow:
            self.damaged_rows += 1
            self.put_summary(key, None)
            return None

    def put_summary(self, key: str, data: bytes | None) -> None:
        """Store a library's summary (None: delete it); skipped when the file is busy or cannot be written."""
        if not _storable(key):
            return
        try:
            with self._writing() as c:
                c.execute("DELETE FROM summaries WHERE key = ?", (key,))
                if data is not None:
                    c.execute("INSERT INTO summaries VALUES (?, ?, ?)", (key, data, summary.checksum(data)))
        except sqlite3.OperationalError as exc:
            if not _not_now(exc):
                raise  # (not written now: the next load reads row by row and tries again)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back when it raises."""
        c = self.conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
            c.execute("COMMIT")
        except BaseException:
            try:
                c.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    def store(self, vkey: str, cands: list[Candidate], parts: list[Parts]) -> list[int | None]:
        """Write parsed reports in one transaction; return each row id (None where a row was not written:
        for every row when the file is busy; for a report whose file name or text cannot be stored).
        Damage found while writing raises `_DAMAGE`."""
        try:
            with self._writing() as c:
                try:
                    c.execute("SAVEPOINT many")
                    ids = self._store_many(c, vkey, cands, parts)
                    c.execute("RELEASE many")
                except (UnicodeEncodeError, sqlite3.InterfaceError, OverflowError):
                    # A value the checks before writing let through: row by row, skipping what fails.
                    c.execute("ROLLBACK TO many")
                    c.execute("RELEASE many")
                    ids = self._store_one_by_one(c, vkey, cands, parts)
        except sqlite3.OperationalError as exc:
            if _not_now(exc):
                return [None] * len(cands)  # not written now; parsed again next time
            raise
        return ids

    @staticmethod
    def _store_many(c: sqlite3.Connection, vkey: str, cands: list[Candidate], parts: list[Parts]
                    ) -> list[int | None]:
        """The rows of a batch written with a few statements (inside the writer's transaction): the row ids
        are given, not asked for one by one (the transaction holds the write lock, so nobody else takes
        them), and the checksums come with the parts."""
        ids: list[int | None] = []
        rows: list[tuple] = []
        recs: list[tuple] = []
        gone: list[tuple] = []
        (next_id,) = c.execute("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reports'), 0),"
                               " coalesce((SELECT max(id) FROM reports), 0))").fetchone()
        for cand, p in zip(cands, parts):
            member = cand.member or ""
            sums = p.get("sums") or _sums_of(p)
            if sums is None or not (_storable(cand.path) and _storable(member)):
                ids.append(None)  # a file name or text that is not UTF-8: parsed each time, never stored
                continue
            next_id += 1
            ids.append(next_id)
            packed = p.get("packed_projects")  # (compressed where it was parsed)
            if packed is None:
                projects = _packed_projects(p.get("projects"))
                packed = (projects, codec.storable_sum(projects))
            rec = p.get("search")
            gone.append((cand.path, member, vkey))
            rows.append((next_id, cand.path, member, vkey, cand.size, cand.mtime_ns, p["kind"], p["head"], None,
                         packed[0], sums[0], p.get("fsum", 0), packed[1]))
            if rec is not None:
                recs.append((next_id, rec, sums[3]))
        # (a delete, not INSERT OR REPLACE, so the trigger drops the old row's search record)
        c.executemany("DELETE FROM reports WHERE path = ? AND member = ? AND vocab = ?", gone)
        c.executemany("INSERT INTO reports (id, path, member, vocab, size, mtime_ns, kind, head, text, projects,"
                      " hsum, tsum, psum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        c.executemany("INSERT INTO search_rec VALUES (?, ?, ?)", recs)
        return ids

    @staticmethod
    def _store_one_by_one(c: sqlite3.Connection, vkey: str, cands: list[Candidate], parts: list[Parts]
                          ) -> list[int | None]:
        """The rows of a batch written one at a time, each in a savepoint: a row that cannot be written is
        left out (its report is kept in memory and parsed again next time)."""
        ids: list[int | None] = []
        recs: list[tuple] = []
        for cand, p in zip(cands, parts):
            member = cand.member or ""
            if not (_storable(cand.path) and _storable(member)):
                ids.append(None)
                continue
            c.execute("DELETE FROM reports WHERE path = ? AND member = ? AND vocab = ?", (cand.path, member, vkey))
            c.execute("SAVEPOINT one")
            try:
                packed = p.get("packed_projects")
                projects = packed[0] if packed is not None else _packed_projects(p.get("projects"))
                cur = c.execute(
                    "INSERT INTO reports (path, member, vocab, size, mtime_ns, kind, head, text, projects,"
                    " hsum, tsum, psum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (cand.path, member, vkey, cand.size, cand.mtime_ns, p["kind"], p["head"], None, projects,
                     checksum(p["head"]), p.get("fsum", 0), codec.storable_sum(projects)))
                c.execute("RELEASE one")
            except (UnicodeEncodeError, sqlite3.InterfaceError, OverflowError):
                c.execute("ROLLBACK TO one")
                c.execute("RELEASE one")
                ids.append(None)
                continue
            rid = cur.lastrowid
            ids.append(rid)
            rsum = codec.storable_sum(p.get("search"))
            if p.get("search") is not None and rsum is not None:
                recs.append((rid, p["search"], rsum))
        c.executemany("INSERT INTO search_rec VALUES (?, ?, ?)", recs)
        return ids

    def drop(self, ids: Iterable[int]) -> None:
        """Delete rows (reports whose files are gone, rows found damaged)."""
        ids = list(ids)
        if not ids:
            return
        try:
            with self._writing() as c:
                c.executemany("DELETE FROM reports WHERE id = ?", [(i,) for i in ids])
        except sqlite3.Error:
            pass  # (dropped another time)

    def forget(self, rid: int) -> None:
        """A report's file was found changed though its size and mtime were not: its row is deleted, and
        the library summaries (which list files by size and mtime) with it, so the next load parses it."""
        try:
            with self._writing() as c:
                c.execute("DELETE FROM reports WHERE id = ?", (rid,))
                c.execute("DELETE FROM summaries")
        except sqlite3.Error:
            pass  # (busy or damaged: the body is still never shown; the file is caught again next time)

    def body(self, key: tuple[int, str, str, int, int], field: str) -> Any:
        """The text or the projects of a stored report, or None when the row is gone, was replaced or is
        damaged (the caller then reads the report's source); "fsum": the CRC-32 of the bytes of the file
        the row was made from (`loader.file_sum`; None: not known)."""
        rid, path, member, size, mtime_ns = key
        if field == "fsum":
            try:
                row = self.conn().execute(
                    "SELECT tsum FROM reports WHERE id = ? AND path = ? AND member = ? AND size = ?"
                    " AND mtime_ns = ?", (rid, path, member, size, mtime_ns)).fetchone()
            except sqlite3.Error:
                return None
            return row[0] if row is not None and type(row[0]) is int and row[0] != 0 else None
        if field not in ("text", "projects"):
            raise KeyError(field)
        col = {"text": "tsum", "projects": "psum"}[field]
        try:
            row = self.conn().execute(
                f"SELECT {field}, {col} FROM reports WHERE id = ? AND path = ? AND member = ? AND size = ?"
                " AND mtime_ns = ?", (rid, path, member, size, mtime_ns)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] is None:
            return None
        try:
            value = row[0]
            if field == "projects" and type(value) is bytes:  # (compressed: `_packed_projects`)
                if zlib.crc32(value) != row[1]:
                    raise codec.DamagedRow("projects: checksum")
                try:
                    return codec.decode_projects(codec.unpack_projects(value))
                except (zlib.error, UnicodeDecodeError):
                    raise codec.DamagedRow("projects: not what reports-tui writes") from None
            if checksum(value) != row[1]:
                raise codec.DamagedRow(f"{field}: checksum")
            if field == "text":
                if type(value) is not str:
                    raise codec.DamagedRow("text")
                return value
            return codec.decode_projects(value)
        except codec.DamagedRow:
            self.damaged_rows += 1
            return None

    def info(self) -> dict[str, Any]:
        """What `reports-tui cache info` prints."""
        c = self.conn()
        n, problems = c.execute("SELECT count(*), coalesce(sum(kind = 'problem'), 0) FROM reports").fetchone()
        sources = c.execute("SELECT count(DISTINCT path) FROM reports").fetchone()[0]
        vocabs = c.execute("SELECT count(DISTINCT vocab) FROM reports").fetchone()[0]
        size = sum(os.path.getsize(f"{self.path}{s}") for s in ("", "-wal") if os.path.isfile(f"{self.path}{s}"))
        from ..search.postings import folder_size

        postings = folder_size(self.path.parent / "search")
        return {"path": str(self.path), "bytes": size + postings, "reports": n - problems, "problems": problems,
                "files": sources, "vocabularies": vocabs, "parser": parser_version(),
                "split": {**self._split(c), "posting lists": postings}}

    @staticmethod
    def _split(c: sqlite3.Connection) -> dict[str, int]:
        """Bytes of the file by what they hold: report rows (head, text, projects), search records, library
        summaries, saved search indexes, and free pages (SQLite's `dbstat`; where it is missing, the
        stored values' lengths)."""
        groups = {"reports": "rows", "sqlite_autoindex_reports_1": "rows", "search_rec": "search records",
                  "summaries": "summaries", "sqlite_autoindex_summaries_1": "summaries",
                  "search_index": "saved search index", "search_parts": "saved search index",
                  "sqlite_autoindex_search_index_1": "saved search index",
                  "sqlite_autoindex_search_parts_1": "saved search index"}
        out = dict.fromkeys(("rows", "search records", "summaries", "saved search index", "other"), 0)
        try:
            for name, size in c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                out[groups.get(name, "other")] += int(size or 0)
            page = c.execute("PRAGMA page_size").fetchone()[0]
            out["free"] = int(c.execute("PRAGMA freelist_count").fetchone()[0]) * int(page)
        except sqlite3.Error:  # (no dbstat in this SQLite)
            for table, cols, what in (("reports", "length(head) + coalesce(length(text), 0) + coalesce(length("
                                       "projects), 0)", "rows"), ("search_rec", "length(rec)", "search records"),
                                      ("summaries", "length(data)", "summaries"),
                                      ("search_parts", "length(data)", "saved search index")):
                out[what] = int(c.execute(f"SELECT coalesce(sum({cols}), 0) FROM {table}").fetchone()[0])
        return out

    def integrity(self) -> str:
        """SQLite's quick check of the whole file: "ok", or what is wrong."""
        rows = self.conn().execute("PRAGMA quick_check").fetchall()
        return "; ".join(str(r[0]) for r in rows[:5])


def _packed_projects(projects: str | None) -> bytes | None:
    """A report's projects as stored: their JSON compressed (it repeats the lines of each project)."""
    return None if projects is None else codec.pack_projects(projects)


def _sums_of(p: Parts) -> tuple[int, ...] | None:
    """The checksums of parts made without them."""
    values = (p["head"], p.get("text"), p.get("projects"), p.get("search"))
    out = tuple(codec.storable_sum(v) for v in values)
    return None if None in out else out


def clear_cache(path: Path | None = None) -> bool:
    """Delete the cache file (and files of earlier formats); True when there was one."""
    p = Path(path) if path else cache_path()
    existed = os.path.lexists(p)
    _remove(p)
    for old in OLD_FILES:
        _remove(p.parent / old)
    shutil.rmtree(p.parent / "search", ignore_errors=True)  # (the posting indexes of saved search indexes)
    for marker in stale_markers(p):
        marker.unlink(missing_ok=True)
    return existed
