"""The compare screen and the week picker, driven with Pilot; one snapshot of the compare screen."""

from __future__ import annotations

from typing import Callable

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from tui.index.library import Library
from tui.model import parse_report
from tui.model.report import Report
from tui.ui.screens.compare import CompareScreen, DiffRow
from tui.ui.screens.week_picker import WeekPickerModal, filter_weeks
from uiutil import eventually, make_app, ready


class Host(App):
    """A minimal host with the UI contract (`library`, `open_report`) that pushes one screen."""

    def __init__(self, library: Library, make: Callable[[], Screen]):
        super().__init__()
        self.library = library
        self._make = make
        self.opened: list[tuple[Report, int | None]] = []
        self.picked: list[Report | None] = []

    def on_mount(self) -> None:
        screen = self._make()
        if isinstance(screen, WeekPickerModal):
            self.push_screen(screen, self.picked.append)
        else:
            self.push_screen(screen)

    def open_report(self, report: Report, line: int | None = None) -> None:
        self.opened.append((report, line))


def compare_app(lib: Library, a: str = "2024-W23", b: str = "2024-w26") -> Host:
    return Host(lib, lambda: CompareScreen(lib, lib.find(a), lib.find(b)))


async def computed(pilot) -> CompareScreen:
    """The compare screen, once its comparison is computed and its rows are there."""
    def done():
        scr = pilot.app.screen
        assert isinstance(scr, CompareScreen) and not scr.computing and scr.query(DiffRow)

    await eventually(pilot, done)
    await pilot.pause()
    return pilot.app.screen  # type: ignore[return-value]


def row_lines(row: DiffRow) -> list[str]:
    """The text a row shows on screen, line by line."""
    strips = row.render_lines(Region(0, 0, row.size.width, row.size.height))
    return ["".join(seg.text for seg in strip).rstrip() for strip in strips]


def visible(widget, body: VerticalScroll) -> bool:
    return widget.region.y >= body.content_region.y and widget.region.y < body.content_region.bottom


async def test_rows_kpis_and_header(seed_library):
    app = compare_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        assert isinstance(scr, CompareScreen)
        c = scr.comparison
        rows = list(scr.query(DiffRow))
        assert len(rows) == len(c.sections) + sum(len(s.items) for s in c.sections)
        header = "\n".join(row_lines(scr.query_one("#compare-header")))  # type: ignore[arg-type]
        assert "A  2024-W23 · 2024-06-03–06-09" in header and "B  2024-w26 [2024-W29] · 2024-07-15–07-21" in header
        kpis = scr.query_one("#compare-kpis", Static)
        kpi_text = "\n".join(row_lines(kpis))  # type: ignore[arg-type]
        assert "入金有效成功率" in kpi_text and "99.987" in kpi_text and "99.955" in kpi_text
        assert "−0.032 ▼" in kpi_text
        # 生产事件数 counts the incidents of both weeks: no second, English `incidents` row saying it again
        assert "生产事件数" in kpi_text and "incidents" not in kpi_text
        headings = [r for r in rows if r.heading]
        o1 = row_lines(headings[1])[0]
        assert o1.count("【O1 业务服务】") == 2  # both weeks' titles on one line


async def test_n_and_shift_n_walk_changes_and_scroll(seed_library):
    app = compare_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        body = scr.query_one("#compare-body", VerticalScroll)
        changes = scr.change_rows()
        assert changes and all(r.status != "same" for r in changes)
        assert scr.cursor == -1 and body.scroll_y == 0
        await pilot.press("n")
        await pilot.pause()
        assert scr.cursor == 0 and changes[0].has_class("-current")
        for _ in range(5):
            await pilot.press("n")
        await pilot.pause()
        assert scr.cursor == 5
        assert changes[5].has_class("-current") and not changes[0].has_class("-current")
        assert body.scroll_y > 0 and visible(changes[5], body)
        await pilot.press("N", "N")
        await pilot.pause()
        assert scr.cursor == 3 and visible(changes[3], body)
        # At the last change, n stays there (from the one before it: walking the rows between proves
        # nothing the steps above did not).
        scr.cursor = len(changes) - 2
        await pilot.press("n")
        await eventually(pilot, lambda: scr.cursor == len(changes) - 1 and visible(changes[-1], body))
        await pilot.press("n", "n")
        await eventually(pilot, lambda: any("last change" in str(n.message) for n in app._notifications))
        await pilot.pause()
        assert scr.cursor == len(changes) - 1 and changes[-1].has_class("-current")


