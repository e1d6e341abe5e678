"""The report view on tests/data/reading_features.md (front matter, inline and block HTML, a task list,
strikethrough, footnotes, a table, a CJK paragraph wrapped in the source) at 80×24 and 160×48, and a long
report whose first screen shows before the rest is rendered."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.geometry import Region

from testpaths import DATA
from tui.ui.rows import Pending
from tui.ui.widgets.report_view import AT_ONCE_BYTES, ReportView
from uiutil import eventually, make_app, ready, report_view, screen_text

FIXTURE = DATA / "reading_features.md"
SOURCE = FIXTURE.read_text(encoding="utf-8").split("\n")
RAW = ("---", "title:", "summary:", "<u>", "<br>", "<details>", "<summary>", "</details>", "[x]", "[ ]", "<kbd>",
       "<mark>", "<sub>", "<sup>", "<img", "<a href", "~~", "[^retry]", "](")


def line_no(text: str) -> int:
    return next(i for i, ln in enumerate(SOURCE, 1) if text in ln)


def view_text(view: ReportView) -> list[str]:
    """Every row of the view, top to bottom (scrolling through it a screenful at a time, each drawn as
    the screen draws it)."""
    rows: list[str] = []
    total = view.virtual_size.height
    gutter = view.styles.gutter  # (the view's border: its rows are the lines inside it)
    inside = Region(gutter.left, gutter.top, view.size.width, view.size.height)  # (`size`: inside the border)
    while len(rows) < total:
        view.scroll_to(y=len(rows), animate=False, immediate=True)
        top = int(view.scroll_y)
        drawn = view.render_lines(inside)
        rows.extend(strip.text.rstrip() for strip in drawn[len(rows) - top:total - top])
    return rows


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_markup_never_shows_and_a_wrapped_cjk_paragraph_reads_as_one(size):
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=size) as pilot:
        view = await report_view(pilot)
        rows = view_text(view)
        text = "\n".join(rows)
        for raw in RAW:
            assert raw not in text, raw
        assert "2024-W36 清结算组周报" in rows[0] and "#清结算" in rows[1]  # the front matter as a header
        assert "☑ 【对账平台】" in text and "☐ 【退款链路】" in text
        assert "H₂O" in text and "m²" in text and "▣ 清算流程图" in text and "▸ 灰度期间的异常明细" in text
        assert "[1]" in text and "幂等键缺失已在 v2.3.1 修复" in text
        # the paragraph wrapped in the source after 覆盖 and 四十分钟 is one flow: rows are filled to the
        # width of the view, and its text runs on without a break
        first = next(i for i, r in enumerate(rows) if "本周完成了清算文件" in r)
        para = [r.strip() for r in rows[first:] if r.strip()][:4]
        joined = "".join(para)
        assert "覆盖全部直连银行，日终批处理耗时从四十分钟降到十二分钟以内" in joined, para
        width = view.scrollable_content_region.width - 2
        if cell_len(joined) > width:
            assert cell_len(para[0]) >= width - 2, para


async def test_a_hit_lands_on_its_line():
    # a search hit or tree node scrolls to its source line, also one inside a joined paragraph; one app
    # opens the report at each marker's line in turn, scrolled back to its top before each
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        for marker in ["全部直连银行", "| Async settle qps", "| 指标", "- [ ] 【退款链路】"]:
            view.scroll_to(y=0, animate=False, immediate=True)
            await eventually(pilot, lambda: int(view.scroll_y) == 0)
            n = line_no(marker)
            main.show_report(main.current, line=n)
            await eventually(pilot, lambda: view.highlight == n and view.size.height > 0)
            y = view.line_row(n) - int(view.scroll_y)
            assert 0 <= y < view.size.height, marker
            row = view.render_line(y)
            assert any(seg.style and seg.style.bgcolor == view.palette.highlight.bgcolor for seg in row), \
                f"the row of {marker!r} is highlighted"
            word = marker.strip("|-[] ").split()[0].strip("【】")[:4]
            assert word in row.text, (marker, word, row.text)


def _long_report(tmp_path, sections: int = 1000):
    body = "\n".join(
        f"## 第{n}部分\n\n- 【项目{n}】本周完成了第{n}项工作，覆盖\n  全部商户，成功率稳定在 99.9% 以上\n"
        f"    1. 细节 <u>{n}</u>\n\n| 指标 | 本周 |\n|---|---|\n| 项{n} | {n} |\n" for n in range(1, sections + 1))
    path = tmp_path / "2024-06-03 长报告.md"
    path.write_text("# 2024-W23 长报告\n\n" + body, encoding="utf-8")
    return path


async def test_a_long_report_shows_its_first_screen_then_the_rest(tmp_path):
    path = _long_report(tmp_path)
    assert path.stat().st_size > 2 * AT_ONCE_BYTES
    app = make_app(paths=[path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        # keys and a resize while the rest is rendered are answered
        await pilot.press("tab", "tab", "j", "j", "space")
        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: not view.pending, timeout=60)
        text = "\n".join(view_text(view))
        assert "<u>" not in text and "【项目1000】本周完成了第1000项工作，覆盖全部商户" in re.sub(r"\s+", "", text)
        # a hit deep in the report: the part around it is rendered first, and stays where it is
        n = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "项目850】" in ln)
        main.show_report(main.current, line=n)
        await pilot.pause()
        y = view.line_row(n) - int(view.scroll_y)
        assert "【项目850】本周完成了" in view.render_line(y).text
        await eventually(pilot, lambda: not view.pending, timeout=60)
        y = view.line_row(n) - int(view.scroll_y)
        assert 0 <= y < view.size.height and "【项目850】本周完成了" in view.render_line(y).text


async def test_a_long_report_left_before_it_is_rendered_is_dropped(tmp_path):
    path = _long_report(tmp_path)
    (tmp_path / "2024-06-10 短.md").write_text("# 2024-W24 短报告\n\n- 一件事\n", encoding="utf-8")
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        long_report = next(r for r in main.library.reports if "长报告" in r.label)
        main.show_report(long_report)
        assert view.pending
        generation = view._generation
        await pilot.press("right_square_bracket")  # the next week, before the long one is rendered
        await eventually(pilot, lambda: main.current is not long_report and not view.pending, timeout=60)
        rows = view_text(view)
        assert "一件事" in "\n".join(rows)
        view._render_more(generation)  # a turn of the long report's rendering, come late: it does nothing
        assert view_text(view) == rows and not view.pending
        assert view.report is main.current


def _count_renders(monkeypatch) -> dict:
    """Count what showing a report costs: its rows built (`build_rows`, per line; `raw_rows`, the raw
    view's) and a long report's definitions read (`definitions`, once per rendering of it from the start)."""
    from tui.ui import mdlines
    from tui.ui.widgets import report_parts, report_view

    counts = {"lines": 0, "raw": 0, "definitions": 0, "parts": []}

    def build_rows(lines, *args, **kwargs):
        counts["lines"] += len(lines)
        return mdlines.build_rows(lines, *args, **kwargs)

    def raw_rows(lines, *args, **kwargs):
        counts["raw"] += len(lines)
        return mdlines.raw_rows(lines, *args, **kwargs)

    def definitions(lines):
        counts["definitions"] += 1
        return real_definitions(lines)

    real_definitions = report_parts.definitions
    real_part = report_parts.LongReport._render_part

    def render_part(self, a, b):
        counts["parts"].append((a, b))
        return real_part(self, a, b)

    monkeypatch.setattr(report_view, "build_rows", build_rows)
    monkeypatch.setattr(report_view, "raw_rows", raw_rows)
    monkeypatch.setattr(report_parts, "build_rows", build_rows)
    monkeypatch.setattr(report_parts, "definitions", definitions)
    monkeypatch.setattr(report_parts.LongReport, "_render_part", render_part)
    return counts


async def test_raw_and_back_shows_the_rendered_report_again_without_rendering_it(tmp_path, monkeypatch):
    counts = _count_renders(monkeypatch)
    path = _long_report(tmp_path, sections=500)  # (twice what is rendered at once: 25 parts)
    app = make_app(paths=[path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        view.focus()
        # switched to raw and back while the rest is still being rendered: what was rendered is kept,
        # the rendering goes on from where it was, and the view is not taken for whole before it is
        report, main.current = main.current, None  # (opened again: rendered from the start)
        main.show_report(report, push_history=False)
        assert view.pending and counts["definitions"] == 2
        main.action_raw()  # (`r`, at once: the rest is still to render)
        await pilot.pause()
        assert "## 第" in screen_text(app)  # (raw: the heading's marks)
        main.action_raw()
        assert view.pending and counts["definitions"] == 2, "rendered again from the start"
        del counts["parts"][:]
        await eventually(pilot, lambda: not view.pending, timeout=60)
        lines = [n for a, b in counts["parts"] for n in range(a, b)]
        assert len(lines) == len(set(lines)), "a part rendered twice"
        assert not any(type(r) is Pending for r in view._hanging), "a part lost"
        # whole, in the middle of it: raw and back shows the same cells at once, nothing rendered again
        await pilot.press("pagedown", "pagedown", "pagedown", "j")
        await pilot.pause()
        y, built, raw_built = view.scroll_y, counts["lines"], counts["raw"]
        assert raw_built == len(view._lines)  # (the raw view's rows, built once)
        rows = view_text(view)
        view.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        before = app.export_screenshot()
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw)
        assert "## 第" in screen_text(app)  # (raw: the heading's marks)
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw)
        assert not view.pending and counts["lines"] == built and counts["definitions"] == 2
        assert counts["raw"] == raw_built
        await pilot.pause()
        assert view.scroll_y == y and app.export_screenshot() == before
        assert view_text(view) == rows
        # a line marked while raw (a tree node, a hit) is marked when back
        view.scroll_to(y=y, animate=False, immediate=True)
        n = next(k for k in range(view.current_line() + 1, len(view._lines)) if "【项目" in view._lines[k - 1])
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw)
        view.set_highlight(n)
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw)
        assert counts["lines"] == built and view.highlight == n
        y = view.line_row(n) - int(view.scroll_y)
        assert 0 <= y < view.size.height
        marked = view.palette.highlight.bgcolor
        assert any(seg.style and seg.style.bgcolor == marked for seg in view.render_line(y)), "not marked"


async def test_raw_and_back_renders_afresh_after_a_change_on_disk_a_resize_or_a_theme(tmp_path, monkeypatch):
    counts = _count_renders(monkeypatch)
    path = _long_report(tmp_path, sections=500)
    assert path.stat().st_size > AT_ONCE_BYTES
    app = make_app(paths=[path])
    async with app.run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        view.focus()
        await eventually(pilot, lambda: not view.pending, timeout=60)
        # the file changes while raw: back, the new text is rendered
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw)
        path.write_text(path.read_text(encoding="utf-8").replace("【项目1】", "【改过的项目】"), encoding="utf-8")
        app.reload_library()
        await eventually(pilot, lambda: "【改过的项目】" in main.current.text)
        assert main.raw and view.raw
        rendered = counts["definitions"]
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw and not view.pending, timeout=60)
        assert counts["definitions"] == rendered + 1
        text = "\n".join(view_text(view))
        assert "【改过的项目】本周完成了" in text and "【项目1】" not in text and "- 【" not in text
        # a resize while raw: back, the rows are laid out at the new width, as a fresh rendering at it is
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw)
        await pilot.resize_terminal(70, 24)
        await eventually(pilot, lambda: view.size.width < 60)
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw and not view.pending, timeout=60)
        kept = view_text(view)
        report, main.current = main.current, None  # (opened again: rendered afresh at this width)
        main.show_report(report, push_history=False)
        await eventually(pilot, lambda: not view.pending, timeout=60)
        assert view_text(view) == kept
        assert max(cell_len(r) for r in kept) <= view.scrollable_content_region.width
        # a new theme while raw: back, the report is rendered in its colours
        await pilot.press("r")
        await eventually(pilot, lambda: main.raw)
        rendered = counts["definitions"]
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.press("r")
        await eventually(pilot, lambda: not main.raw and not view.pending, timeout=60)
        assert counts["definitions"] == rendered + 1
