"""Finding report files (files, folders, zip archives) and decoding their bytes to clean text.

Decoding never raises: a file that is empty, binary or undecodable becomes a recorded problem.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .report import REPORT_SUFFIXES, Finding, SourceRef
from .text import sanitize

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a zip member larger than this is not read (zip bombs)
MAX_FILE_BYTES = 256 * 1024 * 1024  # a report file larger than this is not read


@dataclass
class RawSource:
    """The bytes of one candidate report, with where they came from."""

    ref: SourceRef
    data: bytes
    size: int
    mtime: float


class DecodeError(Exception):
    """The bytes are not a text report (empty, binary, undecodable)."""


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    sample = data[:8192]
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bad > max(8, len(sample) // 50)


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes to text with LF line endings; return (text, encoding name).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken at their word; anything else is
    handed to charset-normalizer, preferring GB18030 for Chinese text (GBK is a subset of it).
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DecodeError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, enc = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16: {exc.reason}") from None
    else:
        if _looks_binary(data):
            raise DecodeError("binary file (NUL or control bytes)")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _guess(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufffd" in text and text.count("\ufffd") > max(16, len(text) // 20):
        raise DecodeError("undecodable text")
    text = sanitize(text)
    if not text.strip():
        raise DecodeError("empty file")
    return text, enc


def _guess(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes: GB18030 when it decodes cleanly, else charset-normalizer's best guess."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _cjk_ratio(text) > 0.05:
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        if text is not None:
            return text, "gb18030"
        raise DecodeError("undecodable text (no known encoding fits)")
    enc = best.encoding
    if enc.replace("_", "").lower() in ("gbk", "gb2312", "hz", "cp936"):
        enc = "gb18030"
    return data.decode(enc, errors="replace"), enc


def _cjk_ratio(text: str) -> float:
    if not text:
        return 0.0
    n = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return n / len(text)


def _is_report_name(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.startswith(".") or base.startswith("._"):
        return False
    return base.lower().endswith(REPORT_SUFFIXES)


def iter_files(paths: list[str | os.PathLike]) -> Iterator[Path]:
    """Every candidate file (report or zip) under the given paths, folders walked recursively."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in files:
                    if _is_report_name(f) or f.lower().endswith(".zip"):
                        found.append(Path(root) / f)
            yield from sorted(found)
        else:
            yield path


def read_sources(paths: list[str | os.PathLike]) -> Iterator[RawSource | Finding]:
    """Read the bytes of every report under the paths; unreadable ones become problems."""
    for path in iter_files(paths):
        ref = SourceRef(str(path))
        try:
            st = path.stat()
        except OSError as exc:
            yield Finding("problem", f"cannot read: {exc.strerror or exc}", source=ref)
            continue
        if not stat.S_ISREG(st.st_mode):
            # FIFOs, devices and sockets would block or never end; folders were walked above.
            yield Finding("problem", "not a regular file", source=ref)
            continue
        if st.st_size > MAX_FILE_BYTES:
            yield Finding("problem", f"too large to read ({st.st_size} bytes)", source=ref)
            continue
        if path.suffix.lower() == ".zip":
            yield from _read_zip(path, st.st_mtime_ns / 1e9)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Finding("problem", f"cannot read: {exc.strerror or exc}", source=ref)
            continue
        yield RawSource(ref, data, st.st_size, st.st_mtime_ns / 1e9)  # as the cached loader computes it


def _read_zip(path: Path, mtime: float) -> Iterator[RawSource | Finding]:
    try:
        with zipfile.ZipFile(path) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                name = info.filename
                if info.is_dir() or "__MACOSX/" in name or not _is_report_name(name):
                    continue
                ref = SourceRef(str(path), name)
                if info.file_size > MAX_MEMBER_BYTES:
                    yield Finding("problem", f"zip member too large ({info.file_size} bytes)", source=ref)
                    continue
                try:
                    data = zf.read(info)
                except Exception as exc:  # noqa: BLE001 - any archive error is a problem, not a crash
                    yield Finding("problem", f"cannot read zip member: {exc}", source=ref)
                    continue
                yield RawSource(ref, data, info.file_size, mtime)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield Finding("problem", f"not a readable zip archive: {exc}", source=SourceRef(str(path)))


# ---------------------------------------------------------------------------------------------
# Finding report files without reading them (stat only): what the parse cache checks freshness with

@dataclass(frozen=True)
class Candidate:
    """A report file (or zip member) found on disk, identified by what changes when it is edited."""

    path: str
    member: str | None
    size: int
    mtime_ns: int

    @property
    def ref(self) -> SourceRef:
        """The `SourceRef` a report parsed from this candidate carries."""
        return SourceRef(self.path, self.member)

    @property
    def key(self) -> tuple[str, str]:
        """(path, member or "") — the cache's identity of a source."""
        return (self.path, self.member or "")


def scan(paths: Iterable[str | os.PathLike]) -> Iterator[Candidate | Finding]:
    """Every report file and zip member under the paths, with size and mtime; nothing is read.

    Same files and order as `read_sources`, which reads every byte.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found: list[tuple[str, os.stat_result | None]] = []
            _walk(str(path), found)
            found.sort(key=lambda t: t[0].split(os.sep))  # Path order, cheaper
            for f, st in found:
                yield from _one(f, st)
        else:
            yield from _one(str(path), None)


def _walk(top: str, out: list[tuple[str, os.stat_result | None]]) -> None:
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    dirs = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not e.name.startswith("."):
                dirs.append(e.path)
        elif _is_report_name(e.name) or e.name.lower().endswith(".zip"):
            try:
                st = e.stat()
            except OSError:
                st = None
            out.append((e.path, st))
    for d in sorted(dirs):
        _walk(d, out)


def _one(path: str, st: os.stat_result | None) -> Iterator[Candidate | Finding]:
    ref = SourceRef(path)
    if st is None:
        try:
            st = os.stat(path)
        except OSError as exc:
            yield Finding("problem", f"cannot read: {exc.strerror or exc}", source=ref)
            return
    if path.lower().endswith(".zip"):
        yield from _scan_zip(path, st.st_mtime_ns)
    else:
        yield Candidate(path, None, st.st_size, st.st_mtime_ns)


def _scan_zip(path: str, mtime_ns: int) -> Iterator[Candidate | Finding]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = sorted(zf.infolist(), key=lambda i: i.filename)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield Finding("problem", f"not a readable zip archive: {exc}", source=SourceRef(path))
        return
    for info in infos:
        name = info.filename
        if info.is_dir() or "__MACOSX/" in name or not _is_report_name(name):
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            yield Finding("problem", f"zip member too large ({info.file_size} bytes)", source=SourceRef(path, name))
            continue
        yield Candidate(path, name, info.file_size, mtime_ns)
