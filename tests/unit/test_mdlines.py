"""The Markdown renderer, from markdown-it-py's tokens: what a reader sees for each construct, and which
screen rows each source line owns."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from testpaths import DATA
from tui.ui.mdlines import build_rows, safe_url
from tui.ui.render import DEFAULT_PALETTE
from tui.ui.rows import FlowPart, Hidden


def _render(row, width: int) -> list[list]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    return console.render_lines(row, console.options.update(width=width, max_width=width), pad=False, new_lines=False)


def per_line(markdown: str, width: int = 60) -> list[str]:
    """Every source line's own screen rows, joined with ' / ' (one entry per source line)."""
    out = []
    for row in build_rows(markdown.split("\n"), DEFAULT_PALETTE):
        out.append(" / ".join("".join(s.text for s in segs).rstrip() for segs in _render(row, width)))
    return out


def screen(markdown: str, width: int = 60) -> list[str]:
    """The screen rows of the whole text, top to bottom."""
    rows = []
    for row in build_rows(markdown.split("\n"), DEFAULT_PALETTE):
        rows.extend("".join(s.text for s in segs).rstrip() for segs in _render(row, width))
    return rows


@pytest.mark.parametrize("markdown,expected", [
    ("![alt text](a.png)", ["▣ alt text"]),
    ("![](dir/shot.png?raw=1)", ["▣ shot.png"]),
    ("[text](https://e.com/x (y)) and <https://e.com>", ["text and https://e.com"]),
    ("[t][r]\n\n[r]: https://e.com", ["t", ""]),  # a definition shows nothing
    ("[not a ref] stays", ["[not a ref] stays"]),
    ("The [weekly\nmeeting](https://e.com/m) went", ["The weekly meeting went"]),
    ("\\[高\\] \\*x\\* `a\\b`", ["[高] *x* a\\b"]),
    ("**b** *i* ~~s~~ snake_case_name", ["b i s snake_case_name"]),
    ("```py\nx = 1\n```", [" py", "x = 1", ""]),  # the language where the fence was
    ("````\n```python\n````", ["", "```python", ""]),
    ("~~~\n```\n~~~\nafter", ["", "```", "", "after"]),
    ("> - a\n>   - b\n>\n> text", ["┃ • a", "┃   ◦ b", "┃", "┃ text"]),
    ("> - a\n>   - b\n> lazy", ["┃ • a", "┃   ◦ b lazy"]),  # a lazy continuation line joins its paragraph
    ("Title\n=====", ["Title", "─────"]),
    ("- item\n---", ["• item", "─" * 60]),
    ("1. one\n2. two\n   - nested\n     more", ["1. one", "2. two", "   • nested more"]),
    ("- [x] done\n- [ ] open", ["☑ done", "☐ open"]),
    ("a ~~gone~~ b", ["a gone b"]),
    ("see[^n] here\n\n[^n]: the note", ["see[1] here", "", "[1] the note"]),
    ("Term\n: its definition", ["Term", "  its definition"]),
    ("<!-- a note -->\ntext", ["text"]),
    ("<script>alert(1)</script>\n\ntext", ["", "text"]),
])
def test_screen(markdown, expected):
    assert screen(markdown) == expected


@pytest.mark.parametrize("markdown,expected", [
    ("一二三\n四五六", "一二三四五六"),  # CJK ↔ CJK: joined, no space
    ("本周完成，\n覆盖全部", "本周完成，覆盖全部"),  # full-width punctuation is CJK
    ("the new\nscheduler", "the new scheduler"),  # Latin: a space
    ("稳定在\n99.99%以上", "稳定在 99.99%以上"),  # CJK ↔ Latin: a space (CSS Text 3)
    ("한국어\n문장", "한국어 문장"),  # Hangul keeps its spaces
])
def test_soft_breaks(markdown, expected):
    assert screen(markdown, width=80) == [expected]


@pytest.mark.parametrize("markdown,expected", [
    ("Created: 2024年5月31日 18:02\nCreated by: 张三\nTags: 周报", ["Created: 2024年5月31日 18:02", "Created by: 张三",
                                                              "Tags: 周报"]),  # Notion's properties
    ("负责人：张三\n进度：80%", ["负责人：张三", "进度：80%"]),  # joined: 张三进度：80%
    ("5/27 10:20 监控发现\n5/28 11:21 业务发现", ["5/27 10:20 监控发现", "5/28 11:21 业务发现"]),  # dated entries
    ("Note: the window moved\nfrom 02:00 to 01:30", ["Note: the window moved from 02:00 to 01:30"]),  # prose
    ("本周完成了A，覆盖\n全部商户：已上线", ["本周完成了A，覆盖全部商户：已上线"]),  # a field under prose joins
])
def test_a_field_under_a_field_keeps_its_row(markdown, expected):
    assert screen(markdown) == expected


