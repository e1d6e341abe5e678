"""Run `reports-tui serve` as a user does (a separate process on a free loopback port), watch its app
processes, and read the terminal's text in a page driven by Playwright. Used by the tests here and by
scripts/serve_screenshot.py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from testpaths import REPO

#: Debian's Chromium (package `chromium`), the browser the page tests drive; REPORTS_TUI_CHROMIUM names another.
CHROMIUM = Path(os.environ.get("REPORTS_TUI_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Runs before the page's own scripts. textual.js keeps its terminal objects private; this notes each
#: terminal session it creates (the object that gets a `websocket_url`), so that the terminal's text can
#: be read from xterm.js's buffer.
HOOK = """
window.__sessions = [];
Object.defineProperty(Object.prototype, "websocket_url", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "websocket_url", {value, writable: true, configurable: true, enumerable: true});
    window.__sessions.push(this);
  },
});
"""

SCREEN = """() => {
  const session = window.__sessions[0];
  if (!session || !session.terminal) return "";
  const t = session.terminal, buffer = t.buffer.active, lines = [];
  for (let i = 0; i < t.rows; i++) lines.push(buffer.getLine(buffer.viewportY + i).translateToString(true));
  return lines.join("\\n");
}"""

VIEWPORT = {"width": 1280, "height": 800}


def screen(page) -> str:
    """The terminal's text as the reader sees it, one line per row."""
    return page.evaluate(SCREEN)


def wait_screen(page, check, what: str, timeout: float = 20.0) -> str:
    """Wait until the terminal's text passes `check`; fail showing the screen."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(page)
        if check(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"the page never showed {what}; the screen was:\n{text}")


class Served:
    """A running `reports-tui serve`: its process, URL, and output so far."""

    def __init__(self, proc: subprocess.Popen, out: Path, err: Path) -> None:
        self.proc = proc
        self.out = out
        self.err = err
        self.url = ""
        self.seen: set[int] = set()  # every app process ever seen, for the final check

    def stdout(self) -> str:
        """What the server printed on stdout."""
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        """What the server printed on stderr (one line per session started and ended)."""
        return self.err.read_text(encoding="utf-8", errors="replace")

    def sessions(self) -> list[psutil.Process]:
        """The app processes running now (children of the server that have not exited)."""
        try:
            kids = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        alive = [k for k in kids if _alive(k)]
        self.seen.update(k.pid for k in alive)
        return alive

    def wait_sessions(self, n: int, timeout: float = 20.0) -> list[psutil.Process]:
        """Wait until exactly n app processes run; fail with the server's output otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            running = self.sessions()
            if len(running) == n:
                return running
            time.sleep(0.1)
        raise AssertionError(f"expected {n} app processes, found {len(self.sessions())}\n{self.stderr()}")

    def wait_log(self, text: str, timeout: float = 10.0) -> str:
        """Wait until the server's stderr holds `text` (it logs a session's end after reaping it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in (err := self.stderr()):
                return err
            time.sleep(0.05)
        raise AssertionError(f"the server never logged {text!r}:\n{self.stderr()}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20.0) -> int:
        """Send a signal (ctrl+c by default) and wait for the server to exit; its exit status."""
        self.sessions()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def leftovers(self) -> list[int]:
        """App processes seen at any time that still run."""
        return [pid for pid in self.seen if _alive_pid(pid)]


def _alive(p: psutil.Process) -> bool:
    try:
        return p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _alive_pid(pid: int) -> bool:
    try:
        return _alive(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def start_server(tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 20.0) -> Served:
    """Start `reports-tui serve --port 0 ARGS` and wait for the URL it prints."""
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", "0", *args],
        stdout=out.open("w"), stderr=err.open("w"), stdin=subprocess.DEVNULL, cwd=REPO,
        env=env or dict(os.environ),
    )
    served = Served(proc, out, err)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if m := re.search(r"http://\S+/", served.stdout()):
            served.url = m.group(0)
            return served
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"reports-tui serve did not start:\n{served.stdout()}\n{served.stderr()}")


def cleanup(served: Served) -> None:
    """After a test, whatever it asserted: no server and no app process may outlive it."""
    served.sessions()
    if served.proc.poll() is None:
        served.proc.kill()
        served.proc.wait(timeout=10)
    for pid in served.seen:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
