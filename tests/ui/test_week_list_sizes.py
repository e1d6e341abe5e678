"""Pilot tests: the week list tells reports apart at 80×24, 120×36 and 160×48 — a monthly series whose
titles share a long prefix, numbered Chinese issues with no date, a team's folder — and grows with the
terminal (a quarter of it from 120 columns), the KPI panel and the report beside it."""

from __future__ import annotations

import calendar

import pytest

from testpaths import DATA
from tui.index.load import load_library
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


async def _both_ends(pilot, weeks: WeekList) -> list[list[tuple[int, str, str]]]:
    """The rows on screen at the top of the list, then at its end."""
    top = await _at_top(pilot, weeks)
    await pilot.press("end")
    last = len(weeks.reports) - 1
    bottom = await eventually(pilot, lambda: weeks.highlighted == last and shown_rows(weeks)[-1][0] == last
                              and shown_rows(weeks))
    return [top, bottom]


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


def _a_month(weeks: WeekList, index: int, first: str, second: str) -> None:
    """A monthly series: the month shows; the shared title gives way where the whole label does not fit."""
    month = calendar.month_name[index + 1]
    assert f"({month} 2020)" in first, first
    whole = len(f"Acme Monthly Update ({month} 2020)") <= weeks.scrollable_content_region.width
    assert first.startswith("Acme Monthly Update") == whole, first
    assert second == f"{weeks.reports[index].week}  2020-{index + 1:02d}"


def _an_issue(weeks: WeekList, index: int, first: str, second: str) -> None:
    """Numbered issues with no date: the number shows, and the second line is not the same folder and
    file date on every row."""
    number = 401 + index
    assert f"（第 {number} 期）" in first, first
    assert first.startswith("…") == (weeks.scrollable_content_region.width < 29), first  # (29 cells whole)
    assert second == f"issue-{number}.md"


def _a_teams_report(weeks: WeekList, index: int, first: str, second: str) -> None:
    """A team's folder: the author first, the ISO week once (in the label as shown, or below it)."""
    r = weeks.reports[index]
    assert first.startswith(r.author or "–"), (first, r.author)
    if r.week:
        assert (r.week in first) != (r.week in second), (first, second)


CASES = {"monthly series": (ACME, _a_month), "numbered issues": (SHANHAI, _an_issue),
         "team folder": (TEAM, _a_teams_report)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
async def test_rows_tell_reports_apart(case, size):
    folder, check = CASES[case]
    app = make_app(load_library([str(folder)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        weeks = app.query_one(WeekList)
        for rows in await _both_ends(pilot, weeks):
            _differ(rows)
            for row in rows:
                check(weeks, *row)
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
