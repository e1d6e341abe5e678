"""The parser's line scanner reads the same headings and list items as a CommonMark parser.

markdown-it-py (`MarkdownIt("commonmark")`) is the reference: the lines where it opens a heading or a
list item are compared with the lines of the sections and list items of the parsed report. Where the
two differ on real reports it is by choice: a heading inside a quote or a list item is text to the
model (it would split the report's section tree), and an item indented under a paragraph line by 4+
spaces is an item to the model (CommonMark reads it as part of the paragraph).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from testpaths import CORPORA, DATA, SEEDS
from tui.model.parse import inline_plain, parse_report


def _front_matter_end(lines: list[str]) -> int:
    """Last line (1-based) of YAML front matter, 0 when there is none."""
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


@lru_cache(maxsize=1)
def _markdown_it():
    """CommonMark's block structure only: inline parsing (a third of the time) tells nothing here."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.disable("inline")
    return md


def structure(text: str) -> tuple[set[int], set[int], set[int], set[int]]:
    """(model heading lines, markdown-it heading lines, model item lines, markdown-it item lines)."""
    report = parse_report(text)
    model_heads = {s.line for s in report.sections if not s.implicit}
    model_heads |= {f.line for f in report.warnings if f.message.startswith("second week heading") and f.line}
    model_items = {it.line for s in [report.root, *report.sections] for it in s.all_items()
                   if it.kind in ("bullet", "ordered")}
    skip = _front_matter_end(text.split("\n"))
    tokens = _markdown_it().parse(text)
    md_heads: dict[int, tuple[str, str]] = {}
    md_items: set[int] = set()
    for i, tok in enumerate(tokens):
        if not tok.map or tok.map[0] + 1 <= skip:
            continue
        if tok.type == "heading_open":
            md_heads[tok.map[0] + 1] = (tok.tag, tokens[i + 1].content)
        elif tok.type == "list_item_open":
            md_items.add(tok.map[0] + 1)
    # The title is the report's title, not a section.
    for line, (tag, content) in sorted(md_heads.items()):
        if tag == "h1" and line not in model_heads and inline_plain(content) == report.title.strip():
            model_heads.add(line)
            break
    return model_heads, set(md_heads), model_items, md_items


def agreement(paths: list[Path]) -> tuple[float, float, list[str]]:
    """Share of headings and of items both read alike (intersection over union), and where they differ."""
    hb = hu = ib = iu = 0
    where: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        mh, kh, mi, ki = structure(text)
        hb, hu = hb + len(mh & kh), hu + len(mh | kh)
        ib, iu = ib + len(mi & ki), iu + len(mi | ki)
        if mh ^ kh or mi ^ ki:
            where.append(f"{path.name}: headings {sorted(mh ^ kh)[:5]} items {sorted(mi ^ ki)[:5]}")
    return hb / max(hu, 1), ib / max(iu, 1), where


def test_fixtures_and_seeds_agree_with_markdown_it():
    paths = [p for p in sorted(DATA.glob("*.md")) if p.read_bytes()[:3] != b"\xff\xfe" and b"\x00" not in p.read_bytes()]
    paths += sorted(SEEDS.glob("*.txt"))
    heads, items, where = agreement(paths)
    assert heads == 1.0 and items == 1.0, where


def test_feature_fixture_structure():
    # Each construct the scanner follows, in one report: setext headings, escapes, quoted lists, fences.
    text = (DATA / "markdown_features.md").read_text(encoding="utf-8")
    mh, kh, mi, ki = structure(text)
    assert mh == kh and mi == ki
    report = parse_report(text)
    titles = [s.title for s in report.sections]
    assert "运行数据" in titles and "风险与问题" in titles  # setext
    assert "风险 [高]" in titles  # backslash escapes resolved
    assert {p.name for p in report.projects} >= {"实时数仓"}  # a project inside a quote
    code = next(s for s in report.sections if s.title == "代码示例")
    assert [i.text for i in code.all_items()][:4] == [
        "curl -s https://example.com/health | jq .status", "文档里写代码块的方法：", "```python", 'print("hello")']


@pytest.mark.parametrize("text,heads,items", [
    ("# T\n\n```\ncode\n```python\n- not an item\n```\n- item\n", {1}, {8}),  # info string never closes
    ("# T\n\n````\n```\n- not an item\n````\n- item\n", {1}, {7}),  # a shorter fence never closes
    ("# T\n\n~~~\n```\n- not\n~~~\n", {1}, set()),  # nor one of the other character
    ("# T\n\nA\n===\n\nB\n---\n- x\n", {1, 3, 6}, {8}),  # setext headings
    ("# T\n\n- x\n---\n", {1}, {3}),  # `---` under a list item is a rule
    ("# T\n\n> - a\n>   - b\n> - c\n\n- d\n", {1}, {3, 4, 5, 7}),  # quoted lists
    ("# T\n\n- a\n  > - b\n", {1}, {3, 4}),  # a quote inside an item
    ("# T\n\n```\n> - code\n```\n", {1}, set()),  # `>` inside a fence is code
    ("# T\n\n> ```\n> - code\n\n- item\n", {1}, {6}),  # a fence ends with its quote
])
def test_scanner_cases(text, heads, items):
    mh, kh, mi, ki = structure(text)
    assert mh == kh == heads
    assert mi == ki == items


def test_quoted_list_nesting_in_the_model():
    report = parse_report("# T\n\n## 重点\n\n> - 【贝易转】进度 80%\n>   - 联调完成\n> - 【POS】进度 50%\n")
    sec = report.sections[0]
    assert [(i.text, [c.text for c in i.children]) for i in sec.items] == [
        ("【贝易转】进度 80%", ["联调完成"]), ("【POS】进度 50%", [])]
    assert [p.name for p in report.projects] == ["贝易转", "POS"]


def test_kpis_and_incidents_inside_quotes_count():
    report = parse_report("# 2024-W10\n\n## 运行数据\n\n> - 入金有效成功率：99.9%\n> - 出金有效成功率：99.8%\n\n"
                          "## 生产事件\n\n> - 4/22 10:36 监控发现 支付超时\n")
    assert [(k.name, k.value, k.line) for k in report.kpis if k.line] == [
        ("入金有效成功率", 99.9, 5), ("出金有效成功率", 99.8, 6)]
    assert [(i.text, i.line) for i in report.incidents] == [("支付超时", 10)]


CORPUS_HEADINGS = 0.999
CORPUS_ITEMS = 0.999


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")
def test_corpora_agree_with_markdown_it():
    paths = sorted(CORPORA.rglob("*.md"))
    heads, items, where = agreement(paths)
    print(f"headings {heads:.4%}, items {items:.4%}")
    assert heads >= CORPUS_HEADINGS, where[:20]
    assert items >= CORPUS_ITEMS, where[:20]
