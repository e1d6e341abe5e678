"""Pilot tests: typing a query, opening a hit, opening a project timeline from a hit, and a query typed
while the library is still loading."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Input, OptionList, Static

from tui.index.workspace import Workspace
from tui.ui.screens.search import SearchScreen
from tui.ui.screens.timeline import TimelineScreen
from uiutil import eventually, settled


class Host(App):
    """The smallest app the screens need: a library and `open_report`."""

    def __init__(self, library, query: str = ""):
        super().__init__()
        self.library = library
        self.workspace = Workspace(library)
        self.query_text = query
        self.opened: list[tuple[str, int | None]] = []

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.workspace, self.query_text))

    def open_report(self, report, line=None) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.opened.append((report.week, line))


def _true(value):
    assert value
    return value


async def wait_for_results(pilot, screen, query: str) -> None:
    """Wait until the screen shows the answer to `query` (and has drawn it)."""


    await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == query)
    await settled(pilot)


async def test_typing_a_query_shows_grouped_highlighted_results(seed_library):
    app = Host(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert isinstance(app.focused, Input)
        await pilot.press(*"贝易转")
        await wait_for_results(pilot, screen, "贝易转")
        hits = screen.result.hits
        assert [h.report.week for h in hits[:3]] == ["2024-W29", "2024-W23", "2024-W17"]  # newest first
        results = screen.query_one("#search-results", OptionList)
        first_group = results.get_option_at_index(0)
        assert first_group.disabled and "贝易转" in str(first_group.prompt)
        assert "2024-W17 ×" in str(first_group.prompt)  # (weeks counted in week order)
        assert str(first_group.prompt).index("2024-W17") < str(first_group.prompt).index("2024-W29")
        # the best hit is highlighted and previewed, matched characters marked
        assert screen.current_hit is hits[0]
        row = results.get_option_at_index(results.highlighted).prompt
        marked = [row.plain[s.start:s.end] for s in row.spans if s.style and "underline" in str(s.style)]
        assert "贝易转" in marked
        preview = str(screen.query_one("#search-preview").render())
        assert "【贝易转】" in preview and "003_42893bb59e695130.txt" in preview
        # at 80×24 the preview shows a few of its rows, its top first; the rest is scrolled to
        view = screen.query_one("#search-preview")
        rows = preview.rstrip("\n").split("\n")

        def shown() -> list[str]:
            return [view.render_line(y).text.strip() for y in range(view.size.height)]

        await pilot.resize_terminal(80, 24)
        await eventually(pilot, lambda: 0 < view.size.height < len(rows) and rows[0].strip() in shown())
        view.scroll_end(animate=False)
        await eventually(pilot, lambda: rows[-1].strip() in shown() and rows[0].strip() not in shown())


async def test_enter_opens_the_hit_at_its_line(seed_library):
    app = Host(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press(*"实时数仓")
        await wait_for_results(pilot, screen, "实时数仓")
        await pilot.press("down", "down")  # into the results, then the second hit
        assert isinstance(app.focused, OptionList)
        hit = screen.current_hit
        assert hit.report.week == "2024-W23"
        await pilot.press("enter")
        await eventually(pilot, lambda: bool(app.opened))
        assert app.opened == [("2024-W23", hit.line)] and hit.line == 35


async def test_pinyin_query_from_the_constructor(seed_library):
    app = Host(seed_library, "byz")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "byz")
        assert screen.current_hit.project == "贝易转"
        assert "pinyin" in str(screen.query_one("#search-status").render())


async def test_one_hit_is_counted_in_the_singular(seed_library):
    app = Host(seed_library, "北京信富")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "北京信富")
        status = str(screen.query_one("#search-status").render())
        assert status.startswith("1 hit (1 exact)"), status


async def test_t_opens_the_timeline_of_the_hit_project(seed_library):
    app = Host(seed_library, "实时数仓")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "实时数仓")
        await pilot.press("ctrl+t")
        tl = await eventually(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
        await eventually(pilot, lambda: tl.timeline is not None and tl.query_one("#timeline-table").row_count > 0)
        await settled(pilot)
        table = tl.query_one("#timeline-table", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["2024-W17", "2024-W23", "2024-W29"]
        assert [r[2] for r in rows] == ["80%", "98%", "98%"]
        spark = await eventually(pilot, lambda: _true(str(tl.query_one("#timeline-spark", Static).render())))
        assert spark == "▇▇████ 98%"  # 80 %, 98 %, 98 % on a fixed 0–100 scale, two cells a week; the last figure
        axis = str(tl.query_one("#timeline-spark-labels", Static).render())
        assert axis.startswith("2024-W17 – 2024-W29")
        await pilot.press("down", "enter")
        await eventually(pilot, lambda: bool(app.opened))
        assert app.opened == [("2024-W23", 35)]


async def test_escape_goes_back_and_hostile_text_is_shown_as_text(tmp_path):
    from tui.index.load import load_library

    (tmp_path / "r.md").write_text("# 2024-W10\n\n## 【其他】\n\n- 【坏[/]项目】 [bold]x[/] [link=http://x]y\n",
                                   encoding="utf-8")
    lib = load_library([str(tmp_path)])
    app = Host(lib, "坏")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "坏")
        assert "[bold]x[/]" in str(screen.query_one("#search-preview").render()).replace("\n     ", "")
        await pilot.press("ctrl+t")
        await eventually(pilot, lambda: isinstance(app.screen, TimelineScreen))
        await pilot.press("escape")
        await eventually(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press("escape")
        await eventually(pilot, lambda: not isinstance(app.screen, SearchScreen))


async def test_a_query_typed_while_loading_is_answered_from_what_is_read_then_corrected(monkeypatch, seed_library):
    """`/贝易转` while the library loads: hits from the reports read so far, a status that says so,
    never a final "no matches"; when the load ends the same query runs again by itself."""
    from uiutil import gated_load, make_app

    # the reports as they are read: the two oldest first (neither names 贝易转 as a project)
    early = [r for r in seed_library.reports if r.week in ("2023-W46", "2023-W52")]
    gate = gated_load(monkeypatch, seed_library, early)
    app = make_app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await eventually(pilot, lambda: app.workspace.loading)
            assert not app.loaded
            await pilot.press("slash")
            screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
            await pilot.press(*"贝易转")
            await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "贝易转")
            await settled(pilot)
            partial = screen.result
            assert not partial.complete and partial.searched == 2 and partial.of == 5
            assert {h.report.week for h in partial.hits} <= {"2023-W46", "2023-W52"}
            status = str(screen.query_one("#search-status", Static).render())
            assert "searching 2 of 5 reports" in status
            gate.set()
            await eventually(pilot, lambda: screen.result is not None and screen.result.complete, timeout=20)
            await settled(pilot)
            whole = screen.result
            assert whole.complete and whole.query.raw == "贝易转"
            assert [h.report.week for h in whole.hits[:3]] == ["2024-W29", "2024-W23", "2024-W17"]
            assert "searching" not in str(screen.query_one("#search-status", Static).render())
    finally:
        gate.set()


async def test_a_query_follows_a_load_that_grows_faster_than_the_index_syncs(monkeypatch, seed_library):
    """A large load tells of new reports every second and each index sync then takes longer than that:
    the query typed meanwhile is still asked again as syncs end ("searching 4 of 5 reports"), not left
    on its first answer until the load is over."""
    import threading
    import time as _time

    import tui.ui.loading as loading
    from tui.index.library import Library
    from uiutil import make_app

    reports = list(seed_library.reports)
    gate = threading.Event()

    def growing_load(paths, vocab=None, progress=None, use_cache=True, notice=None, snapshot=None, cancelled=None):
        got = Library(reports=list(reports), paths=list(seed_library.paths), vocab=seed_library.vocab)
        start = _time.monotonic()
        while not gate.wait(0.05):  # (a snapshot every 50 ms, one report more each second, up to 4 of 5)
            k = min(1 + int(_time.monotonic() - start), 4)
            snapshot(reports[:k], len(reports), None)
        return got

    monkeypatch.setattr(loading, "load_library", growing_load)
    app = make_app()
    real_index = app.workspace.search_index

    def slow_index(progress=None):
        _time.sleep(0.3)  # (longer than the time between two snapshots)
        return real_index(progress)

    app.workspace.search_index = slow_index
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await eventually(pilot, lambda: app.workspace.loading)
            await pilot.press("slash")
            screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
            await pilot.press(*"项目")
            await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "项目"
                             and screen.result.searched == 4, timeout=20)
            assert not app.loaded and not screen.result.complete
            await eventually(pilot, lambda: "searching 4 of 5 reports"
                             in str(screen.query_one("#search-status", Static).render()))
            gate.set()
            await eventually(pilot, lambda: screen.result is not None and screen.result.complete, timeout=20)
            assert screen.result.query.raw == "项目" and screen.result.searched == 5
    finally:
        gate.set()


async def test_hits_show_their_author(seed_library):
    from tui.index.library import Library

    reports = list(seed_library.reports)
    import copy

    reports = [copy.copy(r) for r in reports]
    for r in reports:
        r.author = "张三" if r.week and r.week >= "2024-W01" else None
    app = Host(Library(reports=reports, paths=list(seed_library.paths)), "by:zhangsan 贝易转")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for_results(pilot, screen, "by:zhangsan 贝易转")
        assert screen.result.hits and {h.author for h in screen.result.hits} == {"张三"}
        results = screen.query_one("#search-results", OptionList)
        row = results.get_option_at_index(results.highlighted).prompt
        assert "张三" in row.plain
        assert "张三" in str(screen.query_one("#search-preview").render())


def hold_whole_lists(app, wait: float):
    """Make the app's whole-list searches (the `counted` follow-up of a keystroke's page) wait for the
    returned `release` (at most `wait` seconds); `entered` is set each time one starts waiting. A
    keystroke's page is answered at once."""
    import threading

    search = app.workspace.search
    entered, release = threading.Event(), threading.Event()

    def held(query, *a, counted=True, **kw):
        if counted:
            entered.set()
            release.wait(wait)
        return search(query, *a, counted=counted, **kw)

    app.workspace.search = held
    return entered, release


