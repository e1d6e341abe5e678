"""The main screen: week list and section tree on the left, the report in the middle, KPIs on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, Tree

from ...index.formats import week_dates
from ...index.library import EVERYONE, Library, LookupFailed, is_team
from ...index.team import step_week
from ...index.workspace import Workspace
from ...index.series import Series
from ...model.report import Report
from ...config import is_served
from ...model.text import printable_name, sanitize
from ..commands import MAIN_COMMANDS
from ..keys import bindings
from ..widgets.key_footer import KeyFooter
from ..widgets.kpi_panel import KpiPanel
from ..widgets.report_view import ReportView
from ..widgets.section_tree import SectionTree
from ..widgets.week_list import WeekList
from .team_lead import TeamLeadKeys

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

NARROW = 110  # below this width the KPI panel moves under the report
SHORT = 32  # below this height (when narrow) the KPI panel is one line until `p` opens it


class MainScreen(TeamLeadKeys, Screen):
    """Where a user reads: pick a week, jump between sections, watch the KPIs move."""

    COMMANDS = MAIN_COMMANDS

    BINDINGS = bindings("main")

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="main")
        self.workspace = workspace  # the library shown and what is derived from it (the app's)
        self.library: Library = Library()
        self.series: list[Series] = []
        self.current: Report | None = None
        self.history: list[tuple[Report, float]] = []
        self.raw = False
        self._open_timer: Timer | None = None
        self.kpi_toggled = False  # `p`: the KPI panel in its other state (hidden, one line or full)
        self.only: object = EVERYONE  # `a`: the one author whose reports the week list shows
        self.team = False  # several people's reports: rows name authors, KPIs follow the open report's author
        self.any_kpis = False  # some report of the library has KPIs
        self._opened_by_itself: Report | None = None  # the report a first load opened, until the reader moves
        self._stepping: tuple[str | None, Report] | None = None  # `[` `]` in a team: whose weeks, and where
        self._detail_shown: tuple[str, ...] = ()  # the warnings the week detail shows
        self._kpi_width: int | None = None  # the width set on the KPI box (None: the stylesheet's)

    def compose(self) -> ComposeResult:
        # The terminal's size classes before the panes are styled: set once they are, each class would
        # style every widget of the screen again (three times at 80×24) before the first frame.
        self._size_classes(self.app.size.width, self.app.size.height)
        self._kpi_classes()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield WeekList(id="weeks")
                yield Static("", id="week-detail", markup=False)
                yield SectionTree(id="sections")
            with Vertical(id="center"):
                yield Static("", id="report-title", markup=False)
                with Vertical(id="loading"):
                    yield Static("reading reports…", id="loading-text", markup=False)
                    # (the bar, `#loading-bar`, is added when a load first shows it: `_loading_bar`)
                yield Static("", id="empty", markup=False)
                yield ReportView(id="report")
            with VerticalScroll(id="right", can_focus=False):
                yield KpiPanel(id="kpis")
        yield Static("", id="problems", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#right").border_title = "KPIs"
        self.query_one("#weeks").border_title = "Weeks"
        self.query_one("#sections").border_title = "Sections"
        self._show_loading(True)
        self._layout_for(self.app.size.width, self.app.size.height)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self.apply_theme))
        self.app.main_ready()

    # ── library and report ───────────────────────────────────────────────────────────────────────

    def show_progress(self, done: int, total: int | None, detail: str = "") -> None:
        """Loading progress (the UI keeps answering meanwhile). The bar appears once there is
        something to parse: a library read from the cache shows before an animated bar would help."""
        shown = total is None or done < total
        bar = self._loading_bar(make=shown)
        if bar is not None:
            if shown:
                bar.display = True
            bar.update(total=total, progress=done)
        self.query_one("#loading-text", Static).update(
            f"reading reports… {detail}" if detail else f"reading reports… {done}" + (f" of {total}" if total else ""))

    def _loading_bar(self, make: bool) -> ProgressBar | None:
        """The loading bar (`make`: added now if it is not yet). Added when a load first shows it: a
        library read from the cache never does, and its widgets and styles would cost the first screen."""
        found = self.query("#loading-bar")
        if found or not make:
            return found.first() if found else None
        from textual.widgets import ProgressBar

        bar = ProgressBar(id="loading-bar", show_eta=False)
        self.query_one("#loading").mount(bar)
        return bar

    def _show_loading(self, loading: bool, empty: bool = False) -> None:
        # The loading line above the (still empty) report while loading. Set on the widgets, not as
        # a class of the screen: a screen class restyles every widget on it once more before the
        # first report can show. The report view stays laid out, so it has its width when the
        # first report arrives (no second layout pass).
        self.query_one("#loading").display = loading
        bar = self._loading_bar(make=False) if loading else None
        if bar is not None:
            bar.display = False
        self.query_one(ReportView).display = not empty

    def show_partial(self, library: Library) -> None:
        """While the first load runs: the reports read so far (in week order, with their authors), to scroll
        and open; the loading line stays. Until the reader moves, the newest report read so far (or the
        `--week` asked for) is the open one; `set_library` keeps the report the reader opened meanwhile."""
        if not library.reports:
            return
        first = self.current is None
        moved = self._reader_moved()
        reader = self._reader_on() if moved else None  # (the open report, or the week the cursor moved to)
        self.library = library
        self._show_loading(True)
        weeks = self.query_one(WeekList)
        if moved:
            current = self._same_report(reader) if reader is not None else None
        else:
            current = self._first_report(quiet=True)
        people = library.authors()
        weeks.set_reports(library.reports, current, authors=is_team(people))
        weeks.border_title = f"Weeks · {len(people)} people" if is_team(people) else "Weeks"
        if not moved and current is not None and (self.current is None or current.source != self.current.source):
            self.show_report(current, push_history=False)
            self._opened_by_itself = current
        elif moved and current is not None and self.current is not None and current.source != self.current.source:
            self.show_report(current)  # (the week the cursor moved to, about to open)
        if first and self.focused is None:
            weeks.focus()

    def _first_report(self, quiet: bool = False) -> Report | None:
        """The report to open on a first load: the week `--week` names, else the newest (`Library.newest`).
        A `--week` that names nothing is said once (`quiet`: not yet, while reports are still read)."""
        wanted = getattr(self.app.args, "week", None)
        if wanted:
            try:
                return self.library.open_week(wanted)
            except LookupFailed as exc:
                if not quiet:
                    self.app.args.week = None
                    self.notify(str(exc), severity="error", timeout=10, markup=False)
        return self.library.newest()

    def _reader_moved(self) -> bool:
        """Whether the reader moved since the app opened a report by itself — opened another, scrolled it,
        or moved the week list's cursor: a load that ends then leaves their report open."""
        auto, current = self._opened_by_itself, self.current
        if current is None:
            return False
        if auto is None or current.source != auto.source or self.query_one(ReportView).scroll_y > 0:
            return True
        cursor = self.query_one(WeekList).highlighted_report
        return cursor is not None and cursor.source != current.source

    def set_library(self, library: Library, reload: bool = False) -> None:
        """Show a (new) library; after a reload the open report stays open at the same place."""
        self.library = library
        workspace = self.workspace
        self.team = workspace.is_team()
        if self.only is not EVERYONE and (not self.team or self.only not in workspace.authors()):
            self.only = EVERYONE
        self.set_class(self.team, "-team")
        self.query_one(WeekList).unread = self._unread if self.team else None
        self.series = workspace.kpi_series()
        self.any_kpis = bool(self.series)
        self._apply_kpi_mode()
        self.refresh_bindings()
        self._show_loading(False, empty=not library.reports)
        self.set_class(not library.reports, "-empty")
        weeks = self.query_one(WeekList)
        old = self._reader_on()
        same = self._same_report(old) if old is not None else None
        self.history = [(r2, y) for r, y in self.history if (r2 := self._same_report(r)) is not None]
        self._show_problems()
        if not library.reports:
            self.current = None
            weeks.set_reports([])
            self.query_one(SectionTree).set_report(None)
            self.query_one(ReportView).show(None)
            self.query_one(KpiPanel).set_data([], None, self.app.palette)
            self._show_empty()
            return
        if not reload and not self._reader_moved():
            same = None  # (a first load ends: the newest report, or `--week`, unless the reader moved)
        target = same or (self._first_report() if not reload or old is None else self._nearest(old))
        self._opened_by_itself = target if same is None and not reload else None
        if self.only is not EVERYONE and target.author != self.only:
            self.only = EVERYONE
        weeks.set_reports(self.listed, target, authors=self.team)
        self._title_weeks()
        view = self.query_one(ReportView)
        scroll = view.scroll_y if (reload and same is not None) else None
        self.current = None
        self.show_report(target, push_history=False, scroll_y=scroll)
        if not reload and self.focused is not weeks:
            weeks.focus()  # (focusing again would rebuild the footer's keys for nothing)

    def _reader_on(self) -> Report | None:
        """The report the reader is on: the open one, or the one the week list's cursor just moved to
        and opens after its short pause (a library replaced meanwhile must not lose that move)."""
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_timer = None
            pending = self.query_one(WeekList).highlighted_report
            if pending is not None:
                return pending
        return self.current

    def _same_report(self, report: Report) -> Report | None:
        for r in self.library.reports:
            if r.source == report.source:
                return r
        return None

    @property
    def listed(self) -> list[Report]:
        """The reports the week list shows: every one (while a library loads: those read so far), or one
        author's (`a`, palette "only NAME")."""
        if self.only is EVERYONE:
            return self.library.reports
        return self.workspace.reports_of(self.only)

    def _title_weeks(self) -> None:
        weeks = self.query_one(WeekList)
        if self.only is not EVERYONE:
            weeks.border_title = Text.assemble("Weeks · ", (str(self.only or "no author"), "bold"))
        elif self.team:
            weeks.border_title = f"Weeks · {len(self.workspace.authors())} people"
        else:
            weeks.border_title = "Weeks"

    def show_author(self, author: object) -> None:
        """List one author's reports only (`EVERYONE`: everyone's); the open report stays open when it
        is theirs, else their newest opens."""
        if not self.library.reports:
            return
        self.only = author if self.team else EVERYONE
        listed = self.listed
        target = self.current
        if target is None or (self.only is not EVERYONE and target.author != self.only):
            target = next((r for r in reversed(listed) if r.week), listed[-1] if listed else None)
        weeks = self.query_one(WeekList)
        weeks.set_reports(listed, target)
        self._title_weeks()
        if target is not None and target is not self.current:
            self.show_report(target)

    def _nearest(self, old: Report) -> Report:
        dated = [r for r in self.library.reports if r.week and old.week and r.week <= old.week]
        return dated[-1] if dated else self.library.reports[-1]

    def _show_problems(self) -> None:
        problems = self.library.problems
        bar = self.query_one("#problems", Static)
        if problems:
            first = problems[0]
            where = first.source.name if first.source else ""
            more = f" (+{len(problems) - 1} more: reports-tui lint)" if len(problems) > 1 else ""
            bar.update(Text.assemble(("✖ ", "bold"), sanitize(f"could not read {where}: {first.message}{more}")))
        self.set_class(bool(problems), "-problems")

    def _show_empty(self) -> None:
        paths = ", ".join(printable_name(p) for p in self.library.paths) or "the given paths"
        self.query_one("#empty", Static).update(Text.assemble(
            ("No reports found\n\n", "bold"),
            f"Nothing readable in {paths}.\n",
            "Reports are *.md, *.markdown or *.txt files, or .zip exports of them, in any sub-folder.\n",
            "New files show up here as soon as they are saved.",
        ))

    def show_report(self, report: Report, line: int | None = None, push_history: bool = True,
                    scroll_y: float | None = None) -> None:
        """Open a report (from the list, `[` `]`, search, the palette…), optionally at a source line."""
        view = self.query_one(ReportView)
        if report is self.current:
            if line is not None:
                view.set_highlight(line)
                view.scroll_to_line(line)
            return
        if self.current is not None and push_history:
            self.history.append((self.current, view.scroll_y))
            del self.history[:-100]
        if self.only is not EVERYONE and report.author != self.only:
            # Another person's report (from search, a timeline, the palette): the list shows everyone again.
            self.only = EVERYONE
            self.query_one(WeekList).set_reports(self.listed, report)
            self._title_weeks()
        self.current = report
        self.query_one(WeekList).set_current(report)
        self._count_as_read(report)
        self._update_week_detail(report)
        self.query_one(SectionTree).set_report(report)
        view.palette = self.app.palette
        view.show(report, raw=self.raw, highlight=line, scroll_y=scroll_y)
        # The KPIs of the open report's author only: every change against their own previous report.
        workspace = self.workspace
        who = workspace.author_of(report)
        self.series = workspace.kpi_series(who)
        self.query_one(KpiPanel).set_data(self.series, report, view.palette, workspace.reports_of(who), draw=False)
        self._fit_kpis()  # (builds the table, for the width it gets)
        self.query_one("#right").border_title = (Text.assemble("KPIs · ", report.author) if self.team and report.author
                                                 else "KPIs")  # (a name is text, never markup)
        self._update_title()

    def _update_title(self) -> None:
        r = self.current
        if r is None:
            return
        dates = f"{r.week} {week_dates(r, short=True)}" if r.week and r.start and r.end else "undated"
        mode = "raw · " if self.raw else ""
        who = f"{r.author} · " if self.team and r.author else ""
        title = Text.assemble((mode, "bold"), (who, "bold"), (r.label, "bold"), f" · {dates}")
        self.query_one(ReportView).set_subtitle(r.source.name)
        title.no_wrap = True
        title.overflow = "ellipsis"
        self.query_one("#report-title", Static).update(title)

    def _update_week_detail(self, report: Report | None) -> None:
        # Shown and hidden on the widget itself: a class of the screen would restyle every widget on it.
        # Set only when it changes: each update lays the screen out again (the first screen's cursor
        # lands on the open week after the first layout, and must not cost a second one).
        detail = self.query_one("#week-detail", Static)
        warnings = tuple(w.message for w in report.warnings) if report is not None else ()
        if warnings == self._detail_shown:
            return
        self._detail_shown = warnings
        if not warnings:
            detail.update("")
            detail.display = False
            return
        detail.update(Text("\n").join(Text(f"⚠ {message}") for message in warnings))
        detail.display = True

    def apply_theme(self) -> None:
        """Recolour the rendered report and the KPI panel for a new theme."""
        pal = self.app.palette
        self.query_one(ReportView).set_palette(pal)
        kp = self.query_one(KpiPanel)
        kp.palette = pal
        kp.refresh_table()

    # ── layout ───────────────────────────────────────────────────────────────────────────────────

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        classes = set(self.classes)
        self._size_classes(width, height)
        for footer in self.query(Footer):
            footer.compact = width < NARROW  # room for every key's name at 80 columns
            footer.show_command_palette = width >= 90  # ctrl+p still works; `?` lists it
        self._apply_kpi_mode(restyle=classes != set(self.classes))

    def _size_classes(self, width: int, height: int) -> None:
        """Narrow terminals: the KPI panel docks under the panes (see app.tcss `.-narrow`); narrow and
        short ones (80×24): it is one line, so the week list and the tree keep their room. The classes
        only: `_apply_kpi_mode` styles the screen again, once for all its classes."""
        self.set_class(width < NARROW, "-narrow", update=False)
        self.set_class(width < NARROW and height < SHORT, "-short", update=False)

    @property
    def kpi_mode(self) -> str:
        """How the KPI panel shows now: "full", "line" (one line) or "hidden"."""
        if self.library.reports and not self.any_kpis:
            # Reports without KPI sections (release notes, newsletters): the panel would only say so,
            # so the report gets its room; `p` still shows it.
            return ("line" if self.has_class("-narrow") else "full") if self.kpi_toggled else "hidden"
        if self.has_class("-narrow") and self.has_class("-short"):
            return "full" if self.kpi_toggled else "line"
        if self.has_class("-narrow"):
            return "line" if self.kpi_toggled else "full"
        return "hidden" if self.kpi_toggled else "full"

    def _apply_kpi_mode(self, restyle: bool = False) -> None:
        """The KPI panel's classes (and any set before, `restyle`) applied in one restyle of the screen:
        each class changed by itself styles every widget on it again."""
        if self._kpi_classes() or restyle:
            self.update_node_styles()
        mode = self.kpi_mode
        try:
            self.query_one(KpiPanel).set_compact(mode == "line")
        except Exception:  # not composed yet
            pass
        self._fit_kpis()

    def _kpi_classes(self) -> bool:
        """Set the KPI panel's classes for its mode, without styling the screen again; whether any changed."""
        mode, classes = self.kpi_mode, set(self.classes)
        self.set_class(mode == "line", "-kpi-line", update=False)
        self.set_class(mode == "hidden", "-kpi-hidden", update=False)
        return classes != set(self.classes)

    def _fit_kpis(self) -> None:
        """Beside the report the KPI panel is as wide as its table (at most a quarter of a wide
        terminal, 40 columns below that); the report gets the rest. Under it, as wide as the screen."""
        try:
            box, panel = self.query_one("#right"), self.query_one(KpiPanel)
        except Exception:  # not composed yet
            return
        # The table is built for the width the panel gets (known before the screen is laid out, so it is
        # laid out once). A width is set on the box only when it changes: setting one, even the same,
        # lays the screen out again.
        mode, gutter = self.kpi_mode, box.styles.gutter.width
        rows = mode == "full" and len(panel.series) + 2 > box.size.height > 0  # (a scrollbar takes a column)
        if self.has_class("-narrow") or mode != "full" or not panel.series:
            if self._kpi_width is not None:
                box.styles.width = None  # (the stylesheet's width)
                self._kpi_width = None
            under = self.has_class("-narrow") and mode != "hidden"
            panel.fit(self.app.size.width - gutter - rows if under else None)
            return
        most = max(40, self.app.size.width // 4) - gutter - rows
        table = panel.table_width(most)
        if table + gutter + rows != self._kpi_width:
            self._kpi_width = box.styles.width = table + gutter + rows
        panel.fit(table)

    def action_toggle_kpis(self) -> None:
        """Show the KPI panel in full, as one line, or hide it (depends on the terminal's size)."""
        self.kpi_toggled = not self.kpi_toggled
        self._apply_kpi_mode()

    # ── events from the panes ────────────────────────────────────────────────────────────────────

    @on(WeekList.WeekHighlighted, "#weeks")
    def _week_highlighted(self, event: WeekList.WeekHighlighted) -> None:
        weeks = self.query_one(WeekList)
        report = weeks.highlighted_report
        self._update_week_detail(report)
        if report is None or report is self.current or not weeks.has_focus:
            return
        if self._open_timer is not None:
            self._open_timer.stop()
        # Moving through the list opens each week, after a short pause so fast scrolling stays smooth.
        self._open_timer = self.set_timer(0.12, lambda: self._open_highlighted(report))

    def _open_highlighted(self, report: Report) -> None:
        self._open_timer = None
        if self.query_one(WeekList).highlighted_report is report:
            self.show_report(report)

    @on(WeekList.WeekSelected, "#weeks")
    def _week_selected(self, event: WeekList.WeekSelected) -> None:
        report = self.query_one(WeekList).highlighted_report
        if report is not None:
            self.show_report(report)

    @on(Tree.NodeSelected, "#sections")
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if data is None:
            return
        self.query_one(ReportView).go_to(data.kind, data.line)

    @on(ReportView.TableOpened)
    def _table_opened(self, event: ReportView.TableOpened) -> None:
        from .table import TableScreen

        self.app.push_screen(TableScreen(event.table, event.title))

    @on(ReportView.SectionScrolled)
    def _section_scrolled(self, event: ReportView.SectionScrolled) -> None:
        tree = self.query_one(SectionTree)
        if not tree.has_focus:
            tree.follow(event.section)

    # ── actions ──────────────────────────────────────────────────────────────────────────────────

    def _step(self, delta: int) -> None:
        reports = self.listed
        if not reports or self.current is None:
            return
        at = self.query_one(WeekList).index_of(self.current)
        at = reports.index(self.current) if at is None else at
        if self.team:
            # A team's list holds several reports a week: a week at a time, to the same person's report —
            # the person stepping started from, also past weeks they wrote nothing in.
            who = self._stepping[0] if self._stepping is not None and self._stepping[1] is self.current \
                else self.current.author
            target = step_week(reports, self.current, delta, at, who)
            self._stepping = (who, target) if target is not None else self._stepping
        else:
            target = reports[at + delta] if 0 <= at + delta < len(reports) else None
        if target is not None:
            self.show_report(target)
        else:
            self.notify("This is the " + ("first" if delta < 0 else "last") + " week.", timeout=2, markup=False)

    def action_prev_week(self) -> None:
        """Open the previous week (in a team's folder: the same person's report of it, if any)."""
        self._step(-1)

    def action_next_week(self) -> None:
        """Open the next week (in a team's folder: the same person's report of it, if any)."""
        self._step(1)

    def action_back(self) -> None:
        """Go back to the report (and place) seen before."""
        view = self.query_one(ReportView)
        if view.highlight is not None:
            view.set_highlight(None)
            return
        if not self.history:
            return
        report, y = self.history.pop()
        self.show_report(report, push_history=False, scroll_y=y)

    def action_raw(self) -> None:
        """Toggle between rendered and raw Markdown."""
        self.raw = not self.raw
        self.query_one(ReportView).set_raw(self.raw)
        self._update_title()

    def action_mark(self) -> None:
        """Mark the week under the cursor (or the open one) for `c` compare."""
        weeks = self.query_one(WeekList)
        if not weeks.has_focus and weeks.highlighted_report is not self.current and self.current is not None:
            weeks.set_current(self.current)
        marked = weeks.toggle_mark()
        self.notify(f"Marked {marked.label} — press c to compare" if marked else "Mark cleared", timeout=3, markup=False)

    def action_compare(self) -> None:
        """Compare the open week with the marked one, or with one picked from a list."""
        if self.current is None:
            return
        marked = self.query_one(WeekList).marked
        if marked is not None and marked is not self.current:
            self.open_compare(marked, self.current)
            return
        from .week_picker import WeekPickerModal

        current = self.current

        def picked(other: Report | None) -> None:
            if other is not None:
                self.open_compare(current, other)

        previous = self._previous_of(current)
        self.app.push_screen(WeekPickerModal(self.library, exclude=current, title="Compare with…", default=previous,
                                             authors=self.team), picked)

    def _previous_of(self, report: Report) -> Report | None:
        """The same author's report before this one (in a one-person library: the previous report)."""
        workspace = self.workspace
        mine = workspace.reports_of(workspace.author_of(report))
        at = next((i for i in range(len(mine) - 1, -1, -1) if mine[i] is report), None)
        return mine[at - 1] if at else None

    def open_compare(self, a: Report, b: Report) -> None:
        """Push the compare screen for two reports (older one on the left)."""
        from .compare import CompareScreen

        order = {id(r): i for i, r in enumerate(self.library.reports)}
        if order.get(id(a), 0) > order.get(id(b), 0):
            a, b = b, a
        self.app.push_screen(CompareScreen(self.library, a, b))

    def action_search(self) -> None:
        """Search every report."""
        self.open_search("")

    def open_search(self, query: str) -> None:
        """Push the search screen with a query."""
        from .search import SearchScreen

        self.app.push_screen(SearchScreen(self.workspace, query))

    def action_timeline(self) -> None:
        """The timeline of the project under the cursor (tree cursor, else the highlighted line)."""
        tree = self.query_one(SectionTree)
        project = tree.cursor_project
        node = tree.cursor_node
        if project is None and node is not None and node.data is not None and node.data.kind == "section":
            # On a section: its first project.
            tree.fill(node)
            project = next((c.data.obj for c in node.children if c.data and c.data.kind == "project"), None)
        if project is None and self.current is not None:
            line = self.query_one(ReportView).highlight or self.query_one(ReportView).current_line()
            if line is not None:
                for p in self.current.projects:
                    if p.line <= line <= max([p.line] + [ln for ln, _ in p.entries]):
                        project = p
        if project is None:
            self.notify("Put the cursor on a project in the section tree first.", timeout=3, markup=False)
            return
        self.open_timeline(project.key)

    def open_timeline(self, key: str) -> None:
        """Push the timeline of a project (over whatever screen is in view)."""
        from .timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.workspace, key))

    def action_metrics(self) -> None:
        """Every KPI as a chart over the weeks (a note instead when there are none)."""
        from .metrics import open_metrics

        open_metrics(self.app, self.workspace, self.current)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a`, `w`, `u` and `U` exist only in a team's library (a one-person folder looks as it always did); in a
        browser session (`reports-tui serve`) there is no editor to open: `e` is not offered."""
        if action in ("only_author", "team_week", "next_unread", "toggle_read", "roster"):
            return self.team
        if action == "edit" and is_served():
            return False
        return True

    def action_only_author(self) -> None:
        """Only the open report's author's reports in the week list (`[` `]` walk them); again: everyone's."""
        if not self.team or self.current is None:
            return
        if self.only is not EVERYONE:
            self.show_author(EVERYONE)
            self.notify("Showing everyone's reports", timeout=2, markup=False)
            return
        self.show_author(self.current.author)
        who = self.current.author or "reports with no author"
        self.notify(f"Only {who} — press a again for everyone", timeout=3, markup=False)

    def action_team_week(self, by_project: bool = False) -> None:
        """Every report of the open week, one after another under its author's name (or by project)."""
        if not self.team or self.current is None:
            return
        from .team_week import TeamWeekScreen

        self.app.push_screen(TeamWeekScreen(self.workspace, self.current, by_project))

    def action_copy(self) -> None:
        """Copy the section under the cursor (as Markdown) to the clipboard (OSC 52)."""
        view = self.query_one(ReportView)
        tree = self.query_one(SectionTree)
        section = None
        node = tree.cursor_node
        if tree.has_focus and node is not None and node.data is not None and node.data.kind == "section":
            section = node.data.obj
        section = section or view.current_section()
        text = view.section_text(section)
        if not text:
            return
        self.app.copy_to_clipboard(text)
        name = section.title if section is not None and section.title else "report"
        self.notify(f"Copied {name} ({text.count(chr(10))} lines)", timeout=3, markup=False)

    def action_draft(self) -> None:
        """Next week's report written from the open one, to copy or edit (never saved among the reports)."""
        r = self.current
        if r is None:
            self.notify("No report is open to draft from yet.", timeout=3, markup=False)
            return
        from .draft import DraftScreen

        workspace = self.workspace
        self.app.push_screen(DraftScreen(r, workspace.reports_of(workspace.author_of(r)), self.library.vocab))

    def on_key(self, event) -> None:
        """`e` in a browser session says why nothing opens (the editor would open on the server)."""
        from ..editor import explain_no_editor

        explain_no_editor(self, event, "Opening a report in an editor is not available in a browser session.")

    def action_edit(self) -> None:
        """Open the report in $VISUAL / $EDITOR, then read the folder again."""
        r = self.current
        if r is None:
            return
        if r.source.member:
            self.notify("This report is inside a zip archive; it cannot be edited in place.", severity="warning", markup=False)
            return
        from ..editor import editor_command, run_editor

        if editor_command() is None:
            self.notify("Set $EDITOR to edit reports.", severity="warning", markup=False)
            return
        problem = run_editor(self.app, r.source.path)
        if problem is not None:
            self.notify(problem, severity="error", markup=False)
            return
        self.app.reload_library()
