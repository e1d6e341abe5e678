"""The CJK line breaker against hand-made expectations."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from tui.ui.linebreak import CLOSING, _can_break_before, break_lines, break_ranges


def lines(text: str, width: int) -> list[str]:
    return [text[s:e] for s, e in break_ranges(text, width)]


@pytest.mark.parametrize("text,width,expected", [
    ("一二三四五六", 4, ["一二", "三四", "五六"]),  # between any two CJK characters
    ("一二三。四五", 6, ["一二", "三。四", "五"]),  # 。never starts a line: 三 goes with it
    ("一二三，四五", 6, ["一二", "三，四", "五"]),
    ("一二「三四」", 6, ["一二", "「三", "四」"]),  # nothing after an opening bracket
    ("hello world foo", 8, ["hello", "world", "foo"]),  # Latin words are not split
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # unless longer than the line
    ("中文English单词", 8, ["中文", "English", "单词"]),  # CJK ↔ Latin may break
    ("Channel 是 Web Socket 长连接", 16, ["Channel 是 Web", "Socket 长连接"]),  # spaces at a break dropped
    ("版本 v1.2.3。", 8, ["版本", "v1.2.3。"]),  # the full stop stays with the word before it
    ("短句", 10, ["短句"]),
    ("", 10, [""]),
    ("a  b", 1, ["a", "b"]),
])
def test_break_ranges(text, width, expected):
    assert lines(text, width) == expected


PARAGRAPH = ("商户 Channel 是 Web Socket 长连接，断线后需要在 30 秒内自动重连，否则会触发告警并由值班同学在 PagerDuty "
             "上确认处理，同时记录到事故复盘文档中（便于后续统计）。接口：GET /api/v2/status？返回“ok”！")


@pytest.mark.parametrize("width", range(6, 61))
def test_a_paragraph_fills_its_lines_and_no_line_starts_with_closing_punctuation(width):
    out = lines(PARAGRAPH, width)
    assert "".join(out).replace(" ", "") == PARAGRAPH.replace(" ", "")  # nothing lost but spaces at breaks
    for n, line in enumerate(out):
        assert cell_len(line) <= width
        assert line and line[0] not in CLOSING, (width, out)
        assert line == line.strip()
        if n + 1 < len(out):
            # A line ends early only when the next unbreakable piece would not fit on it: never at the
            # last space with the row left half empty (what wrapping at spaces did to Chinese).
            nxt = out[n + 1]
            k = next((k for k in range(1, len(nxt)) if nxt[k] == " " or _can_break_before(nxt, k)), len(nxt))
            gap = 1 if PARAGRAPH[PARAGRAPH.index(line) + len(line)] == " " else 0
            assert cell_len(line) + gap + cell_len(nxt[:k]) > width, (width, out)


def test_break_lines_keeps_styles():
    t = Text("一二三四")
    t.stylize("bold", 1, 3)
    out = break_lines(t, 4)
    assert [x.plain for x in out] == ["一二", "三四"]
    assert out[0].spans[0].start == 1 and out[1].spans[0].end == 1
