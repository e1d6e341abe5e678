"""`reports-tui serve` without a server: its command line, what each tab runs, the loopback rule,
and what it imports. The running server is tested in tests/browser/."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

import pytest

from testpaths import REPO, SEEDS
from tui import cli
from tui.cli import serve
from tui.cli.common import EXIT_USAGE
from tui.cli.main import build_parser


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("LOCALHOST", True), ("::1", True),
    ("[::1]", True), ("app.localhost", True),
    ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.5", False), ("10.0.0.1", False),
    ("example.com", False), ("localhost.example.com", False),
])
def test_loopback_hosts(host, loopback):
    assert serve.is_loopback(host) is loopback
    assert (serve.host_warning(host, 8000) is None) is loopback


def test_the_warning_says_who_can_read_and_how_to_stay_local():
    text = serve.host_warning("0.0.0.0", 8123)
    assert "every network interface" in text and "8123" in text
    assert "Anyone who can reach" in text and "--host 127.0.0.1" in text


def test_serve_arguments_and_defaults():
    _, sub = build_parser()
    args = sub.parse_args(["serve"])
    assert (args.paths, args.host, args.port, args.max_sessions) == ([], "127.0.0.1", 8000, 8)
    args = sub.parse_args(["serve", "a", "b", "--host", "0.0.0.0", "--port", "0", "--max-sessions", "2",
                           "--no-cache", "--config", "c.toml"])
    assert (args.paths, args.host, args.port, args.max_sessions, args.no_cache, args.config) == (
        ["a", "b"], "0.0.0.0", 0, 2, True, "c.toml")


@pytest.mark.parametrize("argv", [["--max-sessions", "0"], ["--max-sessions", "x"], ["--port", "70000"],
                                  ["--port", "-1"]])
def test_bad_serve_arguments_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", *argv])
    assert exc.value.code == 2


def test_a_missing_path_is_an_error_before_anything_is_served(capsys, monkeypatch):
    import tui.cli.serve.server

    monkeypatch.setattr(tui.cli.serve.server, "serve", lambda *a, **k: pytest.fail("served"))
    assert cli.main(["serve", "/no/such/folder"]) == EXIT_USAGE
    assert "no such file or folder" in capsys.readouterr().err


def test_every_tab_runs_this_interpreter_on_the_same_paths_and_flags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "weekly").mkdir()
    cmd = serve.session_command(["weekly", str(SEEDS)], "my.toml", True)
    assert cmd[:3] == [sys.executable, "-m", "tui"]
    assert cmd[3:] == [str(tmp_path / "weekly"), str(SEEDS), "--config", str(tmp_path / "my.toml"), "--no-cache"]
    assert serve.session_command([], None, False) == [sys.executable, "-m", "tui"]


def test_the_session_command_runs_this_copy_of_reports_tui():
    root = serve.package_root()
    assert (root / "tui" / "cli" / "serve" / "__init__.py").resolve() == Path(serve.__file__).resolve()
    res = subprocess.run([*serve.session_command([], None, False), "--version"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.startswith("reports-tui ")


def test_a_non_loopback_host_prints_the_warning_on_stderr(capsys, monkeypatch):
    import tui.cli.serve.server

    calls = []
    monkeypatch.setattr(tui.cli.serve.server, "serve", lambda argv, **kw: calls.append((argv, kw)) or 0)
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "9000", str(SEEDS)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "Anyone who can reach port 9000" in err
    ((argv, kw),) = calls
    assert kw["host"] == "0.0.0.0" and kw["port"] == 9000 and kw["max_sessions"] == 8
    assert argv[-1] == str(SEEDS)
    calls.clear()
    assert cli.main(["serve", "--port", "9000"]) == 0
    assert capsys.readouterr().err == ""
    assert calls[0][1]["host"] == "127.0.0.1"


def test_url_for_bound_hosts():
    assert serve.url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert serve.url_for("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert serve.url_for("::1", 8000) == "http://[::1]:8000/"


def test_is_served_reads_the_environment(monkeypatch):
    from tui.config import is_served

    monkeypatch.delenv(serve.SERVED_ENV, raising=False)
    assert not is_served()
    monkeypatch.setenv(serve.SERVED_ENV, "1")
    assert is_served()


def _modules_after(code: str) -> set[str]:
    res = subprocess.run([sys.executable, "-c", code + "\nimport sys\nsys.stderr.write('\\nMODULES:' + "
                          "','.join(sorted({m.split('.')[0] for m in sys.modules})))"],
                         capture_output=True, text=True, cwd=REPO, timeout=60,
                         env=dict(os.environ, REPORTS_TUI_SERVED=""))
    assert res.returncode == 0, res.stderr
    return set(res.stderr.rsplit("MODULES:", 1)[1].split(","))


@pytest.mark.slow
def test_serve_loads_no_textual_and_other_subcommands_load_no_web_server():
    loaded = _modules_after(
        "import tui.cli.serve.server as s\n"
        "s.serve = lambda argv, **kw: 0\n"
        "from tui.cli import main\n"
        "assert main(['serve']) == 0\n"
    )
    assert "textual" not in loaded and "aiohttp" in loaded
    loaded = _modules_after("from tui.cli import main\nmain(['weeks', '--json'])\n")
    assert not loaded & {"textual", "rich", "aiohttp", "textual_serve"}


# ── what the page sends is the page's word: sizes and headers ─────────────────────────────────────


@pytest.mark.parametrize("width, height, want", [
    ("100", "30", (100, 30)), (100, 30, (100, 30)), (99.7, 30.2, (99, 30)),
    (20000, 20000, (1000, 500)), ("20000", "20000", (1000, 500)), (10**30, -10**30, (1000, 5)),
    (0, 0, (10, 5)), (-5, "-5", (10, 5)),
    ("wide", None, (80, 24)), (True, False, (80, 24)), ([1], {"a": 1}, (80, 24)),
    (float("inf"), float("nan"), (80, 24)), ("9" * 5000, "1e9", (80, 24)),
])
def test_a_terminal_size_is_within_bounds_whatever_the_page_asks(width, height, want):
    from tui.cli.serve.server import terminal_size

    assert terminal_size(width, height) == want


async def test_a_resize_message_is_clamped_like_the_size_at_the_start():
    from tui.cli.serve.server import Session

    sent = []
    session = Session(["true"], ".", write_bytes=None, write_str=None, close=None, download_manager=None)

    async def send_meta(data):
        sent.append(data)
        return True

    session.send_meta = send_meta
    await session.set_terminal_size(20000, 20000)
    await session.set_terminal_size(120, "x")  # (not a number: the height stays as it was)
    await session.set_terminal_size(3, 2)
    assert [(m["width"], m["height"]) for m in sent] == [(1000, 500), (120, 500), (10, 5)]
    assert session.size == (10, 5)


@pytest.mark.parametrize("header, want", [
    ("localhost:8000", "localhost"), ("127.0.0.1", "127.0.0.1"), ("[::1]:80", "::1"), ("Example.COM", "example.com"),
    ("[::1", None), ("::1]", None), ("localhost:port", None), ("localhost:99999", None), ("a/b", None),
    ("user@localhost", None), ("localhost?x", None), ("", ""),
])
def test_host_names_of_host_headers(header, want):
    from tui.cli.serve.server import host_name

    assert host_name(header) == want
