"""Charts that read right: y axes on round values (a percentage never past 100, counts whole, a flat
series a readable range); in a team's folder the names sit in the chart's border (no wrapped rows) and
each author has a colour and a marker of their own; charts are drawn anew for a new terminal size."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from testpaths import DATA
from tui.index.load import load_library
from tui.ui.screens.metrics import AUTHOR_STYLES, KpiChart, y_ticks
from uiutil import eventually, make_app, ready, screen_text

NOTION = DATA / "team" / "notion"


@pytest.mark.parametrize("values", [[99.95, 99.955, 99.96], [99.99, 99.995, 100.0], [100.0, 100.0], [96.5, 100.0]])
def test_a_percentage_axis_never_passes_100(values):
    ticks, labels, (lo, hi) = y_ticks(values, unit="%")
    assert hi <= 100 and max(ticks) <= 100 and lo <= min(values) and hi >= max(values)
    assert len(set(labels)) == len(labels)  # labels tell the ticks apart


@pytest.mark.parametrize("values", [[1, 1, 1], [0, 1, 2, 3], [3, 2, 2, 1], [0, 0], [12, 40, 7]])
def test_a_count_axis_has_whole_numbers(values):
    ticks, labels, (lo, hi) = y_ticks(values)
    assert all(t == int(t) for t in ticks) and all("." not in x for x in labels)
    assert lo <= min(values) and hi >= max(values) and lo >= 0


@pytest.mark.parametrize("value,unit,least", [(1.0, "", 1.0), (99.95, "%", 0.5), (0.0, "", 1.0), (2500.5, "", 100)])
def test_a_flat_series_gets_a_readable_range(value, unit, least):
    ticks, labels, (lo, hi) = y_ticks([value] * 4, unit=unit)
    assert lo <= value <= hi and hi - lo >= least
    assert len(labels) >= 2 and all(len(x) <= 7 for x in labels)


def test_close_values_are_told_apart():
    ticks, labels, _ = y_ticks([99.95, 99.955, 99.96], unit="%")
    assert "99.955" in labels


def plot_rows(chart: KpiChart) -> list[str]:
    return chart.render().plain.split("\n")


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 48)])
async def test_a_team_overlay_fits_and_tells_authors_apart(size):
    app = make_app(load_library([str(NOTION)]))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await eventually(pilot, lambda: app.screen.query_one(KpiChart))
        await pilot.press("a")

        def overlaid():
            charts = list(app.screen.query(KpiChart))
            assert charts and all(c.overlay for c in charts)
            return charts
        charts = await eventually(pilot, overlaid)
        for chart in charts:
            width = chart.content_size.width
            rows = plot_rows(chart)
            assert all(cell_len(r) <= width for r in rows), chart.series.name  # no row wraps
            authors = [a for a, _ in chart.overlay]
            assert chart.legend().plain.split("  ") == [
                f"{AUTHOR_STYLES[n][1]} {a}" for n, a in enumerate(authors)]
            drawn = "".join(rows)
            for n, _ in enumerate(authors):
                if n:  # (the first author's ● may all sit under the open week's orange ●)
                    assert AUTHOR_STYLES[n][1] in drawn
        text = screen_text(app)
        assert "入金有效成功率 (%)" in text and "● 李四" in text


async def test_charts_are_drawn_anew_for_a_new_size(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("m")
        chart = await eventually(pilot, lambda: app.screen.query(KpiChart).first())
        before = max(cell_len(r) for r in plot_rows(chart))
        await pilot.resize_terminal(160, 48)

        def wider():
            c = app.screen.query(KpiChart).first()
            assert max(cell_len(r) for r in plot_rows(c)) == c.content_size.width > before + 10
        await eventually(pilot, wider)
        await pilot.resize_terminal(80, 24)  # one chart a row

        def one_column():
            charts = list(app.screen.query(KpiChart))
            assert charts[1].region.y > charts[0].region.y
            assert all(max(cell_len(r) for r in plot_rows(c)) <= c.content_size.width for c in charts)
        await eventually(pilot, one_column)
