"""The one way a library is loaded, by the app and by every subcommand alike."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Iterable

from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from .library import Library, ProgressFn, bundled_seeds

if TYPE_CHECKING:
    from ..model.report import Report
    from .store.cache import ParseCache
    from .store.loading import CacheNotice
    from .stored import Stored


def library_paths(paths: Iterable[str | os.PathLike] | None) -> list[str]:
    """The paths a library is read from, as given (the bundled seeds when none are)."""
    return [str(p) for p in (paths or [])] or [str(bundled_seeds())]


def load_library(
    paths: Iterable[str | os.PathLike] | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    progress: ProgressFn | None = None,
    use_cache: bool = False,
    notice: CacheNotice | None = None,
    snapshot: Callable[[list[Report], int, Stored | None], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    cache: ParseCache | None = None,
    shown: Library | None = None,
) -> Library:
    """Load every report under the paths (the bundled seeds when none are given), through the parse cache
    when `use_cache` (a cache that cannot be used is noted in `notice`, never an error; what it knew of
    the library is `Library.stored`); `progress(done, total)` as files are read; `snapshot(reports,
    total, stored)`: the reports read so far, now and then; `cancelled()` true abandons the load
    (`model.source.Cancelled`). `cache`, `shown`: as `stored_library` gave them (its files are then
    checked, and `shown` is the library returned when none changed)."""
    from .store.loading import load_library_cached

    return load_library_cached(library_paths(paths), vocab=vocab, progress=progress, use_cache=use_cache,
                               notice=notice, snapshot=snapshot, cancelled=cancelled, cache=cache, shown=shown)


def stored_library(paths: Iterable[str | os.PathLike] | None, vocab: Vocabulary, notice: CacheNotice
                   ) -> tuple[Library | None, ParseCache | None]:
    """The library as the parse cache's summary of it last stored it, before any file is looked at (None
    when there is none), and the cache to hand `load_library` (which checks the files)."""
    from .store.loading import open_cache
    from .store.loading import stored_library as stored

    cache = open_cache(notice)
    return (stored(library_paths(paths), vocab, cache) if cache is not None else None), cache
