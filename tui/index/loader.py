"""Finding report files cheaply (stat only) and parsing many of them, in worker processes when it pays.

A parsed report travels and is stored as *parts*: a small "head" (title, week, dates, KPIs,
warnings …) and the body fields (`text`, `root`, `projects`, `incidents`, `plans`), each pickled on
its own so that a large library can keep only the heads in memory and read a body when it is used
(see `LazyReport`).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import weakref
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ..model.load import load_bytes
from ..model.report import Finding, Report, SourceRef
from ..model.source import MAX_MEMBER_BYTES, _is_report_name
from ..model.vocab import Vocabulary
from .searchdoc import search_parts

if TYPE_CHECKING:  # worker processes are imported only when a load needs them
    from concurrent.futures import Future, ProcessPoolExecutor

ProgressFn = Callable[[int, int | None], None]

HEAD_FIELDS = ("source", "title", "label", "created", "week", "start", "end", "kpis", "warnings",
               "has_incident_section", "encoding", "size", "mtime")
BODY_FIELDS = ("text", "root", "projects", "incidents", "plans")
PICKLE = pickle.HIGHEST_PROTOCOL

PARALLEL_MIN = 256   # fewer files than this are parsed in-process (starting workers costs ~0.2 s)
CHUNK = 64           # files per worker task


@dataclass(frozen=True)
class Candidate:
    """A report file (or zip member) found on disk, identified by what changes when it is edited."""

    path: str
    member: str | None
    size: int
    mtime_ns: int

    @property
    def ref(self) -> SourceRef:
        """The `SourceRef` a report parsed from this candidate carries."""
        return SourceRef(self.path, self.member)

    @property
    def key(self) -> tuple[str, str]:
        """(path, member or "") — the cache's identity of a source."""
        return (self.path, self.member or "")


