"""Pilot tests: a search hit's row gives the matched text the room (at 80×24, 120×36, 160×48), says
the week and label once, shows link text as a reader sees it, and is laid out anew when the terminal
is resized."""

from __future__ import annotations

from datetime import date

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.widgets import OptionList

from tui.index.load import load_library
from tui.index.workspace import Workspace
from tui.ui.screens.search import SearchScreen

TITLE = "Platform Engineering Weekly Update from the Infrastructure Group"
LINE = ("- [Make the incremental build cache survive a restart of the coordinating daemon on large "
        "monorepos](https://example.com/tracker/pull/40961) and measure the effect on cold builds")


def write_series(folder) -> None:
    """Six weeks with one long shared title and a long linked item each; one week titled by its week."""
    for n in range(18, 24):
        title = f"2024-W{n}" if n == 23 else f"{TITLE} (week {n})"
        day = date.fromisocalendar(2024, n, 5)
        (folder / f"report-{n}.md").write_text(
            f"# {title}\n\nCreated: {day:%B} {day.day}, 2024 5:00 PM\n\n## Build and release\n\n{LINE}\n"
            "- routine dependency bumps\n", encoding="utf-8")


class Host(App):
    """The smallest app the search screen needs."""

    def __init__(self, library, query: str):
        super().__init__()
        self.workspace = Workspace(library)
        self.query_text = query

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.workspace, self.query_text))

    def open_report(self, report, line=None) -> None:
        pass


def hit_rows(screen) -> list[list[str]]:
    """The text rows of every hit option, as shown."""
    results = screen.query_one("#search-results", OptionList)
    return [str(results.get_option_at_index(i).prompt).split("\n") for i in range(results.option_count)
            if results.get_option_at_index(i).id]


async def results_for(pilot, screen, query: str):
    for _ in range(400):
        if screen.result is not None and screen.result.query.raw == query and screen.option_hits:
            return
        await pilot.pause()
    raise AssertionError("no results")


def text_cells(row: str) -> int:
    """Columns of matched text a hit's line row shows (its indent and a closing ellipsis left out)."""
    return cell_len(row.strip().rstrip("…"))


@pytest.fixture
def series(tmp_path):
    write_series(tmp_path)
    return load_library([str(tmp_path)])


@pytest.mark.parametrize("size,least", [((80, 24), 60), ((120, 36), 60), ((160, 48), 80)])
async def test_a_hit_row_gives_the_matched_text_the_room(series, size, least):
    app = Host(series, "coordinating")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "coordinating")
        rows = hit_rows(screen)
        assert len(rows) == 6
        for row in rows:
            line = row[-1]
            assert text_cells(line) >= least, line
            assert "](" not in line and "https://" not in line  # link text, not link syntax
            assert "coordinating" in line
        first = rows[0]
        assert first[0].strip() == "2024-W23 · Build and release"  # week once: the label is the week
        # the long title the weeks share gives way where the heading does not fit, so the week and section show
        assert [r[0].strip() for r in rows[1:]] == [f"2024-W{n}  …(week {n}) · Build and release" for n in range(22, 17, -1)]


async def test_the_match_shows_on_a_long_line_and_is_marked(series):
    app = Host(series, "cold builds")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "cold builds")
        results = screen.query_one("#search-results", OptionList)
        prompt = results.get_option_at_index(results.highlighted).prompt
        marked = [prompt.plain[s.start:s.end] for s in prompt.spans if s.style and "underline" in str(s.style)]
        assert "cold" in marked and "builds" in marked
        assert prompt.plain.split("\n")[-1].strip().startswith("…")  # the start of the line gave way


async def test_hits_of_one_place_share_a_heading(tmp_path):
    (tmp_path / "2024-W20.md").write_text("# 2024-W20\n\n## Done\n\n- alpha one\n- alpha two\n\n## Next\n\n- alpha three\n",
                                          encoding="utf-8")
    app = Host(load_library([str(tmp_path)]), "alpha")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "alpha")
        rows = hit_rows(screen)
        assert [len(r) for r in rows] == [2, 1, 2]
        assert [r[0].strip() for r in rows if len(r) == 2] == ["2024-W20 · Done", "2024-W20 · Next"]


