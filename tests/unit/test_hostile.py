"""Hostile and odd input at the model level: nothing crashes, hangs, or keeps control characters."""

from __future__ import annotations

import os
import re

import pytest

from testpaths import DATA
from tui.index.load import load_library
from tui.model import load_path
from tui.model.parse import parse_report
from tui.model.report import Finding, Report

HOSTILE = DATA / "hostile"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def every_string(report: Report):
    yield report.title
    yield report.label
    yield report.text
    for s in report.sections:
        yield s.title
        for i in s.all_items():
            yield i.text
    for p in report.projects:
        yield p.name
    for k in report.kpis:
        yield k.raw
    for w in report.warnings:
        yield w.message


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir()))
def test_hostile_files_have_no_control_characters(name):
    report = next(iter(load_path(HOSTILE / name)))
    assert isinstance(report, Report)
    for text in every_string(report):
        assert not CONTROL.search(text.replace("\n", "").replace("\t", "")), repr(text[:80])


def test_escape_sequences_gone_but_text_kept():
    report = next(iter(load_path(HOSTILE / "escapes.md")))
    assert report.title == "2024-W21 标题"
    assert report.sections[0].title == "【O1 业务服务】"
    assert report.week == "2024-W21"
    texts = [i.text for i in report.sections[0].all_items()]
    assert texts[0] == "清屏之后  光标"
    assert "反向" in texts[2] and "\u202e" not in texts[2]


def test_markup_is_plain_text_in_the_model():
    report = next(iter(load_path(HOSTILE / "markup.md")))
    assert report.title == "2024-W20 [bold red]标题[/]"
    assert report.projects[0].name == "贝易转[/]"
    assert report.kpi("入金有效成功率").value == 99.9


def test_deep_nesting_and_long_lines():
    deep = next(iter(load_path(HOSTILE / "deep_nesting.md")))
    items = list(deep.root.items[0].walk())
    assert len(items) == 40 and items[-1].depth == 39
    long = next(iter(load_path(HOSTILE / "long_line.md")))
    assert len(long.root.items[0].text) == 50000


@pytest.mark.slow
def test_five_megabyte_report_and_ten_thousand_headings():
    big = "# 2024-W10\n\n" + "".join(f"## 【O{i % 9 + 1} 段落{i}】\n\n- 项目{i}：进度{i % 100}%\n    - 细节\n" for i in range(80000))
    assert len(big.encode()) > 5_000_000
    report = parse_report(big)
    assert len(report.sections) == 80000
    assert report.projects[-1].progress == [float(79999 % 100)]


def test_thousands_of_nesting_levels_do_not_recurse():
    text = "# t\n\n" + "\n".join("  " * i + f"- {i}" for i in range(5000))
    report = parse_report(text)
    assert sum(1 for _ in report.root.items[0].walk()) == 5000


def test_tabs_nbsp_zero_width():
    report = parse_report("# t\n\n-\t【项目\u00a0甲】进度\u200b50%\n\t- 子项\n")
    top = report.sections[0].items[0]  # a bracketed item under the title: the implicit 重点工作
    assert top.children[0].text == "子项"
    assert report.projects[0].key == "项目甲"
    assert report.projects[0].progress == [50.0]


def test_fifo_is_a_problem_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (tmp_path / "ok.md").write_text("# 2024-W01\n\n- x\n", encoding="utf-8")
    lib = load_library([tmp_path])
    assert [r.week for r in lib.reports] == ["2024-W01"]
    assert [p.message for p in lib.problems] == ["not a regular file (a FIFO)"]


def test_file_that_disappears_is_a_problem(tmp_path, monkeypatch):
    from tui.model import source

    gone = tmp_path / "gone.md"
    gone.write_text("# x", encoding="utf-8")
    real_scan = source.scan

    def scan_then_delete(paths):
        for c in real_scan(paths):
            os.unlink(c.path)
            yield c

    monkeypatch.setattr(source, "scan", scan_then_delete)
    results = list(source.read_sources([tmp_path]))
    assert len(results) == 1 and isinstance(results[0], Finding)
    assert "cannot read" in results[0].message


def test_folder_with_no_reports(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    lib = load_library([tmp_path])
    assert lib.reports == [] and lib.problems == []
