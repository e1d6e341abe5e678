"""The report view on a report with every Markdown construct (tests/data/markdown_features.md), as a
reader sees it: at 80×24 and 140×40, with clicks and keys on links, images and tables."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from rich.cells import cell_len

from testpaths import DATA
from tui.ui.screens.table import TableScreen
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.section_tree import SectionTree
from uiutil import eventually, make_app, ready, report_view

FIXTURE = DATA / "markdown_features.md"
SOURCE = FIXTURE.read_text(encoding="utf-8").split("\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def line_no(text: str) -> int:
    """The 1-based source line of the fixture that holds `text`."""
    return next(i for i, ln in enumerate(SOURCE, 1) if text in ln)


def view_rows(view: ReportView, first: int, last: int) -> list[str]:
    """The screen rows of source lines first..last (scrolling the view there)."""
    view.scroll_to_line(first, center=False)
    top = view.line_row(first)
    end = view.line_row(last + 1) if last < len(SOURCE) - 1 else view.virtual_size.height
    rows = []
    for row in range(top, end):
        if row - int(view.scroll_y) >= view.size.height:
            view.scroll_to(y=row, animate=False, immediate=True)
        rows.append(view.render_line(row - int(view.scroll_y)).text.rstrip())
    return rows


def whole(view: ReportView) -> str:
    return "\n".join(view_rows(view, 1, len(SOURCE) - 1))


@pytest.fixture
def report_folder(tmp_path) -> Path:
    """The fixture with its images, in a folder of its own."""
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    (tmp_path / "images").mkdir()
    for name in ("image-20241204212515783.png", "arch-overview.png"):
        (tmp_path / "images" / name).write_bytes(PNG)
    return tmp_path


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_the_view_reads_as_markdown(size):
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=size) as pilot:
        view = await report_view(pilot)
        text = whole(view)
        # images: the mark and the alt text (or the file name), never `![`
        assert "▣ image-20241204212515783" in text and "▣ arch-overview.png" in text
        # links: their text; reference links resolved; no raw `](url)` anywhere
        assert "贝易转接口说明" in text and "对账设计" in text
        assert "](" not in text and "][" not in text
        # setext headings: the text, its underline a rule; escapes resolved
        assert view_rows(view, line_no("运行数据"), line_no("运行数据") + 1) == [" 运行数据", " ────────"]
        assert "风险 [高]" in text and "\\[" not in text
        # code: no fence lines, but a ```python line inside the open 4-backtick fence is code
        assert "```bash" not in text and "````" not in text and "~~~" not in text
        assert view_rows(view, line_no('```python'), line_no('```python'))[0].strip() == "```python"
        assert "def retry(times: int = 3) -> bool:" in text
        # quotes: a bar, and the list inside is a list
        assert view_rows(view, line_no("> - 入金"), line_no("> - 入金"))[0].strip().startswith("┃ • 入金有效成功率")
        # tables: one row per source row, columns aligned by display width
        first, last = line_no("| 指标"), line_no("| Average")
        rows = view_rows(view, first, last)
        assert len(rows) == last - first + 1
        bars = [[cell_len(r[:i]) for i, ch in enumerate(r) if ch in "│┼"] for r in rows]
        assert all(b == bars[0] for b in bars) and len(bars[0]) == 6, rows


async def test_a_cjk_paragraph_fills_its_rows_at_80x24():
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(80, 24)) as pilot:
        view = await report_view(pilot)
        n = line_no("商户 Channel")
        rows = view_rows(view, n, n)
        assert len(rows) >= 3
        text_width = max(cell_len(r) for r in rows)
        for r in rows[:-1]:
            # no row ends at a space with the rest left empty (a character may move down with its 。)
            assert cell_len(r) >= text_width - 3, rows
        for r in rows[1:]:
            assert r.strip()[0] not in "，。、；：？！）】」", rows
        assert "".join(r.strip() for r in rows).replace(" ", "") == "•" + SOURCE[n - 1].lstrip("- ").replace(" ", "")


async def test_hits_land_on_their_line():
    # A search hit or tree node scrolls to its source line: the highlighted row is that line. One app
    # opens the report at each marker's line in turn, scrolled back to its top before each.
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        view = app.screen.query_one(ReportView)
        for marker in ["def retry", "| 出金有效成功率", "> - 【实时数仓】", "**Average", "第三方证书"]:
            view.scroll_to(y=0, animate=False, immediate=True)
            await eventually(pilot, lambda: int(view.scroll_y) == 0)
            n = line_no(marker) if marker != "**Average" else line_no("| Average")
            main.show_report(main.current, line=n)
            await pilot.pause()
            y = view.line_row(n) - int(view.scroll_y)
            assert 0 <= y < view.size.height, marker
            row = view.render_line(y)
            assert view.highlight == n, marker
            assert any(seg.style and seg.style.bgcolor == view.palette.highlight.bgcolor for seg in row), \
                f"the row of {marker!r} is highlighted"
            words = [w for w in SOURCE[n - 1].replace("|", " ").replace(">", " ").replace("-", " ").split() if w]
            assert words[0].strip("【】*")[:2] in row.text, marker  # (a table cell may be cut short)


async def test_enter_on_an_image_opens_it_with_the_system_viewer(report_folder, monkeypatch):
    from tui.ui import opener

    opened = []
    monkeypatch.setattr(opener, "launch", lambda path: opened.append(path) or True)
    app = make_app(paths=[report_folder])
    async with app.run_test(size=(140, 40)) as pilot:
        view = await report_view(pilot)
        await pilot.press("n")  # the first line with a link, an image or a table
        assert view.highlight == line_no("![image-2024")
        assert "→ images/image-20241204212515783.png" in str(view.border_subtitle)
        await pilot.press("enter")
        await eventually(pilot, lambda: opened == [str(report_folder / "images" / "image-20241204212515783.png")])
        assert sorted(p.name for p in report_folder.iterdir()) == ["images", FIXTURE.name]  # nothing written


async def test_an_image_inside_a_zip_export_is_extracted_outside_the_report_folder(tmp_path, monkeypatch):
    from tui.ui import opener

    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("周报/markdown_features.md", FIXTURE.read_text(encoding="utf-8"))
        zf.writestr("周报/images/arch-overview.png", PNG)
    opened = []
    monkeypatch.setattr(opener, "launch", lambda path: opened.append(path) or True)
    app = make_app(paths=[export])
    async with app.run_test(size=(140, 40)) as pilot:
        view = await report_view(pilot)
        view.set_highlight(line_no("![](images/arch"))
        await pilot.press("enter")
        await eventually(pilot, lambda: len(opened) == 1)
        path = Path(opened[0])
        assert path.read_bytes() == PNG and tmp_path not in path.parents
        assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]


async def test_a_missing_image_says_so(monkeypatch):
    from tui.ui import opener

    monkeypatch.setattr(opener, "launch", lambda path: pytest.fail("nothing to open"))
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(140, 40)) as pilot:
        view = await report_view(pilot)
        view.set_highlight(line_no("![](images/arch"))
        await pilot.press("enter")
        await eventually(pilot, lambda: any("image not found" in str(n.message) for n in app._notifications))


async def test_a_click_on_a_link_opens_it_in_the_browser(monkeypatch):
    app = make_app(paths=[FIXTURE])
    urls = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: urls.append(url))
    async with app.run_test(size=(140, 40)) as pilot:
        view = await report_view(pilot)
        n = line_no("接口文档")
        view.scroll_to_line(n, center=False)
        await pilot.pause()
        y = view.line_row(n) - int(view.scroll_y)
        row = view.render_line(y).text
        x = cell_len(row[: row.index("贝易转接口说明")]) + 2
        await pilot.click(ReportView, offset=(x + view.region.x - view.content_region.x + 1, y + 1))
        await eventually(pilot, lambda: urls == ["https://example.com/docs/beiyizhuan?v=2"])
        assert view.highlight == n


async def test_enter_on_a_table_row_opens_the_whole_table():
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(80, 24)) as pilot:
        view = await report_view(pilot)
        cut = view_rows(view, line_no("| 入金"), line_no("| 入金"))[0]
        assert "…" in cut and "已与渠道方确认原因" not in cut  # cut to fit the pane
        view.set_highlight(line_no("| 入金"))
        await pilot.press("enter")
        await eventually(pilot, lambda: isinstance(app.screen, TableScreen))
        assert "周三晚高峰出现短暂抖动，已与渠道方确认原因" in app.screen.table.plain
        await pilot.press("escape")
        await eventually(pilot, lambda: not isinstance(app.screen, TableScreen))


async def test_leaf_sections_have_no_expand_mark():
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        tree = app.screen.query_one(SectionTree)
        nodes = {str(n.label): n for n in tree.root.children}
        for child in nodes["风险与问题"].children:
            nodes[str(child.label)] = child
        assert not nodes["风险 [高]"].allow_expand and nodes["【O1 业务服务】"].allow_expand


async def test_code_languages_are_loaded_in_the_background():
    from tui.ui import rows

    rows._LEXERS.clear()
    app = make_app(paths=[FIXTURE])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # the code blocks are below the first screen: their lexers are ready before they are drawn
        await eventually(pilot, lambda: {"bash", "markdown", "python"} <= set(rows._LEXERS), timeout=20)
        assert all(rows._LEXERS[name] is not None for name in ("bash", "markdown", "python"))
