"""Every screen at 80×24 and at 200×60: the essential parts are on screen and big enough to use."""

from __future__ import annotations


import pytest

from tui.ui.screens.main import MainScreen
from tui.ui.widgets.kpi_panel import KpiPanel
from uiutil import eventually, in_turn, make_app, ready, settled

SIZES = [(80, 24), (200, 60)]


def visible(app, selector: str, min_w: int = 1, min_h: int = 1):
    """The widget is on the screen, entirely, with at least this many cells."""
    widget = app.screen.query_one(selector)
    region = widget.region
    screen = app.screen.region
    assert widget.display and region.width >= min_w and region.height >= min_h, (selector, region)
    assert screen.contains_region(region), (selector, region, screen)
    return widget


def footer_text(app) -> str:
    from textual.widgets import Footer

    from tui.ui.widgets.key_footer import KeyFooter

    footer = app.screen.query_one(Footer)
    if isinstance(footer, KeyFooter):  # (drawn as one line, not a widget per key)
        return str(footer.render())
    return " ".join(str(k.render()) for k in footer.query("FooterKey"))


def footer_whole(app) -> None:
    """Every key of the footer is shown whole: none runs past the screen's edge, cut."""
    from textual.widgets import Footer

    from tui.ui.widgets.key_footer import KeyFooter

    footer = app.screen.query_one(Footer)
    if isinstance(footer, KeyFooter):
        assert len(str(footer.render()).rstrip()) <= footer.size.width, footer.render()
        return
    keys = list(footer.query("FooterKey"))
    assert keys and all(k.region.right <= footer.region.right for k in keys), footer_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_main_screen(seed_library, size):
    app = make_app(seed_library)
    async with app.run_test(size=size) as pilot:
        main = await ready(pilot)
        weeks = visible(app, "#weeks", 20, 6)
        assert weeks.content_region.height >= (6 if size == (80, 24) else 10)  # three or more weeks
        visible(app, "#sections", 20, 5)
        visible(app, "#report", 40, 10)
        visible(app, "#report-title", 20, 1)
        kpis = app.screen.query_one(KpiPanel)
        await eventually(pilot, lambda: all(key in footer_text(app) for key in ("Search", "Compare", "Help", "Quit")))
        if size == (80, 24):
            assert main.kpi_mode == "line" and kpis.compact
            visible(app, "#right", 70, 1)
            assert "入金有效成功率" in str(kpis.render())
            await pilot.press("p")  # the full panel on demand
            assert main.kpi_mode == "full" and not kpis.compact
            await eventually(pilot, lambda: visible(app, "#right", 70, 6))
            visible(app, "#weeks", 20, 4)
            await pilot.press("p")
            assert main.kpi_mode == "line"
        else:
            assert main.kpi_mode == "full"
            right = visible(app, "#right", 30, 10)
            assert right.region.x > app.screen.query_one("#report").region.x  # a column on the right
            assert len(kpis.rows) >= 5
            await pilot.press("p")  # hide it: the report gets the room
            await pilot.pause()
            assert not app.screen.query_one("#right").display
            await pilot.press("p")


async def search_screen(pilot, size):
    app = pilot.app
    await pilot.press("slash", "b", "y", "z")
    await eventually(pilot, lambda: getattr(app.screen, "result", None) is not None
                     and app.screen.result.query.raw == "byz")
    await settled(pilot)
    visible(app, "#search-input", 40, 3)
    visible(app, "#search-results", 40, 6)
    visible(app, "#search-preview-box", 30, 4)
    assert app.screen.query_one("#search-results").option_count > 1


