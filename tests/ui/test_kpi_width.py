"""Pilot tests: beside the report the KPI panel is as wide as its table, so the report gets the rest —
a team's folder with CJK KPI names, a folder with one short KPI — and it follows the terminal's size."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from testpaths import DATA
from tui.index.load import load_library
from tui.ui.widgets.kpi_panel import KpiPanel
from uiutil import eventually, make_app, ready, screen_text

NOTION = DATA / "team" / "notion"


def panel_lines(app) -> list[str]:
    """The KPI panel's box as the terminal shows it, row by row."""
    box = app.screen.query_one("#right").region
    rows = screen_text(app).split("\n")[box.y:box.bottom]
    return [_cells(row, box.x, box.right) for row in rows]


def _cells(row: str, start: int, end: int) -> str:
    """Columns [start, end) of a row of the screen (wide characters count two)."""
    out, col = [], 0
    for ch in row:
        w = cell_len(ch)
        if col >= start and col + w <= end:
            out.append(ch)
        col += w
    return "".join(out)


@pytest.mark.parametrize("size", [(120, 36), (160, 48)])
async def test_a_team_folders_kpis_take_the_room_they_need(size):
    app = make_app(load_library([str(NOTION)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        panel = app.screen.query_one(KpiPanel)

        def fitted():
            right = app.screen.query_one("#right").region
            assert right.width <= 38, right
            return right

        right = await eventually(pilot, fitted)
        report, left = app.screen.query_one("#report").region, app.screen.query_one("#left").region
        assert report.right == right.x and report.x - left.right <= 1 and report.width >= size[0] - left.width - 38
        lines = panel_lines(app)
        for name, value, change, _ in panel.rows:  # every KPI whole: its name, value and change
            row = next(line for line in lines if name in line)
            assert value in row and change in row, (row, value, change)
            assert row.rstrip().endswith(f"{change} │"), row  # nothing cut at the right edge


async def test_one_short_kpi_leaves_the_report_most_of_the_screen(tmp_path):
    for n, v in ((20, 12), (21, 15), (22, 9)):
        (tmp_path / f"2024-W{n}.md").write_text(f"# 2024-W{n}\n\n## Metrics\n\n- Reviews: {v}\n", encoding="utf-8")
    app = make_app(load_library([str(tmp_path)]))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)

        def fitted():
            right = app.screen.query_one("#right").region
            assert right.width <= 30, right
            return right

        await eventually(pilot, fitted)
        assert any("Reviews" in line and "9" in line and "−6" in line for line in panel_lines(app))


async def test_the_panel_follows_the_terminal():
    app = make_app(load_library([str(NOTION)]))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.resize_terminal(100, 30)  # under the report, as wide as the screen

        def under():
            right, report = app.screen.query_one("#right").region, app.screen.query_one("#report").region
            assert right.width == 100 and right.y >= report.bottom
        await eventually(pilot, under)
        await pilot.resize_terminal(120, 36)  # beside it again, as wide as its table

        def beside():
            right, report = app.screen.query_one("#right").region, app.screen.query_one("#report").region
            assert right.width <= 38 and report.right == right.x
        await eventually(pilot, beside)


async def test_a_long_kpi_name_shows_whole_when_there_is_room_and_no_change_column_is_kept_empty(tmp_path):
    # one report: no KPI has a change, so no column is kept for one; the names get that room
    (tmp_path / "2024-W20.md").write_text("# 2024-W20\n\n## Metrics\n\n- Average latency (ms): 182\n"
                                          "- 入金有效成功率：99.987%\n", encoding="utf-8")
    app = make_app(load_library([str(tmp_path)]))
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)

        def whole():
            lines = panel_lines(app)
            row = next(line for line in lines if "Average latency" in line)
            assert "Average latency (ms)" in row and "182" in row, row
            return row

        row = await eventually(pilot, whole)
        assert "…" not in row
