"""A team lead's Monday in the app, on the four-person fixture (tests/data/team/monday): the team week's
roster line and its "by project" view, the roster heat-map and `enter` on a cell, unread marks in the
week list and "next unread" — and a one-person folder without any of it."""

from __future__ import annotations

import pytest

from testpaths import DATA
from tui.index.load import load_library
from tui.index.readstate import ReadState
from tui.ui.screens.main import MainScreen
from tui.ui.screens.roster import RosterScreen
from tui.ui.screens.team_week import TeamWeekScreen
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.section_tree import SectionTree
from tui.ui.widgets.week_list import WeekList
from uiutil import eventually, make_app, ready, settled

TEAM = DATA / "team" / "monday"


@pytest.fixture(scope="module")
def team():
    return load_library([str(TEAM)])


def screen_is(app, kind):
    def check():
        assert isinstance(app.screen, kind)
        return app.screen
    return check


def plain(widget) -> str:
    """What a Static shows, as text."""
    return str(widget.render())


def view_lines(view: ReportView) -> list[str]:
    return ["".join(seg.text for seg in view.render_line(y)).strip() for y in range(view.size.height)]


def tree_titles(tree: SectionTree, node=None) -> list[str]:
    node = node or tree.root
    return [str(child.label) for child in node.children]


def row_texts(weeks: WeekList) -> list[str]:
    """Every row's first line as drawn (label with its marks), in list order."""
    from tui.ui.widgets.week_list import week_prompt

    return [week_prompt(r, author=True, unread=weeks.unread(r) if weeks.unread else False).plain.split("\n")[0]
            for r in weeks.reports]


async def open_team_week(pilot, team, name: str = "赵六@2024-W23") -> TeamWeekScreen:
    app = pilot.app
    main = await ready(pilot)
    main.show_report(team.find(name))
    await pilot.pause()
    await pilot.press("w")
    return await eventually(pilot, screen_is(app, TeamWeekScreen))


async def test_the_team_week_opens_with_its_roster_line(team):
    app = make_app(team)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_team_week(pilot, team)
        assert plain(screen.query_one("#team-roster")) == "filed 张三, 李四 · late 赵六 · not filed 王五"
        assert "Team week 2024-W23 · 2024-06-03–06-09 · 3 reports · by author" in plain(screen.query_one("#team-title"))
        tree = screen.query_one(SectionTree)
        assert tree_titles(tree) == ["李四", "张三", "赵六"] and tree.border_title == "Authors"
        # Another week: the roster follows.
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: _true(screen.week.week == "2024-W22"))
        assert plain(screen.query_one("#team-roster")) == "filed 张三, 李四, 王五, 赵六"


def _true(ok: bool) -> bool:
    assert ok
    return ok


async def test_by_project_marks_each_line_and_lists_what_was_dropped(team):
    app = make_app(team)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_team_week(pilot, team)
        await pilot.press("p")
        tree = screen.query_one(SectionTree)
        await eventually(pilot, lambda: _true(tree.border_title == "Projects"))
        assert screen.by_project and "· by project" in plain(screen.query_one("#team-title"))
        assert tree_titles(tree) == ["Projects", "Dropped", "KPIs"]
        assert tree_titles(tree, tree.root.children[0]) == ["支付路由", "对外文档", "监控告警", "对账平台", "账户中心",
                                                            "清结算迁移"]
        view = screen.query_one(ReportView)
        shown = view_lines(view)
        assert "• done 张三: 【支付路由】灰度全部完成，进度100%" in shown
        assert "• same 李四: 【支付路由】配合灰度验证" in shown
        # The rest of the document: scroll to the end and read the marks there.
        marks = [ln.split()[1] for ln in screen.rolled.text.splitlines() if ln.startswith("- `")]
        assert marks == ["`done`", "`same`", "`done`", "`same`", "`stalled`", "`progress`", "`new`", "`dropped`"]
        # `o` on a project in the tree opens the line it quotes, in its author's report.
        stalled = tree.root.children[0].children[3]
        tree.focus()
        tree.move_cursor(stalled)
        await pilot.pause()
        await pilot.press("o")
        main = await eventually(pilot, screen_is(app, MainScreen))
        assert (main.current.author, main.current.week) == ("李四", "2024-W23")
        assert main.query_one(ReportView).highlight == 9  # the 对账平台 line


async def test_by_project_toggles_back_to_by_author(team):
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team_week(pilot, team, "王五@2024-W22")
        await pilot.press("p")
        tree = screen.query_one(SectionTree)
        await eventually(pilot, lambda: _true(tree.border_title == "Projects"))
        assert "- `done` **王五**: 【商户门户】已全量上线" in screen.rolled.text.splitlines()
        assert "- `dropped` **王五**: 数据看板 — last in 2024-W20 at 20%" in screen.rolled.text.splitlines()
        await pilot.press("p")
        await eventually(pilot, lambda: _true(tree.border_title == "Authors"))
        assert tree_titles(tree) == ["李四", "王五", "张三", "赵六"] and not screen.by_project


