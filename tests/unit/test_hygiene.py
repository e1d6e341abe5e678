"""The layers hold: the model, the index, the settings and the subcommands never load Textual or Rich
(a fast start, a testable core), and the import contracts in pyproject.toml are kept."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

from testpaths import REPO

import tui


# The web server of `reports-tui serve` runs textual-serve, which logs with Rich (it never loads
# Textual: the app sessions it starts do); it is imported only when `serve` runs, which is checked below.
SERVER_ONLY = {"tui.cli.serve.server"}


def core_modules() -> list[str]:
    """Every module of tui.model, tui.index and tui.cli (but the web server of `serve`), tui.config and
    tui.keymap."""
    names = ["tui.config", "tui.keymap"]
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name.startswith(("tui.model", "tui.index", "tui.cli")) and info.name not in SERVER_ONLY:
            names.append(info.name)
    return sorted(names)


def test_every_core_module_imports_without_textual_or_rich():
    modules = core_modules()
    assert {"tui.model.parse", "tui.index.store.cache", "tui.index.search.engine", "tui.cli.diff"} <= set(modules)
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"  # an ImportError fails the test
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == []


def test_the_serve_web_server_never_loads_textual():
    code = ("import json, sys, tui.cli.serve.server\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == []


@pytest.mark.parametrize("argv", [["weeks", "--json"], ["kpi", "--json"], ["search", "贝易转", "--json"],
                                  ["diff", "2024-W23", "2024-w26", "--json"], ["lint", "--json"],
                                  ["team", "--json", "--weeks", "4"], ["digest", "--format", "html"],
                                  ["keys", "--json"], ["completion", "bash"]])
def test_subcommands_do_not_load_textual_or_rich(argv):
    # nor markdown-it-py: only the report view reads Markdown with it (the model has its own scanner)
    code = (
        "import json, sys\nfrom tui.cli import main\n"
        f"rc = main({argv!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'markdown_it', 'mdit_py_plugins'))\n"
        "sys.stderr.write('\\nLOADED:' + json.dumps([rc, bad]))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    rc, bad = json.loads(res.stderr.rsplit("LOADED:", 1)[1])
    assert rc == 0 and bad == []


def test_import_contracts_are_kept():
    """import-linter (pyproject.toml): layers point down, no Textual/Rich below the UI, no import cycles."""
    exe = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
           "sys.exit(lint_imports_command())"]
    res = subprocess.run(exe + ["--no-cache"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 kept, 0 broken" in res.stdout


def test_no_screen_asks_the_app_or_another_screen_whether_it_has_a_hook():
    """Screens and widgets tell the app with messages and get what they need in their constructors: no
    `getattr(self.app, …)` / `hasattr(app, …)` (a hook the structure does not show; compat.py, which
    reads Textual's own internals, aside)."""
    import ast

    askable = {"app", "screen", "main_screen"}

    def asked(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id in askable) or \
            (isinstance(node, ast.Attribute) and node.attr in askable)

    found = []
    for path in sorted((REPO / "tui" / "ui").rglob("*.py")):
        if path.name == "compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr") \
                    and node.args and asked(node.args[0]):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not found, found
