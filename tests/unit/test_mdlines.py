"""The Markdown line renderer, line by line: what a reader sees for each construct."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tui.ui.mdlines import build_rows, safe_url
from tui.ui.render import DEFAULT_PALETTE


def shown(markdown: str, width: int = 60) -> list[str]:
    """Every source line's rows, joined with ' / ' (one entry per source line)."""
    console = Console(width=width, color_system=None, legacy_windows=False)
    opts = console.options.update(width=width, max_width=width)
    out = []
    for row in build_rows(markdown.split("\n"), DEFAULT_PALETTE):
        lines = console.render_lines(row, opts, pad=False, new_lines=False)
        out.append(" / ".join("".join(s.text for s in segs).rstrip() for segs in lines))
    return out


@pytest.mark.parametrize("markdown,expected", [
    ("![alt text](a.png)", ["▣ alt text"]),
    ("![](dir/shot.png?raw=1)", ["▣ shot.png"]),
    ("[text](https://e.com/x (y)) and <https://e.com>", ["text and https://e.com"]),
    ("[t][r]\n\n[r]: https://e.com", ["t", "", "[r]: https://e.com"]),
    ("[not a ref] stays", ["[not a ref] stays"]),
    ("The [weekly\nmeeting](https://e.com/m) went", ["The weekly", "meeting went"]),
    ("\\[高\\] \\*x\\* `a\\b`", ["[高] *x* a\\b"]),
    ("**b** *i* ~~s~~ snake_case_name", ["b i s snake_case_name"]),
    ("```py\nx = 1\n```", [" py", "x = 1", ""]),  # the language where the fence was
    ("````\n```python\n````", ["", "```python", ""]),
    ("~~~\n```\n~~~\nafter", ["", "```", "", "after"]),
    ("> - a\n>   - b\n> text", ["┃ • a", "┃   ◦ b", "┃ text"]),
    ("Title\n=====", ["Title", "─────"]),
    ("- item\n---", ["• item", "─" * 60]),
])
def test_lines(markdown, expected):
    assert shown(markdown) == expected


def test_a_code_line_has_the_code_background_across_the_row():
    pal = DEFAULT_PALETTE
    rows = build_rows(["```", "x", "```"], pal)
    console = Console(width=20, color_system=None, legacy_windows=False)
    segs = console.render_lines(rows[1], console.options.update(width=20, max_width=20), pad=False)[0]
    assert sum(len(s.text) for s in segs) == 20  # filled to the edge


def test_a_highlighted_block_that_starts_and_ends_with_blank_lines_keeps_each_line_on_its_row():
    lines = ["```python", "", "x = 1", "", "print(x)", "", "```"]
    rows = build_rows(lines, DEFAULT_PALETTE)
    console = Console(width=40, color_system=None, legacy_windows=False)
    shown = ["".join(s.text for s in console.render_lines(r, console.options.update(width=40, max_width=40),
                                                           pad=False)[0]).strip() for r in rows[1:-1]]
    assert shown == ["", "x = 1", "", "print(x)", ""]


@pytest.mark.parametrize("url,ok", [
    ("https://example.com/a b", False), ("javascript:alert(1)", False), ("file:///etc/passwd", False),
    ("https://example.com/\x1b]0;x\x07", False), ("mailto:a@b.c", True), ("https://例子.com/路径", True),
])
def test_only_safe_urls_become_hyperlinks(url, ok):
    got = safe_url(url)
    assert (got is not None) == ok
    if got:
        assert got.isascii() and "\x1b" not in got


_PIECES = ["# ", "## ", "- ", "  - ", "> ", ">> ", "1. ", "```", "````py", "~~~", "| a | b |", "|---|:-:|", "===",
           "---", "![", "](", "[", "]", "<https://e.com>", "\\", "*", "**", "_", "~~", "`", "【项目】", "，", "。",
           "中文字符", "word ", "    ", "\t", "https://e.com/x", "[r]: https://r.com", "<!--", "-->", "\n", "\n\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(min_value=1, max_value=120))
def test_any_markdown_renders_one_row_object_per_line(pieces, width):
    text = "".join(pieces)
    lines = text.split("\n")
    rows = build_rows(lines, DEFAULT_PALETTE, highlight=1)
    assert len(rows) == len(lines)
    console = Console(width=width, color_system=None, legacy_windows=False)
    opts = console.options.update(width=width, max_width=width)
    for row in rows:
        out = console.render_lines(row, opts, pad=False, new_lines=False)
        assert out and all(sum(len(s.text) for s in segs) <= max(width, 4) * 2 for segs in out)
        if row.fits(width):
            assert len(out) == 1
