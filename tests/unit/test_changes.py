"""The change of each project against the author's previous reports (new, done, stalled, progress, same,
dropped) and KPI moves, one rule at a time on short reports."""

from __future__ import annotations

import pytest

from tui.index.changes import kpi_moves, project_changes
from tui.model import parse_report
from tui.model.projects import DONE_WORDS
from tui.model.report import SourceRef


def report(week: int, *items: str, kpis: str = "") -> object:
    body = "\n".join(f"- {i}" for i in items)
    extra = f"\n\n## 指标\n\n{kpis}\n" if kpis else ""
    return parse_report(f"# 周报 2024-W{week:02d}\n\n## 本周\n\n{body}{extra}\n", SourceRef(f"w{week}.md"))


def changes_of(*weeks: list[str], words=DONE_WORDS) -> dict[str, str]:
    reports = [report(20 + i, *items) for i, items in enumerate(weeks)]
    got = project_changes(reports[-1], reports[:-1], words)
    return {c.project.name: c.change for c in got.projects} | {d.project.name: "dropped" for d in got.dropped}


CASES = [
    # case, the author's reports oldest first (the last is the one classified), expected changes
    ("first report: everything is new", [["【A】进度10%", "【B】设计"]], {"A": "new", "B": "new"}),
    ("new beside old", [["【A】进度10%"], ["【A】进度20%", "【B】启动"]], {"A": "progress", "B": "new"}),
    ("figure reached 100", [["【A】进度90%"], ["【A】进度100%"]], {"A": "done"}),
    ("new and finished at once", [["【B】x"], ["【A】已上线"]], {"A": "done", "B": "dropped"}),
    ("a finished word, no figure", [["【A】开发中"], ["【A】已全部完成"]], {"A": "done"}),
    ("a finished word under the name", [["【A】开发中"], ["【A】\n    - 已上线"]], {"A": "done"}),
    ("a launch being prepared is no launch", [["【A】进度30%"], ["【A】全量上线准备，进度40%"]], {"A": "progress"}),
    ("a step finished is no project finished", [["【A】联调中"], ["【A】本周完成联调"]], {"A": "same"}),
    ("a figure below 100 beats a finished word", [["【A】进度60%"], ["【A】已完成一期，进度70%"]], {"A": "progress"}),
    ("not done", [["【A】开发中"], ["【A】not done yet"]], {"A": "same"}),
    ("two reports at one figure are not stalled", [["【A】进度30%"], ["【A】进度50%"], ["【A】进度50%"]],
     {"A": "same"}),
    ("three reports at one figure are", [["【A】进度50%"], ["【A】进度50%"], ["【A】进度50%"]], {"A": "stalled"}),
    ("a gap breaks the run", [["【A】进度50%"], ["【B】x"], ["【A】进度50%", "【B】x"], ["【A】进度50%", "【B】x"]],
     {"A": "same", "B": "same"}),
    ("a figure given up is no progress", [["【A】进度50%"], ["【A】推进中"]], {"A": "same"}),
    ("dropped unless it was done", [["【A】进度100%", "【B】进度40%", "【C】已上线"], ["【D】x"]],
     {"D": "new", "B": "dropped"}),
    ("the same project by another spelling", [["【贝易转（C转）】进度40%"], ["【贝易转】进度60%"]], {"贝易转": "progress"}),
]


@pytest.mark.parametrize("case,weeks,expected", CASES, ids=[c[0] for c in CASES])
def test_project_changes(case, weeks, expected):
    assert changes_of(*weeks) == expected


def test_more_done_words():
    assert changes_of(["【A】进行中"], ["【A】已归档"]) == {"A": "same"}
    assert changes_of(["【A】进行中"], ["【A】已归档"], words=DONE_WORDS + ("已归档",)) == {"A": "done"}


def test_a_project_written_twice_is_one():
    r = parse_report("# 周报 2024-W21\n\n## 重点工作\n\n- 【A】进度40%\n\n## 【O1 业务】\n\n- A：进度40%，联调\n",
                     SourceRef("w21.md"))
    got = project_changes(r, [])
    assert [(c.project.name, c.change) for c in got.projects] == [("A", "new")]
    assert len(got.projects[0].project.entries) == 2


def test_stalled_says_for_how_many_reports():
    reports = [report(20 + i, "【A】进度50%") for i in range(5)]
    got = project_changes(reports[-1], reports[:-1])
    assert (got.projects[0].change, got.projects[0].since, got.projects[0].figure) == ("stalled", 5, 50)


def test_kpi_moves_know_the_bad_way():
    a = report(20, "x", kpis="- 入金有效成功率：99.95%\n- CD级事故数：0次\n- 平均耗时：120")
    b = report(21, "x", kpis="- 入金有效成功率：99.90%\n- 平均耗时：100")
    c = report(22, "x", kpis="- 入金有效成功率：99.97%\n- CD级事故数：1次\n- 平均耗时：100\n- 新指标：5")
    got = {m.name: (m.value, m.previous, m.delta, m.bad) for m in kpi_moves(c, [a, b])}
    assert got == {
        "入金有效成功率": (99.97, 99.90, 0.07, False),
        "CD级事故数": (1, 0, 1, True),  # against the last report that had it (W20)
        "平均耗时": (100, 100, 0, False),
        "新指标": (5, None, None, False),
    }
    assert {m.name: m.bad for m in kpi_moves(b, [a])} == {"入金有效成功率": True, "平均耗时": False}
