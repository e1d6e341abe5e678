"""A browser session (`reports-tui serve` sets REPORTS_TUI_SERVED=1): nothing reaches the server's desktop."""

from __future__ import annotations

import pytest

from tui.cli.serve import SERVED_ENV
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.section_tree import SectionTree

from uiutil import eventually, make_app, ready


def _help_descriptions(app) -> set[str]:
    return {d for _, d, _ in app.screen.rows}


@pytest.fixture
def served(monkeypatch):
    monkeypatch.setenv(SERVED_ENV, "1")


@pytest.fixture
def edits(monkeypatch):
    """Every run of the edit action (which would open $EDITOR on the machine running the app)."""
    calls: list[object] = []
    monkeypatch.setattr(MainScreen, "action_edit", lambda self: calls.append(self.current))
    return calls


async def test_e_in_a_browser_session_says_it_is_not_available_and_runs_no_editor(seed_library, served, edits):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await ready(pilot)
        await pilot.press("e")
        await eventually(pilot, lambda: _assert_notified(app, "not available in a browser session"))
        assert isinstance(app.screen, MainScreen) and main.current is not None
        assert not any(b.binding.action == "edit" for b in app.screen.active_bindings.values())
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Edit" not in _help_descriptions(app)
        assert "Copy section" in _help_descriptions(app)
    assert edits == []


async def test_e_outside_a_browser_session_still_runs_the_editor(seed_library, edits, monkeypatch):
    monkeypatch.delenv(SERVED_ENV, raising=False)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await ready(pilot)
        assert any(b.binding.action == "edit" for b in app.screen.active_bindings.values())
        await pilot.press("e")
        await pilot.pause()
        assert edits == [main.current]
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Edit" in _help_descriptions(app)


async def test_copy_still_works_in_a_browser_session(seed_library, served):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = app.query_one(SectionTree)
        tree.focus()
        tree.move_cursor(next(n for n in tree.root.children if n.data.obj.key == "系统运行数据"))
        await pilot.press("y")
        assert app.clipboard.startswith("## 【系统运行数据】")


async def test_a_browser_session_does_not_change_the_servers_settings(seed_library, served, tmp_path):
    conf = tmp_path / "c.toml"
    app = make_app(seed_library, config=str(conf))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await pilot.pause()
        assert app.theme == "nord"
    assert not conf.exists() or "nord" not in conf.read_text()


def _assert_notified(app, text: str) -> None:
    assert any(text in str(n.message) for n in app._notifications), [n.message for n in app._notifications]

