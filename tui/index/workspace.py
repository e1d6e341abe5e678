"""Opening a library, and everything derived from a loaded one: KPI series, projects, timelines, the
search index (pure Python; no Textual or Rich).

A `Workspace` owns what is computed per library, computing each thing once, on first use, from any
thread. `replace(library)` is the one place derived state is thrown away (a reload); a computation
still running for the library replaced is dropped when it finishes, never stored for the new one.
Nothing is stashed on `Library` itself.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from .library import Library, ProgressFn

if TYPE_CHECKING:
    from .search.engine import SearchIndex, SearchResult
    from .series import Series
    from .store.cache import CacheNotice
    from .timeline import ProjectInfo, Timeline

T = TypeVar("T")


def open_library(
    paths: Iterable[str | os.PathLike] | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    progress: ProgressFn | None = None,
    use_cache: bool = True,
    notice: CacheNotice | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Library:
    """Load a library the way the app and the subcommands do: through the parse cache unless `use_cache`
    is false (a cache that cannot be used is noted in `notice`, never an error); `cancelled()` true
    abandons the load (`model.source.Cancelled`)."""
    from .store.cache import load_library_cached

    return load_library_cached(paths, vocab=vocab, progress=progress, use_cache=use_cache, notice=notice,
                               cancelled=cancelled)


class Workspace:
    """A loaded library and what is derived from it, each computed once (thread-safe)."""

    def __init__(self, library: Library | None = None) -> None:
        self.library = library if library is not None else Library()
        self._lock = threading.RLock()
        self._build = threading.Lock()  # one expensive build at a time (a second caller waits for it)
        self._generation = 0
        self._derived: dict[Any, Any] = {}

    def replace(self, library: Library) -> None:
        """Show another library (a reload): every derived value is dropped."""
        with self._lock:
            self.library = library
            self._generation += 1
            self._derived = {}

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
    def kpi_series(self) -> list[Series]:
        """Every KPI as a series over the library's reports (`series.kpi_series`). Read-only."""
        from .series import kpi_series

        return self._get("kpi_series", kpi_series)

    def projects(self) -> list[ProjectInfo]:
        """Every project of the library, those in the most weeks first (`timeline.projects`)."""
        from .timeline import projects

        return self._get("projects", projects)

    def timeline(self, key: str) -> Timeline:
        """One project's timeline (`timeline.timeline`)."""
        from .timeline import timeline

        return self._get(("timeline", key), lambda lib: timeline(lib, key))

    def search_index(self, progress: Callable[[int, int], None] | None = None) -> SearchIndex:
        """The search index of the library, built on first use; `progress(done, total)` while it is built.
        A second caller waits for the build under way instead of starting another."""
        index = self.peek("search_index")
        if index is not None:
            return index
        from .search.engine import build_index
        from .store.loader import stored_row

        with self._build:
            return self._get("search_index", lambda lib: build_index(lib, progress, stored_row))

    def cached_search_index(self) -> SearchIndex | None:
        """The search index if it is built for the current library (never builds)."""
        return self.peek("search_index")

    def cache_view(self) -> Any:
        """The parse cache's view of the library (`search.cached.library_view`), answering searches
        while the index is built; None when the library was not loaded from one cache file."""
        from .search.cached import library_view
        from .store.loader import stored_row

        return library_view(self.library, stored_row)

    def search(self, query: str, limit: int = 50) -> SearchResult:
        """Search the library (building its index on first use)."""
        return self.search_index().search(query, limit=limit)
