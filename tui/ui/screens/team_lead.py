"""What a team lead's Monday adds to the main screen of a team's library: reports read or not (a report
counts as read once it has been open `READ_AFTER` seconds, or with `U`; `u` opens the next unread one)
and the roster heat-map. The state lives in the user's state folder (`index.readstate`), keyed by each
report's content, never in the report folders."""

from __future__ import annotations

from textual.timer import Timer

from ...model.report import Report
from ..widgets.week_list import WeekList


class TeamLeadKeys:
    """Read tracking and the heat-map for `MainScreen` (a mixin: it uses the screen's `team`, `current`,
    `listed` and `show_report`)."""

    READ_AFTER = 3.0  # seconds a report of a team's library is open before it counts as read
    _read_timer: Timer | None = None

    def _unread(self, report: Report) -> bool:
        return not self.app.read_state.is_read(report)

    def _count_as_read(self, report: Report) -> None:
        """Start counting: the report counts as read once it has been open READ_AFTER seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.team and self._unread(report):
            self._read_timer = self.set_timer(self.READ_AFTER, lambda: self._open_long_enough(report))

    def _open_long_enough(self, report: Report) -> None:
        if report is self.current and self.app.screen is self:
            self.set_read(report, True)

    def set_read(self, report: Report, read: bool) -> None:
        """Mark a report read or unread (kept in the user's state folder) and redraw its row."""
        state = self.app.read_state
        if state.mark(report, read):
            self.query_one(WeekList).redraw_rows(report)
        if state.error:
            self.notify(state.error, severity="warning", timeout=6, markup=False)
            state.error = None

    def action_toggle_read(self) -> None:
        """Mark the open report read, or unread again."""
        r = self.current
        if not self.team or r is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        read = self._unread(r)
        self.set_read(r, read)
        who = f"{r.author} · " if r.author else ""
        self.notify(f"{who}{r.label}: " + ("read" if read else "unread"), timeout=2, markup=False)

    def action_next_unread(self) -> None:
        """Open the next report not read yet (after the open one, then from the top)."""
        reports = self.listed
        if not self.team or not reports:
            return
        at = self.query_one(WeekList).index_of(self.current)
        start = (at if at is not None else -1) + 1
        order = reports[start:] + reports[:start]
        found = self.app.read_state.first_unread(r for r in order if r is not self.current)
        if found is None:
            self.notify("Every report here is read.", timeout=3, markup=False)
            return
        self.show_report(found)

    def action_roster(self) -> None:
        """Who filed, week by week: people × the last 12 weeks up to the open report's."""
        if not self.team:
            return
        from .roster import RosterScreen

        week = self.current.week if self.current is not None else None
        self.app.push_screen(RosterScreen(self.workspace, week))