async def test_a_page_first_then_the_whole_list_with_the_cursor_kept(seed_library, monkeypatch):
    # a keystroke's page (here 3 hits) is drawn first; the whole list then replaces it, the cursor on
    # the same hit at the same place on screen and the preview kept; only the rows on screen are made
    monkeypatch.setattr(SearchScreen, "_page", lambda self: 3)
    app = Host(seed_library)
    _entered, release = hold_whole_lists(app, 30)  # (a busy machine must not race the page)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.screen
        await pilot.press(*"项目")
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "项目")
        await pilot.pause()
        assert len(screen.result.hits) == 3 and screen.filled is None
        page = list(screen.result.hits)
        await pilot.press("down", "down")  # into the results, the second hit
        was = screen.current_hit
        assert was is not None and was in page
        results = screen.query_one("#search-results", OptionList)
        at = results.first_line(results.highlighted) - results.scroll_offset.y  # (the line on screen)
        preview = str(screen.query_one("#search-preview").render())
        release.set()
        await eventually(pilot, lambda: screen.filled == "项目")
        whole = screen.result.hits
        assert len(whole) > 3 and [(h.report.week, h.line) for h in whole[:3]] == [(h.report.week, h.line) for h in page]
        hit = screen.current_hit
        assert (hit.report, hit.line) == (was.report, was.line)
        assert results.first_line(results.highlighted) - results.scroll_offset.y == at
        assert str(screen.query_one("#search-preview").render()) == preview
        # rows below the screen were never made
        made = [o for o in results.options if o._made is not None]
        assert len(made) <= results.size.height + 2 < results.option_count


