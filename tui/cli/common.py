"""What every subcommand shares: usage errors and exit codes, opening the library, JSON on stdout,
problems on stderr (no Textual, no Rich)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from ..config import load_config
from ..index.library import Library
from ..index.workspace import open_library as open_index
from .termout import Style

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad argument: printed to stderr, exit status 2."""


def check_paths(paths: Sequence[str]) -> None:
    """A PATH that does not exist is a usage error (exit 2), not an empty library."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))


def open_library(args: argparse.Namespace, quiet: bool = False) -> Library:
    """Load the library for a subcommand: config vocabulary, cache unless `--no-cache`, progress on a tty."""
    from ..index.store.cache import CacheNotice

    check_paths(args.paths)
    cfg = load_config(args.config)
    if cfg.error:
        print(f"reports-tui: {cfg.error}", file=sys.stderr)
    progress = None if quiet else _stderr_progress()
    notice = CacheNotice()
    lib = open_index(args.paths, vocab=cfg.vocabulary(), progress=progress, use_cache=not args.no_cache,
                     notice=notice)
    for message in notice.messages:
        print(f"reports-tui: {message}", file=sys.stderr)
    return lib


def _stderr_progress() -> Callable[[int, int | None], None] | None:
    """A progress line on stderr for long loads, only when stderr is a terminal."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    import time

    start = time.monotonic()
    state = {"shown": False}

    def show(done: int, total: int | None) -> None:
        if time.monotonic() - start < 0.5 and not (total and done >= total and state["shown"]):
            return
        state["shown"] = True
        if total:
            filled = int(30 * done / max(total, 1))
            bar = "█" * filled + "░" * (30 - filled)
            sys.stderr.write(f"\rreading reports {bar} {done}/{total}")
        else:
            sys.stderr.write(f"\rreading reports … {done}")
        if total and done >= total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


def dump_json(data: Any) -> None:
    """UTF-8 JSON on stdout, not ASCII-escaped."""
    out = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(out + "\n")


def print_problems(lib: Library, st: Style) -> None:
    """The files that could not be read, on stderr."""
    for p in lib.problems:
        where = p.source.display if p.source else ""
        print(st(f"skipped {where}: {p.message}", "red"), file=sys.stderr)
