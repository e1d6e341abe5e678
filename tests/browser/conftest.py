"""What the browser tests share: one headless Chromium per test module (the modules skip themselves,
saying why, when there is no Chromium)."""

from __future__ import annotations

import pytest

from serveutil import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
