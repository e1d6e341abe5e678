"""Markdown as rows: every source line of a report becomes one `Row`, drawn from markdown-it-py's tokens.

The block tokens' line maps place every block on its source lines: headings styled, paragraphs joined at
their soft line breaks (no space between two CJK characters) and wrapped as one text (`Flow`: each of
their source lines owns the screen rows its text starts on), list items with bullets, numbers or ☐/☑ and
hanging indents, quotes with a bar, code with a background and syntax highlighting (Pygments, when first
drawn), tables aligned by display width with cells cut to fit (a table row never wraps), rules, HTML
rendered (`htmltext`), front matter as a header (title, then date, author and tags, then the summary),
footnotes in place headed `[1]`, definition lists. Lines that show nothing (the rest of the front matter,
link reference definitions, comments, tags only) take no rows. Because a source line is always exactly
one row object, a source line number maps to known screen rows: scrolling to a search hit or a section
relies on it.

Report text is untrusted: it only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from ..model.frontmatter import front_matter_fields
from .htmltext import CHECKED, UNCHECKED, TextFlow, html_block
from .markdown import definitions, parse
from .mdinline import field_breaks, footnote_mark, inline_into, new_flow, safe_url  # noqa: F401  (safe_url: the view's)
from .rows import Action, CodeBlock, CodeRow, Flow, FlowPart, Hanging, Hidden, Row, RuleRow  # noqa: F401
from .tablerows import TableInfo, TableRow  # noqa: F401

if TYPE_CHECKING:
    from markdown_it.token import Token

_BULLETS = "•◦▪▫"
QUOTE_BAR = "┃ "
_IMAGE_EXT = re.compile(r"(?i)\.(png|jpe?g|gif|webp|bmp|svg|tiff?|avif|heic|ico)$")
_QUOTE_ONLY = re.compile(r"^[ >]*>[ >]*$")
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


class _Box:
    """An open container: a quote (a bar on every row), or a list item, footnote or definition (its
    marker on the first row of its first block, spaces under it after)."""

    __slots__ = ("kind", "marker", "width", "pending")

    def __init__(self, kind: str, marker: Text | None = None, width: int = 0) -> None:
        self.kind = kind
        self.marker = marker
        self.width = marker.cell_len if marker is not None else width
        self.pending = marker is not None


class _Builder:
    """One walk over a report's block tokens, filling the row of every source line."""

    def __init__(self, lines: Sequence[str], pal, offset: int = 0) -> None:
        self.lines = lines
        self.pal = pal
        self.offset = offset  # lines before `lines` in the report (a long report's part)
        self.rows: list[Row | None] = [None] * len(lines)
        self.boxes: list[_Box] = []
        self.lists: list[tuple[bool, int]] = []  # open lists: (ordered, bullet level)
        self.footnotes: dict[str, int] = {}  # footnote label → its number
        self._frames: dict[tuple, tuple[Text | None, int, Text | None]] = {}
        self._bars: dict[int, Text] = {}

    # ── where a block's rows start: quote bars, indentation, the item's marker ───────────────────

    def frame(self) -> tuple[Text | None, int, Text | None]:
        """(prefix on every row, indent, marker on the first row) for the next block; it takes the
        markers of the items it is the first block of."""
        key = tuple((b.kind, b.width, (b.marker.plain, b.marker.style) if b.pending else None)  # type: ignore[union-attr]
                    for b in self.boxes)
        got = self._frames.get(key)
        if got is None:
            got = self._frames[key] = self._make_frame()
        for b in self.boxes:
            b.pending = False
        return got

    def _make_frame(self) -> tuple[Text | None, int, Text | None]:
        prefix = Text()
        marker: Text | None = None
        for b in self.boxes:
            if b.kind == "quote":
                piece = Text(QUOTE_BAR, self.pal.quote)  # a span, not the base style: it must not spread
            elif b.pending:
                piece = b.marker
            else:
                piece = Text(" " * b.width)
            if marker is not None or b.pending:
                marker = piece.copy() if marker is None else marker + piece
            else:
                prefix.append_text(piece)
        if not any(b.kind == "quote" for b in self.boxes):
            return None, prefix.cell_len, marker
        return (prefix if prefix.plain else None), 0, marker

    def put(self, line: int, row: Row) -> None:
        """The row of a source line (0-based), unless a block already took it."""
        if 0 <= line < len(self.rows) and self.rows[line] is None:
            self.rows[line] = row

    def put_flow(self, a: int, b: int, flow: TextFlow, style: Style | None = None) -> Hanging:
        """A block's text on its source lines [a, b): one row, or a `Flow` shared by its lines."""
        prefix, indent, marker = self.frame()
        text, starts = flow.finish(max(b - a, 1))
        if style is not None:
            text.stylize_before(style)
        row = Hanging(text, indent, marker, None, prefix, None, tuple(flow.actions))
        if b - a <= 1:
            self.put(a, row)
        else:
            shared = Flow(row, starts, self.offset + a + 1)
            for k in range(b - a):
                self.put(a + k, FlowPart(shared, k))
        return row

    def inline_flow(self, tok: "Token", hard: set[int] = frozenset()) -> TextFlow:
        """An inline token's children rendered into a new flow (`hard`: `inline_into`'s)."""
        flow, tags = new_flow(self.pal)
        inline_into(flow, tags, tok.children or (), hard, self.footnotes)
        return flow

    # ── the walk ─────────────────────────────────────────────────────────────────────────────────

    def walk(self, tokens: list["Token"]) -> None:
        """Place every block token on its source lines."""
        pal = self.pal
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            m = tok.map
            if t == "paragraph_open" and m:
                hard = field_breaks(self.lines[m[0]:m[1]]) if m[1] - m[0] > 1 else frozenset()
                self.put_flow(m[0], m[1], self.inline_flow(tokens[i + 1], hard))
                i += 3
                continue
            if t == "heading_open" and m:
                style = pal.heading if tok.tag == "h1" else pal.subheading
                a, b = m
                setext = tok.markup in ("=", "-")
                row = self.put_flow(a, b - 1 if setext else b, self.inline_flow(tokens[i + 1]), style=style)
                if setext:
                    width = max((cell_len(p) for p in row.body.plain.split("\n")), default=0)
                    self.put(b - 1, RuleRow(style, width, row.prefix, row.indent))
                i += 3
                continue
            if t in ("fence", "code_block") and m:
                self.code(tok)
            elif t == "html_block" and m:
                flow, tags = new_flow(pal)
                html_block(flow, tok.content, tags)
                if flow.text.plain.strip():
                    self.put_flow(m[0], m[1], flow)
            elif t == "hr" and m:
                prefix, indent, _ = self.frame()
                self.put(m[0], RuleRow(pal.muted, None, prefix, indent))
            elif t == "table_open" and m:
                i = self.table(tokens, i)
                continue
            elif t == "blockquote_open":
                self.boxes.append(_Box("quote"))
            elif t in ("bullet_list_open", "ordered_list_open"):
                bullets = sum(1 for o, _ in self.lists if not o)
                self.lists.append((t == "ordered_list_open", bullets))
            elif t in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif t == "list_item_open":
                self.boxes.append(_Box("item", self.item_marker(tokens, i)))
            elif t == "footnote_reference_open":
                label = str((tok.meta or {}).get("label", ""))
                mark = footnote_mark(self.footnotes.get(label))
                self.boxes.append(_Box("footnote", Text(mark + " ", pal.link)))
            elif t == "dd_open":
                self.boxes.append(_Box("definition", width=2))
            elif t == "dt_open" and m:
                self.put_flow(m[0], m[0] + 1, self.inline_flow(tokens[i + 1]), style=Style(bold=True))
                i += 3
                continue
            elif t in ("blockquote_close", "list_item_close", "footnote_reference_close", "dd_close"):
                if self.boxes:
                    if self.boxes[-1].pending:  # an empty item: its marker alone
                        _, indent, marker = self.frame()
                        self.put(self._open_line(tokens, i), Hanging(Text(""), indent, marker))
                    self.boxes.pop()
            elif t == "front_matter" and m:
                self.front_matter(m[1], tokens)
            i += 1

    def _open_line(self, tokens: list["Token"], i: int) -> int:
        """The first line of the container closed at `tokens[i]`."""
        depth = 0
        for j in range(i, -1, -1):
            depth += tokens[j].nesting
            if depth == 0 and tokens[j].map:
                return tokens[j].map[0]
        return -1

    def item_marker(self, tokens: list["Token"], i: int) -> Text:
        """A list item's marker: its number as written, a bullet by nesting, or ☐/☑ for a task."""
        tok = tokens[i]
        pal = self.pal
        if "task-list-item" in str(tok.attrs.get("class", "")) and i + 2 < len(tokens):
            inline = tokens[i + 2]
            kids = list(inline.children or ())
            if kids and kids[0].type == "html_inline" and "checkbox" in kids[0].content:
                checked = "checked" in kids[0].content
                kids = kids[1:]
                if kids and kids[0].type == "text":
                    kids[0] = kids[0].copy(content=kids[0].content.lstrip())
                inline.children = kids
                return Text(CHECKED, pal.good) if checked else Text(UNCHECKED, pal.muted)
        ordered, bullets = self.lists[-1] if self.lists else (False, 0)
        if ordered:
            return Text(f"{tok.info}{tok.markup} ", pal.muted)
        return Text(_BULLETS[bullets % len(_BULLETS)] + " ", pal.muted)

    def code(self, tok: "Token") -> None:
        """A fenced or indented code block: its language where the opening fence was, its lines on the
        code background (under the item's text when in a list), a blank row for the closing fence."""
        pal = self.pal
        a, b = tok.map
        body = tok.content.split("\n")
        if body and body[-1] == "":
            body.pop()
        prefix, indent, marker = self.frame()
        fenced = tok.type == "fence"
        lang = tok.info.strip() if fenced else ""
        block = CodeBlock(lang, [], bg=pal.code_bg_hex, dark=pal.dark)
        first = a
        if fenced:
            label = Text(" " + lang.split()[0] if lang else "", pal.muted)
            self.put(a, Hanging(label, indent, marker, None, prefix, pal.code_bg))
            first = a + 1
        inner = indent + (marker.cell_len if marker is not None else 0)
        for k, line in enumerate(body[: max(b - first, 0)]):
            block.lines.append(line)
            self.put(first + k, CodeRow(block, k, inner, prefix, pal.code_bg))
        if fenced and first + len(body) < b:
            self.put(first + len(body), Hanging(Text(""), inner, None, None, prefix, pal.code_bg))

    def table(self, tokens: list["Token"], i: int) -> int:
        """A table: a `TableRow` for every row, a rule for the delimiter row. Returns the index after it."""
        pal = self.pal
        a = tokens[i].map[0]
        prefix, indent, _ = self.frame()
        info = TableInfo(first_line=a + 1)
        placed: list[tuple[int, int, bool]] = []  # (line, index in info.rows, header)
        cells: list[Text] = []
        aligns: list[str] = []
        header = False
        actions: list[Action] = []
        j = i + 1
        while j < len(tokens) and tokens[j].type != "table_close":
            tok = tokens[j]
            t = tok.type
            if t == "thead_open":
                header = True
            elif t == "tbody_open":
                header = False
            elif t == "tr_open":
                cells = []
                row_line = tok.map[0] if tok.map else None
            elif t in ("th_open", "td_open"):
                if header:
                    got = _ALIGN.search(str(tok.attrs.get("style", "")))
                    aligns.append(got.group(1) if got else "left")
                flow = self.inline_flow(tokens[j + 1])
                cell, _ = flow.finish(1)
                if "\n" in cell.plain:
                    cell = Text(" ").join(cell.split("\n"))
                actions.extend(flow.actions)
                cells.append(cell)
            elif t == "tr_close" and row_line is not None:
                placed.append((row_line, len(info.rows), header))
                info.rows.append(cells)
                if header:
                    info.rows.append([])  # the delimiter row, under the header
                    placed.append((row_line + 1, len(info.rows) - 1, False))
            j += 1
        info.aligns = aligns
        info.header_rows = 1
        for line, index, head in placed:
            self.put(line, TableRow(info, index, pal.table, pal.table_header if head else None, prefix, indent))
        return j + 1

    def front_matter(self, end: int, tokens: list["Token"]) -> None:
        """The front matter as a header: the title (unless the report's first heading repeats it), a
        line of date, author and tags, the summary; its other lines show nothing."""
        pal = self.pal
        fields = front_matter_fields(self.lines)

        def text(name: str) -> str:
            v = fields.get(name)
            return ", ".join(v) if isinstance(v, list) else (v or "")

        title = text("title")
        h1 = next((tokens[k + 1].content.strip() for k, t in enumerate(tokens[:-1])
                   if t.type == "heading_open" and t.tag == "h1"), None)
        shown: list[Text] = []
        if title and title != h1:
            shown.append(Text(title, pal.heading))
        meta = [text("date") or text("created"), text("author") or text("authors")]
        tags = fields.get("tags") or fields.get("categories") or fields.get("category")
        if tags:
            meta.append(" ".join("#" + t for t in (tags if isinstance(tags, list) else [tags])))
        meta = [m for m in meta if m]
        if meta:
            shown.append(Text(" · ".join(meta), pal.muted))
        summary = text("summary") or text("description")
        if summary:
            shown.append(Text(summary, pal.muted + Style(italic=True)))
        for k in range(end):
            self.put(k, Hanging(shown[k]) if k < len(shown) else Hidden())

    def finish(self) -> list[Row]:
        """Every line's row: lines no block took are blank rows (with bars for a `>` line) or, when they
        hold text no block shows (link reference definitions), no rows."""
        rows = self.rows
        pal = self.pal
        for k, row in enumerate(rows):
            if row is not None:
                continue
            line = self.lines[k]
            if not line.strip():
                rows[k] = Hanging(Text(""))
            elif _QUOTE_ONLY.match(line):
                depth = line.count(">")
                bar = self._bars.get(depth)
                if bar is None:
                    bar = self._bars[depth] = Text(QUOTE_BAR * depth, pal.quote)
                rows[k] = Hanging(Text(""), 0, None, None, bar)
            else:
                rows[k] = Hidden()
        return rows  # type: ignore[return-value]


