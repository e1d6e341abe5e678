"""The app on an intern programme's archive (`interns.write_archive`): a two-week report in the team
week of both its weeks, `[` `]` a week at a time to the same person's report, `--week` opening a week,
a cold load ending on the newest report unless the reader moved, authors in the week list from the
first reports read on."""

from __future__ import annotations

from pathlib import Path

import pytest

from interns import write_archive
from tui.index.library import EVERYONE
from tui.index.load import load_library
from tui.model.parse import parse_report
from tui.model.report import SourceRef
from tui.ui.screens.main import MainScreen
from tui.ui.screens.team_week import TeamWeekScreen
from tui.ui.widgets.week_list import WeekList
from uiutil import eventually, gated_load, make_app, ready


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return write_archive(tmp_path_factory.mktemp("interns"))


@pytest.fixture(scope="module")
def interns(archive):
    return load_library([str(archive)])


def _true(ok: bool) -> bool:
    assert ok
    return ok


def rows(weeks: WeekList, n: int) -> list[str]:
    return ["".join(seg.text for seg in weeks.render_line(y)).strip() for y in range(n)]


async def test_a_two_week_report_is_in_the_team_week_of_both_weeks(interns):
    app = make_app(interns)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        two_weeks = interns.find("silverling@2024-W12")  # 03-23 – 04-05: W12, W13 and W14
        main.show_report(two_weeks)
        await pilot.pause()
        await pilot.press("w")

        def week_shown(week: str):
            assert isinstance(app.screen, TeamWeekScreen) and app.screen.week.week == week
            return app.screen

        screen = await eventually(pilot, lambda: week_shown("2024-W12"))
        assert two_weeks in screen.week.reports
        await pilot.press("right_square_bracket")
        screen = await eventually(pilot, lambda: week_shown("2024-W13"))
        assert two_weeks in screen.week.reports  # the next week: still silverling's report, filed the week before
        assert {r.author for r in screen.week.reports} >= {"silverling", "宁可", "韩用功", "张钰钦"}
        title = "".join(seg.text for seg in screen.query_one("#team-title").render_line(0))
        roster = str(screen.query_one("#team-roster").render())  # who filed for the week, by name
        assert title.startswith("Team week 2024-W13 · ") and "silverling" in roster.split(" · ")[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        screen = await eventually(pilot, lambda: week_shown("2024-W15"))
        assert two_weeks not in screen.week.reports


async def test_brackets_move_a_week_to_the_same_persons_report(interns):
    app = make_app(interns)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert main.team
        main.show_report(interns.find("明宇@2026-W06"))
        await pilot.pause()

        def now(author: str, week: str):
            assert (main.current.author, main.current.week) == (author, week)

        await pilot.press("left_square_bracket")  # past the other four W06 rows, to 明宇's W04
        await eventually(pilot, lambda: now("明宇", "2026-W04"))
        await pilot.press("right_square_bracket")
        await eventually(pilot, lambda: now("明宇", "2026-W06"))
        # a week the person did not write: that week's first report; the next step is theirs again
        main.show_report(interns.find("宁可@2024-W13"))
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await eventually(pilot, lambda: _true(main.current.week == "2024-W14" and main.current.author != "宁可"))
        await pilot.press("right_square_bracket")
        await eventually(pilot, lambda: now("宁可", "2024-W15"))
        # with `a`, by that person's own weeks
        main.show_report(interns.find("张钰钦@2024-W14"))
        await pilot.pause()
        await pilot.press("a")
        await eventually(pilot, lambda: _true(main.only == "张钰钦"))
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: now("张钰钦", "2024-W12"))
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: now("张钰钦", "2023-W51"))  # the cohort before
        assert main.only == "张钰钦"


@pytest.mark.parametrize("week,author,filed", [
    ("zhangyuqin@2024-W13", "张钰钦", "2024-W12"),  # a week the person's two-week report covers
    ("2026-W05", "Lin-Yuan", "2026-W04"),  # a week several reports cover: the first of them
    ("第3期", None, None),  # a label of many weeks: said, and the newest opens
])
async def test_week_option_opens_that_week(interns, week, author, filed):
    app = make_app(interns, week=week)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        if author is None:
            assert main.current is interns.newest()
            await eventually(pilot, lambda: _true(any("ambiguous" in n.message for n in app._notifications)))
            return
        assert (main.current.author, main.current.week) == (author, filed)
        weeks = app.query_one(WeekList)
        assert weeks.highlighted_report is main.current


