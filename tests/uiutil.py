"""Helpers for the UI tests: build the app, wait until it has loaded, wait for a condition.

Waits poll with a generous limit and fail loudly: CI machines are small and busy, and a fixed
pause that is enough on a quiet laptop is not enough there.
"""

from __future__ import annotations

import argparse
import asyncio
import time

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


async def ready(pilot, need_report: bool = True, timeout: float = 30.0) -> MainScreen:
    """Wait until the library is loaded and the main screen shows a report (or the empty state)."""
    app = pilot.app

    def loaded() -> MainScreen:
        main = app.screen_stack[0] if app.screen_stack else None
        assert app.loaded, "the library is still loading"
        assert isinstance(main, MainScreen), "no main screen yet"
        assert main.current is not None or not need_report, "no report open"
        return main

    main = await eventually(pilot, loaded, timeout=timeout)
    await pilot.pause()
    return main


async def report_view(pilot):
    """Wait for the app to load, then the main screen's report view, focused and laid out."""
    from tui.ui.widgets.report_view import ReportView

    await ready(pilot)
    view = pilot.app.screen.query_one(ReportView)
    view.focus()
    await eventually(pilot, lambda: view.size.height > 0 and view.virtual_size.height > 0)
    return view


async def eventually(pilot, check, timeout: float = 20.0):
    """Poll `check` until it holds and return what it returned: it holds when it returns anything but
    `False` without raising `AssertionError` or `NoMatches` (so both `lambda: x is y` and a function
    that asserts work). A busy machine composes and paints late, so the limit is generous and wall
    clock; past it the last failure is raised (a predicate: an AssertionError naming it)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (AssertionError, NoMatches):
            if time.monotonic() >= deadline:
                raise
        else:
            if result is not False:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError(f"still false after {timeout} s: {_describe(check)}")
        await pilot.pause(0.02)


async def in_turn(pilot, cases) -> None:
    """Run each of `cases` (label, then an async function of the pilot) in one app, one after the other,
    every screen over the main one closed between them, so that each starts from the main screen as if
    the app had just started (one app's start instead of one per case); a failure names its case."""
    app = pilot.app
    main = await ready(pilot)
    for label, case in cases:
        try:
            await case(pilot)
        except AssertionError as failure:
            raise AssertionError(f"{label}: {failure}") from failure
        while len(app.screen_stack) > 1:
            app.pop_screen()
        await eventually(pilot, lambda: app.screen is main)
        await settled(pilot)


async def keys_delivered(pilot, timeout: float = 30.0) -> None:
    """Wait until the keys pressed so far have reached their screen. The app holds a key typed while
    the one before it is on its way or a screen is being pushed, and sends it on from a timer, which
    Textual's `pilot.press` does not wait for: an assertion right after a press could run before the
    key acts, on a busy machine. Keys held while the reports load stay held (a test of typing ahead
    during a load waits for that itself)."""
    app = pilot.app
    if not hasattr(app, "keys_waiting"):
        return  # (a test app without type-ahead)

    def delivered() -> bool:
        if not app.is_running or app._exit:
            return True
        try:
            if app._loading_main():
                return True
        except Exception:  # (no screen yet)
            return True
        # (as long as the app itself waits for it: past its limit a key is taken for lost)
        return not app.keys_waiting and not app.key_on_its_way()

    deadline = time.monotonic() + timeout
    while not delivered() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    if app.is_running:
        await pilot._wait_for_screen()


def screen_text(app) -> str:
    """What the terminal would show (every layer: screens below a modal, toasts), as plain text."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console.print(update)
    return console.export_text(styles=False)


def _describe(check) -> str:
    import inspect

    try:
        return inspect.getsource(check).strip()
    except (OSError, TypeError):
        return repr(check)


async def settled(pilot, timeout: float = 30.0, of=None) -> None:
    """Wait until the app has nothing left to do for the keys sent so far: no key waits for its screen
    and no worker runs (`of`: no worker of that screen or widget, where a test holds another one back);
    then let the screen in view handle what is queued and paint."""
    app = pilot.app

    def idle() -> None:
        waiting = getattr(app, "keys_waiting", 0)  # (a test app without type-ahead has none)
        assert not waiting, f"{waiting} keys wait for their screen"
        busy = [w.name for w in app.workers if not w.is_finished and (of is None or w.node is of)]
        assert not busy, f"workers still running: {busy}"

    await eventually(pilot, idle, timeout=timeout)
    await pilot.pause()
    await pilot.pause()


def gated_load(monkeypatch, library=None, early=None, hold_first: bool = False):
    """Make the app's first load stop until the returned event is set: a first load that takes a while.

    With `library`, the load gives that library, after reporting `early` as the reports read so far.
    Without, it is the app's real load of its paths (odd files and all), held back once read; every
    other report of it is reported as read so far. The event has `started` (an Event): set once the
    reports read so far were reported; and `first` (an Event, set already unless `hold_first`): the load
    waits for it before it reports any report, so that nothing shows yet."""
    import threading

    import tui.ui.loading as loading
    from tui.index.library import Library

    gate = threading.Event()
    gate.started = threading.Event()
    gate.loading = threading.Event()  # the load has begun (and waits for `first`)
    gate.first = threading.Event()
    if not hold_first:
        gate.first.set()
    real_open = loading.load_library

    def slow_open(paths, vocab=None, progress=None, use_cache=True, notice=None, snapshot=None, cancelled=None):
        gate.loading.set()
        if library is None:
            got = real_open(paths, vocab=vocab, use_cache=use_cache, notice=notice, cancelled=cancelled)
            shown = got.reports[::2] if early is None else list(early)
        else:
            got = Library(reports=list(library.reports), paths=list(library.paths), vocab=library.vocab)
            shown = list(early or ())
        gate.first.wait(60)
        snapshot(shown, len(got.reports), None)
        gate.started.set()
        gate.wait(60)
        return got

    monkeypatch.setattr(loading, "load_library", slow_open)
    return gate
