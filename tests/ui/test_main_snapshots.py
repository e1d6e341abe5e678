"""Snapshot tests of the main screen (80×24 and 120×36) and the metrics screen, from the bundled seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.index.load import load_library
from tui.ui.app import ReportsApp

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_app() -> ReportsApp:
    ns = argparse.Namespace(paths=[str(SEEDS)], compare=None, search=None, config=None, no_cache=True)
    return ReportsApp(ns, library=load_library([str(SEEDS)]), watch=False)


async def settle(pilot) -> None:
    for _ in range(40):
        await pilot.pause(0.05)
        main = pilot.app.screen_stack[0]
        if getattr(main, "current", None) is not None:
            break
    await pilot.pause()


def test_main_screen_120x36(snap_compare):
    assert snap_compare(seed_app(), terminal_size=(120, 36), run_before=settle)


def test_main_screen_80x24(snap_compare):
    assert snap_compare(seed_app(), terminal_size=(80, 24), run_before=settle)


def test_metrics_screen(snap_compare):
    async def open_metrics(pilot) -> None:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause(0.3)
        await pilot.pause()

    assert snap_compare(seed_app(), terminal_size=(120, 36), run_before=open_metrics)
