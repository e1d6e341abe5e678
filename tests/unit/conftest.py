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
