"""Finding report files cheaply (stat only) and parsing many of them, in worker processes when it pays.

A parsed report travels and is stored as *parts* of plain data (`codec`): a small "head" (title, week,
dates, KPIs, warnings …), its text and its projects, so that a library can keep only the heads in
memory and get a body when it is used (see `LazyReport`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import zipfile
import zlib
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ...model.load import load_bytes
from ...model.parse import parse_report
from ...model.report import Finding, Report
from ...model.files import unreadable_message
from ...model.source import Cancelled, Candidate, read_candidate, scan
from ...model.vocab import Vocabulary
from ..search.records import search_parts
from .searchdb import pack_record
from . import codec

if TYPE_CHECKING:  # worker processes are imported only when a load needs them
    from concurrent.futures import Future, ProcessPoolExecutor

ProgressFn = Callable[[int, int | None], None]

PARALLEL_MIN = 256   # fewer files than this are parsed in-process (starting workers costs ~0.2 s)
CHUNK = 64           # files per worker task


class LoadMeter:
    """Progress of a load that tells the truth: files done of all found, and while files are parsed the
    parse rate (MB/s of report files) and the time left at that rate. Used as a `ProgressFn`: the load
    calls it with (done, total) and tells it the bytes it parses (`parsing`, `parsed`); `show(meter)` is
    called on every update."""

    MIN_RATE_S = 0.5  # no rate (and no time left) before parsing has run this long

    def __init__(self, show: Callable[[LoadMeter], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.show = show
        self.clock = clock or time.monotonic
        self.done = 0
        self.total: int | None = None
        self.bytes_total = 0  # bytes of the files to parse (not read from the cache)
        self.bytes_done = 0
        self._since: float | None = None

    def __call__(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        if self.show is not None:
            self.show(self)

    def parsing(self, nbytes: int) -> None:
        """Files of `nbytes` bytes in all are about to be parsed (the rest came from the cache)."""
        self.bytes_total, self.bytes_done, self._since = nbytes, 0, self.clock()

    def parsed(self, nbytes: int) -> None:
        """Files of `nbytes` bytes more were parsed."""
        self.bytes_done += nbytes

    def rate(self) -> float | None:
        """Bytes parsed per second so far (None until there is a fair measure)."""
        if self._since is None or not self.bytes_done:
            return None
        elapsed = self.clock() - self._since
        return self.bytes_done / elapsed if elapsed >= self.MIN_RATE_S else None

    def left(self) -> float | None:
        """Seconds left at the rate so far (None: not known yet)."""
        rate = self.rate()
        return None if not rate else max(0.0, (self.bytes_total - self.bytes_done) / rate)

    def text(self) -> str:
        """`1,234 of 10,000 files · 4.2 MB/s · 12 s left` (the parts known so far)."""
        parts = [f"{self.done:,} of {self.total:,} files" if self.total is not None else f"{self.done:,} files"]
        rate, left = self.rate(), self.left()
        if rate is not None and (self.total is None or self.done < self.total):
            parts.append(f"{rate / 1e6:.1f} MB/s")
            if left is not None:
                parts.append(f"{_duration(left)} left")
        return " · ".join(parts)


def _duration(seconds: float) -> str:
    s = int(seconds + 0.999)  # (rounded up: "0 s left" while work remains would be untrue)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


# ---------------------------------------------------------------------------------------------
# Parsing into parts (runs in worker processes too: parts are plain strings and tuples)

Parts = dict[str, Any]
"""What a parse gives the cache: "kind" ("report" | "problem"), "head" (JSON text, `codec`), and for a
report "text", "projects" (JSON text), "search" (`search.records.search_parts`, compressed: bytes),
"packed_projects" (with "search": the projects as stored, `codec.pack_projects`, and their CRC-32; from
a worker process then without "text" and "projects") and,
read from a file, "fsum" (`file_sum` of its bytes) and "nbytes" (how many); in-process parses also
keep the parsed "report" itself (never sent between processes)."""


def parse_candidate(c: Candidate, vocab: Vocabulary, zips: dict[str, zipfile.ZipFile] | None = None,
                    keep: bool = True, search: bool = True, keep_long: bool = True,
                    dated: Report | None = None) -> Parts:
    """Read and parse one candidate into parts, never an exception; `keep`: keep the parsed report too
    (with `keep_long` false, only when its text is short enough to store); `search`: with its search
    record (only the parse cache stores one); `dated`: as for `parse_report`."""
    ref = c.ref
    try:
        held = [read_candidate(c, zips)]
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a problem, not a crash
        return problem_parts(Finding("problem", unreadable_message(exc), source=ref))
    fsum, nbytes = file_sum(held[0]), len(held[0])  # (what its row keeps to know the file again)
    # (the bytes are handed over, not kept here: they go once decoded, before the parse)
    result = load_bytes(held.pop(), ref, vocab, c.size, c.mtime_ns / 1e9, dated)
    if isinstance(result, Finding):
        return problem_parts(result)
    parts = report_parts(result, keep, search, keep_long)
    parts["fsum"], parts["nbytes"] = fsum, nbytes
    return parts


def file_sum(data: bytes) -> int:
    """What a cache row keeps to know its report's file again: the CRC-32 of the file's bytes (never 0,
    which stands for "not known": a row written without the bytes at hand)."""
    return zlib.crc32(data) or 1


def problem_parts(finding: Finding) -> Parts:
    """The parts of a file that is not a readable report."""
    head = codec.encode_problem(finding)
    return {"kind": "problem", "head": head, "problem": finding, "sums": _sums(head, None, None, None)}


#: A report's text longer than this (in characters) does not go with its parts (from a parse worker,
#: or into a report kept without a cache row; rows never hold text): copying it costs more than reading
#: such a report from its own file when its body is needed. Its head, projects and search record go
#: as for any report.
MAX_STORED_TEXT = 4 * 1024 * 1024


def report_parts(report: Report, keep: bool = True, search: bool = True, keep_long: bool = True) -> Parts:
    """The parts of a parsed report (`search`: with its search record; "text" None when it is too long
    to store, and then the report itself kept only with `keep_long`: a load lets the parsed body of
    such a report go at once, and reads it again from its file when it is used)."""
    head, projects = codec.encode_head(report), codec.encode_projects(report.projects)
    rec: str | bytes | None = search_parts(report) if search else None
    projects_json = b""
    if rec is not None:
        try:
            projects_json = projects.encode("utf-8")
            # (stored compressed, with the projects as the dictionary: `searchdb.read_records` gives it back as JSON)
            rec = pack_record(rec, projects_json)
        except UnicodeEncodeError:
            pass  # (a lone surrogate: left as text, which `_sums` says cannot be stored)
    text = report.text if len(report.text) <= MAX_STORED_TEXT else None
    sums = _sums(head, text, projects, rec)
    parts: Parts = {"kind": "report", "head": head, "text": text, "projects": projects, "search": rec,
                    "sums": sums}
    if sums is not None and search:
        # The projects as their row stores them, compressed here (in a parse worker, where the work is
        # spread over the cores) rather than by the one process that writes the cache.
        packed = codec.pack_projects(projects_json or projects)
        parts["packed_projects"] = (packed, zlib.crc32(packed))
    if keep and (keep_long or text is not None):
        parts["report"] = report
    return parts


def _sums(*values: str | None) -> tuple[int, ...] | None:
    """The CRC-32 of each stored value (`codec.storable_sum`), or None when one of them cannot be stored
    as text: worked out where the parse ran, so the one writer only writes."""
    out = tuple(codec.storable_sum(v) for v in values)
    return None if None in out else out


_STOP: Any = None  # in a worker process: the pool's stop event (set: leave the chunk at the next file)


def _parse_chunk(chunk: list[Candidate], vocab: Vocabulary, keep: bool = False, search: bool = True,
                 cancelled: Callable[[], bool] | None = None) -> list[Parts]:
    zips: dict[str, zipfile.ZipFile] = {}
    out: list[Parts] = []
    if cancelled is None and _STOP is not None:
        cancelled = _STOP.is_set
    try:
        for c in chunk:
            if cancelled is not None and cancelled():
                raise Cancelled()
            parts = parse_candidate(c, vocab, zips, keep, search, keep_long=False)
            if not keep and "packed_projects" in parts:
                # Sent back to the process that writes the cache: what its row stores, not the text and
                # the projects' JSON again (a row's body is read from it, or from the source).
                parts["text"] = parts["projects"] = None
            out.append(parts)
        return out
    finally:
        for zf in zips.values():
            zf.close()


def _init_worker(stop: Any) -> None:
    """A worker process starts: it remembers the pool's stop event and ends with the app."""
    global _STOP
    _STOP = stop
    _die_with_parent()


