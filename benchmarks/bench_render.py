"""How fast the main screen shows a report: seeds, the largest corpus file (125 KB), a 5 MB file.

Prints, per file: parse time, and the time from asking the main screen to show the report until every
widget has handled it and the screen is drawn (headless, 120×36, median of several runs) — for a long report that
is its first screen, rendered around the line shown — and, for a long report, until the whole of it is
rendered (part by part, between keys and drawing) and how long a key (`j`) takes meanwhile. Also the time for `]` between two seed
weeks. Run: `.venv/bin/python benchmarks/bench_render.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
BIG = SHARED / "corpora" / "plct-weekly" / "2024" / "2024-01-01.md"
RUNS = 5


def make_huge(folder: Path, size: int = 5_000_000) -> Path:
    """A 5 MB report: the seeds' sections repeated under numbered headings."""
    seed = (REPO / "seeds" / "004_8dc0f4b9bef94dee.txt").read_text(encoding="utf-8")
    body = seed.split("\n", 3)[3]
    parts = ["# 2024-W23 big\n\nCreated: 2024年6月4日 15:34\n"]
    n = 0
    while sum(len(p.encode()) for p in parts) < size:
        n += 1
        parts.append(f"\n## 第{n}部分\n\n" + body)
    path = folder / "2024-06-03 big.md"
    path.write_text("".join(parts), encoding="utf-8")
    return path


async def time_show(paths: list[str], label: str) -> None:
    from tui.index.load import load_library
    from tui.ui.app import ReportsApp

    t = time.perf_counter()
    lib = load_library(paths)
    parse = time.perf_counter() - t
    report = lib.reports[-1]
    ns = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(ns, library=lib, watch=False)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if getattr(app.screen_stack[0], "current", None) is not None:
                break
        main = app.screen_stack[0]
        view = main.query_one("ReportView")
        times, wholes, keys = [], [], []
        for _ in range(RUNS):
            main.current = None
            t = time.perf_counter()
            main.show_report(report, push_history=False)
            # Every widget has handled what showing the report asked for (not `pilot.pause()`: it waits
            # for the process to idle, and a long report's later parts are rendered meanwhile).
            await pilot._wait_for_screen()
            app.screen._compositor.render_update(full=True)  # draw the whole screen once
            times.append(time.perf_counter() - t)
            if getattr(view, "pending", False):
                view.focus()
                while view.pending:
                    k = time.perf_counter()  # a key while the rest is rendered: scroll one row
                    # (posted, not `pilot.press`, which also waits for the process to idle)
                    app.post_message(events.Key("j", "j"))
                    await pilot._wait_for_screen()
                    app.screen._compositor.render_update()
                    keys.append(time.perf_counter() - k)
                    await asyncio.sleep(0.05)
                wholes.append(time.perf_counter() - t)
        size = len(report.text.encode())
        whole = (f"  whole rendered median {statistics.median(wholes) * 1000:>6.0f} ms, a key meanwhile median "
                 f"{statistics.median(keys) * 1000:.0f} ms (max {max(keys) * 1000:.0f} ms)") if keys else ""
        print(f"{label:<34} {size / 1024:>8.0f} KB  parse {parse * 1000:>7.0f} ms  "
              f"show+draw median {statistics.median(times) * 1000:>7.0f} ms  (max {max(times) * 1000:.0f} ms){whole}")
        if len(lib.reports) > 1:
            times = []
            for _ in range(RUNS):
                main.show_report(lib.reports[0], push_history=False)
                await pilot.pause()
                t = time.perf_counter()
                await pilot.press("right_square_bracket")
                await pilot.pause()
                times.append(time.perf_counter() - t)
            print(f"{'  `]` to the next seed week':<34} {'':>11}  {'':>13}  "
                  f"key→drawn median {statistics.median(times) * 1000:>7.0f} ms")


async def main() -> None:
    tmp = tempfile.mkdtemp(prefix="reports-tui-bench-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    await time_show([str(REPO / "seeds")], "seed report (5 seeds loaded)")
    if BIG.exists():
        await time_show([str(BIG)], "plct-weekly 2024-01-01.md")
    else:
        print(f"skipped: {BIG} not found")
    huge = make_huge(Path(tmp))
    await time_show([str(huge)], "generated 5 MB report")


if __name__ == "__main__":
    asyncio.run(main())
