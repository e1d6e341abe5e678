"""Next week's draft (`tui.index.draft`): the report after one, and that it reads back as the next week with
the same sections, open projects and KPI names — for every label style of SPEC §3.1, the seeds, the team
fixtures and the real corpora."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testpaths import CORPORA, DATA, SEEDS
from tui.index.draft import MARK, draft_report, next_step
from tui.index.load import load_library
from tui.model.nextweek import Step
from tui.model.parse import parse_report
from tui.model.projects import is_done
from tui.model.report import Report, SourceRef

LATER = datetime(2030, 1, 1, 9, 0)  # drafted long after: the stamp falls back into the next period

BODY = """
## 本周工作

- 【支付网关】联调完成，进度60%
    - 灰度方案评审中
    - 下一步：灰度发布
- 【旧系统下线】已完成
- 【对账平台】进度100%

## 【O1 业务服务】

1. 资金安全：单单群拓全国
2. 实时数仓：进度98%，历史数据刷数处理中
3. 年结保障安排完毕

## 系统运行数据

支付成功率：

- 入金有效成功率：99.95%
- 事故数AB级0次，CD级1次

| 指标 | 本周 | 上周 |
|---|---|---|
| 出金有效成功率 | 99.98% | 99.97% |

## 生产事件

- 6/3 10:20 监控发现，网关超时

## 下周计划

