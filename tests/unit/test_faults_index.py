"""A saved search index whose bytes were changed but whose checksums still match (an edit, not damage):
read, it is found out — offsets out of range, text that is not UTF-8, ranks two reports share — and
built again with one notice, never an exception or hits missing.

Each case: `reports-tui search` saves the index of the seeds; one part is changed inside the cache and
its checksums made to match again; the next `search --json` (which first tries the saved index on
demand, then reads it whole) must answer exactly as `--no-cache` does, saying once that it rebuilt.
The command runs in the test's process (`cli.main`, as the program runs it, its cache and config
folders those of the case): it keeps nothing between runs but its argument parsers, so each run reads
the cache as a process of its own would, at a fraction of a process's start.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

import pytest

from testpaths import SEEDS
from tui import cli
from tui.index.store.searchdb import pack_part, unpack_part

CHUNK = 16384


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def search(capsys, monkeypatch):
    """`search(tmp, QUERY, *MORE)`: `reports-tui search QUERY SEEDS --json --limit 200 MORE` with its cache
    and config folders in `tmp`: its exit status and what it wrote."""

    def run(tmp: Path, query: str, *more: str) -> Ran:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp / "cache"))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp / "config"))
        monkeypatch.setenv("NO_COLOR", "1")
        capsys.readouterr()
        code = cli.main(["search", query, str(SEEDS), "--json", "--limit", "200", *more])
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


def _edit(tmp: Path, name: str, change) -> None:
    """Change one part of the saved index and make its checksums match again."""
    db = sqlite3.connect(next((tmp / "cache").rglob("parse-cache-v2.sqlite3")))
    (key,) = db.execute("SELECT key FROM search_index").fetchone()
    parts = {n: unpack_part(d) for n, d in db.execute("SELECT name, data FROM search_parts WHERE key = ?", (key,))}
    data = change(bytes(parts[name]))
    sums = json.loads(parts["sums"])
    sums[name] = [zlib.crc32(data[k:k + CHUNK]) for k in range(0, len(data), CHUNK)]
    db.execute("UPDATE search_parts SET data = ? WHERE key = ? AND name = ?", (pack_part(data), key, name))
    db.execute("UPDATE search_parts SET data = ? WHERE key = ? AND name = 'sums'",
               (pack_part(json.dumps(sums, separators=(",", ":")).encode()), key))
    db.commit()
    db.close()


def _ints(data: bytes) -> array:
    a = array("i")
    a.frombytes(data)
    return a


def _offset_out_of_range(data: bytes) -> bytes:
    a = _ints(data)
    a[len(a) // 2] = 1 << 30
    return a.tobytes()


def _shared_rank(data: bytes) -> bytes:
    a = _ints(data)
    a[1] = a[0]
    return a.tobytes()


def _swapped_pairs(data: bytes) -> bytes:
    """Each two neighbouring values swapped (each still in range: offsets that go back)."""
    a = _ints(data)
    for i in range(1, len(a) - 2, 2):
        a[i], a[i + 1] = a[i + 1], a[i]
    return a.tobytes()


def _all_set(value: int):
    def change(data: bytes) -> bytes:
        return array("i", [value]).tobytes() * (len(data) // 4)
    return change


def _not_utf8(data: bytes) -> bytes:
    i = data.index("贝".encode())
    return data[:i] + b"\xff" + data[i + 1:]


def _not_a_list(data: bytes) -> bytes:
    return b'{"a":1}'


def _one_name_short(data: bytes) -> bytes:
    return json.dumps(json.loads(data)[:-1], ensure_ascii=False).encode()


# (a part read on demand is checked when a query reads it: each case's query reads the part changed)
@pytest.mark.parametrize("part,change,query", [
    ("lower_off", _offset_out_of_range, "贝易转"), ("cased_off", _offset_out_of_range, "POS"),
    ("otext_off", _offset_out_of_range, "贝易转"), ("doc_rank", _shared_rank, "贝易转"),
    ("lower", _not_utf8, "贝易转"), ("otext", _not_utf8, "贝易转"), ("cased", _not_utf8, "POS"),
    # (the names, each decoded where a query first reads it)
    ("names.heads", _not_a_list, "贝易转"), ("names.projects.off", _offset_out_of_range, "贝易转"),
    ("names.projects", _not_utf8, "贝易转"),
    # (the texts' columns, read a piece at a time by a query: each piece's values checked as it is read)
    ("lower_off", _swapped_pairs, "贝易转"), ("post_off", _swapped_pairs, "贝易转"),
    ("post_off", _offset_out_of_range, "贝易转"), ("tid_count", _all_set(-1), "贝易转")])
def test_an_edited_index_is_built_again_with_one_notice(tmp_path, search, part, change, query):
    want = search(tmp_path / "nocache", query, "--no-cache")
    assert want.returncode == 0 and json.loads(want.stdout), want.stderr
    first = search(tmp_path, query)
    assert first.returncode == 0 and first.stdout == want.stdout, first.stderr
    _edit(tmp_path, part, change)
    got = search(tmp_path, query)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout  # (every hit, in order: none missing)
    notices = [ln for ln in got.stderr.splitlines() if "search index" in ln]
    assert len(notices) <= 1 and all("built again" in n for n in notices), got.stderr
    again = search(tmp_path, query)
    assert again.stdout == want.stdout and "search index" not in again.stderr


@pytest.mark.parametrize("part,change", [
    ("lower_off", _offset_out_of_range), ("cased_off", _offset_out_of_range), ("otext_off", _offset_out_of_range),
    ("post_eid", _offset_out_of_range), ("doc_rank", _shared_rank), ("lower", _not_utf8), ("otext", _not_utf8),
    ("cased", _not_utf8), ("names.chains", _not_a_list), ("names.terms", _one_name_short),
    ("names.kpis", _not_a_list), ("names.projects.none", lambda d: d[:-1]), ("names.projects", _not_utf8)])
def test_the_app_reads_an_edited_index_whole_finds_it_out_and_says_so_once(tmp_path, search, monkeypatch, part,
                                                                          change):
    # (the app reads the saved index whole, so every part is checked, whatever is searched)
    assert search(tmp_path, "贝易转").returncode == 0
    _edit(tmp_path, part, change)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    notices: list[str] = []
    lib = load_library([str(SEEDS)])
    ws = Workspace(lib, use_cache=True, notice=notices.append)
    got = ws.search("贝易转", limit=200)
    want = Workspace(lib).search("贝易转", limit=200)
    assert [(h.report.source, h.line, h.score) for h in got.hits] == \
        [(h.report.source, h.line, h.score) for h in want.hits]
    assert len(notices) == 1 and "built again" in notices[0], notices
    ws2 = Workspace(lib, use_cache=True, notice=notices.append)  # (saved anew: read back quietly)
    ws2.search("贝易转")
    assert len(notices) == 1


def _damaged_bytes(data: bytes) -> bytes:
    """A byte changed, its checksum left as it was (damage, not an edit)."""
    return data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1:]


@pytest.mark.parametrize("part,change,fix_sums", [
    ("entry_tid", _offset_out_of_range, True), ("shape_cols", _offset_out_of_range, True),
    ("cased", _not_utf8, True), ("otext", _not_utf8, True), ("entry_line", _damaged_bytes, False)])
def test_a_part_the_app_reads_through_after_its_first_answer_is_still_found_out(tmp_path, monkeypatch, part,
                                                                                change, fix_sums):
    # (the app opens the saved index with the small parts and the lower-case texts checked, answers,
    # and reads the other parts through after: what is wrong in them is found then, said once, and the
    # index built again — and a query that reads it first answers from the index built again)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from tui.index.load import load_library
    from tui.index.search import parts
    from tui.index.workspace import Workspace

    lib = load_library([str(SEEDS)], use_cache=True)
    Workspace(lib, use_cache=True).search_index()  # (saved as the app saves it)
    if fix_sums:
        _edit(tmp_path, part, change)
    else:
        db = sqlite3.connect(next((tmp_path / "cache").rglob("parse-cache-v2.sqlite3")))
        (data,) = db.execute("SELECT data FROM search_parts WHERE name = ?", (part,)).fetchone()
        db.execute("UPDATE search_parts SET data = ? WHERE name = ?", (pack_part(change(unpack_part(data))), part))
        db.commit()
        db.close()
    monkeypatch.setattr(parts, "WHOLE_UP_TO", 0)  # (the seeds' parts read on demand, as a large library's)
    notices: list[str] = []
    want = Workspace(lib)
    ws = Workspace(lib, use_cache=True, notice=notices.append)
    index = ws.search_index()
    assert index.late_checks is not None and not notices  # (opened: that part not read through yet)
    for q in ("贝易转", "POS", "sdk"):
        got = ws.search(q, limit=200, wait=False)  # (as a keystroke asks: never waiting for the checks)
        assert [(h.report.source, h.line, h.score) for h in got.hits] == \
            [(h.report.source, h.line, h.score) for h in want.search(q, limit=200).hits], q
    ws.check_saved_index()  # (what the search screen runs once it shows an answer)
    assert ws.cached_search_index() is not index
    assert len(notices) == 1 and "built again" in notices[0], notices
    got = ws.search("贝易转", limit=200)
    assert [(h.report.source, h.line) for h in got.hits] == \
        [(h.report.source, h.line) for h in want.search("贝易转", limit=200).hits] and len(notices) == 1
