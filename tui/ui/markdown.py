"""Markdown as markdown-it-py reads it: the parser the report view, compare and the team week render from.

CommonMark with tables and strikethrough, HTML allowed (it is rendered, never shown as tags), and
mdit-py-plugins for front matter, task lists, footnotes (kept where they are written, so every source
line keeps its place) and definition lists. Front matter — YAML, or metadata lines `Title: …` at the top —
follows the model's rule (`tui.model.frontmatter`), so the view and the parser always agree on where a
report's body starts.

markdown-it-py is imported when the first report is drawn, never by the subcommands.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from ..model.frontmatter import front_matter_end

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=2)
def parser(front_matter: bool = True) -> "MarkdownIt":
    """The markdown-it-py parser of the view (`front_matter=False`: without the front matter rule)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    if front_matter:
        md.use(front_matter_plugin)
    md.use(tasklists_plugin).use(footnote_plugin, inline=False, move_to_end=False).use(deflist_plugin)
    return md


def parse(text: str, lines: Sequence[str] | None = None, env: dict | None = None) -> list["Token"]:
    """The block tokens of a report (`env` receives the reference and footnote definitions). Front
    matter is what the model takes for it: when the plugin reads other lines as front matter than the
    model does, the text is read again without it."""
    lines = text.split("\n") if lines is None else lines
    env = {} if env is None else env
    want = front_matter_end(lines)
    if not want or lines[0].strip() == "---":  # (the plugin reads YAML only, never metadata lines)
        tokens = parser(True).parse(text, env)
        got = next((t.map[1] for t in tokens[:1] if t.type == "front_matter" and t.map), 0)
        if got == want:
            return tokens
        env.clear()
    tokens = parser(False).parse(text, env)
    if want:
        # The model's front matter (YAML closed by `...` indented, metadata lines `Title: …`): its lines
        # become one token.
        from markdown_it.token import Token

        head = Token("front_matter", "", 0, map=[0, want], content="\n".join(lines[1 : want - 1]),
                     block=True, hidden=True)
        tokens = [head] + [t for t in tokens if not t.map or t.map[0] >= want]
        _drop_orphans(tokens)
    return tokens


def _drop_orphans(tokens: list["Token"]) -> None:
    """Remove closing tokens whose opening token was dropped (with the front matter's lines)."""
    depth: list[str] = []
    keep = []
    for t in tokens:
        if t.nesting == 1:
            depth.append(t.type[:-5])
        elif t.nesting == -1:
            if not depth or depth[-1] != t.type[:-6]:
                continue
            depth.pop()
        keep.append(t)
    tokens[:] = keep


# ── soft line breaks (CSS Text 3, segment break transformation) ──────────────────────────────────


@lru_cache(maxsize=4096)
def _wide(ch: str) -> bool:
    """East Asian Wide, Fullwidth or Halfwidth, and not Hangul (Korean keeps its spaces)."""
    o = ord(ch)
    if 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F or 0xAC00 <= o <= 0xD7AF:
        return False
    return unicodedata.east_asian_width(ch) in ("W", "F", "H")


def soft_break(before: str, after: str) -> str:
    """What a line break inside a paragraph becomes between the character `before` it and the one
    `after` it: nothing between two CJK characters (a Chinese sentence wrapped in the source reads as
    one), a space otherwise (Latin words stay apart)."""
    if not before or not after:
        return ""
    if before == "\u200b" or after == "\u200b":
        return ""
    return "" if _wide(before) and _wide(after) else " "


# ── the first screen of a long report ────────────────────────────────────────────────────────────

_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:")
_FOOTNOTE = re.compile(r" {0,3}\[\^([^\]\s]+)\]:")


