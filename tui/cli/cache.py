"""`reports-tui cache info|clear`: where the parse cache is and what it holds, or delete it.

Both always answer: a cache that cannot be opened (a folder in its place, a damaged file, a folder
that cannot be written) is described, and `clear` removes whatever stands where the cache belongs.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from .common import EXIT_OK, EXIT_PROBLEM


def cmd_cache(args: argparse.Namespace) -> int:
    """`reports-tui cache clear|info`."""
    from ..index.store.cache import CacheUnavailable, ParseCache, cache_path, clear_cache

    p = cache_path()
    if args.action == "clear":
        try:
            existed = clear_cache(p)
        except OSError as exc:
            print(f"reports-tui: cannot remove the cache {p}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_PROBLEM
        print(f"removed {p}" if existed else f"no cache at {p}")
        return EXIT_OK
    if not os.path.lexists(p):
        print(f"no cache at {p}")
        return EXIT_OK
    if not os.path.isfile(p):
        print(f"reports-tui: {p} is not a cache file (`reports-tui cache clear` removes it)", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        cache = ParseCache(p)
        try:
            info = cache.info()
        finally:
            cache.close()
    except (CacheUnavailable, sqlite3.Error, OSError) as exc:
        print(f"reports-tui: cannot read the cache {p}: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"cache       {info['path']}")
    print(f"size        {info['bytes'] / 1e6:.1f} MB")
    for what, size in info["split"].items():
        print(f"  {what:<20} {_size(size):>10}")
    print(f"reports     {info['reports']} from {info['files']} files ({info['problems']} unreadable)")
    print(f"vocabulary  {info['vocabularies']} variant(s)")
    print(f"parser      {info['parser']}")
    return EXIT_OK


def _size(n: int) -> str:
    """`12.3 MB`, or `68 KB` below a megabyte."""
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"
