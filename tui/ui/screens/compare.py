"""The compare screen: two weeks side by side, aligned rows, highlighted changes, KPI deltas.

One scrollable column of rows, each row holding both weeks' sides, so the two sides always scroll
together and a wrapped long item keeps its partner on the same line. Report text only ever becomes
`rich.text.Text` built from plain strings (never markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static
from textual.worker import Worker, get_current_worker

from ...index.compare import MARKS, Comparison, ItemDiff, KpiDiff, SectionDiff, compare
from ...index.formats import format_change, format_value, week_caption
from ...index.library import Library, is_team
from ...model.report import Report
from ..diffsides import SideBySide, diff_sides, heading_row, item_lines, note_row, painted, report_rows, side_rows
from ..render import Palette, theme_color
from ..rows import Hanging, Row
from ..commands import VIEW_COMMANDS
from ..keys import bindings
from ..offthread import Abandoned, abandonable, show_failure


@dataclass
class DiffPalette:
    """Rich styles for the compare screen, taken from the current theme's variables."""

    removed: Style
    added: Style
    removed_text: Style
    added_text: Style
    muted: Style
    heading: Style
    good: Style
    bad: Style
    mark: dict[str, Style]

    @classmethod
    def from_theme(cls, variables: Mapping[str, str]) -> DiffPalette:
        """Build from `App.theme_variables` (muted colours blended over the background)."""
        def colour(name: str, fallback: str):
            return theme_color(variables, name, fallback)

        bg = colour("background", "#121212")

        def over(name: str, fallback: str) -> str:
            return (bg + colour(name, fallback)).hex6

        error, success = colour("error", "#ba3c5b").hex6, colour("success", "#4ebf71").hex6
        warning, primary = colour("warning", "#ffa62b").hex6, colour("primary", "#0178d4").hex6
        muted = colour("foreground-muted", "#888888") if "foreground-muted" in variables else colour(
            "text-muted", "#888888")
        return cls(
            removed=Style(bgcolor=over("error-muted", "#ba3c5b4d"), bold=True),
            added=Style(bgcolor=over("success-muted", "#4ebf714d"), bold=True),
            removed_text=Style(color=error),
            added_text=Style(color=success),
            muted=Style(color=(bg + muted).hex6),
            heading=Style(bold=True, color=primary),
            good=Style(color=success, bold=True),
            bad=Style(color=error, bold=True),
            mark={"same": Style(color=(bg + muted).hex6), "changed": Style(color=warning, bold=True),
                  "added": Style(color=success, bold=True), "removed": Style(color=error, bold=True)},
        )


def item_renderable(row: ItemDiff, pal: DiffPalette, rows_a: Sequence[Row], rows_b: Sequence[Row]) -> SideBySide:
    """A row of two aligned items, each drawn as the report view draws its lines: status mark, week A's
    item, week B's item, what changed highlighted."""
    left = side_rows(rows_a, *item_lines(row.a)) if row.a is not None else []
    right = side_rows(rows_b, *item_lines(row.b)) if row.b is not None else []
    sa, sb = diff_sides(left, right, row.status == "changed")
    left = painted(left, sa, pal.removed, pal.removed_text if row.status == "removed" else None)
    right = painted(right, sb, pal.added, pal.added_text if row.status == "added" else None)
    if row.moved:
        note = note_row(f"(moved to {row.moved})" if row.status == "removed" else f"(moved from {row.moved})", pal.muted)
        (left if row.status == "removed" else right).append(note)
    return SideBySide(Text(MARKS[row.status], style=pal.mark[row.status]), left, right, pal.muted)


def section_renderable(sec: SectionDiff, pal: DiffPalette) -> SideBySide:
    """A section heading row: both weeks' titles (one side empty when the other week lacks it)."""
    right = Text(sec.b_title or "", style=pal.heading)
    right.append_text(Text(f"  {sec.status}", style=pal.muted))
    return SideBySide(Text(MARKS[sec.status], style=pal.mark[sec.status]),
                      [heading_row(sec.a_title or "", pal.heading)], [Hanging(right)], pal.muted)


