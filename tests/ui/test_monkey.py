"""A monkey at the keyboard: a few hundred random keys from the keys the app's screens and widgets bind
(plus moving, typing and tab), seeded so a failure replays; the app must still run and answer afterwards."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import pytest

from tui.ui.app import ReportsApp
from tui.ui.screens.error import ErrorScreen
from uiutil import eventually, ready, settled

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "data" / "hostile"

# Keys that leave the app or hand the terminal to another program are not the monkey's to press.
FORBIDDEN = {"q", "e", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash"}
ALWAYS = ["tab", "shift+tab", "enter", "escape", "up", "down", "left", "right", "home", "end",
          "pageup", "pagedown", "space", "j", "k", "a", "1", "贝", "backspace", "ctrl+p"]
KEYS = 300
BURST = 6  # keys sent before the app gets a moment to catch up


def bound_keys(app) -> list[str]:
    """Every key bound on the screen shown now (its widgets, the screen, the app)."""
    keys = set(ALWAYS)
    for key in app.screen.active_bindings:
        keys.add(key)
    for widget in app.screen.query("*"):
        for key in widget._bindings.key_to_bindings:
            keys.add(key)
    return sorted(k for k in keys if k not in FORBIDDEN)


def every_bound_key() -> list[str]:
    """Every key any screen or widget of the app binds (their classes' BINDINGS, Textual's widgets
    they build on included), and the keys of `ALWAYS`: a pool that does not depend on what is on
    screen at the moment, so that a seed gives the same keys on every run."""
    import importlib
    import inspect
    import pkgutil

    import tui.ui

    keys = set(ALWAYS)
    for info in pkgutil.walk_packages(tui.ui.__path__, "tui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not cls.__module__.startswith("tui.ui"):
                continue
            for base in cls.__mro__:
                for binding in base.__dict__.get("BINDINGS", ()):
                    key = binding.key if hasattr(binding, "key") else binding[0]
                    keys.update(k.strip() for k in key.split(","))
    return sorted(k for k in keys if k not in FORBIDDEN)


def monkey_keys(seed: int, count: int = KEYS) -> list[str]:
    """The keys a monkey of this seed presses, in order (the same on every run)."""
    rng = random.Random(seed)
    pool = every_bound_key()
    return [rng.choice(pool) for _ in range(count)]


def no_leaving_commands(monkeypatch) -> None:
    """The palette without Quit (it leaves the app) and Screenshot (it writes to ~/Downloads): keys that
    pick whatever command is highlighted must not pick those."""
    real_commands = ReportsApp.get_system_commands

    def commands(self, screen):
        return (c for c in real_commands(self, screen) if c.title not in ("Quit", "Screenshot"))

    monkeypatch.setattr(ReportsApp, "get_system_commands", commands)


def send_key(app, key: str) -> None:
    """Queue a key press the way the terminal driver does (no waiting: keys arrive in bursts, like a
    fast typist's; `pilot.press` waits for idle after every key and would make this test slow)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def monkey(app, seed: int) -> list[str]:
    pressed: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.animation_level = "none"
        for n, key in enumerate(monkey_keys(seed)):
            pressed.append(key)
            send_key(app, key)
            if n % BURST == BURST - 1:
                await pilot.pause()
                assert app.is_running, f"the app stopped after {pressed[-BURST:]}"
        await still_answering(pilot, pressed)
    return pressed


async def still_answering(pilot, pressed: list[str]) -> None:
    """After a monkey: every key typed has been handled, no error dialog is open, and the main screen
    answers a user's keys (back to it with escape, open the first week, `]` to the next)."""
    app = pilot.app
    await settled(pilot)
    assert app.is_running
    assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack), pressed[-20:]
    for _ in range(10):
        if len(app.screen_stack) == 1:
            break
        await pilot.press("escape")
        await settled(pilot)
    main = app.screen_stack[0]
    assert app.screen is main, [type(s).__name__ for s in app.screen_stack]
    reports = main.library.reports
    app.open_report(reports[0])
    await eventually(pilot, lambda: main.current is reports[0])
    await pilot.press("right_square_bracket")
    await eventually(pilot, lambda: main.current is reports[1])
    await settled(pilot)
    assert main.current is reports[1], pressed[-30:]  # (and no key left over moved it on)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 2024])
async def test_monkey_on_the_seeds(seed_library, seed, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    no_leaving_commands(monkeypatch)
    app = ReportsApp(argparse.Namespace(paths=[], compare=None, search=None, config=None, no_cache=True),
                     library=seed_library, watch=False)
    assert await monkey(app, seed) == monkey_keys(seed)


@pytest.mark.slow
async def test_monkey_on_a_hostile_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    no_leaving_commands(monkeypatch)
    for p in HOSTILE.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "\x1b]0;pwned\x07[bold red]名.md").write_text("- [/] 【项目[/]】 进度 5%\n", encoding="utf-8")
    app = ReportsApp(argparse.Namespace(paths=[str(tmp_path)], compare=None, search=None, config=None,
                                        no_cache=True), watch=False)
    assert await monkey(app, 99) == monkey_keys(99)


def test_a_seed_gives_the_same_keys_on_every_run_and_reaches_every_screen():
    """A failing seed replays: its keys do not depend on timing or on what is on screen; and the pool
    holds the keys of every screen (compare's `u` and `s`, the week picker's, search's …)."""
    assert monkey_keys(7) == monkey_keys(7)
    assert monkey_keys(7) != monkey_keys(2024)
    pool = set(every_bound_key())
    assert {"slash", "c", "t", "m", "w", "left_square_bracket", "n", "N", "u", "s", "ctrl+p", "f1"} <= pool
    assert not pool & FORBIDDEN
