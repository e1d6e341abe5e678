"""The search screen's result list: hits grouped by project, each hit a heading row (where it is) and a
line row (the matched text with the row's whole width), hits of one place under one heading.

Every row's height is known before it is drawn (a group's heading one line, a hit one or two), so the
list is laid out without making a row's text, and only the rows on screen are ever made and drawn: 40
or 300 hits cost the same to show (`HitList`). Report text only ever becomes `rich.text.Text` built
from plain strings, never markup.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from rich.style import Style
from rich.text import Text
from textual.message import Message

from ...index.search.engine import Hit, SearchResult
from ..compat import KnownHeightOptionList, LinedOption, option_first_line
from ..week_rows import labels_beside, shorten_shared

INDENT = 4  # a hit's line sits under its heading, this far in


def hit_heading(hit: Hit, muted: Style, room: int = 0, beside: tuple[str | None, str | None] = (None, None)) -> Text:
    """Where a hit is: its week, its label (when it is not just the week), author and section. In `room`
    cells, a long label's prefix shared with the labels of the headings `beside` it gives way to `…`
    (the week list's rule), so that the issue or month and the section show."""
    week = hit.report.week or ""
    label = hit.report.label if hit.report.label != week else ""
    shown = hit.text.strip().lstrip("#").strip()
    rest = Text()
    for part in (hit.author, hit.section if hit.section != shown else ""):  # (a heading's hit is its section)
        if part:
            rest.append(f" · {part}", muted)
    out = Text.assemble((week or "undated", muted))
    if label:
        if room:
            label = shorten_shared(label, room - out.cell_len - 2 - rest.cell_len, *beside)
        out.append("  ")
        out.append(label, "bold")
    return out + rest


def hit_line(hit: Hit, mark: Style, room: int = 0) -> Text:
    """The hit's line as a reader sees it (link text, not link syntax), matches marked; on a line
    longer than `room` cells the text before the first match is dropped so the match shows."""
    from ...index.visible import visible_spans

    text, spans = visible_spans(hit.text, list(hit.spans))
    body = Text(text)
    for a, b in spans:
        body.stylize(mark, a, b)
    if spans and room and body.cell_len > room and spans[0][0] > room // 3:
        start = max(0, spans[0][0] - room // 4)
        body = Text("…") + body[start:]
    body.no_wrap = True
    body.overflow = "ellipsis"
    return body


def _one_row(text: Text, width: int) -> Text:
    """A row that never wraps: cut to `width` cells (an ellipsis where it is cut)."""
    if width:
        text.truncate(width, overflow="ellipsis")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def hit_rows(hit: Hit, mark: Style, muted: Style, width: int = 0, heading: bool = True,
             beside: tuple[str | None, str | None] = (None, None)) -> list[Text]:
    """One result's rows: the hit's heading (left out when `heading` is false; `beside`: the labels of
    the headings around it), then its line with the whole row's width for the matched text."""
    line = _one_row(Text(" " * INDENT) + hit_line(hit, mark, max(10, width - INDENT) if width else 0), width)
    if not heading:
        return [line]
    return [_one_row(Text("  ") + hit_heading(hit, muted, max(0, width - 2), beside), width), line]


def place(hit: Hit) -> tuple:
    """What a hit's heading says: hits in a row with the same place share one heading."""
    return (id(hit.report), hit.author, hit.section)


@dataclass
class _Group:
    key: str | None
    name: str
    hits: list[Hit]


def group_hits(hits: list[Hit]) -> list[_Group]:
    """Hits grouped by project (lines outside any project last), groups in the order of their best hit."""
    groups: OrderedDict[str | None, _Group] = OrderedDict()
    for h in hits:
        g = groups.get(h.project)
        if g is None:
            g = groups[h.project] = _Group(h.project, h.project_name or "", [])
        g.hits.append(h)
    out = [g for k, g in groups.items() if k is not None]
    if None in groups:
        out.append(groups[None])
    return out


def week_counts(hits: list[Hit]) -> list[tuple[str, int]]:
    """(week label, hits) per week, oldest first."""
    counts: OrderedDict[str, int] = OrderedDict()
    for h in sorted(hits, key=lambda h: h.order):
        label = h.report.week or h.report.label
        counts[label] = counts.get(label, 0) + 1
    return list(counts.items())


def counts_text(counts: list[tuple[str, int]]) -> str:
    """`2024-W20 ×3  2024-W21 ×1`; undated issues after the first lose the long title they share with the
    one before (`山海周刊（第 401 期） ×3  …（第 402 期） ×1`), so more of them fit on the line."""
    out = []
    for i, (label, n) in enumerate(counts):
        shown = shorten_shared(label, 0, counts[i - 1][0]) if i else label
        out.append(f"{shown} ×{n}")
    return "  ".join(out)


class HitOption(LinedOption):
    """A row of the result list that is `height` lines tall, its lines made when first drawn (`make()`)."""

    def __init__(self, make: Callable[[], list[Text]], height: int, id: str | None = None,
                 disabled: bool = False, key: tuple | None = None) -> None:
        super().__init__("", id=id, disabled=disabled)
        self._make = make
        self._made: list[Text] | None = None
        self.height = max(1, height)
        self.key = key

    def take_lines(self, other: LinedOption) -> None:  # noqa: D102 - (its lines as made, if it made them)
        if self._made is None and isinstance(other, HitOption):
            self._made = other._made

    @property
    def prompt_lines(self) -> list[Text]:  # noqa: D102 - (made on first use)
        if self._made is None:
            self._made = self._make()
        return self._made

    @property
    def prompt(self) -> Text:  # noqa: D102 - (Option.prompt: the lines joined)
        lines = self.prompt_lines
        return lines[0] if len(lines) == 1 else _one_row(Text("\n").join(lines), 0)


class _Same:
    """An object in a key, compared by identity (a report is a dataclass: equal by value, unhashable);
    it keeps the object alive, so its id is never another's while the key is held."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


def hit_options(result: SearchResult, width: int, mark: Style, muted: Style) -> tuple[list[HitOption], dict[str, Hit]]:
    """The rows of a result, `width` cells wide (none made yet), and the hit of each hit row's id."""
    def group_row(g: _Group) -> Callable[[], list[Text]]:
        def make() -> list[Text]:
            counts = counts_text(week_counts(g.hits))
            head = Text.assemble((g.name or "other lines", "bold"), (f"  {len(g.hits)}  ", muted), (counts, muted))
            return [_one_row(head, width)]
        return make

    def hit_row(h: Hit, heading: bool, beside: tuple[str | None, str | None]) -> Callable[[], list[Text]]:
        return lambda: hit_rows(h, mark, muted, width, heading=heading, beside=beside)

    options: list[HitOption] = []
    hits: dict[str, Hit] = {}
    for g in group_hits(result.hits):
        options.append(HitOption(group_row(g), 1, disabled=True))
        # (hits in a row from one place share a heading; a heading's long label gives way where it
        # shares its start with the labels of the headings around it)
        headed = [i for i, h in enumerate(g.hits) if i == 0 or place(h) != place(g.hits[i - 1])]
        labels = [g.hits[i].report.label for i in headed]
        beside = {i: labels_beside(labels.__getitem__, len(labels), k) for k, i in enumerate(headed)}
        for i, h in enumerate(g.hits):
            oid = f"hit-{len(hits)}"
            hits[oid] = h
            heading = i in beside
            near = beside.get(i, (None, None))
            key = (_Same(h.report), h.line, h.text, tuple(h.spans), h.author, h.section, heading, near, width, mark, muted)
            options.append(HitOption(hit_row(h, heading, near), 2 if heading else 1, id=oid, key=key))
    return options, hits


class HitList(KnownHeightOptionList):
    """The result list (`HitOption` rows: laid out from their heights, made only when drawn); says when
    its size changed, so its rows are cut anew for the width.

    A new list takes from the one it replaces the rows that look the same (`HitOption.key`): their lines
    as made, and, at the same place in the list, their lines as drawn. The whole list that follows a
    keystroke's page starts with most of the page's rows on screen, and a key that leaves a hit's row as
    it was (a space typed) draws it again without making it."""

    class Resized(Message):
        """The list has a new size."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    def first_line(self, index: int | None) -> int | None:
        """The line of the list where option `index` starts (None: no such option)."""
        return None if index is None else option_first_line(self, index)
