"""Periods (SPEC §3.1): ranges, months and quarters from titles, front matter and file names; warnings
that compare a publication date with the period; the order of numbered and undated reports; `lint`
findings and their line length; whole KPI names (SPEC §3.4)."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from testpaths import CORPORA
from tui.cli import main
from tui.index.formats import lint_line, lint_rows, week_caption, week_dates
from tui.index.library import Library
from tui.index.load import load_library
from tui.model import parse_report
from tui.model.report import Report, SourceRef
from tui.model.weeks import find_periods, issue_number

# --- one rule for every way of writing a period -----------------------------------------------------

PERIODS = [
    # case, file name, text, week, kind, start, end
    ("english range, one year at the end", "a.md", "# Weekly update (May 22 ~ June 05, 2017)\n",
     "2017-W21", "range", date(2017, 5, 22), date(2017, 6, 5)),
    ("dotted range in the title", "a.md", "# 周报 2024.07.29-2024.08.02\n",
     "2024-W31", "range", date(2024, 7, 29), date(2024, 8, 2)),
    ("tilde range in the file name", "2023.10.10~2023.10.24.md", "# 双周报\n",
     "2023-W41", "range", date(2023, 10, 10), date(2023, 10, 24)),
    ("range glued to a name in the file name", "xingmingyyj2023.10.10-2023.10.24.md", "# 双周报\n",
     "2023-W41", "range", date(2023, 10, 10), date(2023, 10, 24)),
    ("underscore-dot range in a bracketed file name", "[WeeklyReports]2024_12.13-2024_12.20.md", "- x\n",
     "2024-W50", "range", date(2024, 12, 13), date(2024, 12, 20)),
    ("leading underscore, range across months", "_2025_01.10-2025_02.16.md", "- x\n",
     "2025-W02", "range", date(2025, 1, 10), date(2025, 2, 16)),
    ("underscore-dot range with a tilde", "2025_04.07~2025_04.27.md", "- x\n",
     "2025-W15", "range", date(2025, 4, 7), date(2025, 4, 27)),
    ("chinese range, second end without year", "a.md", "# 2024年7月29日—8月2日 周报\n",
     "2024-W31", "range", date(2024, 7, 29), date(2024, 8, 2)),
    ("english range across new year", "a.md", "# Notes (Dec 28 ~ Jan 3, 2025)\n",
     "2024-W52", "range", date(2024, 12, 28), date(2025, 1, 3)),
    ("english month", "a.md", "# TiDB Monthly Update (May 2020)\n",
     "2020-W18", "month", date(2020, 5, 1), date(2020, 5, 31)),
    ("chinese month with spaces", "a.md", "# 月报 2025 年 6 月\n",
     "2025-W22", "month", date(2025, 6, 1), date(2025, 6, 30)),
    ("month in a file name", "monthly-0078-Jan-2026.md", "- x\n",
     "2026-W01", "month", date(2026, 1, 1), date(2026, 1, 31)),
    ("quarter", "a.md", "# OKR review 2024Q2\n",
     "2024-W14", "quarter", date(2024, 4, 1), date(2024, 6, 30)),
    ("chinese quarter", "a.md", "# 2024 年第二季度总结\n",
     "2024-W14", "quarter", date(2024, 4, 1), date(2024, 6, 30)),
    ("summary month beside a publication date", "a.md", "# 开源进展·第 65 期·2025 年 1 月 1 日（2024年12月产出汇总）\n",
     "2024-W48", "month", date(2024, 12, 1), date(2024, 12, 31)),
    ("month without a year takes it from the date", "a.md", "# 开源进展·2025 年 2 月 1 日（1月产出汇总）\n",
     "2025-W01", "month", date(2025, 1, 1), date(2025, 1, 31)),
    ("range in YAML front matter", "a.md", "---\ntitle: Sprint notes\ndate: 2024-07-29 ~ 2024-08-09\n---\n\n- x\n",
     "2024-W31", "range", date(2024, 7, 29), date(2024, 8, 9)),
    # a single date or a week label is a week, Monday to Sunday
    ("a date is its week", "a.md", "# 周报 2024-06-05\n",
     "2024-W23", "week", date(2024, 6, 3), date(2024, 6, 9)),
    ("a month holding the title's date is context", "a.md", "# 周报 2024-06-05（6月）\n",
     "2024-W23", "week", date(2024, 6, 3), date(2024, 6, 9)),
    ("a week label", "a.md", "# 2024年第28周\n",
     "2024-W28", "week", date(2024, 7, 8), date(2024, 7, 14)),
]


@pytest.mark.parametrize("case,name,text,week,kind,start,end", PERIODS, ids=[p[0] for p in PERIODS])
def test_period_is_filed_under_the_week_of_its_start(case, name, text, week, kind, start, end):
    r = parse_report(text, SourceRef(name))
    assert (r.week, r.period, r.start, r.end) == (week, kind, start, end)
    assert not [w for w in r.warnings if "undated" in w.message]


@pytest.mark.parametrize("text", ["2024-07-29 ~ 2024-07-29", "2024.01.01-2024.12.31", "v2024.1.2-3", "May 22 ~ 5"])
def test_not_a_period(text):
    assert [h for h in find_periods(text) if h.kind == "range"] == []


def test_period_dates_as_shown():
    def report(text: str, name: str = "a.md") -> Report:
        return parse_report(text, SourceRef(name))

    assert week_dates(report("# 双周报\n", "2023.10.10~2023.10.24.md")) == "2023-10-10 – 10-24"
    assert week_dates(report("# 双周报\n", "2023.10.10~2023.10.24.md"), short=True) == "10-10 – 10-24"
    assert week_dates(report("# x (Dec 28 ~ Jan 3, 2025)\n")) == "2024-12-28 – 2025-01-03"
    assert week_dates(report("# TiDB Monthly Update (May 2020)\n"), short=True) == "2020-05"
    assert week_dates(report("# 2024Q2\n")) == "2024-Q2"
    assert week_dates(report("# 2024-W23\n")) == "2024-06-03–06-09"  # a week as before
    assert week_caption(report("# TiDB Monthly Update (May 2020)\n")) == "TiDB Monthly Update (May 2020) [2020-W18] · 2020-05"
    assert week_dates(report("- x\n")) == "undated"


# --- warnings that mean something ---------------------------------------------------------------------

WARNINGS = [
    # case, file name, text, substrings the warnings must hold ([] = no warning)
    ("YAML date the Monday after a range", "a.md",
     "---\ntitle: Weekly update (August 15 ~ August 21, 2016)\ndate: 2016-08-22\n---\n\n- x\n", []),
    ("YAML date 10 days after the range", "a.md",
     "---\ntitle: Weekly update (August 15 ~ August 21, 2016)\ndate: 2016-08-31\n---\n\n- x\n", []),
    ("YAML date 11 days after the range names its source", "a.md",
     "---\ntitle: Weekly update (August 15 ~ August 21, 2016)\ndate: 2016-09-01\n---\n\n- x\n",
     ["front matter date 2016-09-01", "11 days after", "2016-08-15 – 08-21"]),
    ("Pelican Date before the range", "a.md",
     "Title: Weekly update (August 15 ~ August 21, 2016)\nDate: 2016-08-10\n\n- x\n", ["Date 2016-08-10", "before"]),
    ("Created within the month after a monthly report", "a.md",
     "# TiDB Monthly Update (May 2020)\n\nCreated: June 3, 2020 9:00 AM\n", []),
    ("publication date in the title after the month it sums up", "a.md",
     "# 开源进展·第 66 期·2025 年 2 月 1 日（1月产出汇总）\n", []),
    ("file name date inside the title's range", "2024-08-01 周报.md", "# 周报 2024.07.29-2024.08.02\n", []),
    ("file name range that starts elsewhere", "2024.09.02-2024.09.06.md", "# 周报 2024.07.29-2024.08.02\n",
     ["file name range 2024-09-02 – 09-06 starts in 2024-W36"]),
    ("label inside the range", "a.md", "# 2024-W32 (2024.07.29-2024.08.09)\n", []),
    ("label without a year inside the range", "a.md", "# 第32周 (2024.07.29-2024.08.09)\n", []),
    ("label without a year outside the range", "a.md", "# 第40周 (2024.07.29-2024.08.09)\n", ["第40周", "week 40"]),
    ("a label naming a week its year lacks", "a.md", "# 2023-W53\n\nCreated: 2023年12月29日 10:00\n",
     ["label 2023-W53 says week 53", "Created 2023-12-29 is in 2023-W52"]),
    # a single date keeps the exact week (SPEC §3.1's seeds): a Created line in another week disagrees
    ("a week and a Created line a week later", "a.md", "# 周报 2024-06-05\n\nCreated: 2024年6月12日 10:00\n",
     ["Created 2024-06-12 is in 2024-W24", "title date 2024-06-05"]),
]


@pytest.mark.parametrize("case,name,text,expected", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warnings(case, name, text, expected):
    r = parse_report(text, SourceRef(name))
    messages = " | ".join(w.message for w in r.warnings)
    if not expected:
        assert r.warnings == [], messages
    for fragment in expected:
        assert fragment in messages, (fragment, messages)
    assert "Created" not in messages or "Created" in text  # a warning names the source it compares


# --- order without dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,number", [
    ("PLCT 开源进展·第 57 期", 57), ("开源进展·第一期·2020年05月16日", 1), ("第十二期", 12), ("This Month in PLCT: Issue 37", 37),
    ("Newsletter #37", 37), ("issue-37.md", 37), ("Week4 notes", 4), ("第53周", 53), ("This Week in Rust 42", 42),
    ("The State of Rust 0.7", None), ("周报 2024", None), ("C# notes", None), ("notes", None),
])
def test_issue_numbers(text, number):
    assert issue_number(text) == number


def test_undated_reports_sort_by_number_then_in_natural_order(tmp_path):
    files = {
        "issue-10.md": "- ten\n", "issue-2.md": "- two\n", "issue-1.md": "- one\n",
        "c.md": "# 通讯 第 3 期\n\n- three\n", "d.md": "# Newsletter Issue 37\n", "e.md": "# Week4\n",
        "notes-a10.md": "- n\n", "notes-a9.md": "- n\n", "Notes-b.md": "- n\n",
        "dated.md": "# 2024-W10\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    lib = load_library([tmp_path])
    assert [r.source.name for r in lib.reports] == [
        "dated.md", "issue-1.md", "issue-2.md", "c.md", "e.md", "issue-10.md", "d.md",
        "notes-a9.md", "notes-a10.md", "Notes-b.md",
    ]


# --- lint: duplicates, one line each ------------------------------------------------------------------

def _report(name: str, week: str = "2024-W10", author: str | None = None, label: str = "") -> Report:
    r = parse_report(f"# {label or week}\n\n- x\n", SourceRef(name))
    r.author = author
    return r


def test_duplicates_are_per_author_period_language_and_issue():
    lib = Library(reports=[
        _report("a.md"), _report("b.md"), _report("c.md", author="张三"), _report("d.md", author="李四"),
        _report("2024-05.md", label="2024-W20"), _report("2024-05.en.md", label="2024-W20"),
        _report("x.md", label="2024-W30 Issue 41"), _report("y.md", label="2024-W30 Issue 42"),
        _report("p.md", author="张三", label="2024-W40"), _report("q.md", author="张三", label="2024-W40"),
    ])
    lib.sort()
    dups = [f for f in lib.lint() if "reports" in f.message]
    assert [(f.message, [s.name for s in f.related]) for f in dups] == [
        ("2 reports for 2024-W10", ["a.md", "b.md"]),  # no named author: one unnamed author
        ("2 reports by 张三 for 2024-W40", ["p.md", "q.md"]),
    ]


def test_duplicates_of_a_stated_period_name_the_period():
    lib = Library(reports=[parse_report("# 双周报\n", SourceRef(n)) for n in ("2023.10.10~2023.10.24.md", "b 2023.10.10-2023.10.24.md")])
    (f,) = lib.lint()
    assert f.message == "2 reports for 2023-10-10 – 10-24 (2023-W41)"


def test_one_finding_and_one_short_line_for_a_crowded_week():
    n = 20_000
    monday, sunday = date(2024, 3, 4), date(2024, 3, 10)
    reports = [Report(source=SourceRef(f"/reports/team/{'x' * 40}/r{i:05d}.md"), text="", title="", label="2024-W10",
                      week="2024-W10", start=monday, end=sunday, period="week") for i in range(n)]
    findings = Library(reports=reports).lint()
    assert len(findings) == 1
    (f,) = findings
    where, level, message = lint_line(f, 200)
    line = f"{where}: {level}: {message}"
    assert len(line) <= 200
    assert message.startswith(f"{n} reports for 2024-W10: r00000.md, r00001.md") and message.endswith("more")
    (row,) = lint_rows(findings)
    assert len(row["message"]) <= 200 and row["message"].endswith("more")  # --json: short …
    assert len(row["paths"]) == n and row["paths"][-1].endswith("r19999.md")  # … and every path in `paths`


def test_lint_line_keeps_every_kind_of_finding_short():
    long = parse_report("# 2024-W10\n\n# 第11周 " + "很长的标题" * 200 + "\n", SourceRef("/" + "deep/" * 60 + "a.md"))
    for f in long.warnings:
        f.source = long.source
        where, level, message = lint_line(f, 200)
        assert len(f"{where}: {level}: {message}") <= 200
        assert where.endswith("a.md:3") and message.endswith("…")


def test_lint_cli_lines_are_short_and_json_complete(tmp_path, capsys):
    for i in range(30):
        (tmp_path / f"report-with-a-rather-long-file-name-{i:02d}.md").write_text("# 2024-W10\n\n- x\n", encoding="utf-8")
    main(["lint", "--no-cache", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    where = f"{tmp_path / 'report-with-a-rather-long-file-name-00.md'}: "  # in a pipe: the whole path
    assert len(out) == 1 and out[0].startswith(where) and len(out[0]) - len(where) <= 200
    assert "30 reports for 2024-W10: report-with-a-rather-long-file-name-00.md, " in out[0] and out[0].endswith("more")
    main(["lint", "--json", "--no-cache", str(tmp_path)])
    (row,) = json.loads(capsys.readouterr().out)
    assert len(row["message"]) <= 200 and row["message"].endswith("more")
    assert row["paths"] == [str(tmp_path / f"report-with-a-rather-long-file-name-{i:02d}.md") for i in range(30)]


def test_weeks_cli_shows_periods(tmp_path, capsys):
    (tmp_path / "2023.10.10~2023.10.24.md").write_text("# 双周报\n", encoding="utf-8")
    (tmp_path / "may.md").write_text("# TiDB Monthly Update (May 2020)\n", encoding="utf-8")
    main(["weeks", "--no-cache", str(tmp_path)])
    out = capsys.readouterr().out
    assert "2020-W18  2020-05" in out and "2023-W41  10-10 – 10-24" in out
    main(["weeks", "--json", "--no-cache", str(tmp_path)])
    rows = json.loads(capsys.readouterr().out)
    assert [(r["week"], r["start"], r["end"]) for r in rows] == [
        ("2020-W18", "2020-05-01", "2020-05-31"), ("2023-W41", "2023-10-10", "2023-10-24")]


# --- KPI names ----------------------------------------------------------------------------------------

def _kpis(body: str) -> dict[str, float]:
    return {k.name: k.value for k in parse_report("# 2024-W10\n\n" + body, SourceRef("a.md")).kpis}


@pytest.mark.parametrize("body,expected", [
    ("## Metrics\n\n- Inbound success rate: 99.994%\n- Outbound success rate: 99.950%\n",
     {"Inbound success rate": 99.994, "Outbound success rate": 99.95}),
    ("## KPI\n\n- **Inbound success rate**: 99.9%, *Outbound* success rate: 99.8%\n",
     {"Inbound success rate": 99.9, "Outbound success rate": 99.8}),
    ("## Metrics\n\nInbound success rate 99.994% and Outbound success rate 99.9%\n",
     {"Inbound success rate": 99.994, "Outbound success rate": 99.9}),
    ("## Metrics\n\n- P99 latency (ms): 120\n- Error rate: 0.01%; p95 latency: 230ms\n",
     {"P99 latency (ms)": 120, "Error rate": 0.01, "p95 latency": 230}),
    ("## Metrics\n\n- Annual availability: 99.99%\n- Production incidents: 3\n- Effective inbound success rate: 99.9%\n",
     {"年度可用性": 99.99, "生产事件数": 3, "入金有效成功率": 99.9}),
    ("## 运行数据\n\n- 其中 账户已沉淀金额：128.8 待追回：193.2\n", {"账户已沉淀金额": 128.8, "待追回": 193.2}),
    ("## Metrics\n\n### Payments\n\n- success rate: 99.9%\n\n### Refunds\n\n- success rate: 98.5%\n",
     {"success rate": 99.9, "success rate (Refunds)": 98.5}),
    ("## Metrics\n\n- success rate: 99.9%\n- success rate: 99.9%\n- success rate: 97%\n",
     {"success rate": 99.9, "success rate (2)": 97}),
    ("## Metrics\n\n- " + "a very long sentence that happens to end with a colon " * 2 + ": 5\n", {}),
])
def test_kpi_names_are_whole_and_never_collapse(body, expected):
    assert _kpis(body) == pytest.approx(expected)


# --- the real archives ----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")
def test_numbered_issues_of_the_corpora_come_in_number_order(capsys):
    main(["weeks", "--json", "--no-cache", str(CORPORA)])
    rows = json.loads(capsys.readouterr().out)
    series: dict[str, list[int]] = {}
    for r in rows:
        n = issue_number(r["label"], os.path.basename(r["path"]))
        if n is not None:
            series.setdefault(os.path.relpath(r["path"], CORPORA).split(os.sep)[0], []).append(n)
    assert set(series) == {"plct-weekly", "this-week-in-rust"}
    for name, numbers in series.items():
        assert len(numbers) > 50, name
        assert numbers == sorted(numbers), name
