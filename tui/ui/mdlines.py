"""Markdown as rows: every source line of a report becomes one `Row` that draws as one or more screen rows.

One pass over the lines reads the block structure the way the parser's scanner does (fences per
CommonMark, quotes, setext headings, tables, reference definitions); each line then becomes a row:
headings styled, list items with bullets and hanging indents, quotes with a bar, code with a background
and syntax highlighting (Pygments, imported only when a code line is first drawn), tables aligned by
display width with cells cut to fit (a table row never wraps), images as a mark with their alt text,
links as their text (an OSC 8 hyperlink for http(s)/mailto targets). Long lines break between CJK
characters and at spaces (`linebreak`). Because a source line is always exactly one row object, a source
line number maps to known screen rows: scrolling to a search hit or a section relies on it.

Report text is untrusted: it only ever becomes `rich.text.Text` built from plain strings, never markup.
"""

from __future__ import annotations

import re
from typing import Sequence
from urllib.parse import quote

from rich.style import Style
from rich.text import Text

from ..model.parse import (
    HEADING_RE,
    HR_RE,
    ITEM_RE,
    SETEXT_RE,
    TABLE_DELIM_RE,
    TABLE_ROW_RE,
    fence_closes,
    fence_open,
)
from .rows import Action, CodeBlock, CodeRow, Hanging, Row, RuleRow, TableInfo, TableRow  # noqa: F401

