"""Everything derived from a loaded library: KPI series, projects, timelines, the
search index (pure Python; no Textual or Rich).

A `Workspace` owns what is computed per library, computing each thing once, on first use, from any
thread. `replace(library)` is the one place derived state is thrown away (a reload); a computation
still running for the library replaced is dropped when it finishes, never stored for the new one.
Nothing is stashed on `Library` itself.

The search index is the exception that proves the rule: it is not thrown away but follows the library
(`SearchIndex.sync`: reports gone or changed are dropped, new ones added), also while a library is
still loading (`show_partial`): a search then answers from the reports read so far and says so. With
`use_cache`, it is read from and saved to the parse cache (`store.searchdb`), where `reports-tui
search` finds it too.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .library import EVERYONE, Library, is_team

if TYPE_CHECKING:
    from ..config import TeamSettings
    from ..model.report import Report
    from .digest import Digest
    from .roster import Roster
    from .authors import AuthorNames
    from .search.engine import SearchIndex, SearchResult
    from .series import Series
    from .stored import Stored
    from .team import TeamWeek
    from .timeline import ProjectInfo, Timeline

T = TypeVar("T")


class Workspace:
    """A loaded library and what is derived from it, each computed once (thread-safe); `use_cache`: the
    search index is read from and saved to the parse cache; `check_files`: the saved index's record of
    the files is brought up to date even when the index itself did not change; `pinyin`: the index is
    saved with pinyin readings (else, to spare loading pypinyin, without, until a pinyin query: then
    written alone, the other parts as saved);
    `hold_saved`: an index built in memory is held, once saved, as read back from the cache (compressed,
    a quarter of the memory: for a long-running app, not for a process that answers once and exits)."""

    def __init__(self, library: Library | None = None, use_cache: bool = False, check_files: bool = False,
                 pinyin: bool = True, notice: Callable[[str], None] | None = None, hold_saved: bool = False) -> None:
        self.library = library if library is not None else Library()
        self.notice = notice  # told (once per index) when a saved search index did not check out
        self.use_cache = use_cache
        self.check_files = check_files  # look at the files even when the index did not change (see `_save_index`)
        self.pinyin = pinyin  # a saved index gets pinyin readings (pypinyin: ~0.3–1 s to load) with it
        self.hold_saved = hold_saved
        self._lock = threading.RLock()
        self._generation = 0
        self._derived: dict[Any, Any] = {}
        self._partial: tuple[list[Report], int, Library] | None = None  # reports read so far, of how many
        # files, and (without reports) the library they are loaded for
        self._index: SearchIndex | None = None  # what queries read (published: `_publish`)
        self._unpublished: SearchIndex | None = None  # read back from the cache, not synced with the library yet
        self._index_lock = threading.Lock()  # one sync of the index at a time
        self._checks_lock = threading.Lock()  # one reading through of the saved index (`check_saved_index`)

    def replace(self, library: Library) -> None:
        """Show another library (a reload, or the end of a load): every derived value is dropped; the
        search index follows it when next used."""
        with self._lock:
            self.library = library
            self._generation += 1
            self._derived = {}
            self._partial = None

    def show_partial(self, reports: list[Report], total: int, library: Library | None = None,
                     stored: Stored | None = None) -> None:
        """While a library loads: the reports read so far (of `total` files), for search to answer from;
        `library`: the (empty) library being loaded, for its paths and vocabulary; `stored`: what the
        parse cache knows of those reports (their rows)."""
        library = library if library is not None else self.library
        if stored is not None:
            library = dataclasses.replace(library, stored=stored)
        with self._lock:
            self._partial = (list(reports), total, library)

    @property
    def loading(self) -> bool:
        """Whether a library is still loading (`show_partial` was called since the last `replace`)."""
        return self._partial is not None

    def _get(self, key: Any, compute: Callable[[Library], T]) -> T:
        with self._lock:
            if key in self._derived:
                return self._derived[key]
            lib, gen = self.library, self._generation
        value = compute(lib)
        with self._lock:
            if gen == self._generation:
                value = self._derived.setdefault(key, value)
        return value

    def peek(self, key: Any) -> Any:
        """A derived value if it has been computed for the current library, else None (never computes)."""
        with self._lock:
            return self._derived.get(key)

    # -- derived values ------------------------------------------------------------------------
    def kpi_series(self, author: Any = EVERYONE) -> list[Series]:
        """Every KPI as a series over the library's reports (`series.kpi_series`), or over one author's
        (a name, or None: the reports of a team's library that name nobody). Read-only."""
        from .series import kpi_series

        if author is EVERYONE or not self.is_team():
            return self._get("kpi_series", kpi_series)
        return self._get(("kpi_series", author), lambda lib: kpi_series(lib, lib.by_author(author)))

    def authors(self) -> list[str]:
        """Every author of the library, in order of their first report (`Library.authors`)."""
        return self._get("authors", Library.authors)

    def author_names(self) -> AuthorNames:
        """The authors with their spellings, named by the one rule of `authors.AuthorNames` (`--author`,
        `by:`, the palette); while a library loads, those of the reports read so far."""
        from .authors import library_names

        with self._lock:
            partial = self._partial
        if partial is not None:
            reports, _total, loading = partial
            return library_names(Library(reports=list(reports), paths=loading.paths, vocab=loading.vocab))
        return self._get("author_names", library_names)

    def is_team(self) -> bool:
        """Whether the library holds several people's reports (then everything follows one author)."""
        return is_team(self.authors())

    def author_of(self, report: Report | None) -> Any:
        """Whose series a report belongs to: its author in a team's library, else `EVERYONE`."""
        if report is None or not self.is_team():
            return EVERYONE
        return report.author

    def reports_of(self, author: Any = EVERYONE) -> list[Report]:
        """One author's reports in week order (every report for `EVERYONE` or a one-person library)."""
        if author is EVERYONE or not self.is_team():
            return self.library.reports
        return self._get(("reports_of", author), lambda lib: lib.by_author(author))

    def team_week(self, report: Report, week: str | None = None) -> TeamWeek:
        """Every report of a report's week (or of `week`: an ISO week), filed under it or covering it,
        joined under their authors' names (`team.team_week`)."""
        from .team import covering, team_week, week_of

        if week is not None:
            return self._get(("team_week", week), lambda lib: team_week(covering(lib.reports, week), week, lib.vocab))
        key = report.week or id(report)
        return self._get(("team_week", key),
                         lambda lib: team_week(week_of(lib.reports, report), report.week or report.label, lib.vocab))

    def roster(self, settings: TeamSettings) -> Roster:
        """Who filed for which week, by the `[team]` settings (`roster.Roster`)."""
        from .roster import Roster

        names = self.author_names()
        return self._get(("roster", settings), lambda lib: Roster(lib.reports, settings, names))

    def digest(self, week: str, settings: TeamSettings) -> Digest:
        """One week of the team rolled up: roster, projects and their changes, KPI moves (`digest`)."""
        from .digest import build_digest

        roster = self.roster(settings)
        return self._get(("digest", week, settings),
                         lambda lib: build_digest(lib.reports, week, settings, lib.vocab, roster))

    def team_weeks(self) -> list[str]:
        """Every ISO week some report covers, in order (`team.team_weeks`)."""
        from .team import team_weeks

        return self._get("team_weeks", lambda lib: team_weeks(lib.reports))

    def projects(self) -> list[ProjectInfo]:
        """Every project of the library, those in the most weeks first (`timeline.projects`)."""
        from .timeline import projects

        return self._get("projects", projects)

    def timeline(self, key: str) -> Timeline:
        """One project's timeline (`timeline.timeline`)."""
        from .timeline import timeline

        return self._get(("timeline", key), lambda lib: timeline(lib, key))

    # -- search --------------------------------------------------------------------------------
    def _search_target(self) -> tuple[list[Report], int | None, Library]:
        """The reports to search, how many files there are while loading (None: the library is whole)."""
        with self._lock:
            if self._partial is not None:
                return self._partial
            return list(self.library.reports), None, self.library

    def _search_size(self) -> tuple[int | None, int]:
        """`_search_target`'s total (None: the library is whole) and how many reports a search answers
        for, without listing them (a walk over 10,000 reports: ~6–15 ms a keystroke)."""
        with self._lock:
            if self._partial is not None:
                reports, total, _lib = self._partial
                return total, total if total is not None else len(reports)
            return None, len(self.library.reports)

    def search_index(self, progress: Callable[[int, int], None] | None = None) -> SearchIndex:
        """The search index, holding exactly the library's reports (or, while loading, those read so
        far): read from the parse cache and grown when the library was searched before, built
        otherwise, and saved back when the library is whole. `progress(done, total)` while reports are
        added. A second caller waits for a sync under way. A saved index found damaged meanwhile (its
        parts read through by the sync, or by saving it again) is built again, with one notice."""
        try:
            return self._sync_index(progress)
        except Exception as exc:
            index = self._index or self._unpublished  # (damaged rows found by its sync: not published yet)
            if index is None or not self._let_go_damaged(index, exc):
                raise
            return self._sync_index(progress)

    def _sync_index(self, progress: Callable[[int, int], None] | None) -> SearchIndex:
        """`search_index`'s work."""
        from .search.engine import SearchIndex
        from .store.searchdb import give_back_memory

        with self._index_lock:
            reports, total, library = self._search_target()
            index = self._index
            built = False
            if index is None:
                index, self._unpublished = self._unpublished, None  # (read ahead: `preload_search_index`)
                if index is None and not self._build_anew:
                    index = self._stored_index(library)
                self._build_anew = False
                if index is None and total is None:  # (whole: built as it is saved, then read back)
                    index = self._built_as_saved(reports, library, progress)
                built = index is None
                if built:  # (made from the library's reports: searched as they are added)
                    self._index = index = SearchIndex()
                else:  # (read back: its reports are the cache's rows until the sync adopts the library's)
                    self._unpublished = index
            records = functools.partial(self._records, stored=library.stored)
            index.sync(reports, records, progress, adopted=functools.partial(self._publish, index))
            if total is None and self._search_size()[0] is None:  # (still whole: no list of its reports made)
                if index.dead_share > 0.25:  # mostly replaced reports: build anew
                    fresh = SearchIndex()
                    fresh.sync(reports, records)
                    self._index = index = fresh
                changed = index.changes != index.saved_changes or (self.pinyin and not index.pinyin_ready)
                if self.use_cache and library.paths and (changed or self.check_files):
                    self._save_index(index, library)
                    held = self._held_as_saved(index, library) if built and self.hold_saved else None
                    if held is not None:
                        # (read back, its reports are rows of the cache: given the library's own, which
                        # hits carry — a query asked without waiting must never get a row for a report)
                        held.sync(reports, records)
                        self._index = index = held  # (the built one is let go of here …)
                        gc.collect()  # (… its dictionaries and records freed whole, then given back)
                        give_back_memory()
                index.settle()
                self._update_postings(index, library)
                if self.pinyin:
                    index.warm()
            return index

    def _built_as_saved(self, reports: list[Report], library: Library,
                        progress: Callable[[int, int], None] | None) -> SearchIndex | None:
        """The index of a whole library built for the first time, written to the cache as it is built
        (`IndexData.stream`: it holds a batch of reports' lines, not every line) and then read back as
        a saved index is; None when it is not to be saved or could not be (it is then built in memory)."""
        if not (self.use_cache and library.paths):
            return None
        from .search.engine import SearchIndex
        from .search.docs import Doc
        from .store.searchdb import IndexWriter, cache_file, fingerprint, give_back_memory, same_files, scan_state

        index = SearchIndex()
        index.stream(IndexWriter(cache_file(), self._index_key(library)))
        if self.pinyin:
            index.char_pinyin = {}  # (the readings of each hanzi learnt as its lines are added: saved with it)
        records = functools.partial(self._records, stored=library.stored)
        index.sync(reports, records, progress)
        state = scan_state(library.paths)
        fp = fingerprint(state) if same_files(state, map(Doc.of, reports)) else ""
        saved = index.finish(fp, self._held_rows(library))
        del index
        give_back_memory()
        return self._stored_index(library) if saved else None

    @staticmethod
    def _held_rows(library: Library) -> list[int]:
        """The library's rows whose stored search records a saved index takes over (they are then deleted
        from the cache: the index holds them), when the library was read from the cache saved into."""
        from .store.searchdb import cache_file

        stored = library.stored
        return stored.rids() if stored is not None and str(cache_file()) == stored.cache_file else []

    def _publish(self, index: SearchIndex) -> None:
        """Let queries see an index read back from the cache, now that its reports are the library's
        (before, a keystroke's hits would carry the cache's rows, which no preview or opening can read)."""
        if self._unpublished is index:
            self._unpublished = None
            self._index = index

    def _held_as_saved(self, index: SearchIndex, library: Library) -> SearchIndex | None:
        """The index just built and saved, as read back from the cache (the same contents, its texts
        compressed); None when it was not saved or cannot be read back."""
        from .store.searchdb import cache_file, fold_log

        if not index.persisted_as:
            return None
        saved = self._stored_index(library)
        fold_log(cache_file())  # (read back by a read-only connection: no log left beside the cache)
        if saved is None or saved.ndocs != index.ndocs or saved.persisted_as != index.persisted_as:
            return None
        return saved

    def _update_postings(self, index: SearchIndex, library: Library) -> None:
        """The index's posting index brought up to date (in the cache folder, beside the saved index)."""
        from .store.searchdb import cache_file, update_postings

        saved = self.use_cache and bool(library.paths)
        update_postings(index, cache_file().parent if saved else None, self._index_key(library) if saved else "")

    def preload_search_index(self, library: Library) -> None:
        """Read the saved search index of a library about to be loaded (`library`: its paths and
        vocabulary, no reports yet), so that it is at hand when the library is."""
        with self._index_lock:
            if self._index is None and self._unpublished is None and not self._build_anew:
                self._unpublished = self._stored_index(library)  # (published by its first sync: `_publish`)

    @staticmethod
    def _records(reports: list[Report], stored: Stored | None) -> list[Any]:
        """The search records of reports: read from the parse cache for reports loaded from it (`stored`
        has their rows; their bodies stay unread), computed otherwise."""
        from .search.records import decode_record, doc_record
        from .store.loader import passing_read
        from .store.searchdb import read_records

        rows = [stored.row(r) for r in reports] if stored is not None else [None] * len(reports)
        by_file: dict[str, list[int]] = {}
        for row in rows:
            if row is not None:
                by_file.setdefault(row[0], []).append(row[1])
        got = {(f, rid): rec for f, rids in by_file.items() for rid, rec in read_records(f, rids).items()}
        out = []
        for r, row in zip(reports, rows):
            rec = decode_record(got[row]) if row is not None and row in got else None
            # (damaged or missing — held by a saved index that could not be read: computed again, the
            # report keeping none of the body it read for it)
            out.append(rec if rec is not None else passing_read(r, doc_record))
        return out

    def _index_key(self, library: Library) -> str:
        from .search.records import vocab_key
        from .store.searchdb import index_key

        return index_key(vocab_key(library.vocab), library.paths)

    def _stored_index(self, library: Library) -> SearchIndex | None:
        """The library's index as last saved, if the cache has a sound one."""
        if not (self.use_cache and library.paths):
            return None
        from .search.index import DamagedIndex
        from .store.searchdb import cache_file, open_saved

        try:
            got = open_saved(cache_file(), self._index_key(library), lazy=False)
        except DamagedIndex as exc:
            if self.notice is not None:
                self.notice(f"the saved search index did not check out ({exc}); it is built again")
            return None
        if got is None:
            return None
        index, fp, _close = got
        index.persisted_as = fp
        index.saved_changes = index.changes
        return index

    def _save_index(self, index: SearchIndex, library: Library) -> None:
        """Save the index when it changed, with the fingerprint of the files it holds (empty when the
        files changed meanwhile: then `reports-tui search` does not trust it)."""
        from .store.searchdb import (cache_file, fingerprint, give_back_memory, same_files, save_index, save_readings,
                                     scan_state, update_fingerprint)

        state = scan_state(library.paths)
        with index.lock:  # (one report at a time: a list of every `Doc` is ~1 KB a report)
            fp = fingerprint(state) if same_files(state, (doc for doc, dead in zip(index.each_doc(), index.doc_dead)
                                                          if not dead)) else ""
        if index.changes == index.saved_changes and (index.pinyin_ready or not self.pinyin):
            if index.persisted_as == fp:
                return
            # the same contents as saved: only the record of the files changed (a file that is no report)
            if update_fingerprint(cache_file(), self._index_key(library), fp):
                index.persisted_as = fp
            return
        if index.changes == index.saved_changes and index.persisted_as == fp:
            # the same contents as saved, without pinyin readings: they are made and written alone (the
            # other parts stay as saved: at 100,000 reports ~1 GB not written again)
            save_readings(index, cache_file(), self._index_key(library))
            return
        if self.pinyin:
            index.prepare_pinyin()  # (saved with it: pinyin queries then need no pypinyin)
            index.warm()  # (the names' spelling table saved with it too: a one-query process reads it back)
        with index.lock:
            # (what only growing needs is let go of first: at 10,000 reports ~300 MB of dictionaries of
            # every text, beside the parts made from them; made again if the index grows later)
            index.settle()
        give_back_memory()
        with index.lock:
            parts = index.to_parts()
            changes = index.changes
        if save_index(cache_file(), self._index_key(library), fp, parts, self._held_rows(library)):
            index.persisted_as = fp
            index.saved_changes = changes

    def _let_go_damaged(self, index: SearchIndex, exc: Exception) -> bool:
        """Whether a query's error is a saved index that no longer reads back (its parts are read on
        demand from the cache file, damaged or unreadable since it was opened and checked): then it is
        let go of, with one notice, and built again from the reports by the next sync."""
        import sqlite3

        from .search.index import DamagedIndex

        if not isinstance(exc, (DamagedIndex, sqlite3.Error)) or getattr(index, "_parts", None) is None:
            return False
        with self._index_lock:
            if self._index is index or self._unpublished is index:
                self._index = self._unpublished = None
                self._build_anew = True
        if self.notice is not None:
            self.notice(f"the saved search index did not check out ({exc}); it is built again")
        return True

    _build_anew = False  # (the saved index did not read back: the next sync builds one, not reads it)

    def _damaged_after_all(self, index: SearchIndex) -> bool:
        """Whether a query's error came from a saved index whose parts, read through now (when its
        opening left them for later), do not check out: it is then built again (`check_saved_index`)."""
        if getattr(index, "_parts", None) is None:
            return False
        self.check_saved_index()  # (or waits for the one under way)
        return self._index is not index

    def check_saved_index(self, between_searches: bool = False, stopped: Callable[[], bool] | None = None) -> bool:
        """Read through the parts of the saved index the app holds that its opening left unchecked
        (`parts.from_parts` with `later`: the first query needs only the small parts), once; when one
        does not check out the index is let go of, with one notice, and built again here. Whether it
        was (the answers shown came from a damaged index: the caller asks its query again).
        `between_searches` (a background caller): the reading waits while searches are under way
        (`quiet.Quiet`), so that a keystroke's search never shares the machine with it; and gives up,
        left for another time, as soon as `stopped()` says so (the app quits: it waits for its threads)."""
        from .search.quiet import Stopped

        index = self._index
        checks = getattr(index, "late_checks", None)
        if index is None or checks is None:
            return False
        with self._checks_lock:
            if index.late_checks is None:  # (another caller ran them meanwhile)
                return False
            index.late_checks = None
            pause = functools.partial(index.quiet.wait, stopped) if between_searches else None
            try:
                checks(pause)
            except Stopped:
                index.late_checks = checks  # (read through another time, from the start)
                return False
            except Exception as exc:  # noqa: BLE001 - a damaged part, or the cache file unreadable since
                if self._index is not index:
                    return False  # (let go of meanwhile: closed, its parts no longer to be read)
                if not self._let_go_damaged(index, exc):
                    raise
                self.search_index()
                return True
        return False

    def cached_search_index(self) -> SearchIndex | None:
        """The search index as it is now, if there is one (never builds or syncs)."""
        return self._index

    def search(self, query: str, limit: int = 50, authors: tuple[str, ...] | list[str] = (),
               wait: bool = True, counted: bool = True) -> SearchResult:
        """Search the library. With `wait`, the index is first brought up to date; without, the index
        is searched as it is now (a background sync may be under way; with no index yet, nothing is
        searched: the index is never made by a query) and the result says how many reports were searched of how many
        (`SearchResult.complete`); without `counted`, the total may be a lower bound (`SearchIndex.search`)."""
        total, expected = self._search_size()
        if wait:
            index = self.search_index()
            if self.check_saved_index():  # (an answer waited for is one from an index read through)
                index = self.search_index()
        elif self._index is None:  # (never built here: the index is made by its sync, asked again after)
            from .search.engine import SearchResult, parse_query

            return SearchResult(parse_query(query, list(authors)), [], 0, capped=True, searched=0, of=expected)
        else:
            index = self._index
        try:
            result = index.search(query, limit=limit, authors=authors, counted=counted,
                                  names=lambda *args: self.author_names().naming(*args))  # (asked only for `by:`)
        except Exception as exc:
            if self._let_go_damaged(index, exc) or self._damaged_after_all(index):
                return self.search(query, limit, authors, wait=True, counted=counted)
            raise
        if total is not None or result.searched != expected:
            result.of = max(expected, result.searched)
        return result
