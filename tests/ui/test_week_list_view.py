"""The week list as a widget: keys as in an option list (wrapping at the ends, pages by its height), a
click opens a week, the row under the mouse and the cursor look different, and 10,000 weeks cost what a
screenful does (a row is built only when drawn)."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult
from textual.geometry import Offset

from tui.model.report import Report, SourceRef
from tui.ui.widgets import week_list
from tui.ui.widgets.week_list import ROW_LINES, WeekList
from uiutil import eventually, settled


def weekly(n: int) -> list[Report]:
    out = []
    for i in range(n):
        monday = dt.date(2000, 1, 3) + dt.timedelta(weeks=i)
        year, week, _ = monday.isocalendar()
        label = f"周报 {year}-W{week:02d}"
        out.append(Report(source=SourceRef(f"/r/{i:06d}.md"), text="", title=label, label=label,
                          week=f"{year}-W{week:02d}", start=monday, end=monday + dt.timedelta(days=6)))
    return out


class Host(App):
    """Just the list, recording what it says."""

    CSS = "WeekList { height: 1fr; }"

    def __init__(self, reports: list[Report]) -> None:
        super().__init__()
        self.reports = reports
        self.heard: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield WeekList(id="weeks")

    def on_mount(self) -> None:
        weeks = self.query_one(WeekList)
        weeks.set_reports(self.reports, self.reports[-1])
        weeks.focus()

    def on_week_list_week_highlighted(self, msg: WeekList.WeekHighlighted) -> None:
        self.heard.append(("highlighted", msg.index))

    def on_week_list_week_selected(self, msg: WeekList.WeekSelected) -> None:
        self.heard.append(("selected", msg.index))


def text_of(weeks: WeekList, y: int) -> str:
    return "".join(seg.text for seg in weeks.render_line(y)).strip()


async def test_keys_move_like_an_option_list_and_enter_selects():
    reports = weekly(30)
    app = Host(reports)
    async with app.run_test(size=(40, 21)) as pilot:  # 21 lines: the list shows 10 weeks and a half
        weeks = app.query_one(WeekList)
        await eventually(pilot, lambda: weeks.highlighted == 29)
        await pilot.press("down")  # past the last week: round to the first
        assert weeks.highlighted == 0 and weeks.scroll_y == 0
        await pilot.press("up")
        assert weeks.highlighted == 29
        await pilot.press("home", "j", "j", "k")
        assert weeks.highlighted == 1
        height = weeks.scrollable_content_region.height
        assert height % ROW_LINES == 1, "this test needs a list of an odd number of lines"
        await pilot.press("pagedown")  # the cursor's first line moves by the list's height in lines
        assert weeks.highlighted == (1 * ROW_LINES + height) // ROW_LINES
        await pilot.press("end", "pageup")
        assert weeks.highlighted == (29 * ROW_LINES - height) // ROW_LINES
        await pilot.press("enter")
        await settled(pilot)
        assert app.heard[-1] == ("selected", weeks.highlighted)
        assert ("highlighted", 0) in app.heard
        # the cursor's week is whole on screen, and every scroll position starts with a whole week
        top = int(weeks.scroll_y) // ROW_LINES
        assert weeks.scroll_y % ROW_LINES == 0 and top <= weeks.highlighted < top + 10
        assert text_of(weeks, 0).startswith("周报 ")


async def test_a_click_opens_the_week_and_the_row_under_the_mouse_is_marked():
    reports = weekly(8)
    app = Host(reports)
    async with app.run_test(size=(40, 20)) as pilot:
        weeks = app.query_one(WeekList)
        await eventually(pilot, lambda: weeks.highlighted == 7)
        top = weeks.content_region.y - weeks.region.y  # (the border)
        await pilot.click(WeekList, offset=Offset(3, top + 2 * ROW_LINES + 1))  # the third week's second line
        await settled(pilot)
        assert weeks.highlighted == 2 and app.heard[-1] == ("selected", 2)
        await pilot.hover(WeekList, offset=Offset(3, top + 4 * ROW_LINES))
        await eventually(pilot, lambda: weeks.hovered == 4)
        styles = {y: list(weeks.render_line(y))[0].style for y in range(0, 6 * ROW_LINES, ROW_LINES)}
        plain, cursor, hovered = styles[0], styles[2 * ROW_LINES], styles[4 * ROW_LINES]
        assert len({plain.bgcolor, cursor.bgcolor, hovered.bgcolor}) == 3
        await pilot.hover(WeekList, offset=Offset(3, top))
        await eventually(pilot, lambda: weeks.hovered == 0)
        assert list(weeks.render_line(4 * ROW_LINES))[0].style.bgcolor == plain.bgcolor


async def test_marks_show_on_their_rows():
    reports = weekly(5)
    app = Host(reports)
    async with app.run_test(size=(40, 20)) as pilot:
        weeks = app.query_one(WeekList)
        await eventually(pilot, lambda: weeks.highlighted == 4)
        await pilot.press("up", "up")
        assert weeks.toggle_mark() is reports[2]
        await settled(pilot)
        assert text_of(weeks, 2 * ROW_LINES).endswith("●")
        assert not text_of(weeks, 4 * ROW_LINES).endswith("●")
        weeks.toggle_mark()
        await settled(pilot)
        assert not text_of(weeks, 2 * ROW_LINES).endswith("●")


async def test_ten_thousand_weeks_build_only_the_rows_drawn(monkeypatch):
    built: list[str] = []
    real = week_list.week_prompt

    def counting(report, *args, **kwargs):
        built.append(report.label)
        return real(report, *args, **kwargs)

    monkeypatch.setattr(week_list, "week_prompt", counting)
    reports = weekly(10_000)
    app = Host(reports)
    async with app.run_test(size=(40, 24)) as pilot:
        weeks = app.query_one(WeekList)
        await eventually(pilot, lambda: weeks.highlighted == 9_999)
        await settled(pilot)
        assert weeks.virtual_size.height >= 10_000 * ROW_LINES
        assert 0 < len(built) <= 3 * 12, len(built)  # a screenful (and redraws of the cursor's rows)
        assert text_of(weeks, weeks.size.height - 2).startswith(reports[-1].label)
        built.clear()
        await pilot.press("home")
        await settled(pilot)
        assert 0 < len(built) <= 3 * 12 and text_of(weeks, 0).startswith(reports[0].label)
