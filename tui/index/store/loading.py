"""Loading a library through the parse cache (`cache.ParseCache`), in named phases.

A load (`_Load.run`) goes: **scan** the paths for candidate files; read the library's **summary**
(a warm start: every file it lists unchanged is a report at once, and when nothing changed the stored
order and authors are the library's); look the rest up **row by row** (unchanged files' rows become
reports, rows of files gone or that do not check out are dropped); **parse** what is left (in
parallel, stored a batch at a time, the reports so far shown as they come); **assemble** the library
(order, authors, what the cache knows of it) and save its summary.

Reports loaded from the cache keep only their head in memory and get their projects from the cache, and
their text and section tree from their file, when first used (`loader.LazyReport`).
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from ...model.report import Finding, Report
from ...model.source import Candidate, scan
from ...model.vocab import DEFAULT_VOCABULARY, Vocabulary
from ..library import Library, ProgressFn, assign_authors
from ..search.records import vocab_key
from ..stored import Stored
from . import codec, loader, summary
from .cache import _DAMAGE, CacheUnavailable, ParseCache, _is_busy, _remove
from .loader import BodyStore, LazyReport, Parts

LAZY_MIN = 500          # libraries with at least this many reports read report bodies on demand
SUMMARY_MIN = 500       # libraries of at least this many files keep a summary (`summary`) for warm starts
STORE_BATCH = 512       # parsed reports written per transaction (at most ~0.3 s holding the write lock)
SNAPSHOT_S = 1.0        # while parsing, the reports loaded so far are shown at most this often (`snapshot`)

Snapshot = Callable[[list[Report], int, "Stored | None"], None]


class CacheNotice:
    """What a load wants the user told about the cache, once: it was replaced, rows were damaged, or it
    could not be used at all (then the library was read without it)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        """Remember a message (each only once)."""
        if message not in self.messages:
            self.messages.append(message)


def load_library_cached(
    plist: list[str],
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    progress: ProgressFn | None = None,
    use_cache: bool = True,
    cache: ParseCache | None = None,
    lazy: bool | None = None,
    notice: CacheNotice | None = None,
    snapshot: Snapshot | None = None,
    cancelled: Callable[[], bool] | None = None,
    shown: Library | None = None,
) -> Library:
    """Load the library of the paths `plist` (`load.load_library` resolves them): unchanged files from
    the cache, the rest parsed (in parallel) and stored.

    `progress(done, total)` is called from this thread. With `use_cache=False` the cache is neither
    read nor written. `lazy` (default: `LAZY_MIN` reports or more) keeps only the heads of freshly
    parsed reports in memory; reports read from the cache always are. A cache that cannot be used, or
    turns out damaged while loading, never fails the load: the library is read without it (and a
    damaged file is removed, to be rebuilt next time); `notice` collects what to tell the user.
    `cancelled()` is asked as the load goes (`model.source.Cancelled` is raised when it says so).
    `shown`: the library `stored_library` gave (shown before its files were looked at): when none of
    its files changed, it is the library returned (with the problems the scan found).
    """
    plist = [str(p) for p in plist]
    notice = notice if notice is not None else CacheNotice()
    if use_cache and cache is None:
        cache = open_cache(notice)
    if not use_cache:
        cache = None
    if cache is not None and cache.rebuilt:
        notice.add(f"the parse cache was damaged and has been rebuilt ({cache.rebuilt})")
    collecting = gc.isenabled()
    gc.disable()  # (a large library is ~1M long-lived objects: collecting while they are made only costs time)
    try:
        return _Load(plist, vocab, progress, cache, lazy, notice, snapshot, cancelled, shown).run()
    except _DAMAGE as exc:
        if cache is None:
            raise
        cache.close()
        if isinstance(exc, sqlite3.OperationalError) and (_is_busy(exc) or any(
                w in str(exc).lower() for w in ("readonly", "full", "unable to open"))):
            # Another instance holds it longer than we wait, or it cannot be written: not damage.
            notice.add(f"the parse cache cannot be used now ({exc}); reading every report")
        else:
            # Damage found mid-run: this load goes on without the cache; the file is rebuilt next time.
            notice.add(f"the parse cache is damaged ({exc}); it will be rebuilt")
            try:
                _remove(cache.path)
            except OSError:
                pass
        return _Load(plist, vocab, progress, None, lazy, notice, snapshot, cancelled).run()
    finally:
        if collecting:
            gc.enable()


