"""The real report series in the app: opening, the section tree, `[`, search and compare (skipped without
../shared/corpora)."""

from __future__ import annotations

import pytest

from testpaths import CORPORA
from tui.ui.screens.compare import CompareScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.search import SearchScreen
from uiutil import eventually, make_app, ready, settled

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")


@pytest.fixture(scope="module")
def libraries():
    from tui.index.load import load_library

    return {name: load_library([str(CORPORA / name)]) for name in ("plct-weekly", "this-week-in-rust")}


@pytest.mark.slow
@needs_corpora
@pytest.mark.parametrize("name,query", [("plct-weekly", "RISC"), ("this-week-in-rust", "crate")])
async def test_corpus_in_the_app(libraries, name, query):
    lib = libraries[name]
    app = make_app(lib)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert isinstance(main, MainScreen)
        dated = [r for r in lib.reports if r.week]
        assert main.current is dated[-1]  # the newest dated report opens
        tree = main.query_one("#sections")
        await eventually(pilot, lambda: len(tree.root.children) >= 1)
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: main.current is dated[-2])
        await pilot.press("slash")
        screen = await eventually(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen)
        await pilot.press(*query)
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == query, timeout=90)
        assert screen.result.hits
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        main.open_compare(dated[-2], dated[-1])
        compare = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        await eventually(pilot, lambda: not compare.computing, timeout=90)
        await pilot.press("n", "u", "escape")
        await eventually(pilot, lambda: app.screen is main)
        await settled(pilot, of=compare)  # (the app's search index of a whole archive may still be building)
        assert app.is_running
