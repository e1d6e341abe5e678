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


async def palette(pilot, query: str) -> None:
    """Open the palette, type `query`, wait for its first match to be highlighted, and run it."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = pilot.app
    await pilot.press("ctrl+p")

    def opened():
        assert isinstance(app.screen, CommandPalette)
        return app.screen

    screen = await eventually(pilot, opened)
    screen.query_one("Input").insert_text_at_cursor(query)

    def matched():
        options = screen.query_one(OptionList)
        assert options.option_count > 0 and options.highlighted is not None
        assert query.split()[-1] in str(options.get_option_at_index(options.highlighted).prompt)

    await eventually(pilot, matched, timeout=10)
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
