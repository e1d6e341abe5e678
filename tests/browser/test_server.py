"""`reports-tui serve` as a process: sessions, the session limit, who may connect, and a clean stop.

A session here is a websocket opened the way the page opens it (aiohttp's client); the page itself is
driven in Chromium by test_page.py.
"""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
from aiohttp import WSCloseCode
import psutil
import pytest

from serveutil import cleanup, start_server


@pytest.fixture
def serve(tmp_path):
    """Start servers for a test; stop and check every one of them afterwards."""
    started = []

    def start(*args: str):
        home = tmp_path / f"server-{len(started)}"
        home.mkdir()
        served = start_server(home, *args)
        started.append(served)
        return served

    yield start
    for served in started:
        cleanup(served)


async def _open_session(session: aiohttp.ClientSession, url: str, **headers: str):
    """Open a websocket as the page does and wait for the app's first screen bytes."""
    ws = await session.ws_connect(url + "ws?width=100&height=30", headers=headers or None)
    got = 0
    deadline = time.monotonic() + 20
    while got < 2000 and time.monotonic() < deadline:
        msg = await ws.receive(timeout=20)
        if msg.type == aiohttp.WSMsgType.BINARY:
            got += len(msg.data)
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            raise AssertionError(f"session closed: {ws.close_code} {msg.extra}")
    assert got >= 2000, "the app sent no screen"
    return ws


async def _drain(ws) -> None:
    """Keep reading a session's output in the background (as a browser tab does)."""
    try:
        async for _ in ws:
            pass
    except Exception:
        pass


def test_prints_a_loopback_url_and_listens_on_loopback_only(serve):
    served = serve()
    assert served.url.startswith("http://127.0.0.1:")
    listening = [c for c in psutil.Process(served.proc.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)
    assert served.stderr() == ""  # no warning on loopback
    assert served.stop() == 0


async def test_each_session_is_an_app_process_and_a_closed_tab_ends_it(serve):
    served = serve()
    async with aiohttp.ClientSession() as http:
        a = await _open_session(http, served.url)
        drain_a = asyncio.create_task(_drain(a))
        assert len(served.wait_sessions(1)) == 1
        b = await _open_session(http, served.url)
        drain_b = asyncio.create_task(_drain(b))
        running = served.wait_sessions(2)
        for p in running:
            assert p.ppid() == served.proc.pid
            cmd = p.cmdline()
            assert cmd[1:3] == ["-m", "tui"] and "serve" not in cmd
            assert p.environ().get("REPORTS_TUI_SERVED") == "1"
        await a.close()
        await drain_a
        left = await asyncio.to_thread(served.wait_sessions, 1, 10)
        assert left[0].pid in {p.pid for p in running}
        await b.close()
        await drain_b
        await asyncio.to_thread(served.wait_sessions, 0, 10)
    await asyncio.to_thread(served.wait_log, "session 2 ended")
    assert "session 1 ended" in served.stderr()
    assert served.stop() == 0


async def test_more_tabs_than_max_sessions_get_told_and_no_process(serve):
    served = serve("--max-sessions", "1")
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url) as page:
            assert page.status == 200
        first = await _open_session(http, served.url)
        drain = asyncio.create_task(_drain(first))
        served.wait_sessions(1)
        async with http.get(served.url) as page:
            assert page.status == 503
            assert "Too many sessions" in await page.text()
        # A tab that got the page before the limit was reached, then connects:
        second = await http.ws_connect(served.url + "ws?width=100&height=30")
        msg = await second.receive(timeout=10)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert second.close_code == 1013 and "Too many sessions" in msg.extra
        await asyncio.sleep(0.5)
        assert len(served.sessions()) == 1
        await first.close()
        await drain
        await asyncio.to_thread(served.wait_sessions, 0, 10)
        for _ in range(50):  # the slot is free again once the server has reaped the process
            async with http.get(served.url) as page:
                if page.status == 200:
                    break
            await asyncio.sleep(0.1)
        assert page.status == 200
    assert served.stop() == 0


async def test_pages_of_other_sites_cannot_open_a_session(serve):
    served = serve()
    port = served.url.rsplit(":", 1)[1].strip("/")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.url + "ws", headers={"Origin": "http://evil.example"})
        assert refused.value.status == 403
        # DNS rebinding: another name that resolves to this machine.
        async with http.get(served.url, headers={"Host": f"evil.example:{port}"}) as page:
            assert page.status == 421
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(served.url + "ws", headers={"Host": f"evil.example:{port}",
                                                              "Origin": f"http://evil.example:{port}"})
        await asyncio.sleep(0.3)
        assert served.sessions() == []
        ws = await _open_session(http, served.url, Origin=served.url.rstrip("/"))  # the page's own origin
        drain = asyncio.create_task(_drain(ws))
        served.wait_sessions(1)
        await ws.close()
        await drain
    assert served.stop() == 0


async def test_an_app_that_cannot_start_ends_its_session_and_the_server_says_why(serve, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "w.md").write_text("# 2024-W23\n", encoding="utf-8")
    served = serve(str(folder))
    folder.joinpath("w.md").unlink()
    folder.rmdir()  # gone after the server checked it: the app refuses to start
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(served.url + "ws?width=100&height=30")
        msg = await ws.receive(timeout=20)
        while msg.type == aiohttp.WSMsgType.BINARY:
            msg = await ws.receive(timeout=20)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    await asyncio.to_thread(served.wait_sessions, 0, 10)
    log = await asyncio.to_thread(served.wait_log, "session 1 ended")
    assert "no such file or folder" in log
    assert served.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl+c", "SIGTERM"])
