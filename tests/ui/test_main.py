"""Pilot tests for the main screen: every key flow, asserting state a user would notice."""

from __future__ import annotations


from tui.index.load import load_library
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.kpi_panel import KpiPanel
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.section_tree import SectionTree
from tui.ui.widgets.week_list import WeekList

from uiutil import eventually, make_app, ready, settled



async def test_loads_in_a_worker_and_opens_the_latest_week():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert [r.week for r in main.library.reports] == ["2023-W46", "2023-W52", "2024-W17", "2024-W23", "2024-W29"]
        assert main.current is main.library.reports[-1]
        assert len(app.query_one(WeekList).reports) == 5
        view = app.query_one(ReportView)
        assert main.current.title in "".join(s.text for s in view.render_line(0))  # drawn from its heading
        assert view.virtual_size.height > view.size.height  # the whole report is laid out, not a screenful


async def test_kpi_panel_shows_values_in_week_order_and_last_change(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        panel = app.query_one(KpiPanel)
        series = {s.name: s for s in panel.series}
        assert series["入金有效成功率"].values == [99.997, 99.997, 99.997, 99.987, 99.955]
        rows = {name: (value, change, verdict) for name, value, change, verdict in panel.rows}
        assert rows["入金有效成功率"] == ("99.955%", "−0.032", -1)
        assert rows["生产事件数"] == ("7", "−4", 1)  # fewer incidents is good
        for name in ("入金有效成功率", "出金有效成功率", "年度可用性", "CD级事故数", "生产事件数"):
            assert name in rows
        await pilot.press("left_square_bracket")
        await pilot.pause()
        rows = {name: (value, change, verdict) for name, value, change, verdict in panel.rows}
        assert main.current.week == "2024-W23"
        assert rows["入金有效成功率"] == ("99.987%", "−0.01", -1)


async def test_brackets_move_between_weeks_and_escape_goes_back(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert main.current.week == "2024-W17"
        assert app.query_one(WeekList).highlighted == 2
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert main.current.week == "2024-W23"
        await pilot.press("escape")
        await pilot.pause()
        assert main.current.week == "2024-W17"
        await pilot.press("escape")
        await pilot.pause()
        assert main.current.week == "2024-W23"


async def test_week_list_keys_open_weeks(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        app.query_one(WeekList).focus()
        await pilot.press("k", "k", "k", "enter")
        await eventually(pilot, lambda: main.current.week == "2023-W52")
        await pilot.press("j")  # (moving the cursor opens the week after a short pause)
        await eventually(pilot, lambda: main.current.week == "2024-W17")


async def test_tab_cycles_panes(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("tab")
            seen.append(type(app.focused).__name__)
        assert {"SectionTree", "ReportView", "WeekList"} <= set(seen)


async def test_tree_selection_scrolls_report_and_scrolling_follows(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        tree = app.query_one(SectionTree)
        view = app.query_one(ReportView)
        target = next(n for n in tree.root.children if n.data.obj.key == "系统运行数据")
        tree.focus()
        tree.move_cursor(target)
        await pilot.press("enter")
        await pilot.pause()
        assert view.scroll_y > 0
        assert view.current_section().key == "系统运行数据"
        # scrolling the report moves the tree cursor to the section in view
        view.focus()
        await pilot.pause()
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert tree.cursor_node.data.obj.key == "重点工作"


async def test_open_report_scrolls_to_and_marks_a_line(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        report = seed_library.reports[3]
        kpi = report.kpi("入金有效成功率")
        app.open_report(report, kpi.line)
        await pilot.pause()
        await pilot.pause()
        view = app.query_one(ReportView)
        assert main.current is report
        assert view.highlight == kpi.line
        block = view.block_for_line(kpi.line)
        top, bottom = view.scroll_y, view.scroll_y + view.size.height
        assert top <= block.virtual_region.y + 2 < bottom or block.virtual_region.y <= top < block.virtual_region.bottom
        await pilot.press("escape")  # first escape clears the mark
        assert view.highlight is None


async def test_raw_toggle_shows_markdown_source(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        app.query_one(ReportView).focus()
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw and app.query_one(ReportView).raw)
        await settled(pilot)
        text = app.export_screenshot().replace("&#160;", " ")
        assert "## 【O1 业务服务】" in text or "- 【贝易转】" in text
        await pilot.press("r")
        assert not main.raw


async def test_copy_section_uses_clipboard(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = app.query_one(SectionTree)
        tree.focus()
        target = next(n for n in tree.root.children if n.data.obj.key == "系统运行数据")
        tree.move_cursor(target)
        await pilot.press("y")
        assert app.clipboard.startswith("## 【系统运行数据】")
        assert "入金有效成功率" in app.clipboard


async def test_mark_then_c_compares_the_marked_week_with_the_open_one(seed_library):
    from tui.ui.screens.compare import CompareScreen

    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        weeks = app.query_one(WeekList)
        weeks.focus()
        await pilot.press("k", "space")
        assert weeks.marked is seed_library.reports[3]
        await pilot.press("k", "k", "enter")  # open 2023-W52
        await eventually(pilot, lambda: main.current is seed_library.reports[1])
        await pilot.press("c")
        screen = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        # the older of the two on the left, the marked week on the right
        assert (screen.a, screen.b) == (seed_library.reports[1], seed_library.reports[3])
        await eventually(pilot, lambda: not screen.computing)
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)


async def test_metrics_and_help_screens(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await eventually(pilot, lambda: app.screen.id == "metrics")
        await eventually(pilot, lambda: len(app.screen.query(".kpi-chart")) >= 5)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await eventually(pilot, lambda: app.screen.id == "help")
        descriptions = {d for _, d, _ in app.screen.rows}
        assert {"Search", "Prev week", "Next week", "Raw", "Metrics", "Copy section", "Edit"} <= descriptions
        await pilot.press("escape")
        await eventually(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("f1")
        await eventually(pilot, lambda: app.screen.id == "help")


async def test_report_text_is_never_markup(tmp_path):
    (tmp_path / "2024-06-03 周报.md").write_text(
        "# 2024-W23 [bold red]x[/]\n\nCreated: 2024年6月4日 15:34\n\n## 其他\n\n- [bold red]x[/] and [link=http://e]y[/link]\n",
        encoding="utf-8",
    )
    lib = load_library([str(tmp_path)])
    app = make_app(lib)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        shot = app.export_screenshot()
        assert "[bold red]x[/]" in shot.replace("&#160;", " ")


async def test_empty_folder_shows_empty_state(tmp_path):
    lib = load_library([str(tmp_path)])
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot, need_report=False)
        await eventually(pilot, lambda: main.has_class("-empty"))
        await pilot.press("left_square_bracket", "r", "y", "m")  # nothing crashes
        await settled(pilot)
        assert app.is_running and main.current is None


async def test_unreadable_file_shows_problem_line(tmp_path):
    (tmp_path / "bad.md").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "2024-06-03.md").write_text("# 2024-W23\n\n- a\n", encoding="utf-8")
    lib = load_library([str(tmp_path)])
    app = make_app(lib)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert main.has_class("-problems")
        assert "bad.md" in str(app.query_one("#problems").render())


async def test_theme_choice_is_remembered(seed_library, tmp_path):
    app = make_app(seed_library, config=str(tmp_path / "c.toml"))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await pilot.pause()
    assert 'theme = "nord"' in (tmp_path / "c.toml").read_text()
    app2 = make_app(seed_library, config=str(tmp_path / "c.toml"))
    assert app2.theme == "nord"


async def test_narrow_terminal_layout(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        assert main.has_class("-narrow")
        assert app.query_one(KpiPanel).rows


async def test_live_reload_keeps_open_report(tmp_path):
    (tmp_path / "a.md").write_text("# 2024-W23\n\nCreated: 2024年6月4日\n\n## 其他\n\n" + "- line\n" * 80, "utf-8")
    lib = load_library([str(tmp_path)])
    app = make_app(lib, paths=[str(tmp_path)])
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        view = app.query_one(ReportView)
        view.scroll_to(y=20, animate=False, immediate=True)
        await pilot.pause()
        (tmp_path / "b.md").write_text("# 2024-W24\n\nCreated: 2024年6月11日\n", "utf-8")
        app.reload_library()
        await eventually(pilot, lambda: len(main.library.reports) == 2)
        await settled(pilot)
        assert [r.week for r in main.library.reports] == ["2024-W23", "2024-W24"]
        assert main.current.week == "2024-W23"
        assert view.scroll_y == 20


async def test_t_opens_timeline_of_project_under_tree_cursor(seed_library):
    from tui.ui.screens.timeline import TimelineScreen

    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        tree = app.query_one(SectionTree)
        tree.focus()
        await pilot.pause()
        node = next(n for n in tree.root.children[0].children if n.data.kind == "project")
        tree.move_cursor(node)
        await pilot.press("t")
        screen = await eventually(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
        assert screen.project_key == node.data.obj.key
        await eventually(pilot, lambda: screen.timeline is not None)
        # every week the project appears in, oldest first, the open report's week among them
        weeks = [w.report.week for w in screen.timeline.weeks]
        assert weeks == sorted(weeks) and main.current.week in weeks and len(weeks) >= 2
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)


async def test_t_on_a_section_opens_its_first_project_and_elsewhere_says_what_to_do(seed_library):
    from tui.ui.screens.timeline import TimelineScreen

    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        tree = app.query_one(SectionTree)
        tree.focus()
        section = tree.root.children[0]
        tree.move_cursor(section)
        await pilot.press("t")
        screen = await eventually(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
        first = next(n for n in section.children if n.data is not None and n.data.kind == "project")
        assert screen.project_key == first.data.obj.key  # (the first ◆ under the section in the tree)
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        kpis = next(n for n in tree.root.children if n.data.obj.key == "系统运行数据")
        tree.move_cursor(kpis)
        await pilot.press("t")
        await eventually(pilot, lambda: any("project" in str(n.message) for n in app._notifications))
        assert app.screen is main


async def test_search_startup_and_open_hit(seed_library):
    from tui.ui.screens.search import SearchScreen

    app = make_app(seed_library, search="存管")
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        assert screen.query_one("#search-input").value == "存管"
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "存管"
                         and bool(screen.result.hits))
        await pilot.press("down")  # from the query box into the results
        hit = await eventually(pilot, lambda: screen.current_hit is not None and screen.current_hit)
        assert "存管" in hit.text
        await pilot.press("enter")
        await eventually(pilot, lambda: app.screen is main)
        assert main.current is hit.report
        assert app.query_one(ReportView).highlight == hit.line
