"""A fuzzy week picker: type a few characters of a label, ISO week, date or title; enter picks."""

from __future__ import annotations

from rapidfuzz import fuzz
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...index.library import Library
from ...model.report import Report
from ..keys import bindings

#: Minimum fuzzy score (0..100) for a week to stay in the list while typing.
CUTOFF = 60.0


def _fields(r: Report) -> list[str]:
    fields = [r.label, r.week or "undated", r.title, r.source.name]
    if r.author:
        fields.append(r.author)
        if r.week:
            fields.append(f"{r.author} {r.week}")
    if r.start and r.end:
        fields.append(f"{r.start:%Y-%m-%d} {r.end:%Y-%m-%d}")
    return [f.casefold() for f in fields if f]


def score_week(query: str, r: Report) -> float:
    """How well a query matches a report's label, week, title, dates or file name (0..100)."""
    q = query.strip().casefold()
    if not q:
        return 100.0
    best = 0.0
    for f in _fields(r):
        if q in f:
            best = max(best, 100.0 + (1.0 if f.startswith(q) else 0.0))
        else:
            best = max(best, fuzz.partial_ratio(q, f) if len(q) <= len(f) else fuzz.ratio(q, f))
    return best


def filter_weeks(reports: list[Report], query: str, exclude: Report | None = None) -> list[Report]:
    """Reports matching the query, best first (week order among equals)."""
    scored = [(score_week(query, r), n, r) for n, r in enumerate(reports) if r is not exclude]
    kept = [(s, n, r) for s, n, r in scored if s >= CUTOFF]
    kept.sort(key=lambda t: (-t[0], t[1]))
    return [r for _, _, r in kept]


def week_option_text(r: Report, author: bool = False) -> Text:
    """`2024-W23  2024-W23  06-03–06-09  title` as plain text (report text is never markup); `author`
    (a team's library): led by `AUTHOR · `."""
    t = Text(no_wrap=True, overflow="ellipsis")
    if author:
        t.append(r.author or "–", style="bold")
        t.append(" · ", style="dim")
    t.append(r.label, style="bold")
    t.append("  ")
    t.append(r.week or "undated", style="dim")
    if r.start and r.end:
        t.append("  ")
        t.append(f"{r.start:%Y-%m-%d}–{r.end:%m-%d}", style="dim")
    if r.title and r.title != r.label:
        t.append("  " + r.title)
    if r.warnings:
        t.append("  ")
        t.append("!", style="bold")
    return t


class WeekPickerModal(ModalScreen[Report | None]):
    """Pick a week by typing: dismisses with the chosen report, or None on escape."""

    DEFAULT_CSS = """
    WeekPickerModal { align: center middle; }
    WeekPickerModal #week-picker {
        width: 72; max-width: 95%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    WeekPickerModal #week-picker-title { width: 1fr; text-style: bold; color: $text-primary; }
    WeekPickerModal #week-picker-list { height: auto; max-height: 16; border: none; }
    WeekPickerModal #week-picker-empty { color: $text-muted; display: none; }
    WeekPickerModal #week-picker.-empty #week-picker-empty { display: block; }
    """

    BINDINGS = bindings("week-picker")

    def __init__(self, library: Library, exclude: Report | None = None, title: str = "Compare with…",
                 default: Report | None = None, authors: bool = False) -> None:
        super().__init__()
        self.library = library
        self.exclude = exclude
        self.title_text = title
        self.default = default  # the week the cursor starts on (`c`: the same author's previous report)
        self.authors = authors  # a team's library: every row leads with its author
        self.shown: list[Report] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="week-picker"):
            yield Label(Text(self.title_text), id="week-picker-title")
            yield Input(placeholder="week, label, date or title…", id="week-picker-input")
            yield OptionList(id="week-picker-list")
            yield Label("no week matches", id="week-picker-empty")

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one(Input).focus()

    def _refilter(self, query: str) -> None:
        self.shown = filter_weeks(self.library.reports, query, self.exclude)
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(week_option_text(r, self.authors), id=str(n)) for n, r in enumerate(self.shown)])
        if self.shown:
            ol.highlighted = 0
            if not query.strip() and self.default is not None:
                at = next((i for i, r in enumerate(self.shown) if r is self.default), None)
                if at is not None:
                    ol.highlighted = at
        self.query_one("#week-picker").set_class(not self.shown, "-empty")

    @on(Input.Changed, "#week-picker-input")
    def _query_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(Input.Submitted, "#week-picker-input")
    def _query_submitted(self, event: Input.Submitted) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and 0 <= ol.highlighted < len(self.shown):
            self.dismiss(self.shown[ol.highlighted])

    @on(OptionList.OptionSelected, "#week-picker-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_move(self, step: int) -> None:
        """Move the highlight while typing."""
        ol = self.query_one(OptionList)
        if not self.shown:
            return
        current = ol.highlighted if ol.highlighted is not None else -1
        ol.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        """Close without picking."""
        self.dismiss(None)
