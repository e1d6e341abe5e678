"""Two rules several features share: the weeks a report's period covers (team week, roster, `AUTHOR@WEEK`)
and whether a project is finished (the digest's `done`, the draft leaving finished work out)."""

from __future__ import annotations

import pytest

from tui.model import parse_report
from tui.model.projects import is_done, says_done
from tui.model.report import SourceRef

COVERED = [
    # case, file name, text, weeks covered
    ("one ISO week", "a.md", "# 2024-W23\n", ["2024-W23"]),
    ("a two-week range", "[WeeklyReport]2024.03.23~2024.04.05.md", "- x\n",
     ["2024-W12", "2024-W13", "2024-W14"]),
    ("a range inside one week", "a.md", "# 周报 2024.07.29-2024.08.02\n", ["2024-W31"]),
    ("a month", "a.md", "# Monthly update (May 2020)\n",
     ["2020-W18", "2020-W19", "2020-W20", "2020-W21", "2020-W22"]),
    ("across the new year", "a.md", "# Notes (Dec 28 ~ Jan 3, 2025)\n", ["2024-W52", "2025-W01"]),
    ("undated", "notes.md", "# notes\n\n- nothing dated\n", []),
]


@pytest.mark.parametrize("case,name,text,weeks", COVERED, ids=[c[0] for c in COVERED])
def test_a_report_covers_every_week_of_its_period(case, name, text, weeks):
    report = parse_report(text, SourceRef(name))
    assert report.covered_weeks == weeks
    if weeks:
        assert report.covered_weeks[0] == report.week  # filed under its first week


DONE_TEXT = [
    ("已完成", True),
    ("已全部完成上线", True),
    ("已上线", True),
    ("The migration is done.", True),
    ("shipped v2 to every region", True),
    ("本周完成联调", False),  # finished a step, not the project
    ("全量上线准备，进度40%", False),  # the launch being prepared
    ("not done yet", False),
    ("has not been shipped", False),
    ("undone work", False),
    ("尚未完成", False),
]


@pytest.mark.parametrize("text,done", DONE_TEXT, ids=[t for t, _ in DONE_TEXT])
def test_finished_words(text, done):
    assert says_done(text) is done


def _projects(body: str):
    report = parse_report(f"# 2024-W23\n\n## 重点工作\n\n{body}", SourceRef("a.md"))
    return {p.name: p for p in report.projects}


def test_a_project_is_done_at_100_percent_or_by_its_words_without_a_figure():
    projects = _projects(
        "- 【贝易转】进度100%\n"
        "- 【实时数仓】已上线，进度80%\n"  # a stated figure below 100 % is never done
        "- 【对公收佣】已完成\n"
        "- 【POS】\n    - 已全部完成\n"  # the item is only its name: the line under it says
        "- 【存管】银行方案沟通中\n    - 联调已完成\n"  # its own line gives the status: a step finished
        "- 【清结算】本周完成联调\n"
    )
    assert {name: is_done(p) for name, p in projects.items()} == {
        "贝易转": True, "实时数仓": False, "对公收佣": True, "POS": True, "存管": False, "清结算": False,
    }


def test_the_finished_words_come_from_the_caller():
    projects = _projects("- 【贝易转】结项\n")
    assert not is_done(projects["贝易转"])
    assert is_done(projects["贝易转"], words=("结项",))


def test_a_nested_project_s_figure_is_its_own_not_the_outer_project_s():
    projects = _projects("- 【大项目】已全部完成\n    - 【子项目】进度40%\n    - 收尾，进度100%\n")
    assert projects["大项目"].progress == [100.0]
    assert is_done(projects["大项目"])
    assert projects["子项目"].progress == [40.0]
    assert not is_done(projects["子项目"])
