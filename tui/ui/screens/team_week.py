"""A team's week: who filed, who filed late and who has not filed, then either every report one after
another under its author's name ("by author", the section tree grouped by author) or the week rolled up
by project ("by project": each person's lines marked new / done / stalled / progress / same, the projects
dropped and the KPI moves at the end — the digest `reports-tui digest` prints)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from ...index.digest import Digest, DigestText, digest_markdown
from ...index.roster import FILED, LATE, MISSING, roster_groups
from ...index.formats import counted
from ...index.team import TeamWeek
from ...index.workspace import Workspace
from ...model.parse import parse_report
from ...model.report import Report, SourceRef
from ...model.vocab import Vocabulary
from ...model.weeks import parse_iso_week
from ..commands import VIEW_COMMANDS
from ..keys import bindings, narrow_footer
from ..widgets.report_view import ReportView
from ..widgets.section_tree import SectionTree

STATUS_STYLE = {FILED: "bold green", LATE: "bold yellow", MISSING: "bold red"}
STATUS_WORDS = {FILED: "filed", LATE: "late", MISSING: "not filed"}


def roster_text(digest: Digest) -> Text:
    """`filed 张三, 李四 · late 赵六 · not filed 王五`, each group in its colour (names are text, never markup)."""
    parts: list[Text] = []
    for status, names in roster_groups(digest.people):
        parts.append(Text.assemble((f"{STATUS_WORDS[status]} ", STATUS_STYLE[status]), ", ".join(names)))
    return Text(" · ").join(parts) if parts else Text("nobody was expected to file", style="dim")


class TeamWeekScreen(Screen):
    """One week of a team's library: its roster, and every author's report in one view, or its projects."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("team-week")

    DEFAULT_CSS = """
    TeamWeekScreen #team-title { height: 1; padding: 0 1; background: $panel; }
    TeamWeekScreen #team-roster { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    TeamWeekScreen #team-body { height: 1fr; }
    TeamWeekScreen #team-sections { width: 32; border: round $panel; }
    TeamWeekScreen #team-sections:focus { border: round $primary; }
    TeamWeekScreen #team-report { width: 1fr; border: round $panel; }
    TeamWeekScreen #team-report:focus { border: round $primary; }
    """

    def __init__(self, workspace: Workspace, report: Report, by_project: bool = False) -> None:
        super().__init__(id="team-week")
        self.workspace = workspace
        self.origin = report
        self.week: TeamWeek = workspace.team_week(report)
        self.by_project = by_project  # the week rolled up by project instead of one report after another
        self.rolled: DigestText | None = None  # the "by project" document, when shown

    def compose(self) -> ComposeResult:
        yield Static("", id="team-title", markup=False)
        yield Static("", id="team-roster", markup=False)
        with Horizontal(id="team-body"):
            yield SectionTree(id="team-sections")
            yield ReportView(id="team-report")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def on_resize(self, event) -> None:
        narrow_footer(self, event.size.width)

    @property
    def digest(self) -> Digest | None:
        """The week's roster and roll-up (None for the reports of no week: undated ones)."""
        if parse_iso_week(self.week.week) is None:
            return None
        return self.workspace.digest(self.week.week, self.app.config.team())

    def _show(self) -> None:
        w = self.week
        digest = self.digest
        mode = "by project" if self.by_project else "by author"
        title = Text.assemble(("Team week ", "bold"), (w.week, "bold"),
                              f" · {digest.dates if digest else ''} · {counted(len(w.reports), 'report')} · {mode}")
        title.no_wrap = True
        title.overflow = "ellipsis"
        self.query_one("#team-title", Static).update(title)
        self.query_one("#team-roster", Static).update(roster_text(digest) if digest else "")
        tree = self.query_one(SectionTree)
        view = self.query_one(ReportView)
        view.palette = self.app.palette
        if self.by_project and digest is not None:
            self._show_projects(digest, view, tree)
        else:
            self.by_project = False
            self._show_authors(view, tree)
        tree.focus()

    def _show_authors(self, view: ReportView, tree: SectionTree) -> None:
        w = self.week
        self.rolled = None
        tree.border_title = "Authors"
        view.show(w.report)
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

    def _show_projects(self, digest: Digest, view: ReportView, tree: SectionTree) -> None:
        self.rolled = digest_markdown(digest, links=False, title=False, roster=False, max_lines=None)
        # (read as plain Markdown: its "KPIs" section lists moves, not a report's own KPIs)
        plain = Vocabulary(kpi_sections=[], incident_sections=[], plan_sections=[])
        doc = parse_report(self.rolled.text, SourceRef(f"<{digest.week} by project>"), plain)
        tree.border_title = "Projects"
        view.show(doc)
        tree.set_report(doc)
        tree.cursor_line = 0  # (the tree keeps its cursor's line across documents)

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

    def _line_in_view(self) -> int | None:
        """The line under the tree's cursor (when the tree has focus), else the top line of the view."""
        tree = self.query_one(SectionTree)
        node = tree.cursor_node
        if tree.has_focus and node is not None and node.data is not None and node.data.line >= 0:
            return node.data.line
        view = self.query_one(ReportView)
        return view.highlight or view.current_line()

    def in_view(self) -> Report | None:
        """The report of the author whose part is in view (by project: of the line in view)."""
        line = self._line_in_view()
        if line is None:
            return None
        if self.rolled is not None:
            got = self.rolled.source_at(line)
            return got[0] if got else None
        return self.week.report_at(line)

    def action_open(self) -> None:
        """Open the report in view on the main screen (by project: at the line quoted)."""
        line = self._line_in_view()
        if self.rolled is not None and line is not None:
            got = self.rolled.source_at(line)
            if got is not None:
                self.app.open_report(got[0], got[1])
            return
        r = self.in_view()
        if r is not None:
            self.app.open_report(r)

    def action_by_project(self) -> None:
        """Switch between every report by author and the week rolled up by project."""
        if self.digest is None:
            self.notify("Undated reports have no team week to roll up.", timeout=3, markup=False)
            return
        self.by_project = not self.by_project
        self._show()

    def action_roster(self) -> None:
        """Who filed, week by week: people × the last 12 weeks up to this one."""
        from .roster import RosterScreen

        week = self.week.week if parse_iso_week(self.week.week) is not None else None
        self.app.push_screen(RosterScreen(self.workspace, week))

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
