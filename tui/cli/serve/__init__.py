"""`reports-tui serve`: the TUI in a browser, one `reports-tui` process per browser tab.

This package is cheap to import (standard library only): the command line builds its parser from it,
and every app process asks it whether it runs as a served session. The web server itself
(`server.py`, aiohttp and textual-serve) is imported only when `serve` really runs. Neither part
imports Textual: the server starts app processes that do.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from ...config import SERVED_ENV

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0..65535 (0 picks a free one)")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The PATHs and options of `reports-tui serve` (the caller adds `--config` and `--no-cache`)."""
    p.add_argument("paths", nargs="*", metavar="PATH", help="report files, folders or .zip exports")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--max-sessions", type=_positive, default=DEFAULT_MAX_SESSIONS, metavar="N",
                   help=f"at most N browser tabs at once, one app process each (default {DEFAULT_MAX_SESSIONS})")


def is_loopback(host: str) -> bool:
    """Whether a host name or address only reaches this machine (`localhost`, 127.0.0.0/8, ::1)."""
    import ipaddress

    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_warning(host: str, port: int) -> str | None:
    """The warning printed when serving beyond this machine; None on loopback."""
    if is_loopback(host):
        return None
    where = "every network interface" if host in ("", "0.0.0.0", "::") else host
    return (f"reports-tui: warning: serving on {where}, not only this machine. Anyone who can reach "
            f"port {port} here can read these reports: there is no password. "
            f"Use --host {DEFAULT_HOST} to serve this machine only.")


def url_for(host: str, port: int) -> str:
    """The address to open in a browser for a server bound to host:port."""
    name = host
    if host in ("", "0.0.0.0"):
        name = "127.0.0.1"
    elif host == "::":
        name = "::1"
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"http://{name}:{port}/"


def session_command(paths: Sequence[str], config: str | None, no_cache: bool, color: str = "auto") -> list[str]:
    """The command every browser tab runs: this interpreter's `reports-tui` on the same PATHs and flags.

    PATHs and the settings file become absolute, so the session reads what the server was given
    whatever its working folder."""
    cmd = [sys.executable, "-m", "tui", *(os.path.abspath(p) for p in paths)]
    if config:
        cmd += ["--config", os.path.abspath(config)]
    if no_cache:
        cmd.append("--no-cache")
    if color != "auto":
        cmd += ["--color", color]
    return cmd


def package_root() -> Path:
    """The folder that holds the `tui` package: app sessions start there, so `-m tui` runs this very copy."""
    return Path(__file__).resolve().parents[3]


def cmd_serve(args: argparse.Namespace) -> int:
    """`reports-tui serve`: serve the TUI to browsers until ctrl+c or SIGTERM."""
    from ..common import check_paths

    check_paths(args.paths)
    warning = host_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    from .server import serve

    return serve(
        session_command(args.paths, args.config, args.no_cache, getattr(args, "color", "auto")),
        host=args.host,
        port=args.port,
        max_sessions=args.max_sessions,
        what=_what(args.paths),
    )


def _what(paths: Sequence[str]) -> str:
    if not paths:
        return "the bundled sample reports"
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