_BULLETS = "•◦▪▫"
QUOTE_BAR = "┃ "
IMAGE_MARK = "▣ "
_QUOTE = re.compile(r" {0,3}> ?")
_REFDEF = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.){1,200})\]:[ \t]*<?(\S+?)>?(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$")
_IMAGE_EXT = re.compile(r"(?i)\.(png|jpe?g|gif|webp|bmp|svg|tiff?|avif|heic|ico)$")
_OPEN_LINK = re.compile(r"(?<![!\\])\[[^\[\]]*$")
_CLOSE_LINK = re.compile(r"^[ \t>]*[^\[\]\s][^\[\]]*\]\(([^()\s]+)(?:[ \t]+\"[^\"]*\")?\)")
_SAFE_URL = re.compile(r"(?i)^(https?://|mailto:)[^\s\x00-\x1f\x7f-\x9f]+$")


# ── actions: what a reader can open on a line ────────────────────────────────────────────────────


def safe_url(url: str) -> str | None:
    """An http(s)/mailto URL fit for an OSC 8 hyperlink (non-ASCII percent-encoded), else None."""
    url = url.strip()
    if not _SAFE_URL.match(url):
        return None
    return quote(url, safe="!#$%&'()*+,-./:;=?@[]~_")


# ── inline Markdown ──────────────────────────────────────────────────────────────────────────────

_BRACKETED = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_DEST = r"(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
_TITLE = r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?"
_INLINE = re.compile(
    r"(?P<esc>\\[!-/:-@\[-`{-~])"
    r"|(?P<code>(?P<ticks>`+)(?P<codebody>.+?)(?<!`)(?P=ticks)(?!`))"
    rf"|(?P<img>!\[(?P<alt>{_BRACKETED})\]\([ \t]*(?P<src>{_DEST}){_TITLE}[ \t]*\))"
    rf"|(?P<link>\[(?P<text>{_BRACKETED})\]\([ \t]*(?P<href>{_DEST}){_TITLE}[ \t]*\))"
    rf"|(?P<ref>\[(?P<rtext>{_BRACKETED})\](?:\[(?P<rlabel>(?:[^\[\]\\]|\\.)*)\])?)"
    r"|(?P<auto><(?P<aurl>(?:https?|mailto|ftp):[^\s<>]+)>)"
    r"|(?P<url>(?<![\w/@.])https?://[^\s<>()\[\]{}，。；、）】「」（【]+)"
    r"|(?P<bold>\*\*(?=\S)(?P<bbody>.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(?P<ubody>.+?)(?<=\S)__(?!\w))"
    r"|(?P<strike>~~(?=\S)(?P<sbody>.+?)(?<=\S)~~)"
    r"|(?P<project>【[^】]{1,40}】)"
    r"|(?P<em>(?<![*\w])\*(?=[^*\s])(?P<ebody>[^*]+?)(?<=\S)\*(?!\*)|(?<!\w)_(?=[^_\s])(?P<e2body>[^_]+?)(?<=\S)_(?!\w))"
)
_SPECIAL = re.compile(r"[\\`*_~\[<【]|https?://")
_ESC_ONLY = re.compile(r"\\([!-/:-@\[-`{-~])")


def _ref_key(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip()).casefold()


def _file_name(src: str) -> str:
    src = src.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return src.rsplit("/", 1)[-1] or src


def inline(text: str, pal, base: Style | None = None, refs: dict[str, str] | None = None,
           actions: list[Action] | None = None) -> Text:
    """One line of Markdown inline syntax as styled Text (never parsed as Rich markup).

    Links and images met on the way are appended to `actions` when a list is given."""
    out = Text(style=base or "")
    if not _SPECIAL.search(text):
        out.append(text)
        return out
    _inline_into(out, text, pal, refs or {}, actions, None)
    return out


def _link_style(pal, url: str | None, n: int | None) -> Style:
    style = pal.link
    meta = {"action": n} if n is not None else None
    if url or meta:
        style = style + Style(link=url, meta=meta)
    return style


def _inline_into(out: Text, text: str, pal, refs: dict[str, str], actions: list[Action] | None,
                 outer: Style | None) -> None:
    pos = 0
    for m in _INLINE.finditer(text):
        kind = m.lastgroup
        if kind == "ref":
            label = m.group("rlabel") or m.group("rtext")
            url = refs.get(_ref_key(label or ""))
            if url is None:
                continue  # `[text]` with no definition is text
        if m.start() > pos:
            out.append(text[pos : m.start()], outer)
        pos = m.end()
        if kind == "esc":
            out.append(m.group(0)[1], outer)
        elif kind == "code":
            body = m.group("codebody")
            if len(body) > 2 and body[0] == " " and body[-1] == " " and body.strip():
                body = body[1:-1]
            out.append(body, pal.code)
        elif kind == "img":
            alt = _ESC_ONLY.sub(r"\1", m.group("alt"))
            src = m.group("src").strip("<>")
            n = _add(actions, Action("image", src, alt or _file_name(src)))
            style = pal.image + Style(meta={"action": n}) if n is not None else pal.image
            if outer is not None:
                style = outer + style
            out.append(IMAGE_MARK + (alt or _file_name(src) or "image"), style)
        elif kind in ("link", "ref", "auto", "url"):
            if kind == "link":
                label, href = m.group("text"), m.group("href").strip("<>")
            elif kind == "ref":
                label, href = m.group("rtext"), url  # type: ignore[assignment]
            elif kind == "auto":
                label = href = m.group("aurl")
            else:
                label = href = m.group("url").rstrip(".,;:!?'\"")
                pos = m.start() + len(href)
            safe = safe_url(href)
            n = _add(actions, Action("link", href, label))
            style = _link_style(pal, safe, n)
            if kind in ("link", "ref") and label:
                _inline_into(out, label, pal, refs, actions, style)
            else:
                out.append(label or href, style)
        elif kind == "bold":
            _inline_into(out, m.group("bbody") or m.group("ubody"), pal, refs, actions,
                         (outer or Style()) + Style(bold=True))
        elif kind == "strike":
            _inline_into(out, m.group("sbody"), pal, refs, actions, (outer or Style()) + Style(strike=True))
        elif kind == "project":
            out.append(m.group(0), (outer or Style()) + pal.project)
        else:
            _inline_into(out, m.group("ebody") or m.group("e2body"), pal, refs, actions,
                         (outer or Style()) + Style(italic=True))
    if pos < len(text):
        out.append(text[pos:], outer)


def _add(actions: list[Action] | None, action: Action) -> int | None:
    if actions is None:
        return None
    actions.append(action)
    return len(actions) - 1


# ── reading the block structure ──────────────────────────────────────────────────────────────────


def _unquote(line: str) -> tuple[int, str]:
    depth, pos = 0, 0
    while True:
        m = _QUOTE.match(line, pos)
        if not m:
            break
        depth += 1
        pos = m.end()
    return depth, line[pos:]


def _indent_of(spaces: str) -> int:
    width = len(spaces.expandtabs(4))
    return width // 4 if width % 4 == 0 else (width + 1) // 2


def _split_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", s)]


def _aligns(line: str) -> list[str]:
    out = []
    for c in _split_cells(line):
        c = c.strip()
        if c.startswith(":") and c.endswith(":"):
            out.append("center")
        elif c.endswith(":"):
            out.append("right")
        else:
            out.append("left")
    return out


def build_rows(lines: Sequence[str], pal, highlight: int | None = None) -> list[Row]:
    """Every source line (numbered from 1) as one row object, read as Markdown."""
    n = len(lines)
    refs: dict[str, str] = {}
    for ln in lines:
        if "]:" in ln:
            m = _REFDEF.match(ln)
            if m:
                refs.setdefault(_ref_key(m.group(1)), m.group(2))

    # A link whose text wraps onto the next line (`The [weekly` / `meeting](url) discussed`): each
    # half is shown as link text (the line-by-line reading would show the brackets and the URL).
    link_tail: dict[int, str] = {}
    link_head: set[int] = set()
    for i in range(n - 1):
        if "[" in lines[i] and "](" in lines[i + 1]:
            m1 = _OPEN_LINK.search(lines[i])
            m2 = _CLOSE_LINK.match(lines[i + 1]) if m1 else None
            if m2:
                link_tail[i] = "](" + m2.group(1) + ")"
                link_head.add(i + 1)

    rows: list[Row] = []
    fence = None  # (char, length, indent, quote depth, CodeBlock, code indent)
    table: TableInfo | None = None
    front_end = 0
    if n and lines[0].strip() == "---":
        for i in range(1, min(n, 200)):
            if lines[i].strip() in ("---", "..."):
                front_end = i + 1
                break
    list_open = False
    prev_text: list[int] = []  # indexes of the plain paragraph lines just above (setext headings)
    in_comment = False
    bars: dict[int, Text] = {}

    def bar(depth: int) -> Text | None:
        if not depth:
            return None
        got = bars.get(depth)
        if got is None:
            got = bars[depth] = Text()
            got.append(QUOTE_BAR * depth, pal.quote)  # a span, not the base style: it must not spread
        return got

    for i, raw in enumerate(lines):
        line = raw.expandtabs(4) if "\t" in raw else raw
        if i < front_end:
            rows.append(Hanging(Text(line, pal.muted)))
            continue
        depth, rest = (0, line)
        if ">" in line[:4] and (fence is None or fence[3]):
            depth, rest = _unquote(line)
        prefix = bar(depth)
        if fence is None and (i in link_tail or i in link_head):
            if i in link_head:
                k = len(rest) - len(rest.lstrip(" "))
                rest = rest[:k] + "[" + rest[k:]
            if i in link_tail:
                rest = rest.rstrip() + link_tail[i]
        stripped = rest.strip()
        if fence is not None:
            indent = len(rest) - len(rest.lstrip(" "))
            if depth < fence[3] or (stripped and fence[2] and indent < fence[2]):
                fence = None
            elif indent - fence[2] <= 3 and fence_closes(stripped, fence[0], fence[1]):
                rows.append(Hanging(Text(""), fence[5], None, None, prefix, pal.code_bg))
                fence = None
                continue
            else:
                block = fence[4]
                k = min(fence[2], indent)
                block.lines.append(rest[k:])
                rows.append(CodeRow(block, len(block.lines) - 1, fence[5], prefix, pal.code_bg))
                continue
        if in_comment:
            rows.append(Hanging(Text(rest, pal.muted), 0, None, None, prefix))
            if "-->" in rest:
                in_comment = False
            continue
        if table is not None and not (TABLE_ROW_RE.match(rest) and stripped):
            table = None
        if not stripped:
            rows.append(Hanging(Text(""), 0, None, None, prefix))
            prev_text = []
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            rows.append(Hanging(Text(rest, pal.muted), 0, None, None, prefix))
            prev_text = []
            continue
        lead = rest[: len(rest) - len(rest.lstrip(" "))]
        if stripped[0] in "`~":
            fo = fence_open(stripped)
            if fo is not None and len(lead) <= 3 + (8 if list_open else 0):
                indent = _indent_of(lead) * 2
                block = CodeBlock(fo[2], bg=pal.code_bg_hex, dark=pal.dark)
                fence = (fo[0], fo[1], len(lead), depth, block, indent)
                label = Text(" " + fo[2].split()[0] if fo[2] else "", pal.muted)
                rows.append(Hanging(label, indent, None, None, prefix, pal.code_bg))
                prev_text = []
                continue
        m = HEADING_RE.match(rest)
        if m:
            level = len(m.group(1))
            rows.append(Hanging(inline(m.group(2) or "", pal, pal.heading if level == 1 else pal.subheading, refs),
                                0, None, None, prefix))
            list_open = False
            prev_text = []
            continue
        if prev_text and SETEXT_RE.match(rest) and not list_open:
            # `Title` over `===` / `---`: the paragraph above is a heading, this line its underline.
            level_style = pal.heading if stripped[0] == "=" else pal.subheading
            cells = 0
            for j in prev_text:
                old = rows[j]
                if isinstance(old, Hanging):
                    body = old.body.copy()
                    body.stylize(level_style)
                    rows[j] = Hanging(body, old.indent, old.marker, None, old.prefix, None, old.actions)
                    cells = max(cells, body.cell_len)
            rows.append(RuleRow(level_style, cells, prefix))
            prev_text = []
            continue
        if HR_RE.match(rest):
            rows.append(RuleRow(pal.muted, None, prefix))
            list_open = False
            prev_text = []
            continue
        if TABLE_ROW_RE.match(rest):
            if table is None:
                table = TableInfo(first_line=i + 1)
            if TABLE_DELIM_RE.match(rest):
                table.rows.append([])
                table.aligns = _aligns(rest)
                table.header_rows = len(table.rows) - 1
                header = None
            else:
                table.rows.append([inline(c, pal, None, refs) for c in _split_cells(rest)])
                header = None
            rows.append(TableRow(table, len(table.rows) - 1, pal.table, header, prefix, _indent_of(lead) * 2))
            prev_text = []
            continue
        if "]:" in stripped and _REFDEF.match(rest):
            rows.append(Hanging(Text(stripped, pal.muted), 0, None, None, prefix))
            prev_text = []
            continue
        m = ITEM_RE.match(rest)
        if m and not (m.group(4) is None and m.group(2)[0].isdigit()):
            d = _indent_of(m.group(1))
            marker = m.group(2)
            bullet = _BULLETS[d % len(_BULLETS)] if marker in "-*+" else marker
            actions: list[Action] = []
            body = inline(m.group(4) or "", pal, None, refs, actions)
            rows.append(Hanging(body, d * 2, Text(bullet + " ", pal.muted), None, prefix, None, tuple(actions)))
            list_open = True
            prev_text = []
            continue
        if not lead and list_open and (not rows or _blank(rows[-1])):
            list_open = False
        actions = []
        body = inline(stripped, pal, None, refs, actions)
        rows.append(Hanging(body, _indent_of(lead) * 2 if lead else 0, None, None, prefix, None, tuple(actions)))
        if not lead and not depth and not list_open:
            prev_text.append(len(rows) - 1)
        else:
            prev_text = []
    # Header rows of tables: the rows above their delimiter row.
    for row in rows:
        if isinstance(row, TableRow) and row.index < row.table.header_rows:
            row.header = pal.table_header
    if highlight is not None and 1 <= highlight <= len(rows):
        rows[highlight - 1] = rows[highlight - 1].with_style(pal.highlight)
    return rows


def _blank(row: Row) -> bool:
    return isinstance(row, Hanging) and not row.body.plain and row.fill is None


def raw_rows(lines: Sequence[str], pal, highlight: int | None = None, number_width: int = 0) -> list[Row]:
    """Every source line as written (the raw view), with line numbers when `number_width` is given."""
    rows: list[Row] = []
    for no, line in enumerate(lines, 1):
        marker = Text(f"{no:>{number_width}} ", pal.muted) if number_width else None
        rows.append(Hanging(Text(line), 0, marker, pal.highlight if no == highlight else None))
    return rows
