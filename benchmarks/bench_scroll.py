"""Scrolling through a long report: the main thread's CPU time per scroll, from the key to the view drawn.

The TUI (headless, Textual's Pilot, 120×36, animations off so that each key is one scroll and one
drawing) opens a long report (by default the largest of the PLCT series in `../shared/corpora`, 125 KB
and ~100 sections) and waits until it is rendered whole; then it goes down the report and back up with
`space` (a screenful a key) and with `j`/`k` (a row a key), timing each key from its posting until the
screen is drawn. Each pass is run `--rounds` times and the least time of a key kept; what is printed is
the sum over a pass divided by its keys (CPU ms a key) and, for `j`, by the screenfuls it scrolled
(CPU ms a screenful). One JSON line. `python benchmarks/bench_scroll.py [PATH] [--rounds N]`: run it from
another checkout (`cd OTHER && python /path/bench_scroll.py`) to time that one: the code timed is that of
the current directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

REPO = Path(__file__).resolve().parent.parent
BIG = REPO.parent / "shared" / "corpora" / "plct-weekly" / "2024" / "2024-01-01.md"


async def run(path: str, rounds: int, size: tuple[int, int] = (120, 36)) -> dict:
    from textual import events
    from textual._compositor import Compositor

    from tui.index.load import load_library
    from tui.ui.app import ReportsApp

    drawn = [0]
    render_update = Compositor.render_update

    def counted(self, *a, **kw):
        drawn[0] += 1
        return render_update(self, *a, **kw)

    Compositor.render_update = counted
    lib = load_library([path])
    args = argparse.Namespace(paths=[path], compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(args, library=lib, watch=False)
    app.animation_level = "none"
    out: dict = {"report": Path(path).name, "size": size, "rounds": rounds}
    async with app.run_test(size=size) as pilot:
        while getattr(app.main_screen, "current", None) is None:
            await pilot.pause(0.05)
        view = app.main_screen.query_one("ReportView")
        view.focus()
        while view.pending or any(not w.is_finished for w in app.workers):
            await asyncio.sleep(0.05)
        await pilot.pause()
        height = view.scrollable_content_region.height
        out["rows"], out["screen_rows"] = view.virtual_size.height, height
        out["sections"] = len(view.report.sections)

        async def key(name: str) -> float:
            before, y, t = drawn[0], view.scroll_y, time.thread_time()
            app.post_message(events.Key(name, None))
            while drawn[0] == before or view.scroll_y == y:
                await asyncio.sleep(0.002)
            return time.thread_time() - t

        async def passes(down: str, up: str) -> list[float]:
            """Keys down to the end and back up to the top; the least time of each key over the rounds."""
            least: list[float] = []
            for _ in range(rounds):
                times = []
                while view.scroll_y < view.max_scroll_y:
                    times.append(await key(down))
                while view.scroll_y > 0:
                    times.append(await key(up))
                least = times if not least else [min(a, b) for a, b in zip(least, times)]
            return least

        pages = await passes("space", "pageup")
        rows = await passes("j", "k")
        screenfuls = 2 * view.max_scroll_y / height
        out["page_keys"], out["cpu_ms_per_page"] = len(pages), round(1000 * sum(pages) / len(pages), 3)
        out["row_keys"], out["cpu_ms_per_row_key"] = len(rows), round(1000 * sum(rows) / len(rows), 3)
        out["cpu_ms_per_screenful_by_rows"] = round(1000 * sum(rows) / screenfuls, 2)
    Compositor.render_update = render_update
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(BIG))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", help="write a cProfile of the passes to this file")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="reports-tui-bench-") as tmp:
        os.environ["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
        os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
        if a.profile:
            import cProfile

            with cProfile.Profile(time.process_time) as prof:
                got = asyncio.run(run(a.path, a.rounds))
            prof.dump_stats(a.profile)
        else:
            got = asyncio.run(run(a.path, a.rounds))
    print(json.dumps(got, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
