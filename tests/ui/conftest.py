"""Fixtures for UI tests: settings and cache in a temporary folder, the bundled seeds as a library."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch):
    """Never read or write the developer's own settings, cache or state."""
    cfg = tmp_path / "config"
    cache = tmp_path / "cache"
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    import tui.config

    monkeypatch.setattr(tui.config, "config_dir", lambda: cfg / "reports-tui")
    monkeypatch.setattr(tui.config, "cache_dir", lambda: cache / "reports-tui")
    monkeypatch.setattr(tui.config, "state_dir", lambda: state / "reports-tui")
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    # An unexpected exception ends the app with its traceback (as during start-up) instead of opening
    # the error dialog, so that no test passes over one; tests of the dialog itself unset this.
    monkeypatch.setenv("REPORTS_TUI_CRASH_ON_ERROR", "1")
    yield


_PARSED_CSS: dict[tuple, list] = {}


@pytest.fixture(autouse=True, scope="session")
def _stylesheets_parsed_once():
    """Each app's stylesheet parses its CSS (the app's file, every widget's DEFAULT_CSS) anew, ~30 ms of
    CPU an app: here a CSS text is parsed once per worker, for its place, scope and the theme's variables,
    and every later app with the same text gets the same rules. Textual keeps parsed rules the same way
    within one stylesheet (its own cache, cleared when the variables change) and never changes a rule
    once parsed; CSS with errors is never kept, so it fails in every app as before. Test-only: the
    program starts one app per process, where there is nothing to share."""
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules

    def parsed_once(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
        rules = _PARSED_CSS.get(key)
        if rules is None:
            rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                _PARSED_CSS[key] = rules
        return rules

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", parsed_once)
        yield


@pytest.fixture(scope="session")
def seed_library():
    """The bundled seeds, parsed once per test session (no cache)."""
    from tui.index.load import load_library

    return load_library([str(SEEDS)])


@pytest.fixture(autouse=True)
def _press_waits_for_its_keys(monkeypatch):
    """`pilot.press` returns once its keys have reached their screen (see `uiutil.keys_delivered`)."""
    from textual.pilot import Pilot

    from uiutil import keys_delivered

    press = Pilot.press

    async def press_and_deliver(self, *keys: str) -> None:
        await press(self, *keys)
        await keys_delivered(self)

    monkeypatch.setattr(Pilot, "press", press_and_deliver)
