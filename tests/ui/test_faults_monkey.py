"""Faults in the app: a monkey with palette keys, resizes and keys pressed while reports load (a file of
its own: the longest UI test, so that pytest-xdist's `--dist loadfile` runs it beside the other UI faults).

Runs with `REPORTS_TUI_CRASH_ON_ERROR=1` (tests/ui/conftest.py): an unexpected exception ends the app, so
"the app is still running" means that no exception was raised at all.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from test_monkey import HOSTILE, every_bound_key, no_leaving_commands, send_key, still_answering
from testpaths import SEEDS
from uiutil import gated_load, make_app


# ── a monkey: 800 keys with the palette, resizes, and keys while reports load ──────────────────

MONKEY_KEYS = int(os.environ.get("MONKEY_KEYS", 800))  # (MONKEY_KEYS=5000 for a longer run by hand)
PALETTE = ["ctrl+p", "ctrl+p", "enter", "enter", "escape", "down", "up", "pagedown", "pageup", "tab", "g", "o",
           "w", "e", "k", "t", "h", "2", "0", "backspace"]
FORBIDDEN = {"q", "e", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash"}  # (leave the app / start an editor)


def monkey_folder(root: Path) -> Path:
    """Four copies of the seeds, the hostile files, an unreadable one, a FIFO, a link to /dev/zero and a
    symlink loop."""
    folder = root / "monkey"
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for n in range(4 * len(seeds)):
        src = seeds[n % len(seeds)]
        shutil.copy(src, folder / f"{n:03d}_{src.name}")
    for p in HOSTILE.iterdir():
        shutil.copy(p, folder / p.name)
    (folder / "\x1b]0;pwned\x07[bold red]名.md").write_text("- [/] 【项目[/]】 进度 5%\n", encoding="utf-8")
    (folder / "binary.md").write_bytes(b"\x00\x01" * 100)
    os.mkfifo(folder / "z.md")
    os.symlink("/dev/zero", folder / "x.md")
    os.symlink(".", folder / "loop")
    return folder


def monkey_plan(seed: int, keys: int = MONKEY_KEYS) -> list[list]:
    """Bursts of eight keys (three in ten from the palette's keys), every fifth burst led by a terminal
    size: the same plan for a seed on every run, whatever the app does meanwhile."""
    rng = random.Random(seed)
    pool = every_bound_key()
    bursts: list[list] = []
    while sum(isinstance(step, str) for b in bursts for step in b) < keys:
        burst: list = []
        if len(bursts) % 5 == 0:  # (about every 40 keys)
            burst.append((rng.randint(40, 250), rng.randint(10, 70)))
        for _ in range(8):
            key = rng.choice(PALETTE) if rng.random() < 0.3 else rng.choice(pool)
            if key not in FORBIDDEN:
                burst.append(key)
        bursts.append(burst)
    return bursts


@pytest.mark.slow
async def test_monkey_with_palette_keys_resizes_and_keys_while_loading(tmp_path, monkeypatch):
    """The first load is held back (half its reports shown as read so far) for the first ten bursts, so
    that keys arrive before the first screen, while the reports read so far show, and after."""
    monkeypatch.setenv("EDITOR", "true")
    no_leaving_commands(monkeypatch)
    gate = gated_load(monkeypatch)
    app = make_app(paths=[monkey_folder(tmp_path)])
    plan = monkey_plan(17)
    pressed: list[str] = []
    sizes: list[tuple[int, int]] = []
    during_load = 0
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            app.animation_level = "none"
            for key in ("left_square_bracket", "j", "slash", "贝", "escape", "ctrl+p", "escape"):
                pressed.append(key)  # (at once: the reports are still loading)
                during_load += not app.loaded
                send_key(app, key)
            for n, burst in enumerate(plan):
                if n == 10:
                    gate.set()
                for step in burst:
                    if isinstance(step, tuple):
                        sizes.append(step)
                        await pilot.resize_terminal(*step)
                        continue
                    pressed.append(step)
                    during_load += not app.loaded
                    send_key(app, step)
                await pilot.pause()
                assert app.is_running, f"the app stopped after {pressed[-16:]}"
            await pilot.resize_terminal(100, 30)
            await still_answering(pilot, pressed)
            main = app.screen_stack[0]
            assert len(main.library.reports) == 4 * len(list(SEEDS.iterdir())) + 5
            assert len(main.library.problems) >= 3  # (the binary file, the FIFO, the link to /dev/zero)
    finally:
        gate.set()
    assert len(pressed) >= MONKEY_KEYS
    assert len(sizes) >= MONKEY_KEYS // 45
    assert any(w <= 60 for w, _ in sizes) and any(w >= 200 for w, _ in sizes)
    assert any(h <= 20 for _, h in sizes) and any(h >= 60 for _, h in sizes)
    assert during_load >= 80, "too few keys pressed while the reports loaded"
