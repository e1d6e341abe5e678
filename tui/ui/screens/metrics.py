"""The metrics screen: every KPI as a chart over the weeks (textual-plotext).

In a team's library the charts follow the open report's author; `a` overlays every author's line on
each chart, with a legend."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from ...index.formats import format_value
from ...index.series import Series
from ...index.workspace import Workspace
from ...model.report import Report
from ..commands import VIEW_COMMANDS
from ..keys import bindings


def _nice_step(raw: float) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`."""
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999))


def y_ticks(values: list[float], count: int = 5, unit: str = "") -> tuple[list[float], list[str], tuple[float, float]]:
    """Ticks on round values, precise enough to tell the values apart (99.955 is not 100): a
    percentage axis never passes 100 (nor goes below 0), a count's axis has whole numbers, and a flat
    series gets a range of a readable size around its value."""
    lo, hi = min(values), max(values)
    whole = all(float(v).is_integer() for v in values)
    if hi == lo:  # flat: a unit of its own size around it (99.95 → 98.95–100.95; a count 3 → 2–4)
        pad = 1.0 if whole or lo == 0 else 10.0 ** (math.floor(math.log10(abs(lo))) - 1)
        lo, hi = lo - pad, hi + pad
    elif not whole:  # (a little room above and below the line; counts sit on whole ticks as they are)
        span = hi - lo
        lo, hi = lo - span * 0.05, hi + span * 0.05
    step = _nice_step((hi - lo) / (count - 1))
    if whole:
        step = max(1.0, math.ceil(step))
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    floor = 0.0 if min(values) >= 0 else -math.inf
    ceiling = 100.0 if unit == "%" and max(values) <= 100 else math.inf
    lo, hi = max(lo, floor), min(hi, ceiling)
    decimals = len(f"{step:.6f}".rstrip("0").split(".")[1])  # (as many as the step has: 0.0025 → 4)
    n = round((hi - lo) / step)
    ticks = [lo + i * step for i in range(n + 1) if lo + i * step <= hi + step * 1e-9]
    if ticks and hi - ticks[-1] > step * 1e-9:
        ticks.append(hi)  # (an axis cut at 100 ends on 100)
    labels = [f"{t:.{decimals}f}" for t in ticks]
    return ticks, labels, (lo, hi)


def x_ticks(labels: list[str], max_ticks: int = 8) -> tuple[list[int], list[str]]:
    """At most `max_ticks` evenly spread week labels (always the first and the last)."""
    n = len(labels)
    if n <= max_ticks:
        idx = list(range(n))
    else:
        idx = sorted({round(i * (n - 1) / (max_ticks - 1)) for i in range(max_ticks)})
    return idx, [labels[i] for i in idx]


def short_week(report: Report) -> str:
    """`2024-W23` as `24-W23`: short enough for several labels under a chart."""
    if report.week and len(report.week) == 8:
        return report.week[2:]
    return report.label[:8]


# Each author's line on an overlay: a colour and a marker of its own (plotext's and Rich's colour names).
AUTHOR_STYLES = [("cyan", "●"), ("magenta", "▲"), ("green", "■"), ("blue", "◆"), ("red", "▼"), ("yellow", "✚")]


def chart_title(series: Series) -> str:
    """A chart's name: the KPI and its unit."""
    return f"{series.name} ({series.unit})" if series.unit else series.name


