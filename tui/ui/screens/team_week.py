"""A team's week: every report of one week, one after another under its author's name, with the
section tree grouped by author — a lead reads the whole team's week in one place."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from ...index.team import TeamWeek
from ...index.workspace import Workspace
from ...model.report import Report
from ..widgets.report_view import ReportView
from ..widgets.section_tree import SectionTree
from ..commands import VIEW_COMMANDS
from ..keys import bindings


class TeamWeekScreen(Screen):
    """One week of a team's library, every author's report in one view."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("team-week")

    DEFAULT_CSS = """
    TeamWeekScreen #team-title { height: 1; padding: 0 1; background: $panel; }
    TeamWeekScreen #team-body { height: 1fr; }
    TeamWeekScreen #team-sections { width: 32; border: round $panel; }
    TeamWeekScreen #team-sections:focus { border: round $primary; }
    TeamWeekScreen #team-report { width: 1fr; border: round $panel; }
    TeamWeekScreen #team-report:focus { border: round $primary; }
    """

    def __init__(self, workspace: Workspace, report: Report) -> None:
        super().__init__(id="team-week")
        self.workspace = workspace
        self.origin = report
        self.week: TeamWeek = workspace.team_week(report)

    def compose(self) -> ComposeResult:
        yield Static("", id="team-title", markup=False)
        with Horizontal(id="team-body"):
            yield SectionTree(id="team-sections")
            yield ReportView(id="team-report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#team-sections").border_title = "Authors"
        self._show()

    def _show(self) -> None:
        w = self.week
        names = [r.author or "–" for r in w.reports]
        title = Text.assemble(("Team week ", "bold"), (w.week, "bold"), f" · {len(w.reports)} reports: ",
                              ", ".join(names))
        title.no_wrap = True
        title.overflow = "ellipsis"
        self.query_one("#team-title", Static).update(title)
        view = self.query_one(ReportView)
        view.palette = self.app.palette
        view.show(w.report)
        tree = self.query_one(SectionTree)
        tree.set_report(w.report)
        # Authors first: their own sections open one level down, so the tree starts as a list of people.
        for node in tree.root.children:
            for child in node.children:
                child.collapse()
        at = next((i for i, r in enumerate(self.week.reports) if r is self.origin), None)
        if at is not None:
            view.scroll_to_line(self.week.starts[at], center=False)
            if at < len(w.report.root.children):
                self.call_after_refresh(tree.follow, w.report.root.children[at])
        tree.focus()

    @on(Tree.NodeSelected, "#team-sections")
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if data is None or data.line < 0:
            return
        self.query_one(ReportView).go_to(data.kind, data.line)

    @on(ReportView.SectionScrolled)
    def _section_scrolled(self, event: ReportView.SectionScrolled) -> None:
        tree = self.query_one(SectionTree)
        if not tree.has_focus:
            tree.follow(event.section)

    def in_view(self) -> Report | None:
        """The report of the author whose part is at the top of the view (or under the tree's cursor)."""
        tree = self.query_one(SectionTree)
        node = tree.cursor_node
        line = None
        if tree.has_focus and node is not None and node.data is not None and node.data.line >= 0:
            line = node.data.line
        if line is None:
            line = self.query_one(ReportView).current_line()
        return self.week.report_at(line) if line is not None else None

    def action_open(self) -> None:
        """Open the report in view on the main screen."""
        r = self.in_view()
        if r is not None:
            self.app.open_report(r)

    def action_step(self, delta: int) -> None:
        """The team's previous or next week (every week some report covers: a two-week report shows in
        both), on the same author's part where they have one."""
        weeks = self.workspace.team_weeks()
        here = self.week.week
        if here not in weeks:
            return
        i = weeks.index(here) + delta
        if not 0 <= i < len(weeks):
            self.notify("This is the " + ("first" if delta < 0 else "last") + " week.", timeout=2, markup=False)
            return
        who = self.in_view() or self.origin
        self.week = self.workspace.team_week(who, weeks[i])
        self.origin = next((r for r in self.week.reports if r.author == who.author), self.week.reports[0])
        self._show()

    def action_back(self) -> None:
        """Back to the main screen."""
        if self.is_current:
            self.app.pop_screen()