@pytest.mark.parametrize("markdown", ["一二  \n三四", "一二\\\n三四", "一二<br>\n三四", "一二<br/>三四"])
def test_hard_breaks_stay(markdown):
    assert screen(markdown) == ["一二", "三四"]


@pytest.mark.parametrize("markdown,expected", [
    ("<u>under</u> <ins>ins</ins>", "under ins"),
    ("<mark>hot</mark> <b>b</b> <strong>s</strong> <i>i</i> <em>e</em>", "hot b s i e"),
    ("<s>s</s> <del>d</del>", "s d"),
    ("press <kbd>Ctrl</kbd>", "press  Ctrl"),
    ("H<sub>2</sub>O m<sup>2</sup> x<sup>th</sup>", "H₂O m² xth"),
    ('<img src="a/b.png" alt="流程图"> <img src="c/d.png">', "▣ 流程图 ▣ d.png"),
    ('<a href="https://e.com">site</a>', "site"),
    ("<span class='x'>kept</span> <foo>too</foo>", "kept too"),
    ("a &amp; b &lt;tag&gt;", "a & b <tag>"),
])
def test_inline_html_is_rendered_never_shown(markdown, expected):
    assert screen(markdown) == [expected]


def test_html_blocks_are_rendered():
    md = ("<details>\n<summary>明细</summary>\n\n- 一\n\n</details>\n\n"
          "<div align=\"center\">\n  <p>第一段\n  接着</p>\n  <p>second</p>\n</div>\n\n"
          "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>")
    rows = screen(md)
    assert rows == ["▸ 明细", "", "• 一", "", "", "第一段接着", "second", "", "a │ b", "1 │ 2"]
    assert not any("<" in r for r in rows)


def test_front_matter_is_a_header():
    md = "---\ntitle: 周报\ndate: 2024-06-03\nauthors:\n  - 张三\ntags: [a, b]\nslug: x\n---\n\n## 进展"
    assert per_line(md) == ["周报", "2024-06-03 · 张三 · #a #b", "", "", "", "", "", "", "", "进展"]
    rows = build_rows(md.split("\n"), DEFAULT_PALETTE)
    assert all(isinstance(r, Hidden) for r in rows[2:8])


def test_front_matter_title_is_not_repeated_by_the_heading():
    assert screen("---\ntitle: 周报\ndate: 2024-06-03\n---\n# 周报\n") == ["2024-06-03", "周报", ""]


def test_a_rule_at_the_top_with_no_closing_line_is_a_rule():
    assert screen("---\n\ntext") == ["─" * 60, "", "text"]


def test_every_source_line_of_a_paragraph_owns_the_rows_its_text_starts_on():
    md = "一二三四五六七八\n九十\n甲乙丙丁戊己庚辛壬癸子丑"
    # at 10 cells: 一二三四五 / 六七八九十 / 甲乙丙丁戊 / 己庚辛壬癸 / 子丑
    assert per_line(md, 10) == ["一二三四五", "六七八九十", "甲乙丙丁戊 / 己庚辛壬癸 / 子丑"]
    rows = build_rows(md.split("\n"), DEFAULT_PALETTE)
    assert all(isinstance(r, FlowPart) for r in rows)
    assert [r.height(10) for r in rows] == [1, 1, 3]
    # a line whose text starts on the row before the next line's owns no row of its own
    assert per_line("aaa\nbbb\nccc", 60) == ["", "", "aaa bbb ccc"]


def test_a_highlight_marks_the_rows_of_its_line_only():
    md = "一二三四五六七八\n九十\n甲乙丙丁戊己庚辛壬癸子丑"
    rows = build_rows(md.split("\n"), DEFAULT_PALETTE, highlight=3)
    marked = [any(s.style and s.style.reverse for s in segs) for r in rows for segs in _render(r, 10)]
    assert marked == [False, False, True, True, True]
    rows[2].with_style(None)
    rows[0].with_style(DEFAULT_PALETTE.highlight)
    marked = [any(s.style and s.style.reverse for s in segs) for r in rows for segs in _render(r, 10)]
    assert marked == [True, True, False, False, False]  # 六七八 on the second row is line 1's too


