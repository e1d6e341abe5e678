"""The parse cache and the parallel loader: hits, invalidation, corruption, concurrency, --no-cache."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tui import cli
from tui.index.store import cache as cache_mod
from tui.index.store import codec
from tui.index.store import loading
from tui.index.store import loader
from tui.index.load import load_library
from tui.model.report import Report

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def parses(monkeypatch):
    """Counts the reports actually parsed (not taken from the cache)."""
    seen: list[str] = []
    real = loader.load_bytes

    def counting(data, ref, *a, **kw):
        seen.append(ref.display)
        return real(data, ref, *a, **kw)

    monkeypatch.setattr(loader, "load_bytes", counting)
    return seen


def summary(lib):
    return [(r.source.display, r.week, r.label, r.title, len(r.text), [(k.name, k.value) for k in r.kpis],
             [p.key for p in r.projects], len(r.sections)) for r in lib.reports]


def load(paths, **kw):
    return loading.load_library_cached([str(p) for p in paths], **kw)


def test_second_load_comes_from_the_cache(cache_home, reports, parses):
    first = load([reports])
    assert len(parses) == 5
    assert cache_mod.cache_path().exists()
    again = load([reports])
    assert len(parses) == 5, "nothing re-parsed on the second load"
    assert summary(again) == summary(first) == summary(load_library([reports]))


def test_changed_file_is_parsed_again(cache_home, reports, parses):
    load([reports])
    target = sorted(reports.iterdir())[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n- 新增一行 cache-check\n", encoding="utf-8")
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    lib = load([reports])
    assert parses[5:] == [str(target)]
    changed = lib.find(str(target))
    assert "cache-check" in changed.text


def test_deleted_file_is_dropped(cache_home, reports, parses):
    load([reports])
    gone = sorted(reports.iterdir())[1]
    gone.unlink()
    lib = load([reports])
    assert len(lib.reports) == 4
    assert str(gone) not in {r.source.path for r in lib.reports}
    with sqlite3.connect(cache_mod.cache_path()) as c:
        paths = {p for (p,) in c.execute("SELECT path FROM reports")}
    assert str(gone) not in paths and len(paths) == 4
    assert len(parses) == 5


def test_corrupt_cache_file_is_rebuilt(cache_home, reports, parses):
    p = cache_mod.cache_path()
    p.parent.mkdir(parents=True)
    p.write_bytes(b"\x00garbage, not a database\xff" * 200)
    lib = load([reports])
    assert len(parses) == 5
    load([reports])
    assert len(parses) == 5, "the rebuilt cache is used"
    assert summary(lib) == summary(load_library([reports]))


def test_foreign_database_is_not_trusted(cache_home, reports, parses):
    p = cache_mod.cache_path()
    p.parent.mkdir(parents=True)
    with sqlite3.connect(p) as c:
        c.execute("CREATE TABLE reports (path TEXT, head BLOB)")
        c.execute("INSERT INTO reports VALUES ('x', x'00')")
    lib = load([reports])
    assert len(lib.reports) == 5 and len(parses) == 5


def test_old_parser_version_is_ignored(cache_home, reports, parses, monkeypatch):
    monkeypatch.setattr(cache_mod, "_parser_version", "an-older-parser")
    load([reports])
    monkeypatch.setattr(cache_mod, "_parser_version", None)
    load([reports])
    assert len(parses) == 10, "rows written by another parser version are not reused"


def test_vocabulary_change_reparses(cache_home, reports, parses):
    from tui.model.vocab import Vocabulary

    load([reports])
    vocab = Vocabulary()
    vocab.kpi_sections.append("周报数据")
    load([reports], vocab=vocab)
    assert len(parses) == 10


def test_no_cache_neither_reads_nor_writes(cache_home, reports, parses):
    lib = load([reports], use_cache=False)
    assert len(lib.reports) == 5
    assert not cache_home.exists() or not any(cache_home.iterdir())
    load([reports])
    load([reports], use_cache=False)
    assert len(parses) == 15


def test_cache_clear_and_info(cache_home, reports, capsys):
    load([reports])
    assert cli.main(["cache", "info"]) == 0
    assert "5 from 5 files" in capsys.readouterr().out
    assert cli.main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert not cache_mod.cache_path().exists()
    assert cli.main(["cache", "clear"]) == 0
    assert "no cache" in capsys.readouterr().out


def test_lazy_reports_read_like_full_ones(cache_home, reports):
    full = load_library([reports])
    load([reports])
    lazy = load([reports], lazy=True)
    assert all(isinstance(r, loader.LazyReport) for r in lazy.reports)
    for a, b in zip(lazy.reports, full.reports):
        assert a == b
        assert a.root is a.root
        assert [s.title for s in a.sections] == [s.title for s in b.sections]
    plain = pickle.loads(pickle.dumps(lazy.reports[0]))
    assert type(plain) is Report and plain == full.reports[0]
    assert copy.deepcopy(lazy.reports[1]) == full.reports[1]


def test_a_body_read_again_from_its_file_is_dated_by_its_head(cache_home, reports, monkeypatch):
    """A body read again from its file (rows keep no text) takes its week from the head read from the
    same bytes instead of resolving it again (the week's rules cost the first screen their compiling),
    and holds what a full parse gives: the incidents without a year dated from the period's start."""
    from tui.model import parse

    full = load_library([reports])
    load([reports])
    lazy = load([reports], lazy=True)
    resolved = []
    real = parse._resolve_week
    monkeypatch.setattr(parse, "_resolve_week", lambda *a: resolved.append(a[0].source) or real(*a))
    assert any(i.when_text and not i.when_text.startswith("20") for r in full.reports for i in r.incidents)
    for a, b in zip(lazy.reports, full.reports):
        assert (a.incidents, a.plans, a.projects, a.root) == (b.incidents, b.plans, b.projects, b.root)
        assert a == b
    assert resolved == []


def test_lazy_body_survives_a_cleared_cache(cache_home, reports):
    load([reports])
    lazy = load([reports], lazy=True)
    cache_mod.clear_cache()
    r = lazy.reports[0]
    assert r.root is not None and r.text.startswith("#")


def test_parallel_parse_matches_serial(reports):
    cands = [c for c in loader.scan([str(reports)]) if isinstance(c, loader.Candidate)] * 3
    from tui.model.vocab import DEFAULT_VOCABULARY

    def collect(workers):
        out = {}

        def on_chunk(chunk, parts):
            for c, p in zip(chunk, parts):
                p = dict(p)
                full = p.pop("report", None)  # (kept only by a parse in this process)
                assert full is None or full.text == p["text"]
                out.setdefault(c.key, []).append(p)

        loader.parse_many(cands, DEFAULT_VOCABULARY, on_chunk, workers=workers)
        return out

    old = loader.CHUNK
    loader.CHUNK = 2
    try:
        serial, parallel = collect(0), collect(2)
    finally:
        loader.CHUNK = old
    assert serial.keys() == parallel.keys()
    for k in serial:
        for ps, pp in zip(serial[k], parallel[k]):
            if pp["kind"] == "report":
                # A worker sends back what the row stores: the projects compressed, not their JSON nor the
                # text again (both of which the row's body is read from instead)
                assert pp["text"] is None and pp["projects"] is None
                assert codec.unpack_projects(pp["packed_projects"][0]) == ps["projects"]
                pp["text"], pp["projects"] = ps["text"], ps["projects"]
        assert serial[k] == parallel[k]


def test_a_report_from_a_worker_whose_row_was_not_written_keeps_its_projects_and_reads_its_text(reports):
    # (a worker sends the projects compressed and no text: with no row to read them from — the cache
    # was busy — the library still has every project, and the text comes from the file)
    from tui.model.load import load_path
    from tui.model.vocab import DEFAULT_VOCABULARY

    cands = [c for c in loader.scan([str(reports)]) if isinstance(c, loader.Candidate)]
    sent = loader._parse_chunk(cands, DEFAULT_VOCABULARY, keep=False, search=True)
    store = loader.BodyStore(None, DEFAULT_VOCABULARY)
    with_projects = 0
    for c, parts in zip(cands, sent):
        assert parts["kind"] == "report" and parts["text"] is None
        lazy = loader.lazy_from_parts(c, parts, None, store)
        (parsed,) = load_path(c.path)
        assert lazy.projects == parsed.projects
        assert lazy.text == parsed.text
        with_projects += bool(parsed.projects)
    assert with_projects  # (the seeds have projects: the check above compared some)


def test_scan_finds_what_read_sources_reads(tmp_path):
    from tui.model.source import read_sources

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("a/x.md", "a/b/y.txt", "z.markdown", ".hidden/h.md", "a/._junk.md", "notes.pdf"):
        (tmp_path / name).write_text("# 2024-W01\n\n- x\n", encoding="utf-8")
    scanned = [c.ref for c in loader.scan([tmp_path]) if isinstance(c, loader.Candidate)]
    read = [r.ref for r in read_sources([tmp_path]) if not hasattr(r, "level")]
    assert scanned == read and len(scanned) == 3


@pytest.mark.slow
def test_two_processes_at_once(tmp_path, reports):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), NO_COLOR="1")
    cmd = [sys.executable, "-m", "tui", "weeks", "--json", str(reports)]
    procs = [subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    outs = [p.communicate(timeout=60) for p in procs]
    expected = json.loads(subprocess.run(cmd + ["--no-cache"], env=env, cwd=REPO, capture_output=True,
                                         check=True).stdout)
    for (out, err), p in zip(outs, procs):
        assert p.returncode == 0, err.decode()
        assert json.loads(out) == expected
    again = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=True)
    assert json.loads(again.stdout) == expected


