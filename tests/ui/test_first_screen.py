"""The first screen is drawn once, at its sizes: the report's rows and the KPI table are made for the
width they get before the screen is first drawn (not drawn at a guessed width and again once laid out),
and the week list keeps the open week whole on screen whatever its height turns out to be."""

from __future__ import annotations

from testpaths import SEEDS
from tui.index.load import load_library
from tui.ui.widgets.kpi_panel import KpiPanel
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.week_list import WeekList
from uiutil import eventually, make_app, ready


def _true(ok: bool) -> bool:
    assert ok
    return ok


async def test_the_first_report_and_its_kpis_are_drawn_once_at_their_width(monkeypatch):
    widths: list[int] = []  # every width a report line was drawn at
    tables: list[int] = []  # every width the KPI table was built for
    line_strips, refresh_table = ReportView._line_strips, KpiPanel.refresh_table

    def drawn(self, no, width):
        widths.append(width)
        return line_strips(self, no, width)

    def built(self, *width):
        refresh_table(self, *width)
        if self.series:
            tables.append(self._built_width)

    monkeypatch.setattr(ReportView, "_line_strips", drawn)
    monkeypatch.setattr(KpiPanel, "refresh_table", built)
    app = make_app(load_library([str(SEEDS)]))  # (a library there before the screen is first laid out)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        view, panel = main.query_one(ReportView), main.query_one(KpiPanel)
        await eventually(pilot, lambda: _true(bool(widths) and panel.size.width > 0))
        assert set(widths) == {view._text_width()}
        assert tables == [panel.size.width]


async def test_the_open_week_stays_whole_on_screen_when_the_list_gets_shorter():
    app = make_app(paths=[SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        weeks = main.query_one(WeekList)
        tall = weeks.size.height
        await pilot.press("p")  # (the KPI panel opens in full under the panes: the list gets shorter)

        def whole_on_screen():
            assert weeks.size.height < tall
            top = weeks.highlighted * 2
            assert weeks.scroll_y <= top and top + 2 <= weeks.scroll_y + weeks.scrollable_content_region.height
            assert weeks.vertical_scrollbar.position == weeks.scroll_y  # (its thumb where the list is)
            return True

        await eventually(pilot, whole_on_screen)


async def test_the_screen_is_styled_once_for_its_size_not_once_a_class(monkeypatch):
    # At 80×24 the screen takes three classes (narrow, short, the KPI panel on one line): each styles
    # every widget of the screen again when set by itself. Set before the panes are styled, the first
    # screen is styled as a whole only as Textual shows a screen; a resize across them, once.
    from textual.app import App

    from tui.ui.screens.main import MainScreen

    restyled: list[tuple[str, ...]] = []
    update_styles = App.update_styles

    def counted(self, node, animate=True):
        if isinstance(node, MainScreen):
            restyled.append(tuple(sorted(node.classes)))
        return update_styles(self, node, animate=animate)

    monkeypatch.setattr(App, "update_styles", counted)
    app = make_app(paths=[SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        assert main.kpi_mode == "line" and main.has_class("-narrow", "-short", "-kpi-line")
        assert restyled == [("-kpi-line", "-narrow", "-short")]
        del restyled[:]
        await pilot.resize_terminal(120, 36)
        await eventually(pilot, lambda: not main.has_class("-narrow") and main.query_one(KpiPanel).size.width > 0)
        assert main.kpi_mode == "full" and not main.has_class("-short", "-kpi-line")
        assert len(restyled) == 1
        del restyled[:]
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: main.has_class("-narrow", "-short", "-kpi-line"))
        assert len(restyled) == 1
