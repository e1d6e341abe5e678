"""The saved search index is read once the reports show and keys pause, never while the first screen is
drawn; a search opened before then reads it itself and answers."""

from __future__ import annotations

import argparse
import shutil

from textual.widgets import Input

from testpaths import SEEDS
from tui.ui import app as app_module
from tui.ui.app import ReportsApp
from tui.ui.screens.search import SearchScreen
from uiutil import eventually, ready, settled


def _app(folder) -> ReportsApp:
    args = argparse.Namespace(paths=[str(folder)], compare=None, search=None, config=None, no_cache=False)
    return ReportsApp(args, watch=False)


async def test_the_index_waits_for_keys_to_pause_and_a_search_before_then_still_answers(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setattr(app_module, "INDEX_AFTER_IDLE_S", 3600.0)  # (keys never pause long enough here)
    app = _app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("j", "k")
        await pilot.pause()
        assert app.workspace.cached_search_index() is None  # not read while the first screen is drawn
        assert app._index_timer is not None
        await pilot.press("slash")
        screen = await eventually(pilot, lambda: app.screen if isinstance(app.screen, SearchScreen) else False)
        await eventually(pilot, lambda: screen.query_one("#search-input", Input).has_focus)
        await pilot.press(*"存管")
        await eventually(pilot, lambda: screen.result is not None and screen.result.complete
                         and screen.result.query.raw == "存管", timeout=30)
        assert screen.result.hits
        assert app.workspace.cached_search_index() is not None  # the search read it
        await settled(pilot)  # (the index's sync, saving and reading back, ends before the app closes)


async def test_once_keys_pause_the_index_is_read_without_a_search(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setattr(app_module, "INDEX_AFTER_IDLE_S", 0.2)
    app = _app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        def read() -> bool:
            index = app.workspace.cached_search_index()
            return index is not None and index.ndocs == len(app.library.reports) > 0

        await eventually(pilot, read, timeout=30)
        assert app._index_timer is None