async def test_resizing_lays_the_rows_out_anew(series):
    app = Host(series, "coordinating")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "coordinating")
        before = max(text_cells(r[-1]) for r in hit_rows(screen))
        await pilot.resize_terminal(160, 48)
        for _ in range(400):
            if max(text_cells(r[-1]) for r in hit_rows(screen)) > before + 20:
                break
            await pilot.pause()
        after = max(text_cells(r[-1]) for r in hit_rows(screen))
        assert after > before + 20
        preview = str(screen.query_one("#search-preview").render())
        assert "coordinating daemon" in preview.replace("\n", " ")
        await pilot.resize_terminal(100, 30)
        for _ in range(400):
            if max(text_cells(r[-1]) for r in hit_rows(screen)) < before:
                break
            await pilot.pause()
        assert max(text_cells(r[-1]) for r in hit_rows(screen)) < before
        await pilot.resize_terminal(80, 24)  # one column: the list above the preview
        for _ in range(400):
            if screen.has_class("-narrow") and max(text_cells(r[-1]) for r in hit_rows(screen)) >= 60:
                break
            await pilot.pause()
        assert screen.has_class("-narrow")
        width = screen.query_one("#search-results").size.width
        assert all(cell_len(row) <= width for r in hit_rows(screen) for row in r)
        assert max(text_cells(r[-1]) for r in hit_rows(screen)) >= 60


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_numbered_issues_are_told_apart_in_the_results(size):
    from testpaths import DATA

    app = Host(load_library([str(DATA / "series" / "shanhai")]), "话题")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "话题")
        results = screen.query_one("#search-results", OptionList)
        group = str(results.get_option_at_index(0).prompt)
        # the issues after the first lose the title they share with the one before: more of them fit
        assert "山海技术爱好者周刊（第 401 期） ×3  …（第 402 期） ×3" in group, group
        assert ("…（第 403 期） ×3" in group) == (size[0] > 100), group
        headings = [row[0].strip() for row in hit_rows(screen) if len(row) == 2]
        numbers = set()
        for heading in headings:  # room enough for the whole title and the issue's number
            assert heading.startswith("undated  山海技术爱好者周刊（第 4"), heading
            numbers.add(heading.split("第 ")[1][:3])
        assert numbers == {str(n) for n in range(401, 413)}


async def test_the_whole_list_after_a_page_makes_only_the_rows_the_page_had_not(series, monkeypatch):
    """A keystroke's page, then the whole list in its place (what every pause in typing brings): the
    page's rows that look the same there are not made again, and the list looks as one drawn afresh."""
    import threading

    from textual.geometry import Region

    from tui.ui.widgets import hit_list

    made, make = [], hit_list.hit_rows
    monkeypatch.setattr(hit_list, "hit_rows", lambda hit, *a, **k: made.append((hit.report.week, hit.line))
                        or make(hit, *a, **k))
    monkeypatch.setattr(SearchScreen, "_page", lambda self: 3)
    app = Host(series, "daemon")
    search, release = app.workspace.search, threading.Event()

    def held(query, *a, counted=True, **kw):  # (the whole list waits: a busy machine must not race the page)
        if counted:
            release.wait(30)
        return search(query, *a, counted=counted, **kw)

    app.workspace.search = held
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await results_for(pilot, screen, "daemon")
        await pilot.pause()
        assert screen.filled is None and len(screen.result.hits) == 3
        page, made[:] = list(made), []
        assert len(page) == 3  # (each row of the page made once, as drawn)
        release.set()
        for _ in range(400):
            if screen.filled == "daemon":
                break
            await pilot.pause()
        await pilot.pause()
        whole = [(h.report.week, h.line) for h in screen.result.hits]
        assert len(whole) == 6 and whole[:3] == page
        # the first row's neighbours are the same in both lists: it is taken as drawn; the third one's
        # heading has a new neighbour below (the labels beside it shorten it), so it is made anew
        assert page[0] not in made and page[2] in made and sorted(made) == sorted(whole[2:]), made
        results = screen.query_one("#search-results", OptionList)
        region = Region(0, 0, results.size.width, results.size.height)

        def drawn() -> list:
            return [[(s.text, s.style) for s in strip] for strip in results.render_lines(region)]

        kept, hit = drawn(), screen.current_hit
        results.clear_options()
        screen._rows(screen.result, hit)  # (the same list, every row made and drawn anew)
        await pilot.pause()
        assert drawn() == kept