def scan(paths: Iterable[str | os.PathLike]) -> Iterator[Candidate | Finding]:
    """Every report file and zip member under the paths, with size and mtime; nothing is read.

    Same files and order as `tui.model.source.read_sources`, which reads every byte.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found: list[tuple[str, os.stat_result | None]] = []
            _walk(str(path), found)
            found.sort(key=lambda t: t[0].split(os.sep))  # Path order, cheaper
            for f, st in found:
                yield from _one(f, st)
        else:
            yield from _one(str(path), None)


def _walk(top: str, out: list[tuple[str, os.stat_result | None]]) -> None:
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    dirs = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not e.name.startswith("."):
                dirs.append(e.path)
        elif _is_report_name(e.name) or e.name.lower().endswith(".zip"):
            try:
                st = e.stat()
            except OSError:
                st = None
            out.append((e.path, st))
    for d in sorted(dirs):
        _walk(d, out)


def _one(path: str, st: os.stat_result | None) -> Iterator[Candidate | Finding]:
    ref = SourceRef(path)
    if st is None:
        try:
            st = os.stat(path)
        except OSError as exc:
            yield Finding("problem", f"cannot read: {exc.strerror or exc}", source=ref)
            return
    if path.lower().endswith(".zip"):
        yield from _scan_zip(path, st.st_mtime_ns)
    else:
        yield Candidate(path, None, st.st_size, st.st_mtime_ns)


def _scan_zip(path: str, mtime_ns: int) -> Iterator[Candidate | Finding]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = sorted(zf.infolist(), key=lambda i: i.filename)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield Finding("problem", f"not a readable zip archive: {exc}", source=SourceRef(path))
        return
    for info in infos:
        name = info.filename
        if info.is_dir() or "__MACOSX/" in name or not _is_report_name(name):
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            yield Finding("problem", f"zip member too large ({info.file_size} bytes)", source=SourceRef(path, name))
            continue
        yield Candidate(path, name, info.file_size, mtime_ns)


# ---------------------------------------------------------------------------------------------
# Parsing into parts (runs in worker processes too: everything here must be picklable)

Parts = dict[str, Any]  # "kind": "report" | "problem"; "head": bytes; body fields: bytes (text: str)


def parse_candidate(c: Candidate, vocab: Vocabulary, zips: dict[str, zipfile.ZipFile] | None = None) -> Parts:
    """Read and parse one candidate; the result is pickled parts, never an exception."""
    ref = c.ref
    try:
        if c.member is None:
            with open(c.path, "rb") as fh:
                data = fh.read()
        else:
            zf = (zips or {}).get(c.path)
            if zf is None:
                zf = zipfile.ZipFile(c.path)
                if zips is not None:
                    zips[c.path] = zf
            data = zf.read(c.member)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a problem, not a crash
        reason = getattr(exc, "strerror", None) or exc
        return {"kind": "problem", "head": pickle.dumps(Finding("problem", f"cannot read: {reason}", source=ref),
                                                        PICKLE)}
    result = load_bytes(data, ref, vocab, c.size, c.mtime_ns / 1e9)
    if isinstance(result, Finding):
        return {"kind": "problem", "head": pickle.dumps(result, PICKLE)}
    return split(result)


def split(report: Report) -> Parts:
    """A report as pickled parts: the head and each body field."""
    head = tuple(getattr(report, f) for f in HEAD_FIELDS)
    parts: Parts = {"kind": "report", "head": pickle.dumps(head, PICKLE), "text": report.text}
    for f in BODY_FIELDS[1:]:
        parts[f] = pickle.dumps(getattr(report, f), PICKLE)
    parts["search"] = search_parts(report)  # what search needs, stored beside it (tui.index.searchdoc)
    return parts


def assemble(parts: Parts) -> Report | Finding:
    """The full report (or problem) back from its parts."""
    head = pickle.loads(parts["head"])
    if parts["kind"] == "problem":
        return head
    r = object.__new__(Report)
    d = r.__dict__
    d.update(zip(HEAD_FIELDS, head))
    d["text"] = parts["text"]
    for f in BODY_FIELDS[1:]:
        d[f] = pickle.loads(parts[f])
    return r


def _parse_chunk(chunk: list[Candidate], vocab: Vocabulary) -> list[Parts]:
    zips: dict[str, zipfile.ZipFile] = {}
    try:
        return [parse_candidate(c, vocab, zips) for c in chunk]
    finally:
        for zf in zips.values():
            zf.close()


def _pool(workers: int) -> ProcessPoolExecutor:
    # Not "fork": the TUI loads from a thread, and forking a multi-threaded process can deadlock.
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    method = "forkserver" if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["tui.index.loader"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


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
               on_chunk: Callable[[list[Candidate], list[Parts]], None], workers: int | None = None) -> None:
    """Parse every candidate, handing back (candidates, parts) a chunk at a time, in any order.

    `on_chunk` runs in the calling thread. Uses worker processes across cores for many files and
    falls back to this process for few files or when workers cannot start.
    """
    if not cands:
        return
    n = worker_count(len(cands)) if workers is None else workers
    chunks = [cands[i:i + CHUNK] for i in range(0, len(cands), CHUNK)]
    if n > 0:
        from concurrent.futures import FIRST_COMPLETED, wait

        try:
            pool = _pool(n)
        except (OSError, ValueError, ImportError):
            pool = None
        if pool is not None:
            done_idx: set[int] = set()
            try:
                with pool:
                    pending: dict[Future, int] = {}
                    queue = list(range(len(chunks)))
                    # A bounded number of chunks in flight keeps results flowing back steadily.
                    while queue or pending:
                        while queue and len(pending) < n * 3:
                            i = queue.pop(0)
                            pending[pool.submit(_parse_chunk, chunks[i], vocab)] = i
                        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in finished:
                            i = pending.pop(fut)
                            on_chunk(chunks[i], fut.result())
                            done_idx.add(i)
                return
            except Exception:  # noqa: BLE001 - a broken pool falls back to parsing here
                chunks = [c for i, c in enumerate(chunks) if i not in done_idx]
    for chunk in chunks:
        on_chunk(chunk, _parse_chunk(chunk, vocab))


# ---------------------------------------------------------------------------------------------
# Reports whose body is read on demand

class BodyStore:
    """Where a `LazyReport` reads its body from; keeps recently used bodies in a bounded cache.

    `fetch(key, field)` returns the stored value or None (then the report is parsed again from
    its source). Body objects are shared while anyone still holds them, so `r.root is r.root`.
    """

    def __init__(self, fetch: Callable[[Any, str], Any], vocab: Vocabulary, capacity: int = 2048):
        self._fetch = fetch
        self._vocab = vocab
        self._capacity = capacity
        self._lru: OrderedDict[tuple, Any] = OrderedDict()
        self._weak: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._lock = threading.RLock()

    def get(self, report: LazyReport, field: str) -> Any:
        """The value of one body field of a report."""
        k = (report._key, field)
        with self._lock:
            if k in self._lru:
                self._lru.move_to_end(k)
                return self._lru[k]
            value = self._weak.get(k)
            if value is not None:
                self._remember(k, value)
                return value
        value = self._fetch(report._key, field)
        if value is None:
            value = self._reparse(report, field)
        with self._lock:
            old = self._weak.get(k)
            if old is not None:
                value = old
            self._remember(k, value)
        return value

    def _remember(self, k: tuple, value: Any) -> None:
        self._lru[k] = value
        self._lru.move_to_end(k)
        try:
            self._weak[k] = value
        except TypeError:  # lists cannot be weakly referenced
            pass
        while len(self._lru) > self._capacity:
            self._lru.popitem(last=False)

    def _reparse(self, report: LazyReport, field: str) -> Any:
        c = Candidate(report.source.path, report.source.member, report.size, 0)
        parts = parse_candidate(c, self._vocab)
        full = assemble(parts)
        if isinstance(full, Finding):
            empty: dict[str, Any] = {"text": "", "root": None, "projects": [], "incidents": [], "plans": []}
            return empty[field]
        return getattr(full, field)


def _body_property(name: str, keep: bool) -> property:
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

    return property(get, put, doc=f"`Report.{name}`, read from the cache on first use.")


_REPORT_FIELDS = tuple(f.name for f in fields(Report))


def _plain_report(state: dict[str, Any]) -> Report:
    r = object.__new__(Report)
    r.__dict__.update(state)
    return r


class LazyReport(Report):
    """A `Report` that holds its head in memory and reads its body (text, sections, projects,
    incidents, plans) from the parse cache when first used.

    Reading it is indistinguishable from a `Report` (it is one); `text` stays once read (search
    needs it), the other body fields live in a bounded cache shared by the library.
    """

    text = _body_property("text", keep=True)
    root = _body_property("root", keep=False)
    projects = _body_property("projects", keep=False)
    incidents = _body_property("incidents", keep=False)
    plans = _body_property("plans", keep=False)

    @classmethod
    def from_head(cls, head: bytes, key: Any, store: BodyStore) -> LazyReport:
        """A report from its pickled head, reading its body through `store` under `key`."""
        r = object.__new__(cls)
        d = r.__dict__
        d.update(zip(HEAD_FIELDS, pickle.loads(head)))
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