def _die_with_parent() -> None:
    """In a worker process: end as soon as the process that started the pool ends, however it ends
    (kill -9 included), so that no worker outlives it. Two ways, either suffices: the kernel's parent
    death signal (Linux; the parent here is the fork server, which ends with the app), and a thread
    that waits on the app's own sentinel (closed by the kernel when the app dies)."""
    import multiprocessing as mp

    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    parent = mp.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return
    if parent is not None and not parent.is_alive():
        os._exit(1)

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="reports-tui-parent-watch", daemon=True).start()


@contextmanager
def _usable_stderr() -> Iterator[None]:
    """While the TUI runs, `sys.stderr` is Textual's capture, with no file descriptor; the helper
    processes multiprocessing starts (resource tracker, fork server) are handed stderr's descriptor and
    fail to start without one (`bad value(s) in fds_to_keep`). They get /dev/null meanwhile."""
    try:
        usable = sys.stderr.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            yield
        finally:
            sys.stderr = saved


def _pool(workers: int) -> tuple[ProcessPoolExecutor, Any]:
    # Not "fork": the TUI loads from a thread, and forking a multi-threaded process can deadlock.
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import resource_tracker

    method = "forkserver" if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    with _usable_stderr():
        resource_tracker.ensure_running()
        if method == "forkserver":
            from multiprocessing import forkserver

            ctx.set_forkserver_preload(["tui.index.store.loader"])
            forkserver.ensure_running()
        stop = ctx.Event()
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(stop,)), stop


