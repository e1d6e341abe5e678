"""Every screen is laid out anew when the terminal is resized, by itself: compare, team week and table
here (search, timeline and metrics in their own files). Each test waits, with a bound, until the layout
reflects the new width."""

from __future__ import annotations

from rich.text import Text

from testpaths import DATA
from tui.index.load import load_library
from tui.ui.screens.compare import CompareScreen, DiffRow
from tui.ui.screens.table import TableScreen
from tui.ui.screens.team_week import TeamWeekScreen
from tui.ui.widgets.report_view import ReportView
from uiutil import eventually, make_app, ready

LONG = " ".join(f"word{n}" for n in range(60))


def _true(ok: bool) -> bool:
    assert ok
    return ok


async def test_compare_rows_wrap_anew(tmp_path):
    for week, tail in ((20, "before"), (21, "after")):
        (tmp_path / f"2024-W{week}.md").write_text(f"# 2024-W{week}\n\n## Done\n\n- {LONG} {tail}\n", encoding="utf-8")
    app = make_app(load_library([str(tmp_path)]))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        reports = main.library.reports
        main.open_compare(reports[0], reports[1])

        def changed_row():
            assert isinstance(app.screen, CompareScreen)
            rows = [r for r in app.screen.query(DiffRow) if not r.heading and r.status != "same"]
            assert rows
            return rows[0]
        row = await eventually(pilot, changed_row)
        wide = await eventually(pilot, lambda: _true(row.region.height) and row.region)
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: _true(row.region.width < 80 and row.region.height > wide.height))
        await pilot.resize_terminal(160, 48)
        await eventually(pilot, lambda: _true(row.region.width > 150 and row.region.height == wide.height))


async def test_team_week_rewraps_the_report():
    long_team = load_library([str(DATA / "team" / "notion")])
    app = make_app(long_team)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("w")
        screen = await eventually(pilot, lambda: _true(isinstance(app.screen, TeamWeekScreen)) and app.screen)
        view = screen.query_one(ReportView)
        wide = await eventually(pilot, lambda: _true(view.virtual_size.width > 100) and view.virtual_size)
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: _true(view.virtual_size.width < 60 and view.virtual_size.height >= wide.height))
        assert view.region.right <= 80


async def test_the_table_box_follows_the_terminal():
    app = make_app(load_library([str(DATA / "team" / "notion")]))
    table = Text("\n".join(" | ".join(f"cell {r}.{c} " + "x" * 6 for c in range(8)) for r in range(30)))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.push_screen(TableScreen(table, "a wide table"))
        box = await eventually(pilot, lambda: _true(isinstance(app.screen, TableScreen))
                               and app.screen.query_one("#table-box"))
        narrow = await eventually(pilot, lambda: _true(box.max_scroll_x > 0) and box.max_scroll_x)
        await pilot.resize_terminal(160, 48)
        await eventually(pilot, lambda: _true(box.region.width >= 150 and box.max_scroll_x < narrow))
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: _true(box.region.right <= 80 and box.max_scroll_x == narrow))
