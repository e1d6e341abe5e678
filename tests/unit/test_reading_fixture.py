"""tests/data/reading_features.md (front matter, inline and block HTML, a task list, strikethrough,
footnotes, a table, a CJK paragraph wrapped in the source, a long Latin identifier inside CJK text) as
the model and the command line read it: its front matter feeds the report, its task items are projects,
and every cell of its table is found by `reports-tui search`, on the line it is on."""

from __future__ import annotations

import json

import pytest

from testpaths import DATA
from tui.cli import main
from tui.index.search.records import doc_record
from tui.model.frontmatter import front_matter_end, front_matter_fields
from tui.model.parse import parse_report

FIXTURE = DATA / "reading_features.md"
TEXT = FIXTURE.read_text(encoding="utf-8")
LINES = TEXT.split("\n")


def line_of(text: str) -> int:
    return next(i for i, ln in enumerate(LINES, 1) if text in ln)


def test_front_matter_feeds_the_report():
    report = parse_report(TEXT)
    assert (report.title, report.week, report.author) == ("2024-W36 清结算组周报", "2024-W36", "周清和")
    assert front_matter_end(LINES) == 7
    assert front_matter_fields(LINES) == {"title": "2024-W36 清结算组周报", "date": "2024-09-06", "author": "周清和",
                                          "tags": ["清结算", "weekly"], "summary": "对账平台灰度完成，退款链路改造进入联调。"}
    assert not any(s.line <= 7 for s in report.sections)


def test_task_items_are_projects_with_their_boxes():
    report = parse_report(TEXT)
    assert [p.name for p in report.projects] == ["对账平台", "退款链路"]
    items = report.sections[0].items
    assert [(i.text[:6], i.checked) for i in items[:3]] == [("【对账平台】", True), ("【退款链路】", False), ("值班手册补充", True)]


@pytest.mark.parametrize("value,expected", [
    ("title: '引号 里的标题'", {"title": "引号 里的标题"}),
    ("tags:\n  - 一\n  - two", {"tags": ["一", "two"]}),
    ("tags: []\nauthor: 张三", {"author": "张三"}),
    ("nested:\n  key: value\ntitle: t", {"title": "t"}),
    ("body: |\n  text\ntitle: t", {"title": "t"}),
    ("# a comment\nTitle: First\ntitle: second", {"title": "First"}),
])
def test_front_matter_fields(value, expected):
    assert front_matter_fields(["---", *value.split("\n"), "---", "text"]) == expected


def test_no_front_matter_without_a_closing_line_near_the_top():
    assert front_matter_end(["---", "title: x"]) == 0
    assert front_matter_end(["---", *["x: y"] * 250, "---"]) == 0
    assert front_matter_fields(["text", "---"]) == {}


def test_the_record_holds_every_table_row_header_first():
    ents = doc_record(parse_report(TEXT))[3]
    header, first_row = line_of("| 指标"), line_of("| 对账差错率")
    assert (header, "指标 | 本周 | 上周 | Settlement lag") in [(e[0], e[1]) for e in ents]
    assert first_row in [e[0] for e in ents]


@pytest.mark.parametrize("query,cell", [("settlement lag", "| 指标"), ("settle qps", "| Async settle qps"),
                                        ("对账差错率", "| 对账差错率")])
@pytest.mark.parametrize("cache", [False, True])
def test_search_finds_header_and_body_cells_on_their_line(capsys, tmp_path, monkeypatch, query, cell, cache):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    argv = ["search", query, str(FIXTURE), "--json"] + ([] if cache else ["--no-cache"])
    for _ in range(2 if cache else 1):  # with a cache: parsed, then answered from it
        assert main(argv) == 0
        hits = json.loads(capsys.readouterr().out)
        assert line_of(cell) in [h["line"] for h in hits], hits
