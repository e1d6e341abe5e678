"""The web server of `reports-tui serve`: textual-serve's sessions behind reports-tui's own page and rules.

textual-serve runs one app process per websocket and relays the terminal to xterm.js in the page.
Around it this module adds:
- a page that fetches nothing from the internet (textual-serve's links a web font; this one uses the
  Roboto Mono files that ship inside textual-serve) and a Content-Security-Policy that keeps it so;
- app processes started without a shell, in their own process group, each told it is served;
- at most `max_sessions` sessions: more tabs get a "too many sessions" page (or, when they race past
  it, a closed connection that says so) and no process. A tab's slot is free again the moment its
  connection closes; its process may take a few seconds more to end, and at most `max_sessions` such
  ending processes are waited for before a new tab's process starts;
- a terminal of at most 1000×500 cells, whatever size the page asks for, at the start or later: each
  cell is memory in the app process;
- websockets only for pages served here (the Origin must be this server; on loopback the Host must be
  a loopback name), so another website open in the same browser cannot read the reports; a Host or
  Origin header that is not an address at all is a 400;
- a closed tab ends its process; SIGINT/SIGTERM end every process (quit, then SIGTERM, then SIGKILL
  of its process group) before the server exits.
"""

from __future__ import annotations

import asyncio
import math
import os
import shlex
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from . import SERVED_ENV, is_loopback, url_for

HERE = Path(__file__).parent

#: Seconds an app gets to quit when its tab closes or the server stops, before SIGTERM (and as long
#: again before SIGKILL).
QUIT_GRACE = 3.0

TOO_MANY = "Too many sessions: {n} browser tabs are open, the most this server allows. Close one, then press Restart."

#: The sizes a session's terminal may have, in cells (columns, then rows), whatever the page asks for:
#: a session's memory grows with its cells (one asked for 20000×20000 and grew past 500 MB in 10 s).
COLUMNS = (10, 1000)
ROWS = (5, 500)

#: The page may load and connect only to this server.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'none'")


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _cells(value: object, default: int, bounds: tuple[int, int]) -> int:
    """A number of cells from the page (a query string's text, or a JSON number), within bounds; the
    default for anything that is not a number."""
    if isinstance(value, str):
        n = to_int(value, default)
    elif isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, float) and math.isfinite(value):
        n = int(value)
    else:
        n = default
    return max(bounds[0], min(bounds[1], n))


