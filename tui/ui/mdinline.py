"""Inline Markdown, from markdown-it-py's inline tokens into a `TextFlow`: emphasis, strikethrough, code,
links (their text; an OSC 8 hyperlink for http(s)/mailto targets), images (the mark and the alt text),
footnote references (`[1]`), inline HTML (`htmltext`), soft and hard line breaks, bare URLs as links,
and `【project】` names stressed. Report text only ever becomes `rich.text.Text`, never markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from rich.style import Style

from .htmltext import VOID, HtmlTags, TextFlow, file_name, image_label
from .rows import Action

if TYPE_CHECKING:
    from markdown_it.token import Token

_SAFE_URL = re.compile(r"(?i)^(https?://|mailto:)[^\s\x00-\x1f\x7f-\x9f]+$")
_TEXT_SPECIAL = re.compile(r"(?P<project>【[^】\n]{1,40}】)"
                           r"|(?P<url>(?<![\w/@.])https?://[^\s<>()\[\]{}，。；、）】「」（【]+)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_BOLD, _ITALIC, _STRIKE = Style(bold=True), Style(italic=True), Style(strike=True)


def safe_url(url: str) -> str | None:
    """An http(s)/mailto URL fit for an OSC 8 hyperlink (non-ASCII percent-encoded), else None."""
    url = url.strip()
    if not _SAFE_URL.match(url):
        return None
    return quote(url, safe="!#$%&'()*+,-./:;=?@[]~_")


def link_style(pal, url: str | None, n: int | None) -> Style:
    """A link's style: the theme's, with an OSC 8 hyperlink for a safe URL and its action's index."""
    style = pal.link
    safe = safe_url(url) if url else None
    meta = {"action": n} if n is not None else None
    if safe or meta:
        style = style + Style(link=safe, meta=meta)
    return style


def new_flow(pal) -> tuple[TextFlow, HtmlTags]:
    """An empty flow and the HTML tag handler that writes into it."""
    flow = TextFlow(pal)
    tags = HtmlTags(flow, lambda url, n: link_style(pal, url, n),
                    lambda n: pal.image + Style(meta={"action": n}))
    return flow, tags


def _text(flow: TextFlow, s: str, in_link: bool) -> None:
    if "【" not in s and "http" not in s:
        flow.add(s)
        return
    pos = 0
    pal = flow.pal
    for m in _TEXT_SPECIAL.finditer(s):
        if m.lastgroup == "url" and in_link:
            continue
        flow.add(s[pos : m.start()])
        if m.lastgroup == "project":
            flow.add(m.group(0), pal.project)
            pos = m.end()
        else:
            url = m.group("url").rstrip(".,;:!?'\"")
            n = len(flow.actions)
            flow.actions.append(Action("link", url, url))
            flow.add(url, link_style(pal, url, n))
            pos = m.start() + len(url)
    flow.add(s[pos:])


class _OneTag(HTMLParser):
    """Reads the attributes of one HTML tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.attrs = attrs

    handle_startendtag = handle_starttag


def _html_inline(tags: HtmlTags, html: str) -> None:
    """One inline HTML token: a tag (its attributes read by the standard HTML parser), or a comment."""
    m = _TAG.match(html)
    if not m:
        return  # a comment, a processing instruction, a declaration: not shown
    name = m.group(2).lower()
    if m.group(1):
        tags.end(name)
        return
    reader = _OneTag()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # noqa: BLE001 - a malformed tag: no attributes
        pass
    tags.start(name, reader.attrs)
    if html.rstrip().endswith("/>") and name not in VOID:
        tags.end(name)


def footnote_mark(number: int | None) -> str:
    """How a footnote is referred to and headed: `[1]` for the first one written."""
    return f"[{number}]" if number else "[*]"


# A line that is a field — a short key, a colon, a value (`Created by: 张三`, `负责人：李四`, `进度：80%`) —
# or an entry that starts with a date (`5/27 10:20 监控发现…`, `2024-07-10 …`).
_FIELD = re.compile(r"^[\s>]*(?:[-*+]\s+)?(?:\d{1,4}[/.-]\d{1,2}\b"
                    r"|[^\s:：]{1,16}(?: [^\s:：]{1,16}){0,2}\s*(?:：|:(?![/\d]))\s*\S)")


def field_breaks(lines: Sequence[str]) -> set[int]:
    """The lines of a paragraph (`lines`, its source lines) that start on a row of their own although
    only a soft break comes before them: a field or dated entry under another. A Notion export's
    properties, a Chinese report's `负责人：张三` / `进度：80%` and an incident log are one entry per line,
    and joined they would read `张三进度：80%`."""
    return {k for k in range(1, len(lines)) if _FIELD.match(lines[k]) and _FIELD.match(lines[k - 1])}


def inline_into(flow: TextFlow, tags: HtmlTags, children: Sequence["Token"], hard: set[int] = frozenset(),
                footnotes: dict[str, int] | None = None) -> None:
    """Render one inline token list (a paragraph's, a heading's, a table cell's) into `flow`; every
    soft or hard break moves to the block's next source line (a soft break before a line in `hard`
    is a hard one). `footnotes`: each footnote's number by its label."""
    pal = flow.pal
    line = 0
    links = 0  # open links (a bare URL inside link text is text)
    for tok in children:
        t = tok.type
        if t == "text":
            if tags.dropping:
                continue
            _text(flow, tok.content, links > 0)
        elif t == "softbreak":
            line += 1
            if line in hard:
                flow.hard()
            else:
                flow.soft()
            flow.line(line)
        elif t == "hardbreak":
            line += 1
            flow.hard()
            flow.line(line)
        elif t == "code_inline":
            flow.add(tok.content, pal.code)
        elif t in ("strong_open", "em_open", "s_open"):
            flow.push(_BOLD if t == "strong_open" else _ITALIC if t == "em_open" else _STRIKE)
        elif t in ("strong_close", "em_close", "s_close", "link_close"):
            if t == "link_close":
                links = max(links - 1, 0)
            flow.pop()
        elif t == "link_open":
            href = str(tok.attrs.get("href", ""))
            n = len(flow.actions)
            flow.actions.append(Action("link", href))
            flow.push(link_style(pal, href, n))
            links += 1
        elif t == "image":
            src = str(tok.attrs.get("src", ""))
            n = len(flow.actions)
            flow.actions.append(Action("image", src, tok.content or file_name(src)))
            flow.add(image_label(tok.content, src), pal.image + Style(meta={"action": n}))
        elif t == "html_inline":
            _html_inline(tags, tok.content)
            line += tok.content.count("\n")
            flow.line(line)
        elif t == "footnote_ref":
            flow.add(footnote_mark((footnotes or {}).get(str((tok.meta or {}).get("label")))), pal.link)
        elif tok.content:
            flow.add(tok.content)  # (text_special: an escaped character or an entity)
    tags.close_all()