async def test_u_hides_and_shows_unchanged_rows(seed_library):
    app = compare_app(seed_library, "2024-W18", "2024-W23")
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        same = [r for r in scr.query(DiffRow) if r.status == "same"]
        assert same, "these weeks share unchanged rows"
        assert all(r.display for r in same)
        await pilot.press("u")
        await pilot.pause()
        assert scr.hide_same and not any(r.display for r in same)
        assert "unchanged hidden" in "\n".join(row_lines(scr.query_one("#compare-header")))  # type: ignore[arg-type]
        changed = [r for r in scr.query(DiffRow) if r.status != "same"]
        assert all(r.display for r in changed)
        await pilot.press("u")
        await pilot.pause()
        assert all(r.display for r in same)


async def test_both_sides_scroll_together(seed_library):
    app = compare_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        assert len(scr.query(VerticalScroll)) == 1  # one scroll position for both weeks
        body = scr.query_one("#compare-body", VerticalScroll)
        target = next(r for r in scr.change_rows() if "实时数仓项目" in row_lines(r)[0])
        while scr.change_rows()[max(scr.cursor, 0)] is not target:
            await pilot.press("n")
        await pilot.pause()
        assert body.scroll_y > 0 and visible(target, body)
        # Week A's item and its partner in week B sit on the same screen line.
        first = row_lines(target)[0]
        assert "实时数仓项目：进度98%" in first and "实时数仓：进度98%" in first
        before = body.scroll_y
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert body.scroll_y == before + 3


async def test_swap_and_escape(seed_library):
    app = compare_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        a, b = scr.a, scr.b
        await pilot.press("s")
        await pilot.pause()
        assert (scr.a, scr.b) == (b, a)
        assert scr.comparison.kpi("入金有效成功率").delta == 0.032
        kpi_text = "\n".join(row_lines(scr.query_one("#compare-kpis")))  # type: ignore[arg-type]
        assert "+0.032 ▲" in kpi_text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)


async def test_narrow_terminal(seed_library):
    app = compare_app(seed_library)
    async with app.run_test(size=(80, 24)) as pilot:
        scr = await computed(pilot)
        body = scr.query_one("#compare-body", VerticalScroll)
        assert body.size.height >= 10
        row = next(r for r in scr.query(DiffRow) if r.heading)
        assert row.size.width <= 80
        await pilot.press("n")
        await pilot.pause()
        assert visible(scr.change_rows()[0], body)


async def test_report_text_is_never_markup():
    a = parse_report("# 2024-W10\n\n## 【O1 业务服务】\n\n- 物保，[bold]上线[/] [link=x]y\n")
    b = parse_report("# 2024-W11\n\n## 【O1 业务服务】\n\n- 物保，[/]已上线 [red]z\n")
    lib = Library(reports=[a, b])
    app = Host(lib, lambda: CompareScreen(lib, a, b))
    async with app.run_test(size=(100, 24)) as pilot:
        scr = await computed(pilot)
        row = next(r for r in scr.query(DiffRow) if not r.heading)
        line = row_lines(row)[0]
        assert "[bold]上线[/]" in line and "[/]已上线 [red]z" in line


# ── the week picker ────────────────────────────────────────────────────────────────────────


def test_filter_weeks(seed_library):
    reports = seed_library.reports
    assert filter_weeks(reports, "")[0] is reports[0] and len(filter_weeks(reports, "")) == 5
    assert filter_weeks(reports, "w26")[0].label == "2024-w26"
    assert filter_weeks(reports, "第53")[0].label == "第53周"
    assert filter_weeks(reports, "2024-06-03")[0].label == "2024-W23"  # by date
    w23 = seed_library.find("2024-W23")
    assert w23 not in filter_weeks(reports, "", exclude=w23)
    assert filter_weeks(reports, "zzzzqqq") == []


async def test_picker_type_and_enter(seed_library):
    w23 = seed_library.find("2024-W23")
    app = Host(seed_library, lambda: WeekPickerModal(seed_library, exclude=w23))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ol = app.screen.query_one(OptionList)
        assert ol.option_count == 4  # the excluded week is not offered
        await pilot.press("w", "2", "6")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "w26"
        assert ol.option_count >= 1
        await pilot.press("enter")
        await pilot.pause()
    assert [r.label for r in app.picked] == ["2024-w26"]


async def test_picker_cjk_arrows_and_escape(seed_library):
    app = Host(seed_library, lambda: WeekPickerModal(seed_library))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("第", "4")
        await pilot.pause()
        assert app.screen.shown[0].label == "第46周 2023-11-13"
        app.screen.query_one(Input).value = ""
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.picked == [seed_library.reports[2]]

    app = Host(seed_library, lambda: WeekPickerModal(seed_library))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.picked == [None]


