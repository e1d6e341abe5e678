"""How the app holds a saved search index: its texts as written kept compressed and read a piece at a
time, every part still checked when the index is opened, and an index saved in an earlier format
built again rather than read."""

from __future__ import annotations

import sqlite3
import zlib
from array import array

import pytest

from testpaths import SEEDS
from tui.index.search import index as index_module
from tui.index.search import parts
from tui.index.search.parts import CHUNK, Checked, DamagedIndex, _decodes


def _rows(result) -> list[tuple]:
    return [(h.report.source, h.line, h.text, h.score, h.spans) for h in result.hits]


QUERIES = ["贝易转", "存管", "POS", "rust", "byz", "zfxt", "in:O2 进度"]


def test_the_app_answers_from_a_saved_index_whose_texts_stay_compressed(cache_env):
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)  # (makes the parse cache the index is saved in)
    fresh = Workspace(lib)
    Workspace(lib, use_cache=True).search_index()  # (built and saved)
    ws = Workspace(lib, use_cache=True)
    index = ws.search_index()  # (read back)
    assert index.persisted_as is not None
    for name in index.PACKED:
        assert isinstance(getattr(index, name), Checked), name  # (not decompressed whole)
    for q in QUERIES:
        assert _rows(ws.search(q, limit=0)) == _rows(fresh.search(q, limit=0)), q
    # growing the index (a report changed) turns them into plain bytes, with the same answers
    index._materialize()
    assert isinstance(index.otext, bytearray) and isinstance(index.lower, bytearray)
    for q in QUERIES:
        assert _rows(ws.search(q, limit=0)) == _rows(fresh.search(q, limit=0)), q


def test_the_app_holds_an_index_it_built_as_read_back_once_saved(cache_env):
    """A first search in the app builds the index in memory and saves it; from then on the app holds it
    as read back from the cache (texts compressed), with the same answers — not the built one, which
    holds every text whole. A process that answers once (`hold_saved` off) too: a whole library's index
    is written as it is built, and read back (`Workspace._built_as_saved`); one built in memory (no
    cache) holds its texts whole."""
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    fresh = Workspace(lib)
    assert isinstance(fresh.search_index().otext, bytearray)
    once = Workspace(lib, use_cache=True).search_index()  # (built and saved: the CLI's way)
    assert isinstance(once.otext, Checked) and once.persisted_as is not None
    from tui.index.store.searchdb import cache_file

    cache_file().unlink()  # (no saved index: the app builds one)
    lib2 = load_library([str(SEEDS)], use_cache=True)
    app = Workspace(lib2, use_cache=True, hold_saved=True)
    index = app.search_index()
    assert index.persisted_as is not None and app.search_index() is index
    for name in index.PACKED:
        assert isinstance(getattr(index, name), Checked), name
    for q in QUERIES:
        assert _rows(app.search(q, limit=0)) == _rows(fresh.search(q, limit=0)), q


def test_hits_from_the_index_held_as_read_back_carry_the_librarys_reports(cache_env):
    """The first index the app builds is saved and held as read back; a query then asked without
    waiting (as the search screen's keystrokes are) gets hits carrying the library's own reports — what
    the preview and enter read — never the rows read back with the index."""
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    app = Workspace(lib, use_cache=True, hold_saved=True)
    index = app.search_index()
    assert index.persisted_as is not None
    shown = app.search("项目", limit=0, wait=False)
    assert shown.hits and all(any(h.report is r for r in lib.reports) for h in shown.hits)


def test_an_index_saved_in_an_earlier_format_is_built_again(cache_env, monkeypatch):
    from tui.index.load import load_library
    from tui.index.store.searchdb import cache_file
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)  # (makes the parse cache the index is saved in)
    want = _rows(Workspace(lib).search("贝易转", limit=0))
    with monkeypatch.context() as m:  # (saved as the format before this one wrote it)
        m.setattr(parts, "FORMAT", "6")  # (each part one row: before parts were written as they are built)
        m.setattr(index_module, "FORMAT", "6")
        Workspace(lib, use_cache=True).search_index()
    db = sqlite3.connect(cache_file())
    [(old,)] = db.execute("SELECT stamp FROM search_index").fetchall()
    assert old.startswith("6:")
    notices: list[str] = []
    ws = Workspace(lib, use_cache=True, notice=notices.append)
    index = ws.search_index()
    assert index.persisted_as is not None and _rows(ws.search("贝易转", limit=0)) == want
    assert index.saved_changes == index.changes and index.ndocs == len(lib.reports)
    [(new,)] = db.execute("SELECT stamp FROM search_index").fetchall()
    assert new.startswith(parts.FORMAT + ":") and not notices  # (another format is no damage)
    db.close()


