"""A report that opens with metadata lines (`Title: …`, `Date: …` up to a blank line, as Pelican and
MultiMarkdown write them) in the app at 80×24 and 120×36: the header shows its title and date, the
`Key: value` lines never show, and a search hit or a tree node lands on its line."""

from __future__ import annotations

import shutil

import pytest

from test_section_tree import nodes_of
from testpaths import CORPORA, DATA
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.section_tree import SectionTree
from uiutil import eventually, make_app, ready, report_view, screen_text

FIXTURE = DATA / "metadata_lines.md"
SOURCE = FIXTURE.read_text(encoding="utf-8").split("\n")
RUST = CORPORA / "this-week-in-rust" / "content" / "2026-08-19-this-week-in-rust.md"
SIZES = [(80, 24), (120, 36)]


def top_rows(view: ReportView, count: int) -> list[str]:
    """The first `count` rows of the report (scrolling the view to its top)."""
    view.scroll_to(y=0, animate=False, immediate=True)
    return [view.render_line(y).text.rstrip() for y in range(min(count, view.size.height))]


CASES = [
    pytest.param(FIXTURE, "Harbour Notes 12", "2024-03-15 · Mira Okafor · #storage #backups", id="fixture"),
    pytest.param(RUST, "This Week in Rust 665", "2026-08-19 · #This Week in Rust", id="this-week-in-rust",
                 marks=pytest.mark.skipif(not RUST.is_file(), reason="../shared/corpora is not beside the repo")),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path,title,meta", CASES)
async def test_metadata_lines_are_a_header(path, title, meta, size, tmp_path):
    shutil.copy(path, tmp_path / path.name)
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=size) as pilot:
        view = await report_view(pilot)
        await eventually(pilot, lambda: top_rows(view, 1)[0].strip() == title)
        rows = top_rows(view, 4)
        assert rows[1].strip() == meta and not rows[2].strip() and rows[3].strip(), rows
        text = screen_text(app)
        for raw in ("Title: " + title, "Number:", "Date: 20", "Author:", "Tags:", "Category:"):
            assert raw not in text, (raw, text)


@pytest.mark.parametrize("size", SIZES)
async def test_a_title_hit_and_a_tree_node_land_on_their_lines(size, tmp_path):
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    app = make_app(paths=[tmp_path])
    async with app.run_test(size=size) as pilot:
        main = await ready(pilot)
        view = main.query_one(ReportView)
        await pilot.press("slash")
        search = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        await pilot.press(*"Harbour")
        await eventually(pilot, lambda: search.result is not None and search.result.query.raw == "Harbour")
        hit = next(h for h in search.result.hits if h.kind == "title")
        assert hit.line == 1
        search.app.open_report(hit.report, hit.line)  # (what choosing the hit does)
        await eventually(pilot, lambda: app.screen is main and view.highlight == 1 and view.size.height > 0)
        y = view.line_row(1) - int(view.scroll_y)
        assert 0 <= y < view.size.height and "Harbour Notes 12" in view.render_line(y).text
        # a section far enough down that the view scrolls to it
        tree = main.query_one(SectionTree)
        node = next(n for n in nodes_of(tree) if n.data is not None and n.data.kind == "section"
                    and n.data.obj.title == "Notes")
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        n = SOURCE.index("## Notes") + 1
        # a section's heading is scrolled to the top of the view (as far as the view scrolls)
        await eventually(pilot, lambda: int(view.scroll_y) == min(view.line_row(n), int(view.max_scroll_y)))
        y = view.line_row(n) - int(view.scroll_y)
        assert 0 <= y < view.size.height and view.render_line(y).text.strip() == "Notes"

