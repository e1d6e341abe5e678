"""The engine alone as the user types: every prefix of a few queries searched in-process on an archive
(its saved index read from the parse cache), as the search screen asks (a page, totals not counted)
and as its follow-up asks (the whole list, counted); wall and CPU time (`time.process_time()`) per
search, p50/p90/p99. One JSON line (`python benchmarks/bench_typing.py DIR [--page N] [QUERY ...]`).
Run from another checkout (`cd OTHER && python /path/bench_typing.py ...`) to time that one's engine:
the code searched is that of the current directory."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())

QUERIES = ["region split", "rust async", "tikv", "存管路由", "byz", "regoin", "llvm", "贝易转", "risc-v", "进度"]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("queries", nargs="*", default=QUERIES)
    ap.add_argument("--page", type=int, default=40)
    ap.add_argument("--full", type=int, default=300)
    a = ap.parse_args()
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    ws = Workspace(load_library([a.path], use_cache=True), use_cache=True)
    index = ws.search_index()
    out: dict = {"texts": index.ntexts, "postings": bool(index.posting_index)}
    for name, limit, counted in (("page", a.page, False), ("whole", a.full, True)):
        wall, cpu, worst = [], [], []
        for q in a.queries:
            for i in range(1, len(q) + 1):
                if not q[:i].strip():
                    continue
                c, t = time.process_time(), time.perf_counter()
                ws.search(q[:i], limit=limit, wait=False, counted=counted)
                wall.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                worst.append((round(cpu[-1]), q[:i]))
        out[name] = {"n": len(wall), "wall": {p: round(pct(wall, v)) for p, v in (("p50", .5), ("p90", .9), ("p99", .99))},
                     "cpu": {p: round(pct(cpu, v)) for p, v in (("p50", .5), ("p90", .9), ("p99", .99))},
                     "slowest_cpu": sorted(worst, reverse=True)[:6]}
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
