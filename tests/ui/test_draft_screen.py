"""The draft screen: `d` (or the palette's "Draft the next report") shows next week's report written from
the open one; it scrolls, `y` copies it whole, `e` edits it as a temporary file outside every report folder."""

from __future__ import annotations

import os
import tempfile

import pytest

from test_palette import palette
from testpaths import SEEDS
from tui.index.draft import MARK
from tui.ui.screens.draft import DraftScreen
from uiutil import eventually, make_app, ready


def draft_screen(app) -> DraftScreen:
    """The draft screen, once its draft is written."""
    assert isinstance(app.screen, DraftScreen) and app.screen.draft is not None
    return app.screen


def shown(screen: DraftScreen) -> str:
    return str(screen.query_one("#draft-text").render())


async def test_d_drafts_the_report_after_the_open_one_and_y_copies_it_whole(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert screen.draft.base is main.current and main.current.week == "2024-W29"
        assert "2024-W30" in str(screen.query_one("#draft-title").render())
        assert screen.text.startswith("# 2024-w27\n\nCreated: 2024年7月")
        assert f"- 【贝易转】" in screen.text and "风控合规产品能力完善" not in screen.text  # (finished)
        await eventually(pilot, lambda: _holds(shown(screen), "# 2024-w27", "【O1 业务服务】", MARK))
        await pilot.press("y")
        assert app.clipboard == screen.text
        await pilot.press("escape")
        await eventually(pilot, lambda: _holds(type(app.screen).__name__, "MainScreen"))
        # Another week: its own draft
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: _holds(main.current.week or "", "2024-W23"))
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert screen.text.startswith("# 2024-W24\n")


def _holds(text: str, *parts: str) -> None:
    for part in parts:
        assert part in text, (part, text[:200])


def notified(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_the_draft_scrolls_at_80_by_24(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        body = screen.query_one("#draft-body")
        await eventually(pilot, lambda: _holds("yes" if body.max_scroll_y > 10 else "no", "yes"))
        for _ in range(5):
            await pilot.press("j")
        await eventually(pilot, lambda: _holds("yes" if body.scroll_y >= 5 else "no", "yes"))
        await pilot.press("end")
        await eventually(pilot, lambda: _holds("yes" if body.scroll_y == body.max_scroll_y else "no", "yes"))
        await pilot.resize_terminal(160, 48)
        await eventually(pilot, lambda: _holds(shown(screen), "# 2024-w27"))


async def test_the_palette_offers_the_draft_and_help_lists_its_key(seed_library, tmp_path):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await eventually(pilot, lambda: _holds(str([r for r in app.screen.rows if r[0] == "d"]),
                                               "Draft the next report"))
        await pilot.press("escape")
        await eventually(pilot, lambda: _holds(type(app.screen).__name__, "MainScreen"))
        await palette(pilot, "Draft the next report")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert screen.text.startswith("# 2024-w27\n")
        await pilot.press("question_mark")
        await eventually(pilot, lambda: _holds(str(app.screen.rows), "Copy the whole draft", "Edit the draft"))


async def test_e_edits_the_draft_as_a_temporary_file_and_y_copies_what_was_saved(seed_library, monkeypatch):
    import tui.ui.editor as editor

    edited: list[str] = []

    def fake_editor(app, path):
        edited.append(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(f"进度98% {MARK}%", "进度99%"))
        return None

    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setattr(editor, "run_editor", fake_editor)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert f"进度98% {MARK}%" in screen.text
        await pilot.press("e")
        await eventually(pilot, lambda: _holds(shown(screen), "实时数仓：进度99%"))
        await pilot.press("y")
        assert "实时数仓：进度99%" in app.clipboard and f"进度98% {MARK}%" not in app.clipboard
    path = os.path.realpath(edited[0])
    assert path.startswith(os.path.realpath(tempfile.gettempdir()) + os.sep)
    assert not path.startswith(str(SEEDS.resolve()))
    os.unlink(path)


async def test_e_without_an_editor_says_so_and_keeps_the_draft(seed_library, monkeypatch):
    monkeypatch.setattr("tui.ui.editor.editor_command", lambda: None)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        before = screen.text
        await pilot.press("e")
        await eventually(pilot, lambda: _holds(notified(app), "Set $EDITOR"))
        assert screen.text == before and screen.path is None


@pytest.fixture
def served(monkeypatch):
    from tui.cli.serve import SERVED_ENV

    monkeypatch.setenv(SERVED_ENV, "1")


async def test_in_a_browser_session_the_draft_is_copied_not_edited(seed_library, served, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr("tui.ui.editor.run_editor", lambda app, path: calls.append(path))
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert not any(b.binding.action == "edit" for b in screen.active_bindings.values())
        await pilot.press("e")
        await eventually(pilot, lambda: _holds(notified(app), "not available in a browser session"))
        await pilot.press("y")
        assert app.clipboard == screen.text
    assert calls == []


async def test_keys_while_the_draft_is_written_and_closing_before_it_is_done(seed_library, monkeypatch):
    import threading

    import tui.ui.screens.draft as screen_mod

    gate = threading.Event()
    real = screen_mod.draft_report

    def slow(*args, **kw):
        gate.wait(20)
        return real(*args, **kw)

    monkeypatch.setattr(screen_mod, "draft_report", slow)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        app.copy_to_clipboard("before")
        await pilot.press("d")
        await eventually(pilot, lambda: _holds(type(app.screen).__name__, "DraftScreen"))
        assert "writing the report after 2024-w26" in str(app.screen.query_one("#draft-title").render())
        await pilot.press("y", "e")
        await eventually(pilot, lambda: _holds(notified(app), "Still writing the draft"))
        assert app.clipboard == "before"
        await pilot.press("escape")
        await eventually(pilot, lambda: _holds(type(app.screen).__name__, "MainScreen"))
        gate.set()  # the draft is done after its screen closed: nothing to show it on, no error
        for _ in range(20):
            await pilot.pause()
        assert type(app.screen).__name__ == "MainScreen" and len(app.screen_stack) == 1
        await pilot.press("d")
        screen = await eventually(pilot, lambda: draft_screen(app))
        assert screen.text.startswith("# 2024-w27\n")
