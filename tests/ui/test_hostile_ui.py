"""Hostile and odd input through every screen: markup stays literal text, no control character reaches
the terminal, nothing raises, big input opens, files vanishing under a running app are survived."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from textual.command import CommandPalette

from tui.ui.app import ReportsApp
from tui.ui.screens.main import MainScreen
from tui.ui.screens.search import SearchScreen
from uiutil import eventually, make_app, ready, screen_text, settled

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "data" / "hostile"
# ESC and C0/C1 controls (tab and newline aside) and bidi overrides/isolates: none may be on screen.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

ESC_NAME = "\x1b]0;pwned\x07[bold red]文件.md"
CLICK_NAME = "[@click=app.quit]点我.md"


async def shown_clean(pilot, *literals: str) -> str:
    """Wait until every literal is on screen and the app has settled, then check the whole screen once:
    no control character, no forged title (a check made before the text is drawn would prove nothing)."""
    app = pilot.app

    def shown() -> None:
        text = screen_text(app)
        for lit in literals:
            assert lit in text, f"{lit!r} not on {type(app.screen).__name__}:\n{text}"

    await eventually(pilot, shown)
    await settled(pilot)
    return assert_clean(app, *literals)


def assert_clean(app, *literals: str) -> str:
    text = screen_text(app)
    bad = CONTROL.search(text.replace("\n", ""))
    assert bad is None, f"control character {bad.group()!r} on screen {type(app.screen).__name__}"
    assert "pwned" not in (app.title + app.sub_title)
    for lit in literals:
        assert lit in text, f"{lit!r} not on {type(app.screen).__name__}:\n{text}"
    return text


@pytest.fixture
def hostile_dir(tmp_path) -> Path:
    d = tmp_path / "hostile"
    d.mkdir()
    for p in HOSTILE.iterdir():
        shutil.copy(p, d / p.name)
    (d / ESC_NAME).write_text("- 无标题 [/] 进度 10%\n", encoding="utf-8")
    (d / CLICK_NAME).write_text("- [@click=app.quit]点我[/]\n", encoding="utf-8")
    (d / "\x1b[31m[bold red]坏.md").write_bytes(b"\x00\x01\x02binary" * 50)  # unreadable: a problem
    return d


def by_label(main: MainScreen, start: str):
    return next(r for r in main.library.reports if r.label.startswith(start))


async def test_main_screen_panes_show_markup_literally(hostile_dir):
    app = make_app(paths=[hostile_dir])
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot)
        assert len(main.library.reports) == 6 and len(main.library.problems) == 1
        markup = by_label(main, "2024-W20")
        main.show_report(markup)
        # title bar, week list, report, tree (project 贝易转[/]), KPI panel, problems line
        text = await shown_clean(pilot, "[bold red]", "贝易转[/]", "[link=https://evil.example]", "and [/] and [red]",
                                 "入金有效成功率", "could not read")
        assert "[bold red]标题[/]" in text
        assert "alert(" not in text  # inline HTML is rendered as a browser would: a script shows nothing
        for report in main.library.reports:
            main.show_report(report)
            await eventually(pilot, lambda: main.query_one("#report").report is report)
            await settled(pilot)
            assert_clean(app)
        # the undated report named after its file: warnings line, title, subtitle; the control characters
        # of its name are shown escaped, never sent to the terminal
        main.show_report(by_label(main, "\\x1b]0;pwned\\x07[bold red]文件"))
        await shown_clean(pilot, "\\x1b]0;pwned\\x07[bold red]文件", "undated")
        main.show_report(by_label(main, "[@click"))
        await shown_clean(pilot, "[@click=app.quit]点我")
        await pilot.click("#report-title")
        await settled(pilot)
        assert app.is_running  # the literal [@click=app.quit] did nothing


async def test_raw_view_and_notifications(hostile_dir):
    app = make_app(paths=[hostile_dir])
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot)
        main.show_report(by_label(main, "2024-W21"))
        await pilot.press("r")
        await shown_clean(pilot, "清屏之后", "# 2024-W21")  # (raw: the heading's marks are shown)
        await pilot.press("r")
        main.show_report(by_label(main, "2024-W20"))
        main.query_one("#weeks").focus()
        await pilot.press("space")  # "Marked <label>" toast
        await shown_clean(pilot, "Marked 2024-W20 [bold red]标题[/]")
        app.notify("[bold red]x[/] \x1b]0;pwned\x07 toast", markup=False)  # what screens pass: markup off
        await shown_clean(pilot, "[bold red]x[/]", "toast")


async def test_search_results_and_preview(hostile_dir):
    app = make_app(paths=[hostile_dir])
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        for ch in "bold red":
            await pilot.press("space" if ch == " " else ch)
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "bold red"
                         and bool(screen.result.hits))
        await shown_clean(pilot, "[bold red]")
        await pilot.press("down", "down", "down")
        await settled(pilot)
        assert_clean(app, "[bold red]")
        await pilot.press("escape")
        await pilot.press("slash")
        await pilot.press("p", "w", "n", "e", "d")
        screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "pwned")
        await shown_clean(pilot, "pwned")  # (the query as typed; the escape's text `]0;pwned` in a hit)


async def test_timeline_compare_picker_metrics_help_palette(hostile_dir):
    from tui.ui.screens.compare import CompareScreen
    from tui.ui.screens.timeline import TimelineScreen
    from tui.ui.screens.week_picker import WeekPickerModal

    app = make_app(paths=[hostile_dir])
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot)
        markup, escapes = by_label(main, "2024-W20"), by_label(main, "2024-W21")
        key = markup.projects[0].key
        app.push_screen(TimelineScreen(app.workspace, key))
        await shown_clean(pilot, "贝易转[/]", "[bold red]")  # (computed off the UI thread)
        await pilot.press("escape")
        compare = CompareScreen(main.library, markup, escapes)
        app.push_screen(compare)
        await shown_clean(pilot, "[bold red]", "and [/] and [red]")
        assert "alert(" not in screen_text(app)  # drawn as the report view draws it
        left = compare.a
        await pilot.press("n", "u", "s")
        await eventually(pilot, lambda: compare.b is left)  # (swapped)
        await shown_clean(pilot, "[bold red]", "and [/] and [red]")
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        picker = WeekPickerModal(main.library, exclude=escapes)
        app.push_screen(picker)
        await shown_clean(pilot, "[bold red]标题[/]", "[@click=app.quit]点我")
        for ch in "bold":
            await pilot.press(ch)
        await eventually(pilot, lambda: picker.query_one("Input").value == "bold")
        await shown_clean(pilot, "[bold red]")
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        await pilot.press("m")
        await eventually(pilot, lambda: app.screen.id == "metrics")
        await shown_clean(pilot, "KPIs", "入金有效成功率")
        await pilot.press("escape", "question_mark")
        await eventually(pilot, lambda: app.screen.id == "help")
        await shown_clean(pilot, "keys")
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        await pilot.press("ctrl+p")
        await eventually(pilot, lambda: isinstance(app.screen, CommandPalette))
        for ch in "bold":
            await pilot.press(ch)
        await shown_clean(pilot, "[bold red]")
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        for widget in app.screen_stack[0].query("*"):
            tip = widget.tooltip
            assert tip is None or not CONTROL.search(str(tip))
        assert app.is_running


async def test_palette_help_text_is_not_markup(tmp_path):
    """Palette prompts and help lines carry labels and titles: `[/]` in one must not raise."""
    (tmp_path / "a.md").write_text("# 2024-W20 [/] 标题 [bold]\n\n- 【项目[/]】 进度 5%\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 2024-W21 第二周\n\n- 【项目[/]】 进度 9%\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await eventually(pilot, lambda: isinstance(app.screen, CommandPalette))
        for ch in "go":
            await pilot.press(ch)
        await shown_clean(pilot, "2024-W20 [/] 标题 [bold]")
        await pilot.press("escape")
        await settled(pilot)
        assert app.is_running


# ── big and odd input ───────────────────────────────────────────────────────────────────────────


async def test_big_report_and_many_headings(tmp_path):
    big = "# 2024-W10 大报告\n\n" + "".join(
        f"## 【O{i % 9 + 1} 段落{i}】\n\n- 项目{i}：进度{i % 100}%\n    - 细节\t制表符\u00a0不换行\u200b零宽\n"
        for i in range(10000))
    while len(big.encode()) < 5_000_000:
        big += "- " + "很长的一行" * 2000 + "\n"
    (tmp_path / "big.md").write_text(big, encoding="utf-8")
    (tmp_path / "line.md").write_text("# 2024-W11 长行\n\n- " + "长" * 50000 + "\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot)
        assert [r.label for r in main.library.reports] == ["2024-W10 大报告", "2024-W11 长行"]
        main.show_report(main.library.reports[0])
        tree = main.query_one("#sections")
        await eventually(pilot, lambda: len(tree.root.children) >= 1)
        await pilot.press("tab", "tab", "end", "home", "j", "k", "r")
        await eventually(pilot, lambda: main.raw)
        await shown_clean(pilot, "raw · 2024-W10 大报告")
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw)
        await shown_clean(pilot, "大报告", "段落")
        main.show_report(main.library.reports[1])
        await shown_clean(pilot, "长长长")


async def test_files_vanish_and_turn_unreadable_while_running(tmp_path):
    for w in (20, 21, 22):
        (tmp_path / f"2024-W{w}.md").write_text(f"# 2024-W{w} 周报\n\n## 其他\n\n- 第{w}周\n", encoding="utf-8")
    app = make_app(paths=[tmp_path], watch=True)
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot)
        assert main.current.week == "2024-W22"
        (tmp_path / "2024-W22.md").unlink()  # the open report disappears
        (tmp_path / "2024-W21.md").write_bytes(b"\x00\xff" * 100)  # another one becomes unreadable
        await eventually(pilot, lambda: len(main.library.reports) == 1 and len(main.library.problems) == 1,
                         timeout=30)
        assert [r.week for r in main.library.reports] == ["2024-W20"]
        assert main.current.week == "2024-W20"
        await shown_clean(pilot, "could not read")  # (once the screen has been laid out again)
        shutil.rmtree(tmp_path)  # the whole folder goes: the watcher's reload finds nothing
        await eventually(pilot, lambda: not main.library.reports, timeout=30)
        app.reload_library()  # (and one more, asked for)
        await eventually(pilot, lambda: not app.loading())
        await settled(pilot)
        assert not main.library.reports and main.has_class("-empty")
        await pilot.press("j", "k", "slash", "escape", "c", "escape")
        await settled(pilot)
        assert app.is_running


async def test_empty_folder_has_a_helpful_empty_state(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        main = await ready(pilot, need_report=False)
        assert not main.library.reports
        await shown_clean(pilot, "No reports found", str(tmp_path)[:20], "*.md")
        await pilot.press("slash", "escape", "c", "m", "escape", "t", "left_square_bracket", "right_square_bracket", "space", "p")
        await settled(pilot)
        assert app.is_running
        await shown_clean(pilot, "No reports found")


def test_a_missing_path_is_an_error_before_the_screen_opens(capsys, monkeypatch):
    from tui import cli

    def no_app(args):  # pragma: no cover - must not be reached
        raise AssertionError("the TUI started")

    monkeypatch.setattr("tui.ui.app.run_app", no_app)
    assert cli.main(["/nope/does-not-exist"]) == 2
    assert "no such file or folder: /nope/does-not-exist" in capsys.readouterr().err


# ── errors ──────────────────────────────────────────────────────────────────────────────────────


async def test_a_failing_worker_shows_the_error_dialog_and_the_app_keeps_running(hostile_dir, monkeypatch):
    from tui.ui.screens.error import ErrorScreen

    copied = []
    app = make_app(paths=[hostile_dir])
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24), notifications=True, tooltips=True) as pilot:
        await ready(pilot)

        def boom():
            raise RuntimeError("disk on fire [bold red]x[/] \x1b[2J")

        app.run_worker(boom, thread=True, name="boom")  # exit_on_error: would end the app
        await eventually(pilot, lambda: isinstance(app.screen, ErrorScreen))
        await shown_clean(pilot, "RuntimeError: disk on fire [bold red]x[/]", "Copy details")
        await pilot.press("c")
        await eventually(pilot, lambda: bool(copied))
        assert "Traceback" in copied[0] and "boom" in copied[0]
        app.run_worker(boom, thread=True, name="boom")  # a second one joins the open dialog
        await shown_clean(pilot, "2 errors")
        assert len([s for s in app.screen_stack if isinstance(s, ErrorScreen)]) == 1
        await pilot.press("escape")
        await eventually(pilot, lambda: isinstance(app.screen, MainScreen))
        before = app.screen.current
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: app.screen.current is not before)
        assert app.is_running


async def test_a_failing_search_shows_the_error_dialog(seed_library, monkeypatch):
    from tui.index.search import engine as search_mod
    from tui.ui.screens.error import ErrorScreen

    def broken(*a, **k):
        raise ValueError("index broken")

    monkeypatch.delenv("REPORTS_TUI_CRASH_ON_ERROR")  # (the dialog, not the end of the app)
    ns = argparse.Namespace(paths=[], compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(ns, library=seed_library, watch=False)
    # (a query never builds the index, so the search itself fails: as a broken index's would)
    monkeypatch.setattr(app.workspace, "search", broken)
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        await ready(pilot)
        await pilot.press("slash", "x")
        await eventually(pilot, lambda: isinstance(app.screen, ErrorScreen))
        await shown_clean(pilot, "ValueError: index broken")
        await pilot.press("escape")
        await eventually(pilot, lambda: isinstance(app.screen, SearchScreen))
        await shown_clean(pilot, "search failed")
    assert search_mod  # the real module is untouched


# ── the real terminal ───────────────────────────────────────────────────────────────────────────


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_osc_title_in_a_report_does_not_change_the_pane_title(tmp_path):
    """Run the app in tmux on a report holding `ESC ] 0 ; pwned BEL` (text and file name)."""
    (tmp_path / "2024-W21.md").write_text("# 2024-W21 \x1b]0;pwned\x07标题\n\n- \x1b]2;pwned2\x07行\n",
                                          encoding="utf-8")
    (tmp_path / "\x1b]0;pwned3\x07.md").write_text("- x\n", encoding="utf-8")
    session = f"rt-hostile-{os.getpid()}"
    exe = REPO / ".venv" / "bin" / "reports-tui"
    env = f"XDG_CACHE_HOME={tmp_path / 'cache'} XDG_CONFIG_HOME={tmp_path / 'config'}"
    subprocess.run(["tmux", "new-session", "-d", "-x", "100", "-y", "30", "-s", session,
                    f"env {env} {exe} {tmp_path}; sleep 5"], check=True)
    try:
        subprocess.run(["tmux", "select-pane", "-t", session, "-T", "before"], check=True)
        deadline = time.time() + 60  # (a busy machine starts the app late)
        screen = ""
        while time.time() < deadline and "标题" not in screen:
            time.sleep(0.3)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                    text=True).stdout
        assert "标题" in screen

        def press(key: str, shows) -> None:
            subprocess.run(["tmux", "send-keys", "-t", session, key])
            deadline = time.time() + 60
            while time.time() < deadline:
                pane = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                      text=True).stdout
                if shows(pane):
                    return
                time.sleep(0.1)
            raise AssertionError(f"{key!r} had no effect:\n{pane}")

        # raw (the report's own text), the report named with an escape, rendered again
        press("r", lambda pane: "raw · " in pane)
        press("]", lambda pane: "pwned3" in pane)
        press("r", lambda pane: "raw · " not in pane and "pwned3" in pane)
        title = subprocess.run(["tmux", "display", "-p", "-t", session, "#{pane_title}"], capture_output=True,
                               text=True).stdout.strip()
        assert title == "before"
        subprocess.run(["tmux", "send-keys", "-t", session, "q"])
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
