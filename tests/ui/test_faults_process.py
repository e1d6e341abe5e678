"""Quitting always quits: `q` while a large folder is read for the first time ends the app at once
(the load is abandoned, its worker processes end with it), and kill -9 of the app leaves no process
behind. The app runs as a real process on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from faultutil import cli_cmd, folder_digest
from testpaths import REPO
from tui.index.store.cache import FILE_NAME

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

REPORTS = 2000


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("big") / "reports"
    generate(out, REPORTS, seed=11)
    return out


class Terminal:
    """The app on a pseudo-terminal of its own, in a session of its own; what it draws is drained."""

    def __init__(self, args: list[str], env: dict[str, str], cols: int = 120, rows: int = 36):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen([*cli_cmd(), *args], stdin=slave, stdout=slave, stderr=slave,
                                     env={**os.environ, "TERM": "xterm-256color", **env}, start_new_session=True)
        os.close(slave)
        self.master = master
        self.screen = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen += chunk

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def session(self) -> list[str]:
        """The processes of the app's session (the app, its fork server, resource tracker, workers)."""
        out = subprocess.run(["pgrep", "-s", str(self.proc.pid)], capture_output=True, text=True).stdout
        return out.split()

    def wait_for(self, check, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}")
            if self.proc.poll() is not None:
                raise AssertionError(f"the app ended while waiting for {what}: {bytes(self.screen[-2000:])!r}")
            time.sleep(0.05)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        try:
            os.close(self.master)
        except OSError:
            pass


def _rows(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return c.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def _gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", ["q", "ctrl+c", "kill -9"])
def test_quitting_during_a_cold_load(big_folder, tmp_path, how):
    before = folder_digest(big_folder)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "REPORTS_TUI_WORKERS": "2"}
    term = Terminal([str(big_folder)], env)
    try:
        term.wait_for(lambda: b"reading reports" in term.screen, 60, "the first screen")
        term.wait_for(lambda: len(term.session()) >= 4, 60, "worker processes parsing")  # app, server, 2 workers
        if how in ("q", "ctrl+c"):
            # Quitting does not wait for the load: the app ends while reports are still unread (checked
            # below by what was stored), however slowly a busy machine runs it; a hang fails here.
            term.type(b"q" if how == "q" else b"\x03")
            term.proc.wait(30)
            assert term.proc.returncode == 0
        else:
            os.kill(term.proc.pid, signal.SIGKILL)
            term.proc.wait(30)
        assert _gone(term.proc.pid, 30), f"left behind: {term.session()}"
    finally:
        term.close()
    stored = _rows(tmp_path / "xdg" / "reports-tui" / FILE_NAME)
    assert stored < REPORTS, "the load had finished: nothing was abandoned"
    assert folder_digest(big_folder) == before
