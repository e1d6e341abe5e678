"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil

import pytest

from tui.index.library import bundled_seeds


@pytest.fixture
def reports(tmp_path):
    """A folder holding copies of the bundled seeds (a test may change them: they are its own)."""
    d = tmp_path / "reports"
    shutil.copytree(bundled_seeds(), d)
    return d


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """The parse cache and settings inside tmp_path, and a saved index's parts read on demand however
    small, and never held whole after the late checks (the seeds' parts as large as a big archive's)."""
    from tui.index.search import parts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(parts, "WHOLE_UP_TO", 0)
    monkeypatch.setattr(parts, "HOLD_UP_TO", 0)
    return tmp_path