async def test_the_heat_map_and_enter_on_a_cell(team):
    app = make_app(team)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_team_week(pilot, team)
        await pilot.press("h")
        heat = await eventually(pilot, screen_is(app, RosterScreen))
        grid = heat.query_one("#roster-grid")
        assert heat.people == ["张三", "李四", "王五", "赵六"]
        assert heat.weeks == [f"2024-W{n}" for n in range(12, 24)] and len(grid.columns) == 13
        cells = [[str(grid.get_cell_at((row, col))).strip() for col in range(7, 13)] for row in range(4)]
        assert cells == [["✓", "✓", "✓", "✓", "✓", "✓"], ["✓", "✓", "late", "✓", "✓", "✓"],
                         ["✓", "✓", "✓", "✗", "✓", "✗"], ["·", "✓", "✓", "✓", "✓", "late"]]
        assert heat.cell_at_cursor() == ("赵六", "2024-W23")
        assert "赵六 · 2024-W23 · late" in plain(heat.query_one("#roster-cell"))
        # A missing week: enter says so and stays.
        grid.move_cursor(row=2, column=10)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is heat and heat.cell_at_cursor() == ("王五", "2024-W21")
        # 李四's late W20: enter opens it.
        await pilot.press("up", "left")
        await eventually(pilot, lambda: _true(heat.cell_at_cursor() == ("李四", "2024-W20")))
        assert "published 2024-05-28 (+9 d after the period)" in plain(heat.query_one("#roster-cell"))
        await pilot.press("enter")
        main = await eventually(pilot, screen_is(app, MainScreen))
        assert (main.current.author, main.current.week) == ("李四", "2024-W20")


async def test_the_heat_map_from_the_palette(team):
    from test_palette import palette

    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        await palette(pilot, "Roster heat-map")
        heat = await eventually(pilot, screen_is(app, RosterScreen))
        assert heat.weeks[-1] == main.current.week == "2024-W23"
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: _true(heat.weeks[-1] == "2024-W22"))
        await pilot.press("right_square_bracket", "right_square_bracket")  # never past the newest week
        await eventually(pilot, lambda: _true(heat.weeks[-1] == "2024-W23"))
        await pilot.press("escape")
        await eventually(pilot, screen_is(app, MainScreen))


async def test_unread_marks_and_next_unread(team, monkeypatch):
    monkeypatch.setattr(MainScreen, "READ_AFTER", 0.3)
    app = make_app(team)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        weeks = app.query_one(WeekList)
        newest = main.current
        assert (newest.author, newest.week) == ("赵六", "2024-W23")
        # Every report is unread at first; the open one counts as read after a moment.
        assert all(" •  " in t for t in row_texts(weeks)[:-1])
        await eventually(pilot, lambda: _true(app.read_state.is_read(newest)), timeout=30)
        assert row_texts(weeks)[-1].startswith("赵六  周报")
        # From here on only the keys mark reports (a busy machine must not race the timer).
        monkeypatch.setattr(MainScreen, "READ_AFTER", 3600.0)
        # `u`: the next unread report (after the last one, from the top).
        await pilot.press("u")
        await eventually(pilot, lambda: _true(main.current is team.reports[0]))
        # `U` marks it read at once; `u` then skips it.
        await pilot.press("U")
        await eventually(pilot, lambda: _true(app.read_state.is_read(team.reports[0])))
        assert not row_texts(weeks)[0].split("  ")[0].endswith("•")
        await pilot.press("u")
        await eventually(pilot, lambda: _true(main.current is team.reports[1]))
        # `U` twice: read, then unread again (and it stays so: the open report no longer counts).
        await pilot.press("U")
        await eventually(pilot, lambda: _true(app.read_state.is_read(team.reports[1])))
        # (no wait on the clock: were the count started again, it would mark the report read within a millisecond)
        monkeypatch.setattr(MainScreen, "READ_AFTER", 0.001)
        await pilot.press("U")
        await eventually(pilot, lambda: _true(not app.read_state.is_read(team.reports[1])))
        await settled(pilot)
        assert not app.read_state.is_read(team.reports[1]) and row_texts(weeks)[1].startswith("王五 •")
        # Everything read: `u` says so, and stays where it is.
        for r in team.reports:
            app.read_state.mark(r, True)
        here = main.current
        await pilot.press("u")
        await eventually(pilot, lambda: any("Every report here is read" in str(n.message) for n in app._notifications))
        await settled(pilot)
        assert main.current is here
    # Kept in the user's state folder, by content: a new session on a fresh load knows them.
    again = load_library([str(TEAM)])
    state = ReadState.default()
    assert state.path.name == "read.json" and "state" in state.path.parts[-3]
    assert all(state.is_read(r) for r in again.reports)


async def test_a_one_person_folder_has_no_unread_marks(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        keys = {b.action for _, b, _, _ in main.active_bindings.values()}
        assert not {"next_unread", "toggle_read"} & keys
        assert app.query_one(WeekList).unread is None
        before = main.current
        await pilot.press("u", "U")
        await pilot.pause()
        assert main.current is before and app._read_state is None  # the state file was never read
