"""Any text, and any bytes, becomes a report or a recorded problem — never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model.load import load_bytes
from tui.model.parse import parse_report
from tui.model.report import Finding, Report, SourceRef

MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from([
            "# 2024-W18", "## 【O1 业务服务】", "## 【系统运行数据】", "## 【生产事件】", "### 【生产事件】",
            "- 【贝易转（C转）】", "    1. 银行合作：", "        - 收款行：进度80%", "- 入金有效成功率：99.997%",
            "- 事故数AB级0次，C级0.5次，D级0次", "Created: 2024年4月27日 09:28", "| 指标 | 本周 |", "|---|---|",
            "| 入金有效成功率 | 99.9% |", "```", "<!--", "-->", "", "    ", "4/22 10:36 监控发现 x", "第53周",
            "# 第47周 2023/11/13", "---", "Title: x", "Date: 2013-06-07 18:46", "\t- tab item", "1.", "-",
            "* * *", "　全角　", "[bold]x[/]", "\x1b]0;t\x07",
        ]),
        st.text(max_size=40),
    ),
    max_size=40,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_any_markdownish_text_parses(lines):
    report = parse_report("\n".join(lines), SourceRef("x.md"))
    assert isinstance(report, Report)
    for s in report.sections:
        assert s.line >= 1
    for k in report.kpis:
        assert isinstance(k.value, float)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_load(data):
    result = load_bytes(data, SourceRef("x.md"))
    assert isinstance(result, (Report, Finding))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_in_any_encoding(text):
    for enc in ("utf-8", "utf-16", "gb18030"):
        try:
            data = text.encode(enc)
        except UnicodeEncodeError:
            continue
        result = load_bytes(data, SourceRef("x.md"))
        assert isinstance(result, (Report, Finding))
        if isinstance(result, Report):
            assert "\x1b" not in result.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH, MARKDOWNISH, st.text(min_size=1, max_size=6))
def test_parse_index_search_and_compare_never_fail(lines_a, lines_b, query):
    """Random Markdown-ish reports go through the whole pipeline: library, search index, compare, JSON."""
    import json

    from tui.cli.diff import render_plain
    from tui.index.compare import compare_reports
    from tui.index.library import Library
    from tui.index.search.engine import SearchIndex

    a = parse_report("\n".join(lines_a), SourceRef("a.md"))
    b = parse_report("\n".join(lines_b), SourceRef("b.md"))
    lib = Library(reports=[a, b])
    lib.sort()
    result = SearchIndex(lib.reports).search(query, limit=20)
    for hit in result.hits:
        for start, end in hit.spans:
            assert 0 <= start <= end <= len(hit.text)
    comparison = compare_reports(a, b)
    json.dumps(comparison.to_json(), ensure_ascii=False)
    assert isinstance(render_plain(comparison, width=80, colour=False), str)
