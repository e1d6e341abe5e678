"""Text flows: styled text built piece by piece from one block of a report, and HTML rendered into them.

A `TextFlow` collects a block's text (a paragraph, a heading, an HTML block) with the character offset
where each of its source lines starts, so the view knows on which screen row every source line lands.
A soft line break becomes nothing between two CJK characters and a space otherwise (`markdown.soft_break`).

HTML is rendered, never shown as tags: `<u>`/`<ins>` underline, `<mark>` a highlight, `<b>`, `<i>`,
`<s>`, `<code>`, `<kbd>` a key, `<sub>`/`<sup>` as sub/superscript characters where Unicode has them,
`<br>` a line break, `<img alt>` the image mark, `<a href>` a link; block tags (`<p>`, `<div>`,
`<details>`, `<summary>`, `<li>`, table rows…) start a new line; `<script>`/`<style>` and comments
are dropped; any other tag is dropped and its text kept. Report text only becomes `rich.text.Text`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Callable

from rich.style import Style
from rich.text import Text

from .markdown import soft_break
from .rows import Action

IMAGE_MARK = "▣ "
CHECKED, UNCHECKED = "☑ ", "☐ "

_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUB = str.maketrans("0123456789+-=()aeox", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓ")
_SUP_OK = frozenset("0123456789+-=()ni")
_SUB_OK = frozenset("0123456789+-=()aeox")
_SPACES = re.compile(r"[ \t\r\f\v]+")

# Tags that start a line of their own (and end it), as a browser lays them out.
BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr ul "
    "caption".split())
DROP_CONTENT = frozenset(("script", "style", "template", "head", "title", "noscript"))
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def file_name(src: str) -> str:
    """The file name at the end of an image's path or URL (what shows when it has no alt text)."""
    src = src.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return src.rsplit("/", 1)[-1] or src


def image_label(alt: str, src: str) -> str:
    """What an image shows: the mark and its alt text (else its file name)."""
    return IMAGE_MARK + (alt or file_name(src) or "image")


def tag_style(tag: str, pal) -> Style | None:
    """The style of text inside an inline HTML tag (None: the tag only adds no style)."""
    if tag in ("b", "strong", "th", "dt"):
        return Style(bold=True)
    if tag in ("i", "em", "cite", "var", "dfn"):
        return Style(italic=True)
    if tag in ("u", "ins"):
        return Style(underline=True)
    if tag in ("s", "del", "strike"):
        return Style(strike=True)
    if tag == "mark":
        return pal.mark
    if tag == "kbd":
        return pal.kbd
    if tag in ("code", "tt", "samp"):
        return pal.code
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return pal.heading if tag == "h1" else pal.subheading
    if tag == "summary":
        return Style(bold=True)
    return None


class TextFlow:
    """The styled text of one block, with the offset where each source line starts and the links and
    images it holds (`actions`; a link's or an image's style carries its index there as meta)."""

    def __init__(self, pal, actions: list | None = None) -> None:
        self.pal = pal
        self.text = Text()
        self.starts = [0]
        self.actions: list = [] if actions is None else actions
        self._pending: str | None = None  # "soft", "space" or "block": what goes before the next text
        self._last = ""  # the last character of the text
        self._line = 0  # the source line the next text comes from (0: the block's first)
        self._styles: list[Style | None] = []
        self._style: Style | None = None
        self.sup = 0
        self.sub = 0

    # ── styles ───────────────────────────────────────────────────────────────────────────────────

    def push(self, style: Style | None) -> None:
        """Style what follows (until `pop`) with `style` on top of the styles in force."""
        self._styles.append(style)
        self._restyle()

    def pop(self) -> None:
        """End the innermost `push`."""
        if self._styles:
            self._styles.pop()
            self._restyle()

    def _restyle(self) -> None:
        style = None
        for s in self._styles:
            if s is not None:
                style = s if style is None else style + s
        self._style = style

    # ── text ─────────────────────────────────────────────────────────────────────────────────────

    def add(self, s: str, style: Style | None = None) -> None:
        """Append text (in the styles in force, and `style`)."""
        if not s:
            return
        if "\t" in s:
            s = s.replace("\t", "    ")  # (a tab as four cells; the flow's line offsets stay its own)
        if self.sup and set(s) <= _SUP_OK:
            s = s.translate(_SUP)
        elif self.sub and set(s) <= _SUB_OK:
            s = s.translate(_SUB)
        text = self.text
        pending = self._pending
        if pending is not None:
            self._pending = None
            last = self._last
            if last and last != "\n":
                if pending == "block":
                    text.append("\n")
                elif pending == "soft":
                    text.append(soft_break(last, s[0]))
                elif last != " " and s[0] != " ":
                    text.append(" ")
        if self._line >= len(self.starts):
            at = len(text)
            self.starts.extend([at] * (self._line + 1 - len(self.starts)))
        if style is not None:
            style = style if self._style is None else self._style + style
        else:
            style = self._style
        text.append(s, style)
        self._last = s[-1]

    def at_line_start(self) -> bool:
        """Whether the next text starts a line."""
        return self._last in ("", "\n") or self._pending == "block"

    def soft(self) -> None:
        """A line break inside a paragraph (resolved when the next text comes)."""
        if self._pending != "block":
            self._pending = "soft"

    def space(self) -> None:
        """Collapsible white space (HTML): one space before the next text, if any."""
        if self._pending is None:
            self._pending = "space"

    def block(self) -> None:
        """A block tag: the next text starts a new line (never a blank one)."""
        self._pending = "block"

    def hard(self) -> None:
        """A hard line break (`<br>`, two trailing spaces, a trailing backslash)."""
        self._pending = None
        self.text.append("\n")
        self._last = "\n"

    def line(self, n: int) -> None:
        """The next text comes from source line `n` of the block (0: its first)."""
        self._line = max(self._line, n)

    def add_html_text(self, data: str, first_line: int) -> None:
        """Text between HTML tags: white space collapsed, a line break inside it a soft break."""
        for k, piece in enumerate(data.split("\n")):
            if k:
                self.soft()
                self.line(first_line + k)
            if not piece:
                continue
            parts = _SPACES.split(piece)
            if parts[0] == "":
                self.space()  # (after a line break: absorbed by it)
            words = [p for p in parts if p]
            for j, word in enumerate(words):
                if j:
                    self.space()
                self.add(word)
            if parts[-1] == "" and words:
                self.space()

    def finish(self, lines: int) -> tuple[Text, list[int]]:
        """The text (trailing line breaks removed) and the start offset of each of `lines` source lines."""
        text = self.text
        plain = text.plain
        end = len(plain.rstrip("\n"))
        if end < len(plain):
            text = text[:end]
        starts = [min(s, end) for s in self.starts[:lines]]
        while len(starts) < lines:
            starts.append(end)
        return text, starts