def test_two_threads_at_once(cache_home, reports):
    import threading

    results = []

    def run():
        results.append(summary(load([reports])))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)


# ── the cache holds data, never code; damage is caught ─────────────────────────────────────────


class _Planted:
    """A pickle that, if anything ever unpickled it, would create a file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _no_cache_summary(paths):
    return summary(load(paths, use_cache=False))


def test_a_planted_pickle_in_every_column_is_never_run(cache_home, reports, tmp_path):
    load([reports])
    assert cli.main(["search", "贝易转", str(reports), "--json"]) == 0  # (a search index is saved too)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    with sqlite3.connect(cache_mod.cache_path()) as c:
        for table, cols in (("reports", ("head", "text", "projects")), ("search_rec", ("rec",)),
                            ("search_parts", ("data",))):
            for col in cols:
                c.execute(f"UPDATE {table} SET {col} = ?", (payload,))
    lib = load([reports], lazy=True)
    assert summary(lib) == _no_cache_summary([reports])
    from tui.index.workspace import Workspace

    assert Workspace(lib).search("贝易转").hits
    assert cli.main(["search", "贝易转", str(reports), "--json"]) == 0
    assert not marker.exists()


def test_rows_with_bytes_that_are_not_utf8_are_read_again(cache_home, reports, parses, capsys):
    expected = _no_cache_summary([reports])
    load([reports])
    with sqlite3.connect(cache_mod.cache_path()) as c:
        ids = [i for (i,) in c.execute("SELECT id FROM reports ORDER BY id")]
        c.execute("UPDATE reports SET head = CAST(x'5b31ff2c' AS TEXT) WHERE id = ?", (ids[0],))
        c.execute("UPDATE reports SET text = CAST(x'23ff20' AS TEXT), projects = CAST(x'ff' AS TEXT)")
    lib = load([reports], lazy=True)
    assert summary(lib) == expected
    # no cache 5, first load 5, the damaged head 1, and every body from its file (the damaged projects,
    # and text is not stored: it is read from the file)
    assert len(parses) == 5 + 5 + 1 + 5
    assert cli.main(["weeks", "--json", str(reports)]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 5


def test_wrong_types_in_a_head_are_caught(cache_home, reports, parses):
    load([reports])
    with sqlite3.connect(cache_mod.cache_path()) as c:
        c.execute("UPDATE reports SET head = json_set(head, '$[1]', 42)")  # a title that is a number
    again = load([reports])
    assert len(parses) == 10, "every head that did not check out is parsed again"
    assert summary(again) == _no_cache_summary([reports])


@pytest.mark.slow
def test_deep_nesting_is_stored_and_read_back(cache_home, tmp_path):
    folder = tmp_path / "deep"
    folder.mkdir()
    lines = ["# 2024-W10 深层", "", "## 【O1 业务】", ""] + ["    " * i + f"- 层{i} 进度{i % 100}%" for i in range(3000)]
    (folder / "deep.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = load([folder])
    again = load([folder], lazy=True)
    assert again.reports[0].week == "2024-W10"
    assert len(list(again.reports[0].sections[0].all_items())) == len(list(first.reports[0].sections[0].all_items()))
    assert cli.main(["weeks", "--json", str(folder)]) == 0


def test_a_folder_where_the_cache_belongs_means_running_without_it(cache_home, reports, capsys):
    cache_mod.cache_path().mkdir(parents=True)
    assert cli.main(["weeks", "--json", str(reports)]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 5
    assert "cannot be used" in out.err
    assert cli.main(["cache", "info"]) == 1
    assert "not a cache file" in capsys.readouterr().err
    assert cli.main(["cache", "clear"]) == 0
    assert not cache_mod.cache_path().exists()


# A read-only cache folder holding a valid cache: tests/unit/test_faults_cache.py (runs as root too).


def test_files_of_the_old_pickle_format_are_removed_unread(cache_home, reports):
    old = cache_mod.cache_path().parent / "parse-cache-v1.sqlite3"
    old.parent.mkdir(parents=True)
    old.write_bytes(pickle.dumps({"never": "read"}))
    load([reports])
    assert not old.exists()


def test_a_cache_of_an_earlier_schema_is_replaced_without_a_word(cache_home, reports, capsys):
    load([reports])
    with sqlite3.connect(cache_mod.cache_path()) as c:
        c.execute("UPDATE meta SET value = '0.1' WHERE key = 'schema'")
    assert cli.main(["weeks", "--json", str(reports)]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 5 and "damaged" not in out.err and out.err.strip() == ""
    with sqlite3.connect(cache_mod.cache_path()) as c:
        assert dict(c.execute("SELECT key, value FROM meta"))["schema"] == cache_mod.SCHEMA


def test_the_parser_version_covers_the_parser_the_cache_and_the_search_record(tmp_path, monkeypatch):
    # a cache made by another parser must never be read: its version is a hash of every source that shapes a row
    from tui.index.search import records

    files = records.source_files()
    names = {f"{f.parent.name}/{f.name}" for f in files}
    assert {"model/parse.py", "model/weeks.py", "model/source.py", "store/codec.py", "store/cache.py",
            "search/records.py"} <= names
    assert all(f.is_file() for f in files)
    before = records.source_version()
    copy = tmp_path / "parse.py"
    copy.write_bytes(next(f for f in files if f.name == "parse.py").read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(records, "source_files", lambda: [copy if f.name == "parse.py" else f for f in files])
    assert records.source_version() != before


def test_a_cache_of_another_parser_is_replaced_not_emptied_in_place(cache_home, tmp_path, monkeypatch):
    # after an upgrade the old rows are dropped with their file: the cache does not keep its old size on disk
    # (nor grow a write-ahead log as large as the rows it deleted)
    big = tmp_path / "big"
    big.mkdir()
    for n in range(60):
        # (lines that do not compress: the cache stores its search records compressed)
        filler = "".join(f"- 第{i}项工作：{hashlib.sha256(b'%d %d' % (n, i)).hexdigest()}\n" for i in range(120))
        (big / f"2024-W{n % 52 + 1:02d}-{n}.md").write_text(f"# 2024-W{n % 52 + 1:02d}\n\n## 工作\n\n{filler}",
                                                             encoding="utf-8")
    load([big])

    def on_disk() -> int:
        p = cache_mod.cache_path()
        return sum(os.path.getsize(f"{p}{s}") for s in ("", "-wal") if os.path.exists(f"{p}{s}"))

    before = on_disk()
    monkeypatch.setattr(cache_mod, "_parser_version", "the-next-parser")
    small = tmp_path / "small"
    small.mkdir()
    (small / "2024-W01.md").write_text("# 2024-W01\n\n- 一行\n", encoding="utf-8")
    assert [r.week for r in load([small]).reports] == ["2024-W01"]
    assert on_disk() < before / 4
    with sqlite3.connect(cache_mod.cache_path()) as c:
        assert c.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


def test_search_records_read_back_whole_and_not_past_a_damaged_projects_row(cache_home, reports):
    from tui.index.search.records import decode_record, doc_record
    from tui.index.store.searchdb import read_records

    lib = load([reports])
    path = cache_mod.cache_path()
    with sqlite3.connect(path) as c:
        rows = dict(c.execute("SELECT path, id FROM reports"))
    got = read_records(path, list(rows.values()))
    by_path = {r.source.path: r for r in load_library([reports]).reports}
    assert len(got) == len(rows) == len(lib.reports)
    for p, rid in rows.items():
        assert decode_record(got[rid]) == doc_record(by_path[p])
    damaged = rows[sorted(rows)[0]]
    with sqlite3.connect(path) as c:  # (its record is compressed against its projects: unreadable without them)
        c.execute("UPDATE reports SET projects = ? WHERE id = ?", (b"\x78\x01garbage", damaged))
    again = read_records(path, list(rows.values()))
    assert damaged not in again and len(again) == len(rows) - 1
