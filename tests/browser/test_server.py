"""`reports-tui serve` as a process: sessions, the session limit, who may connect, and a clean stop.

A session here is a websocket opened the way the page opens it (aiohttp's client); the page itself is
driven in Chromium by test_page.py.
"""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
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