- 灰度发布
- 压测
"""

# (case, title, property lines, file name, the report's week, the draft's week, the draft's title)
STYLES = [
    ("iso label", "2024-W23", "Created: 2024年6月4日 15:34", "r.md", "2024-W23", "2024-W24", "2024-W24"),
    ("label behind Created", "2024-w26", "Created: 2024年7月20日 10:28", "r.md", "2024-W29", "2024-W30", "2024-w27"),
    ("label with a Chinese year", "2024年第28周", "", "r.md", "2024-W28", "2024-W29", "2024年第29周"),
    ("English label", "Week 34, 2024", "", "r.md", "2024-W34", "2024-W35", "Week 35, 2024"),
    ("label without a year", "第53周", "Created: 2023年12月29日 14:48", "r.md", "2023-W52", "2024-W01", "第54周"),
    ("title date", "周报 2023-11-13", "", "r.md", "2023-W46", "2023-W47", "周报 2023-11-20"),
    ("title date with slashes", "周报 2023/11/13", "", "r.md", "2023-W46", "2023-W47", "周报 2023/11/20"),
    ("Chinese title date", "周报 2024年7月29日", "", "r.md", "2024-W31", "2024-W32", "周报 2024年8月5日"),
    ("range", "周报 2024.07.29-2024.08.02", "", "r.md", "2024-W31", "2024-W32", "周报 2024.08.05-2024.08.09"),
    ("two-week range", "Sprint May 22 ~ June 05, 2017", "", "r.md", "2017-W21", "2017-W23",
     "Sprint June 05 ~ June 19, 2017"),
    ("range with underscores", "2024_12.13-2024_12.20", "", "r.md", "2024-W50", "2024-W51", "2024_12.20-2024_12.27"),
    ("month", "May 2020", "", "r.md", "2020-W18", "2020-W23", "June 2020"),
    ("quarter", "2024Q2 季报", "", "r.md", "2024-W14", "2024-W27", "2024Q3 季报"),
    ("Created in English", "Weekly report", "Created: April 27, 2024 9:28 AM\nCreated by: Dana",
     "r.md", "2024-W17", "2024-W18", "Weekly report"),
    ("Date line", "周报", "Date: 2024-05-17", "r.md", "2024-W20", "2024-W21", "周报"),
    ("file name date", "周报", "", "2024-07-26 周报.md", "2024-W30", "2024-W31", "周报"),
]


def make(title: str, props: str, name: str = "r.md") -> Report:
    text = f"# {title}\n\n{props}\n{BODY}" if props else f"# {title}\n{BODY}"
    return parse_report(text, SourceRef(name))


def read_back(text: str) -> Report:
    return parse_report(text, SourceRef("draft.md"))


@pytest.mark.parametrize("case,title,props,name,week,next_week,next_title", STYLES, ids=[s[0] for s in STYLES])
def test_every_label_style_drafts_the_next_period_and_reads_back(case, title, props, name, week, next_week,
                                                                 next_title):
    base = make(title, props, name)
    assert base.week == week
    draft = draft_report(base, [base], LATER)
    assert draft.title == next_title and draft.week == next_week
    back = read_back(draft.text)
    assert back.week == next_week, draft.text
    assert back.period == base.period
    assert back.title == next_title
    assert [s.key for s in back.sections] == [s.key for s in base.sections]
    assert {k.name for k in back.kpis} == {k.name for k in base.kpis}
    assert back.author == base.author
    assert len(back.warnings) <= len(base.warnings), back.warnings  # (a label behind its date stays so)


def test_yaml_front_matter_keeps_its_keys_and_moves_its_title_and_date():
    base = parse_report("---\ntitle: 实习周报 2024-W20\nauthor: 陈晨\ndate: 2024-05-17\n---\n" + BODY, SourceRef("r.md"))
    draft = draft_report(base, [base], datetime(2024, 5, 23, 18, 0))
    assert draft.text.startswith("---\ntitle: 实习周报 2024-W21\nauthor: 陈晨\ndate: 2024-05-23\n---\n")
    back = read_back(draft.text)
    assert (back.week, back.author, back.title) == ("2024-W21", "陈晨", "实习周报 2024-W21")


def test_numbered_issues_count_on():
    base = parse_report("# 简报 第 57 期\n" + BODY, SourceRef("r.md"))
    draft = draft_report(base, [base], LATER)
    assert draft.text.startswith("# 简报 第 58 期\n")
    assert read_back(draft.text).issue == 58
    rust = parse_report("Title: This Week in Rust 353\nNumber: 353\nDate: 2020-08-26\n\n## Updates\n\n- x\n",
                        SourceRef("r.md"))
    text = draft_report(rust, [rust], datetime(2020, 9, 2, 12, 0)).text
    assert text.startswith("Title: This Week in Rust 354\nNumber: 354\nDate: 2020-09-02\n")


def test_the_draft_holds_what_goes_on_and_leaves_out_what_is_over():
    base = make("2024-W23", "Created: 2024年6月4日 15:34\nCreated by: 张三\nTags: 周报")
    text = draft_report(base, [base], datetime(2024, 6, 11, 9, 5)).text
    lines = text.split("\n")
    assert lines[:6] == ["# 2024-W24", "", "Created: 2024年6月11日 09:05", "Created by: 张三", "Tags: 周报", ""]
    # last week's plans first in this week's work, then the open projects with their figures to update
    work = lines[lines.index("## 本周工作") + 2:]
    assert work[:5] == [f"- 灰度发布 {MARK}", f"- 压测 {MARK}", f"- 【支付网关】联调完成，进度60% {MARK}%",
                        f"    - 下一步：灰度发布 {MARK}", ""]
    assert "旧系统下线" not in text and "对账平台" not in text  # finished
    assert f"1. 资金安全：单单群拓全国 {MARK}" in lines
    assert f"2. 实时数仓：进度98% {MARK}%，历史数据刷数处理中" in lines
    assert f"3. 年结保障安排完毕：{MARK}" in lines  # (the topic stays the topic)
    assert f"- 入金有效成功率：99.95% {MARK}%" in lines and "支付成功率：" in lines
    assert f"- 事故数AB级0次 {MARK}次，CD级1次 {MARK}次" in lines
    assert f"| 出金有效成功率 | 99.98% {MARK}% | 99.97% |" in lines
    incidents = lines.index("## 生产事件")
    assert lines[incidents + 1:incidents + 3] == ["", "## 下周计划"]  # kept empty, like next week's plans
    back = read_back(text)
    assert back.incidents == [] and back.kpi("生产事件数").value == 0
    assert [p.key for p in back.projects] == ["支付网关", "资金安全", "实时数仓", "年结保障安排完毕"]
    assert back.plans == []


def test_a_draft_written_ahead_or_late_is_stamped_inside_its_period_and_on_time_with_today():
    base = make("2024-W23", "Created: 2024年6月4日 15:34")
    assert "Created: 2024年6月10日 16:00" in draft_report(base, [base], datetime(2024, 6, 7, 16, 0)).text
    assert "Created: 2024年6月12日 08:30" in draft_report(base, [base], datetime(2024, 6, 12, 8, 30)).text
    assert "Created: 2024年6月16日 08:30" in draft_report(base, [base], datetime(2024, 9, 1, 8, 30)).text


def test_an_implicit_focus_section_with_every_project_finished_gets_its_heading():
    base = parse_report("# 2024-W23\n\n- 【旧系统下线】已完成\n\n## 其他\n\n- x\n", SourceRef("r.md"))
    text = draft_report(base, [base], LATER).text
    assert "## 重点工作" in text
    assert [s.key for s in read_back(text).sections] == ["重点工作", "其他"]


def test_the_rhythm_of_a_series_sets_the_step():
    monthly = [parse_report(f"# PLCT开源进展·第{n}期·2021年{m:02d}月01日\n", SourceRef("r.md"))
               for n, m in ((18, 2), (19, 3), (20, 4))]
    assert next_step(monthly[-1], monthly) == Step(months=1)
    assert draft_report(monthly[-1], monthly, LATER).title == "PLCT开源进展·第21期·2021年05月01日"
    fortnightly = [parse_report(f"# 周报 2024-{m:02d}-{d:02d}\n", SourceRef("r.md")) for m, d in ((1, 1), (1, 15), (1, 29))]
    assert next_step(fortnightly[-1], fortnightly) == Step(14)
    assert next_step(parse_report("# This Month in PLCT: Issue 37 (September 1, 2022)\n"), []) == Step(months=1)
    # A week label is a week, whatever the gaps between the reports at hand
    labelled = [parse_report(f"# 2024-W{w}\n") for w in (17, 23, 29)]
    assert next_step(labelled[-1], labelled) == Step(7)


# -- the seeds, the team fixtures, the corpora ----------------------------------------------------

@pytest.fixture(scope="module")
def seeds():
    return load_library([str(SEEDS)])


def test_on_the_seeds_the_draft_after_the_newest_report_is_the_next_week(seeds):
    newest = seeds.newest()
    assert newest.week == "2024-W29"
    draft = draft_report(newest, seeds.reports, LATER)
    back = read_back(draft.text)
    assert draft.week == back.week == "2024-W30"
    assert back.title == "2024-w27"  # (the author's own numbering, one on)
    assert [s.key for s in back.sections] == [s.key for s in newest.sections]
    finished = {p.key for p in newest.projects if is_done(p)}
    assert finished == {"风控合规产品能力完善"}
    keys = {p.key for p in back.projects}
    assert {p.key for p in newest.projects if not is_done(p)} <= keys and not finished & keys
    assert "风控合规产品能力完善" not in draft.text
    assert {k.name for k in back.kpis} == {k.name for k in newest.kpis}
    assert back.incidents == []


def _round_trip(lib) -> list[str]:
    """What does not read back right, for every report of a library drafted over."""
    wrong = []
    for base in lib.reports:
        history = [r for r in lib.reports if r.author == base.author]
        draft = draft_report(base, history, LATER)
        back = read_back(draft.text)
        plans = {p.key for p in back.projects} - {p.key for p in base.projects}
        problems = [
            back.week != draft.week and f"week {back.week} != {draft.week}",
            base.week is not None and not (draft.week and draft.week > base.week) and f"{draft.week} not after {base.week}",
            [s.key for s in back.sections] != [s.key for s in base.sections] and "sections differ",
            not {p.key for p in base.projects if not is_done(p)} <= {p.key for p in back.projects} and "a project lost",
            {p.key for p in base.projects if is_done(p)} & {p.key for p in back.projects} - plans and "a finished one kept",
            {k.name for k in back.kpis} != {k.name for k in base.kpis} and "KPI names differ",
            base.author is not None and back.author not in (base.author, None) and "another author",
            ("\x1b" in draft.text or "\x9b" in draft.text) and "a terminal control in the draft",
        ]
        wrong += [f"{base.source.display}: {p}" for p in problems if p]
    return wrong


def test_every_seed_team_and_test_data_report_drafts_a_next_week_that_reads_back(seeds):
    assert _round_trip(seeds) == []
    data = load_library([str(DATA)])  # (the team fixtures, every encoding and hostile file among them)
    assert len(data.reports) > 40
    assert _round_trip(data) == []


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")
@pytest.mark.parametrize("name", ["plct-weekly", "this-week-in-rust"])
def test_every_corpus_report_drafts_a_next_week_that_reads_back(name):
    lib = load_library([str(CORPORA / name)])
    assert len(lib.reports) > 100
    assert _round_trip(lib) == []


MARKDOWNISH = st.lists(st.one_of(st.sampled_from([
    "# 2024-W18", "## 【O1 业务服务】", "## 【系统运行数据】", "## 【生产事件】", "# 下周工作及目标", "- 【贝易转】 进度80%",
    "    1. 银行合作：", "        - 收款行：进度100%", "- 入金有效成功率：99.997%", "- 事故数AB级0次，C级0.5次，D级0次",
    "Created: 2024年4月27日 09:28", "| 指标 | 本周 |", "|---|---|", "| 入金有效成功率 | 99.9% |", "```", "第53周",
    "# 第47周 2023/11/13", "---", "Title: x 12", "Date: 2013-06-07 18:46", "Setext", "=====", "1.", "-", "[bold]x[/]",
    "May 22 ~ June 05, 2017", "2024Q2", "> - 【引用】进度5%", "### 姓名", "张三",
]), st.text(max_size=30)), max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_any_report_drafts_without_an_error(lines):
    base = parse_report("\n".join(lines), SourceRef("x.md"))
    draft = draft_report(base, [base], LATER)
    assert draft.text.endswith("\n")
    read_back(draft.text)


def test_a_head_without_a_title_line_or_date_gets_what_reads_back():
    """A title from the file name becomes the draft's title line (after any front matter); a report dated
    by its file name alone gets a date line beside its title."""
    base = parse_report("---\nauthor: 陈晨\n---\n\n## 本周\n\n- 【网关】进度5%\n", SourceRef("2024-05-17 周报.md"))
    text = draft_report(base, [base], datetime(2024, 5, 23, 9, 0)).text
    assert text.startswith("---\nauthor: 陈晨\n---\n\n# 2024-05-24 周报\n\n## 本周\n")
    back = read_back(text)
    assert (back.week, back.author) == ("2024-W21", "陈晨")
    base = parse_report("Title: Notes\nCategory: x\n\n## 本周\n\n- 【网关】进度5%\n", SourceRef("2024-05-17 notes.md"))
    text = draft_report(base, [base], datetime(2024, 5, 23, 9, 0)).text
    assert text.startswith("Title: Notes\nDate: 2024-05-23\nCategory: x\n\n## 本周\n")
    assert read_back(text).week == "2024-W21"


def test_an_open_project_under_a_finished_one_keeps_its_place_and_ordered_lists_count_again():
    base = parse_report("# 2024-W23\n\n## 本周\n\n- 【大项目】进度100%\n    - 【子项目】进度40%\n"
                        "## 【O1 x】\n\n1. 甲：进度100%\n2. 乙：进度5%\n3. 丙：进度7%\n", SourceRef("r.md"))
    text = draft_report(base, [base], LATER).text
    assert f"- 【子项目】进度40% {MARK}%" in text.split("\n")
    assert f"1. 乙：进度5% {MARK}%\n2. 丙：进度7% {MARK}%" in text and "甲" not in text and "大项目" not in text


def test_a_kpi_table_marks_this_weeks_column_and_keeps_units_as_written():
    base = parse_report("# 2024-W23\n\n## 指标\n\n| 指标 | 上周 | 本周 |\n|---|---|---|\n| 成功率 | 99.9% | 99.9% |\n"
                        "| 耗时 | 10ms | 12ms |\n\n- Code reviews: 9\n- 金额：322元\n", SourceRef("r.md"))
    lines = draft_report(base, [base], LATER).text.split("\n")
    assert lines[4:8] == ["| 指标 | 上周 | 本周 |", "| --- | --- | --- |", f"| 成功率 | 99.9% | 99.9% {MARK}% |",
                          f"| 耗时 | 10ms | 12ms {MARK}ms |"]
    assert f"- Code reviews: 9 {MARK}" in lines and f"- 金额：322元 {MARK}元" in lines