class KpiChart(PlotextPlot):
    """One KPI over the weeks; the open week is marked. Its name and, on an overlay, the legend are in
    its border (text plotext would count by characters: a CJK name there broke the chart's rows)."""

    DEFAULT_CSS = """
    KpiChart { border: round $panel; border-title-color: $text; border-subtitle-color: $text-muted; }
    """

    def __init__(self, series: Series, current: Report | None, columns: list[Report] | None = None,
                 overlay: list[tuple[str, Series]] | None = None, weeks: list[str] | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.series = series
        self.current = current
        # Every chart shares one x axis (the reports that have any KPI), so weeks line up across charts.
        self.columns = columns or [p.report for p in series.points]
        # Several authors on one chart: one line each (`overlay`: (author, series)), on an axis of weeks.
        self.overlay = overlay
        self.weeks = weeks or []
        self.border_title = Text(chart_title(series))  # (a name is text, never markup)
        if overlay:
            self.border_subtitle = self.legend()

    def on_unmount(self) -> None:
        # (plotext's widget hears of theme changes from the app and never stops: the app would keep
        # every chart ever shown, with the lines it drew, until the theme changed)
        self.app.theme_changed_signal.unsubscribe(self)

    def legend(self) -> Text:
        """Each author's marker and name in the colour of their line."""
        out = Text()
        for n, (author, _) in enumerate(self.overlay or []):
            colour, marker = AUTHOR_STYLES[n % len(AUTHOR_STYLES)]
            if n:
                out.append("  ")
            out.append(f"{marker} {author}", style=colour)
        return out

    def render(self):
        # Draw from scratch every time: plotext keeps layout state between draws, which made the
        # chart depend on how often it had been drawn before.
        self.plt.clear_figure()
        self._draw()
        return super().render()

    def _draw(self) -> None:
        if self.overlay:
            self._draw_overlay()
            return
        s = self.series
        plt = self.plt
        column = {id(r): i for i, r in enumerate(self.columns)}
        xs = [column.get(id(p.report), i) for i, p in enumerate(s.points)]
        ys = s.values
        labels = [short_week(r) for r in self.columns]
        # One series in one resolution: a braille line and cell-sized dots never quite coincide.
        plt.plot(xs, ys, marker="braille")
        if len(xs) == 1:  # a lone value draws no line
            plt.scatter(xs, ys, marker="●")
        i = s.index_of(self.current)
        if i is not None:
            plt.scatter([xs[i]], [ys[i]], marker="●", color="orange")
        self._axes(labels, ys)

    def _draw_overlay(self) -> None:
        """One line per author over the weeks, each with its colour and its marker on every value;
        the open report's value marked."""
        plt = self.plt
        column = {w: i for i, w in enumerate(self.weeks)}
        every: list[float] = []
        for n, (author, series) in enumerate(self.overlay or []):
            pts = [(column[p.report.week], p.value) for p in series.points if p.report.week in column]
            if not pts:
                continue
            colour, marker = AUTHOR_STYLES[n % len(AUTHOR_STYLES)]
            xs, ys = [x for x, _ in pts], [y for _, y in pts]
            every.extend(ys)
            plt.plot(xs, ys, marker="braille", color=colour)
            plt.scatter(xs, ys, marker=marker, color=colour)
            i = series.index_of(self.current)
            if i is not None and self.current is not None and self.current.week in column:
                plt.scatter([column[self.current.week]], [series.values[i]], marker="●", color="orange")
        if not every:
            return
        self._axes([w[2:] if len(w) == 8 else w for w in self.weeks], every)

    def _axes(self, labels: list[str], values: list[float]) -> None:
        """Week labels along x and value ticks along y, with room for every label."""
        plt = self.plt
        # Room for every label with a gap: overlapping labels make plotext's placement unstable.
        tx, tl = x_ticks(labels, max_ticks=max(2, (self.size.width - 10) // 8))
        plt.xticks(tx, tl)
        ticks, tick_labels, (lo, hi) = y_ticks(values, unit=self.series.unit)
        plt.yticks(ticks, tick_labels)
        plt.ylim(lo, hi)
        plt.xlim(-0.3, max(len(labels) - 0.7, 0.7))


NO_KPIS = "No KPIs in these reports: nothing to chart."


def open_metrics(app, workspace: Workspace, current: Report | None) -> None:
    """`m`: the metrics screen, or, when no report has a KPI, one note saying so (not an empty screen)."""
    if not workspace.kpi_series():
        app.notify(NO_KPIS, timeout=4, markup=False)
        return
    app.push_screen(MetricsScreen(workspace, current))


class MetricsScreen(Screen):
    """Every KPI of the library as a full chart."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("metrics")

    def __init__(self, workspace: Workspace, current: Report | None = None) -> None:
        super().__init__(id="metrics")
        self.workspace = workspace
        self.library = workspace.library
        self.current = current
        self.team = workspace.is_team()
        self.author = workspace.author_of(current)  # whose KPIs (EVERYONE in a one-person library)
        self.series = workspace.kpi_series(self.author)
        self.overlay = False  # `a`: every author's line on each chart

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` exists only in a team's library."""
        return self.team if action == "overlay" else True

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="metrics-title", markup=False)
        with VerticalScroll(id="metrics-scroll"):
            if not self.series:  # (a team's author without KPIs: the others' are one key away)
                yield Static(self._empty_text(), id="metrics-empty", markup=False)
            with Grid(id="metrics-grid"):
                yield from self._charts()
        yield Footer()

    def _empty_text(self) -> str:
        if not self.team:
            return NO_KPIS
        author = self.current.author if self.current else None
        whose = f"{author}'s reports" if author else "the reports without an author"
        return f"No KPIs in {whose} — a: every author's"

    def _title(self) -> str:
        summary = ", ".join(
            f"{s.name} {format_value(p.value, p.unit)}" for s in self.series if (p := s.at(self.current))
        )
        mine = self.workspace.reports_of(self.author)
        weeks = len({r.week for r in mine if r.week})
        who = ""
        if self.team:
            who = " — every author (a: one)" if self.overlay else (
                f" — {self.current.author or 'no author'} (a: every author)" if self.current else "")
        label = f"{self.current.author} · {self.current.label}" if self.team and self.current and \
            self.current.author else (self.current.label if self.current else "")
        return f"KPIs over {weeks} weeks{who}" + (f" — {label}: {summary}" if self.current and summary else "")

    def _charts(self) -> list[KpiChart]:
        if not self.overlay:
            columns = [r for r in self.workspace.reports_of(self.author) if r.kpis]
            return [KpiChart(s, self.current, columns, classes="kpi-chart") for s in self.series]
        weeks = sorted({r.week for r in self.library.reports if r.kpis and r.week})
        per_author = [(a, {s.name: s for s in self.workspace.kpi_series(a)}) for a in self.workspace.authors()]
        charts = []
        for s in self.workspace.kpi_series():
            lines = [(a, by_name[s.name]) for a, by_name in per_author if s.name in by_name]
            charts.append(KpiChart(s, self.current, overlay=lines, weeks=weeks, classes="kpi-chart"))
        return charts

    async def action_overlay(self) -> None:
        """Every author's line on each chart, or only the open report's author's."""
        if not self.team:
            return
        self.overlay = not self.overlay
        grid = self.query_one("#metrics-grid", Grid)
        await grid.remove_children()
        await grid.mount_all(self._charts())
        self.query("#metrics-empty").set(display=not self.overlay)
        self.query_one("#metrics-title", Static).update(self._title())

    def action_back(self) -> None:
        """Back to the main screen."""
        if self.is_current:
            self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#metrics-scroll").scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#metrics-scroll").scroll_up()

    def on_mount(self) -> None:
        self._columns(self.app.size.width)

    def on_resize(self, event) -> None:
        self._columns(event.size.width)

    def _columns(self, width: int) -> None:
        self.query_one("#metrics-grid").styles.grid_size_columns = 1 if width < 100 else 2