def terminal_size(width: object, height: object, default: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """The terminal size a session gets when the page asks for width×height: within `COLUMNS` and `ROWS`."""
    return _cells(width, default[0], COLUMNS), _cells(height, default[1], ROWS)


def host_name(authority: str) -> str | None:
    """The host name in a Host header or an origin's `host[:port]`; None when it is not one (`[::1`,
    a port that is not a number)."""
    try:
        parts = urlsplit(f"//{authority}")
        parts.port  # (raises ValueError for a port that is not a number or out of range)
    except ValueError:
        return None
    if parts.netloc != authority or "@" in authority:  # (a path, a query or a user is no host)
        return None
    return parts.hostname or ""


def origin_authority(origin: str) -> str | None:
    """The `host[:port]` of an Origin header (`http://localhost:8000` → `localhost:8000`, `null` → "");
    None when it is malformed."""
    try:
        authority = urlsplit(origin).netloc
    except ValueError:
        return None
    return authority if host_name(authority) is not None else None


class Session(AppService):
    """One browser tab's app process: started without a shell, in its own process group, marked as
    served, and ended for certain by `stop`."""

    def __init__(self, argv: list[str], cwd: str, **kwargs) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.cwd = cwd
        self.ended_by_itself = False
        """Whether the app ended before anyone asked it to (it quit, or it failed)."""
        self.size = (80, 24)
        """The terminal's size (columns, rows), always within `COLUMNS` and `ROWS`."""
        self._stopping: asyncio.Future[None] | None = None
        self._stderr: asyncio.Future[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The app process's id (also its process group's), once started."""
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env[SERVED_ENV] = "1"
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        env = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=self.cwd,
            start_new_session=True,  # its own process group: ctrl+c in the server's terminal reaches the
        )                            # server only, and `stop` can end the app with everything it started
        self._stdin = process.stdin
        # textual-serve would copy the app's stderr to the server's stdout whenever it ends; it is kept
        # here instead and shown only when the app ended by itself (a traceback from an app that was
        # asked to quit while it was still starting is noise).
        assert process.stderr is not None
        self._stderr = asyncio.ensure_future(process.stderr.read())
        process.stderr = asyncio.StreamReader()
        process.stderr.feed_eof()
        return process

    async def start(self, width: int, height: int) -> None:
        """Start the app process on a terminal of the size asked for, within bounds."""
        self.size = terminal_size(width, height, self.size)
        await super().start(*self.size)

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Resize the app's terminal, within bounds (a `resize` message is the page's word, not a fact)."""
        self.size = terminal_size(width, height, self.size)
        await super().set_terminal_size(*self.size)

    async def run(self) -> None:
        await super().run()
        self.ended_by_itself = self._stopping is None
        try:
            await self.remote_close()  # the app is gone: the page says so (and offers Restart)
        except Exception:
            pass

    async def error_output(self) -> str:
        """What the app wrote on stderr (once it has ended)."""
        if self._stderr is None:
            return ""
        try:
            data = await asyncio.wait_for(asyncio.shield(self._stderr), QUIT_GRACE)
        except (asyncio.TimeoutError, OSError):
            return ""
        return data.decode("utf-8", "replace").strip()

    async def on_data(self, payload: bytes) -> None:
        try:
            await self.remote_write_bytes(payload)
        except ConnectionError:
            pass  # the tab is gone: keep reading, so the app can finish writing and quit

    async def stop(self) -> None:
        """Ask the app to quit; end its process group if it has not within QUIT_GRACE seconds.
        Safe to call more than once and from several tasks; cancelling the caller does not cut it short."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    await asyncio.wait_for(process.wait(), QUIT_GRACE)
                    break
                except asyncio.TimeoutError:
                    self.signal_group(sig)
            await process.wait()
        self.signal_group(signal.SIGKILL)  # anything the app started and left behind
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, QUIT_GRACE)
            except asyncio.TimeoutError:
                self._task.cancel()
            self._task = None

    def signal_group(self, sig: int) -> None:
        """Send a signal to the app's process group (no error when it is gone)."""
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


class SessionServer(Server):
    """textual-serve's server with reports-tui's page, session limit, origin checks and shutdown."""

    def __init__(self, argv: list[str], *, host: str, port: int, max_sessions: int, cwd: str) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="reports-tui")
        self.argv = argv
        self.cwd = cwd
        self.max_sessions = max_sessions
        self.loopback = is_loopback(host)
        self.sessions: dict[Session, web.WebSocketResponse] = {}
        """The tabs connected now, one slot each (at most `max_sessions`)."""
        self.ending: set[Session] = set()
        """Sessions whose tab has gone and whose process is still ending."""
        self._ended = asyncio.Condition()
        self.opened = 0
        self.page = (HERE / "page.html").read_text(encoding="utf-8")
        self.busy_page = (HERE / "busy.html").read_text(encoding="utf-8")

    def make_app(self) -> web.Application:
        """The aiohttp application: the page, the websocket and textual-serve's static files."""
        app = web.Application(middlewares=[self._headers])
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/ws", self.handle_websocket),
            web.static("/static", self.statics_path),
        ])
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler) -> web.StreamResponse:
        host = host_name(request.host)
        origin = request.headers.get("Origin")
        if host is None or (origin is not None and origin_authority(origin) is None):
            return web.Response(status=400, text="Bad request: a malformed Host or Origin header.\n")
        if self.loopback and not is_loopback(host):
            # Served on loopback, a page reached under any other name is a DNS-rebinding attempt.
            return web.Response(status=421, text="This server answers to localhost only.\n")
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    def _origin_ok(self, request: web.Request) -> bool:
        # Browsers send Origin with every websocket; another site's page must not open a session.
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        return (origin_authority(origin) or "").lower() == request.host.lower()

    @property
    def full(self) -> bool:
        """Whether every session slot is taken."""
        return len(self.sessions) >= self.max_sessions

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page (or the "too many sessions" page when every slot is taken)."""
        headers = {"Cache-Control": "no-store"}
        if self.full:
            text = self.busy_page.replace("{{max_sessions}}", str(self.max_sessions))
            headers["Retry-After"] = "30"
            return web.Response(status=503, text=text, content_type="text/html", headers=headers)
        font_size = max(6, min(48, to_int(request.query.get("fontsize", "16"), 16)))
        text = self.page.replace("{{font_size}}", str(font_size))
        return web.Response(text=text, content_type="text/html", headers=headers)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: start its app process, relay the terminal, end the process when the tab closes."""
        if not self._origin_ok(request):
            raise web.HTTPForbidden(text="websocket from another site\n")
        websocket = web.WebSocketResponse(heartbeat=15, timeout=QUIT_GRACE)
        await websocket.prepare(request)
        if self.full:
            # A tab that got the page while a slot was free, and lost the slot to another one.
            message = TOO_MANY.format(n=self.max_sessions).encode()[:123]
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=message)
            _log(f"refused a session: {self.max_sessions} running (--max-sessions)")
            return websocket
        session = Session(
            self.argv,
            self.cwd,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions[session] = websocket  # taken before the first await: the limit holds under races
        self.opened += 1
        number = self.opened
        try:
            # Closed tabs whose processes are still ending count too, up to as many again: quick
            # open/close cycles wait here a moment rather than pile up processes (or be refused).
            async with self._ended:
                await self._ended.wait_for(lambda: len(self.ending) < self.max_sessions)
            await session.start(request.query.get("width", "80"), request.query.get("height", "24"))
            _log(f"session {number} started (process {session.pid}; {len(self.sessions)} of {self.max_sessions})")
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a broken message from the page ends that session only
            _log(f"session {number}: {type(exc).__name__}: {exc}")
        finally:
            # The tab is gone: its slot is free from now on, while its process ends.
            del self.sessions[session]
            self.ending.add(session)
            try:
                if not websocket.closed:
                    await websocket.close()
                await session.stop()
            finally:
                self.ending.discard(session)
                async with self._ended:
                    self._ended.notify_all()
            errors = await session.error_output() if session.ended_by_itself else ""
            _log(f"session {number} ended ({len(self.sessions)} running)" + (f"; it wrote:\n{errors}" if errors else ""))
        return websocket

    async def stop_all(self) -> None:
        """End every session: close its tab's connection and its app process."""
        sessions = list(self.sessions.items())
        for _session, websocket in sessions:
            if not websocket.closed:
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"reports-tui serve was stopped.")
        every = [s for s, _ in sessions] + list(self.ending)
        await asyncio.gather(*(s.stop() for s in every), return_exceptions=True)

    def kill_all(self) -> None:
        """Last resort: SIGKILL every session's process group at once."""
        for session in [*self.sessions, *self.ending]:
            session.signal_group(signal.SIGKILL)


