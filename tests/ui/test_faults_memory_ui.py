"""A huge report in the report view: shown whole, without a string per line held (a 100 MB report has
millions of lines, and as strings they take several times its text's memory). A screen closed, or an
app ended, leaves none of the lines it drew behind."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
import tracemalloc
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from testpaths import REPO
from tui.index.load import load_library
from tui.model import text as text_module
from tui.ui.widgets import report_view as report_view_module
from tui.ui.widgets.report_view import ReportView
from uiutil import eventually, make_app, ready

LINE = "一行很长的周报内容 " * 20  # 200 characters
ALONE = "REPORTS_TUI_TEST_ALONE"  # (set in the process the ended app's check runs in)
HUGE = 400_000  # (the view's limit for plain lines, lowered so that a test's report is huge)


def _huge_report(tmp_path):
    body = "".join(f"## 第{n}段\n\n" + f"段{n}：{LINE}\n" * 50 for n in range(1, 41))  # 2,000 long lines
    (tmp_path / "huge.md").write_text("# 2024-W10 大报告\n\n" + body, encoding="utf-8")
    lib = load_library([str(tmp_path)])
    assert len(lib.reports[0].text) > HUGE
    return lib


async def test_a_huge_report_is_shown_without_a_string_per_line(tmp_path, monkeypatch):
    monkeypatch.setattr(text_module, "LINES_AT_ONCE", 16 * 1024)
    monkeypatch.setattr(report_view_module, "HUGE_REPORT_BYTES", HUGE)
    lib = _huge_report(tmp_path)
    report = lib.reports[0]
    lines = report.text.split("\n")
    app = make_app(lib)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = app.query_one(ReportView)
        gc.collect()
        tracemalloc.start()
        try:
            view.show(report)
            held = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert view.huge
        # (the lines as strings took 2.4 times the text; where each starts: a few kilobytes)
        assert held[1] < len(report.text) // 4, f"{held[1]:,} bytes for a text of {len(report.text):,} characters"
        view.focus()
        await pilot.press("end")

        def last_lines_shown():
            shot = app.export_screenshot()
            assert "段40：一行很长" in shot and "段39：" not in shot

        await eventually(pilot, last_lines_shown, timeout=20)
        section = next(s for s in report.sections if s.title == "第7段")
        want = "\n".join(lines[section.line - 1:section.end_line]).rstrip("\n") + "\n"
        assert view.section_text(section) == want
        assert view.section_text(report.sections[-1]).endswith(f"段40：{LINE}\n")


def _drawn_lines(screen) -> list[weakref.ref]:
    """Weak references to where each widget of `screen` keeps the lines it drew (one per widget)."""
    return [weakref.ref(widget._styles_cache) for widget in screen.walk_children(with_self=True)]


async def _metrics_and_back(library) -> tuple[list[weakref.ref], weakref.ref]:
    """Run the app: open the metrics screen and close it again; the app's main screen and the lines
    drawn on each screen. The app's threaded workers run in a pool of threads of its own, ended with the
    app as a process's would be: a thread keeps `sys.stderr` as it was when the thread started, which is
    the app's capture of it while the app runs, and the loop's own pool keeps its threads."""
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor()
    loop.set_default_executor(pool)
    try:
        return await _run_metrics_and_back(library)
    finally:
        loop.set_default_executor(ThreadPoolExecutor())
        await asyncio.to_thread(pool.shutdown, True)


async def _run_metrics_and_back(library) -> tuple[list[weakref.ref], weakref.ref]:
    app = make_app(library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        main = app.screen
        await pilot.press("m")
        await eventually(pilot, lambda: app.screen.id == "metrics" and len(app.screen.query(".kpi-chart")) >= 5)
        await pilot.pause()
        metrics = _drawn_lines(app.screen)
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        await pilot.pause()
        gc.collect()
        kept = sum(ref() is not None for ref in metrics)
        assert kept == 0, f"{kept} of the closed metrics screen's {len(metrics)} widgets' drawn lines are kept"
        return _drawn_lines(main), weakref.ref(main)


@pytest.mark.skipif(os.environ.get(ALONE) != "1", reason="run in a process of its own by the test after it")
async def test_closed_screen_and_ended_app_in_a_process_of_their_own(seed_library):
    """Each widget keeps the lines it drew. Closing a screen (the metrics' charts) frees them with its
    widgets, and so does ending an app (apps run one after another in one process): neither Textual's
    look-up of a line's background colours nor the charts' wish to hear of theme changes keeps them."""
    # (in a task of its own: Textual makes an app the current one in the context it runs in)
    at_start, main = await asyncio.create_task(_metrics_and_back(seed_library))
    # (on a busy machine a task or thread of the ended app may still be finishing: what it holds goes
    # when it ends; what something else keeps, as the three did, is kept past any wait)
    kept = await _kept_after(at_start + [main])
    assert kept == 0, f"{kept} of the ended app's {len(at_start)} widgets' drawn lines, or its main screen, are kept"


def test_a_closed_screen_and_an_ended_app_leave_no_drawn_lines_behind():
    """The check above, in a process of its own: run after other UI tests in one worker (which share the
    parsed seeds and Textual's module state), an ended app's main screen was at times still held 20 s
    later by what they left behind, which says nothing of what the app itself keeps."""
    test = f"{Path(__file__).resolve()}::test_closed_screen_and_ended_app_in_a_process_of_their_own"
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                         env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, ALONE: "1"}, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0 and "1 passed" in res.stdout, res.stdout[-4000:] + res.stderr[-2000:]


async def _kept_after(refs: list[weakref.ref], timeout: float = 20.0) -> int:
    """How many of `refs` still point at something once it has been collected and nothing of it is
    finishing any more (at most `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        gc.collect()
        kept = sum(ref() is not None for ref in refs)
        if not kept or time.monotonic() >= deadline:
            return kept
        await asyncio.sleep(0.05)