def _stop_pool(pool: ProcessPoolExecutor, stop: Any) -> None:
    """End a pool soon: queued work is dropped and the workers leave their chunk at the next file (a
    worker is never killed: one killed while it sends a result back would leave the pool's manager
    waiting for the rest of it, and the process could not exit)."""
    stop.set()
    pool.shutdown(wait=True, cancel_futures=True)


def worker_count(n_files: int) -> int:
    """How many worker processes to parse n files with (0: parse in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    env = os.environ.get("REPORTS_TUI_WORKERS")
    if env and env.isdigit():
        cores = int(env)
    if cores < 2 or n_files < PARALLEL_MIN:
        return 0
    return min(cores, max(1, n_files // CHUNK))


def parse_many(cands: list[Candidate], vocab: Vocabulary,
               on_chunk: Callable[[list[Candidate], list[Parts]], None], workers: int | None = None,
               search: bool = True, cancelled: Callable[[], bool] | None = None) -> None:
    """Parse every candidate, handing back (candidates, parts) a chunk at a time, in any order.

    `on_chunk` runs in the calling thread. Uses worker processes across cores for many files and
    falls back to this process for few files or when workers cannot start. `cancelled()` is asked
    between files and while waiting for workers: when it says so, the workers stop at their next file
    and `Cancelled` is raised (within a fraction of a second, unless one file is very large).
    """
    if not cands:
        return
    n = worker_count(len(cands)) if workers is None else workers
    chunks = [cands[i:i + CHUNK] for i in range(0, len(cands), CHUNK)]
    if n > 0:
        from concurrent.futures import FIRST_COMPLETED, wait

        try:
            pool, stop = _pool(n)
        except (OSError, ValueError, ImportError):
            pool = None
        if pool is not None:
            done_idx: set[int] = set()
            broken = False
            try:
                pending: dict[Future, int] = {}
                queue = list(range(len(chunks)))
                # A bounded number of chunks in flight keeps results flowing back steadily.
                while queue or pending:
                    if cancelled is not None and cancelled():
                        raise Cancelled()
                    while queue and len(pending) < n * 3:
                        i = queue.pop(0)
                        pending[pool.submit(_parse_chunk, chunks[i], vocab, False, search)] = i
                    finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        i = pending.pop(fut)
                        try:
                            parts = fut.result()
                        except Exception:  # noqa: BLE001 - a broken pool: the rest is parsed here
                            broken = True
                            break
                        on_chunk(chunks[i], parts)
                        done_idx.add(i)
                    if broken:
                        break
            except BaseException:
                _stop_pool(pool, stop)
                raise
            if not broken:
                pool.shutdown(wait=True)
                return
            _stop_pool(pool, stop)
            chunks = [c for i, c in enumerate(chunks) if i not in done_idx]
    for chunk in chunks:
        on_chunk(chunk, _parse_chunk(chunk, vocab, keep=True, search=search, cancelled=cancelled))


# ---------------------------------------------------------------------------------------------
# Reports whose body is read on demand

PARSED_FIELDS = ("root", "incidents", "plans")  # never stored: parsed again from the text when used


class BodyStore:
    """Where a `LazyReport` gets its body: `projects` from the parse cache (`fetch(key, field)`, None when
    the row is gone or damaged; rows no longer hold the text, so `text` is read from the source), the section tree, incidents and plans by parsing the text
    again (about a millisecond a report), kept for the most recently used reports.

    When the cache has nothing, the report's source is read and parsed again. Parsed bodies are shared
    while anyone still holds them, so `r.root is r.root`.
    """

    def __init__(self, fetch: Callable[[Any, str], Any] | None, vocab: Vocabulary, capacity: int = 256,
                 cache_file: str | None = None, forget: Callable[[int], None] | None = None):
        self._fetch = fetch
        self._forget = forget  # drops a row whose file was found changed (and the summaries listing it)
        self.cache_file = cache_file  # the parse cache the bodies come from, if any
        self._vocab = vocab
        self._capacity = capacity
        self._lru: OrderedDict[tuple, Report] = OrderedDict()
        self._lock = threading.RLock()
        self.changed: set[str] = set()  # files found changed since the library loaded (`_from_source`)

    def get(self, report: LazyReport, field: str) -> Any:
        """The value of one body field of a report."""
        if field in PARSED_FIELDS:
            return getattr(self._parsed(report), field)
        if field == "text":  # (rows never hold it: the file, read and parsed whole, kept in the bounded cache)
            return self._from_source(report).text
        key = report.__dict__.get("_key")
        value = self._fetch(key, field) if self._fetch is not None and key is not None else None
        if value is None:
            value = getattr(self._from_source(report), field)
        return value

    @staticmethod
    def _id(report: Report) -> tuple:
        return (report.source, report.size, report.mtime)  # the same file as it was when loaded

    def _remembered(self, k: tuple) -> Report | None:
        with self._lock:
            got = self._lru.get(k)
            if got is not None:
                self._lru.move_to_end(k)
            return got

    def _remember(self, k: tuple, parsed: Report) -> Report:
        with self._lock:
            parsed = self._lru.setdefault(k, parsed)  # (a thread that parsed it first wins: one body)
            self._lru.move_to_end(k)
            while len(self._lru) > self._capacity:
                self._lru.popitem(last=False)
        return parsed

    def _parsed(self, report: LazyReport) -> Report:
        k = self._id(report)
        got = self._remembered(k)
        if got is not None:
            return got
        text = report.text
        got = self._remembered(k)  # (the text may have come from the source, parsed whole)
        if got is not None:
            return got
        parsed = parse_report(text, report.source, self._vocab, report.encoding, dated=report) if text else None
        if parsed is None or parsed.root is None:
            return self._from_source(report)
        return self._remember(k, parsed)

    def _from_source(self, report: LazyReport) -> Report:
        """The report read and parsed again from its file (the cache had nothing, or nothing sound) —
        only if the file is still the one the report's head was read from (`same_file`): a file changed
        since the library loaded gives an empty body, and the change is told (`on_changed_file`) so the
        library is read again, as when the watcher sees it, never the new text under the old head."""
        k = self._id(report)
        got = self._remembered(k)
        if got is not None:
            return got
        key = report.__dict__.get("_key")
        c = Candidate(report.source.path, report.source.member, report.size, key[4] if key else 0)
        if not _same_stat(report, key):
            return self._remember(k, self._changed(report))
        # (the head was read from these bytes, as `_same_bytes` checks: its week is not resolved again)
        parts = parse_candidate(c, self._vocab, search=False, dated=report)
        if parts["kind"] != "report" or not self._same_bytes(report, key, parts):
            # (gone, or no readable report now: a changed file too, which the reload drops)
            return self._remember(k, self._changed(report))
        return self._remember(k, parts["report"])

    def _same_bytes(self, report: LazyReport, key: Any, parts: Parts) -> bool:
        """Whether the bytes just read are those the report's row was made from (their number, and the
        CRC-32 its row keeps when it has one)."""
        if parts.get("nbytes", report.size) != report.size:
            return False
        want = self._fetch(key, "fsum") if self._fetch is not None and key is not None else None
        return want is None or want == parts.get("fsum")

    def _changed(self, report: LazyReport) -> Report:
        path = report.source.path
        with self._lock:
            self.changed.add(path)
        key = report.__dict__.get("_key")
        if key is not None and self._forget is not None:
            # (a file changed keeping its size and mtime: its row must not answer the reload)
            self._forget(key[0])
        for listener in list(_changed_listeners):
            try:
                listener(path)
            except Exception:  # noqa: BLE001 - (a listener gone wrong never fails reading a body)
                pass
        return _empty_body(report)


def _empty_body(report: Report) -> Report:
    return Report(source=report.source, text="", title=report.title, label=report.label)


def _same_stat(report: Report, key: Any) -> bool:
    """Whether a report's file (a zip archive for a member) still has the size and mtime it had when the
    report was read (True when it cannot be looked at: reading it says what it is now)."""
    try:
        st = os.stat(report.source.path)
    except OSError:
        return True
    if key is not None:
        if st.st_mtime_ns != key[4]:
            return False
    elif st.st_mtime_ns / 1e9 != report.mtime:
        return False
    return report.source.member is not None or st.st_size == report.size


_changed_listeners: list[Callable[[str], None]] = []


def on_changed_file(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(path)` (from any thread) whenever a body finds its file changed since its library
    loaded; returns what stops it."""
    _changed_listeners.append(listener)

    def stop() -> None:
        try:
            _changed_listeners.remove(listener)
        except ValueError:
            pass

    return stop


