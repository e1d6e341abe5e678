"""Reading the library in a background thread, told to the app as messages.

The load runs in a daemon thread of its own, not a Textual worker: quitting never waits for it (a
worker's thread is joined when the app ends), and it stops at its next look at its stop event, ending
its worker processes. A newer load abandons an older one. What happens is posted as messages
(`LoadProgress`, `LibraryGrew`, `LibraryLoaded`, `LoadFailed`); the app's handlers change state.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import TYPE_CHECKING, Callable

from textual.message import Message

from ..index.library import Library, assign_authors, bundled_seeds
from ..index.load import load_library, stored_library
from ..index.workspace import Workspace
from ..model.report import Report, SourceRef
from ..model.source import Cancelled
from ..model.vocab import Vocabulary
from .messages import LibraryGrew, LibraryLoaded, LoadFailed, LoadProgress

if TYPE_CHECKING:
    from ..index.stored import Stored

REREAD_TRIES = 6  # how often a reload reads again while the open report's file is there but unreadable
REREAD_WAIT_S = 0.25
PAINT_WAIT_S = 2.0  # a library shown as stored is checked once it is painted, or after this long at most
STORED_WAIT_S = 0.5  # how long the main screen's first frame waits for the library as stored (`stored`)
READ_WAIT_S = 0.1  # … and, none being stored (a small library), for the library as read
LONG_LIVED_AT = 500  # reports from which a loaded library and its search index are kept out of collections
YOUNG_COLLECTION_AT = 50_000  # objects made (less those freed) between young collections, such a library loaded


_pause_lock = threading.Lock()
_pauses: set[object] = set()


def pause_collection() -> object:
    """Hold automatic garbage collection off (until `resume_collection` of what this returns) while
    objects that live on are made: a library's load, the app's start (its widgets, styles and first
    frame). A collection meanwhile frees next to nothing: a full one, scanning every object that
    Textual's and reports-tui's modules made, took ~15–20 ms of the seeds' first screen."""
    token = object()
    with _pause_lock:
        _pauses.add(token)
        gc.disable()
    return token


def resume_collection(token: object) -> None:
    """End a pause: collection runs again once no pause holds it off (ending one twice does nothing)."""
    with _pause_lock:
        _pauses.discard(token)
        if not _pauses:
            gc.enable()


def keep_out_of_collections(reports: int) -> None:
    """Move every object alive now out of the garbage collector's reach when a library of `reports`
    reports (and its search index) was just made: they live until the next reload (which lets them be
    collected again). A full collection otherwise scans them all (~30–80 ms at 10,000 reports). And
    collect young objects less often: each keystroke makes and drops tens of thousands (hits, rows,
    drawn lines), which at Python's default (700) start a full collection every few keys (15–40 ms
    at 10,000 reports, what the search index made on demand since still scanned), on whichever thread
    — often the one drawing the list."""
    if reports >= LONG_LIVED_AT:
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION_AT, older, oldest)


