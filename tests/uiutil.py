"""Helpers for the UI tests: build the app, wait until it has loaded, wait for a condition.

Waits poll with a generous limit and fail loudly: CI machines are small and busy, and a fixed
pause that is enough on a quiet laptop is not enough there.
"""

from __future__ import annotations

import argparse

from textual.css.query import NoMatches

from testpaths import SEEDS
from tui.ui.app import ReportsApp
from tui.ui.screens.main import MainScreen


def classes_with_bindings() -> list[type]:
    """Every class of `tui.ui` that declares BINDINGS of its own (screens, panes, the app)."""
    import importlib
    import inspect
    import pkgutil

    import tui.ui

    found = []
    for info in pkgutil.walk_packages(tui.ui.__path__, "tui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__:
                found.append(cls)
    return found


def make_app(library=None, paths=None, watch: bool = False, **args) -> ReportsApp:
    """The real app on a ready `library`, or on `paths` (default: the seeds), without a file watcher."""
    if paths is None:
        paths = [] if library is not None else [SEEDS]
    ns = argparse.Namespace(paths=[str(p) for p in paths], compare=None, search=None, config=None, no_cache=True)
    for key, value in args.items():
        setattr(ns, key, value)
    return ReportsApp(ns, library=library, watch=watch)


async def ready(pilot, need_report: bool = True, timeout: float = 20.0) -> MainScreen:
    """Wait until the library is loaded and the main screen shows a report (or the empty state)."""
    app = pilot.app
    for _ in range(int(timeout / 0.05)):
        main = app.screen_stack[0] if app.screen_stack else None
        if app.loaded and isinstance(main, MainScreen) and (main.current is not None or not need_report):
            await pilot.pause()
            return main
        await pilot.pause(0.05)
    raise AssertionError(f"the app did not finish loading within {timeout} s")


async def report_view(pilot):
    """Wait for the app to load, then the main screen's report view, focused and laid out."""
    from tui.ui.widgets.report_view import ReportView

    await ready(pilot)
    view = pilot.app.screen.query_one(ReportView)
    view.focus()
    await eventually(pilot, lambda: view.size.height > 0 and view.virtual_size.height > 0)
    return view


async def eventually(pilot, check, timeout: float = 5.0):
    """Run `check` until it stops failing (a busy machine composes and paints late), then once more."""
    for _ in range(int(timeout / 0.05)):
        try:
            return check()
        except (AssertionError, NoMatches):
            await pilot.pause(0.05)
    return check()


def screen_text(app) -> str:
    """What the terminal would show (every layer: screens below a modal, toasts), as plain text."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console.print(update)
    return console.export_text(styles=False)


def gated_load(monkeypatch, library, early):
    """Make the app's load of `library` stop after reading `early` (reported as the reports read so far)
    until the returned event is set: a first load that takes a while."""
    import threading

    import tui.ui.app as app_mod
    from tui.index.library import Library

    gate = threading.Event()
    early = list(early)

    def slow_open(paths, vocab=None, progress=None, use_cache=True, notice=None, snapshot=None, cancelled=None):
        snapshot(list(early), len(library.reports), None)
        gate.wait(20)
        return Library(reports=list(library.reports), paths=list(library.paths), vocab=library.vocab)

    monkeypatch.setattr(app_mod, "load_library", slow_open)
    return gate
