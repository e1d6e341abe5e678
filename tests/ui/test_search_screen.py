"""Pilot tests: typing a query, opening a hit, opening a project timeline from a hit."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, OptionList, Static

from tui.index.workspace import Workspace
from tui.ui.screens.search import SearchScreen
from tui.ui.screens.timeline import TimelineScreen


class Host(App):
    """The smallest app the screens need: a library and `open_report`."""

    def __init__(self, library, query: str = ""):
        super().__init__()
        self.library = library
        self.workspace = Workspace(library)
        self.query_text = query
        self.opened: list[tuple[str, int | None]] = []

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.workspace, self.query_text))

    def open_report(self, report, line=None) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.opened.append((report.week, line))


async def wait_for_results(pilot, screen, query: str) -> None:
    for _ in range(50):
        await pilot.pause(0.05)
        if screen.result is not None and screen.result.query.raw == query:
            return
    raise AssertionError("no results")


async def test_typing_a_query_shows_grouped_highlighted_results(seed_library):
    app = Host(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert isinstance(app.focused, Input)
        await pilot.press(*"贝易转")
        await wait_for_results(pilot, screen, "贝易转")
        hits = screen.result.hits
        assert [h.report.week for h in hits[:3]] == ["2024-W17", "2024-W23", "2024-W29"]
        results = screen.query_one("#search-results", OptionList)
        first_group = results.get_option_at_index(0)
        assert first_group.disabled and "贝易转" in str(first_group.prompt)
        assert "2024-W17 ×" in str(first_group.prompt)
        # the best hit is highlighted and previewed, matched characters marked
        assert screen.current_hit is hits[0]
        row = results.get_option_at_index(results.highlighted).prompt
        marked = [row.plain[s.start:s.end] for s in row.spans if s.style and "underline" in str(s.style)]
        assert "贝易转" in marked
        preview = str(screen.query_one("#search-preview").render())
        assert "【贝易转（C转）】" in preview


async def test_enter_opens_the_hit_at_its_line(seed_library):
    app = Host(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press(*"实时数仓")
        await wait_for_results(pilot, screen, "实时数仓")
        await pilot.press("down", "down")  # into the results, then the second hit
        assert isinstance(app.focused, OptionList)
        hit = screen.current_hit
        assert hit.report.week == "2024-W23"
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [("2024-W23", hit.line)] and hit.line == 35


async def test_pinyin_query_from_the_constructor(seed_library):
    app = Host(seed_library, "byz")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "byz")
        assert screen.current_hit.project == "贝易转"
        assert "pinyin" in str(screen.query_one("#search-status").render())


async def test_t_opens_the_timeline_of_the_hit_project(seed_library):
    app = Host(seed_library, "实时数仓")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "实时数仓")
        await pilot.press("ctrl+t")
        await pilot.pause()
        tl = app.screen
        assert isinstance(tl, TimelineScreen)
        table = tl.query_one("#timeline-table", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["2024-W17", "2024-W23", "2024-W29"]
        assert [r[2] for r in rows] == ["80%", "98%", "98%"]
        spark = str(tl.query_one("#timeline-spark", Static).render())
        assert spark.endswith("▇▇████")  # 80 %, 98 %, 98 % on a fixed 0–100 scale, two cells a week
        caption = str(tl.query_one("#timeline-spark-labels", Static).render())
        assert "2024-W17 80" in caption and "2024-W23 98" in caption and "2024-W29 98" in caption
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == [("2024-W23", 35)]


async def test_escape_goes_back_and_hostile_text_is_shown_as_text(tmp_path):
    from tui.index.library import load_library

    (tmp_path / "r.md").write_text("# 2024-W10\n\n## 【其他】\n\n- 【坏[/]项目】 [bold]x[/] [link=http://x]y\n",
                                   encoding="utf-8")
    lib = load_library([str(tmp_path)])
    app = Host(lib, "坏")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "坏")
        assert "[bold]x[/]" in str(screen.query_one("#search-preview").render())
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
