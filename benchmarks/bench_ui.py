"""How fast the TUI is at scale: first screen on a large library (with a breakdown), and the compare
screen on a large pair of reports.

    .venv/bin/python benchmarks/bench_ui.py first-screen FOLDER [--runs 5]
    .venv/bin/python benchmarks/bench_ui.py first-screen --seeds [--runs 5]
    .venv/bin/python benchmarks/bench_ui.py compare A.md B.md [--runs 3]

`first-screen` runs a fresh process per run (warm cache: the first, untimed run fills it) and prints
the median time from launching the process until the week list and a report are on screen (headless,
120×40), then one run's phases: imports, loading the library (worker thread), showing it, drawing.
With `--seeds` (no folder) it opens the bundled seeds and also times a bare Textual app the same way
(the target is at most twice its time).
`compare` prints the time until the compare screen of two reports is drawn, and for `u` (hide
unchanged) and `s` (swap sides) until the app is idle again (and until the swap is drawn). Uses the caller's XDG_CACHE_HOME / XDG_CONFIG_HOME.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_CHILD = r"""
import asyncio, json, sys, time
t0 = time.perf_counter() - (time.time() - float(sys.argv[1]))  # the moment the parent launched us
sys.path.insert(0, sys.argv[2])
paths = sys.argv[3:]
import argparse
marks = {}

async def bare():
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        marks["drawn"] = time.perf_counter() - t0