async def _settled(pilot, screen, query: str) -> None:
    """Wait until the search of `query` has ended (its page, and its whole list or the failure of it)."""
    await eventually(pilot, lambda: screen.done == query)


async def test_a_whole_list_that_fails_keeps_the_page_with_a_notice_and_the_screen_usable(seed_library, monkeypatch):
    # the follow-up (the whole list) raises: the page stays, a notice and the status line say so, no
    # error dialog, the query's search is over (`done`), and the next query is searched as usual
    from tui.ui.screens import search as search_screen

    monkeypatch.setattr(SearchScreen, "_page", lambda self: 3)
    monkeypatch.setattr(search_screen, "FILL_DELAY", 0.05)
    app = Host(seed_library)
    search = app.workspace.search
    broken = [True]

    def flaky(query, *a, counted=True, **kw):
        if counted and broken[0]:
            raise OSError("disk gone")
        return search(query, *a, counted=counted, **kw)

    app.workspace.search = flaky
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.screen
        await pilot.press(*"项目")
        await _settled(pilot, screen, "项目")
        assert app.screen is screen and isinstance(app.focused, Input)  # (no dialog)
        assert screen.filled is None and len(screen.result.hits) == 3
        assert screen.current_hit is not None
        status = str(screen.query_one("#search-status", Static).render())
        assert "the whole list failed" in status and "disk gone" in status
        # (a notice arrives as a message of its own, after the status line is drawn)
        await eventually(pilot, lambda: any("disk gone" in str(n.message) for n in app._notifications))
        broken[0] = False
        await pilot.press("backspace")
        await _settled(pilot, screen, "项")
        assert screen.filled == "项" and len(screen.result.hits) > 3


async def test_a_keystroke_search_that_fails_ends_and_says_so(seed_library):
    app = Host(seed_library)

    def broken(query, *a, **kw):
        raise ValueError("bad index")

    app.workspace.search = broken
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.screen
        await pilot.press(*"项目")
        await _settled(pilot, screen, "项目")
        status = str(screen.query_one("#search-status", Static).render())
        assert "search failed" in status and "bad index" in status