async def test_c_from_main_screen_opens_picker_then_compare(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        current = main.current
        await pilot.press("c")  # nothing marked: pick the other week from a list
        picker = await eventually(pilot, lambda: isinstance(app.screen, WeekPickerModal) and app.screen)
        await pilot.press("w", "2", "3")

        def w23_highlighted() -> bool:
            ol = picker.query_one("#week-picker-list", OptionList)
            return ol.highlighted is not None and picker.shown[ol.highlighted].week == "2024-W23"

        await eventually(pilot, w23_highlighted)
        await pilot.press("enter")
        screen = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        w23 = next(r for r in seed_library.reports if r.week == "2024-W23")
        assert (screen.a, screen.b) == (w23, current)  # the older week on the left


def test_snapshot_compare_screen(snap_compare, seed_library):
    assert snap_compare(compare_app(seed_library), terminal_size=(120, 36), run_before=computed)


async def test_swap_mirrors_every_row_in_place(seed_library):
    app = compare_app(seed_library, "2024-W18", "2024-W23")
    async with app.run_test(size=(120, 36)) as pilot:
        scr = await computed(pilot)
        rows = list(scr.query(DiffRow))
        before = [(r.status, row_lines(r)) for r in rows]
        counts = scr.comparison.counts()
        await pilot.press("u")  # hide unchanged, then swap: they stay hidden
        await pilot.press("s")
        await pilot.pause()
        assert list(scr.query(DiffRow)) == rows  # the same rows, given their mirror image
        flip = {"added": "removed", "removed": "added"}
        assert [r.status for r in rows] == [flip.get(s, s) for s, _ in before]
        after = scr.comparison.counts()
        assert (after["added"], after["removed"], after["changed"]) == (counts["removed"], counts["added"], counts["changed"])
        assert not any(r.display for r in rows if r.status == "same")
        item = next(i for i, r in enumerate(rows) if not r.heading and r.status == "changed")
        await pilot.press("u")
        await pilot.pause()
        left, right = (part.strip() for part in before[item][1][0][1:].split("│", 1))
        new_left, new_right = (part.strip() for part in row_lines(rows[item])[0][1:].split("│", 1))
        assert (new_left, new_right) == (right, left)
        assert "A  2024-W23" in "\n".join(row_lines(scr.query_one("#compare-header")))  # type: ignore[arg-type]


# ── items read like the report view ────────────────────────────────────────────────────────

_IDENT = "reconcileWorker.retryWithKey"  # (a side at 80 columns is 36 cells wide)


def _reading_pair() -> tuple[Report, Report]:
    a = parse_report("# 2024-W35\n\n## 本周进展\n\n"
                     f"- 【退款链路】排查发现 {_IDENT} 在重试时没有带上幂等键，导致同一笔退款被渠道拒绝两次，已定位。\n"
                     "    1. 补充幂等键，覆盖全部直连银行，日终批处理耗时从四十分钟降到十二分钟以内。\n"
                     "    2. 灰度\n"
                     "- 【对账平台】灰度放量到 10%，差错率低于 <mark>0.02%</mark>\n")
    b = parse_report("# 2024-W36\n\n## 本周进展\n\n"
                     f"- 【退款链路】修复了 {_IDENT} 的重试逻辑，幂等键已补齐，同一笔退款不再被渠道拒绝，下周上线。\n"
                     "    1. 补充幂等键，覆盖全部直连银行，日终批处理耗时从四十分钟降到十二分钟以内。\n"
                     "    2. 灰度\n"
                     "- [x] 【对账平台】灰度放量到 30%，差错率低于 <mark>0.01%</mark>\n")
    return a, b


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_items_read_like_the_report_view(size):
    a, b = _reading_pair()
    lib = Library(reports=[a, b])
    app = Host(lib, lambda: CompareScreen(lib, a, b))
    async with app.run_test(size=size) as pilot:
        scr = await computed(pilot)
        items = [r for r in scr.query(DiffRow) if not r.heading]
        await eventually(pilot, lambda: all(r.size.height for r in items))
        lines = [line for r in items for line in row_lines(r)]
        sep = {cell_len(line[:line.index("│")]) for line in lines}
        assert len(sep) == 1, lines  # the column separator on every row, nested items' too
        left = [line[2:line.index("│")].rstrip() for line in lines]
        right = [line[line.index("│") + 1:].strip() for line in lines]
        for side in (left, right):
            text = "\n".join(side)
            assert _IDENT in text, side  # a Latin word inside CJK text is never split
            assert "<mark>" not in text and "[x]" not in text
            assert all(s.strip()[:1] not in "，。、；：？！）】」" for s in side if s.strip())
        assert left[0].startswith("• 【退款链路】") and right[0].startswith("• 【退款链路】")
        assert any(s.lstrip().startswith("1. 补充幂等键") for s in left)
        assert any(s.startswith("☑ 【对账平台】") for s in right)
        # a wrapped line hangs under its item's text, never at the pane's edge
        first = next(i for i, s in enumerate(left) if s.lstrip().startswith("1. 补充幂等键"))
        assert left[first + 1].startswith(" " * (len(left[first]) - len(left[first].lstrip()) + 3)), left
