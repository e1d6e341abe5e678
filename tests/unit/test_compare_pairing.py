"""Compare shows what the report view shows, and pairs items as "changed" only when they are one item."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli.diff import render_plain
from tui.index.compare import compare, compare_reports, visible_text
from tui.index.load import load_library
from tui.model import parse_report

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize("text,expected", [
    ("接口文档：[贝易转接口说明](https://example.com/a?b=1 \"t\") 已更新", "接口文档：贝易转接口说明 已更新"),
    ("![image-20241204212515783](images/image-20241204212515783.png)", "▣ image-20241204212515783"),
    ("![](images/arch.png)", "▣ arch.png"),
    ("[![CI](badge.svg)](https://ci.example.com)", "▣ CI"),
    ("see <https://example.com/x> and [设计][design]", "see https://example.com/x and 设计"),
    ("## 风险 \\[高\\] **加粗** `code` ~~删~~", "## 风险 [高] 加粗 code 删"),
    ("plain 文本 with no syntax", "plain 文本 with no syntax"),
    ("讲义 [PPT](https://example.com/talk_(%E4%BA%8C)_notes.pptx) 已传", "讲义 PPT 已传"),
    ("![图](img/a_(1).png \"t\") 后文 (备注)", "▣ 图 后文 (备注)"),
    ("![](img/a_(1).png)", "▣ a_(1).png"),
    ("[a](x) 和 (括号) [b](y)", "a 和 (括号) b"),
])
def test_visible_text(text, expected):
    assert visible_text(text) == expected


def section_rows(a: str, b: str) -> list[tuple[str, str, str]]:
    ra = parse_report("# 2024-06-03\n\n## 本周\n\n" + a)
    rb = parse_report("# 2024-06-10\n\n## 本周\n\n" + b)
    c = compare_reports(ra, rb)
    return [(i.status, i.a_text, i.b_text) for s in c.sections for i in s.items]


def test_no_raw_link_syntax_in_either_column():
    rows = section_rows("- [Add HTTP API for settings](https://github.com/x/pull/1)\n",
                        "- [Add HTTP API for settings and themes](https://github.com/x/pull/2)\n")
    assert rows == [("changed", "Add HTTP API for settings", "Add HTTP API for settings and themes")]


def test_unrelated_items_are_a_removal_and_an_addition():
    rows = section_rows("- [Add HTTP API for settings](https://github.com/x/pull/1)\n",
                        "- [Collect query feedbacks](https://github.com/x/pull/2)\n")
    assert sorted(r[0] for r in rows) == ["added", "removed"]


def test_a_shared_topic_word_does_not_pair_different_entries():
    a = "- rust-analyzer: fix out-of-bounds panic in macros\n- rust-analyzer: speed up completions\n"
    b = "- rust-analyzer: keep the span for literals\n- rust-analyzer: support tab stops in snippets\n"
    assert sorted(r[0] for r in section_rows(a, b)) == ["added", "added", "removed", "removed"]


def test_the_same_kpi_or_topic_with_new_values_is_changed():
    rows = section_rows("- 年度可用性：100%\n- 交易路由：存管路由可视化开发100%，新增28城\n",
                        "- 年度可用性：99.998%\n- 交易路由：本周拓展至11城，累计16城\n")
    assert [r[0] for r in rows] == ["changed", "changed"]


def test_kpi_table_has_no_incidents_row_where_the_incident_kpi_says_it():
    lib = load_library([str(SEEDS)])
    c = compare(lib, lib.find("2024-W23"), lib.find("2024-w26"))
    k = c.kpi("生产事件数")
    assert (k.a, k.b) == (len(c.incidents_a), len(c.incidents_b)) == (11, 7)
    assert not c.incident_counts_shown
    out = render_plain(c, 120, colour=False)
    assert "生产事件数" in out and "incidents" not in out


def test_incidents_row_stays_when_the_kpi_does_not_count_both_weeks():
    ra = parse_report("# 2024-06-03\n\n## 生产事件\n\n- 6/3 10:00 监控发现 支付超时\n")
    rb = parse_report("# 2024-06-10\n\n## 本周\n\n- 无事件记录\n")  # no incident section: no 生产事件数
    c = compare_reports(ra, rb)
    assert c.kpi("生产事件数").b is None and len(c.incidents_b) == 0
    assert c.incident_counts_shown and "incidents  1 → 0" in render_plain(c, 120, colour=False)
