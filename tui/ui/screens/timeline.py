"""A project's timeline: its progress figures as a sparkline, a week table, and every week's entries."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, LoadingIndicator, Static
from textual.worker import Worker, get_current_worker

from ...index.timeline import Timeline
from ...index.workspace import Workspace
from ..render import fold, theme_colour
from ..commands import VIEW_COMMANDS
from ..keys import bindings
from ..offthread import Abandoned, abandonable, show_failure


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:g}%"


_BLOCKS = "▁▂▃▄▅▆▇█"


class TimelineScreen(Screen):
    """Every week's entries for one project, oldest first, with its progress over the weeks.

    The timeline is gathered in a thread worker as the screen opens (a spinner meanwhile, keys
    answered; escape leaves at once) and the screen fills in when it is done."""

    @dataclass
    class Computed(Message):
        """The project's timeline is ready."""

        timeline: Timeline

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("timeline")

    DEFAULT_CSS = """
    TimelineScreen { layout: vertical; }
    TimelineScreen #timeline-title { height: auto; padding: 0 1; }
    TimelineScreen #timeline-top { height: auto; max-height: 50%; }
    TimelineScreen #timeline-spark-box { width: 1fr; height: auto; padding: 0 1; }
    TimelineScreen #timeline-spark { height: 1; margin-top: 1; }
    TimelineScreen #timeline-spark-labels { height: auto; color: $text-muted; }
    TimelineScreen #timeline-table { width: 2fr; height: auto; max-height: 14; }
    TimelineScreen #timeline-entries { height: 1fr; border: round $panel; padding: 0 1; }
    TimelineScreen .timeline-week { margin-bottom: 1; }
    TimelineScreen #timeline-loading { height: 1fr; }
    """

    def __init__(self, workspace: Workspace, project_key: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.library = workspace.library
        self.project_key = project_key
        self.timeline: Timeline | None = None  # None while it is gathered
        self.team = workspace.is_team()  # several people's reports: every entry says who wrote it

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Timeline  ", "bold"), (self.project_key, "bold underline"), "   gathering…"),
                     id="timeline-title")
        yield LoadingIndicator(id="timeline-loading")
        with Horizontal(id="timeline-top"):
            with Vertical(id="timeline-spark-box"):
                yield Static(id="timeline-spark")
                yield Static(id="timeline-spark-labels")
            yield DataTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield VerticalScroll(id="timeline-entries")
        yield Footer()

    def on_mount(self) -> None:
        for part in self.query("#timeline-top, #timeline-entries"):
            part.display = False
        self._gather(self.project_key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline")
    def _gather(self, key: str) -> None:
        """Gather the project's weeks off the UI thread; the result is posted back (dropped once the
        screen is closed: closing or quitting never waits for it)."""
        try:
            timeline = abandonable(lambda: self.workspace.timeline(key))
        except Abandoned:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Computed(timeline))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Gathering that raised: say so here, and show the error dialog."""
        show_failure(self, event, "timeline-loading", "timeline-title", "could not gather this timeline (see the error)")

    async def on_timeline_screen_computed(self, message: Computed) -> None:
        """The timeline is ready: the spinner gives way to the chart, the table and the entries."""
        self.timeline = t = message.timeline
        await self.query_one("#timeline-loading", LoadingIndicator).remove()
        self.query_one("#timeline-title", Static).update(self._title())
        self.query_one("#timeline-spark", Static).update(self._spark())
        self.query_one("#timeline-spark-labels", Static).update(self._spark_caption())
        entries = self.query_one("#timeline-entries", VerticalScroll)
        blocks = [Static(self._week_text(i), classes="timeline-week", id=f"timeline-week-{i}")
                  for i in range(len(t.weeks))]
        if not t.weeks:
            blocks.append(Static(Text(f"No report mentions the project {self.project_key!r}.")))
        for part in self.query("#timeline-top, #timeline-entries"):
            part.display = True
        await entries.mount_all(blocks)
        table = self.query_one("#timeline-table", DataTable)
        if self.team:
            table.add_columns("week", "author", "label", "progress", "status")
        else:
            table.add_columns("week", "label", "progress", "status")
        for i, w in enumerate(self.timeline.weeks):
            status = Text(w.status, no_wrap=True, overflow="ellipsis")
            who = [Text(w.author or "–")] if self.team else []
            table.add_row(w.report.week or "undated", *who, Text(w.report.label), _fmt(w.first_progress), status,
                          key=str(i))
        table.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Opening a week waits for the timeline (shown dimmed meanwhile)."""
        if action == "open":
            return None if self.timeline is None else True
        return True

    # ── rendering ───────────────────────────────────────────────────────────────────────────────

    def _muted(self) -> Style:
        return Style(color=theme_colour(self.app.theme_variables, "text-muted", "#888888"))

    def _title(self) -> Text:
        t = self.timeline
        names = list(dict.fromkeys(p.name for w in t.weeks for p in w.projects))
        aka = f"  (also {', '.join(n for n in names if n != t.name)})" if len(names) > 1 else ""
        span = f"{t.weeks[0].report.week} – {t.weeks[-1].report.week}" if t.weeks else "no weeks"
        out = Text.assemble(("Timeline  ", "bold"), (t.name, "bold underline"), aka,
                            f"   {len(t.weeks)} weeks, {span}")
        if self.team and t.authors:
            out.append(f"   by {', '.join(t.authors)}")
        return out

    def _spark(self) -> Text:
        """One cell per week on a fixed 0–100 % scale (progress is a percentage), `·` where a week has none.

        A scale fitted to the data would draw a single figure, or 98 → 98, as a full bar.
        """
        cells = []
        for w in self.timeline.weeks:
            v = w.first_progress
            if v is None:
                cells.append(("·", self._muted()))
            else:
                cells.append((_BLOCKS[min(len(_BLOCKS) - 1, max(0, round(v / 100 * (len(_BLOCKS) - 1))))], "bold"))
        out = Text("0–100 %  ")
        wide = 2 if len(cells) <= 30 else 1
        for ch, style in cells:
            out.append(ch * wide, style=style)
        return out

    def _spark_caption(self) -> Text:
        pts = self.timeline.progress_series()
        if not pts:
            return Text("no progress figures")
        who = (lambda w: f" {w.author}" if w.author else "") if self.team else (lambda w: "")
        return Text("progress  " + "  ".join(f"{w.report.week or w.report.label}{who(w)} {_fmt(v)}" for w, v in pts))

    def _week_text(self, i: int) -> Text:
        w = self.timeline.weeks[i]
        muted = self._muted()
        out = Text.assemble((f"{w.report.week or 'undated'}  ", "bold"))
        if self.team:
            out.append(f"{w.author or '–'} · ", style="bold")
        out.append_text(Text.assemble((w.report.label, "bold"), (f"  {w.report.source.name}", muted)))
        if w.progress:
            out.append(f"  progress {', '.join(_fmt(v) for v in w.progress)}", style=muted)
        out.append("\n")
        width = max(30, (self.app.size.width or 100) - 6)
        base = min((ln for ln, _ in w.entries), default=0)
        depth_of = {}
        for p in w.projects:
            for item in _items_under(w.report, p.line):
                depth_of[item.line] = item.depth
        for ln, text in w.entries:
            depth = depth_of.get(ln, 0) - depth_of.get(base, 0)
            pre = "  " * max(0, depth) + "• "
            row = Text.assemble((f"{ln:>4} ", muted), pre, Text(text))
            for part in fold(row, width, indent=5 + len(pre)):
                out.append_text(part)
                out.append("\n")
        out.rstrip()
        return out

    # ── actions ─────────────────────────────────────────────────────────────────────────────────

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        try:
            block = self.query_one(f"#timeline-week-{event.row_key.value}", Static)
        except Exception:
            return
        self.query_one("#timeline-entries", VerticalScroll).scroll_to_widget(block, top=True, animate=False)

    @on(DataTable.RowSelected, "#timeline-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(int(event.row_key.value))

    def action_open(self) -> None:
        """Open the highlighted week's report at the project."""
        table = self.query_one("#timeline-table", DataTable)
        if self.timeline is not None and self.timeline.weeks:
            self._open(table.cursor_row)

    def _open(self, i: int) -> None:
        if self.timeline is not None and 0 <= i < len(self.timeline.weeks):
            w = self.timeline.weeks[i]
            self.app.open_report(w.report, w.line)

    def action_back(self) -> None:
        """Close the timeline."""
        if self.is_current:  # a second escape queued behind the first must not close the next screen
            self.app.pop_screen()


def _items_under(report, line: int):
    """The item at a source line and its descendants (for indentation)."""
    for sec in report.sections:
        for item in sec.all_items():
            if item.line == line:
                return list(item.walk())
    return []
