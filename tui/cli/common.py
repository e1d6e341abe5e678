"""What every subcommand shares: usage errors and exit codes, opening the library, JSON on stdout,
problems on stderr (no Textual, no Rich)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # (imported where used: `reports-tui search` answering from a saved index needs none of it)
    from ..index.library import Library
    from .termout import Style

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT = 74   # the output could not be written (a full disk, a closed or failing stdout): EX_IOERR
EXIT_PIPE = 141    # the reader of a pipe went away (`weeks | head -1`), as a shell reports SIGPIPE


class UsageError(Exception):
    """A bad argument: printed to stderr, exit status 2."""


class OutputLost(Exception):
    """Writing to standard output failed; `pipe`: because the reader went away."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.pipe = isinstance(error, BrokenPipeError) or error.errno == errno.EPIPE


class GuardedOutput:
    """Standard output whose write errors become `OutputLost` (never an `OSError` some handler for
    reading files could mistake for its own), and where no part of a write is lost unnoticed.

    Text goes to the binary layer below the text stream, in a loop until every byte is taken: a pipe
    whose reader goes away in the middle of a large write takes part of it and reports success, and
    Python's text layer drops the rest without a word (`weeks --json | head -c 100` would exit 0).
    Asking again for the rest gets the broken pipe."""

    def __init__(self, stream: Any):
        self._stream = stream
        self._bytes = getattr(stream, "buffer", None)
        if self._bytes is not None:
            try:  # (nothing written to the text layer before may come after what is written here)
                stream.flush()
            except (OSError, ValueError):
                pass  # (the first write says so)

    def write(self, text: str) -> int:
        """Write all of `text`, or raise `OutputLost`."""
        try:
            if self._bytes is None:
                return self._stream.write(text)
            stream = self._stream
            data = memoryview(text.encode(getattr(stream, "encoding", None) or "utf-8",
                                          getattr(stream, "errors", None) or "strict"))
            while data:
                taken = self._bytes.write(data)
                if not taken:  # (a blocking stream takes something or fails; never loop on nothing)
                    raise OSError(errno.EIO, "the output took nothing")
                data = data[taken:]
            if getattr(stream, "line_buffering", False) and "\n" in text:
                self._bytes.flush()
            return len(text)
        except OSError as exc:
            raise OutputLost(exc) from exc

    def flush(self) -> None:
        """Flush, or raise `OutputLost`."""
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputLost(exc) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def say(message: str) -> None:
    """One line on stderr, never an error (stderr may be closed or full too)."""
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        silence(sys.stderr)


def silence(stream: Any) -> None:
    """Point a failed standard stream at /dev/null, so nothing more fails when Python exits and
    flushes it."""
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text_argument(value: str | None, what: str) -> None:
    """An argument that is not a file name (a query, a week) must be valid UTF-8 (exit 2 otherwise)."""
    if value is not None and _SURROGATE.search(value):
        from ..model.text import printable_name

        raise UsageError(f"{what} is not valid UTF-8: '{printable_name(value)}'")


def error_text(message: str) -> str:
    """A message for stderr that may quote file names or arguments: every line escaped."""
    from ..model.text import printable_name

    return "\n".join(printable_name(line) for line in str(message).split("\n"))


def check_paths(paths: Sequence[str]) -> None:
    """A PATH that does not exist is a usage error (exit 2), not an empty library."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        from ..model.text import printable_name

        raise UsageError("no such file or folder: " + ", ".join(printable_name(p) for p in missing))


def check_output_outside(output: str, paths: Sequence[str]) -> None:
    """An output file inside a report folder, or one of the reports itself, is a usage error (exit 2,
    nothing written): reports-tui never writes where the reports are. No PATH means the bundled seeds."""
    from ..index.library import bundled_seeds
    from ..model.text import printable_name

    out = os.path.realpath(output)
    for path in list(paths) or [str(bundled_seeds())]:
        real = os.path.realpath(path)
        if out == real or (os.path.isdir(real) and os.path.commonpath([out, real]) == real):
            raise UsageError(f"--output {printable_name(output)} is inside the reports ({printable_name(path)}): "
                             "reports-tui never writes there")


def open_library(args: argparse.Namespace, quiet: bool = False) -> Library:
    """Load the library for a subcommand: config vocabulary, cache unless `--no-cache`, progress on a tty."""
    from ..config import load_config
    from ..index.store.loading import CacheNotice
    from ..index.load import load_library

    check_paths(args.paths)
    cfg = load_config(args.config)
    if cfg.error:
        say(f"reports-tui: {cfg.error}")
    progress = None if quiet else _stderr_progress()
    notice = CacheNotice()
    lib = load_library(args.paths, vocab=cfg.vocabulary(), progress=progress, use_cache=not args.no_cache,
                     notice=notice)
    for message in notice.messages:
        say(error_text(f"reports-tui: {message}"))
    return lib


def _stderr_progress() -> Callable[[int, int | None], None] | None:
    """A progress line on stderr for long loads, only when stderr is a terminal: files done of all,
    and while parsing the rate and the time left (`LoadMeter`)."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    import time

    from ..index.store.loader import LoadMeter

    start = time.monotonic()
    state = {"shown": False}

    def show(meter: LoadMeter) -> None:
        try:
            draw(meter.done, meter.total, meter.text())
        except (OSError, ValueError):
            pass  # a progress line that cannot be written is no reason to stop

    def draw(done: int, total: int | None, text: str) -> None:
        if time.monotonic() - start < 0.5 and not (total and done >= total and state["shown"]):
            return
        state["shown"] = True
        if total:
            filled = int(30 * done / max(total, 1))
            bar = "█" * filled + "░" * (30 - filled)
            sys.stderr.write(f"\rreading reports {bar} {text}\x1b[K")
        else:
            sys.stderr.write(f"\rreading reports … {text}\x1b[K")
        if total and done >= total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return LoadMeter(show)


# Characters JSON allows raw but a terminal or a UTF-8 reader should not get: DEL, C1 controls, bidi
# overrides and isolates, line/paragraph separators, and lone surrogates (file name bytes that are not
# UTF-8, as Python's surrogateescape holds them). They occur only inside strings, so `\uXXXX` keeps
# the JSON valid and the value unchanged.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(data: Any) -> str:
    """JSON that is valid UTF-8 and safe on a terminal: not ASCII-escaped, except the characters above
    (`\\u0085`, and `\\udcff` for a file name byte 0xff: lossless, `os.fsencode` gives the byte back)."""
    out = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def dump_json(data: Any) -> None:
    """JSON on stdout (`json_text`)."""
    sys.stdout.write(json_text(data) + "\n")


def print_problems(lib: Library, st: Style) -> None:
    """The files that could not be read, on stderr."""
    for p in lib.problems:
        where = p.source.display if p.source else ""
        say(st(f"skipped {where}: {p.message}", "red"))