async def _run(server: SessionServer, what: str) -> int:
    runner = web.AppRunner(server.make_app(), handle_signals=False, access_log=None, shutdown_timeout=QUIT_GRACE)
    await runner.setup()
    site = web.TCPSite(runner, server.host, server.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        print(f"reports-tui: cannot listen on {server.host} port {server.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    port = runner.addresses[0][1] if runner.addresses else server.port
    print(f"Serving {what} at {url_for(server.host, port)}  (at most {server.max_sessions} sessions; "
          f"ctrl+c stops)", flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():  # a second ctrl+c: no more waiting
            server.kill_all()
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    try:
        await stop.wait()
        if n := len(server.sessions) + len(server.ending):
            _log(f"stopping {n} session{'s' if n != 1 else ''}…")
        await site.stop()  # no new tabs meanwhile
        await server.stop_all()
    finally:
        server.kill_all()
        await runner.cleanup()
    _log("stopped")
    return 0


def serve(argv: list[str], *, host: str, port: int, max_sessions: int, what: str) -> int:
    """Serve `argv` (the app's command line) to browsers until SIGINT or SIGTERM; the exit status."""
    from . import package_root

    server = SessionServer(argv, host=host, port=port, max_sessions=max_sessions, cwd=str(package_root()))
    return asyncio.run(_run(server, what))
