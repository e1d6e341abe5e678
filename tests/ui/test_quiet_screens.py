"""Screens that have nothing to show say so briefly: `m` without KPIs is a note, not an empty screen;
a comparison of weeks without KPIs has no KPI table."""

from __future__ import annotations

from textual.widgets import Static

from tui.index.library import Library
from tui.model import parse_report
from tui.model.report import SourceRef
from tui.ui.screens.compare import CompareScreen, DiffRow
from tui.ui.screens.main import MainScreen
from uiutil import eventually, make_app, ready


def newsletter(folder, issues: int = 6):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, issues + 1):
        (folder / f"issue-{n}.md").write_text(
            f"# 技术周刊（第 {n} 期）\n\n## 文章\n\n- 文章 {n}\n- 工具 {n}\n", encoding="utf-8")
    return folder


async def test_m_without_kpis_says_so_and_stays_on_the_report(tmp_path):
    app = make_app(paths=[newsletter(tmp_path / "weekly")])
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await ready(pilot)
        await pilot.press("m")

        def noted():
            assert any("No KPIs" in str(n.message) for n in app._notifications)

        await eventually(pilot, noted)
        assert app.screen is main and isinstance(main, MainScreen)


async def test_m_with_kpis_opens_the_charts(seed_library):
    app = make_app(library=seed_library)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("m")

        def opened():
            assert type(app.screen).__name__ == "MetricsScreen"

        await eventually(pilot, opened, timeout=30)
        assert not app.screen.query("#metrics-empty")


async def test_compare_without_kpis_has_no_kpi_table(tmp_path):
    a = parse_report("# 技术周刊（第 1 期）\n\n## 文章\n\n- 文章一\n", SourceRef(str(tmp_path / "1.md")))
    b = parse_report("# 技术周刊（第 2 期）\n\n## 文章\n\n- 文章二\n- 工具\n", SourceRef(str(tmp_path / "2.md")))
    lib = Library(reports=[a, b])
    app = make_app(library=lib)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.push_screen(CompareScreen(lib, a, b))

        def shown():
            scr = app.screen
            assert isinstance(scr, CompareScreen) and scr.query(DiffRow)
            return scr

        scr = await eventually(pilot, shown, timeout=30)
        assert scr.query_one("#compare-kpis", Static).display is False
        first = scr.query(DiffRow).first()
        assert first.region.y <= scr.query_one("#compare-body").content_region.y + 1  # rows start at the top
