"""How the app opens a saved search index: a keystroke never sees it before it holds the library's own
reports; what is read on demand is read once by whichever thread asks first; and the parts left
unchecked at the opening are read through between searches, leaving a query's pieces in place."""

from __future__ import annotations

import threading

import pytest

from testpaths import SEEDS
from tui.index.search import parts


def _saved(cache_env):
    """The seeds, loaded from the parse cache, with their search index saved as the app saves it."""
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    Workspace(lib, use_cache=True).search_index()
    return load_library([str(SEEDS)], use_cache=True)


def _carry_the_librarys_reports(result, lib) -> bool:
    ids = {id(r) for r in lib.reports}
    return all(id(h.report) in ids for h in result.hits)


def test_a_keystroke_while_the_saved_index_is_read_ahead_never_gets_its_rows(cache_env):
    """The app reads the saved index while the library loads (`preload_search_index`); a key typed
    before the index holds the library's reports is answered "not searched yet", never with hits
    carrying the rows read back with the index (the preview and enter read a report)."""
    from tui.index.workspace import Workspace

    lib = _saved(cache_env)
    ws = Workspace(lib, use_cache=True, hold_saved=True)
    ws.preload_search_index(lib)
    early = ws.search("项目", limit=0, wait=False)
    assert not early.hits or _carry_the_librarys_reports(early, lib)
    index = ws.search_index()
    assert index.persisted_as is not None  # (the saved one, read ahead, not built)
    shown = ws.search("项目", limit=0, wait=False)
    assert shown.hits and _carry_the_librarys_reports(shown, lib)


def test_a_keystroke_while_the_saved_index_is_synced_never_gets_its_rows(cache_env, monkeypatch):
    """A key typed while the index read back is being synced with the library (another thread) is
    answered from it only once its reports are the library's."""
    from tui.index.search.engine import SearchIndex
    from tui.index.workspace import Workspace

    lib = _saved(cache_env)
    ws = Workspace(lib, use_cache=True, hold_saved=True)
    seen = []
    sync = SearchIndex.sync

    def keystroke_then_sync(self, *args, **kwargs):
        seen.append(ws.search("项目", limit=0, wait=False))  # (a key answered in the sync's window)
        return sync(self, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "sync", keystroke_then_sync)
    index = ws.search_index()
    assert index.persisted_as is not None and seen
    assert all(not r.hits or _carry_the_librarys_reports(r, lib) for r in seen)
    assert _carry_the_librarys_reports(ws.search("项目", limit=0, wait=False), lib)


def _edit_docs(cache_env) -> None:
    """Change the saved index's report rows (still UTF-8) and make their checksums match again."""
    import json
    import sqlite3
    import zlib

    from tui.index.store.searchdb import pack_part, unpack_part

    db = sqlite3.connect(next((cache_env / "cache").rglob("parse-cache-v2.sqlite3")))
    got = {n: unpack_part(d) for n, d in db.execute("SELECT name, data FROM search_parts")}
    data = b"{" + bytes(got["docs"])[1:]  # (the first row no longer one reports-tui wrote)
    sums = json.loads(bytes(got["sums"]))
    sums["docs"] = [zlib.crc32(data[k:k + parts.CHUNK]) for k in range(0, len(data), parts.CHUNK)]
    db.execute("UPDATE search_parts SET data = ? WHERE name = 'docs'", (pack_part(data),))
    db.execute("UPDATE search_parts SET data = ? WHERE name = 'sums'", (pack_part(json.dumps(sums).encode()),))
    db.commit()
    db.close()


@pytest.mark.parametrize("read_ahead", [True, False])
def test_saved_report_rows_found_damaged_by_the_sync_are_built_again_with_one_notice(cache_env, read_ahead):
    from tui.index.workspace import Workspace

    lib = _saved(cache_env)
    _edit_docs(cache_env)
    notices: list[str] = []
    ws = Workspace(lib, use_cache=True, hold_saved=True, notice=notices.append)
    if read_ahead:
        ws.preload_search_index(lib)
    assert not ws.search("项目", limit=0, wait=False).hits
    index = ws.search_index()
    assert len(notices) == 1 and "built again" in notices[0], notices
    shown = ws.search("项目", limit=0, wait=False)
    assert ws.cached_search_index() is index and shown.hits and _carry_the_librarys_reports(shown, lib)