def kpi_renderable(c: Comparison, pal: DiffPalette, authors: bool = False) -> Table:
    """Both weeks' KPI values and the change, coloured by whether the change is good; `authors` (a
    team's library): two people's reports are headed by their names."""
    t = Table(expand=False, box=None, padding=(0, 2), show_edge=False, header_style=pal.heading)
    t.add_column("KPI", no_wrap=True)
    people = authors and c.a.author != c.b.author  # two people's reports: their names tell the columns apart
    for r in (c.a, c.b):
        t.add_column(Text((r.author or "–") if people else r.label), justify="right", no_wrap=True)
    t.add_column("Δ", justify="right", no_wrap=True)
    for k in c.kpis:
        t.add_row(Text(k.name), Text(format_value(k.a)), Text(format_value(k.b)), _delta_text(k, pal))
    if c.incident_counts_shown:
        t.add_row(Text("incidents"), Text(str(len(c.incidents_a))), Text(str(len(c.incidents_b))),
                  Text(format_change(len(c.incidents_b) - len(c.incidents_a)), style=pal.muted))
    return t


def _delta_text(k: KpiDiff, pal: DiffPalette) -> Text:
    d = format_change(k.delta)
    if k.verdict == "better":
        return Text(f"{d} ▲", style=pal.good)
    if k.verdict == "worse":
        return Text(f"{d} ▼", style=pal.bad)
    return Text(d, style=pal.muted)


FIRST_ROWS = 150  # rows built before the screen first shows (more than a tall terminal holds)
BATCH_ROWS = 200  # then rows added per paint

Sides = tuple[Sequence[Row], Sequence[Row]]  # the report view's rows of week A's and week B's reports


class DiffRow(Static):
    """One aligned row of the comparison (a section heading or a pair of items). Its sides are built
    when first drawn, and again only when the row is given other data (a swap reuses the rows)."""

    def __init__(self, diff: ItemDiff | SectionDiff, pal: DiffPalette, sides: Sides, heading: bool = False) -> None:
        classes = "diff-row" + (" -same" if diff.status == "same" else "") + (" -heading" if heading else "")
        super().__init__(classes=classes)
        self.diff = diff
        self.pal = pal
        self.sides = sides
        self.heading = heading
        self._table: SideBySide | None = None

    @property
    def status(self) -> str:
        """same, changed, added or removed."""
        return self.diff.status

    def render(self) -> SideBySide:
        if self._table is None:
            self._table = (section_renderable(self.diff, self.pal) if self.heading  # type: ignore[arg-type]
                           else item_renderable(self.diff, self.pal, *self.sides))  # type: ignore[arg-type]
        return self._table

    def set_diff(self, diff: ItemDiff | SectionDiff, sides: Sides) -> None:
        """Show other data in this row (the same kind of row)."""
        self.diff = diff
        self.sides = sides
        self._table = None
        # A row and its mirror wrap alike (the two sides are as wide, to a cell): a repaint, not a
        # new layout of every row. `fits()` checks afterwards, in batches.
        self.refresh()

    def fits(self) -> bool:
        """Whether the row's table, drawn at the row's width, has the height the row was laid out
        with (else the row asks for a new layout)."""
        width, height = self.content_size
        if not width:
            return True
        console = self.app.console
        lines = console.render_lines(self.render(), console.options.update_width(width), pad=False)
        if len(lines) == height:
            return True
        self.refresh(layout=True)
        return False


