"""Pilot tests: the week list tells reports apart at 80×24, 120×36 and 160×48 — a monthly series whose
titles share a long prefix, numbered Chinese issues with no date, a team's folder — and grows with the
terminal (a quarter of it from 120 columns), the KPI panel and the report beside it."""

from __future__ import annotations

import calendar

import pytest

from testpaths import DATA
from tui.index.library import load_library
from tui.ui.widgets.week_list import ROW_LINES, WeekList
from uiutil import eventually, make_app, ready

ACME = DATA / "series" / "acme-monthly"  # "Acme Monthly Update (October 2020)" …, one a month
SHANHAI = DATA / "series" / "shanhai"  # "山海技术爱好者周刊（第 407 期）" …, no dates
TEAM = DATA / "team"

SIZES = [(80, 24), (120, 36), (160, 48)]
PANE = {80: 26, 120: 30, 160: 40}  # the Weeks pane: as before at 80 columns, a quarter from 120


def shown_rows(weeks: WeekList) -> list[tuple[int, str, str]]:
    """(index, first line, second line) of every week wholly on screen, as drawn."""
    lines = ["".join(seg.text for seg in weeks.render_line(y)).strip() for y in range(weeks.size.height)]
    top = int(weeks.scroll_y) // ROW_LINES
    out = []
    for k in range(len(lines) // ROW_LINES):
        index = top + k
        if index < len(weeks.reports):
            out.append((index, lines[k * ROW_LINES], lines[k * ROW_LINES + 1]))
    return out


async def _at_top(pilot, weeks: WeekList) -> list[tuple[int, str, str]]:
    weeks.focus()
    await pilot.press("home")
    return await eventually(pilot, lambda: weeks.scroll_y == 0 and weeks.highlighted == 0 and shown_rows(weeks))


def _differ(rows: list[tuple[int, str, str]]) -> None:
    texts = [(first, second) for _, first, second in rows]
    for above, below in zip(texts, texts[1:]):
        assert above != below, (above, below)
    assert len(rows) >= 3, rows


def _pane(app, size) -> None:
    left, report = app.screen.query_one("#left").region, app.screen.query_one("#report").region
    assert left.width == PANE[size[0]], (size, left)
    assert report.x == left.right  # the report right beside it …
    right = app.screen.query_one("#right")
    if right.display and right.region.x > report.x:  # … and the KPI panel beside the report, if any
        assert report.right == right.region.x


@pytest.mark.parametrize("size", SIZES)
async def test_a_monthly_series_shows_each_month(size):
    app = make_app(load_library([str(ACME)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        for rows in (await _at_top(pilot, weeks), None):
            if rows is None:  # and again at the end of the list
                await pilot.press("end")
                rows = await eventually(pilot, lambda: weeks.highlighted == 11 and shown_rows(weeks)[-1][0] == 11
                                        and shown_rows(weeks))
            _differ(rows)
            room = weeks.scrollable_content_region.width
            for index, first, second in rows:
                month = calendar.month_name[index + 1]
                assert f"({month} 2020)" in first, (size, first)
                # the shared title gives way where the whole label does not fit
                assert first.startswith("Acme Monthly Update") == (len(f"Acme Monthly Update ({month} 2020)") <= room)
                assert second == f"{weeks.reports[index].week}  2020-{index + 1:02d}"
        _pane(app, size)


@pytest.mark.parametrize("size", SIZES)
async def test_numbered_issues_show_their_numbers_and_differ_below(size):
    app = make_app(load_library([str(SHANHAI)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        rows = await _at_top(pilot, weeks)
        _differ(rows)
        seconds = set()
        for index, first, second in rows:
            number = 401 + index
            assert f"（第 {number} 期）" in first, (size, first)
            assert first.startswith("…") == (size[0] < 160), first  # 29 cells: whole only at 160 columns
            assert second == f"issue-{number}.md"  # not the same folder and file date on every row
            seconds.add(second)
        assert len(seconds) == len(rows)
        _pane(app, size)


@pytest.mark.parametrize("size", SIZES)
async def test_a_teams_rows_differ_and_name_their_weeks_once(size):
    app = make_app(load_library([str(TEAM)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        for rows in (await _at_top(pilot, weeks), None):
            if rows is None:
                await pilot.press("end")
                rows = await eventually(pilot, lambda: shown_rows(weeks)[-1][0] == len(weeks.reports) - 1
                                        and shown_rows(weeks))
            _differ(rows)
            for index, first, second in rows:
                r = weeks.reports[index]
                assert first.startswith(r.author or "–"), (first, r.author)
                if r.week:  # the ISO week once: in the label as shown, or on the second line
                    assert (r.week in first) != (r.week in second), (first, second)
        _pane(app, size)


async def test_a_wider_terminal_widens_the_list_and_draws_its_rows_anew():
    app = make_app(load_library([str(ACME)]))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        rows = await _at_top(pilot, weeks)
        assert app.screen.query_one("#left").region.width == 30
        assert rows[1][1] == "…(February 2020)"
        await pilot.resize_terminal(160, 48)

        def whole():
            assert app.screen.query_one("#left").region.width == 40
            rows = shown_rows(weeks)
            assert rows[1][1] == "Acme Monthly Update (February 2020)", rows[1]
            return rows
        _differ(await eventually(pilot, whole))
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: app.screen.query_one("#left").region.width == 26
                         and shown_rows(weeks)[1][1] == "…(February 2020)")


@pytest.mark.parametrize("width, pane", [(100, 26), (115, 30), (200, 50), (240, 60), (300, 60)])
async def test_the_pane_is_a_quarter_of_a_wide_terminal_up_to_sixty_columns(width, pane):
    app = make_app(load_library([str(ACME)]))
    async with app.run_test(size=(width, 40)) as pilot:
        await ready(pilot)
        await eventually(pilot, lambda: app.screen.query_one("#left").region.width == pane)