def open_cache(notice: CacheNotice) -> ParseCache | None:
    """The parse cache (None when it cannot be used: `notice` says why)."""
    try:
        return ParseCache()
    except CacheUnavailable as exc:
        notice.add(f"the parse cache cannot be used ({exc}); reading every report")
        return None


def stored_library(plist: list[str], vocab: Vocabulary, cache: ParseCache) -> Library | None:
    """The library of the paths as its stored summary has it, its files not looked at (a first screen
    drawn at once; `load_library_cached(shown=…)` then checks every file): None when there is no
    summary of it, or it does not check out."""
    plist = [str(p) for p in plist]
    try:
        summ = cache.summary(summary_key(vocab_key(vocab), vocab, [str(Path(p)) for p in plist]))
    except _DAMAGE:
        return None  # (the load that follows finds the damage and says so)
    if summ is None:
        return None
    lib = Library(paths=plist, vocab=vocab)
    store = BodyStore(cache.body, vocab, cache_file=str(cache.path), forget=cache.forget)
    lib.reports = summary.SummaryReports(summ, None, store)  # (each report made when first read)
    lib.problems = summ.problems()
    lib.stored = Stored(str(cache.path), (), summ, lib.reports)
    return lib


def summary_key(vkey: str, vocab: Vocabulary, paths: list[str]) -> str:
    """Which library a summary is of: the vocabulary, the author aliases (applied after parsing, so not
    part of `vkey`, but part of the authors stored) and the paths as given."""
    aliases = json.dumps(vocab.author_aliases, ensure_ascii=False, sort_keys=True)
    return "\0".join([vkey, aliases, *paths])


def _under(path: str, roots: list[str]) -> bool:
    for r in roots:
        if path == r or path.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


