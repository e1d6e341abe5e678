"""Test-wide fixtures: a developer's own settings and cache never leak into a test run."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest

# Young objects are collected every 10,000 allocations (less frees) instead of Python's 700. An app a test
# starts makes and keeps hundreds of thousands of objects (widgets, styles, drawn lines), so at the default
# a full collection, which scans every object the worker holds (~0.1 s), ran about once a test: a fifth of
# a UI test's CPU. Nothing a test checks depends on when the collector runs (tests of memory collect
# themselves), and the app sets its own threshold once it holds a large library.
YOUNG_COLLECTION_AT = 10_000


def pytest_configure(config):
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_AT, older, oldest)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Point the platform config, cache and state folders at a fresh temporary folder for every test."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return base


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """The parse cache's folder, inside tmp_path."""
    from tui import config

    home = tmp_path / "cache"
    monkeypatch.setattr(config, "cache_dir", lambda: home)
    return home


@pytest.fixture(autouse=True, scope="session")
def _report_folders_unchanged():
    """The bundled seeds, the test data and the real corpora are byte for byte the same after the run:
    nothing reports-tui does writes into a report folder."""
    from faultutil import folder_digest
    from testpaths import CORPORA, DATA, SEEDS

    folders = [p for p in (SEEDS, DATA, CORPORA) if p.is_dir()]
    before = {p: folder_digest(p) for p in folders}
    yield
    changed = [str(p) for p in folders if folder_digest(p) != before[p]]
    assert not changed, f"report folders written to: {changed}"


# The longest files, longest first (seconds of one worker and, after the slash, of CPU with the processes
# its tests start: `pytest -n 2 --dist loadfile` with a plugin adding up wall time and `getrusage` per
# test, run beside a second whole suite on a machine busy with other work, load ~5, where a wall time is
# several times that on idle cores):
# with `--dist loadfile` a file runs whole on one worker, so one of these handed out late would run alone
# at the end of a parallel run while the other core idles.
LONGEST_FILES = (
    "unit/test_search_reference.py",     # ~142 / 35 s
    "unit/test_faults_cache.py",         # ~139 / 28 s: random byte damage, kill -9 during a build
    "ui/test_screen_keys.py",            # ~95 / 18 s
    "ui/test_reading_view.py",           # ~69 / 17 s: long reports rendered, raw and back
    "browser/test_server.py",            # ~68 / 27 s: app processes behind a browser
    "ui/test_hostile_ui.py",             # ~66 / 15 s
    "ui/test_faults_monkey.py",          # ~65 / 15 s: one test, the monkey with palette keys
    "unit/test_cache_size.py",           # ~47 / 11 s: a 600-report archive loaded and indexed cold
    "unit/test_faults_index.py",         # ~45 / 6 s
    "unit/test_markdown_agreement.py",   # ~45 / 12 s: the real corpora
    "unit/test_search_build_memory.py",  # ~41 / 12 s: builds of 250 and 500 reports traced
    "ui/test_corpora_app.py",            # ~35 / 8 s
    "unit/test_faults_files.py",         # ~30 / 8 s
    "ui/test_faults_ui.py",              # ~29 / 6 s
    "browser/test_page.py",              # ~28 / 9 s
    "ui/test_compare_screen.py",         # ~28 / 5 s
    "unit/test_install.py",              # ~27 / 5 s: a wheel built and installed
)


def pytest_collection_modifyitems(config, items):
    """The longest files run first (`LONGEST_FILES`, in that order), then the others by a rough cost (a
    slow test ~3 s, a UI or browser test, which starts an app, ~1 s, another ~0.05 s), each file in its own
    order: handed out first, the long files never start late, and the short ones even out the end.
    `make test` passes `--no-loadscope-reorder`, else pytest-xdist hands out the files with the most
    tests first whatever this order."""
    tests = Path(__file__).parent
    rank = {tests / name: n for n, name in enumerate(LONGEST_FILES)}
    gone = [str(path) for path in rank if not path.is_file()]
    if gone:
        raise pytest.UsageError(f"tests/conftest.py: LONGEST_FILES names files that are gone (renamed?): {gone}")
    cost: Counter = Counter()
    for item in items:
        app = item.path.parent.name in ("ui", "browser")
        cost[item.path] += 3 if item.get_closest_marker("slow") else 1 if app else 0.05
    items.sort(key=lambda item: (rank.get(item.path, len(rank)), -cost[item.path]))
