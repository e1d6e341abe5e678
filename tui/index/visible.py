"""Inline Markdown as a reader sees it (link text, not link syntax): the report view's, the compare
screen's and every search hit's rendering of a line.

Standard library only: `reports-tui search` prints its hits with it, and imports nothing else for that.
"""

from __future__ import annotations

import re

_VISIBLE = re.compile(
    # a target may hold one level of balanced parentheses, as CommonMark allows (`a_(b).pptx`)
    r"!\[(?P<alt>[^\]]*)\]\((?P<src>(?:[^()\s]|\([^()\s]*\))*)(?:[^()]|\([^()]*\))*\)"
    r"|\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"
    r"|<(?P<auto>(?:https?|mailto):[^>\s]+)>"
    r"|\\(?P<esc>[!-/:-@\[-`{-~])"
    r"|(?P<mark>\*\*|__|~~)(?=\S)(?P<inner>.+?)(?<=\S)(?P=mark)"
    r"|`(?P<code>[^`]+)`"
)


def visible_text(text: str) -> str:
    """Inline Markdown as a reader sees it in the report view: link text instead of `[text](url)`, an
    image as `▣ alt` (or its file name), no escapes, emphasis marks or code ticks."""
    if not any(c in text for c in _MARKUP):
        return text
    return _visible(text, 0, None)


def visible_spans(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`visible_text(text)` and the spans of `text` (a search hit's matches) moved onto it: a span
    keeps the characters of it that show (none of a hidden link target)."""
    if not any(c in text for c in _MARKUP):
        return text, spans
    where: list[int] = []  # where in `text` each character shown comes from
    shown = _visible(text, 0, where)
    marked = bytearray(len(text))
    for a, b in spans:
        for k in range(max(0, a), min(b, len(text))):
            marked[k] = 1
    out: list[tuple[int, int]] = []
    for i, src in enumerate(where):
        if not marked[src]:
            continue
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return shown, out


_MARKUP = "[]<\\*_~`"


def _visible(text: str, base: int, where: list[int] | None) -> str:
    """`visible_text` of text found at `base` of a line; `where` (when given) gets, for each character
    shown, its offset in that line."""
    out: list[str] = []

    def emit(piece: str, at: int | list[int]) -> None:
        out.append(piece)
        if where is not None:
            where.extend(range(at, at + len(piece)) if isinstance(at, int) else at)

    last = 0
    for m in _VISIBLE.finditer(text):
        emit(text[last:m.start()], base + last)
        last = m.end()
        if m.group("src") is not None:
            alt = m.group("alt")
            emit("▣ ", [base + m.start()] * 2)
            if alt:
                emit(alt, base + m.start("alt"))
            else:
                name = m.group("src").split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "image"
                emit(name, [base + m.start("src")] * len(name))
        elif m.group("text") is not None or m.group("inner") is not None:
            group = "text" if m.group("text") is not None else "inner"  # (may hold more Markdown)
            out.append(_visible(m.group(group), base + m.start(group), where))
        elif m.group("auto") is not None:
            emit(m.group("auto"), base + m.start("auto"))
        elif m.group("esc") is not None:
            emit(m.group("esc"), base + m.start("esc"))
        else:
            emit(m.group("code"), base + m.start("code"))
    emit(text[last:], base + last)
    return "".join(out)
