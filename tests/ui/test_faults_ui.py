"""Faults in the app: fast hands in the command palette and the week picker, exceptions in ordinary
handlers, keys typed before their screen is ready, and an editor that truncates the open report and then
writes it (the monkey with palette keys, resizes and keys pressed while reports load: test_faults_monkey.py).

Every test here runs with `REPORTS_TUI_CRASH_ON_ERROR=1` (tests/ui/conftest.py): an unexpected exception
ends the app, so "the app is still running" means that no exception was raised at all — except in the
tests of the error dialog itself, which unset it.
"""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
from textual.command import CommandList, CommandPalette

from test_monkey import no_leaving_commands, send_key
from testpaths import SEEDS
from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.error import ErrorScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.screens.week_picker import WeekPickerModal
from uiutil import eventually, gated_load, make_app, ready, settled


async def open_palette(pilot, query: str) -> CommandPalette:
    """ctrl+p, type `query`, wait until its matches are listed."""
    app = pilot.app
    await pilot.press("ctrl+p")

    def opened() -> CommandPalette:
        assert isinstance(app.screen, CommandPalette)
        return app.screen

    palette = await eventually(pilot, opened)
    palette.query_one("Input").insert_text_at_cursor(query)

    def listed() -> None:
        options = palette.query_one(CommandList)
        assert options.option_count > 0 and options.highlighted is not None
        assert query.split()[-1] in str(options.get_option_at_index(options.highlighted).prompt)

    await eventually(pilot, listed, timeout=30)
    return palette


# ── the command palette and the week picker, faster than they close ──────────────────────────────


async def test_selecting_twice_in_the_palette_closes_it_once(seed_library):
    """Enter twice on a hit (two selections queued before the palette is gone): Textual dismisses twice,
    which sets the palette's result twice (`InvalidStateError`) and pops the screen below it too."""
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.open_compare(main.library.reports[0], main.library.reports[1])
        await eventually(pilot, lambda: isinstance(app.screen, CompareScreen))
        palette = await open_palette(pilot, "Theme: textual-light")
        hits = palette.query_one(CommandList)
        hits.action_select()
        hits.action_select()
        await eventually(pilot, lambda: palette not in app.screen_stack and app.theme == "textual-light")
        await settled(pilot)
        assert app.is_running
        assert isinstance(app.screen, CompareScreen), [type(s).__name__ for s in app.screen_stack]
        assert app.theme == "textual-light"


async def test_ctrl_p_while_the_palette_is_closing(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        palette = await open_palette(pilot, "Go to week")
        palette._action_escape()
        app.action_command_palette()  # the old palette is leaving, still registered under its id
        app.action_command_palette()
        await eventually(pilot, lambda: palette not in app.screen_stack)
        await settled(pilot)
        assert app.is_running
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) <= 1


