"""Plain terminal output: CJK widths and aligned tables, with or without colour."""

from __future__ import annotations

import pytest

from tui.cli.termout import Style, table, truncate, width


@pytest.mark.parametrize("text,cells", [
    ("abc", 3), ("贝易转", 6), ("２０２４", 8), ("e\u0301", 1), ("a\u200bb", 2), ("\x1b[33m!\x1b[0m", 1),
    ("【O1 业务服务】", 15), ("😀x", 3),
])
def test_width(text, cells):
    assert width(text) == cells


def test_truncate_by_cells():
    assert truncate("贝易转测试进度", 7) == "贝易转…"
    assert width(truncate("贝易转测试进度", 7)) <= 7


def test_table_aligns_cjk_and_coloured_cells():
    st = Style(True)
    out = table([["入金有效成功率", st("!", "yellow"), "1"], ["ab", "", "22"]], header=["kpi", "", "v"], right={2})
    lines = [line.replace("\x1b[33m", "").replace("\x1b[0m", "") for line in out.splitlines()]
    assert len({width(line) for line in lines}) == 1  # every row ends at the same column
