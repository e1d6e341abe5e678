"""`reports-tui search` of two builds side by side with `rg -c`: each round runs `rg -c`, then each query
with each build (alternating, so a busy machine slows both alike), and prints per build and query the
median wall and CPU seconds, the largest peak RSS and the median of each round's ratio to `rg -c`.

    .venv/bin/python benchmarks/bench_cli_search.py DIR NAME=EXE:CACHE [NAME=EXE:CACHE ...]
        [--rounds N] [--query Q ...]

EXE is a build's `reports-tui`, CACHE the XDG_CACHE_HOME its warm cache is in (each build a cache of its
own: the index format may differ). Defaults: 5 rounds, `存管`, `贝易砖`, `byz` (the bench's `RG_QUERIES`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _pid, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # (rg: 1 is "no match")
        raise SystemExit(f"{argv} failed")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("builds", nargs="+", metavar="NAME=EXE:CACHE")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--query", action="append", dest="queries")
    a = ap.parse_args()
    queries = a.queries or ["存管", "贝易砖", "byz"]
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    builds = []
    for spec in a.builds:
        name, rest = spec.split("=", 1)
        exe, cache = rest.rsplit(":", 1)
        builds.append((name, exe, {**base, "XDG_CACHE_HOME": cache}))
    got: dict[tuple[str, str], list[tuple[float, float, float, float]]] = {}
    rg = []
    print(f"load {os.getloadavg()[0]:.1f}")
    for _ in range(a.rounds):
        t_rg = run(["rg", "-c", queries[0], a.dir], base)[0]
        rg.append(t_rg)
        for q in queries:
            for name, exe, env in builds:
                wall, cpu, rss = run([exe, "search", q, a.dir], env)
                got.setdefault((q, name), []).append((wall, cpu, rss, wall / t_rg))
    print(f"rg -c {queries[0]}: {statistics.median(rg):.2f} s (median of {a.rounds}); load {os.getloadavg()[0]:.1f}")
    for (q, name), runs in got.items():
        med = [statistics.median(r[i] for r in runs) for i in (0, 1, 3)]
        print(f"  search {q:<8} {name:<10} {med[0]:6.2f} s  CPU {med[1]:6.2f} s  {max(r[2] for r in runs):6.0f} MB"
              f"  {med[2]:5.1f}× rg")


if __name__ == "__main__":
    main()
