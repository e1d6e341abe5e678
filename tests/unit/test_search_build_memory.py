"""What building a search index holds: measured with tracemalloc on a generated library of a few thousand
reports (at 100,000 reports the build of `reports-tui search` peaked at 8.4 GB of RSS, then ~5 GB;
`README.md`, "What building the index holds", has the real figures). A whole library's index is written
to the cache as it is built (`IndexData.stream`); the size of a segment written at a time is lowered
here (`IndexWriter.SEGMENT_BYTES`), so that what is held beyond it shows at a few MB."""

from __future__ import annotations

import gc
import json
import sqlite3

import pytest

from tests.unit.test_faults_memory import Traced
from tests.unit.test_search_held import _report
from tui.index.search import columns
from tui.index.search.engine import SearchIndex
from tui.index.search.parts import DamagedIndex
from tui.index.store import searchdb
from tui.index.store.cache import ParseCache
from tui.index.store.searchdb import BLOCK, IndexWriter, open_saved

N = 500
BATCH = 64  # (reports added at a time: eight batches against four, as 2,000 and 1,000 in the build's 256)
WORDS = ["alpha", "beta", "gamma", "delta", "release", "review", "merge", "deploy", "存管", "路由", "进展", "风险",
         "上线", "联调", "测试", "接口"]


def _record(i: int) -> tuple:
    """A report's search record: distinct lines (most with hanzi and a full-width comma, as real reports
    have), of words from a bounded vocabulary, as real text is (a number of three digits or more is a
    word of the typo tier's vocabulary: a line's numbers stay below that)."""
    w = WORDS
    entries = [(1, f"Report {w[i % 16]} {w[i // 16 % 16]} {w[i // 256 % 16]} {w[i // 4096 % 16]}", "", (), None,
                True, "title"),
               (3, f"## Progress {i % 40}", "Progress", ("Progress",), None, True, "section")]
    for j in range(20):
        words = " ".join(w[(i >> (2 * k) ^ j * 7 + k) % 16] for k in range(8))
        entries.append((4 + j, f"- 项目{w[j % 16]}进展，第{j}项：{words} went out {i % 97}", "Progress",
                        ("Progress",), None, False, "item"))
    entries.append((30, "- 本周无风险", "Progress", ("Progress",), None, False, "item"))
    return ((), (), (("Progress", None, "Progress"),), tuple(entries))


