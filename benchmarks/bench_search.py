"""Search latency per query over generated corpora, and the fuzzy scorer comparison behind search.

    .venv/bin/python benchmarks/bench_search.py [SIZES ...]      (default: 1000 10000)

For each size: generate the reports (benchmarks/generate.py), parse them into a parse cache, open them
from it as the app does (bodies on demand), build the search index from the cached search records
(and time reading it back from the cache), then time every prefix of each query as it would be typed
in the app (the keystroke → results path: `SearchIndex.search(prefix, limit=300)`), printing median,
p95, p99 and max in milliseconds, with the index's memory. Then, on the seeds, how rapidfuzz scorers
rank the right line for short Chinese queries with a typo.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

QUERIES = ["贝易转", "实时数仓", "存管路由", "上线", "POS", "byz", "beiyizhuan", "贝易砖", "实时数舱",
           "in:O2 进度", "week:2024-W20..2024-W29 存管", "kpi:成功率", "url:http", "cunguan"]


def _rss_mb() -> float:
    """Resident memory of this process in MB (Linux; 0 elsewhere)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def pct(values: list[float], p: float) -> float:
    """The p-quantile of some values (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def bench_size(n: int) -> None:
    """Build, save and read back the index of n generated reports, then time typing the queries."""
    from generate import generate

    from tui.index.store.cache import ParseCache
    from tui.index.store.loading import load_library_cached
    from tui.index.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "xdg")  # (the saved index goes to this cache)
        from tui.index.store.searchdb import cache_file

        corpus, cache = Path(tmp) / "reports", ParseCache(cache_file())
        t = time.perf_counter()
        generate(corpus, n)
        t_gen = time.perf_counter() - t
        t = time.perf_counter()
        load_library_cached([str(corpus)], cache=cache)  # parse and store
        t_load = time.perf_counter() - t
        # as the app opens it: from the cache, report bodies on demand (the index reads search records)
        lib = load_library_cached([str(corpus)], cache=cache)
        gc.collect()
        rss = _rss_mb()
        t = time.perf_counter()
        index = Workspace(lib, use_cache=True).search_index()  # built, then saved
        t_index = time.perf_counter() - t
        rss = _rss_mb() - rss
        t = time.perf_counter()
        index = Workspace(lib, use_cache=True).search_index()  # read back
        t_read = time.perf_counter() - t
        print(f"\n{n} reports ({len(index.entry_tid):,} entries, {index.ntexts:,} distinct lines, {index.nshapes:,}"
              f" shapes): generate {t_gen:.1f} s, parse {t_load:.1f} s, index built {t_index:.2f} s (with pinyin"
              f" readings, saved), read back {t_read:.2f} s, index memory ≈ {rss:.0f} MB (RSS growth), peak RSS"
              f" {_peak_mb():.0f} MB")
        _keystrokes(index)
        cache.close()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _keystrokes(index) -> None:
    all_times: list[float] = []
    print(f"  {'query':<30} {'keys':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'hits':>6}")
    for q in QUERIES:
        times = []
        hits = 0
        for i in range(1, len(q) + 1):
            prefix = q[:i]
            if not prefix.strip():
                continue
            t = time.perf_counter()
            res = index.search(prefix, limit=300)
            times.append((time.perf_counter() - t) * 1000)
            hits = res.total
        all_times.extend(times)
        print(f"  {q:<30} {len(times):>4} {statistics.median(times):>10.1f} {pct(times, 0.95):>8.1f} "
              f"{max(times):>8.1f} {hits:>6}")
    print(f"  {'all keystrokes':<30} {len(all_times):>4} {statistics.median(all_times):>10.1f} "
          f"{pct(all_times, 0.95):>8.1f} {max(all_times):>8.1f}   p99 {pct(all_times, 0.99):.1f} ms")


def compare_scorers() -> None:
    """Short Chinese queries (exact and with one typo) against every seed line: is the right line first?"""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    from tui.index.library import bundled_seeds
from tui.index.load import load_library
    from tui.index.search.match import fuzzy_window
    from tui.index.search.records import norm

    lib = load_library([str(bundled_seeds())])
    lines = [norm(i.text) for r in lib.reports for s in r.sections for i in s.all_items()]
    cases = [("贝易转", "贝易转"), ("贝易砖", "贝易转"), ("实时数舱", "实时数仓"), ("存管录由", "存管路由"),
             ("机房双获", "机房双活")]

    def padded(q: str, t: str) -> float:  # the prefilter of the fuzzy tier
        pad = "\x00" * (len(q) - 1)
        return fuzz.partial_ratio(q, pad + t + pad) if len(t) >= len(q) else fuzz.ratio(q, t)

    def ours(q: str, t: str) -> float:  # what the fuzzy tier ranks by: the closest window's edits
        found = fuzzy_window(q, t)
        return 100.0 * (1 - found[0] / len(q)) if found else (100.0 if q in t else 0.0)

    scorers = {"partial_ratio": fuzz.partial_ratio, "WRatio": fuzz.WRatio, "ratio": fuzz.ratio,
               "token_set_ratio": fuzz.token_set_ratio, "Levenshtein sim": Levenshtein.normalized_similarity,
               "padded partial": padded, "closest window": ours}
    print(f"\nfuzzy scorers on {len(lines)} seed lines: share of lines holding the intended word among the "
          "top 5, and the score a line holding it gets")
    print(f"  {'scorer':<16} " + " ".join(f"{q:>10}" for q, _ in cases) + f" {'µs/line':>8}")
    for name, scorer in scorers.items():
        cells = []
        t = time.perf_counter()
        for q, want in cases:
            scored = sorted(((scorer(q, ln), ln) for ln in lines), key=lambda x: -x[0])[:5]
            good = sum(want in ln for _, ln in scored)
            best = max((s for s, ln in zip((scorer(q, ln) for ln in lines), lines) if want in ln), default=0)
            best = best * (100 if best <= 1 else 1)
            cells.append(f"{good}/5 {best:>4.0f}")
        us = (time.perf_counter() - t) / (2 * len(cases) * len(lines)) * 1e6
        print(f"  {name:<16} " + " ".join(f"{c:>10}" for c in cells) + f" {us:>8.1f}")


def main(argv: list[str]) -> int:
    """Compare the scorers, then time every size asked for."""
    sizes = [int(a) for a in argv] or [1000, 10000]
    compare_scorers()
    for n in sizes:
        bench_size(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
