"""Write SVG screenshots of every screen into screenshots/ (120×36, the bundled seeds).

Run by `make screenshots`. Screens whose modules are not present are skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SIZE = (120, 36)


async def settle(pilot, seconds: float = 0.3) -> None:
    await pilot.pause(seconds)
    await pilot.pause()


async def shoot(name: str, steps, out: Path) -> bool:
    """Run the app on the seeds, apply `steps(app, pilot)`, save `out/name.svg`."""
    from tui.index.library import load_library
    from tui.ui.app import ReportsApp

    seeds = REPO / "seeds"
    ns = argparse.Namespace(paths=[str(seeds)], compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(ns, library=load_library([str(seeds)]), watch=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if getattr(app.screen_stack[0], "current", None) is not None:
                break
        ok = await steps(app, pilot)
        if ok is False:
            return False
        await settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
    return True


async def main_screen(app, pilot):
    return True


async def metrics(app, pilot):
    await pilot.press("m")


async def help_screen(app, pilot):
    await pilot.press("f1")


async def search(app, pilot):
    try:
        from tui.ui.screens.search import SearchScreen
    except ImportError:
        return False
    app.push_screen(SearchScreen(app.library, "贝易转"))
    await settle(pilot, 0.6)


async def timeline(app, pilot):
    try:
        from tui.ui.screens.timeline import TimelineScreen
    except ImportError:
        return False
    app.push_screen(TimelineScreen(app.library, "实时数仓"))
    await settle(pilot, 0.4)


async def compare(app, pilot):
    try:
        from tui.ui.screens.compare import CompareScreen
    except ImportError:
        return False
    reports = app.library.reports
    app.push_screen(CompareScreen(app.library, reports[-2], reports[-1]))
    await settle(pilot, 0.4)


SHOTS = {"main": main_screen, "metrics": metrics, "help": help_screen, "search": search,
         "timeline": timeline, "compare": compare}


def main() -> int:
    out = REPO / "screenshots"
    out.mkdir(exist_ok=True)
    # The app must not read or write the developer's settings or cache.
    tmp = tempfile.mkdtemp(prefix="reports-tui-shots-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    for name, steps in SHOTS.items():
        try:
            done = asyncio.run(shoot(name, steps, out))
        except Exception as exc:  # one broken screen must not stop the others
            print(f"{name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        print(f"screenshots/{name}.svg" if done else f"{name}: skipped (screen not available)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
