"""Snapshots of the report view on tests/data/markdown_features.md (images, links, quotes, a table,
code, setext headings, a long CJK paragraph) and tests/data/reading_features.md (front matter, HTML, a
task list, footnotes, a paragraph wrapped in the source)."""

from __future__ import annotations

import argparse

from testpaths import DATA
from tui.ui.app import ReportsApp
from tui.ui.widgets.report_view import ReportView
from uiutil import ready, settled

FIXTURE = DATA / "markdown_features.md"
READING = DATA / "reading_features.md"


def fixture_app(fixture=FIXTURE) -> ReportsApp:
    ns = argparse.Namespace(paths=[str(fixture)], compare=None, search=None, config=None, no_cache=True)
    return ReportsApp(ns, watch=False)


def at_line(marker: str, fixture=FIXTURE):
    line = next(i for i, ln in enumerate(fixture.read_text(encoding="utf-8").split("\n"), 1) if marker in ln)

    async def run_before(pilot) -> None:
        await ready(pilot)
        view = pilot.app.screen.query_one(ReportView)
        view.focus()
        await pilot.pause()
        view.scroll_to_line(line, center=False)
        await settled(pilot)

    return run_before


def test_markdown_view_80x24(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=(80, 24), run_before=at_line("【O1 业务服务】"))


def test_markdown_view_140x40(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=(140, 40), run_before=at_line("运行数据"))


def test_reading_view_80x24(snap_compare):
    assert snap_compare(fixture_app(READING), terminal_size=(80, 24), run_before=at_line("本周进展", READING))


def test_reading_view_160x48(snap_compare):
    assert snap_compare(fixture_app(READING), terminal_size=(160, 48), run_before=at_line("title:", READING))