def _records(reports) -> list[tuple]:
    return [_record(int(r.source.path[5:10])) for r in reports]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A parse cache file to write indexes to, and segments of a part written a block at a time."""
    path = tmp_path / "c.sqlite3"
    ParseCache(path)
    monkeypatch.setattr(IndexWriter, "SEGMENT_BYTES", BLOCK)
    return path


def _streamed(path, n: int) -> tuple[int, SearchIndex]:
    """The traced peak of building (and saving) an index of `n` reports written as it is built."""
    reports = [_report(i) for i in range(n)]
    with Traced() as t:
        index = SearchIndex()
        index.stream(IndexWriter(path, f"lib{n}"))
        index.sync(reports, _records, batch=BATCH)
        assert index.finish("", [])
        del index
        gc.collect()
        peak = t.peak()
    return peak, reports


def test_building_an_index_holds_what_its_batch_needs_not_every_line(cache):
    """Its lines, texts, entries and report rows are written a batch at a time: twice the reports cost
    the build ~20 bytes a line more for each of its tables finding a line, text or shape seen before,
    and 8 an entry for its postings (~1.0 times the text added), not the text many times over (built in
    memory and its parts made, as before: 9.6 times the text added, a peak twice as large, for the
    reports more here: eight batches against four)."""
    small, _ = _streamed(cache, N // 2)
    large, reports = _streamed(cache, N)
    text = sum(len(e[1].encode()) for r in _records(reports[N // 2:]) for e in r[3])  # (the text added)
    assert large - small < 1.5 * text, f"{N // 2} reports more took {(large - small) / text:.1f} times their text"
    assert large < 1.45 * small, f"the build's peak grew {large / small:.2f} times with twice the reports"
    got = open_saved(cache, f"lib{N}", lazy=True)
    assert got is not None
    index, _fp, close = got
    try:
        assert index.search("went out 3").total > 0 and index.ndocs == N
    finally:
        close()


def test_an_index_written_as_it_is_built_is_the_one_built_in_memory(cache):
    """Byte for byte (but its random token), over many segments a part, and answers the same read back."""
    reports = [_report(i) for i in range(300)]
    held = SearchIndex()
    held.sync(reports, _records)
    held.settle()
    streamed = SearchIndex()
    streamed.stream(IndexWriter(cache, "lib"))
    streamed.sync(reports, _records, batch=64)
    assert streamed.finish("fp", [])
    db = sqlite3.connect(cache)
    names = [n for (n,) in db.execute("SELECT name FROM search_parts WHERE key = 'lib'")]
    db.close()
    assert "lower#3" in names and "shape_cols#1" in names  # (several segments)
    parts = searchdb.open_index(cache, "lib", ())
    try:
        want = held.to_parts()
        assert sorted(parts) == sorted(want)
        assert [n for n in want if n not in ("meta", "sums") and bytes(parts[n]) != want[n]] == []
        sums, want_sums = json.loads(bytes(parts["sums"])), json.loads(want["sums"])  # (in another order)
        assert sums.pop("meta") != want_sums.pop("meta") and sums == want_sums  # (the token alone differs)
    finally:
        parts.close()
    index, fp, close = open_saved(cache, "lib", lazy=False)
    try:
        assert fp == "fp"
        for q in ("went out 3", "存管 路由", "本周无风险", "progress 7", "项目风险", "release review"):
            want_hits = [(h.report.source.path, h.line, h.score) for h in held.search(q, limit=0).hits]
            assert [(h.report.source.path, h.line, h.score) for h in index.search(q, limit=0).hits] == want_hits, q
    finally:
        close()


def test_a_segment_missing_is_a_damaged_index_not_a_shorter_one(cache):
    """A part whose segments do not all read back (one deleted) is damage (the index is built again),
    never read as the segments left."""
    reports = [_report(i) for i in range(200)]
    streamed = SearchIndex()
    streamed.stream(IndexWriter(cache, "lib"))
    streamed.sync(reports, _records)
    assert streamed.finish("", [])
    db = sqlite3.connect(cache)
    db.execute("DELETE FROM search_parts WHERE name = 'otext#1'")
    db.commit()
    db.close()
    with pytest.raises(DamagedIndex):
        open_saved(cache, "lib", lazy=False)


def test_a_build_that_did_not_finish_leaves_no_index_and_its_rows_go(cache):
    """Rows written by a build that ended before it finished are never an index, and the next build of
    the library deletes them."""
    reports = [_report(i) for i in range(200)]
    lost = SearchIndex()
    lost.stream(IndexWriter(cache, "lib"))
    lost.sync(reports, _records)
    lost._out.conn.close()  # (the process ended here)
    assert searchdb.open_index(cache, "lib", ()) is None
    again = SearchIndex()
    again.stream(IndexWriter(cache, "lib"))
    again.sync(reports[:50], _records)
    assert again.finish("", [])
    db = sqlite3.connect(cache)
    keys = {k for (k,) in db.execute("SELECT DISTINCT key FROM search_parts")}
    db.close()
    assert keys == {"lib"}


def test_lines_of_one_hash_are_told_apart(monkeypatch):
    """Lines are found again by their hash, checked against the line held: with every hash the same,
    the index is the same as built otherwise (the same ids, the same parts) and answers the same."""
    reports = [_report(i) for i in range(60)]
    normal = SearchIndex()
    normal.sync(reports, _records)
    normal.sync(reports[:45] + [_report(60)], _records)
    monkeypatch.setattr(columns, "hash", lambda key: 7 << 32, raising=False)
    clashing = SearchIndex()
    clashing.sync(reports, _records)
    clashing.sync(reports[:45] + [_report(60)], _records)  # (grown again: found by hash, then by key)
    a, b = normal.to_parts(), clashing.to_parts()
    assert a.keys() == b.keys()
    assert [n for n in a if n not in ("meta", "sums") and a[n] != b[n]] == []  # (the random token)
    for q in ("went out 3", "本周无风险", "progress 7", "项目风险"):
        assert [(h.report, h.line) for h in normal.search(q).hits] == [(h.report, h.line) for h in clashing.search(q).hits]


def test_lines_of_one_hash_written_as_built_are_told_apart_by_their_checksum(cache, monkeypatch):
    """Where the lines are written as they are built, a line found by its hash is checked by a CRC-32
    of it: with every hash the same, the parts are those of the index built otherwise."""
    reports = [_report(i) for i in range(60)]
    normal = SearchIndex()
    normal.sync(reports, _records)
    monkeypatch.setattr(columns, "hash", lambda key: 7 << 32, raising=False)
    streamed = SearchIndex()
    streamed.stream(IndexWriter(cache, "lib"))
    streamed.sync(reports, _records)
    assert streamed.finish("", [])
    parts = searchdb.open_index(cache, "lib", ())
    try:
        want = normal.to_parts()
        assert [n for n in want if n not in ("meta", "sums") and bytes(parts[n]) != want[n]] == []
    finally:
        parts.close()