class _Load:
    """One load of a library through the cache (or without one): the phases in order (`run`), sharing
    one slot per file found (its report or problem) and the cache row of each."""

    def __init__(self, plist: list[str], vocab: Vocabulary, progress: ProgressFn | None, cache: ParseCache | None,
                 lazy: bool | None, notice: CacheNotice, snapshot: Snapshot | None = None,
                 cancelled: Callable[[], bool] | None = None, shown: Library | None = None) -> None:
        self.plist, self.vocab, self.progress, self.cache = plist, vocab, progress, cache
        self.shown = shown if shown is not None and shown.stored is not None and cache is not None else None
        self.lazy, self.notice, self.snapshot, self.cancelled = lazy, notice, snapshot, cancelled
        self.lib = Library(paths=plist, vocab=vocab)
        self.vkey = vocab_key(vocab)
        self.store = BodyStore(cache.body if cache is not None else None, vocab,
                               cache_file=str(cache.path) if cache is not None else None,
                               forget=cache.forget if cache is not None else None)
        self.skey = summary_key(self.vkey, vocab, [str(Path(p)) for p in plist])
        self.done = 0         # files read so far (for `progress`)
        self.gone: list[int] = []  # rows of files listed in the summary but gone

    def run(self) -> Library:
        self.scan()
        todo = self.cands
        summ = None
        if self.cache is not None and self.total >= SUMMARY_MIN:
            summ = self.shown.stored._summary if self.shown is not None else self.cache.summary(self.skey)
        if summ is not None:
            todo = self.from_summary(summ)
            if todo is None:
                return self.lib  # nothing changed: the library is the summary's
        misses = self.from_rows(todo, summ is not None)
        self.parse(misses)
        return self.assemble()

    # -- phase 1: the files ------------------------------------------------------------------------
    def scan(self) -> None:
        """Every candidate file (and problem) under the paths, each with its slot."""
        self.found = found = list(scan(self.plist, self.cancelled))
        self.cands = [c for c in found if isinstance(c, Candidate)]
        self.total = len(self.cands)
        self.slot: list[Report | Finding | None] = [f if isinstance(f, Finding) else None for f in found]
        self.rids: list[int | None] = [None] * len(found)  # the cache row of each slot's report (for the summary)
        self.index = {id(c): i for i, c in enumerate(found)}

    # -- phase 2: a warm start -----------------------------------------------------------------------
    def from_summary(self, summ: summary.Summary) -> list[Candidate] | None:
        """Every file the summary lists unchanged is a report (or problem) at once; the files left to
        read, or None when nothing changed (the library is then made from the summary, in its order
        and with its authors)."""
        cache, found, slot, index = self.cache, self.found, self.slot, self.index
        todo: list[Candidate] = []
        rkeys, pkeys = summ.keys(), summ.problem_keys()
        at: list[int] = []       # summary positions of the unchanged reports
        where: list[int] = []    # their slots
        nprob = 0
        for c in self.cands:
            k = c.key
            i = rkeys.pop(k, None)
            if i is not None and summ.same_file(i, c.size, c.mtime_ns):
                at.append(i)
                where.append(index[id(c)])
                continue
            j = pkeys.pop(k, None)
            if j is not None and summ.same_problem_file(j, c.size, c.mtime_ns):
                slot[index[id(c)]] = summ.problem(j, c.ref)
                nprob += 1
                continue
            todo.append(c)
        # Rows of files listed but gone (a changed file's row is replaced when it is stored again).
        self.gone = [rid for i in rkeys.values() if (rid := summ.rid(i)) is not None]
        if not todo and len(at) == summ.n and nprob == summ.nproblems:
            if self.shown is not None:  # (nothing changed since it was shown: it stays, with the scan's problems)
                self.lib = self.shown
                self.shown.problems = [f for f in slot if isinstance(f, Finding)]
                if self.progress:
                    self.progress(self.total, self.total)
                return None
            lib = self.lib
            sources: list[Any] = [None] * summ.n
            for i, w in zip(at, where):
                sources[i] = found[w].ref
            lib.reports = summary.SummaryReports(summ, sources, self.store)
            lib.problems = [f for f in slot if isinstance(f, Finding)]
            lib.stored = Stored(str(cache.path), (), summ, lib.reports)  # (rows and series: the summary's)
            if self.gone:
                cache.drop(self.gone)
            if self.progress:
                self.progress(self.total, self.total)
            return None
        for r, w, i in zip(summ.reports(at, [found[w].ref for w in where], self.store, assigned=False), where, at):
            slot[w] = r
            self.rids[w] = summ.rid(i)
        self.done = self.total - len(todo)
        return todo

    # -- phase 3: row by row ---------------------------------------------------------------------------
    def from_rows(self, todo: list[Candidate], had_summary: bool) -> list[Candidate]:
        """The cache rows of the files left: an unchanged file's row is its report; rows of files gone
        and rows that do not check out are dropped. The files still to parse."""
        cache, slot, index = self.cache, self.slot, self.index
        heads: dict = {}
        if cache is not None:
            if had_summary and len(todo) <= 2000:
                heads = cache.heads_of(self.vkey, [c.key for c in todo])
            else:
                heads = cache.heads(self.vkey, [str(Path(p)) for p in self.plist])
        misses: list[Candidate] = []
        damaged: list[int] = []
        for c in todo:
            row = heads.pop(c.key, None)
            if row is not None and row[1] == c.size and row[2] == c.mtime_ns:
                rid, _, _, kind, head = row
                try:
                    slot[index[id(c)]] = _from_row(rid, c, kind, head, self.store)
                except codec.DamagedRow:
                    damaged.append(rid)
                    misses.append(c)
                    continue
                self.rids[index[id(c)]] = rid
                self.done += 1
            else:
                misses.append(c)
        if cache is not None:
            # Rows for files under these paths that no longer exist, and rows that did not check out: dropped.
            if not had_summary:
                self.gone = [row[0] for (p, _m), row in heads.items() if _under(p, self.plist)]
            cache.drop(self.gone + damaged)
            cache.damaged_rows += len(damaged)
            if cache.damaged_rows:
                self.notice.add(f"{cache.damaged_rows} damaged row(s) in the parse cache were read again from the reports")
        if self.progress:
            self.progress(self.done, self.total)
        return misses

    # -- phase 4: parsing ----------------------------------------------------------------------------
    def parse(self, misses: list[Candidate]) -> None:
        """Parse the files the cache could not answer for (in parallel), storing them a batch of chunks at
        a time (fewer, larger transactions) and showing the reports so far at most every `SNAPSHOT_S`."""
        cache, slot, rids, index, snapshot, progress = (self.cache, self.slot, self.rids, self.index,
                                                        self.snapshot, self.progress)
        want_lazy = (self.total >= LAZY_MIN) if self.lazy is None else self.lazy
        batch_c: list[Candidate] = []
        batch_p: list[Parts] = []

        def flush() -> None:
            ids = cache.store(self.vkey, batch_c, batch_p) if cache is not None else [None] * len(batch_c)
            for c, p, rid in zip(batch_c, batch_p, ids):
                w = index[id(c)]
                slot[w] = _from_parts(c, p, rid, want_lazy, self.store)
                rids[w] = rid
            batch_c.clear()
            batch_p.clear()

        shown = [time.monotonic()]

        def show() -> None:
            shown[0] = time.monotonic()
            if snapshot is not None:
                snapshot([r for r in slot if isinstance(r, Report)], self.total, _stored_rows(cache, slot, rids))

        def on_chunk(chunk: list[Candidate], parts: list[Parts]) -> None:
            batch_c.extend(chunk)
            batch_p.extend(parts)
            due = snapshot is not None and time.monotonic() - shown[0] >= SNAPSHOT_S
            if len(batch_c) >= STORE_BATCH or due:
                flush()
            if due:
                show()
            self.done += len(chunk)
            if meter is not None:
                meter.parsed(sum(c.size for c in chunk))
            if progress:
                progress(self.done, self.total)

        meter = progress if isinstance(progress, loader.LoadMeter) else None
        if meter is not None:
            meter.parsing(sum(c.size for c in misses))
        if misses:
            show()
        loader.parse_many(misses, self.vocab, on_chunk, search=cache is not None, cancelled=self.cancelled)
        flush()

    # -- phase 5: the library ----------------------------------------------------------------------------
    def assemble(self) -> Library:
        """The library: its reports in week order with their authors assigned, its problems, what the
        cache knows of it; its summary saved for the next warm start."""
        lib, slot = self.lib, self.slot
        at_slot: list[int] = []
        for w, item in enumerate(slot):
            if isinstance(item, Finding):
                lib.problems.append(item)
            elif item is not None:
                lib.reports.append(item)
                at_slot.append(w)
        lib.stored = _stored_rows(self.cache, slot, self.rids)
        named = assign_authors(lib)
        order = sorted(range(len(lib.reports)), key=lambda j: lib.reports[j].sort_key)  # (as `Library.sort`)
        lib.reports = [lib.reports[j] for j in order]
        if self.cache is not None and self.total >= SUMMARY_MIN:
            _save_summary(self.cache, self.skey, lib, [at_slot[j] for j in order], [named[j] for j in order],
                          self.found, self.rids, slot)
        return lib


