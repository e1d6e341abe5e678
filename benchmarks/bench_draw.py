"""The search screen's drawing alone: the TUI (headless, Textual's Pilot) on an archive, its search
screen open; every prefix of a few queries searched first (not timed), then each prefix's page and its
whole list set on the screen in turn, as a keystroke and its pause bring them, and drawn. The main
thread's CPU time from a result handed to the screen until it is drawn, the least of a few rounds per
step (the engine left out: `bench_keys.py` times a key whole). One JSON line:
`python benchmarks/bench_draw.py DIR [--rounds N] [QUERY ...]`. Run from another checkout (`cd OTHER &&
python /path/bench_draw.py ...`) to time that one's screen: the code drawn is that of the current directory."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, os.getcwd())

from bench_keys import QUERIES, pct  # noqa: E402


async def run(paths: list[str], queries: list[str], rounds: int, size: tuple[int, int] = (120, 40)) -> dict:
    from textual._compositor import Compositor

    from tui.ui.app import ReportsApp
    from tui.ui.screens import search as search_screen

    drawn = [0]  # (drawings of the screen so far)
    render_update = Compositor.render_update

    def counted(self, *a, **kw):
        drawn[0] += 1
        return render_update(self, *a, **kw)

    Compositor.render_update = counted
    args = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=False)
    app = ReportsApp(args, watch=False)
    async with app.run_test(size=size) as pilot:
        while not (app.loaded and getattr(app.main_screen, "current", None) is not None):
            await asyncio.sleep(0.01)
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, search_screen.SearchScreen), screen
        ws = screen.workspace
        await asyncio.to_thread(ws.search_index)  # (off the event loop: a sync under way hands its progress to it)
        page = screen._page()
        steps = []
        for q in queries:
            for i in range(1, len(q) + 1):
                if q[:i].strip():
                    steps.append(("page", ws.search(q[:i], limit=page, wait=False, counted=False)))
                    steps.append(("whole", ws.search(q[:i], limit=search_screen.LIMIT, wait=False,
                                                     counted=search_screen.counts_all(q[:i]))))
        least = [float("inf")] * len(steps)
        for _ in range(rounds):
            for j, (_kind, result) in enumerate(steps):
                screen._generation += 1
                before, t = drawn[0], time.thread_time()
                screen._show(screen._generation, result, 0)  # (0: no whole list asked for after it)
                while drawn[0] == before:
                    await asyncio.sleep(0.002)
                least[j] = min(least[j], time.thread_time() - t)
                await pilot.pause()
    Compositor.render_update = render_update

    def stats(kind: str) -> dict:
        xs = [least[j] * 1000 for j, (k, _r) in enumerate(steps) if k == kind]
        return {"n": len(xs), "sum": sum(xs), "p50": pct(xs, 0.5), "p90": pct(xs, 0.9), "max": max(xs)}

    return {"rounds": rounds, "page": stats("page"), "whole": stats("whole")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("queries", nargs="*", default=QUERIES)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    print(json.dumps(asyncio.run(run([a.path], a.queries, a.rounds)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
