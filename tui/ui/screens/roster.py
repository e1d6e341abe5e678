"""The roster heat-map: who filed, week by week — a row per person, a column per week (the last 12 up to
the team week's, or the newest), each cell filed / late / missing / not expected; `enter` on a cell opens
that report."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...index.roster import (FILED, LATE, MISSING, RosterCell, newest_week, people_of, published, week_before,
                             weeks_ending)
from ...index.workspace import Workspace
from ..commands import VIEW_COMMANDS
from ..keys import bindings, narrow_footer
from ..render import theme_color, theme_colour

WEEKS = 12  # columns of the heat-map
CELL = {FILED: "✓", LATE: "late", MISSING: "✗"}
NOT_EXPECTED = "·"
CELL_WIDTH = 4  # every cell as wide, so that the colours make even blocks
THEME = {FILED: ("success", "#4ebf71"), LATE: ("warning", "#ffa62b"), MISSING: ("error", "#ba3c5b")}


class RosterGrid(DataTable):
    """The heat-map's table: `enter` (or a click) on a cell opens its report."""

    BINDINGS = bindings("roster-grid")


class RosterScreen(Screen):
    """People × weeks, filed / late / missing; the cell under the cursor described below the grid."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("roster")

    DEFAULT_CSS = """
    RosterScreen #roster-title { height: 1; padding: 0 1; background: $panel; }
    RosterScreen #roster-grid { height: auto; max-height: 1fr; border: round $primary; }
    RosterScreen #roster-cell { height: auto; padding: 0 1; }
    RosterScreen #roster-legend { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, workspace: Workspace, week: str | None = None) -> None:
        super().__init__(id="roster")
        self.workspace = workspace
        self.last = week or newest_week(workspace.library.reports)  # the grid's last week
        self.weeks: list[str] = []
        self.people: list[str | None] = []
        self.cells: dict[tuple[str | None, str], RosterCell] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="roster-title", markup=False)
        yield RosterGrid(id="roster-grid", cursor_type="cell", zebra_stripes=False)
        yield Static("", id="roster-cell", markup=False)
        yield Static("", id="roster-legend", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()

    def on_resize(self, event) -> None:
        narrow_footer(self, event.size.width)

    def _styles(self, blocks: bool = False) -> dict[str, str]:
        """Rich styles from the theme for each status: its colour, or (`blocks`) on a tint of it."""
        variables = self.app.theme_variables
        if not blocks:
            return {s: f"bold {theme_colour(variables, *THEME[s])}" for s in THEME}
        background = theme_color(variables, "background", "#121212")
        out = {}
        for s, (name, fallback) in THEME.items():
            colour = theme_color(variables, name, fallback)
            tint = background.blend(colour, 0.35)
            out[s] = f"bold {colour.hex6} on {tint.hex6}"
        return out

    @staticmethod
    def _cell(text: str, style: str) -> Text:
        return Text(text.center(CELL_WIDTH), style=style)

    def _fill(self, keep: tuple[str | None, str] | None = None) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if self.last is None:
            self.query_one("#roster-title", Static).update("No dated reports: no weeks to show.")
            return
        settings = self.app.config.team()
        roster = self.workspace.roster(settings)
        self.weeks = weeks_ending(self.last, WEEKS)
        cells = roster.weeks(self.weeks)
        self.cells = {(c.author, c.week): c for c in cells}
        self.people = people_of(cells, roster.members)
        years = {w[:4] for w in self.weeks}
        styles = self._styles(blocks=True)
        table.add_column(Text(""), key="person")
        table.fixed_columns = 1  # the names stay when the weeks scroll sideways (narrow terminals)
        for w in self.weeks:
            table.add_column(Text((w[5:] if len(years) == 1 else w).center(CELL_WIDTH)), key=w)
        for p in self.people:
            row: list[Text] = [Text(p if p is not None else "(no author)", style="bold")]
            for w in self.weeks:
                c = self.cells.get((p, w))
                row.append(self._cell(NOT_EXPECTED, "dim") if c is None else self._cell(CELL[c.status], styles[c.status]))
            table.add_row(*row)
        span = f"{self.weeks[0]} – {self.weeks[-1]}"
        filed = sum(c.status != MISSING for c in cells if c.week == self.last)
        here = sum(1 for c in cells if c.week == self.last)
        self.query_one("#roster-title", Static).update(Text.assemble(
            ("Roster ", "bold"), (span, "bold"), f" · {len(self.people)} people · {self.last}: {filed} of {here} filed"))
        self.query_one("#roster-legend", Static).update(Text.assemble(
            (" ✓ ", styles[FILED]), " filed  ", (" late ", styles[LATE]), " late  ", (" ✗ ", styles[MISSING]),
            " missing   · not expected   enter: open the report"))
        if self.people:
            row = self.people.index(keep[0]) if keep and keep[0] in self.people else len(self.people) - 1
            col = self.weeks.index(keep[1]) + 1 if keep and keep[1] in self.weeks else len(self.weeks)
            table.move_cursor(row=row, column=col, animate=False)
        self._describe()

    def cell_at_cursor(self) -> tuple[str | None, str] | None:
        """(person, week) under the cursor (None on the names' column or an empty grid)."""
        table = self.query_one(DataTable)
        coord = table.cursor_coordinate
        if not self.people or not 0 <= coord.row < len(self.people) or not 1 <= coord.column <= len(self.weeks):
            return None
        return self.people[coord.row], self.weeks[coord.column - 1]

    def _describe(self) -> None:
        at = self.cell_at_cursor()
        out = self.query_one("#roster-cell", Static)
        if at is None:
            out.update("")
            return
        person, week = at
        name = person if person is not None else "(no author)"
        c = self.cells.get(at)
        if c is None:
            out.update(Text(f"{name} · {week} · not expected (no report in the weeks before)"))
            return
        parts = [Text(f"{name} · {week} · "), Text(c.status, style=self._styles()[c.status])]
        for r in c.reports:
            day = published(r)
            after = f" (+{(day - r.end).days} d after the period)" if day and r.end and day > r.end else ""
            parts.append(Text(f"\n  {r.label} · published {day or 'no date'}{after} · {r.source.display}"))
        out.update(Text.assemble(*parts))

    @on(DataTable.CellHighlighted, "#roster-grid")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._describe()

    @on(DataTable.CellSelected, "#roster-grid")
    def _selected(self, event: DataTable.CellSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the report of the cell under the cursor on the main screen."""
        at = self.cell_at_cursor()
        if at is None:
            return
        c = self.cells.get(at)
        name = at[0] if at[0] is not None else "(no author)"
        if c is None or not c.reports:
            self.notify(f"{name} filed no report for {at[1]}.", timeout=3, markup=False)
            return
        self.app.open_report(c.reports[0])

    def action_shift(self, delta: int) -> None:
        """Show the weeks one week earlier or later (never past the newest report)."""
        if self.last is None:
            return
        newest = newest_week(self.workspace.library.reports)
        target = week_before(self.last, -delta)
        if delta > 0 and newest is not None and target > newest:
            self.notify("This is the newest week.", timeout=2, markup=False)
            return
        keep = self.cell_at_cursor()
        self.last = target
        self._fill(keep)

    def action_back(self) -> None:
        """Back to the screen before."""
        if self.is_current:
            self.app.pop_screen()
