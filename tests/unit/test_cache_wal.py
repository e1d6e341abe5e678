"""The parse cache leaves no write-ahead log behind, and `cache info` says what its bytes hold.

SQLite folds the log into the file and deletes it when the last connection closes; a process that ends
without closing its connections leaves the log (as large as it grew) beside the cache. Each case runs
the real program in a process of its own, on a cache folder of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testpaths import REPO, SEEDS

APP = r"""
import argparse, asyncio, sys
from tui.ui.app import ReportsApp

async def main():
    args = argparse.Namespace(paths=[sys.argv[1]], compare=None, search=None, config=None, no_cache=False)
    app = ReportsApp(args, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2000):
            if app.loaded and getattr(app.main_screen, "current", None) is not None:
                break
            await pilot.pause()
        await pilot.press("slash")
        for ch in "贝易":
            await pilot.press(ch)
        for _ in range(2000):  # the search index is synced and saved meanwhile
            if app.workspace.cached_search_index() is not None and not app.workspace._index_lock.locked():
                break
            await pilot.pause()
        assert app.loaded
    print("ok")

asyncio.run(main())
"""


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(XDG_CACHE_HOME=str(tmp / "cache"), XDG_CONFIG_HOME=str(tmp / "config"), NO_COLOR="1")
    env["PYTHONPATH"] = str(REPO)
    return env


def _cli(tmp: Path, *argv: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("reports-tui")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tui"]
    return subprocess.run(cmd + list(argv), env=_env(tmp), capture_output=True, text=True, timeout=120)


def _logs(tmp: Path) -> list[str]:
    return sorted(p.name for p in (tmp / "cache").rglob("*") if p.name.endswith(("-wal", "-journal")))


def test_no_write_ahead_log_is_left_after_the_cli(tmp_path):
    for argv in (["weeks", str(SEEDS)], ["search", "贝易转", str(SEEDS)], ["search", "byz", str(SEEDS)],
                 ["kpi", str(SEEDS)]):
        got = _cli(tmp_path, *argv)
        assert got.returncode == 0, got.stderr
        assert list((tmp_path / "cache").rglob("*.sqlite3")), "the cache was written"
        assert _logs(tmp_path) == [], argv


def test_no_write_ahead_log_is_left_after_the_app(tmp_path):
    got = subprocess.run([sys.executable, "-c", APP, str(SEEDS)], env=_env(tmp_path), capture_output=True,
                         text=True, timeout=300)
    assert got.returncode == 0 and "ok" in got.stdout, got.stderr[-2000:]
    assert list((tmp_path / "cache").rglob("*.sqlite3")), "the cache was written"
    assert _logs(tmp_path) == []


def test_cache_info_splits_the_bytes_by_what_they_hold(tmp_path):
    assert _cli(tmp_path, "search", "贝易转", str(SEEDS)).returncode == 0
    got = _cli(tmp_path, "cache", "info")
    assert got.returncode == 0, got.stderr
    lines = {ln[:22].strip(): ln for ln in got.stdout.splitlines() if ln.startswith("  ")}
    for what in ("rows", "search records", "summaries", "saved search index", "posting lists"):
        assert what in lines, got.stdout
    rows = float(lines["rows"].split()[-2])  # ("68 KB", "1.2 MB")
    index = float(lines["saved search index"].split()[-2])
    assert rows > 0 and index > 0, got.stdout  # (the seeds' rows and the index saved by the search)
