"""A team's library: KPI series and changes per author, a team's week in one document, timelines
and JSON rows that say who wrote what; a one-person library unchanged."""

from __future__ import annotations

import pytest

from testpaths import DATA, SEEDS
from tui.index.formats import kpi_rows, week_caption, week_fields
from tui.index.library import EVERYONE
from tui.index.load import load_library
from tui.index.series import kpi_series
from tui.index.workspace import Workspace
from tui.model.vocab import Vocabulary

NOTION = DATA / "team" / "notion"
ALIASES = Vocabulary(author_aliases={"张三": ["zhangsan"]})

# What each author wrote (the fixture's numbers), week 20 to 23.
INBOUND = {
    "张三": [99.904, 99.905, 99.906, 99.905],
    "李四": [99.950, 99.955, 99.960, 99.958],
    "王五": [99.800, 99.820, 99.810, 99.830],
}


@pytest.fixture(scope="module")
def team():
    return Workspace(load_library([str(NOTION)], vocab=ALIASES))


def _series(ws: Workspace, author, name: str = "入金有效成功率"):
    return next(s for s in ws.kpi_series(author) if s.name == name)


@pytest.mark.parametrize("author", INBOUND)
def test_each_author_has_their_own_series(team, author):
    s = _series(team, author)
    assert s.values == INBOUND[author]
    assert {r.author for r in s.reports} == {author}


def test_a_change_is_against_the_same_authors_previous_report(team):
    r = team.library.find("张三@2024-W21")
    own = _series(team, team.author_of(r))
    mixed = _series(team, EVERYONE)  # every report in week order: 李四's 2024-W21 comes just before
    assert own.change(r) == pytest.approx(0.001)
    assert mixed.change(r) == pytest.approx(-0.05)  # what the panel showed before authors were known
    for author, values in INBOUND.items():
        s = _series(team, author)
        for i, rep in enumerate(s.reports):
            expected = None if i == 0 else round(values[i] - values[i - 1], 6)
            assert s.change(rep) == (pytest.approx(expected) if expected is not None else None)


def test_without_the_alias_a_second_spelling_is_another_author():
    ws = Workspace(load_library([str(NOTION)]))
    assert ws.authors() == ["李四", "张三", "王五", "zhangsan"]
    s = _series(ws, "张三")
    assert s.values == [99.904, 99.906, 99.905]  # W20, W22, W23: W21 was written as zhangsan
    w22 = ws.library.find("张三@2024-W22")
    assert s.change(w22) == pytest.approx(0.002)


def test_reports_of_and_author_of(team):
    assert team.is_team() and team.authors() == ["李四", "张三", "王五"]
    mine = team.reports_of("王五")
    assert [r.week for r in mine] == ["2024-W20", "2024-W21", "2024-W22", "2024-W23"]
    assert team.reports_of(EVERYONE) is team.library.reports
    assert team.author_of(mine[0]) == "王五"


def test_a_one_person_library_is_one_series():
    ws = Workspace(load_library([str(SEEDS)]))
    assert not ws.is_team()
    r = ws.library.reports[-1]
    assert ws.author_of(r) is EVERYONE
    assert ws.kpi_series(ws.author_of(r)) is ws.kpi_series()
    assert ws.kpi_series() == kpi_series(ws.library)
    assert ws.reports_of(ws.author_of(r)) is ws.library.reports


def test_a_folder_with_one_named_author_is_no_team(tmp_path):
    # Some reports carry `Created by:` and some do not: still one person, one series.
    for w in range(1, 5):
        by = "Created by: 张三\n" if w % 2 else ""
        (tmp_path / f"w{w}.md").write_text(f"# 周报 2024-W0{w}\n\n{by}\n## 指标\n\n- 成功率：9{w}%\n",
                                           encoding="utf-8")
    ws = Workspace(load_library([str(tmp_path)]))
    assert ws.authors() == ["张三"] and not ws.is_team()
    assert _series(ws, ws.author_of(ws.library.reports[1]), "成功率").values == [91, 92, 93, 94]


def test_team_week_joins_the_weeks_reports_under_their_authors(team):
    r = team.library.find("王五@2024-W22")
    tw = team.team_week(r)
    assert tw.week == "2024-W22" and [x.author for x in tw.reports] == ["李四", "张三", "王五"]
    doc = tw.report
    assert [s.title for s in doc.root.children] == ["李四", "张三", "王五"]
    for author_section in doc.root.children:
        assert [s.title for s in author_section.children] == ["本周工作", "系统运行数据", "生产事件", "下周计划"]
    assert tw.report_at(tw.starts[1] + 5).author == "张三"
    assert team.team_week(r) is tw  # computed once per library


def test_timelines_say_who_wrote_each_week(team):
    t = team.timeline("贝易转")
    assert t.authors == ["李四", "张三"]
    assert {(w.report.week, w.author) for w in t.weeks} >= {("2024-W20", "张三"), ("2024-W20", "李四")}
    info = next(p for p in team.projects() if p.key == t.key)
    assert info.authors == ["李四", "张三"]


def test_json_rows_name_the_author(team):
    r = team.library.find("张三@2024-W21")
    assert week_fields(r)["author"] == "张三"
    assert {row["author"] for row in kpi_rows([r])} == {"张三"}
    assert week_caption(r, author=True).startswith("张三 · 周报 2024-W21")
    assert not week_caption(r).startswith("张三")