def test_a_part_read_a_piece_at_a_time_keeps_few_pieces_and_checks_each_read():
    data = bytes(range(256)) * (CHUNK * 5 // 256 + 7)
    sums = [zlib.crc32(data[k:k + CHUNK]) for k in range(0, len(data), CHUNK)]
    part = Checked(data, sums, keep=2)
    for k in range(0, len(data), 1000):
        assert part[k:k + 3000] == data[k:k + 3000]
        assert len(part.pieces) <= 2
    damaged = bytearray(data)
    damaged[CHUNK + 5] ^= 1
    part = Checked(damaged, sums, keep=2)
    assert part[0:10] == data[0:10]
    with pytest.raises(DamagedIndex):
        part[CHUNK:CHUNK + 10]
    part[0:10]
    part[3 * CHUNK:3 * CHUNK + 10]  # (the damaged piece is not kept: read again, it fails again)
    with pytest.raises(DamagedIndex):
        part[CHUNK + 1:CHUNK + 2]


def test_stored_text_is_checked_a_slice_at_a_time(monkeypatch):
    monkeypatch.setattr(parts, "_DECODE_SLICE", 4)
    text = "贝易转 rust 存管😀路由\udcff".encode("utf-8", "surrogatepass")  # (characters cut by every slice)
    assert _decodes(text) and _decodes(bytearray(text))
    assert not _decodes(text[:-1])  # (cut inside its last character)
    assert not _decodes(text[:5] + b"\xff" + text[6:])


def test_the_app_reads_the_large_parts_on_demand_and_rebuilds_once_when_one_stops_reading_back(cache_env):
    """Every part is checked when the app opens the saved index, but only the lower-case texts every
    keystroke scans and the texts' entries (a query's texts lie all over them) are then held whole;
    the rest is read a piece at a time (a bounded number kept). A
    part that stops reading back later (the cache file damaged meanwhile) costs one notice and a
    rebuild, never an error or a hit missing."""
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    fresh = Workspace(lib)
    Workspace(lib, use_cache=True).search_index()  # (built and saved)
    notices: list[str] = []
    ws = Workspace(lib, use_cache=True, notice=notices.append)
    index = ws.search_index()
    assert isinstance(index.lower, (bytes, bytearray)) and isinstance(index.post_eid, array)
    for name in ("cased", "otext", "entry_tid", "entry_line", "shape_cols"):
        got = getattr(index, name)
        assert not isinstance(got, (bytes, bytearray, array)), name
    assert _rows(ws.search("贝易转", limit=0)) == _rows(fresh.search("贝易转", limit=0)) and not notices
    lines = index.entry_line.blob  # (the entries' source lines, as read on demand)
    lines.pieces.clear()
    lines.sums[0] ^= 1  # (what a damaged piece looks like when read again)
    for q in QUERIES:
        assert _rows(ws.search(q, limit=0)) == _rows(fresh.search(q, limit=0)), q
    assert len(notices) == 1 and "built again" in notices[0], notices
    assert ws.cached_search_index() is not index


def test_a_part_no_larger_than_what_would_be_kept_of_it_is_held_whole(cache_env, monkeypatch):
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    fresh = Workspace(lib)
    Workspace(lib, use_cache=True).search_index()  # (built and saved)
    monkeypatch.setattr(parts, "WHOLE_UP_TO", 1 << 20)
    ws = Workspace(lib, use_cache=True)
    index = ws.search_index()
    assert isinstance(index.entry_tid, array) and isinstance(index.otext, bytearray)
    for q in QUERIES:
        assert _rows(ws.search(q, limit=0)) == _rows(fresh.search(q, limit=0)), q

