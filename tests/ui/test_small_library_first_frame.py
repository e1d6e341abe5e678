"""A library too small to keep a summary (the seeds) has nothing stored to show at once: its first frame
waits for the library as read, so the reports are drawn once, not after a loading line."""

from __future__ import annotations

import threading
import time

from uiutil import eventually, make_app, ready


async def test_a_small_library_read_just_after_the_screen_mounts_is_in_its_first_frame(cache_home, monkeypatch):
    from textual.widgets import Static

    from tui.ui import loading as ui_loading
    from tui.ui.screens.main import MainScreen

    mounted = threading.Event()
    real_load, real_mount, real_lines = ui_loading.load_library, MainScreen.on_mount, Static.render_lines

    def load_late(*args, **kwargs):
        # The read is a thread racing the compose: here it ends just after the screen mounts.
        mounted.wait(10)
        time.sleep(0.05)
        return real_load(*args, **kwargs)

    def on_mount(self):
        mounted.set()
        real_mount(self)

    drawn: list[str] = []

    def render_lines(self, crop):
        drawn.append(self.id)
        return real_lines(self, crop)

    monkeypatch.setattr(ui_loading, "READ_WAIT_S", 10.0)  # (a busy machine reads late: the bound is not under test)
    monkeypatch.setattr(ui_loading, "load_library", load_late)
    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    monkeypatch.setattr(Static, "render_lines", render_lines)
    app = make_app(no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await eventually(pilot, lambda: not app.loading())
        await pilot.pause()
        assert main.current is not None
        assert "report-title" in drawn and "loading-text" not in drawn
