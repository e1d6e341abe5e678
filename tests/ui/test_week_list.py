"""The week list keeps two lines a week whatever the label's length."""

from __future__ import annotations

from tui.ui.widgets.week_list import WeekList
from uiutil import make_app, ready


async def test_long_labels_are_cut_not_wrapped(tmp_path):
    for week in (10, 11):
        title = f"PLCT 开源进展·第 {week} 期·一个非常非常长的标题，长到任何周列表都放不下 2024-W{week}"
        (tmp_path / f"r{week}.md").write_text(f"# {title}\n\n- 内容\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        weeks = app.query_one(WeekList)
        rows = ["".join(seg.text for seg in weeks.render_line(y)).strip() for y in range(4)]
        # the prefix both labels share gives way to what tells them apart; the end is cut, so the week
        # the label ends with is not shown on the first line: the second line says it
        assert rows[0].startswith("…第 10 期·") and rows[0].endswith("…")
        assert rows[1].startswith("2024-W10")
        assert rows[2].startswith("…第 11 期·") and rows[3].startswith("2024-W11")


async def test_opens_on_the_newest_dated_report_not_an_undated_one(tmp_path):
    (tmp_path / "a.md").write_text("# 2024-W10\n\n- 内容\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 2024-W11\n\n- 内容\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# 说明\n\n- 没有日期\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        assert [r.week for r in main.library.reports] == ["2024-W10", "2024-W11", None]
        assert main.current.week == "2024-W11"


async def test_undated_issues_open_on_the_highest_number_and_periods_show_their_dates(tmp_path):
    for n in (1, 2, 10, 9):
        (tmp_path / f"issue-{n}.md").write_text(f"# 通讯 第 {n} 期\n\n- 内容\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# 说明\n\n- 没有日期\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        assert [r.source.name for r in main.library.reports] == [
            "issue-1.md", "issue-2.md", "issue-9.md", "issue-10.md", "notes.md"]
        assert main.current.source.name == "issue-10.md"
    (tmp_path / "2023.10.10~2023.10.24.md").write_text("# 双周报\n\n- 内容\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        assert main.current.source.name == "2023.10.10~2023.10.24.md"
        weeks = app.query_one(WeekList)
        assert "".join(seg.text for seg in weeks.render_line(1)).strip() == "2023-W41  10-10 – 10-24"
        title = "".join(seg.text for seg in app.query_one("#report-title").render_line(0))
        assert "2023-W41 10-10 – 10-24" in title


async def test_kpi_panel_gives_way_when_no_report_has_kpis(tmp_path):
    (tmp_path / "a.md").write_text("# 2024-W10\n\n## 进展\n\n- 没有指标\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert main.kpi_mode == "hidden"
        await pilot.press("p")
        assert main.kpi_mode == "full"


async def test_kpi_panel_shows_when_there_are_kpis(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert main.kpi_mode == "full"


async def test_reports_read_so_far_can_be_scrolled_and_opened_before_the_load_ends(monkeypatch, seed_library):
    """A first load that takes a while: the week list shows the reports read so far (in week order), one
    opens, the reader moves to another; when the load ends the reader's report is still the open one."""
    from tui.ui.screens.main import MainScreen
    from tui.ui.widgets.week_list import WeekList
    from uiutil import eventually, gated_load, make_app, settled

    early = [r for r in seed_library.reports if r.week in ("2023-W52", "2023-W46", "2024-W17")]  # not in order
    gate = gated_load(monkeypatch, seed_library, reversed(early))
    app = make_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await eventually(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
            assert not app.loaded
            weeks = app.screen.query_one(WeekList)
            assert [r.week for r in weeks.reports] == ["2023-W46", "2023-W52", "2024-W17"]
            assert app.screen.current.week == "2024-W17"  # the newest read so far
            assert app.screen.query_one("#loading").display  # still saying it loads
            weeks.focus()
            await pilot.press("up")
            # (moving through the list opens a week after a short pause)
            await eventually(pilot, lambda: app.screen.current.week == "2023-W52")
            gate.set()
            await eventually(pilot, lambda: app.loaded)
            await settled(pilot)
            assert app.loaded and len(weeks.reports) == len(seed_library.reports)
            assert app.screen.current.week == "2023-W52"  # the reader's report stays open
            assert not app.screen.query_one("#loading").display
    finally:
        gate.set()
