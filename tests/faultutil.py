"""Helpers for the fault suite: folder checksums, the CLI as a process (optionally without root's
powers over file modes), and cheap ways to make huge inputs (sparse files, zip members whose declared
size is huge while their stored bytes are few)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

from testpaths import REPO

EXE = REPO / ".venv" / "bin" / "reports-tui"


def folder_digest(root: Path) -> str:
    """A checksum of everything under a folder: names, kinds, modes, sizes, link targets, and the bytes
    of regular files (special files are never opened). Equal before and after: nothing was written."""
    h = hashlib.sha256()
    stack = [Path(root)]
    while stack:
        d = stack.pop()
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            h.update(f"{d}: {exc.errno}".encode("utf-8", "surrogateescape"))
            continue
        for e in entries:
            st = e.stat(follow_symlinks=False)
            h.update(os.fsencode(os.path.relpath(e.path, root)) + b"\0")
            h.update(f"{stat.S_IFMT(st.st_mode)} {stat.S_IMODE(st.st_mode)} {st.st_size} {st.st_mtime_ns}".encode())
            if stat.S_ISLNK(st.st_mode):
                h.update(os.fsencode(os.readlink(e.path)))
            elif stat.S_ISDIR(st.st_mode):
                stack.append(Path(e.path))
            elif stat.S_ISREG(st.st_mode):
                _hash_data(e.path, st.st_size, h)
    return h.hexdigest()


def _hash_data(path: str, size: int, h) -> None:
    """The bytes of a file, the holes of a sparse file skipped (a 300 MB test file costs nothing)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        pos = 0
        while pos < size:
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
                end = os.lseek(fd, start, os.SEEK_HOLE)
            except OSError:  # no more data (or no SEEK_DATA here: read it all)
                break
            h.update(f"@{start}".encode())
            os.lseek(fd, start, os.SEEK_SET)
            left = end - start
            while left > 0:
                block = os.read(fd, min(left, 1 << 20))
                if not block:
                    break
                h.update(block)
                left -= len(block)
            pos = end
    finally:
        os.close(fd)


def cli_cmd() -> list[str]:
    """How to start `reports-tui` as a process."""
    return [str(EXE)] if EXE.exists() else [sys.executable, "-m", "tui"]


def unprivileged() -> list[str] | None:
    """A command prefix that takes away root's power to ignore file modes (tests run as root): with it,
    `chmod 000` and read-only folders mean what they say. [] when not root; None when it cannot be done."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def run_cli(args: list[str], env: dict[str, str] | None = None, timeout: float = 60, prefix: list[str] = (),
            **kw) -> subprocess.CompletedProcess:
    """Run `reports-tui ARGS` and capture its output (bytes)."""
    full_env = {**os.environ, **(env or {})}
    if "stdout" not in kw and "stderr" not in kw:
        kw["capture_output"] = True
    return subprocess.run([*prefix, *cli_cmd(), *args], timeout=timeout, env=full_env, **kw)


def sparse_file(path: Path, size: int, head: bytes = b"# 2024-W01 big\n\n- x\n") -> Path:
    """A file of `size` bytes that takes almost no disk (a hole after a small report head)."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def zip_with_declared_sizes(path: Path, members: dict[str, int], real: bytes = b"# 2024-W01\n\n- x\n") -> Path:
    """A zip whose members each store `real` (deflated) but declare the given uncompressed sizes: what a
    zip bomb of that size looks like to anything that checks sizes before reading."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in members:
            zf.writestr(name, real)
    data = bytearray(path.read_bytes())
    for name, size in members.items():
        encoded = name.encode("utf-8")
        for sig, size_at, name_len_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
            pos = 0
            while (pos := data.find(sig, pos)) != -1:
                n = struct.unpack_from("<H", data, pos + name_len_at)[0]
                if bytes(data[pos + name_at:pos + name_at + n]) == encoded:
                    struct.pack_into("<I", data, pos + size_at, size)
                pos += 4
    path.write_bytes(bytes(data))
    return path
