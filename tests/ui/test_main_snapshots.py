"""Snapshot tests of the main screen (80×24 and 120×36) and the metrics screen, from the bundled seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.index.load import load_library
from tui.ui.app import ReportsApp
from uiutil import eventually, ready, settled

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_app() -> ReportsApp:
    ns = argparse.Namespace(paths=[str(SEEDS)], compare=None, search=None, config=None, no_cache=True)
    return ReportsApp(ns, library=load_library([str(SEEDS)]), watch=False)


async def settle(pilot) -> None:
    await ready(pilot)
    await settled(pilot)


def test_main_screen_120x36(snap_compare):
    assert snap_compare(seed_app(), terminal_size=(120, 36), run_before=settle)


def test_main_screen_80x24(snap_compare):
    assert snap_compare(seed_app(), terminal_size=(80, 24), run_before=settle)


def test_metrics_screen(snap_compare):
    async def open_metrics(pilot) -> None:
        await settle(pilot)
        await pilot.press("m")
        await eventually(pilot, lambda: pilot.app.screen.id == "metrics" and bool(pilot.app.screen.query(".kpi-chart")))
        await settled(pilot)

    assert snap_compare(seed_app(), terminal_size=(120, 36), run_before=open_metrics)