def _stored_rows(cache: ParseCache | None, slot: list[Any], rids: list[int | None]) -> Stored | None:
    """The rows of the reports in `slot` that are read from the cache (None without a cache)."""
    if cache is None:
        return None
    # (a report parsed here and kept whole has its row too, but its search records are at hand)
    return Stored(str(cache.path), ((r, rid) for r, rid in zip(slot, rids)
                                    if rid is not None and isinstance(r, LazyReport)))


def _save_summary(cache: ParseCache, key: str, lib: Library, slots: list[int], named: list[str | None],
                  found: list[Any], rids: list[int | None], slot: list[Any]) -> None:
    """Store the summary of a library just loaded (its reports in order, each from the file in `slots`)."""
    def entry(w: int, name: str | None = None) -> summary.Entry:
        c = found[w]
        return summary.Entry(c.path, c.member or "", c.size, c.mtime_ns, rids[w], name)

    entries = [entry(w, n) for w, n in zip(slots, named)]
    problems = [(entry(w), f) for w, f in enumerate(slot) if isinstance(f, Finding) and isinstance(found[w], Candidate)]
    try:
        data = summary.encode(lib.reports, entries, problems)
    except (ValueError, TypeError, OverflowError, UnicodeEncodeError):
        return  # (a value the summary or UTF-8 cannot hold: no summary, the library is read row by row)
    cache.put_summary(key, data)


def _body_key(rid: int, c: Candidate) -> tuple[int, str, str, int, int]:
    return (rid, c.path, c.member or "", c.size, c.mtime_ns)


def _from_row(rid: int, c: Candidate, kind: str, head: Any, store: BodyStore) -> Report | Finding:
    """A report (its head; the body on demand) or a problem from a cache row; `codec.DamagedRow` if the
    row does not check out."""
    if head is None:
        raise codec.DamagedRow("head: checksum")
    if kind == "problem":
        return codec.decode_problem(head, c.ref)
    if kind != "report":
        raise codec.DamagedRow("unknown kind")
    return LazyReport.from_head(codec.decode_head(head, c.ref, c.size, c.mtime_ns), _body_key(rid, c), store)


def _from_parts(c: Candidate, p: Parts, rid: int | None, lazy: bool, store: BodyStore) -> Report | Finding:
    """What a fresh parse gives the library: the parsed report itself when it is at hand (parsed in this
    process) and the library is small, else a lazy report (body from the cache, or from the source)."""
    if p["kind"] == "problem":
        return loader.problem_of(c, p)
    full = p.get("report")
    if full is not None and (not lazy or rid is None):
        return full
    key = _body_key(rid, c) if rid is not None else None
    return loader.lazy_from_parts(c, p, key, store)
