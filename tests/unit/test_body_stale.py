"""A body is never shown under a head it does not belong to: rows no longer hold the text, so a body is
read from the file when first used; a file changed after its library loaded (even keeping its size and
mtime) gives an empty body and is told as a changed file (the app then reloads, as the watcher makes it)."""

from __future__ import annotations

import os
import zipfile

import pytest

from tui.index.library import bundled_seeds
from tui.index.store import loader, loading


@pytest.fixture
def told():
    seen: list[str] = []
    stop = loader.on_changed_file(seen.append)
    yield seen
    stop()


def load(paths, **kw):
    return loading.load_library_cached([str(p) for p in paths], lazy=True, **kw)


def _first(lib, path):
    return next(r for r in lib.reports if r.source.path == str(path))


def _same_size_edit(path):
    """Change a file's bytes keeping its size and mtime (what size and mtime alone cannot see)."""
    st = os.stat(path)
    data = bytearray(path.read_bytes())
    # (one ASCII letter near the end, another in its place)
    j = next(k for k in range(len(data) - 1, 0, -1) if 0x61 <= data[k] <= 0x7a)
    data[j] = data[j] + 1 if data[j] < 0x7a else 0x61
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns


def _target(reports):
    return sorted(p for p in reports.rglob("*.txt"))[0]


def test_an_unchanged_file_gives_its_body(cache_home, reports, told):
    load([reports])
    lib = load([reports])
    f = _target(reports)
    r = _first(lib, f)
    assert isinstance(r, loader.LazyReport)
    assert r.text == f.read_text(encoding="utf-8") and r.root is not None
    assert told == []


@pytest.mark.parametrize("warm", ["rows", "summary"])
def test_a_file_changed_keeping_size_and_mtime_is_caught_by_its_checksum(cache_home, reports, told, monkeypatch,
                                                                         warm):
    if warm == "summary":
        monkeypatch.setattr(loading, "SUMMARY_MIN", 1)
    load([reports])
    lib = load([reports])
    if warm == "summary":
        assert lib.stored is not None and lib.stored._summary is not None  # (read from the summary)
    f = _target(reports)
    r = _first(lib, f)
    _same_size_edit(f)
    assert r.text == "" and r.sections == []  # never the new text under the old head
    assert told == [str(f)]
    store = r.__dict__["_store"]
    assert store.changed == {str(f)}
    again = load([reports])  # (what the reload the app is told to make reads)
    assert _first(again, f).text == f.read_text(encoding="utf-8")


def test_a_file_changed_in_size_is_caught_before_it_is_read(cache_home, reports, told, monkeypatch):
    load([reports])
    lib = load([reports])
    f = _target(reports)
    r = _first(lib, f)
    f.write_text(f.read_text(encoding="utf-8") + "\n# Added later\n", encoding="utf-8")
    reads = []
    real = loader.parse_candidate
    monkeypatch.setattr(loader, "parse_candidate", lambda c, *a, **kw: reads.append(c) or real(c, *a, **kw))
    assert r.root is None or r.sections == []
    assert r.text == ""
    assert reads == [] and told == [str(f)]


def test_a_touched_file_is_a_changed_file(cache_home, reports, told):
    load([reports])
    lib = load([reports])
    f = _target(reports)
    r = _first(lib, f)
    st = os.stat(f)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert r.text == "" and told == [str(f)]


def test_a_changed_zip_member_is_caught(cache_home, tmp_path, told):
    z = tmp_path / "z" / "reports.zip"
    z.parent.mkdir()
    seeds = sorted(bundled_seeds().glob("*.txt"))
    with zipfile.ZipFile(z, "w") as zf:
        for p in seeds:
            zf.writestr(p.name, p.read_bytes())
    load([z.parent])
    lib = load([z.parent])
    r = next(r for r in lib.reports if r.source.member == seeds[0].name)
    st = os.stat(z)
    data = bytearray(seeds[0].read_bytes())
    j = next(k for k in range(len(data) - 1, 0, -1) if 0x61 <= data[k] <= 0x7a)
    data[j] = data[j] + 1 if data[j] < 0x7a else 0x61
    with zipfile.ZipFile(z, "w") as zf:
        for p in seeds:
            zf.writestr(p.name, bytes(data) if p == seeds[0] else p.read_bytes())
    os.utime(z, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert r.text == "" and told == [str(z)]


def test_a_gone_file_is_an_empty_body_and_a_change(cache_home, reports, told):
    load([reports])
    lib = load([reports])
    f = _target(reports)
    r = _first(lib, f)
    f.unlink()
    assert r.text == "" and told == [str(f)]
    assert all(x.source.path != str(f) for x in load([reports]).reports)


def test_the_app_reloads_when_a_body_finds_its_file_changed(cache_home, reports):
    from tui.keymap import Keymap
    from tui.ui.app import ReportsApp
    from tui.ui.messages import FilesChanged

    app = ReportsApp.__new__(ReportsApp)
    posted = []
    app.post_message = posted.append  # (only the hook is under test: no app is run)
    app._theme_ready = False
    app.config = type("C", (), {"error": None})()
    app.keymap = Keymap.from_settings({})
    app.on_mount()
    try:
        load([reports])
        lib = load([reports])
        f = _target(reports)
        r = _first(lib, f)
        _same_size_edit(f)
        assert r.text == ""
        assert [type(m) for m in posted] == [FilesChanged] and posted[0].paths == [str(f)]
    finally:
        app.loader = type("NoLoad", (), {"stop": lambda self: None})()  # (no load was started)
        app.on_unmount()
    assert not loader._changed_listeners