# ── HTML tags into a flow ────────────────────────────────────────────────────────────────────────


def _attr(attrs: list[tuple[str, str | None]], name: str) -> str:
    for k, v in attrs:
        if k == name and v is not None:
            return v
    return ""


class HtmlTags:
    """Opens and closes HTML tags on a flow (used for inline HTML, one tag at a time, and for HTML
    blocks); `link_style(url, n)` styles a link whose action has index `n`."""

    def __init__(self, flow: TextFlow, link_style: Callable[[str, int], Style], image_style: Callable[[int], Style]):
        self.flow = flow
        self.link_style = link_style
        self.image_style = image_style
        self.open: list[str] = []  # tags pushed on the flow, innermost last
        self.dropping = 0  # inside <script>/<style>: text is dropped

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An opening tag (or a void one such as `<br>`, `<img>`)."""
        flow = self.flow
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if tag == "br":
            flow.hard()
            return
        if tag == "img":
            src, alt = _attr(attrs, "src"), _attr(attrs, "alt")
            n = len(flow.actions)
            flow.actions.append(Action("image", src, alt or file_name(src)))
            flow.add(image_label(alt, src), self.image_style(n))
            return
        if tag == "input":
            if _attr(attrs, "type").lower() == "checkbox":
                checked = any(k == "checked" for k, _ in attrs)
                flow.add(CHECKED if checked else UNCHECKED, flow.pal.muted)
            return
        if tag == "hr":
            flow.block()
            flow.add("───", flow.pal.muted)
            flow.block()
            return
        if tag in VOID:
            return
        if tag in BLOCK_TAGS:
            flow.block()
            if tag == "li":
                flow.add("• ", flow.pal.muted)
            elif tag == "summary":
                flow.add("▸ ", flow.pal.muted)
        if tag in ("td", "th") and not flow.at_line_start():
            flow.add(" │ ", flow.pal.muted)
        style: Style | None = None
        if tag == "a":
            href = _attr(attrs, "href")
            if href:
                n = len(flow.actions)
                flow.actions.append(Action("link", href))
                style = self.link_style(href, n)
        else:
            style = tag_style(tag, flow.pal)
        if tag == "kbd":
            flow.add(" ", None if style is None else style + Style(underline=False))
        self.open.append(tag)
        flow.push(style)
        if tag == "sup":
            flow.sup += 1
        elif tag == "sub":
            flow.sub += 1

    def end(self, tag: str) -> None:
        """A closing tag: ends the innermost open tag of that name (and any left open inside it)."""
        flow = self.flow
        if tag in DROP_CONTENT:
            self.dropping = max(self.dropping - 1, 0)
            return
        if tag in self.open:
            while self.open:
                t = self.open.pop()
                if t == "kbd":
                    flow.add(" ")
                flow.pop()
                if t == "sup":
                    flow.sup = max(flow.sup - 1, 0)
                elif t == "sub":
                    flow.sub = max(flow.sub - 1, 0)
                if t == tag:
                    break
        if tag in BLOCK_TAGS:
            flow.block()

    def close_all(self) -> None:
        """End every tag left open (a block's inline HTML never leaks into the next block)."""
        while self.open:
            self.end(self.open[-1])


class _BlockReader(HTMLParser):
    """Feeds one HTML block to `HtmlTags`, keeping track of the source line of every piece of text."""

    def __init__(self, tags: HtmlTags) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = tags

    def handle_starttag(self, tag, attrs):
        self.tags.flow.line(self.getpos()[0] - 1)
        self.tags.start(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.tags.end(tag)

    def handle_endtag(self, tag):
        self.tags.end(tag)

    def handle_data(self, data):
        if self.tags.dropping:
            return
        self.tags.flow.add_html_text(data, self.getpos()[0] - 1)

    def handle_comment(self, data):
        pass


def html_block(flow: TextFlow, html: str, tags: HtmlTags) -> None:
    """An HTML block rendered into `flow` (text kept, tags obeyed as the module says, never shown)."""
    reader = _BlockReader(tags)
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # noqa: BLE001 - html.parser on hostile input: show what was read so far
        pass
    tags.close_all()
