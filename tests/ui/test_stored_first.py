"""A warm start shows the library as stored at once, then checks its files: a file changed since the
last run is shown changed, without the reader losing their place."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from tui.index.library import bundled_seeds
from tui.index.store import loading
from tui.ui.widgets.week_list import WeekList
from uiutil import eventually, make_app, ready


@pytest.fixture
def stored(cache_home, tmp_path, monkeypatch):
    """Copies of the seeds under two authors, loaded once so that the cache holds their summary."""
    monkeypatch.setattr(loading, "SUMMARY_MIN", 1)
    d = tmp_path / "team"
    for k in range(4):
        shutil.copytree(bundled_seeds(), d / f"author{k % 2}" / str(2020 + k // 2))
    loading.load_library_cached([str(d)])
    return d


def _read_after_mount(monkeypatch, name: str) -> list:
    """`tui.ui.loading.<name>` (a read in the load's thread, racing the main screen's compose) made to end
    just after the main screen mounts; the ids of the `Static` widgets drawn, in order."""
    from textual.widgets import Static

    from tui.ui import loading as ui_loading
    from tui.ui.screens.main import MainScreen

    mounted = threading.Event()
    real_read, real_mount, real_lines = getattr(ui_loading, name), MainScreen.on_mount, Static.render_lines

    def read_late(*args, **kwargs):
        mounted.wait(10)
        time.sleep(0.05)
        return real_read(*args, **kwargs)

    def on_mount(self):
        mounted.set()
        real_mount(self)

    drawn: list[str] = []

    def render_lines(self, crop):
        drawn.append(self.id)
        return real_lines(self, crop)

    monkeypatch.setattr(ui_loading, name, read_late)
    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    monkeypatch.setattr(Static, "render_lines", render_lines)
    return drawn


def _recording(monkeypatch) -> list:
    from tui.ui.screens.main import MainScreen

    shown: list = []
    real = MainScreen.set_library
    monkeypatch.setattr(MainScreen, "set_library", lambda self, lib, **kw: shown.append(lib) or real(self, lib, **kw))
    return shown


async def test_a_file_changed_since_the_last_run_is_shown_changed(stored, monkeypatch):
    shown = _recording(monkeypatch)
    f = sorted(stored.rglob("*.txt"))[2]
    text = f.read_text(encoding="utf-8")
    f.write_text("# 2019-W07\n" + text.split("\n", 1)[1] + "\n补充一行。\n", encoding="utf-8")
    app = make_app(paths=[stored], no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        opened = main.current.source
        weeks = main.query_one(WeekList)
        await eventually(pilot, lambda: any(r.source.path == str(f) and r.label == "2019-W07" for r in weeks.reports))
        assert weeks.reports == app.workspace.library.reports
        # First the list as stored, then the checked one; the report open stays open.
        assert len(shown) == 2 and not any(r.label == "2019-W07" for r in shown[0].reports)
        assert main.current.source == opened


async def test_an_unchanged_library_is_shown_once(stored, monkeypatch):
    shown = _recording(monkeypatch)
    app = make_app(paths=[stored], no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await eventually(pilot, lambda: not app.loading())
        await pilot.pause()
        assert len(shown) == 1 and len(shown[0].reports) == 20


async def test_a_newer_week_found_by_the_check_opens_as_a_first_load_would(stored):
    f = sorted(stored.rglob("*.txt"))[0]
    f.write_text("# 2031-W06 新的一周\n\n## 本周工作\n- 刚写好\n", encoding="utf-8")
    app = make_app(paths=[stored], no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await eventually(pilot, lambda: main.current.week == "2031-W06")  # (the reader had not moved)


async def test_a_library_as_stored_read_just_after_the_screen_mounts_is_in_its_first_frame(stored, monkeypatch):
    """The cache is read by a thread racing the main screen's compose: read just after the screen
    mounts, its reports are still what the first frame shows, not a loading line drawn and then drawn
    again with them."""
    shown = _recording(monkeypatch)
    drawn = _read_after_mount(monkeypatch, "stored_library")
    app = make_app(paths=[stored], no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await eventually(pilot, lambda: not app.loading())
        await pilot.pause()
        assert "report-title" in drawn and "loading-text" not in drawn
        assert len(shown) == 1 and len(shown[0].reports) == 20


async def test_a_small_library_read_just_after_the_screen_mounts_is_in_its_first_frame(cache_home, monkeypatch):
    """A library too small to keep a summary (the seeds) has nothing stored to show at once: its first
    frame waits for the library as read, so the reports are drawn once, not after a loading line."""
    from tui.ui import loading as ui_loading

    drawn = _read_after_mount(monkeypatch, "load_library")
    monkeypatch.setattr(ui_loading, "READ_WAIT_S", 10.0)  # (a busy machine reads late: the bound is not under test)
    app = make_app(no_cache=False)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await eventually(pilot, lambda: not app.loading())
        await pilot.pause()
        assert main.current is not None
        assert "report-title" in drawn and "loading-text" not in drawn
