"""Pilot test: the search screen answers from a saved index at once and reads its large parts through
after, between searches; damage found then is said once, the index built again and the query asked
again of it."""

from __future__ import annotations

import sqlite3

from textual.app import App

from testpaths import SEEDS
from tui.index.search import parts
from tui.index.store.searchdb import pack_part, unpack_part
from tui.index.workspace import Workspace
from tui.ui.screens.search import SearchScreen
from uiutil import eventually, settled


class Host(App):
    """The search screen over a workspace that reads the parse cache."""

    def __init__(self, workspace: Workspace):
        super().__init__()
        self.workspace = workspace

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.workspace, ""))

    def open_report(self, report, line=None) -> None:
        pass


async def test_damage_the_late_checks_find_is_said_once_and_the_query_asked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(parts, "WHOLE_UP_TO", 0)  # (the seeds' parts read on demand, as a large library's)
    from tui.index.load import load_library

    lib = load_library([str(SEEDS)], use_cache=True)
    Workspace(lib, use_cache=True).search_index()  # (saved as the app saves it)
    db = sqlite3.connect(next((tmp_path / "cache").rglob("parse-cache-v2.sqlite3")))
    (data,) = db.execute("SELECT data FROM search_parts WHERE name = 'entry_line'").fetchone()
    raw = bytearray(unpack_part(data))
    raw[len(raw) // 2] ^= 1  # (a byte changed, its checksum left as it was: no query here reads it)
    db.execute("UPDATE search_parts SET data = ? WHERE name = 'entry_line'", (pack_part(bytes(raw)),))
    db.commit()
    db.close()
    want = [(h.report.source, h.line) for h in Workspace(lib).search("贝易转", limit=50).hits]
    notices: list[str] = []
    ws = Workspace(lib, use_cache=True, notice=notices.append, hold_saved=True)
    opened = ws.search_index()
    assert opened.late_checks is not None
    app = Host(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"贝易转")
        await eventually(pilot, lambda: screen.result is not None and screen.result.query.raw == "贝易转")
        await eventually(pilot, lambda: ws.cached_search_index() not in (None, opened) and notices, timeout=60)
        assert len(notices) == 1 and "built again" in notices[0], notices
        # (asked again of the index built anew: the same hits, from it)
        await eventually(pilot, lambda: screen.result.seconds is not None and screen.done == "贝易转"
                         and [(h.report.source, h.line) for h in screen.result.hits] == want, timeout=60)
        await settled(pilot)
        assert len(notices) == 1
