"""Pilot tests: a project's timeline in a team's folder has one sparkline per author (at 80×24,
120×36 and 160×48), says how many weeks (not reports) it spans, and is laid out anew on resize."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from testpaths import DATA
from tui.index.load import load_library
from tui.index.timeline import timeline
from tui.model.vocab import Vocabulary
from tui.ui.screens.timeline import TimelineScreen
from uiutil import eventually, make_app, ready

NOTION = DATA / "team" / "notion"


@pytest.fixture(scope="module")
def team():
    return load_library([str(NOTION)], vocab=Vocabulary(author_aliases={"张三": ["zhangsan"]}))


def test_weeks_are_counted_once_and_figures_kept_per_author(team):
    t = timeline(team, "贝易转")
    assert len(t.weeks) == 8 and t.week_labels == ["2024-W20", "2024-W21", "2024-W22", "2024-W23"]
    assert t.progress_by_author() == [
        ("李四", {"2024-W20": 60, "2024-W21": 70, "2024-W22": 80, "2024-W23": 90}),
        ("张三", {"2024-W20": 60, "2024-W21": 70, "2024-W22": 80, "2024-W23": 90}),
    ]


def _true(ok: bool) -> bool:
    assert ok
    return ok


async def open_timeline(pilot, key: str) -> TimelineScreen:
    app = pilot.app
    await ready(pilot)
    app.push_screen(TimelineScreen(app.workspace, key))

    def drawn():
        screen = app.screen
        assert isinstance(screen, TimelineScreen) and screen.timeline is not None
        assert str(screen.query_one("#timeline-spark", Static).render())
        return screen
    return await eventually(pilot, drawn)


def spark_lines(screen) -> list[str]:
    return str(screen.query_one("#timeline-spark", Static).render()).split("\n")


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 48)])
async def test_one_sparkline_per_author(team, size):
    app = make_app(team)
    async with app.run_test(size=size) as pilot:
        screen = await open_timeline(pilot, "贝易转")
        lines = spark_lines(screen)
        assert [line.split()[0] for line in lines] == ["李四", "张三"]
        box = screen.query_one("#timeline-spark-box")
        assert all(cell_len(line) <= box.content_size.width for line in lines)
        assert all(line.endswith("90%") for line in lines)
        assert "▅" in lines[0] and "▇" in lines[0]  # 60 % … 90 % on the 0–100 % scale, every week shown
        spark = screen.query_one("#timeline-spark")
        await eventually(pilot, lambda: _true(spark.region.height == 2))  # both lines on screen, none wraps
        assert box.region.right <= size[0]
        title = str(screen.query_one("#timeline-title", Static).render())
        assert "4 weeks (8 reports), 2024-W20 – 2024-W23" in title


async def test_a_week_without_a_figure_is_a_dot_on_its_authors_line(tmp_path):
    for who, week, text in (("Ann", 20, "【Ledger】step 1，进度20%"), ("Ann", 21, "【Ledger】reviewing"),
                            ("Ann", 22, "【Ledger】step 2，进度60%"), ("Bob", 22, "【Ledger】tests，进度50%")):
        folder = tmp_path / who
        folder.mkdir(exist_ok=True)
        (folder / f"2024-W{week}.md").write_text(f"# 2024-W{week}\n\nCreated by: {who}\n\n## Done\n\n- {text}\n",
                                                 encoding="utf-8")
    app = make_app(load_library([str(tmp_path)]))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_timeline(pilot, "Ledger")
        ann, bob = spark_lines(screen)
        assert ann.startswith("Ann") and bob.startswith("Bob")
        assert "·" in ann and ann.endswith("60%") and bob.endswith("50%")
        cells = lambda line: line[4:].rsplit(" ", 1)[0]  # noqa: E731 - the week cells of a line
        assert cells(bob).startswith("    ")  # no report of Bob's before 2024-W22: blank, not a dot
        assert len(cells(ann)) == len(cells(bob))  # one axis of weeks for everyone


async def test_the_timeline_follows_the_terminal(team):
    app = make_app(team)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_timeline(pilot, "贝易转")
        await pilot.resize_terminal(80, 24)

        def narrow():
            box = screen.query_one("#timeline-spark-box")
            assert all(cell_len(line) <= box.content_size.width for line in spark_lines(screen))
            assert screen._spark_built == box.content_size.width and screen._entries_built == 80 - 6
        await eventually(pilot, narrow)
        await pilot.resize_terminal(160, 48)

        def wide():
            assert screen._spark_built == screen.query_one("#timeline-spark-box").content_size.width > 40
            assert screen._entries_built == 160 - 6
        await eventually(pilot, wide)


async def test_long_entries_fold_to_the_new_width(tmp_path):
    words = " ".join(f"word{n}" for n in range(40))
    for week in (20, 21):
        (tmp_path / f"2024-W{week}.md").write_text(f"# 2024-W{week}\n\n## Done\n\n- 【Ledger】{words}，进度{week}%\n",
                                                   encoding="utf-8")
    app = make_app(load_library([str(tmp_path)]))
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_timeline(pilot, "Ledger")
        block = screen.query_one("#timeline-week-0", Static)
        rows = lambda: str(block.render()).split("\n")[1:]  # noqa: E731 - the entry's folded rows
        assert len(rows()) == 2
        await pilot.resize_terminal(80, 24)

        def folded():
            assert len(rows()) >= 4 and all(cell_len(r) <= 80 - 6 for r in rows())
        await eventually(pilot, folded)