async def test_a_gated_cold_load_ends_on_the_newest_report(monkeypatch, seed_library):
    early = [r for r in seed_library.reports if r.week in ("2023-W52", "2023-W46", "2024-W17")]
    gate = gated_load(monkeypatch, seed_library, reversed(early))
    app = make_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            main = await eventually(pilot, lambda: _true(isinstance(app.screen, MainScreen)
                                                         and app.screen.current is not None) and app.screen, 20)
            assert not app.loaded and main.current.week == "2024-W17"  # the newest read so far
            gate.set()
            await eventually(pilot, lambda: _true(app.loaded), 20)
            await eventually(pilot, lambda: _true(main.current.week == "2024-W29"))  # the newest of all
            assert app.query_one(WeekList).highlighted_report is main.current
    finally:
        gate.set()


async def test_a_reader_who_scrolled_keeps_the_report(monkeypatch, seed_library):
    from tui.ui.widgets.report_view import ReportView

    early = [r for r in seed_library.reports if r.week in ("2023-W46", "2024-W17")]
    gate = gated_load(monkeypatch, seed_library, early)
    app = make_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            main = await eventually(pilot, lambda: _true(isinstance(app.screen, MainScreen)
                                                         and app.screen.current is not None) and app.screen, 20)
            view = main.query_one(ReportView)
            await eventually(pilot, lambda: _true(view.max_scroll_y > 0))
            view.scroll_to(y=5, animate=False, immediate=True)
            await pilot.pause()
            gate.set()
            await eventually(pilot, lambda: _true(app.loaded), 20)
            await pilot.pause()
            assert main.current.week == "2024-W17"
    finally:
        gate.set()


async def test_authors_show_from_the_first_partial_list(monkeypatch, archive, interns):
    # The reports read first, as the parser gives them: no folder has made anyone their author yet.
    early = [parse_report(Path(r.source.path).read_text(encoding="utf-8"), r.source)
             for r in interns.reports if "Hackathon_6th" in r.source.path]
    assert {r.author for r in early if "21_silverling" in r.source.path} == {None}
    gate = gated_load(monkeypatch, interns, early)
    app = make_app(paths=[archive])
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            main = await eventually(pilot, lambda: _true(isinstance(app.screen, MainScreen)
                                                         and app.screen.current is not None) and app.screen, 20)
            assert not app.loaded
            weeks = app.query_one(WeekList)
            assert weeks.show_authors and str(weeks.border_title).endswith(" people")
            names = {r.author for r in weeks.reports}
            assert {"silverling", "韩用功", "宁可", "尹帆"} <= names

            def top_row_names_its_author() -> None:  # (the list may still scroll to the open week)
                weeks.scroll_home(animate=False, immediate=True)
                first = rows(weeks, 2)
                assert weeks.reports[0].author and first[0].startswith(weeks.reports[0].author), first

            await eventually(pilot, top_row_names_its_author)
            gate.set()
            await eventually(pilot, lambda: _true(app.loaded), 20)
            assert main.only is EVERYONE and len(weeks.reports) == len(interns.reports)
    finally:
        gate.set()


def test_week_option_that_names_nothing_fails_before_the_app_starts(archive, capsys):
    from tui.cli import main

    assert main([str(archive), "--week", "nobody@2024-W13", "--no-cache"]) == 2
    assert "nobody called 'nobody'" in capsys.readouterr().err


@pytest.mark.parametrize("query,person", [("zyq", "张钰钦"), ("hanyg", "韩用功"), ("MarioLulab", "陆琦")])
async def test_the_palette_names_a_person_by_the_same_rule(interns, query, person):
    from tui.ui.commands import PeopleProvider

    app = make_app(interns)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        hits = [hit async for hit in PeopleProvider(app.screen).search(query)]
        best = max(hits, key=lambda h: h.score)
        assert best.text == f"Only {person}"
        # above every week row the query also matches fuzzily (`hanyg` is in "… Hanyonggong …")
        from textual.fuzzy import Matcher

        week_rows = [f"Go to week {r.author} · {r.label}  ({r.week})" for r in interns.reports if r.author]
        assert best.score >= max(Matcher(query).match(t) for t in week_rows)
