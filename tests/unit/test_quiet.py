"""Quiet where there is nothing to say: a numbered issue without a date is no warning (SPEC §2), the
undated warning is one short line, and a comparison of weeks without KPIs has no KPI rows."""

from __future__ import annotations

import json

import pytest

from tui.cli import main
from tui.cli.diff import render_plain
from tui.index.compare import compare_reports
from tui.model import parse_report
from tui.model.report import SourceRef

NEWSLETTER_ISSUES = 40


@pytest.fixture
def newsletter(tmp_path):
    """A numbered newsletter without a date anywhere: titles `某某周刊（第 N 期）：…`, files issue-N.md."""
    folder = tmp_path / "weekly" / "docs"
    folder.mkdir(parents=True)
    for n in range(1, NEWSLETTER_ISSUES + 1):
        (folder / f"issue-{n}.md").write_text(
            f"# 技术周刊（第 {n} 期）：话题 {n}\n\n这里记录每周值得分享的内容。\n\n## 文章\n\n"
            f"- [一篇文章 {n}](https://example.org/{n})：介绍\n- 工具 {n}\n", encoding="utf-8")
    return tmp_path / "weekly"


def warnings_of(text: str, name: str) -> list[str]:
    return [w.message for w in parse_report(text, SourceRef(f"/r/{name}")).warnings]


@pytest.mark.parametrize("text, name", [
    ("# 技术周刊（第 407 期）：标题\n\n- x\n", "407.md"),
    ("# This Month in PLCT: Issue 37\n\n- x\n", "notes.md"),
    ("# Newsletter #12\n\n- x\n", "n.md"),
    ("# This Week in Rust 42\n\n- x\n", "twir.md"),
    ("- no title at all\n", "issue-9.md"),
])
def test_a_numbered_issue_without_a_date_is_no_warning(text, name):
    assert warnings_of(text, name) == []


@pytest.mark.parametrize("text, name", [
    ("# 随手记\n\n- 没有日期\n", "notes.md"),
    ("# 第53周\n\n- 哪一年？\n", "w.md"),  # a week number without a year does not date a report
    ("# Week4 notes\n\n- which year?\n", "w4.md"),
])
def test_an_undated_report_is_one_short_warning(text, name):
    assert warnings_of(text, name) == ["undated: no date found"]


def test_lint_on_a_numbered_newsletter_gives_no_warning_per_issue(newsletter, tmp_path, capsys):
    (newsletter / "notes.md").write_text("# 随手记\n\n- 没有日期\n", encoding="utf-8")
    assert main(["lint", str(newsletter), "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{newsletter / 'notes.md'}: warning: undated: no date found"]
    assert f"{NEWSLETTER_ISSUES + 1} reports, 0 problems, 1 warning" in err
    main(["weeks", "--json", str(newsletter), "--no-cache"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["label"][:11] for r in rows[:2]] == ["技术周刊（第 1 期）", "技术周刊（第 2 期）"]  # by number
    assert all(r["warnings"] == [] for r in rows if "周刊" in r["label"])


def test_diff_of_weeks_without_kpis_has_no_kpi_rows(newsletter, capsys):
    assert main(["diff", "技术周刊（第 7 期）：话题 7", "技术周刊（第 8 期）：话题 8", str(newsletter), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "KPI" not in out and "incidents" not in out and "0 → 0" not in out
    head = out.splitlines()
    assert head[3] == "" and head[4].startswith("~ ## 文章")  # the sections follow the counts at once


def test_an_incident_section_on_one_side_keeps_the_incidents_row():
    a = parse_report("# 2024-06-03\n\n## 本周\n\n- 上线\n")
    b = parse_report("# 2024-06-10\n\n## 本周\n\n- 上线\n")
    quiet = compare_reports(a, b)
    assert not quiet.kpi_rows_shown and "incidents" not in render_plain(quiet, 120, colour=False)
    c = parse_report("# 2024-06-10\n\n## 线上事故\n\n- 6/11 10:00 监控发现 支付超时\n")
    loud = compare_reports(a, c)
    assert loud.kpi_rows_shown and "生产事件数" in render_plain(loud, 120, colour=False)
