"""The parser's line scanner reads the same structure as the report view's markdown-it-py parser.

markdown-it-py, as the report view runs it (`tui.ui.markdown`: CommonMark, tables, strikethrough, HTML,
front matter, task lists, footnotes, definition lists), is the reference: the lines where it opens a
heading or a list item are compared with the lines of the sections and list items of the parsed report.
Where the two differ on real reports it is by choice: a heading inside a quote or a list item is text to
the model (it would split the report's section tree), and an item indented under a paragraph line by 4+
spaces is an item to the model (CommonMark reads it as part of the paragraph). Beyond that they agree on
where front matter ends, on task list items and their boxes, on the lines of a paragraph the view joins
at its soft breaks (the model files them under one item), and on HTML blocks (their text is in the model,
so a search finds what the view shows).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testpaths import CORPORA, DATA, SEEDS
from tui.model.frontmatter import front_matter_end, front_matter_fields
from tui.model.parse import inline_plain, parse_report
from tui.ui.htmltext import html_block
from tui.ui import markdown
from tui.ui.markdown import parse, parser
from tui.ui.mdinline import new_flow
from tui.ui.render import DEFAULT_PALETTE


@dataclass
class Reading:
    """How the model and the view read one text: the line sets compared, and the lines where they
    disagree on front matter, task items, paragraphs joined at soft breaks and HTML blocks' text."""

    model_heads: set[int]
    md_heads: set[int]
    model_items: set[int]
    md_items: set[int]
    front_matter: list[str] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)  # first lines of paragraphs the model splits
    paragraph_lines: int = 0
    html: list[int] = field(default_factory=list)  # HTML blocks whose text the model does not hold
    html_blocks: int = 0


def html_text(html: str) -> str:
    """What the report view shows of an HTML block."""
    flow, tags = new_flow(DEFAULT_PALETTE)
    html_block(flow, html, tags)
    return flow.text.plain.strip()


@functools.cache
def blocks(front_matter: bool):
    """The view's parser (`parser`) reading blocks only: where front matter or the first paragraph ends
    is a block's lines, and the inline rules (most of a parse's time) would not move them."""
    md = parser.__wrapped__(front_matter)  # (a parser of its own: the view's stays as it is)
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


@functools.cache
def text_only(front_matter: bool = True):
    """The view's parser (`parser`) with no inline rule but plain text: its block tokens, and the task
    items its task list rule finds (by a paragraph's text), are those of the view's (inline rules run
    after the blocks are made and never move them: the same readings of every corpus file, checked by
    hand), a corpus read in ~40 % less time."""
    md = parser.__wrapped__(front_matter)
    md.inline.ruler.enableOnly(["text"])
    md.inline.ruler2.enableOnly([])
    return md


