"""The manual page (`man/reports-tui.1`, written by `make man` from the command line's parsers, the key
table and the README's "Settings") is current and renders with `man -l`: every subcommand and option
of the parser, every key binding id, and the settings file with its keymap."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess

import pytest

from testpaths import REPO
from tui.cli.main import build_parser
from tui.keymap import BINDINGS

PAGE = REPO / "man" / "reports-tui.1"


def docs():
    spec = importlib.util.spec_from_file_location("docs", REPO / "scripts" / "docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_manual_page_is_current():
    pytest.importorskip("argparse_manpage", reason="argparse-manpage is a test dependency (`make setup`)")
    assert PAGE.read_text(encoding="utf-8") == docs().manpage_text(), "the manual page is stale: run `make man`"


@pytest.fixture(scope="module")
def rendered() -> str:
    if shutil.which("man") is None:
        pytest.skip("man is not installed (`make test` installs man-db from Debian)")
    env = {**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": "", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    res = subprocess.run(["man", "--warnings", "-l", str(PAGE)], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == "", res.stderr  # groff warns of nothing
    return " ".join(re.sub("\u2010\\s+", "", res.stdout).split())  # (words as one line, unhyphenated)


def test_it_renders_every_subcommand_and_option_of_the_parser(rendered):
    tui_parser, sub_root = build_parser()
    for action in tui_parser._actions:
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert option in rendered, option
    subs = next(a for a in sub_root._actions if a.choices and "weeks" in a.choices)
    for name, sub in subs.choices.items():
        assert f"reports-tui {name}" in rendered, name
        for action in sub._actions:
            for option in action.option_strings:
                assert option in rendered, (name, option)


def test_it_lists_every_key_and_the_settings_with_a_keymap(rendered):
    for b in BINDINGS:
        assert f"({b.id})" in rendered, b.id
    assert "SETTINGS" in rendered and "config.toml" in rendered
    assert '[keymap]' in rendered and '"main.search" = "ctrl+f"' in rendered
    assert "EXIT STATUS" in rendered and "141" in rendered