async def timeline_compare_picker(pilot, size):
    from tui.ui.screens.compare import CompareScreen
    from tui.ui.screens.timeline import TimelineScreen
    from tui.ui.screens.week_picker import WeekPickerModal

    app = pilot.app
    main = app.main_screen
    reports = main.library.reports
    app.push_screen(TimelineScreen(app.workspace, reports[-1].projects[0].key))

    def gathered():  # (the timeline is gathered in a worker)
        assert isinstance(app.screen, TimelineScreen) and app.screen.timeline is not None
        visible(app, "#timeline-table", 30, 3)

    await eventually(pilot, gathered)
    await eventually(pilot, lambda: visible(app, "#timeline-title", 40, 1))
    visible(app, "#timeline-table", 30, 3)
    visible(app, "#timeline-entries", 60, 5)
    await pilot.press("escape")
    app.push_screen(CompareScreen(main.library, reports[0], reports[-1]))

    def compare_fits():
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.region.height == size[1]
        assert "Back" in footer_text(app)

    await eventually(pilot, compare_fits)
    await pilot.press("escape")
    app.push_screen(WeekPickerModal(main.library, exclude=reports[-1]))
    await eventually(pilot, lambda: visible(app, "#week-picker", 60, 6))
    visible(app, "#week-picker-list", 50, 3)


async def metrics_help_error(pilot, size):
    from tui.ui.screens.error import ErrorScreen

    app = pilot.app
    await pilot.press("m")
    await eventually(pilot, lambda: app.screen.id == "metrics" and bool(app.screen.query(".kpi-chart")))
    await eventually(pilot, lambda: visible(app, ".kpi-chart", 60, 10))
    await pilot.press("escape", "question_mark")
    await eventually(pilot, lambda: app.screen.id == "help")
    await eventually(pilot, lambda: visible(app, "#help-body", 60, 10))
    await pilot.press("escape")
    await eventually(pilot, lambda: isinstance(app.screen, MainScreen))
    app.show_error(RuntimeError("x" * 300), "testing")
    await eventually(pilot, lambda: isinstance(app.screen, ErrorScreen))
    await eventually(pilot, lambda: visible(app, "#error-box", 60, 10))
    visible(app, "#error-copy-button", 8, 1)
    visible(app, "#error-close-button", 5, 1)
    await pilot.press("escape")
    await eventually(pilot, lambda: isinstance(app.screen, MainScreen))


@pytest.mark.parametrize("size", SIZES)
async def test_screens_over_the_main_one(seed_library, size):
    """The search screen; the timeline, compare and the week picker; metrics, help and the error dialog:
    in turn in one app (see `in_turn`)."""
    app = make_app(seed_library)
    async with app.run_test(size=size) as pilot:
        await in_turn(pilot, [(f"{part.__name__} at {size}", lambda pilot, part=part: part(pilot, size))
                              for part in (search_screen, timeline_compare_picker, metrics_help_error)])


async def test_resize_between_layouts(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(200, 60)) as pilot:
        main = await ready(pilot)
        for size in [(80, 24), (120, 36), (60, 20), (200, 60), (80, 24)]:
            await pilot.resize_terminal(*size)
            await eventually(pilot, lambda: main.size == size)
            await settled(pilot)
            assert main.has_class("-narrow") == (size[0] < 110)
            visible(app, "#report", 20, 5)
        assert main.kpi_mode == "line"


@pytest.mark.parametrize("size", SIZES)
async def test_team_screens(size):
    from testpaths import DATA
    from tui.index.load import load_library
    from tui.ui.screens.team_week import TeamWeekScreen

    app = make_app(load_library([str(DATA / "team" / "notion")]))
    async with app.run_test(size=size) as pilot:
        main = await ready(pilot)
        assert main.team
        visible(app, "#weeks", 20, 6)
        visible(app, "#report", 40, 10)
        for key in ("Search", "Compare", "Team", "Help", "Quit"):
            assert key in footer_text(app)  # `w` has its place in the footer, even at 80 columns
        await pilot.press("w")
        await eventually(pilot, lambda: visible(app, "#team-sections", 20, 8 if size == (80, 24) else 30))
        assert isinstance(app.screen, TeamWeekScreen)
        await eventually(pilot, lambda: "Quit" in footer_text(app))
        footer_whole(app)
        visible(app, "#team-report", 40 if size == (80, 24) else 150, 10)
        visible(app, "#team-title", 60, 1)