def read_both(text: str) -> Reading:
    """Read a text with the parser and with the view's markdown-it-py, and compare."""
    report = parse_report(text)
    lines = text.split("\n")
    model_heads = {s.line for s in report.sections if not s.implicit}
    model_heads |= {f.line for f in report.warnings if f.message.startswith("second week heading") and f.line}
    every = [it for s in [report.root, *report.sections] for it in s.all_items()]
    model_items = {it.line for it in every if it.kind in ("bullet", "ordered")}
    skip = front_matter_end(lines)
    tokens = parse(text)
    md_heads: dict[int, tuple[str, str]] = {}
    md_items: set[int] = set()
    md_tasks: dict[int, bool] = {}
    for i, tok in enumerate(tokens):
        if not tok.map or tok.map[0] + 1 <= skip:
            continue
        if tok.type == "heading_open":
            md_heads[tok.map[0] + 1] = (tok.tag, tokens[i + 1].content)
        elif tok.type == "list_item_open":
            md_items.add(tok.map[0] + 1)
            if "task-list-item" in str(tok.attrs.get("class", "")):
                md_tasks[tok.map[0] + 1] = 'checked="checked"' in tokens[i + 2].children[0].content
    # The title is the report's title, not a section.
    for line, (tag, content) in sorted(md_heads.items()):
        if tag == "h1" and line not in model_heads and inline_plain(content) == report.title.strip():
            model_heads.add(line)
            break
    got = Reading(model_heads, set(md_heads), model_items, md_items)

    # Front matter: the plugin ends it where the model does, and its title is the report's.
    # Metadata lines (`Title: …` up to a blank line) are one paragraph to markdown-it without front
    # matter: the view takes exactly that paragraph for the header, never half a block.
    plugin = 0
    if text.startswith("-"):  # (the plugin's rule, run alone: the view's `parse` follows the model's)
        plugin = next((t.map[1] for t in blocks(True).parse(text)[:1] if t.type == "front_matter"), 0)
    elif skip:
        first = blocks(False).parse(text)[:1]
        plugin = first[0].map[1] if first and first[0].type == "paragraph_open" and first[0].map[0] == 0 else -1
    if plugin != skip:
        got.front_matter.append(f"front matter ends at {plugin} for the view, {skip} for the model")
    view = tokens[0].map[1] if tokens and tokens[0].type == "front_matter" and tokens[0].map else 0
    if view != skip:
        got.front_matter.append(f"the view's header takes {view} lines, the model's front matter {skip}")
    title = front_matter_fields(lines).get("title") if skip else None
    if isinstance(title, str) and inline_plain(title) != report.title:
        got.front_matter.append(f"title {title!r} read as {report.title!r}")

    # Task list items: the same lines, ticked alike.
    model_tasks = {it.line: it.checked for it in every if it.checked is not None}
    got.tasks = sorted(set(model_tasks.items()) ^ set(md_tasks.items()))

    # A paragraph's lines, joined by the view: the model files its later lines under the item its
    # first line belongs to (the item itself when the paragraph starts on the item's line).
    parent: dict[int, int | None] = {}
    item_at: dict[int, object] = {}
    for s in [report.root, *report.sections]:
        stack = [(it, None) for it in s.items]
        while stack:
            it, up = stack.pop()
            parent[id(it)] = up
            item_at.setdefault(it.line, it)
            stack.extend((c, id(it)) for c in it.children)
    for tok in tokens:
        if tok.type != "paragraph_open" or not tok.map or tok.map[1] - tok.map[0] < 2:
            continue
        a, b = tok.map
        first = item_at.get(a + 1)
        if first is None:
            continue
        owner = id(first) if first.kind in ("bullet", "ordered") else parent[id(first)]
        got.paragraph_lines += b - a - 1
        if any(item_at.get(k + 1) is None or parent[id(item_at[k + 1])] != owner for k in range(a + 1, b)):
            got.paragraphs.append(a + 1)

    # HTML blocks: what the view shows of one is text the model holds on its lines.
    known = {it.line for it in every} | model_heads
    for tok in tokens:
        if tok.type == "html_block" and tok.map and html_text(tok.content):
            got.html_blocks += 1
            if not any(k + 1 in known for k in range(*tok.map)):
                got.html.append(tok.map[0] + 1)
    return got


def structure(text: str) -> tuple[set[int], set[int], set[int], set[int]]:
    """(model heading lines, markdown-it heading lines, model item lines, markdown-it item lines)."""
    r = read_both(text)
    return r.model_heads, r.md_heads, r.model_items, r.md_items


@dataclass
class Agreement:
    """Shares of headings and items read alike (intersection over union), the other disagreements
    counted, and where they are."""

    heads: float
    items: float
    paragraphs: float  # share of joined paragraph lines the model files alike
    front_matter: list[str]
    tasks: list[str]
    html: list[str]
    where: list[str]


def agreement(paths: list[Path]) -> Agreement:
    """How the model and the view agree over many files."""
    hb = hu = ib = iu = 0
    para_lines = para_bad = 0
    where: list[str] = []
    fm: list[str] = []
    tasks: list[str] = []
    html: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        r = read_both(text)
        mh, kh, mi, ki = r.model_heads, r.md_heads, r.model_items, r.md_items
        hb, hu = hb + len(mh & kh), hu + len(mh | kh)
        ib, iu = ib + len(mi & ki), iu + len(mi | ki)
        if mh ^ kh or mi ^ ki:
            where.append(f"{path.name}: headings {sorted(mh ^ kh)[:5]} items {sorted(mi ^ ki)[:5]}")
        para_lines += r.paragraph_lines
        para_bad += len(r.paragraphs)
        if r.paragraphs:
            where.append(f"{path.name}: paragraphs split at {r.paragraphs[:5]}")
        fm += [f"{path.name}: {m}" for m in r.front_matter]
        tasks += [f"{path.name}: task item {t}" for t in r.tasks]
        html += [f"{path.name}: HTML block at {k}" for k in r.html]
    return Agreement(hb / max(hu, 1), ib / max(iu, 1), 1 - para_bad / max(para_lines, 1), fm, tasks, html, where)


