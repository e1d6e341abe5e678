"""Write SVG screenshots of every screen into screenshots/ (120×36, the bundled seeds; the team views from
the team fixture in tests/data/team/notion; the report view's constructs from tests/data/reading_features.md).

Run by `make screenshots`; exits 1 when a screen could not be shot (its old SVG would be stale).
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


TEAM = REPO / "tests" / "data" / "team" / "notion"
MONDAY = REPO / "tests" / "data" / "team" / "monday"  # a team's six weeks: the team lead's shots ("lead-…")
READING = REPO / "tests" / "data" / "reading_features.md"


async def shoot(name: str, steps, out: Path) -> None:
    """Run the app on the seeds (a team's shots: the team fixture), apply `steps(app, pilot)`, save
    `out/name.svg`."""
    from tui.index.load import load_library
    from tui.model.vocab import Vocabulary
    from tui.ui.app import ReportsApp

    folder = (MONDAY if name.startswith("lead") else TEAM if name.startswith("team")
              else READING if name == "reading" else REPO / "seeds")
    vocab = Vocabulary(author_aliases={"张三": ["zhangsan"]})
    ns = argparse.Namespace(paths=[str(folder)], compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(ns, library=load_library([str(folder)], vocab=vocab), watch=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if getattr(app.screen_stack[0], "current", None) is not None:
                break
        await steps(app, pilot)
        await settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))


async def main_screen(app, pilot):
    pass


async def metrics(app, pilot):
    await pilot.press("m")


async def help_screen(app, pilot):
    await pilot.press("f1")


async def search(app, pilot):
    from tui.ui.screens.search import SearchScreen

    app.push_screen(SearchScreen(app.workspace, "贝易转"))
    await settle(pilot, 0.6)


async def timeline(app, pilot):
    from tui.ui.screens.timeline import TimelineScreen

    app.push_screen(TimelineScreen(app.workspace, "实时数仓"))
    await settle(pilot, 0.4)


async def compare(app, pilot):
    from tui.ui.screens.compare import CompareScreen

    reports = app.library.reports
    app.push_screen(CompareScreen(app.library, reports[-2], reports[-1]))
    for _ in range(200):  # (computed in a thread)
        await settle(pilot, 0.05)
        if not app.screen.computing:
            break
    await settle(pilot, 0.4)


async def reading(app, pilot):
    pass  # the report view on a report with front matter, HTML, a task list and footnotes


async def team(app, pilot):
    main = app.screen_stack[0]
    main.show_report(app.library.find("张三@2024-W22"))


async def team_week(app, pilot):
    await team(app, pilot)
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot, 0.4)


async def draft(app, pilot):
    from datetime import datetime

    from tui.ui.screens.draft import DraftScreen

    report = app.screen_stack[0].current  # (a fixed "now": the screenshot is the same on every run)
    app.push_screen(DraftScreen(report, app.library.reports, app.library.vocab, now=datetime(2024, 7, 23, 9, 30)))
    await settle(pilot, 0.4)


async def lead_projects(app, pilot):
    await pilot.press("w")
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot, 0.4)


async def lead_roster(app, pilot):
    await pilot.press("w")
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot, 0.4)
    await pilot.press("up", "left", "left")  # 王五's missed week (W21)


async def team_metrics(app, pilot):
    """Every author's line on each chart (`m`, then `a`)."""
    await team(app, pilot)
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot, 0.4)


async def team_timeline(app, pilot):
    """A project several people write about: a sparkline each."""
    from tui.ui.screens.timeline import TimelineScreen

    await team(app, pilot)
    app.push_screen(TimelineScreen(app.workspace, "贝易转"))
    for _ in range(100):  # (gathered in a worker)
        await pilot.pause(0.05)
        if getattr(app.screen, "timeline", None) is not None:
            break
    await settle(pilot, 0.4)


SHOTS = {"main": main_screen, "metrics": metrics, "help": help_screen, "search": search,
         "timeline": timeline, "compare": compare, "team": team, "team-week": team_week,
         "draft": draft, "lead-projects": lead_projects, "lead-roster": lead_roster,
         "team-metrics": team_metrics, "team-timeline": team_timeline, "reading": reading}


def main(names: list[str]) -> int:
    """Shoot every screen, or only those `names` (`python scripts/screenshots.py team-week`)."""
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        print(f"no such screenshot: {', '.join(unknown)}; there are: {', '.join(SHOTS)}", file=sys.stderr)
        return 2
    out = REPO / "screenshots"
    out.mkdir(exist_ok=True)
    # The app must not read or write the developer's settings or cache.
    tmp = tempfile.mkdtemp(prefix="reports-tui-shots-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    os.environ["XDG_STATE_HOME"] = os.path.join(tmp, "state")
    failed = 0
    for name, steps in SHOTS.items():
        if names and name not in names:
            continue
        try:
            asyncio.run(shoot(name, steps, out))
        except Exception as exc:  # one broken screen must not stop the others
            print(f"{name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"screenshots/{name}.svg")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