def build_rows(lines: Sequence[str], pal, highlight: int | None = None, first_line: int = 1,
               known: dict | None = None) -> list[Row]:
    """Every source line (`lines`, numbered from `first_line`) as one row object, read as Markdown by
    markdown-it-py; `highlight` is numbered from 1 in `lines`. `known`: the whole report's definitions
    (`markdown.definitions`) when `lines` are a part of it."""
    known = known if known is not None else definitions(lines)
    env: dict[str, Any] = {"references": dict(known["references"])}
    if known["footnotes"]:  # (the plugin matches `[^label]` only where `label` is defined)
        env["footnotes"] = {"refs": {":" + label: -1 for label in known["footnotes"]}, "list": {}}
    builder = _Builder(lines, pal, first_line - 1)
    tokens = parse("\n".join(lines), lines, env)
    builder.footnotes = known["footnotes"]
    builder.walk(tokens)
    rows = builder.finish()
    if highlight is not None and 1 <= highlight <= len(rows):
        rows[highlight - 1] = rows[highlight - 1].with_style(pal.highlight)
    return rows


def raw_rows(lines: Sequence[str], pal, highlight: int | None = None, number_width: int = 0) -> list[Row]:
    """Every source line as written (the raw view), with line numbers when `number_width` is given."""
    rows: list[Row] = []
    for no, line in enumerate(lines, 1):
        marker = Text(f"{no:>{number_width}} ", pal.muted) if number_width else None
        rows.append(Hanging(Text(line), 0, marker, pal.highlight if no == highlight else None))
    return rows
