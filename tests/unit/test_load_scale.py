"""Loading at scale: rows written a batch at a time, heads decoded in one pass, progress that tells the
truth (files done of all, rate, time left)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from tui.index.library import bundled_seeds
from tui.index.store import cache as cache_mod
from tui.index.store import loading
from tui.index.store import codec, loader
from tui.model.load import load_bytes
from tui.model.report import SourceRef


@pytest.fixture
def many(tmp_path):
    """Copies of the seeds under several authors and years (enough files for the batch writer)."""
    d = tmp_path / "many"
    for k in range(12):
        shutil.copytree(bundled_seeds(), d / f"author{k % 4}" / str(2020 + k // 4))
    return d


def full(lib):
    """Everything a user sees of a library, read through each report's body too."""
    return [(r.source.display, r.week, r.start, r.end, r.period, r.label, r.title, r.author, r.created, r.text,
             [(k.name, k.value, k.unit, k.raw, k.line, k.section) for k in r.kpis],
             [(w.level, w.message, w.line) for w in r.warnings],
             [(p.key, p.progress, p.entries) for p in r.projects], [s.title for s in r.sections])
            for r in lib.reports]


def test_a_warm_load_equals_a_cold_load_and_no_cache(cache_home, many):
    cold = loading.load_library_cached([str(many)], lazy=True)
    warm = loading.load_library_cached([str(many)], lazy=True)
    plain = loading.load_library_cached([str(many)], use_cache=False, lazy=False)
    assert len(cold.reports) == 60
    assert full(cold) == full(plain)
    assert full(warm) == full(plain)
    with sqlite3.connect(cache_mod.cache_path()) as c:
        ids = [i for (i,) in c.execute("SELECT id FROM reports")]
        recs = c.execute("SELECT count(*) FROM search_rec WHERE rid IN (SELECT id FROM reports)").fetchone()[0]
        sums = c.execute("SELECT head, hsum, text, tsum, path FROM reports").fetchall()
    assert len(ids) == len(set(ids)) == 60
    assert recs == 60, "every stored report has its search record"
    # (text is not stored: it is read from the report's file, known again by the CRC-32 of its bytes)
    assert all(zlib.crc32(h.encode()) == hs and t is None and ts == (zlib.crc32(Path(p).read_bytes()) or 1)
               for h, hs, t, ts, p in sums)


def test_a_changed_file_replaces_its_row_and_search_record(cache_home, many):
    loading.load_library_cached([str(many)])
    f = sorted(many.rglob("004_*.txt"))[0]
    f.write_text(f.read_text(encoding="utf-8").replace("贝易转", "贝易换"), encoding="utf-8")
    again = loading.load_library_cached([str(many)])
    assert any("贝易换" in r.text for r in again.reports)
    with sqlite3.connect(cache_mod.cache_path()) as c:
        assert c.execute("SELECT count(*) FROM reports").fetchone()[0] == 60
        assert c.execute("SELECT count(*) FROM search_rec").fetchone()[0] == 60


def _heads():
    out = []
    for p in sorted(bundled_seeds().iterdir()):
        r = load_bytes(p.read_bytes(), SourceRef(str(p)))
        if not isinstance(r, loader.Finding):
            out.append(codec.encode_head(r))
    return out


def test_the_one_pass_head_decoder_agrees_with_the_field_by_field_one():
    ref = SourceRef("x.md")
    heads = _heads()
    assert heads
    for h in heads:
        assert codec.decode_head(h, ref, 10, 2_000_000_000) == codec._decode_head_checked(h, ref, 10, 2_000_000_000)


