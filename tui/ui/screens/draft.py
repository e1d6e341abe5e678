"""Next week's draft on a screen of its own: the Markdown to paste, every place to update marked `→ ?`;
`y` copies it whole, `e` opens it in $EDITOR as a temporary file (never in a report folder)."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from ...config import is_served
from ...index.draft import MARK, Draft, draft_report
from ...model.report import Report
from ...model.text import sanitize
from ...model.vocab import Vocabulary
from ...model.weeks import period_text
from ..commands import VIEW_COMMANDS
from ..keys import bindings
from ..linebreak import break_lines, break_ranges


_MARKED = re.compile(r"→ \?[^\s，。,;；、：:)）|]{0,2}")  # the marker and the unit after it (`→ ?%`, `→ ?分钟`)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")  # a list item's marker: its text's continuation lines up under it


def _fold(text: Text, width: int, indent: int) -> list[Text]:
    """A line folded to `width` cells (CJK between characters: `linebreak`), later rows indented."""
    plain = text.plain
    ranges = break_ranges(plain, width)
    if len(ranges) == 1 or indent >= width // 2:
        return break_lines(text, width)
    first, rest = ranges[0], ranges[1][0]
    rows = [text[first[0]:first[1]]]
    for s, e in break_ranges(plain[rest:], width - indent):
        rows.append(Text(" " * indent) + text[rest + s:rest + e])
    return rows


class DraftScreen(Screen):
    """The report after the open one, as Markdown to copy or edit."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("draft")

    DEFAULT_CSS = """
    DraftScreen #draft-title { height: 1; padding: 0 1; background: $panel; }
    DraftScreen #draft-body { height: 1fr; border: round $panel; padding: 0 1; }
    DraftScreen #draft-body:focus { border: round $primary; }
    DraftScreen #draft-text { width: 1fr; height: auto; }
    """

    def __init__(self, report: Report, history: list[Report], vocab: Vocabulary, now: datetime | None = None) -> None:
        super().__init__(id="draft")
        self.now = now  # when the draft is written (None: the moment it is)
        self.report = report
        self.history = history  # the author's reports, for the rhythm of the series
        self.vocab = vocab
        self.draft: Draft | None = None  # written in a thread (a report of megabytes takes a moment)
        self.text = ""
        self.path: str | None = None  # the temporary file `e` edits (made on the first `e`)

    def compose(self) -> ComposeResult:
        yield Static("", id="draft-title", markup=False)
        with VerticalScroll(id="draft-body"):
            yield Static("", id="draft-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#draft-title", Static).update(Text.assemble(("Draft ", "bold"), "writing the report after ",
                                                                    (self.report.label, "bold"), " …"))
        body = self.query_one("#draft-body", VerticalScroll)
        body.border_title = Text(f"{MARK} marks what to update · y copies · e edits")
        body.focus()
        self._write()

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft")
    def _write(self) -> None:
        words = self.app.config.team().done_words
        draft = draft_report(self.report, self.history, self.now or datetime.now(), vocab=self.vocab, words=words)
        self.app.call_from_thread(self._written, draft)

    def _written(self, draft: Draft) -> None:
        if not self.is_attached:
            return  # (closed meanwhile)
        self.draft, self.text = draft, draft.text
        when = f"{draft.week} {period_text(draft.start, draft.end, draft.period)}" if draft.start and draft.end \
            else "undated"
        title = Text.assemble(("Draft ", "bold"), (draft.title, "bold"), f" · {when} · after {self.report.label}")
        title.no_wrap = True
        title.overflow = "ellipsis"
        self.query_one("#draft-title", Static).update(title)
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A draft that failed to be written: the error dialog, as for any worker."""
        self.app.report_worker_error(event.worker)

    def _ready(self) -> bool:
        if self.draft is None:
            self.notify("Still writing the draft…", timeout=2, markup=False)
        return self.draft is not None

    def on_resize(self) -> None:
        self.call_after_refresh(self._show)

    def _show(self) -> None:
        """The draft's text, headings and `→ ?` markers in the theme's colours (the text is never markup),
        each line folded to the width, a list item's continuation under its text."""
        pal = self.app.palette
        width = max(20, self.query_one("#draft-body", VerticalScroll).scrollable_content_region.width)
        rows: list[Text] = []
        for line in sanitize(self.text).split("\n"):
            text = Text(line)
            if line.startswith("#"):
                text.stylize(pal.subheading)
            text.highlight_regex(_MARKED, pal.project)
            item = _ITEM.match(line)
            rows.extend(_fold(text, width, item.end() if item else 0))
        self.query_one("#draft-text", Static).update(Text("\n").join(rows))

    def action_scroll(self, lines: int) -> None:
        """Scroll the draft by lines."""
        self.query_one("#draft-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_copy(self) -> None:
        """Copy the whole draft to the clipboard (OSC 52)."""
        if not self._ready():
            return
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the draft for {self.draft.title} ({self.text.count(chr(10))} lines)", timeout=3,
                    markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a browser session there is no editor to open: `e` is not offered."""
        return not (action == "edit" and is_served())

    def on_key(self, event) -> None:
        """`e` in a browser session says why nothing opens (the editor would open on the server)."""
        from ..editor import explain_no_editor

        explain_no_editor(self, event, "Editing the draft is not available in a browser session: y copies it.")

    def action_edit(self) -> None:
        """Open the draft in $EDITOR as a temporary file; what is saved there is shown (and copied by `y`)."""
        from ..editor import editor_command, run_editor

        if not self._ready():
            return
        if editor_command() is None:
            self.notify("Set $EDITOR to edit the draft; y copies it.", severity="warning", markup=False)
            return
        try:
            if self.path is None:
                fd, self.path = tempfile.mkstemp(prefix="reports-tui-draft-", suffix=".md")
                os.close(fd)
            with open(self.path, "w", encoding="utf-8", newline="\n") as f:
                f.write(self.text)
        except OSError as exc:
            self.notify(f"Cannot write a temporary file: {exc}", severity="error", markup=False)
            return
        problem = run_editor(self.app, self.path)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                self.text = f.read()
        except OSError as exc:
            self.notify(f"Cannot read the edited draft back: {exc}", severity="error", markup=False)
            return
        self._show()
        self.notify(f"Edited draft: {self.path} (y copies it)", timeout=5, markup=False)

    def action_back(self) -> None:
        """Back to the report."""
        if self.is_current:
            self.app.pop_screen()
