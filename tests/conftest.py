"""Test-wide fixtures: a developer's own settings and cache never leak into a test run."""

from __future__ import annotations

import pytest


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


def pytest_collection_modifyitems(config, items):
    """The files holding a slow test run first (each file in its own order): with `--dist loadfile`
    each file runs whole on one worker, and a long file handed out last would leave the other core
    idle while it runs; handed out first, the short files even out the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)