@pytest.mark.parametrize("where, value", [
    (1, 42),                        # a title that is a number
    (3, ["someone"]),               # an author that is a list
    (9, [["n", "1.5", "", "", None, ""]]),  # a KPI value that is text
    (9, [["n", 1.5, "", ""]]),      # a KPI row too short
    (9, "kpis"),                    # KPIs that are no list
    (10, [["fatal", "m", None]]),   # a finding level that does not exist
    (10, [["warning", "m", "3"]]),  # a line number that is text
    (11, 1),                        # a flag that is a number
    (4, "yesterday"),               # a time that is none
])
def test_a_head_of_the_wrong_shape_is_damaged_even_with_a_right_checksum(where, value):
    row = json.loads(_heads()[0])
    row[where] = value
    text = json.dumps(row, ensure_ascii=False)
    with pytest.raises(codec.DamagedRow):
        codec.decode_head(text, SourceRef("x.md"), 1, 1)
    with pytest.raises(codec.DamagedRow):
        codec._decode_head_checked(text, SourceRef("x.md"), 1, 1)


@pytest.mark.slow
def test_a_forged_row_with_a_matching_checksum_is_parsed_again(cache_home, many):
    expected = full(loading.load_library_cached([str(many)], use_cache=False, lazy=False))
    loading.load_library_cached([str(many)])
    with sqlite3.connect(cache_mod.cache_path()) as c:
        for rid, head in c.execute("SELECT id, head FROM reports").fetchall():
            row = json.loads(head)
            row[9] = [["KPI", "not a number", "", "", None, ""]]
            forged = json.dumps(row, ensure_ascii=False)
            c.execute("UPDATE reports SET head = ?, hsum = ? WHERE id = ?", (forged, zlib.crc32(forged.encode()), rid))
    assert full(loading.load_library_cached([str(many)], lazy=True)) == expected


def test_progress_counts_files_and_tells_rate_and_time_left(cache_home, many):
    now = [100.0]
    seen = []
    meter = loader.LoadMeter(lambda m: seen.append((m.done, m.total)), clock=lambda: now[0])
    meter(0, 1000)
    assert meter.text() == "0 of 1,000 files"
    meter.parsing(50_000_000)
    now[0] += 0.2
    meter.parsed(1_000_000)
    meter(100, 1000)
    assert meter.text() == "100 of 1,000 files", "no rate before there is a fair measure"
    now[0] += 1.8
    meter.parsed(7_000_000)
    meter(160, 1000)
    assert meter.text() == "160 of 1,000 files · 4.0 MB/s · 11 s left"
    meter.parsed(42_000_000)
    meter(1000, 1000)
    assert meter.text() == "1,000 of 1,000 files"
    assert seen[-1] == (1000, 1000)

    # a real load feeds it: every file counted, the bytes parsed are the files' sizes
    meter = loader.LoadMeter()
    loading.load_library_cached([str(many)], progress=meter)
    assert (meter.done, meter.total) == (60, 60)
    assert meter.bytes_done == meter.bytes_total == sum(p.stat().st_size for p in many.rglob("*.txt"))
    meter = loader.LoadMeter()
    loading.load_library_cached([str(many)], progress=meter)  # warm: nothing to parse
    assert (meter.done, meter.total, meter.bytes_total) == (60, 60, 0)


@pytest.mark.parametrize("seconds, text", [(0.2, "1 s"), (59.0, "59 s"), (61, "1 min 01 s"), (3725, "1 h 02 min")])
def test_time_left_reads_naturally(seconds, text):
    assert loader._duration(seconds) == text


def test_the_cli_progress_line_on_a_terminal(cache_home, many, monkeypatch):
    import io
    import sys
    import time

    from tui.cli import common

    class Tty(io.StringIO):
        def isatty(self):
            return True

    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    ticks = iter(range(10_000))
    monkeypatch.setattr(time, "monotonic", lambda: next(ticks) * 0.4)  # every look at the clock: 0.4 s later
    monkeypatch.setattr(loader, "CHUNK", 16)  # (progress is told a chunk at a time)
    meter = common._stderr_progress()
    assert isinstance(meter, loader.LoadMeter)
    loading.load_library_cached([str(many)], progress=meter)
    out = err.getvalue()
    assert "reading reports" in out and "of 60 files" in out
    assert "MB/s" in out and "left" in out, "a first load tells its rate and the time left"
    assert out.endswith("\r\x1b[K"), "the line is cleared when the load is done"

    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: no line at all
    assert common._stderr_progress() is None