def test_a_code_line_has_the_code_background_across_the_row():
    rows = build_rows(["```", "x", "```"], DEFAULT_PALETTE)
    assert sum(len(s.text) for s in _render(rows[1], 20)[0]) == 20  # filled to the edge


def test_a_highlighted_block_that_starts_and_ends_with_blank_lines_keeps_each_line_on_its_row():
    lines = ["```python", "", "x = 1", "", "print(x)", "", "```"]
    rows = build_rows(lines, DEFAULT_PALETTE)
    got = ["".join(s.text for s in _render(r, 40)[0]).strip() for r in rows[1:-1]]
    assert got == ["", "x = 1", "", "print(x)", ""]


def test_links_and_images_of_a_paragraph_open_from_its_first_line():
    rows = build_rows(["see [a](https://a.com)", "and ![b](b.png)"], DEFAULT_PALETTE)
    assert [(a.kind, a.target) for a in rows[0].actions] == [("link", "https://a.com"), ("image", "b.png")]
    assert rows[0].lead and not rows[1].lead


def test_the_feature_fixture_shows_no_markup():
    text = (DATA / "reading_features.md").read_text(encoding="utf-8")
    for width in (40, 80, 160):
        shown = "\n".join(screen(text, width))
        for raw in ("---", "title:", "<u>", "<br>", "<details>", "<summary>", "[x]", "[ ]", "<kbd>", "<mark>",
                    "<sub>", "<img", "<a ", "~~", "[^retry]", "](", "|---"):
            assert raw not in shown, (width, raw)
        if width > 50:  # a Latin word is never split where it fits on a row
            assert "settlementBatchReconciliationCoordinatorService" in shown
    assert "全部直连银行，日终批处理耗时从四十分钟降到十二分钟以内" in "".join(screen(text, 200))


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
           "中文字符", "word ", "    ", "\t", "https://e.com/x", "[r]: https://r.com", "<!--", "-->", "\n", "\n\n",
           "<details>", "</details>", "<summary>", "<br>", "<u>", "</u>", "<kbd>", "<sup>", "<img alt=x>",
           "<a href='https://e.com'>", "</a>", "[ ] ", "[x] ", "[^1]", "[^1]: ", ": ", "<script>", "&amp;"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(min_value=1, max_value=120),
       st.integers(min_value=1, max_value=40))
def test_any_markdown_renders_one_row_object_per_line(pieces, width, mark):
    text = "".join(pieces)
    lines = text.split("\n")
    rows = build_rows(lines, DEFAULT_PALETTE, highlight=min(mark, len(lines)))
    assert len(rows) == len(lines)
    for row in rows:
        out = _render(row, width)
        assert all(sum(len(s.text) for s in segs) <= max(width, 4) * 2 for segs in out)
        height = row.height(width)
        assert height is None or height == len(out)
        if row.fits(width):
            assert len(out) == 1


def _part_cases():
    from testpaths import CORPORA, SEEDS

    paths = sorted(SEEDS.glob("*.txt")) + sorted(DATA.glob("*_features.md"))
    if CORPORA.is_dir():
        paths += sorted(CORPORA.rglob("*.md"))[::15]  # every 15th: both series, all years
    return paths


def test_a_part_of_a_report_reads_as_it_does_within_the_whole():
    # What a long report relies on: every part `split_parts` and `part_around` cut renders line for
    # line as the whole report does (links to definitions outside the part included).
    from tui.ui.markdown import definitions, part_around, split_parts

    checked = 0
    for path in _part_cases():
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").split("\n")
        known = definitions(lines)
        whole = [" / ".join("".join(s.text for s in segs) for segs in _render(r, 70))
                 for r in build_rows(lines, DEFAULT_PALETTE)]
        parts = split_parts(lines, 40)
        assert parts[0][0] == 0 and parts[-1][1] == len(lines)
        assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:]))  # every line in one part
        around = [part_around(lines, at, at + 40) for at in range(0, len(lines), max(len(lines) // 3, 1))]
        for at, (a, b) in zip(range(0, len(lines), max(len(lines) // 3, 1)), around):
            assert a <= at and b >= min(at + 40, len(lines)) and (a, b) != (0, len(lines)) or len(parts) < 3
        for a, b in around + parts[:: max(len(parts) // 3, 1)]:
            part = [" / ".join("".join(s.text for s in segs) for segs in _render(r, 70))
                    for r in build_rows(lines[a:b], DEFAULT_PALETTE, first_line=a + 1, known=known)]
            assert part == whole[a:b], (path.name, a, b)
            checked += 1
    assert checked >= 10
