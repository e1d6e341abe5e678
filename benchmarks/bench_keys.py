"""The in-app keystroke benchmark: the TUI (headless, Textual's Pilot) on an archive, its search screen
open, the prefixes of a few queries typed a character at a time; each keystroke timed until the result
list and the preview of its prefix are drawn. Prints one JSON line (run by `run.py`, or by hand:
`python benchmarks/bench_keys.py DIR [QUERY ...]`).

Two times per keystroke: from the key press, which includes the search screen's debounce (it waits
`DEBOUNCE` for the next key before searching), and from the moment the search starts (the key's own
cost, the figure held against the ≤ 30 ms target). The keys are typed one by one, each after the last
one's list is drawn, so every prefix is searched. The process's peak RSS (its index built, every query
answered) closes the run.

CPU time beside wall time (a loaded machine stretches wall times, CPU time far less): the search
worker's own (`time.thread_time()` around the workspace's search it calls), the main thread's (the
event loop: the key, the list and the preview drawn) and the whole process's between the key and its
list drawn (`time.process_time()`). The benchmark waits for each list without polling.
When the screen draws a keystroke's page first and the whole list after (`SearchScreen.filled`), the
time until the whole list is drawn is measured too (from the page drawn: the screen's pause before it
asks included), and the next key waits for it.

A key is drawn when the screen's drawing that follows its result (the compositor's update, the list,
the preview and the status in it) ends: that moment is the figure. The benchmark then waits for the app
to go idle (Pilot's `pause()`, 20 ms at least: it sleeps 1/50 s and looks at the CPU time spent
meanwhile) before the next key; the time until then is given apart (`settled`), as it was the figure
before (it added 20–25 ms a key that were the benchmark's own).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["region split", "rust async", "tikv", "存管路由", "byz", "regoin", "llvm"]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


async def run(paths: list[str], queries: list[str], size: tuple[int, int] = (120, 40)) -> dict:
    from textual.widgets import Input

    from tui.ui.app import ReportsApp
    from tui.ui.screens import search as search_screen

    args = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=False)
    app = ReportsApp(args, watch=False)
    t_start = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        while not (app.loaded and getattr(app.main_screen, "current", None) is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()
        first_screen = time.perf_counter() - t_start
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, search_screen.SearchScreen), screen
        inp = screen.query_one("#search-input", Input)
        started: dict[str, float] = {}
        orig_start = screen.start_search

        def start_search(query: str) -> None:  # (when the search of a prefix begins: after the debounce)
            started.setdefault(query, time.perf_counter())
            orig_start(query)

        screen.start_search = start_search  # type: ignore[method-assign]
        worker_cpu: dict[str, list[float]] = {}
        ws = screen.workspace
        orig_search = ws.search

        def search(query: str, *a, **kw):  # (the search worker's CPU time, per query)
            c = time.thread_time()
            try:
                return orig_search(query, *a, **kw)
            finally:
                worker_cpu.setdefault(query, []).append(time.thread_time() - c)

        ws.search = search  # type: ignore[method-assign]

        drawn = asyncio.Event()  # (set when the screen has shown a result: no polling, which costs CPU)
        orig_show = screen._show
        painted = [0.0, False]  # (when the screen's last drawing ended; a result shown since, not drawn yet)

        def show(*a, **kw):
            try:
                return orig_show(*a, **kw)
            finally:
                painted[1] = True
                drawn.set()

        screen._show = show  # type: ignore[method-assign]
        orig_refresh = screen._compositor_refresh

        def compositor_refresh(*a, **kw):  # (the screen drawn: the first drawing after a result ends its key)
            try:
                return orig_refresh(*a, **kw)
            finally:
                if painted[1]:
                    painted[:] = [time.perf_counter(), False]

        screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]

        async def shown(query: str, timeout: float = 120.0, whole: bool = False) -> bool:
            t_end = time.perf_counter() + timeout
            while True:
                r = screen.result
                if r is not None and r.query.raw == query and r.complete and (not whole or screen.filled == query):
                    await pilot.pause()  # (the list and the preview drawn, and the app idle again)
                    if painted[1]:
                        raise RuntimeError(f"the result of {query!r} was shown but never drawn")
                    return True
                if getattr(screen, "done", None) == query:  # (over without its list: the search failed)
                    raise RuntimeError(f"the search of {query!r} failed: "
                                       f"{screen.query_one('#search-status').render()}")
                left = t_end - time.perf_counter()
                if left <= 0:
                    return False
                drawn.clear()
                try:
                    await asyncio.wait_for(drawn.wait(), left)
                except asyncio.TimeoutError:
                    return False

        # the index: built (or read from the parse cache) by the first query, not timed
        t = time.perf_counter()
        inp.value = queries[0]
        while not await shown(queries[0], timeout=5.0):
            if time.perf_counter() - t > 600:
                raise RuntimeError("the search index was not ready in 10 minutes")
            screen.start_search(queries[0])
        index_ready = time.perf_counter() - t
        press_ms, search_ms, settled_ms, engine_ms, worst = [], [], [], [], []
        cpu_ms, main_ms, worker_ms, fill_ms, fill_cpu_ms = [], [], [], [], []
        pages = hasattr(screen, "filled")
        for q in queries:
            inp.value = ""
            await pilot.pause()
            for i in range(1, len(q) + 1):
                prefix = q[:i]
                if not prefix.strip():
                    continue
                started.pop(prefix, None)
                worker_cpu.pop(prefix, None)
                c0, m0 = time.process_time(), time.thread_time()
                t0 = time.perf_counter()
                await pilot.press("space" if q[i - 1] == " " else q[i - 1])
                if inp.value != prefix:
                    inp.value = prefix  # (a character Pilot cannot press: typed as the input would take it)
                if not await shown(prefix):
                    raise RuntimeError(f"no result for {prefix!r}")
                t1, t_drawn = time.perf_counter(), painted[0]
                c1, m1 = time.process_time(), time.thread_time()
                cpu_ms.append((c1 - c0) * 1000)
                main_ms.append((m1 - m0) * 1000)
                worker_ms.append(worker_cpu.get(prefix, [0.0])[0] * 1000)
                press_ms.append((t_drawn - t0) * 1000)
                search_ms.append((t_drawn - started.get(prefix, t0)) * 1000)
                settled_ms.append((t1 - started.get(prefix, t0)) * 1000)
                engine_ms.append(screen.result.seconds * 1000)
                worst.append((search_ms[-1], prefix))
                started.clear()
                if pages:
                    if not await shown(prefix, whole=True, timeout=60.0):
                        raise RuntimeError(f"no whole list for {prefix!r} in 60 s")
                    fill_ms.append((painted[0] - t_drawn) * 1000)  # (0: the page was the whole list)
                    fill_cpu_ms.append(sum(worker_cpu.get(prefix, [0.0])[1:]) * 1000)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def stats(xs: list[float]) -> dict:
        return {"p50": pct(xs, 0.5), "p90": pct(xs, 0.9), "p99": pct(xs, 0.99), "max": max(xs)}

    return {"n": len(search_ms), "debounce_ms": search_screen.DEBOUNCE * 1000, "first_screen": first_screen,
            "index_ready": index_ready, "search": stats(search_ms), "settled": stats(settled_ms), "press": stats(press_ms),
            "engine": stats(engine_ms), "cpu": stats(cpu_ms), "main_cpu": stats(main_ms), "worker_cpu": stats(worker_ms),
            "fill": stats(fill_ms) if fill_ms else None, "fill_cpu": stats(fill_cpu_ms) if fill_ms else None,
            "slowest": sorted(worst, reverse=True)[:5], "rss_mb": rss}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("queries", nargs="*", default=QUERIES)
    a = ap.parse_args()
    print(json.dumps(asyncio.run(run([a.path], a.queries)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
