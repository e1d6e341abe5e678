"""Pinyin readings made after the index was saved without them (`reports-tui search` builds it so, to spare
loading pypinyin) are written alone: the first pinyin query of `reports-tui search`, or the app opening
the library, adds them without loading the library again or writing any other part of the saved index."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testpaths import REPO, SEEDS
from tui.index.search.readings import GROUP


@pytest.fixture()
def env(tmp_path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PYTHONPATH": str(REPO)}


@pytest.fixture()
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


_SEARCH = ("import json, sys\nfrom tui.cli import main\n"
           "rc = main(['search', sys.argv[1], sys.argv[2], '--json'])\n"
           "mods = [m for m in ('tui.model.parse', 'tui.index.store.loading', 'pypinyin') if m in sys.modules]\n"
           "sys.stderr.write('\\nLOADED:' + json.dumps([rc, mods]))\n")


def _search(env: dict[str, str], query: str, folder: Path, *more: str) -> tuple[list, list[str]]:
    res = subprocess.run([sys.executable, "-c", _SEARCH, query, str(folder), *more], capture_output=True, text=True,
                         env=env, timeout=120)
    rc, mods = json.loads(res.stderr.rsplit("LOADED:", 1)[1])
    assert rc == 0, res.stderr
    return json.loads(res.stdout), mods


def _rows(env: dict[str, str]) -> dict[str, tuple[int, bytes]]:
    """Each part of the saved index: its row id and stored bytes."""
    db = sqlite3.connect(next(Path(env["XDG_CACHE_HOME"]).rglob("parse-cache-v2.sqlite3")))
    try:
        ((key,),) = db.execute("SELECT key FROM search_index").fetchall()
        return {name: (rid, data) for rid, name, data in
                db.execute("SELECT id, name, data FROM search_parts WHERE key = ?", (key,))}
    finally:
        db.close()


def _others(rows: dict[str, tuple[int, bytes]]) -> dict[str, tuple[int, bytes]]:
    return {k: v for k, v in rows.items() if k not in GROUP}


@pytest.mark.slow
def test_the_first_pinyin_query_writes_the_readings_alone_without_loading_the_library(env, seeds):
    want = {q: _search(env | {"XDG_CACHE_HOME": env["XDG_CACHE_HOME"] + "-none"}, q, seeds)[0]
            for q in ("byz", "beiyizhuan")}
    _search(env, "存管", seeds)  # (the library loaded, the index built and saved: without readings)
    before = _rows(env)
    assert not set(before) & set(GROUP)
    got, mods = _search(env, "byz", seeds)
    assert got == want["byz"]
    assert "pypinyin" in mods and "tui.model.parse" not in mods and "tui.index.store.loading" not in mods
    after = _rows(env)
    assert _others(after) == _others(before)  # (every other part as it was, the same rows)
    assert set(after) - set(before) >= {"pinyin", "readings", "char_pinyin", "spelling"}
    got, mods = _search(env, "beiyizhuan", seeds)  # (then read back: no pypinyin)
    assert got == want["beiyizhuan"] and mods == []
    assert _rows(env) == after


@pytest.mark.slow
def test_the_apps_first_open_after_a_cli_search_writes_only_the_readings(env, seeds, monkeypatch):
    _search(env, "存管", seeds)
    before = _rows(env)
    for k in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(k, env[k])
    from tui.index.load import load_library
    from tui.index.workspace import Workspace

    ws = Workspace(load_library([str(seeds)], use_cache=True), use_cache=True, hold_saved=True)  # (as the app's)
    assert ws.search_index().pinyin_ready and ws.search("byz").hits
    after = _rows(env)
    assert _others(after) == _others(before) and set(after) > set(before)
    again = Workspace(load_library([str(seeds)], use_cache=True), use_cache=True, hold_saved=True)
    index = again.search_index()  # (read back with its readings: nothing written)
    assert index.pinyin_ready and index.readings
    assert _rows(env) == after