async def test_the_week_picker_cancelled_twice_goes_back_once(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.open_search("贝易转")
        search = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        picker = WeekPickerModal(main.library, title="Compare with…")
        app.push_screen(picker)
        await eventually(pilot, lambda: picker.is_mounted and app.screen is picker)
        picker.action_cancel()
        picker.action_cancel()  # escape twice, faster than the picker closes
        await eventually(pilot, lambda: picker not in app.screen_stack)
        await settled(pilot)
        assert app.is_running
        assert app.screen is search
        assert isinstance(app.screen, SearchScreen), [type(s).__name__ for s in app.screen_stack]


async def test_page_keys_in_the_palette_before_its_list_is_laid_out(seed_library, monkeypatch):
    no_leaving_commands(monkeypatch)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        for _ in range(3):
            for key in ("ctrl+p", "pagedown", "pageup", "down", "end", "pagedown", "enter", "escape", "escape"):
                send_key(app, key)
            await pilot.pause()
        await settled(pilot)
        assert app.is_running


# ── an exception in an ordinary handler ──────────────────────────────────────────────────────────


@pytest.fixture
def forgiving(monkeypatch):
    """The app as users run it: unexpected exceptions go to the error dialog."""
    monkeypatch.delenv("REPORTS_TUI_CRASH_ON_ERROR", raising=False)


async def _dialog_then_back(pilot, text: str) -> None:
    app = pilot.app

    def shown() -> ErrorScreen:
        assert isinstance(app.screen, ErrorScreen)
        return app.screen

    dialog = await eventually(pilot, shown)
    assert text in dialog.details
    await pilot.press("escape")
    await eventually(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_exceptions_in_handlers_timers_and_palette_providers_open_the_error_dialog(
        seed_library, monkeypatch, forgiving):
    from tui.ui import commands

    def broken_action(self) -> None:
        raise RuntimeError("a key handler failed")

    def broken_items(self):
        raise LookupError("a palette provider failed")

    monkeypatch.setattr(MainScreen, "action_toggle_kpis", broken_action)
    monkeypatch.setattr(commands.WeeksProvider, "_items", broken_items)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await pilot.press("p")
        await _dialog_then_back(pilot, "a key handler failed")

        def timer_fails() -> None:
            raise ValueError("a timer failed")

        app.set_timer(0.01, timer_fails)
        await _dialog_then_back(pilot, "a timer failed")

        await pilot.press("ctrl+p")
        await eventually(pilot, lambda: any(isinstance(s, CommandPalette) for s in app.screen_stack))
        if isinstance(app.screen, CommandPalette):  # (the provider is asked when the palette opens, or as we type)
            for ch in "week":
                await pilot.press(ch)
        await eventually(pilot, lambda: any(isinstance(s, ErrorScreen) for s in app.screen_stack), timeout=20)
        assert "a palette provider failed" in next(s for s in app.screen_stack if isinstance(s, ErrorScreen)).details
        for _ in range(10):
            if len(app.screen_stack) == 1:
                break
            await pilot.press("escape")
            await settled(pilot)
        # Still answering: the week list moves, a report opens.
        before = main.current
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: main.current is not before)
        assert app.is_running


async def test_an_exception_while_the_app_starts_still_ends_it_with_a_traceback(seed_library, monkeypatch,
                                                                                forgiving):
    def broken_compose(self):
        raise RuntimeError("cannot start")

    monkeypatch.setattr(MainScreen, "compose", broken_compose)
    app = make_app(seed_library)
    with pytest.raises(RuntimeError, match="cannot start"):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    assert app.return_code == 1


async def test_an_error_a_screen_reports_is_never_dropped_where_errors_are_fatal(seed_library, monkeypatch):
    """With unexpected exceptions made fatal (the suite's setting), an error a palette provider caught
    and told the app about ends the app with it, as any other would: no test passes over one."""
    from tui.ui import commands

    def broken_items(self):
        raise LookupError("a palette provider failed")

    monkeypatch.setattr(commands.WeeksProvider, "_items", broken_items)
    app = make_app(seed_library)
    with pytest.raises(LookupError, match="a palette provider failed"):
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            await pilot.press("ctrl+p")
            await eventually(pilot, lambda: not app.is_running)
    assert app.return_code == 1


# ── keys typed before their screen is ready ──────────────────────────────────────────────────────


async def test_keys_typed_before_the_first_screen_are_kept(tmp_path):
    for p in SEEDS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    app = make_app(paths=[tmp_path])  # loads in the background: the keys arrive first
    async with app.run_test(size=(120, 36)) as pilot:
        for key in ("left_square_bracket", "left_square_bracket"):
            send_key(app, key)
        main = await ready(pilot)
        dated = [r for r in main.library.reports if r.week]
        await eventually(pilot, lambda: main.current is dated[-3])
        await settled(pilot)
        assert main.current is dated[-3]


async def test_keys_typed_at_every_moment_of_a_first_load_are_replayed_in_order(monkeypatch, seed_library):
    """Keys typed while the app starts, while the first reports are read (nothing shown yet), while the
    reports read so far show, and as the load ends: each acts, in order, on what the reader sees."""
    early = [r for r in seed_library.reports if r.week in ("2023-W46", "2023-W52", "2024-W17")]
    gate = gated_load(monkeypatch, seed_library, early, hold_first=True)
    app = make_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            send_key(app, "left_square_bracket")  # the app is starting: no screen yet
            await eventually(pilot, lambda: gate.loading.is_set())
            send_key(app, "left_square_bracket")  # the load runs, nothing is shown yet
            send_key(app, "right_square_bracket")
            await eventually(pilot, lambda: app.keys_waiting == 3)  # (held until there is a report to move from)
            gate.first.set()  # the three reports read so far show: the newest of them opens, then the keys
            main = app.screen_stack[0]
            await eventually(pilot, lambda: not app.keys_waiting and main.current is not None)
            await settled(pilot, of=main)
            assert not app.loaded
            assert main.current.week == "2023-W52"  # 2024-W17, [ [ to 2023-W46, ] to 2023-W52
            for key in ("right_square_bracket", "right_square_bracket", "left_square_bracket"):
                send_key(app, key)  # while the reports read so far show
            await eventually(pilot, lambda: not app.keys_waiting)
            await settled(pilot, of=main)
            assert main.current.week == "2023-W52"  # ] ] to 2024-W17 (the last read so far), [ back
            gate.set()
            send_key(app, "left_square_bracket")  # as the load ends
            await eventually(pilot, lambda: app.loaded)
            await settled(pilot)
            assert main.current.week == "2023-W46", main.current.week  # (the week before, read so far or not)
            assert [r.week for r in main.query_one("#weeks").reports] == [r.week for r in seed_library.reports]
            await pilot.press("right_square_bracket")
            await eventually(pilot, lambda: main.current.week == "2023-W52")
    finally:
        gate.set()
        gate.first.set()


async def test_a_query_typed_faster_than_the_search_screen_opens_is_kept(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        for key in ("slash", "贝", "易", "转"):
            send_key(app, key)

        def typed() -> None:
            assert isinstance(app.screen, SearchScreen)
            assert app.screen.query_one("Input").value == "贝易转"

        await eventually(pilot, typed)


# ── live reload through an editor's truncate-then-write ──────────────────────────────────────────


async def test_the_open_report_survives_a_truncate_then_write(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    older, newer = folder / "a.md", folder / "b.md"
    older.write_text("# 2024-W10\n\n- 第一版\n", encoding="utf-8")
    newer.write_text("# 2024-W11\n\n- 下一周\n", encoding="utf-8")
    app = make_app(paths=[folder], watch=True)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(main.library.reports[0])
        await pilot.pause()
        for n in range(3):
            with open(older, "w", encoding="utf-8") as fh:  # truncated: an empty file for a moment
                fh.flush()
                os.fsync(fh.fileno())
                await asyncio.sleep(0.6)  # (longer than the watcher's and the app's debounce)
                fh.write(f"# 2024-W10\n\n- 第{n + 2}版\n")

            def rewritten() -> None:
                assert main.current is not None and main.current.source.path == str(older)
                assert f"第{n + 2}版" in main.current.text

            await eventually(pilot, rewritten, timeout=30)
        assert main.current.week == "2024-W10"


# ── a query typed while the reports load ─────────────────────────────────────────────────────────


async def test_a_query_typed_while_the_reports_load_is_answered_once_they_are(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for n in range(200):
        shutil.copy(seeds[n % len(seeds)], folder / f"{n:03d}_{seeds[n % len(seeds)].name}")
    app = make_app(paths=[folder])
    async with app.run_test(size=(120, 36)) as pilot:
        for key in ("slash", "贝", "易", "转"):
            send_key(app, key)
        await eventually(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert not app.loaded, "the reports had loaded before the query was typed"
        await eventually(pilot, lambda: app.loaded, timeout=60)

        def answered() -> None:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            assert screen.result is not None and screen.result.hits

        await eventually(pilot, answered, timeout=20)


async def test_an_error_reported_while_the_app_closes_opens_no_dialog(seed_library, forgiving):
    # A background task (an index sync saving as the app quits) may fail only because the app is
    # closing: the user asked to leave, so nothing is shown and the app ends as asked.
    app = make_app(seed_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.exit()
        app.show_error(RuntimeError("a task failed as the app closed"), "saving the search index")
        app.handle_unexpected(RuntimeError("a handler failed as the app closed"), "closing")
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
    assert app.return_code == 0
