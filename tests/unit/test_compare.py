"""Comparing two weeks: section and item alignment, character diff, KPI deltas, `reports-tui diff`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.cli.diff import render_plain
from tui.index.compare import char_diff, compare, compare_reports, text_diff
from tui.index.load import load_library
from tui.model import parse_report

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def lib():
    return load_library([str(SEEDS)])


@pytest.fixture(scope="module")
def w23_w26(lib):
    return compare(lib, lib.find("2024-W23"), lib.find("2024-w26"))


def rep(text: str):
    return parse_report(text)


# ── alignment on the seeds ─────────────────────────────────────────────────────────────────


def test_okr_and_kpi_sections_aligned(w23_w26):
    for key in ("O1", "O2", "O3", "O4"):
        s = w23_w26.section(key)
        assert s is not None and s.a is not None and s.b is not None, key
        assert s.a.okr == s.b.okr == key
    kpi = w23_w26.section("系统运行数据")
    assert kpi.a is not None and kpi.b is not None
    # Every section of either week appears exactly once.
    a_secs = [s.a for s in w23_w26.sections if s.a]
    b_secs = [s.b for s in w23_w26.sections if s.b]
    assert len(a_secs) == len(w23_w26.a.sections) and len(b_secs) == len(w23_w26.b.sections)


def test_focus_project_paired_as_changed(w23_w26):
    focus = w23_w26.section("重点工作")
    row = next(i for i in focus.items if i.key == "贝易转")
    assert row.status == "changed"
    assert row.a_text.startswith("【贝易转】") and row.b_text.startswith("【贝易转】")
    assert row.a_spans and row.b_spans


def test_okr_topic_renamed_with_suffix_is_paired(w23_w26):
    o2 = w23_w26.section("O2")
    row = next(i for i in o2.items if i.a and i.a.text.startswith("实时数仓项目"))
    assert row.status == "changed" and row.b.text.startswith("实时数仓：")
    # Only the dropped 项目 and the appended clause are highlighted.
    assert [row.a_text[s:e] for s, e in row.a_spans] == ["项目"]
    assert [row.b_text[s:e] for s, e in row.b_spans] == ["，预计投产时间8月15日，刷数总体进度95%"]


def test_item_moved_between_sections_is_noted(w23_w26):
    removed = next(i for s in w23_w26.sections for i in s.items if i.status == "removed" and i.key == "装修存管")
    added = next(i for s in w23_w26.sections for i in s.items if i.status == "added" and i.key == "装修存管")
    assert removed.moved == "【O1 业务服务】"
    assert added.moved == "重点工作"


def test_kpi_delta_and_direction(w23_w26):
    k = w23_w26.kpi("入金有效成功率")
    assert (k.a, k.b, k.delta, k.verdict) == (99.987, 99.955, -0.032, "worse")
    assert w23_w26.kpi("生产事件数").verdict == "better"  # fewer incidents is good
    assert w23_w26.kpi("出金有效成功率").verdict == "better"


def test_kpi_only_in_one_week_has_no_delta(lib):
    c = compare(lib, lib.find("第53周"), lib.find("2024-W18"))
    k = c.kpi("不可用时间")
    assert k.a == 29.35 and k.b is None and k.delta is None and k.verdict == "n/a"


def test_incident_counts(w23_w26):
    assert (len(w23_w26.incidents_a), len(w23_w26.incidents_b)) == (11, 7)


def test_okr_sections_paired_by_code_despite_renames(lib):
    c = compare(lib, lib.find("第53周"), lib.find("2024-W18"))
    o1 = c.section("O1")
    assert (o1.a_title, o1.b_title) == ("【O1 服务业务】", "【O1 业务服务】")
    o2 = c.section("O2")
    assert (o2.a_title, o2.b_title) == ("【O2系统升级】", "【O2 能力升级】")
    assert c.section("O4").status == "added"
    # Explicit 【重点工作】 pairs with the implicit one.
    assert c.section("重点工作").a is not None and c.section("重点工作").b is not None


def test_report_with_itself_is_all_same(lib):
    r = lib.find("2024-W23")
    c = compare(lib, r, r)
    assert all(s.status == "same" for s in c.sections)
    assert c.counts()["changed"] == c.counts()["added"] == c.counts()["removed"] == 0
    assert all(k.delta == 0 for k in c.kpis)


def test_swapped_exchanges_sides(w23_w26):
    s = w23_w26.swapped()
    assert s.a is w23_w26.b and s.b is w23_w26.a
    assert s.kpi("入金有效成功率").delta == 0.032
    assert s.kpi("入金有效成功率").verdict == "better"


# ── alignment on small reports ─────────────────────────────────────────────────────────────

A = """# 2024-W10

