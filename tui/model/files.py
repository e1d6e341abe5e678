"""Where a report comes from (`SourceRef`), and reading one file within bounds: a regular file only,
never more than a limit, and the messages that say why a file was not read.

Light on purpose (no parser, no week rules): the settings file and `reports-tui search` answering from
a saved index use it without loading the rest of the model."""

from __future__ import annotations

import os
import stat
from typing import BinaryIO, NamedTuple

from .text import printable_name

MAX_FILE_BYTES = 256 * 1024 * 1024   # a report file larger than this is not read
MAX_MESSAGE = 300                    # characters of a recorded problem that quote an exception or a name


class SourceRef(NamedTuple):
    """Where a report came from: a file, or a member inside a zip archive."""

    path: str
    member: str | None = None

    @property
    def display(self) -> str:
        """A short human form: `file.md` or `export.zip:dir/file.md` (control characters removed)."""
        return printable_name(f"{self.path}:{self.member}" if self.member else self.path)

    @property
    def name(self) -> str:
        """The file name of the report (the zip member's base name inside an archive)."""
        if self.member:  # (a member's name may use backslashes as separators; a file's name is its own)
            return printable_name(self.member.replace("\\", "/").rsplit("/", 1)[-1])
        return printable_name(os.path.basename(self.path))


class Unreadable(Exception):
    """A candidate that is not read: not a regular file, too large, or gone (the message says which)."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"



def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"



def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """A message that quotes something from outside (an exception, a name): escaped, at most `limit` characters."""
    text = printable_name(str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def unreadable_message(exc: BaseException) -> str:
    """The problem to record for an exception raised reading a file or zip member."""
    if isinstance(exc, Unreadable):
        return bounded(str(exc))
    if isinstance(exc, OSError) and exc.strerror:
        return bounded(f"cannot read: {exc.strerror}")
    return bounded(f"cannot read: {type(exc).__name__}: {exc}" if str(exc) else f"cannot read: {type(exc).__name__}")


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def open_regular(path: str | os.PathLike, limit: int | None = None) -> tuple[BinaryIO, os.stat_result]:
    """Open a file for reading only if it is a regular file no larger than `limit`, checked on the open
    file before anything is read (opening never blocks: a FIFO swapped in after the walk is refused too)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"not a regular file ({_kind(st.st_mode)})")
        if limit is not None and st.st_size > limit:
            raise Unreadable(f"too large to read ({_mb(st.st_size)}; the limit is {_mb(limit)})")
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def read_file(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (`Unreadable` otherwise, `OSError` when it
    cannot be opened); a file that grows past the limit while read is refused too."""
    fh, st = open_regular(path, limit)
    with fh:
        want = min(limit, st.st_size) + 1  # (no buffer of `limit` bytes for a small file)
        data = fh.read(want)
        if len(data) == want and want <= limit:  # it grew since: the rest, still bounded
            data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        raise Unreadable(f"too large to read (more than {_mb(limit)})")
    return data