def test_fixtures_and_seeds_agree_with_markdown_it():
    # (tests/data/metadata_lines.md among them: a report opening with `Title: …` metadata lines)
    paths = [p for p in sorted(DATA.glob("*.md")) if p.read_bytes()[:3] != b"\xff\xfe" and b"\x00" not in p.read_bytes()]
    paths += sorted(SEEDS.glob("*.txt"))
    got = agreement(paths)
    assert got.heads == 1.0 and got.items == 1.0 and got.paragraphs == 1.0, got.where
    assert not got.front_matter and not got.tasks and not got.html, (got.front_matter, got.tasks, got.html)


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


@pytest.mark.parametrize("text", [
    "---\ntitle: 周报\ndate: 2024-05-06\n---\n\n## 进展\n\n- 一件事\n",
    "---\ntitle: 周报\n...\n# 周报\n",  # closed by `...`
    "---\n\n# 2024-W10\n\n- a\n",  # a rule with no closing line: not front matter
    "---\na\n---\n- b\n",
    "Title: Notes 12\nNumber: 12\nDate: 2024-03-15\n\n## Shipped\n\n- a\n",  # metadata lines
    "Date: 2024-03-15\nTitle: Notes 12\n",  # the whole text
    "Status: done\nOwner: Mira\n\n- a\n- b\n",  # look-alikes: the report's text
    "Title: Notes 12\nDate: 2024-03-15\n- a\n\n## B\n",
    "负责人：张三\n日期：2024-03-15\n\n## 进展\n\n- 一件事\n",
])
def test_front_matter_cases(text):
    r = read_both(text)
    assert not r.front_matter and r.model_heads == r.md_heads and r.model_items == r.md_items


@pytest.mark.parametrize("text,tasks", [
    ("# T\n\n- [x] done\n- [ ] open\n- [X] 【贝易转】上线\n", {3: True, 4: False, 5: True}),
    ("# T\n\n- [x]\n- [ ]not a task\n- text [x]\n", {}),  # a box needs text after a space
    ("# T\n\n1. [ ] 第一步\n   - [x] 子任务\n", {3: False, 4: True}),
])
def test_task_list_cases(text, tasks):
    r = read_both(text)
    assert not r.tasks
    report = parse_report(text)
    got = {it.line: it.checked for s in [report.root, *report.sections] for it in s.all_items() if it.checked is not None}
    assert got == tasks


def test_a_task_box_is_not_part_of_the_item_text():
    report = parse_report("# T\n\n## 本周\n\n- [x] 【贝易转】进度 100%\n- [ ] 【POS】进度 50%\n")
    assert [(p.name, p.progress) for p in report.projects] == [("贝易转", [100.0]), ("POS", [50.0])]
    assert [i.text for i in report.sections[0].items] == ["【贝易转】进度 100%", "【POS】进度 50%"]


@pytest.mark.parametrize("text", [
    "# T\n\n- 第一行\n  第二行\n  third line\n- next\n",  # continuation lines indented under the item
    "# T\n\n- 第一行\n第二行 lazily\n",  # a lazy continuation line
    "# T\n\n- item\n\n  second paragraph\n  wrapped\n",  # an item's second paragraph
    "# T\n\n一段文字，\n接着写\nand more\n",  # a top-level paragraph
    "# T\n\n> - 引用里的项\n>   接着\n",
])
def test_soft_break_cases(text):
    r = read_both(text)
    assert r.paragraph_lines and not r.paragraphs


@pytest.mark.parametrize("text", [
    "# T\n\n<details>\n<summary>明细</summary>\n\n- 一\n\n</details>\n",
    "# T\n\n<div align=\"center\">\n  <img src=\"a.png\" alt=\"图\">\n</div>\n",
    "# T\n\n<!-- a comment\nover lines -->\n\n- a\n",
    "# T\n\n<table>\n<tr><td>一</td></tr>\n</table>\n",
])
def test_html_block_cases(text):
    r = read_both(text)
    assert not r.html and r.model_heads == r.md_heads and r.model_items == r.md_items


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
CORPUS_PARAGRAPHS = 0.999


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")
def test_corpora_agree_with_markdown_it(monkeypatch):
    monkeypatch.setattr(markdown, "parser", text_only)  # (what `parse` reads the blocks with)
    got = agreement(sorted(p for p in CORPORA.rglob("*") if p.suffix in (".md", ".markdown")))
    print(f"headings {got.heads:.4%}, items {got.items:.4%}, joined paragraph lines {got.paragraphs:.4%}")
    assert got.heads >= CORPUS_HEADINGS, got.where[:20]
    assert got.items >= CORPUS_ITEMS, got.where[:20]
    assert got.paragraphs >= CORPUS_PARAGRAPHS, got.where[:20]
    assert not got.front_matter and not got.tasks and not got.html, (got.front_matter[:5], got.tasks[:5], got.html[:5])