_KEPT_BODY: set[str] = set()  # the body fields a `LazyReport` keeps once read (`_body_property`'s `keep`)


def _body_property(name: str, keep: bool) -> property:
    if keep:
        _KEPT_BODY.add(name)

    def get(self: LazyReport) -> Any:
        d = self.__dict__
        if name in d:
            return d[name]
        value = d["_store"].get(self, name)
        if keep:
            d[name] = value
        return value

    def put(self: LazyReport, value: Any) -> None:
        self.__dict__[name] = value

    return property(get, put, doc=f"`Report.{name}`, read or parsed on first use.")


_REPORT_FIELDS = tuple(f.name for f in fields(Report))


def _plain_report(state: dict[str, Any]) -> Report:
    r = object.__new__(Report)
    r.__dict__.update(state)
    return r


class LazyReport(Report):
    """A `Report` that holds its head in memory and gets its body (text, sections, projects, incidents,
    plans) from a `BodyStore` when first used.

    Reading it is indistinguishable from a `Report` (it is one); `projects` stay once read (the project
    list and timelines read every report's), the text and the parsed fields live in the store's bounded
    cache (a library read whole, to build a search index without stored records, keeps no text).
    """

    text = _body_property("text", keep=False)
    projects = _body_property("projects", keep=True)
    root = _body_property("root", keep=False)
    incidents = _body_property("incidents", keep=False)
    plans = _body_property("plans", keep=False)

    @classmethod
    def from_head(cls, head: dict[str, Any], key: Any, store: BodyStore, **known: Any) -> LazyReport:
        """A report from its decoded head (`codec.decode_head`); `key` is how `store` finds its body,
        `known` body fields already at hand (text, projects)."""
        r = object.__new__(cls)
        d = r.__dict__
        d.update(head)
        d.update(known)
        d["_key"] = key
        d["_store"] = store
        return r

    def __eq__(self, other: object) -> bool:
        # As a dataclass compares, field by field; the same object or another source settles it cheaply.
        if self is other:
            return True
        if not isinstance(other, Report):
            return NotImplemented
        if self.source != other.source:
            return False
        return all(getattr(self, f) == getattr(other, f) for f in _REPORT_FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        # Copies and pickles are plain, complete Reports.
        return (_plain_report, ({f.name: getattr(self, f.name) for f in fields(Report)},))


def passing_read(report: Report, use: Callable[[Report], Any]) -> Any:
    """`use(report)`, leaving a `LazyReport` holding no more of its body than before: what reads every
    report once — the search records made again from a library read from the cache, when the saved
    index that held them cannot be read (of an older format, damaged) — would otherwise keep every
    report's projects (~30 KB a report: 300 MB at 10,000 reports, 3 GB at 100,000)."""
    if not isinstance(report, LazyReport):
        return use(report)
    held = report.__dict__.keys() & _KEPT_BODY
    try:
        return use(report)
    finally:
        for name in _KEPT_BODY - held:
            report.__dict__.pop(name, None)


def lazy_from_parts(c: Candidate, parts: Parts, key: Any, store: BodyStore) -> LazyReport:
    """A report parsed elsewhere (a worker process), or one to keep small, from its parts: the head
    decoded; the body from the cache row `key`, or (no row) kept from the parts."""
    head = codec.decode_head(parts["head"], c.ref, c.size, c.mtime_ns)
    if key is not None:
        return LazyReport.from_head(head, key, store)
    projects = parts["projects"]
    if projects is None:  # (sent as stored: `_parse_chunk`)
        projects = codec.unpack_projects(parts["packed_projects"][0])
    known = {"projects": codec.decode_projects(projects)}
    if parts["text"] is not None:  # (else too long to travel: read from the source when needed)
        known["text"] = parts["text"]
    return LazyReport.from_head(head, None, store, **known)


def problem_of(c: Candidate, parts: Parts) -> Finding:
    """The problem a parse found (from parts made here or in a worker)."""
    got = parts.get("problem")
    return got if got is not None else codec.decode_problem(parts["head"], c.ref)