def test_a_part_read_on_demand_is_loaded_once_when_two_threads_ask_it_first():
    """The late checks' worker and a query may ask the same deferred part first at the same time: the
    second waits for the first's load (never an `AttributeError`, never a second load)."""
    from tui.index.search.columns import IndexData

    ix = IndexData()
    del ix.heads
    loading, asked, loads = threading.Event(), threading.Event(), []

    def load_heads():
        loads.append(1)
        loading.set()
        asked.wait(5)  # (the second thread asks while this load is under way)
        return ["Plans"]

    ix._deferred = {"heads": load_heads}
    got: dict[str, object] = {}

    def ask(who: str) -> None:
        try:
            got[who] = ix.heads
        except Exception as exc:  # noqa: BLE001 - what the test reports
            got[who] = exc

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert loading.wait(5)
    second = threading.Thread(target=ask, args=("second",))
    second.start()
    second.join(0.1)  # (it waits for the load under way; asking when it is done would prove nothing)
    asked.set()
    first.join(5)
    second.join(5)
    assert got == {"first": ["Plans"], "second": ["Plans"]} and loads == [1]
    with pytest.raises(AttributeError):
        ix.no_such_part


def test_a_deferred_part_that_fails_to_load_fails_for_every_asker():
    from tui.index.search.columns import IndexData

    ix = IndexData()
    del ix.heads

    def damaged():
        raise parts.DamagedIndex("damaged names")

    ix._deferred = {"heads": damaged}
    for _ in range(2):
        with pytest.raises(parts.DamagedIndex):
            ix.heads


def _opened(cache_env):
    """The seeds' saved index as the app opens it (its large parts' checks left for later)."""
    from tui.index.workspace import Workspace

    lib = _saved(cache_env)
    ws = Workspace(lib, use_cache=True)
    index = ws.search_index()
    assert index.late_checks is not None
    return ws, index


def test_the_late_checks_wait_while_a_search_is_under_way(cache_env):
    ws, index = _opened(cache_env)
    index.quiet.after = 0.0
    with index.quiet.searching():  # (a keystroke's search, in another thread as far as the checks know)
        checks = threading.Thread(target=ws.check_saved_index, kwargs={"between_searches": True})
        checks.start()
        checks.join(0.2)
        assert checks.is_alive()  # (not one piece read: it cannot end while the search is under way)
    checks.join(30)
    assert not checks.is_alive() and index.late_checks is None and ws.cached_search_index() is index


def test_late_checks_given_up_are_left_for_another_time(cache_env):
    ws, index = _opened(cache_env)
    assert ws.check_saved_index(between_searches=True, stopped=lambda: True) is False
    assert index.late_checks is not None and ws.cached_search_index() is index
    assert ws.check_saved_index() is False and index.late_checks is None  # (sound: read through in full)


def test_the_late_checks_leave_the_pieces_a_query_read_in_place(cache_env):
    ws, index = _opened(cache_env)
    ws.search("贝易转", limit=50, wait=False)
    kept = set(index.otext.pieces)
    assert kept
    ws.check_saved_index()
    assert set(index.otext.pieces) == kept  # (the next keys find them; the checks kept none of theirs)


def test_quiet_lets_background_work_on_only_once_searches_are_over():
    from tui.index.search.quiet import Quiet, Stopped

    quiet = Quiet(after=0.0)
    assert quiet.wait() < 1
    entered, done = threading.Event(), threading.Event()

    def search():
        with quiet.searching():
            entered.set()
            done.wait(5)

    t = threading.Thread(target=search)
    t.start()
    assert entered.wait(5)
    waited = threading.Thread(target=quiet.wait)
    waited.start()
    waited.join(0.1)
    assert waited.is_alive()
    done.set()
    waited.join(5)
    t.join(5)
    assert not waited.is_alive()
    with quiet.searching(), pytest.raises(Stopped):
        quiet.wait(stopped=lambda: True)
