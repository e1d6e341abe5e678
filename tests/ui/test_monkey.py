"""A monkey at the keyboard: a few hundred random keys from the keys the live screens bind (plus moving,
typing and tab), seeded so a failure replays; the app must still run and answer afterwards."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import pytest

from tui.ui.app import ReportsApp
from tui.ui.screens.main import MainScreen

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "data" / "hostile"

# Keys that leave the app or hand the terminal to another program are not the monkey's to press.
FORBIDDEN = {"q", "e", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash"}
ALWAYS = ["tab", "shift+tab", "enter", "escape", "up", "down", "left", "right", "home", "end",
          "pageup", "pagedown", "space", "j", "k", "a", "1", "贝", "backspace"]
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
    rng = random.Random(seed)
    pressed: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.loaded:
                break
        app.animation_level = "none"
        pool = bound_keys(app)
        for n in range(KEYS):
            key = rng.choice(pool)
            pressed.append(key)
            send_key(app, key)
            if n % BURST == BURST - 1:
                await pilot.pause()
                assert app.is_running, f"the app stopped after {pressed[-BURST:]}"
                pool = bound_keys(app)
        await pilot.pause(0.3)
        assert not any(type(s).__name__ == "ErrorScreen" for s in app.screen_stack), pressed[-20:]
        # Still answering: back to the main screen, move between weeks, open a report.
        for _ in range(8):
            if len(app.screen_stack) == 1:
                break
            app.pop_screen()
            await pilot.pause()
        main = app.screen_stack[0]
        assert isinstance(app.screen, MainScreen)
        reports = main.library.reports
        app.open_report(reports[0])
        await pilot.pause()
        assert main.current is reports[0]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert main.current is reports[1]
    return pressed


@pytest.mark.parametrize("seed", [7, 2024])
async def test_monkey_on_the_seeds(seed_library, seed, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    app = ReportsApp(argparse.Namespace(paths=[], compare=None, search=None, config=None, no_cache=True),
                     library=seed_library, watch=False)
    pressed = await monkey(app, seed)
    assert len(pressed) == KEYS


async def test_monkey_on_a_hostile_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    for p in HOSTILE.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "\x1b]0;pwned\x07[bold red]名.md").write_text("- [/] 【项目[/]】 进度 5%\n", encoding="utf-8")
    app = ReportsApp(argparse.Namespace(paths=[str(tmp_path)], compare=None, search=None, config=None,
                                        no_cache=True), watch=False)
    pressed = await monkey(app, 99)
    assert len(pressed) == KEYS


def test_the_monkey_is_reproducible():
    a, b = random.Random(7), random.Random(7)
    assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
