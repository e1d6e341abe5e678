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

from ...index.formats import counted
from ...index.timeline import Timeline
from ...index.workspace import Workspace
from ..render import SPARK_BARS, fold, theme_colour
from ..commands import VIEW_COMMANDS
from ..keys import bindings
from ..offthread import Abandoned, abandonable, show_failure


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:g}%"


NAME_CELLS = 10  # at most this much of a row for an author's name


def _bar(v: float) -> str:
    """A progress percentage as a bar on a fixed 0–100 % scale: a scale fitted to the data would draw
    a single figure, or 98 → 98, as a full bar."""
    return SPARK_BARS[min(len(SPARK_BARS) - 1, max(0, round(v / 100 * (len(SPARK_BARS) - 1))))]


def spark_rows(t: Timeline, width: int, team: bool, muted: Style) -> tuple[Text, Text]:
    """The project's progress as sparklines `width` cells wide, one cell (two when there is room) per
    week, and the axis under them: in a team's folder one line per author (`·` a week they wrote
    without a figure), else one line. The newest weeks are kept when not all fit."""
    weeks = t.week_labels
    series = t.progress_by_author()
    if not series:
        return Text("no progress figures", style=muted), Text("")
    if not team:
        merged: dict[str, float] = {}
        for _, values in series:
            for week, v in values.items():
                merged.setdefault(week, v)
        series = [(None, merged)]
    wrote = {(w.author if team else None, w.report.week or w.report.label) for w in t.weeks}
    names = [Text(a or "–") for a, _ in series] if team else [Text("") for _ in series]
    for name in names:
        name.truncate(NAME_CELLS, overflow="ellipsis")
    name_w = max(n.cell_len for n in names) + 1 if team else 0
    lasts = [_fmt(values[next(w for w in reversed(weeks) if w in values)]) for _, values in series]
    tail = max(len(x) for x in lasts) + 1
    room = max(4, width - name_w - tail)
    cell = 2 if 2 * len(weeks) <= room else 1
    shown = weeks[-(room // cell):]
    lines = []
    for (author, values), name, last in zip(series, names, lasts):
        line = Text(no_wrap=True, overflow="ellipsis")
        if team:
            line.append_text(name)
            line.append(" " * (name_w - name.cell_len))
        for week in shown:
            if week in values:
                line.append(_bar(values[week]) * cell, style="bold")
            else:
                line.append(("·" if (author, week) in wrote else " ").ljust(cell), style=muted)
        line.append(f" {last}", style=muted)
        line.truncate(width, overflow="ellipsis")
        lines.append(line)
    rows = Text("\n", no_wrap=True).join(lines)
    first = ("… " if len(shown) < len(weeks) else "") + shown[0]
    axis = Text(" " * name_w + first, style=muted, no_wrap=True, overflow="ellipsis")
    end = shown[-1]
    gap = len(shown) * cell - len(first) - len(end)
    if len(shown) > 1 and gap >= 2:
        axis.append(" " * gap + end)
    elif len(shown) > 1:
        axis.append(f" – {end}")
    if axis.cell_len + 11 <= width:
        axis.append("  (0–100 %)")
    axis.truncate(width, overflow="ellipsis")
    return rows, axis


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
    TimelineScreen #timeline-spark { height: auto; margin-top: 1; }
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
        self._spark_built = self._entries_built = 0  # the widths the sparklines and entries were laid out for

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
        self._entries_built = self._entries_width()
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
        self.call_after_refresh(self._show_spark)  # (once the box has its width)

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
        dated = [w.report.week for w in t.weeks if w.report.week]
        n = len(t.week_labels)
        span = f"{min(dated)} – {max(dated)}" if dated else ""
        count = f"{n} week{'s' if n != 1 else ''}" if t.weeks else "no weeks"
        if len(t.weeks) != n:
            count += f" ({counted(len(t.weeks), 'report')})"
        out = Text.assemble(("Timeline  ", "bold"), (t.name, "bold underline"), aka,
                            f"   {count}" + (f", {span}" if span else ""))
        if self.team and t.authors:
            out.append(f"   by {', '.join(t.authors)}")
        return out

    def _spark_width(self) -> int:
        width = self.query_one("#timeline-spark-box").content_size.width
        return width or max(20, (self.app.size.width or 100) // 3)

    def _show_spark(self) -> None:
        width = self._spark_width()
        self._spark_built = width
        rows, axis = spark_rows(self.timeline, width, self.team, self._muted())
        self.query_one("#timeline-spark", Static).update(rows)
        self.query_one("#timeline-spark-labels", Static).update(axis)

    def on_resize(self) -> None:
        """A new size: the sparklines and the entries are laid out for the new width."""
        if self.timeline is not None:
            self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        if self.timeline is None or not self.is_attached:
            return
        if self._spark_width() != self._spark_built:
            self._show_spark()
        width = self._entries_width()
        if width != self._entries_built:
            self._entries_built = width
            for i in range(len(self.timeline.weeks)):
                self.query_one(f"#timeline-week-{i}", Static).update(self._week_text(i))

    def _entries_width(self) -> int:
        return max(30, (self.app.size.width or 100) - 6)

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
        width = self._entries_width()
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
                return item.subtree()
    return []
