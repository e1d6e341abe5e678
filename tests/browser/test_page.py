"""`reports-tui serve` in a real browser: Debian's headless Chromium, driven by Playwright.

The terminal's text is read from xterm.js's buffer in the page (serveutil.HOOK). Skipped, with the
reason, when there is no Chromium (`make test` installs Debian's `chromium` package).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from tui.index.formats import format_value

from serveutil import CHROMIUM, HOOK, VIEWPORT, cleanup, start_server, wait_screen
from testpaths import SEEDS

if not CHROMIUM.exists():
    pytest.skip(f"no browser: {CHROMIUM} is missing (Debian's `chromium` package, which `make test` installs "
                f"when it can; REPORTS_TUI_CHROMIUM names another Chromium)",
                allow_module_level=True)

from playwright import sync_api  # noqa: E402  (the [test] extra installs it: missing is an error, not a skip)


@pytest.fixture(scope="module")
def seeds():
    """The seed reports in week order, as the app lists them."""
    from tui.index.load import load_library

    return load_library([str(SEEDS)]).reports


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One `reports-tui serve` (bundled seeds, at most 2 sessions) for the whole module; it must stop
    cleanly on ctrl+c at the end."""
    home = tmp_path_factory.mktemp("serve-home")
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    served = start_server(home, "--max-sessions", "2", env=env)
    try:
        yield served
        assert served.stop(signal.SIGINT) == 0
        assert served.leftovers() == [], "app processes outlived the server"
    finally:
        cleanup(served)


class Tab:
    """A browser tab on the served page, with every request it made and every error it logged."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.add_init_script(HOOK)
        self.response = self.page.goto(url)

    def ready(self, seeds) -> str:
        """Wait for the main screen: every week in the list and the footer's keys."""
        wait_screen(self.page, lambda t: all(r.label in t for r in seeds), "the week list")
        self.page.click("#terminal")  # focus: keys go to the app, and it shows its keys in the footer
        return wait_screen(self.page, lambda t: "Search" in t.splitlines()[-1], "the footer")


@pytest.fixture
def context(browser, server):
    """A fresh browser profile (clipboard allowed for the served origin)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    origin = server.url.rstrip("/")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    yield ctx
    ctx.close()
    server.wait_sessions(0, timeout=10)  # closed tabs end their sessions; the next test starts afresh
    wait_page_status(server.url, 200)


def wait_page_status(url: str, status: int, timeout: float = 10.0) -> None:
    """Wait until the page answers with `status` (a session's place is free once the server has
    reaped its process, a moment after the process ended)."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never via a proxy
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        try:
            with opener.open(url, timeout=5) as response:
                got = response.status
        except urllib.error.HTTPError as exc:
            got = exc.code
        if got == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"{url} answered {got}, not {status}")


def search_cli(query: str) -> list[dict]:
    """`reports-tui search QUERY --json` on the seeds: every hit."""
    res = subprocess.run([sys.executable, "-m", "tui", "search", query, str(SEEDS), "--json", "--limit", "1000"],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(res.stdout)


def test_week_list_search_and_compare_in_the_browser(server, context, seeds):
    tab = Tab(context, server.url)
    page = tab.page
    main = tab.ready(seeds)
    # The week list: every seed week, labels as written, in week order.
    lines = main.splitlines()
    rows = [next(n for n, line in enumerate(lines) if line.startswith("│" + r.label)) for r in seeds]
    assert rows == sorted(rows)
    # the ISO week once: in the label, or under it
    assert all((r.week in lines[n]) != (r.week in lines[n + 1]) for n, r in zip(rows, seeds))

    # Search: `/` and a query typed in the browser.
    page.keyboard.type("/")
    wait_screen(page, lambda t: "esc" in t.splitlines()[-1], "the search screen")
    expected = search_cli("贝易转")  # the same engine, asked on the command line
    page.keyboard.type("贝易转")
    # (the count of the whole query: a count shown while it is typed is that of 贝 or 贝易)
    found = wait_screen(page, lambda t: re.search(rf"(?<![\d+]){len(expected)} hits", t) is not None,
                        f"{len(expected)} hits, as the command line finds")
    assert {h["label"] for h in expected} <= set(re.findall(r"\S+(?= · )", found))
    assert sum("贝易转" in line for line in found.splitlines()) >= 4  # the query box and hits below it

    # Compare: back to the main screen (the newest week), `c`, pick the week before it in the picker.
    page.keyboard.press("Escape")
    wait_screen(page, lambda t: "Compare" in t.splitlines()[-1], "the main screen again")
    newest, other = seeds[-1], seeds[-2]
    page.keyboard.press("c")
    wait_screen(page, lambda t: "Compare with" in t, "the week picker")
    page.keyboard.type(other.week)
    time.sleep(0.3)
    page.keyboard.press("Enter")
    compared = wait_screen(page, lambda t: other.label in t and newest.label in t and "入金有效成功率" in t
                           and "Compare with" not in t and "Compare" not in t.splitlines()[-1],
                           "the comparison")
    header = compared.splitlines()[0] + compared.splitlines()[1]
    assert other.label in header and newest.label in header
    # The KPI table: both weeks' values side by side, and the change marked.
    kpi = next(line for line in compared.splitlines() if "入金有效成功率" in line)
    a, b = other.kpi("入金有效成功率").value, newest.kpi("入金有效成功率").value
    assert re.search(rf"{format_value(a)}\s+{format_value(b)}\s+[−+]", kpi), kpi
    assert re.search(r"[▲▼]", kpi)

    # Nothing came from anywhere but this server; the page's font is its own.
    origin = urlsplit(server.url).netloc
    foreign = [u for u in tab.requests if urlsplit(u).netloc != origin]
    assert foreign == [], f"requests left the machine: {foreign}"
    assert any(u.startswith(f"ws://{origin}/ws") for u in tab.requests)
    assert page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")
    assert tab.errors == []


def test_copy_reaches_the_browser_clipboard_and_edit_is_not_offered(server, context, seeds):
    tab = Tab(context, server.url)
    page = tab.page
    tab.ready(seeds)
    page.evaluate("navigator.clipboard.writeText('')")
    page.keyboard.press("y")  # copy the open section: OSC 52, which xterm.js hands to the browser
    wait_screen(page, lambda t: "Copied" in t, "the copy notice")
    copied = page.evaluate("navigator.clipboard.readText()")
    newest = seeds[-1]
    assert copied.startswith(f"# {newest.label}")
    assert len(copied.splitlines()) > 20 and "【贝易转】" in copied
    page.keyboard.press("e")
    wait_screen(page, lambda t: "not available in a" in t and "browser session" in t, "the edit notice")


def test_two_tabs_run_two_sessions_and_a_third_gets_too_many_sessions(server, context, seeds):
    first = Tab(context, server.url)
    first.ready(seeds)
    second = Tab(context, server.url)
    second.ready(seeds)
    pids = {p.pid for p in server.wait_sessions(2)}
    assert len(pids) == 2

    third = Tab(context, server.url)
    assert third.response.status == 503
    assert "Too many sessions" in third.page.inner_text("body")
    time.sleep(0.5)
    assert {p.pid for p in server.sessions()} == pids  # no process for the third tab

    second.page.close()  # a closed tab ends its process and frees its place
    (left,) = server.wait_sessions(1, timeout=10)
    assert left.pid in pids
    for _ in range(50):
        if third.page.reload().status == 200:
            break
        time.sleep(0.1)
    third.ready(seeds)
    assert len(server.wait_sessions(2)) == 2