async def main():
    from tui.ui.app import ReportsApp
    from tui.ui.screens.main import MainScreen
    marks["imported"] = time.perf_counter() - t0
    set_library = MainScreen.set_library

    def timed_set_library(self, *a, **k):
        marks.setdefault("loaded", time.perf_counter() - t0)
        set_library(self, *a, **k)
        marks.setdefault("shown", time.perf_counter() - t0)

    MainScreen.set_library = timed_set_library

    class Timed(ReportsApp):
        def main_ready(self):
            marks["mounted"] = time.perf_counter() - t0
            super().main_ready()

    args = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=False)
    app = Timed(args, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (app.loaded and getattr(app.main_screen, "current", None) is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()
        marks["drawn"] = time.perf_counter() - t0

asyncio.run(bare() if paths == ["--bare"] else main())
print(json.dumps(marks))
"""


def first_screen(folder: str | None, runs: int) -> None:
    import os
    import tempfile

    # Byte code as an installed app has it (pip compiles on install): written once, to a folder of
    # the benchmark's own, even when the caller's environment says PYTHONDONTWRITEBYTECODE.
    tmp = tempfile.mkdtemp(prefix="reports-tui-bench-ui-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
    if folder is None:  # the seeds get a cache of their own (a shared one may hold a large library)
        env.update(XDG_CACHE_HOME=f"{tmp}/cache", XDG_CONFIG_HOME=f"{tmp}/config")

    def cmd(*paths: str) -> list[str]:
        return [sys.executable, "-c", _CHILD, repr(time.time()), str(REPO), *paths]

    if folder is None:  # the bundled seeds, against a bare Textual app
        subprocess.run(cmd("--bare"), check=True, capture_output=True, env=env)  # write byte code
        bare = [json.loads(subprocess.run(cmd("--bare"), check=True, capture_output=True, text=True, env=env)
                           .stdout.strip().splitlines()[-1])["drawn"] for _ in range(runs)]
        print(f"bare Textual app: median {statistics.median(bare):.2f} s from launch over {runs} runs")
    paths = [folder] if folder else []
    subprocess.run(cmd(*paths), check=True, capture_output=True, env=env)  # fill the cache
    phases = []
    for _ in range(runs):
        out = subprocess.run(cmd(*paths), check=True, capture_output=True, text=True, env=env)
        phases.append(json.loads(out.stdout.strip().splitlines()[-1]))
    whole = [p["drawn"] for p in phases]
    med = statistics.median(whole)
    print(f"first screen, warm cache: median {med:.2f} s from launch over {runs} runs "
          f"(min {min(whole):.2f}, max {max(whole):.2f})"
          + (f"; {med / statistics.median(bare):.1f}× bare (target ≤ 2×)" if folder is None else ""))
    keys = ["imported", "mounted", "loaded", "shown", "drawn"]
    mid = {k: statistics.median(p[k] for p in phases) for k in keys}
    prev = 0.0
    for k in keys:
        print(f"  {k:<9} at {mid[k]:5.2f} s  (+{mid[k] - prev:.2f})")
        prev = mid[k]


async def compare(a: str, b: str, runs: int) -> None:
    from textual.app import App

    from tui.index.load import load_library
    from tui.ui.screens.compare import CompareScreen

    lib = load_library([a, b])
    ra, rb = lib.reports[0], lib.reports[-1]

    class Host(App):
        def __init__(self) -> None:
            super().__init__()
            self.library = lib

        def open_report(self, report, line=None) -> None:
            pass

    first_paint: list[float] = []
    more = getattr(CompareScreen, "_mount_more", None)
    if more is not None:  # rows come in batches: the first call comes right after the first paint
        def timed_more(self, *args):
            if not first_paint or first_paint[-1] is None:
                first_paint[-1:] = [time.perf_counter() - started[0]]
            return more(self, *args)

        CompareScreen._mount_more = timed_more
    swap_paint: list[float] = []
    check = getattr(CompareScreen, "_check_heights", None)
    if check is not None:  # after a swap, rows are checked in batches: the first call follows its paint
        def timed_check(self, start, *args):
            if start == 0:
                swap_paint.append(time.perf_counter() - swap_started[0])
            return check(self, start, *args)

        CompareScreen._check_heights = timed_check
    swap_started = [0.0]
    started = [0.0]
    open_t, hide_t, swap_t, rows = [], [], [], 0
    for _ in range(runs):
        first_paint.append(None)
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            t = started[0] = time.perf_counter()
            screen = CompareScreen(lib, ra, rb)
            app.push_screen(screen)
            await pilot.pause()
            while getattr(screen, "computing", False):  # (computed in a worker, then filled in)
                await pilot.pause(0.005)
            await pilot.pause()
            app.screen._compositor.render_update(full=True)
            open_t.append(time.perf_counter() - t)
            rows = sum(1 + len(s.items) for s in screen.comparison.sections)
            t = time.perf_counter()
            await pilot.press("u")
            await pilot.pause()
            hide_t.append(time.perf_counter() - t)
            t = swap_started[0] = time.perf_counter()
            await pilot.press("s")
            await pilot.pause()
            swap_t.append(time.perf_counter() - t)
    kb = (len(ra.text.encode()) + len(rb.text.encode())) / 1024
    print(f"compare {Path(a).name} × {Path(b).name} ({kb:.0f} KB, {rows} rows), median of {runs}:")
    painted = [x for x in first_paint if x is not None]
    if painted:
        print(f"  first paint {statistics.median(painted) * 1000:6.0f} ms (the rest of the rows follow in batches)")
    print(f"  open+draw {statistics.median(open_t) * 1000:6.0f} ms   u {statistics.median(hide_t) * 1000:6.0f} ms"
          f"   s {statistics.median(swap_t) * 1000:6.0f} ms")
    if swap_paint:
        print(f"  s drawn   {statistics.median(swap_paint) * 1000:6.0f} ms (then rows whose mirror wraps"
              " differently are laid out again, in batches)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("first-screen")
    f.add_argument("folder", nargs="?", help="a folder of reports (default with --seeds: the bundled seeds)")
    f.add_argument("--seeds", action="store_true", help="the bundled seeds, next to a bare Textual app")
    f.add_argument("--runs", type=int, default=5)
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.cmd == "first-screen":
        if not args.folder and not args.seeds:
            ap.error("first-screen needs a FOLDER or --seeds")
        first_screen(None if args.seeds else args.folder, args.runs)
    else:
        asyncio.run(compare(args.a, args.b, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
