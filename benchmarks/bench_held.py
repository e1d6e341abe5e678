"""What the app's search index holds, in one process: the library loaded and its saved index read and
synced as the app does (`Workspace` with `hold_saved`, read ahead, then synced and warmed), then the
prefixes of some queries searched as the TUI asks them (a page, then the counted list). Prints RSS and
peak RSS after the sync and after each key, with the key's CPU (by hand, on a warm cache:
`python benchmarks/bench_held.py DIR [QUERY ...]`; `--traced`: what tracemalloc finds held after the
sync, by line, which slows every step)."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["贝易转", "存管路由", "byz", "in:O2 进度"]


def rss_mb() -> int:
    """The process's resident memory now, MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("queries", nargs="*", default=QUERIES)
    ap.add_argument("--traced", action="store_true")
    a = ap.parse_args()
    if a.traced:
        import tracemalloc

        tracemalloc.start()
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    cpu = time.process_time()
    library = load_library([a.path], use_cache=True)
    print(f"library loaded: RSS {rss_mb()} MB", flush=True)
    ws = Workspace(library, use_cache=True, hold_saved=True)
    ws.preload_search_index(library)
    print(f"index read: RSS {rss_mb()} MB, peak {peak_mb()} MB", flush=True)
    ws.search_index()
    print(f"synced: RSS {rss_mb()} MB, peak {peak_mb()} MB, CPU {time.process_time() - cpu:.1f} s", flush=True)
    if a.traced:
        for st in tracemalloc.take_snapshot().statistics("lineno")[:20]:
            print(f"  {st.size / 2 ** 20:7.1f} MB {st.count:9d}  {st.traceback[0].filename}:{st.traceback[0].lineno}")
    for q in a.queries:
        for i in range(1, len(q) + 1):
            cpu = time.process_time()
            ws.search(q[:i], limit=40, wait=False, counted=False)
            page = peak_mb()
            ws.search(q[:i], limit=300, wait=False, counted=True)
            print(f"{q[:i]!r:16} peak {page} / {peak_mb()} MB (page / list), RSS {rss_mb()} MB,"
                  f" CPU {time.process_time() - cpu:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