async def test_stopping_the_server_ends_every_app_process(serve, sig):
    served = serve()
    async with aiohttp.ClientSession() as http:
        tabs = [await _open_session(http, served.url) for _ in range(2)]
        drains = [asyncio.create_task(_drain(ws)) for ws in tabs]
        pids = [p.pid for p in served.wait_sessions(2)]
        status = await asyncio.to_thread(served.stop, sig)
        await asyncio.gather(*drains)
        assert all(ws.closed for ws in tabs)
    assert status == 0
    assert served.leftovers() == [], f"app processes left running: {served.leftovers()}"
    assert all(not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE for pid in pids)
    assert "stopping 2 sessions" in served.stderr()


async def test_an_app_that_does_not_quit_is_killed_when_the_server_stops(serve):
    served = serve()
    async with aiohttp.ClientSession() as http:
        ws = await _open_session(http, served.url)
        drain = asyncio.create_task(_drain(ws))
        (hung,) = served.wait_sessions(1)
        hung.suspend()  # SIGSTOP: it can neither quit nor handle SIGTERM
        status = await asyncio.to_thread(served.stop, signal.SIGINT)
        await drain
    assert status == 0
    assert served.leftovers() == []


async def _raw_request(url: str, head: str) -> tuple[int, bytes]:
    """Send one hand-written HTTP request (headers no client library would send); the status and body."""
    host, port = url.split("//", 1)[1].strip("/").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head.encode("latin-1") + b"\r\n\r\n")
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 20)
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("headers", [
    "Host: [::1", "Host: [::1]:port", "Host: localhost:99999", "Host: user@localhost",
    "Host: localhost\r\nOrigin: http://[::1", "Host: localhost\r\nOrigin: http://localhost:x",
], ids=lambda h: h.replace("\r\n", " | "))
async def test_malformed_host_and_origin_headers_are_bad_requests(serve, headers):
    served = serve()
    for path in ("/", "/ws", "/static/css/xterm.css"):
        status, body = await _raw_request(served.url, f"GET {path} HTTP/1.1\r\n{headers}\r\nConnection: close")
        assert status == 400, (path, body)
        assert b"malformed Host or Origin" in body
    async with aiohttp.ClientSession() as http:  # the server goes on answering
        async with http.get(served.url) as page:
            assert page.status == 200
    assert served.sessions() == []
    assert served.stop() == 0
    assert "Traceback" not in served.stderr() and "Error" not in served.stderr(), served.stderr()


async def test_a_session_resized_to_20000_by_20000_stays_small(serve):
    """A `resize` message asks for any size; the session gets at most 1000×500 cells (each cell is
    memory in the app: unbounded, one session grew past 500 MB in 10 s)."""
    served = serve()
    async with aiohttp.ClientSession() as http:
        ws = await _open_session(http, served.url)
        received = []

        async def count() -> None:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.BINARY:
                    received.append(len(msg.data))

        counting = asyncio.create_task(count())
        (app,) = served.wait_sessions(1)
        await ws.send_json(["resize", {"width": 20000, "height": 20000}])
        peak = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and peak < 400 * 2**20:
            peak = max(peak, sum(p.memory_info().rss for p in [app, *app.children(recursive=True)]))
            await asyncio.sleep(0.1)
        assert peak < 400 * 2**20, f"the session took {peak / 2**20:.0f} MB"
        await ws.send_json(["stdin", "j"])  # it still answers
        redraw = len(received)
        for _ in range(200):
            if len(received) > redraw:
                break
            await asyncio.sleep(0.05)
        assert len(received) > redraw
        await ws.close()
        await counting
    assert served.stop() == 0


# (a slot held until the closed tab's process has ended is refused by the third cycle: 16 find it)
CYCLES = 16


async def test_quick_open_and_close_cycles_are_never_refused(serve):
    """With `--max-sessions 2`, one tab opened and closed after another (never two open at once) is
    never refused: a closed tab's slot is free when its connection closes, while its process ends.
    Every other tab closes at once, the others once their app is up."""
    served = serve("--max-sessions", "2")
    refused = []
    async with aiohttp.ClientSession() as http:
        for n in range(CYCLES):
            ws = await http.ws_connect(served.url + "ws?width=100&height=30")
            if n % 2:
                msg = await ws.receive(timeout=30)
                if msg.type != aiohttp.WSMsgType.BINARY:  # (the app's first bytes: it is up)
                    refused.append((n, ws.close_code, msg.extra))
            await ws.close()
            if ws.close_code == WSCloseCode.TRY_AGAIN_LATER:
                refused.append((n, ws.close_code))
        assert refused == []
        async with http.get(served.url) as page:
            assert page.status == 200
    await asyncio.to_thread(served.wait_sessions, 0, 30)
    await asyncio.to_thread(served.wait_log, f"session {CYCLES} ended", 30)
    assert served.stderr().count(" ended (") == CYCLES and "refused" not in served.stderr()
    assert served.stop() == 0
    assert served.leftovers() == []