class CompareScreen(Screen):
    """Week A and week B side by side: aligned sections and items, changes highlighted, KPI deltas.

    The comparison is computed in a thread worker as the screen opens (a spinner meanwhile, keys
    answered; escape leaves at once), and the rows are filled in when it is done."""

    @dataclass
    class Computed(Message):
        """The comparison of the two weeks is ready."""

        comparison: Comparison
        sides: Sides

    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    CompareScreen #compare-header { height: auto; padding: 0 3 0 1; background: $panel; }
    CompareScreen #compare-body { height: 1fr; padding: 0 1; scrollbar-gutter: stable; scrollbar-size-vertical: 2; }
    CompareScreen #compare-loading { height: 1fr; }
    CompareScreen #compare-kpis { height: auto; margin: 0 0 1 2; }
    CompareScreen .diff-row { height: auto; }
    CompareScreen .diff-row.-heading { margin-top: 1; background: $boost; }
    CompareScreen .diff-row.-current { background: $accent-muted; }
    """

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("compare")

    hide_same: reactive[bool] = reactive(False)
    """Whether unchanged rows are hidden."""

    cursor: reactive[int] = reactive(-1)
    """Index of the current change among the change rows (-1: none yet)."""

    def __init__(self, library: Library, a: Report, b: Report) -> None:
        super().__init__()
        self.library = library
        self.pair = (a, b)  # the two reports asked for (left, right)
        self.comparison: Comparison | None = None  # None while it is computed
        self.authors = is_team(library.authors())  # a team's library: say whose each week is
        self._generation = 0
        self._swaps = 0
        self._rows: list[DiffRow] = []  # rows mounted so far, top to bottom
        self._specs: list[tuple[ItemDiff | SectionDiff, bool]] = []  # every row's data (and whether a heading)
        self._pal: DiffPalette | None = None
        self._sides: Sides = ((), ())
        self.pending = False  # rows still being added (a large comparison)

    @property
    def a(self) -> Report:
        """The report shown on the left."""
        return self.comparison.a if self.comparison is not None else self.pair[0]

    @property
    def b(self) -> Report:
        """The report shown on the right."""
        return self.comparison.b if self.comparison is not None else self.pair[1]

    @property
    def computing(self) -> bool:
        """Whether the comparison is still being computed."""
        return self.comparison is None

    def compose(self) -> ComposeResult:
        yield Static(id="compare-header")
        yield LoadingIndicator(id="compare-loading")
        yield VerticalScroll(id="compare-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-body").display = False
        self.query_one("#compare-header", Static).update(self._header())
        self._compute(*self.pair, Palette.from_theme(self.app.theme_variables))

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def _compute(self, a: Report, b: Report, pal: Palette) -> None:
        """Compare the two weeks off the UI thread, and render both reports as the report view does
        (`pal`: its colours); the result is posted back (dropped once the screen is closed: closing or
        quitting never waits for it)."""
        try:
            comparison = abandonable(lambda: compare(self.library, a, b))
            # Both reports as the report view renders them: each item is drawn from its lines' rows.
            sides = abandonable(lambda: (report_rows(comparison.a.text, pal), report_rows(comparison.b.text, pal)))
        except Abandoned:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Computed(comparison, sides))

    async def on_compare_screen_computed(self, message: Computed) -> None:
        """The comparison is ready: the spinner gives way to the rows."""
        self.comparison = message.comparison
        self._sides = message.sides
        await self.query_one("#compare-loading", LoadingIndicator).remove()
        self.query_one("#compare-body").display = True
        self.refresh_bindings()
        await self._fill()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A comparison that raised: say so here, and show the error dialog."""
        show_failure(self, event, "compare-loading", "compare-header", "could not compare these weeks (see the error)")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Moving between changes, hiding and swapping wait for the comparison (shown dimmed meanwhile)."""
        if action in ("next_change", "previous_change", "toggle_unchanged", "swap", "scroll"):
            return None if self.comparison is None else True
        return True

    def _palette(self) -> DiffPalette:
        return DiffPalette.from_theme(self.app.theme_variables)

    def _header(self) -> Group:
        c = self.comparison
        grid = SideBySide(Text(" "), [Hanging(Text("A  " + week_caption(self.a, self.authors), style="bold"))],
                          [Hanging(Text("B  " + week_caption(self.b, self.authors), style="bold"))])
        if c is None:
            return Group(grid, Text("  comparing…"))
        counts = c.counts()
        summary = Text(f"  {counts['changed']} changed · {counts['added']} added · {counts['removed']} removed · "
                       f"{counts['same']} same" + ("  (unchanged hidden)" if self.hide_same else ""))
        return Group(grid, summary)

    def _spec_list(self) -> list[tuple[ItemDiff | SectionDiff, bool]]:
        specs: list[tuple[ItemDiff | SectionDiff, bool]] = []
        if self.comparison is None:
            return specs
        for sec in self.comparison.sections:
            specs.append((sec, True))
            specs.extend((item, False) for item in sec.items)
        return specs

    def _new_row(self, diff: ItemDiff | SectionDiff, heading: bool) -> DiffRow:
        row = DiffRow(diff, self._pal or self._palette(), self._sides, heading)
        if self.hide_same and diff.status == "same":
            row.display = False
        return row

    async def _fill(self) -> None:
        """Build every row for the current comparison: the first screenfuls at once, the rest in
        batches after each paint, so a large pair opens at once and keys are answered meanwhile."""
        self._pal = self._palette()
        self._generation += 1
        body = self.query_one("#compare-body", VerticalScroll)
        await body.remove_children()
        self._specs = self._spec_list()
        self._rows = [self._new_row(d, h) for d, h in self._specs[:FIRST_ROWS]]
        kpis = Static(kpi_renderable(self.comparison, self._pal, self.authors), id="compare-kpis")
        kpis.display = self.comparison.kpi_rows_shown  # (weeks without KPIs: no empty table)
        await body.mount_all([kpis, *self._rows])
        self.query_one("#compare-header", Static).update(self._header())
        self.cursor = -1
        self.call_after_refresh(self._mount_more, None, self._generation)

    def _mount_more(self, _rows: object, generation: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # closed meanwhile
        start = len(self._rows)
        batch = [self._new_row(d, h) for d, h in self._specs[start:start + BATCH_ROWS]]
        if not batch:
            self.pending = False
            return
        self.pending = True
        self._rows.extend(batch)
        self.query_one("#compare-body", VerticalScroll).mount_all(batch)
        self.call_after_refresh(self._mount_more, None, generation)

    # ── navigation ─────────────────────────────────────────────────────────────────────────

    def change_rows(self) -> list[DiffRow]:
        """Item rows that differ between the weeks, top to bottom."""
        return [r for r in self._rows if not r.heading and r.status != "same"]

    def watch_cursor(self, old: int, new: int) -> None:
        rows = self.change_rows()
        for r in self.query(".-current"):
            r.remove_class("-current")
        if 0 <= new < len(rows):
            row = rows[new]
            row.add_class("-current")
            self.query_one("#compare-body", VerticalScroll).scroll_to_widget(row, animate=False, top=True)

    def watch_hide_same(self, hide: bool) -> None:
        if self.comparison is None:
            return
        # Each unchanged row shown or hidden in place (no styles recomputed for the other rows).
        with self.app.batch_update():
            for row in self._rows:
                if row.status == "same":
                    row.display = not hide
        self.query_one("#compare-header", Static).update(self._header())

    def action_next_change(self) -> None:
        """Jump to the next changed, added or removed row."""
        n = len(self.change_rows())
        if n:
            self.cursor = min(self.cursor + 1, n - 1)
            if self.cursor == n - 1:
                self.notify("last change", timeout=1.5)

    def action_previous_change(self) -> None:
        """Jump to the previous changed, added or removed row."""
        if self.change_rows():
            self.cursor = max(self.cursor - 1, 0)

    def action_toggle_unchanged(self) -> None:
        """Show or hide the rows that are the same in both weeks."""
        self.hide_same = not self.hide_same

    async def action_swap(self) -> None:
        """Exchange the two sides: the same rows, mirrored (each row is given its mirror image)."""
        if self.comparison is None:
            return
        self.comparison = self.comparison.swapped()
        self._sides = (self._sides[1], self._sides[0])
        self._specs = self._spec_list()
        with self.app.batch_update():
            for row, (diff, _) in zip(self._rows, self._specs):
                row.set_diff(diff, self._sides)
            self.query_one("#compare-kpis", Static).update(kpi_renderable(self.comparison, self._pal or self._palette(), self.authors))
            self.query_one("#compare-header", Static).update(self._header())
        self.cursor = -1
        self.query_one("#compare-body", VerticalScroll).scroll_home(animate=False)
        self._swaps += 1
        self.call_after_refresh(self._check_heights, 0, self._swaps)

    def _check_heights(self, start: int, swaps: int) -> None:
        """After a swap: rows whose mirror image wraps to another height are laid out again."""
        if swaps != self._swaps or not self.is_attached:
            return
        for row in self._rows[start:start + BATCH_ROWS]:
            if row.display:
                row.fits()
        if start + BATCH_ROWS < len(self._rows):
            self.call_after_refresh(self._check_heights, start + BATCH_ROWS, swaps)

    def action_scroll(self, lines: int) -> None:
        """Scroll both sides together."""
        body = self.query_one("#compare-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_back(self) -> None:
        """Back to the previous screen (also while the comparison is computed: it is dropped)."""
        if self.is_current:  # a second escape queued behind the first must not close the next screen
            self.app.pop_screen()