async def test_a_whole_list_arriving_after_a_newer_key_or_a_closed_screen_is_dropped(seed_library, monkeypatch):
    # the follow-up still running when the next key comes (cancelled), then when the screen closes: both
    # end without touching the screen; the app goes on
    from tui.ui.screens import search as search_screen

    monkeypatch.setattr(SearchScreen, "_page", lambda self: 3)
    monkeypatch.setattr(search_screen, "FILL_DELAY", 0.05)
    app = Host(seed_library)
    entered, release = hold_whole_lists(app, 10)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.screen
        await pilot.press(*"项目")
        await eventually(pilot, entered.is_set)
        entered.clear()
        await pilot.press("backspace")  # a newer key: the running follow-up is cancelled
        await wait_for_results(pilot, screen, "项")
        release.set()
        await _settled(pilot, screen, "项")
        assert screen.result.query.raw == "项" and screen.filled == "项"
        release.clear()
        await pilot.press(*"目")
        await eventually(pilot, entered.is_set)
        app.pop_screen()  # the screen closes while its follow-up runs
        await eventually(pilot, lambda: not screen.is_attached)
        release.set()
        await eventually(pilot, lambda: not any(w.group == "search-fill" and w.is_running for w in app.workers))
        assert screen.done != "项目" and not screen.is_attached
        assert len(app.screen_stack) == 1  # (no error dialog)


async def test_a_query_answered_before_the_index_was_made_is_asked_again_once_it_is(seed_library, monkeypatch):
    """A query asked before the index is made searches nothing; when that answer reaches the screen
    only after the screen heard the index was made, the screen still asks again (it never stays on
    "searching 0 of 5")."""
    import threading

    app = Host(seed_library)
    asked, release = threading.Event(), threading.Event()
    real_search, real_index = app.workspace.search, app.workspace.search_index

    def late(query, *a, **kw):
        got = real_search(query, *a, **kw)
        if got.searched == 0 and got.of:  # (answered before there was an index)
            asked.set()
            release.wait(30)
        return got

    def index_after_the_query(progress=None):
        asked.wait(30)
        return real_index(progress)

    synced: list[bool] = []
    real_synced = SearchScreen._synced

    def told(self) -> None:
        real_synced(self)
        synced.append(True)

    app.workspace.search = late
    app.workspace.search_index = index_after_the_query
    monkeypatch.setattr(SearchScreen, "_synced", told)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            await pilot.press("存")  # (one key: one query)
            await eventually(pilot, asked.is_set)
            await eventually(pilot, lambda: bool(synced))  # the index is made and the screen told so …
            release.set()  # … and only then the empty answer arrives
            await eventually(pilot, lambda: screen.result is not None and screen.result.complete)
            assert screen.result.query.raw == "存" and screen.result.hits
            assert all("存" in h.text for h in screen.result.hits[:3])
            await eventually(pilot, lambda: "searching" not in str(screen.query_one("#search-status", Static).render()))
    finally:
        release.set()
        asked.set()


async def test_the_whole_list_of_one_or_two_letters_is_not_counted_and_says_so(tmp_path, monkeypatch):
    # `ti` (on the way to a word): nearly every line holds such letters, so its whole list is not
    # counted and the status says there may be more; `tim` is counted again
    from tui.index.load import load_library
    from tui.ui.screens import search as search_screen

    lines = "".join(f"- timing item {i}\n" for i in range(20))
    (tmp_path / "2024-W10.md").write_text(f"# 2024-W10\n\n## Work\n\n{lines}", encoding="utf-8")
    monkeypatch.setattr(search_screen, "LIMIT", 5)
    monkeypatch.setattr(SearchScreen, "_page", lambda self: 2)
    app = Host(load_library([str(tmp_path)]))
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.screen
        await eventually(pilot, lambda: app.workspace.cached_search_index() is not None)
        status = lambda: str(screen.query_one("#search-status", Static).render())  # noqa: E731
        await pilot.press(*"ti")
        await _settled(pilot, screen, "ti")
        assert len(screen.result.hits) == 5 and screen.result.capped
        await eventually(pilot, lambda: status().startswith("5+ hits"))
        await pilot.press("m")
        await _settled(pilot, screen, "tim")
        await eventually(pilot, lambda: status().startswith("5 of 20 hits"))
    assert search_screen.counts_all("rust") and search_screen.counts_all("项目") and search_screen.counts_all("in:O2 ti")
    assert not search_screen.counts_all("ti") and not search_screen.counts_all("t i")

