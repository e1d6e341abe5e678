"""`reports-tui PATH --compare A B` and `--search QUERY` from the command line: the screen they ask for opens
over the main one, and the library is read once (the command line checks A and B on the library it then
hands to the app)."""

from __future__ import annotations

import asyncio

import pytest

from testpaths import SEEDS
from tui import cli
from tui.index.store import loading
from tui.ui.app import ReportsApp
from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.search import SearchScreen
from uiutil import eventually, ready


@pytest.fixture
def loads(monkeypatch) -> list[tuple]:
    """Every load of a library (the one function every path to a library goes through)."""
    calls: list[tuple] = []
    real = loading.load_library_cached

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "load_library_cached", counting)
    return calls


def drive_app(monkeypatch, until) -> dict:
    """Make `ReportsApp.run` run headless until `until(app)` returns something (kept in the result)."""
    seen: dict = {}

    def run(self) -> None:
        async def drive() -> None:
            async with self.run_test(size=(120, 36)) as pilot:
                await ready(pilot)
                seen["got"] = await eventually(pilot, lambda: until(self))
                seen["reports"] = len(self.library.reports)

        asyncio.run(drive())

    monkeypatch.setattr(ReportsApp, "run", run)
    return seen


def test_compare_at_start_opens_the_two_weeks_and_reads_the_library_once(monkeypatch, loads):
    seen = drive_app(monkeypatch, lambda app: isinstance(app.screen, CompareScreen) and app.screen)
    assert cli.main([str(SEEDS), "--compare", "2024-W29", "第46周", "--no-cache"]) == 0
    screen = seen["got"]
    assert (screen.a.week, screen.b.week) == ("2023-W46", "2024-W29")  # the older one on the left
    assert seen["reports"] == 5
    assert len(loads) == 1


def test_a_compare_week_that_does_not_exist_is_an_error_before_the_screen_opens(monkeypatch, loads, capsys):
    seen = drive_app(monkeypatch, lambda app: True)
    assert cli.main([str(SEEDS), "--compare", "2024-W29", "1999-W01", "--no-cache"]) == 2
    assert "1999-W01" in capsys.readouterr().err
    assert not seen  # (the app never ran)


def test_search_at_start_opens_the_results_and_reads_the_library_once(monkeypatch, loads):
    def answered(app):
        screen = app.screen
        if isinstance(screen, SearchScreen) and screen.result is not None and screen.result.hits:
            return screen.query_one("#search-input").value, screen.result.hits
        return False

    seen = drive_app(monkeypatch, answered)
    assert cli.main([str(SEEDS), "--search", "贝易转", "--no-cache"]) == 0
    query, hits = seen["got"]
    assert query == "贝易转"
    assert "贝易转" in hits[0].text
    assert len(loads) == 1
