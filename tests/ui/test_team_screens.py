"""A team's library in the app: rows name their authors, a filter to one person, the KPI change of each
report is its author's own, compare defaults to the same author's previous report, a team's week in one
view, metrics per author — and a one-person folder without any of it."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Input, OptionList

from testpaths import DATA
from tui.index.library import EVERYONE
from tui.index.load import load_library
from tui.model.vocab import Vocabulary
from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.week_picker import WeekPickerModal
from tui.ui.widgets.kpi_panel import KpiPanel
from tui.ui.widgets.week_list import WeekList
from uiutil import eventually, make_app, ready

NOTION = DATA / "team" / "notion"


@pytest.fixture(scope="module")
def team_library():
    return load_library([str(NOTION)], vocab=Vocabulary(author_aliases={"张三": ["zhangsan"]}))


def screen_is(app, kind):
    """A check for `eventually`: the top screen is a `kind` (returned)."""
    def check():
        assert isinstance(app.screen, kind)
        return app.screen
    return check


def rows(weeks: WeekList, n: int) -> list[str]:
    return ["".join(seg.text for seg in weeks.render_line(y)).strip() for y in range(n)]


def kpi_row(app, name: str) -> tuple[str, str, int]:
    got = {n: (value, change, verdict) for n, value, change, verdict in app.query_one(KpiPanel).rows}
    return got[name]


async def test_every_row_names_its_author(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        weeks = app.query_one(WeekList)
        weeks.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        shown = rows(weeks, 6)
        assert shown[0].startswith("李四") and shown[2].startswith("张三") and shown[4].startswith("王五")
        for first, second in zip(shown[::2], shown[1::2]):  # the week once: on the label's line or below it
            assert ("2024-W20" in first) != second.startswith("2024-W20"), (first, second)
            assert second.endswith("05-13–05-19"), second
        assert str(weeks.border_title) == "Weeks · 3 people"


async def test_a_one_person_folder_has_no_author_keys(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert not main.team
        keys = {b.action for _, b, _, _ in main.active_bindings.values()}
        assert "only_author" not in keys and "team_week" not in keys
        before = main.current
        await pilot.press("a", "w")
        await pilot.pause()
        assert app.screen is main and main.current is before and main.only is EVERYONE


async def test_the_kpi_change_is_the_authors_own(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("张三@2024-W21"))
        await pilot.pause()
        # 李四's 2024-W21 (99.955) is listed just above; 张三's own previous week is 99.904.
        assert kpi_row(app, "入金有效成功率") == ("99.905%", "+0.001", 1)
        assert [r.author for r in app.query_one(KpiPanel)._reports] == ["张三"] * 4  # the sparkline's weeks
        assert Text.from_markup(app.query_one("#right").border_title).plain == "KPIs · 张三"
        main.show_report(team_library.find("王五@2024-W21"))  # the next row: 王五's 2024-W21
        await pilot.pause()
        assert kpi_row(app, "入金有效成功率") == ("99.82%", "+0.02", 1)


async def test_only_one_person_then_brackets_walk_their_weeks(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("李四@2024-W22"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        weeks = app.query_one(WeekList)
        assert main.only == "李四" and len(weeks.reports) == 4
        assert Text.from_markup(weeks.border_title).plain == "Weeks · 李四"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (main.current.author, main.current.week) == ("李四", "2024-W21")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (main.current.author, main.current.week) == ("李四", "2024-W20")
        await pilot.press("a")  # everyone again
        await pilot.pause()
        assert main.only is EVERYONE and len(weeks.reports) == 12
        assert main.current.week == "2024-W20" and main.current.author == "李四"


async def test_only_name_from_the_palette(team_library):
    from test_palette import palette

    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await palette(pilot, "Only 张三")
        weeks = app.query_one(WeekList)
        assert main.only == "张三" and len(weeks.reports) == 4
        assert main.current.author == "张三" and main.current.week == "2024-W23"
        await palette(pilot, "Everyone")
        assert main.only is EVERYONE and len(weeks.reports) == 12


async def test_palette_finds_a_person_by_pinyin(team_library):
    from tui.ui.commands import PeopleProvider

    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        provider = PeopleProvider(app.screen)
        hits = [hit.text async for hit in provider.search("wangwu")]
        assert hits and hits[0] == "Only 王五"


async def test_compare_defaults_to_the_same_authors_previous_report(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("王五@2024-W23"))
        await pilot.pause()
        await pilot.press("c")
        picker = await eventually(pilot, screen_is(app, WeekPickerModal))
        ol = picker.query_one(OptionList)
        highlighted = picker.shown[ol.highlighted]
        assert (highlighted.author, highlighted.week) == ("王五", "2024-W22")
        assert str(ol.get_option_at_index(ol.highlighted).prompt).startswith("王五 · 周报 2024-W22")
        await pilot.press("enter")
        screen = await eventually(pilot, screen_is(app, CompareScreen))
        assert (screen.a.author, screen.a.week, screen.b.author, screen.b.week) == (
            "王五", "2024-W22", "王五", "2024-W23")


async def test_compare_two_peoples_same_week(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("王五@2024-W23"))
        await pilot.pause()
        await pilot.press("c")
        picker = await eventually(pilot, screen_is(app, WeekPickerModal))
        picker.query_one(Input).insert_text_at_cursor("李四 2024-W23")
        await pilot.pause()
        assert (picker.shown[0].author, picker.shown[0].week) == ("李四", "2024-W23")
        await pilot.press("enter")
        screen = await eventually(pilot, screen_is(app, CompareScreen))
        assert {screen.a.author, screen.b.author} == {"李四", "王五"}
        header = "".join(seg.text for seg in screen.query_one("#compare-header").render_line(0))
        assert "王五 · 周报 2024-W23" in header and "李四 · 周报 2024-W23" in header


async def test_team_week_reads_everyones_week(team_library):
    from tui.ui.screens.team_week import TeamWeekScreen
    from tui.ui.widgets.section_tree import SectionTree

    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("张三@2024-W22"))
        await pilot.pause()
        await pilot.press("w")
        screen = await eventually(pilot, screen_is(app, TeamWeekScreen))
        tree = screen.query_one(SectionTree)
        assert [str(n.label) for n in tree.root.children] == ["李四", "张三", "王五"]
        # on the author of the report it was opened from
        await eventually(pilot, lambda: tree.cursor_node is tree.root.children[1])
        await pilot.press("down")  # the next author in the tree: 王五 … after 张三's collapsed sections
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.week.week == "2024-W23"
        tree = screen.query_one(SectionTree)
        tree.move_cursor(tree.root.children[2])
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is main and (main.current.author, main.current.week) == ("王五", "2024-W23")


async def test_metrics_follow_the_open_reports_author_and_overlay_everyone(team_library):
    from tui.ui.screens.metrics import KpiChart

    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.show_report(team_library.find("李四@2024-W22"))
        await pilot.pause()
        await pilot.press("m")
        await eventually(pilot, lambda: app.screen.id == "metrics")
        charts = list(app.screen.query(KpiChart))
        inbound = next(c for c in charts if c.series.name == "入金有效成功率")
        assert inbound.series.values == [99.95, 99.955, 99.96, 99.958]
        assert inbound.overlay is None
        await pilot.press("a")
        await pilot.pause()
        charts = list(app.screen.query(KpiChart))
        inbound = next(c for c in charts if c.series.name == "入金有效成功率")
        assert [a for a, _ in inbound.overlay] == ["李四", "张三", "王五"]
        assert inbound.weeks == ["2024-W20", "2024-W21", "2024-W22", "2024-W23"]
        assert "every author" in str(app.screen.query_one("#metrics-title").render())


async def test_timeline_lists_authors(team_library):
    from textual.widgets import DataTable

    from tui.ui.screens.timeline import TimelineScreen

    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.push_screen(TimelineScreen(app.workspace, "贝易转"))
        def gathered():  # (the timeline is gathered in a worker)
            assert isinstance(app.screen, TimelineScreen) and app.screen.timeline is not None
            return app.screen.query_one("#timeline-table", DataTable)

        table = await eventually(pilot, gathered)
        await pilot.pause()
        assert [str(c.label) for c in table.columns.values()][:2] == ["week", "author"]
        authors = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert authors[:2] == ["李四", "张三"] and set(authors) == {"李四", "张三"}


async def test_names_are_text_never_markup(tmp_path):
    from tui.ui.screens.team_week import TeamWeekScreen

    # One folder per person, named like markup (a name from a folder is not cleaned up at all).
    for who in ("[bold]a", "[@click=app.quit]q"):
        (tmp_path / who).mkdir()
        for w in range(1, 4):
            (tmp_path / who / f"{w}.md").write_text(f"# 周报 2024-W0{w}\n\n## 指标\n\n- 成功率：9{w}%\n",
                                                  encoding="utf-8")
    lib = load_library([str(tmp_path)])
    assert set(lib.authors()) == {"[bold]a", "[@click=app.quit]q"}
    app = make_app(lib)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert main.team
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("a", "w")
        await eventually(pilot, screen_is(app, TeamWeekScreen))
        await pilot.press("escape", "m", "a")
        await pilot.pause()
        await pilot.press("escape", "c")
        await eventually(pilot, screen_is(app, WeekPickerModal))
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.screen is main
        title = "".join(seg.text for seg in app.query_one("#report-title").render_line(0))
        assert main.current.author in title
        weeks = app.query_one(WeekList)
        weeks.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert any(line.startswith("[bold]a") for line in rows(weeks, 4))
