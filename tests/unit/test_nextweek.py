"""Next week's wording (`tui.model.nextweek`): titles moved on by one period in every label style, date
lines stamped again in their own format, figures marked for updating."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tui.model.nextweek import MARK, Step, mark_figures, mark_status, restamp, shift_title, title_shape
from tui.model.parse import parse_report

WEEK, TWO_WEEKS, MONTH, QUARTER = Step(7), Step(14), Step(months=1), Step(months=3)

# (title, step, the period's first day, the next title)
TITLES = [
    ("2024-W23", WEEK, date(2024, 6, 3), "2024-W24"),
    ("2024-w26", WEEK, date(2024, 7, 15), "2024-w27"),
    ("2024-W52", WEEK, date(2024, 12, 23), "2025-W01"),
    ("2024W9", WEEK, date(2024, 2, 26), "2024W10"),
    ("第53周", WEEK, date(2023, 12, 25), "第54周"),
    ("第46周 2023-11-13", WEEK, date(2023, 11, 13), "第47周 2023-11-20"),
    ("2024年第28周", WEEK, date(2024, 7, 8), "2024年第29周"),
    ("Week 34, 2024", WEEK, date(2024, 8, 19), "Week 35, 2024"),
    ("周报 2023/11/27", WEEK, date(2023, 11, 27), "周报 2023/12/04"),
    ("周报 2024年7月29日", WEEK, date(2024, 7, 29), "周报 2024年8月5日"),
    ("周报 2024年12月30日", WEEK, date(2024, 12, 30), "周报 2025年1月6日"),
    ("Weekly, May 24, 2024", WEEK, date(2024, 5, 20), "Weekly, May 31, 2024"),
    ("周报 2024.07.29-2024.08.02", WEEK, date(2024, 7, 29), "周报 2024.08.05-2024.08.09"),
    ("2023.10.10~2023.10.24", TWO_WEEKS, date(2023, 10, 10), "2023.10.24~2023.11.07"),
    ("2024_12.13-2024_12.20", WEEK, date(2024, 12, 13), "2024_12.20-2024_12.27"),
    ("May 22 ~ June 05, 2017", TWO_WEEKS, date(2017, 5, 22), "June 05 ~ June 19, 2017"),
    ("Aug 22 - 28, 2016", WEEK, date(2016, 8, 22), "Aug 29 - Sep 4, 2016"),
    ("15 - 21 August 2016", TWO_WEEKS, date(2016, 8, 15), "29 August - 4 September 2016"),
    ("Dec 26th - Jan 1st, 2017", WEEK, date(2016, 12, 26), "Jan 2nd - Jan 8th, 2017"),
    ("2024年7月22日—26日", WEEK, date(2024, 7, 22), "2024年7月29日—8月2日"),
    ("May 2020", MONTH, date(2020, 5, 1), "June 2020"),
    ("Dec 2020 report", MONTH, date(2020, 12, 1), "Jan 2021 report"),
    ("2025 年 6 月", MONTH, date(2025, 6, 1), "2025 年 7 月"),
    ("2024Q2 季报", QUARTER, date(2024, 4, 1), "2024Q3 季报"),
    ("2024 年第四季度", QUARTER, date(2024, 10, 1), "2025 年第一季度"),
    ("PLCT 开源进展·第 65 期·2025 年 1 月 1 日（2024年12月产出汇总）", MONTH, date(2024, 12, 1),
     "PLCT 开源进展·第 66 期·2025 年 2 月 1 日（2025年1月产出汇总）"),
    ("This Month in PLCT: Issue 41 (January 1, 2023)", MONTH, date(2022, 12, 26),
     "This Month in PLCT: Issue 42 (February 1, 2023)"),
    ("This Week in Rust 353", WEEK, date(2020, 8, 24), "This Week in Rust 354"),
    ("简报 第一期", WEEK, None, "简报 第二期"),
    ("简报 第 09 期", WEEK, None, "简报 第 10 期"),
    ("周报 2024-06-28（6月）", WEEK, date(2024, 6, 24), "周报 2024-07-05（7月）"),
    ("２０２４年第２８周", WEEK, date(2024, 7, 8), "２０２４年第２９周"),
    ("Weekly report", WEEK, date(2024, 7, 8), "Weekly report"),
    ("[bold]周报[/] 2024-W23", WEEK, date(2024, 6, 3), "[bold]周报[/] 2024-W24"),
]


@pytest.mark.parametrize("title,step,start,expected", TITLES, ids=[t[0] for t in TITLES])
def test_a_title_moves_on_by_one_period_in_its_own_style(title, step, start, expected):
    assert shift_title(title, step, start) == expected


@pytest.mark.parametrize("title,step,start,expected", [t for t in TITLES if t[2] is not None and t[0] != t[3]],
                         ids=[t[0] for t in TITLES if t[2] is not None and t[0] != t[3]])
def test_the_parser_reads_the_moved_title_as_a_later_period(title, step, start, expected):
    before = parse_report(f"# {title}\n")
    after = parse_report(f"# {expected}\n")
    if before.week is not None:
        assert after.week is not None and after.week > before.week
        assert after.period == before.period


STAMPS = [
    ("2024年6月4日 15:34", "2024年6月11日 09:05"),
    ("2024年4月27日 09:28", "2024年6月11日 09:05"),
    ("April 27, 2024 9:28 AM", "June 11, 2024 9:05 AM"),
    ("May 24, 2024 5:00 PM", "June 11, 2024 9:05 AM"),
    ("2024-05-17", "2024-06-11"),
    ("2024/05/07 18:00", "2024/06/11 09:05"),
    ("Friday, 2024-05-17", "Friday, 2024-06-11"),
]


@pytest.mark.parametrize("written,expected", STAMPS)
def test_a_date_line_is_stamped_again_in_its_own_format(written, expected):
    assert restamp(written, datetime(2024, 6, 11, 9, 5)) == expected


def test_an_afternoon_in_a_12_hour_format_and_a_line_with_no_date():
    assert restamp("April 27, 2024 9:28 AM", datetime(2024, 12, 1, 21, 7)) == "December 1, 2024 9:07 PM"
    assert restamp("无", datetime(2024, 6, 11)) is None


def test_progress_figures_are_marked_where_they_stand():
    text, n = mark_figures("新银当量：整体研发进度30%，农行通道开发进度80%。")
    assert text == f"新银当量：整体研发进度30% {MARK}%，农行通道开发进度80% {MARK}%。" and n == 2
    assert progress_kept(text) == [30.0, 80.0]


def progress_kept(text: str) -> list[float]:
    from tui.model.projects import progress_of

    return progress_of(text)


def test_kpi_values_are_marked_with_their_unit_and_read_back_unchanged():
    text, n = mark_figures("出金有效成功率：99.962% ，一次支付成功率：99.2826%",
                           [("出金有效成功率:99.962%", 99.962, "%"), ("一次支付成功率:99.2826%", 99.2826, "%")])
    assert text == f"出金有效成功率：99.962% {MARK}% ，一次支付成功率：99.2826% {MARK}%" and n == 2
    text, _ = mark_figures("事故数AB级0次，C级0.5次，D级0次", [("AB级0次", 0, "次"), ("C级0.5次，D级0次", 0.5, "次")])
    assert text == f"事故数AB级0次 {MARK}次，C级0.5次 {MARK}次，D级0次 {MARK}次"
    text, _ = mark_figures("入金有效成功率：９９.９８７％", [("入金有效成功率:99.987%", 99.987, "%")])
    assert text == f"入金有效成功率：９９.９８７％ {MARK}%"  # (full-width digits stay as written)
    text, _ = mark_figures("P99 latency: 120ms", [("P99 latency: 120ms", 120, "ms")])
    assert text == f"P99 latency: 120ms {MARK}ms"


def test_a_status_line_without_figures_ends_in_the_marker():
    assert mark_status("贝易转2.0版本需求总体方案确定，下周评审") == f"贝易转2.0版本需求总体方案确定，下周评审 {MARK}"
    assert mark_status("测试进度为20%。") == f"测试进度为20% {MARK}%。"


def test_a_series_shares_one_title_shape():
    assert title_shape("PLCT开源进展·第16期·2021年01月01日") == title_shape("PLCT 开源进展·第 43 期·2023 年 3 月 1 日")
    assert title_shape("This Month in PLCT: Issue 41 (January 1, 2023)") == \
        title_shape("This Month in PLCT: Issue 42 (February 1, 2023)")
    assert title_shape("2024-W23") != title_shape("第53周")


def test_an_english_progress_figure_is_marked_too():
    assert mark_figures("【Ledger】migration step 3, progress 60%")[0] == f"【Ledger】migration step 3, progress 60% {MARK}%"
    assert mark_figures("Progress: 45.5% so far")[0] == f"Progress: 45.5% {MARK}% so far"