## 【重点工作】

- 【贝易转（C转）】
    1. 系统研发：一期上线
- 【聚合支付】
    1. 汇报完成

## 【O1 服务业务】

- 资金安全，一期郑州开城
- 物保，平安存管支持物保金已提测
- 存管路由，一期测试30%

## 【其他】

1. 年度绩效

## 空的
"""

B = """# 2024-W11

## 【重点工作】

- 【聚合支付】
    1. 汇报完成
- 【贝易转】
    1. 系统研发：二期上线

## 【O1 业务服务】

- 存管路由专项：一期测试60%
- 资金安全，一期郑州开城
- 灵工项目，团队调整

## 空的
"""


def test_renamed_and_reordered_items():
    c = compare_reports(rep(A), rep(B))
    focus = c.section("重点工作")
    statuses = {(i.key, i.status) for i in focus.items}
    assert statuses == {("贝易转", "changed"), ("聚合支付", "same")}
    o1 = c.section("O1")
    by_key = {i.key: i for i in o1.items}
    assert by_key["资金安全"].status == "same"  # moved from first to second place: still the same
    assert by_key["存管路由"].status == "changed"  # 存管路由 ≡ 存管路由专项
    assert by_key["物保"].status == "removed" and by_key["物保"].b is None
    assert by_key["灵工"].status == "added" and by_key["灵工"].a is None


def test_missing_and_empty_sections():
    c = compare_reports(rep(A), rep(B))
    other = c.section("其他")
    assert other.status == "removed" and other.b is None and [i.status for i in other.items] == ["removed"]
    empty = c.section("空的")
    assert empty.status == "same" and empty.items == []
    back = compare_reports(rep(B), rep(A))
    assert back.section("其他").status == "added"
    # A week with no sections at all: everything of the other week is added.
    bare = compare_reports(rep("# 2024-W12\n\nnothing here\n"), rep(B))
    assert {s.status for s in bare.sections if s.key != "重点工作"} <= {"added"}


def test_different_okr_codes_never_pair():
    a = rep("# 2024-W10\n\n## 【O1 业务服务】\n\n- 物保，上线\n")
    b = rep("# 2024-W11\n\n## 【O2 业务服务】\n\n- 物保，上线\n")
    c = compare_reports(a, b)
    assert sorted(s.status for s in c.sections) == ["added", "removed"]


# ── character diff ─────────────────────────────────────────────────────────────────────────


def parts(text, spans):
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "a, b, ra, rb",
    [
        ("入金有效成功率：99.987%", "入金有效成功率：99.955%", ["87"], ["55"]),
        ("一期测试30%，预计5/14上线", "一期测试30%，预计5/14上线", [], []),
        ("", "新增", [], ["新增"]),
        ("删除", "", ["删除"], []),
        # A rewritten clause is one run, not one highlight per character.
        ("本周完成公户付款生产验证，投产前测试工作完成。", "本周完成对公收佣银行方案沟通，预计下周评审。",
         ["公户付款生产验证，投产前测试工作完成"], ["对公收佣银行方案沟通，预计下周评审"]),
    ],
)
def test_char_diff(a, b, ra, rb):
    sa, sb = char_diff(a, b)
    assert parts(a, sa) == ra and parts(b, sb) == rb


def test_char_diff_absorbs_short_islands():
    a, b = "甲乙丙丁戊己庚", "甲X丙Y戊Z庚"
    sa, sb = char_diff(a, b)
    assert parts(a, sa) == ["乙丙丁戊己"] and parts(b, sb) == ["X丙Y戊Z"]


def test_text_diff_lines_without_counterpart_are_whole():
    a = "【贝易转】\n  业务侧：省心租开发进度正常\n  银行侧：工行对接"
    b = "【贝易转】\n  业务侧：省心租开发进度延迟\n  完全不同的一行新内容"
    sa, sb = text_diff(a, b)
    assert parts(a, sa) == ["正常", "银行侧：工行对接"]
    assert parts(b, sb) == ["延迟", "完全不同的一行新内容"]  # indentation is never highlighted


# ── the command line ───────────────────────────────────────────────────────────────────────


def test_diff_plain_output(capsys):
    assert main(["diff", "2024-W23", "2024-w26", str(SEEDS), "--no-cache", "--side-by-side"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "入金有效成功率  99.987 → 99.955  (−0.032)" in out
    for title in ("【O1 业务服务】", "【O2 能力升级】", "【O3 平台治理】", "【O4 支付 × AI】", "【系统运行数据】"):
        assert re.search(rf"^~ ## {re.escape(title)}", out, re.M), title
    assert re.search(r"^~ 【贝易转】\s+│ 【贝易转】", out, re.M)


def test_diff_renamed_okr_section_plain(capsys):
    assert main(["diff", "第53周", "2024-W18", str(SEEDS), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "【O1 服务业务】  ≡  【O1 业务服务】" in out


def test_diff_unified_when_narrow(lib):
    c = compare(lib, lib.find("2024-W23"), lib.find("2024-w26"))
    out = render_plain(c, 80, colour=False)
    assert "│" not in out
    assert "- 实时数仓[-项目-]：进度98%" in out
    coloured = render_plain(c, 140, colour=True)
    assert "\x1b[" in coloured and "│" in coloured


def test_diff_json(capsys):
    assert main(["diff", "2024-W23", "2024-w26", str(SEEDS), "--json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"a", "b", "sections", "kpis"}
    assert data["a"]["label"] == "2024-W23" and data["b"]["week"] == "2024-W29"
    assert set(data["a"]) == {"path", "member", "author", "label", "week", "start", "end", "title", "warnings"}
    for s in data["sections"]:
        assert set(s) == {"key", "a_title", "b_title", "status", "items"}
        assert s["status"] in {"same", "changed", "added", "removed"}
        for i in s["items"]:
            assert set(i) == {"status", "a", "b"}
            assert (i["a"] is None) == (i["status"] == "added")
            assert (i["b"] is None) == (i["status"] == "removed")
    o1 = next(s for s in data["sections"] if s["key"] == "O1")
    assert o1["a_title"] == o1["b_title"] == "【O1 业务服务】"
    k = next(k for k in data["kpis"] if k["kpi"] == "入金有效成功率")
    assert k == {"kpi": "入金有效成功率", "a": 99.987, "b": 99.955, "delta": -0.032}
    focus = next(s for s in data["sections"] if s["key"] == "重点工作")
    assert any(i["status"] == "changed" and i["a"].startswith("【贝易转】") for i in focus["items"])


def test_diff_json_renamed_okr(capsys):
    assert main(["diff", "第53周", "2024-W18", str(SEEDS), "--json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    o1 = next(s for s in data["sections"] if s["key"] == "O1")
    assert (o1["a_title"], o1["b_title"], o1["status"]) == ("【O1 服务业务】", "【O1 业务服务】", "changed")


@pytest.mark.parametrize("week", ["2019-W01", "第99周"])
def test_diff_unknown_week_lists_candidates(capsys, week):
    assert main(["diff", week, "2024-W23", str(SEEDS), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "no report matches" in err and "2024-W23" in err and "第53周" in err


def test_diff_ambiguous_week_lists_candidates(capsys):
    # "2024" is in the labels of three seeds.
    assert main(["diff", "2024", "第53周", str(SEEDS), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "ambiguous" in err and "2024-W18" in err and "2024-w26" in err
