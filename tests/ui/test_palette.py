"""The command palette: go to a project, compare with a week, switch (and remember) the theme."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from tui.ui.app import ReportsApp
from uiutil import eventually, ready

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def make_app(tmp_path, library=None) -> ReportsApp:
    ns = argparse.Namespace(paths=[str(SEEDS)], compare=None, search=None,
                            config=str(tmp_path / "settings.toml"), no_cache=True)
    return ReportsApp(ns, library=library, watch=False)


async def open_palette(pilot, query: str):
    """Open the palette and type `query`; the palette's screen."""
    from textual.command import CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")

    def opened():
        assert isinstance(app.screen, CommandPalette)
        return app.screen

    screen = await eventually(pilot, opened)
    screen.query_one("Input").insert_text_at_cursor(query)
    return screen


async def palette(pilot, query: str) -> None:
    """Open the palette, type `query`, wait for its first match to be highlighted, and run it."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = pilot.app
    screen = await open_palette(pilot, query)

    def matched():
        options = screen.query_one(OptionList)
        assert options.option_count > 0 and options.highlighted is not None
        assert query.split()[-1] in str(options.get_option_at_index(options.highlighted).prompt)

    await eventually(pilot, matched, timeout=30)
    await pilot.press("enter")

    def closed():
        assert not isinstance(app.screen, CommandPalette)

    await eventually(pilot, closed)
    await pilot.pause()


async def test_go_to_project_opens_its_latest_week(tmp_path, seed_library):
    app = make_app(tmp_path, seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await pilot.press("[", "[")  # move away from the newest week first
        await eventually(pilot, lambda: main.current.week == "2024-W17")
        await palette(pilot, "Go to project 装修存管")
        assert main.current.week == "2024-W29"  # 装修存管 appears last in 2024-W29 (an O1 topic there)


async def test_go_to_week(tmp_path, seed_library):
    app = make_app(tmp_path, seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await palette(pilot, "Go to week 第53周")
        assert main.current.week == "2023-W52"


async def test_theme_is_switched_and_remembered(tmp_path, seed_library):
    app = make_app(tmp_path, seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await palette(pilot, "Theme: nord")
        assert app.theme == "nord"
    saved = tomllib.loads((tmp_path / "settings.toml").read_text(encoding="utf-8"))
    assert saved["theme"] == "nord"
    again = make_app(tmp_path, seed_library)
    async with again.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert again.theme == "nord"


def weekly_library(skip: set[int] = frozenset()):
    """Twenty weekly reports of 2024, titled by their Monday (`周报 2024-03-18`), less the weeks in `skip`."""
    from datetime import date

    from tui.index.library import Library
    from tui.model import parse_report
    from tui.model.report import SourceRef

    reports = [parse_report(f"# 周报 {date.fromisocalendar(2024, w, 1)}\n\n- 第 {w} 周的工作\n",
                            SourceRef(f"/reports/2024-W{w:02d}.md")) for w in range(1, 21) if w not in skip]
    return Library(reports=reports)


async def palette_options(pilot, query: str, check) -> None:
    """Open the palette, type `query` and wait until `check(prompts)` holds for the listed hits."""
    from textual.widgets import OptionList

    screen = await open_palette(pilot, query)

    def listed():
        options = screen.query_one(OptionList)
        check([str(options.get_option_at_index(i).prompt) for i in range(options.option_count)])

    await eventually(pilot, listed, timeout=30)


async def test_go_to_week_ranks_the_exact_week_first(tmp_path):
    app = make_app(tmp_path, weekly_library())
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)

        def exact_first(prompts):
            assert len(prompts) > 2 and prompts[0].startswith("Go to week 周报 2024-03-18  (2024-W12)"), prompts[:3]
            assert "with 周报 2024-03-18  (2024-W12)" in prompts[1]  # then comparing with it

        await palette_options(pilot, "2024-W12", exact_first)


async def test_go_to_a_missing_week_offers_the_nearest_ones_first(tmp_path):
    app = make_app(tmp_path, weekly_library(skip={12}))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)

        def nearest_first(prompts):
            goes = [p.split("(")[-1].split(")")[0] for p in prompts if p.startswith("Go to week")]
            assert prompts[0].startswith("Go to week"), prompts[:4]
            assert sorted(goes[:2]) == ["2024-W11", "2024-W13"] and sorted(goes[2:4]) == ["2024-W10", "2024-W14"], goes

        await palette_options(pilot, "2024w12", nearest_first)