class LibraryLoader:
    """Loads the library of `paths` (the bundled seeds when empty) in a background thread, one load at a
    time, posting messages with `post`; `workspace` gets the reports read so far while a load runs."""

    def __init__(self, post: Callable[[Message], object], workspace: Workspace, paths: list[str],
                 vocabulary: Callable[[], Vocabulary], use_cache: bool) -> None:
        self.post = post
        self.workspace = workspace
        self.paths = list(paths)
        self.vocabulary = vocabulary
        self.use_cache = use_cache
        self._stop: threading.Event | None = None  # set to abandon the load under way
        self._thread: threading.Thread | None = None
        self._painted = threading.Event()  # the library shown as stored is on screen (or the load stopped)
        self._stored_read = threading.Event()  # the first load's look at the stored library is over
        self._stored: LibraryLoaded | None = None  # what it posted: the library as stored
        self._read_over = threading.Event()  # the first load's read is over (`_read_msg`: what it posted)
        self._read_msg: LibraryLoaded | None = None

    def start(self, reload: bool = False, keep: SourceRef | None = None) -> None:
        """Begin a load (abandoning one under way). `keep`: the report open now, which a reload reads
        again before giving it up (an editor that truncates a file and then writes it leaves it empty for
        a moment)."""
        self.stop()
        stop = threading.Event()
        self._stop = stop
        self._stored, self._stored_read = None, threading.Event()
        self._read_msg, self._read_over = None, threading.Event()
        if reload or not self.use_cache:
            self._stored_read.set()
        self._thread = threading.Thread(target=self._run, args=(reload, keep, stop), name="reports-tui-load",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Abandon the load under way, if any (it stops at its next look; nothing it finds is posted)."""
        if self._stop is not None:
            self._stop.set()
        self._painted.set()

    def painted(self) -> None:
        """The library shown as stored is on screen: checking its files may begin (they are checked
        after it is painted, not while)."""
        self._painted.set()

    def stored(self, wait: float) -> LibraryLoaded | None:
        """The first load's library as stored (its `LibraryLoaded`, posted as well), waiting up to `wait`
        seconds for the cache to be read; when none is stored (a library too small to keep a summary,
        or read without the cache), the library as read if that ends within `READ_WAIT_S`; None when
        neither is there (or not yet). The main screen's first frame shows it: the frame is otherwise
        drawn twice, loading and then loaded, when the read (a thread) ends just after the screen
        mounts."""
        stored_read, read = self._stored_read, self._read_over
        stored_read.wait(wait)
        if self._stored is None and stored_read.is_set() and read.wait(READ_WAIT_S):
            return self._read_msg
        return self._stored

    def running(self, wait: float = 0.0) -> bool:
        """Whether a load (or one abandoned) is still running, after waiting up to `wait` seconds for it."""
        thread = self._thread
        if thread is not None and wait > 0:
            thread.join(wait)
        return thread is not None and thread.is_alive()

    # ── in the load thread ───────────────────────────────────────────────────────────────────────

    def _run(self, reload: bool, keep: SourceRef | None, stop: threading.Event) -> None:
        read = self._read_over
        try:
            self._load(reload, keep, stop, read)
        finally:
            read.set()  # (the load's read is over, however it ended: `stored` waits for it)

    def _load(self, reload: bool, keep: SourceRef | None, stop: threading.Event, read: threading.Event) -> None:
        from ..index.store.loading import CacheNotice
        from ..index.store.loader import LoadMeter

        def show(meter: LoadMeter) -> None:
            if not stop.is_set():
                self.post(LoadProgress(meter.done, meter.total, meter.text()))

        vocab = self.vocabulary()
        loading = Library(paths=self.paths or [str(bundled_seeds())], vocab=vocab)
        if reload:
            gc.unfreeze()  # the library being replaced may be collected again
        pause = pause_collection()  # (a large library is ~1M long-lived objects)
        notice = CacheNotice()
        shown, cache, shown_problems = None, None, None
        try:
            if not reload and self.use_cache:
                # A first load: the library as stored shows at once; its files are checked after, and
                # what changed replaces it as a first load's end does (the reader who moved keeps
                # their place; else the newest report opens).
                stored_read = self._stored_read
                try:
                    shown, cache = stored_library(self.paths, vocab, notice)
                    if shown is not None and not stop.is_set():
                        shown_problems = list(shown.problems)
                        self._painted.clear()
                        message = LibraryLoaded(shown)
                        if self._stored_read is stored_read:  # (not a newer load's)
                            self._stored = message
                        self.post(message)
                finally:
                    stored_read.set()
                if shown is not None and not stop.is_set():
                    self._painted.wait(PAINT_WAIT_S)
            snapshot = self._snapshots(loading, reload or shown is not None, stop)
            lib = self._read(vocab, LoadMeter(show), notice, stop, snapshot, cache, shown)
            for _ in range(REREAD_TRIES if keep is not None else 0):
                if stop.is_set() or any(r.source == keep for r in lib.reports) or not _exists(keep):
                    break
                # The open report is unreadable (empty, half written) but its file is there: read again
                # shortly instead of jumping to another week.
                stop.wait(REREAD_WAIT_S)
                lib = self._read(vocab, None, notice, stop)
        except Cancelled:
            return
        except Exception as exc:  # a broken cache or folder must not kill the app
            if not stop.is_set():
                self.post(LoadFailed(f"{type(exc).__name__}: {exc}", exc))
            return
        finally:
            resume_collection(pause)
        if stop.is_set():
            return
        keep_out_of_collections(len(lib.reports))  # (it lives until the next reload)
        if lib is shown and lib.problems == shown_problems and not notice.messages:
            return  # (nothing changed since the library shown was stored)
        message = LibraryLoaded(lib, reload=reload, notices=notice.messages, checked=shown is not None)
        if shown is None and not reload and self._read_over is read:  # (not a newer load's)
            self._read_msg = message
        self.post(message)

    def _snapshots(self, loading: Library, reload: bool, stop: threading.Event):
        """The load's `snapshot(reports, total, stored)`: the reports read so far (and what the parse cache
        knew of them) go to the workspace (search answers from them before the load ends) and, on a first load, as a library in week order for the
        week list — as often as sorting them costs at most a tenth of the time."""
        made = [0.0, 0.0]  # when the last partial library was made, and what it cost

        def snapshot(reports: list[Report], total: int, stored: Stored | None = None) -> None:
            if stop.is_set():
                return
            self.workspace.show_partial(reports, total, loading, stored)
            partial = None
            start = time.monotonic()
            if not reload and reports and start - made[0] >= max(1.0, 10 * made[1]):
                partial = Library(reports=list(reports), paths=list(loading.paths), vocab=loading.vocab)
                assign_authors(partial)  # (whose each report is, shown from the first list on)
                partial.sort()
                made[:] = [time.monotonic(), time.monotonic() - start]
            self.post(LibraryGrew(len(reports), total, partial))

        return snapshot

    def _read(self, vocab: Vocabulary, progress, notice, stop: threading.Event, snapshot=None, cache=None,
              shown: Library | None = None) -> Library:
        more = {} if cache is None else {"cache": cache, "shown": shown}  # (the cache `stored_library` opened)
        return load_library(self.paths, vocab=vocab, progress=progress, use_cache=self.use_cache, notice=notice,
                            snapshot=snapshot, cancelled=stop.is_set, **more)


def _exists(ref: SourceRef | None) -> bool:
    return ref is not None and os.path.lexists(ref.path)