def definitions(lines: Sequence[str]) -> dict:
    """What every part of a report reads alike: its link reference definitions (markdown-it's env
    `references`) and its footnotes' numbers (`footnotes`: label → number, in the order written)."""
    found = [line for line in lines if "]:" in line and _DEFINITION.match(line)]
    env: dict = {}
    if found:
        parser(False).parse("\n\n".join(found), env)  # (each definition a block of its own)
    numbers: dict[str, int] = {}  # footnote label → its number, in the order the footnotes are written
    for line in found:
        m = _FOOTNOTE.match(line)
        if m and m.group(1) not in numbers:
            numbers[m.group(1)] = len(numbers) + 1
    return {"references": env.get("references", {}), "footnotes": numbers}

_TOP_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HTML_LONG = re.compile(r" {0,3}<(?:(script|pre|style|textarea)(?:[\s>]|$)|(!--)|(\?)|(![A-Za-z])|(!\[CDATA\[))",
                        re.IGNORECASE)
_HTML_END = {1: re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE), 2: re.compile("-->"),
             3: re.compile(r"\?>"), 4: re.compile(">"), 5: re.compile(r"\]\]>")}


_OPENS_NOTHING = re.compile(r"[^\s>:|\-*+0-9]|[-*+](?![ \t]|$)|\d+(?![.)\d])")


def part_starts(lines: Sequence[str], stop: int | None = None) -> list[int]:
    """The lines a part of a report can start on and be read on its own: markdown-it reads the lines
    from there to the next such line exactly as it reads them within the whole report (given the
    report's `definitions`). That is the first line, and every line after a blank line that starts at
    the margin and opens nothing the lines above could go on with — not a list item, a quote, a table
    row or a definition (`: …`) — outside code fences and long HTML blocks (`<pre>`, `<!-- … -->`).
    With `stop`: those before line `stop` and the first one from there on only."""
    fence: tuple[str, int] | None = None
    html_end: re.Pattern | None = None
    start = front_matter_end(lines)
    out = [0]
    for i in range(start, len(lines)):
        if stop is not None and i > stop and out[-1] >= stop:
            break
        line = lines[i]
        c = line[:1]
        if fence is not None:
            if c in " `~":
                s = line.strip()
                if s[:1] == fence[0] and s.startswith(fence[0] * fence[1]) and not s.lstrip(fence[0]).strip() \
                        and len(line) - len(line.lstrip(" ")) < 4:
                    fence = None
            continue
        if html_end is not None:
            if html_end.search(line):
                html_end = None
            continue
        if c and i > start and not lines[i - 1].strip() and _OPENS_NOTHING.match(line):
            out.append(i)
        if (c == "`" or c == "~" or c == " ") and ("``" in line or "~~" in line):
            m = _FENCE.match(line)
            if m:
                run = m.group(1)
                if not (run[0] == "`" and "`" in line[m.end():]):
                    fence = (run[0], len(run))
        elif c == "<" or (c == " " and "<" in line and line.lstrip(" ")[:1] == "<"):
            h = _HTML_LONG.match(line)
            if h:
                kind = next(k for k in range(1, 6) if h.group(k))
                if not _HTML_END[kind].search(line, h.end()):
                    html_end = _HTML_END[kind]
    return out


def split_parts(lines: Sequence[str], size: int, must: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The report's lines as parts [a, b) of about `size` lines or more, each starting on a
    `part_starts` line or on one of `must` (a part runs on to the next one however long it is)."""
    n = len(lines)
    parts: list[tuple[int, int]] = []
    a = 0
    forced = set(must)
    for k in sorted(set(part_starts(lines)) | forced):
        if 0 < k < n and (k - a >= size or k in forced):
            parts.append((a, k))
            a = k
    if a < n or not parts:
        parts.append((a, n))
    return parts


def part_around(lines: Sequence[str], first: int, last: int) -> tuple[int, int]:
    """The lines [a, b) holding lines [first, last) that can be read on their own (see `part_starts`):
    only the report's lines up to there are looked at."""
    starts = part_starts(lines, stop=last)
    a = max((k for k in starts if k <= first), default=0)
    b = next((k for k in starts if k >= last), len(lines))
    return a, b
