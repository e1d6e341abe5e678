"""Finding report files (files, folders, zip archives), reading them within bounds, and decoding their
bytes to clean text.

Nothing here raises for a file: one that is not a regular file, too large, empty, binary or
undecodable becomes a recorded problem.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator

from .files import MAX_FILE_BYTES, Unreadable, _kind, _mb, bounded, open_regular, read_file, unreadable_message
from .report import REPORT_SUFFIXES, Finding, SourceRef
from .text import sanitize

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a zip member larger than this is not read (zip bombs) …
MAX_ZIP_BYTES = 256 * 1024 * 1024    # … nor a zip whose report members add up to more than this


@dataclass
class RawSource:
    """The bytes of one candidate report, with where they came from."""

    ref: SourceRef
    data: bytes
    size: int
    mtime: float


class DecodeError(Exception):
    """The bytes are not a text report (empty, binary, undecodable)."""


_TEXT_BYTES = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))  # (counted out in C)


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    sample = data[:8192]
    bad = len(sample.translate(None, _TEXT_BYTES))  # the control bytes text does not hold
    return bad > max(8, len(sample) // 50)


_BLANK = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf\xff\xfe]*")


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes to text with LF line endings; return (text, encoding name).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken at their word; anything else is
    handed to charset-normalizer, preferring GB18030 for Chinese text (GBK is a subset of it).
    No copy of the bytes is made on the way (a report may be hundreds of MB): the text is the one
    new copy, and it is changed (line endings, control characters) only where it needs to be.
    """
    if _BLANK.fullmatch(data):
        raise DecodeError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        text, enc = str(memoryview(data)[3:], "utf-8", "replace"), "utf-8-sig"
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
    if not text or text.isspace():  # (not `text.strip()`: a copy of the whole text)
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


# ---------------------------------------------------------------------------------------------
# Finding report files: one walk, stat only (`scan`), then reading within bounds (`read_candidate`)
#
# Every folder is walked iteratively (any depth), `lstat` first: only regular files are ever opened.
# FIFOs, sockets, devices and links to them are recorded problems; a symlinked *folder* inside a
# PATH is never followed (no loops, no walking out of the PATH); a symlinked *file* is read when it
# points to a regular file. A folder that cannot be listed is a recorded problem. Size limits are
# checked before anything is read: per file, per zip member, and per zip in total.


class Cancelled(Exception):
    """A walk or a load was abandoned because its caller asked (the app is quitting, a newer load began)."""


def _is_report_base(base: str) -> bool:
    """Whether a file's own name (no folder in it) is a report's: a report suffix, not hidden."""
    return not base.startswith(".") and base.lower().endswith(REPORT_SUFFIXES)


def _member_base(member: str) -> str:
    """A zip member's own name: after its last separator (`/`, or `\\` as some archivers on Windows
    write it)."""
    return member.replace("\\", "/").rsplit("/", 1)[-1]


def _is_report_name(member: str) -> bool:
    """Whether a zip member is a report."""
    return _is_report_base(_member_base(member))


def _is_candidate_name(name: str) -> bool:
    """Whether a file found in a folder is read: a report or a zip archive. The name is the file's own,
    whatever characters it holds (`a\\.md` is a report named so, not `.md` in a folder `a`)."""
    return _is_report_base(name) or (not name.startswith(".") and name.lower().endswith(".zip"))


class _OwnedZip(zipfile.ZipFile):
    """A zip archive read from a file we opened (closed with the archive)."""

    _owned: BinaryIO | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._owned is not None:
                self._owned.close()
                self._owned = None


def open_zip(path: str) -> zipfile.ZipFile:
    """Open a zip archive, only if it is a regular file."""
    fh, _ = open_regular(path)
    try:
        zf = _OwnedZip(fh)
    except BaseException:
        fh.close()
        raise
    zf._owned = fh
    return zf


def read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of one zip member of at most `MAX_MEMBER_BYTES` (by its declared size, before reading)."""
    info = zf.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise Unreadable(f"zip member too large ({_mb(info.file_size)}; the limit is {_mb(MAX_MEMBER_BYTES)})")
    with zf.open(info) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise Unreadable(f"zip member too large (more than {_mb(MAX_MEMBER_BYTES)})")
    return data


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


def read_candidate(c: Candidate, zips: dict[str, zipfile.ZipFile] | None = None) -> bytes:
    """The bytes of a candidate (a file, or a member of a zip archive kept open in `zips`), within the
    size limits; `Unreadable`, `OSError` or a zip error when it cannot be read."""
    if c.member is None:
        return read_file(c.path)
    zf = (zips or {}).get(c.path)
    if zf is None:
        zf = open_zip(c.path)
        if zips is not None:
            zips[c.path] = zf
    try:
        return read_member(zf, c.member)
    finally:
        if zips is None:
            zf.close()


_Entry = tuple[str, "os.stat_result | None", "str | None"]  # (path, stat of a regular file | None, problem | None)


def _walk(top: str, cancelled: Callable[[], bool] | None = None) -> list[_Entry]:
    """Every candidate file under a folder, iteratively, in no particular order: (path, stat, None) for a
    regular file (a symlinked file: its target's stat), (path, None, message) for one that cannot be read."""
    out: list[_Entry] = []
    stack = [top]
    while stack:
        if cancelled is not None and cancelled():
            raise Cancelled()
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            out.append((folder, None, bounded(f"cannot read folder: {exc.strerror or exc}")))
            continue
        for e in entries:
            name = e.name
            if name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                    continue
                if not _is_candidate_name(name):
                    continue
                if e.is_symlink():
                    try:
                        st = os.stat(e.path)
                    except OSError as exc:
                        out.append((e.path, None, bounded(f"broken link: {exc.strerror or exc}")))
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        continue  # a symlinked folder: never followed
                    if not stat.S_ISREG(st.st_mode):
                        out.append((e.path, None, f"not a regular file (a link to {_kind(st.st_mode)[2:]})"))
                        continue
                else:
                    st = e.stat(follow_symlinks=False)
            except OSError as exc:
                out.append((e.path, None, bounded(f"cannot read: {exc.strerror or exc}")))
                continue
            if not stat.S_ISREG(st.st_mode):
                out.append((e.path, None, f"not a regular file ({_kind(st.st_mode)})"))
                continue
            out.append((e.path, st, None))
    return out


def scan(paths: Iterable[str | os.PathLike], cancelled: Callable[[], bool] | None = None
         ) -> Iterator[Candidate | Finding]:
    """Every report file and zip member under the paths, with size and mtime, in path order; nothing is
    read (zip archives: their directory). What cannot be read is a `Finding` in its place.

    A PATH given is followed even when it is a symlink; inside a folder see the walk's rules above.
    `cancelled()` is asked once per folder; when true, `Cancelled` is raised.
    """
    for p in paths:
        path = os.fspath(p)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield Finding("problem", bounded(f"cannot read: {exc.strerror or exc}"), source=SourceRef(path))
            continue
        if stat.S_ISDIR(st.st_mode):
            entries = _walk(path, cancelled)
            entries.sort(key=lambda t: t[0].split(os.sep))  # Path order
        else:
            problem = None if stat.S_ISREG(st.st_mode) else f"not a regular file ({_kind(st.st_mode)})"
            entries = [(path, None if problem else st, problem)]
        for f, fst, problem in entries:
            if problem is not None or fst is None:
                yield Finding("problem", problem or "cannot read", source=SourceRef(f))
            elif f.lower().endswith(".zip"):
                yield from _scan_zip(f, fst.st_mtime_ns)
            elif fst.st_size > MAX_FILE_BYTES:
                yield Finding("problem", f"too large to read ({_mb(fst.st_size)}; the limit is {_mb(MAX_FILE_BYTES)})",
                              source=SourceRef(f))
            else:
                yield Candidate(f, None, fst.st_size, fst.st_mtime_ns)


def zip_members(zf: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], dict[str, str]]:
    """The report members of an archive by name (of members that share a name, the last: the one
    `ZipFile.getinfo` and so `read_member` take), and the members left unread that a reader would look for, each with why: an archive inside the archive,
    a second member of one name. Folders, hidden files and macOS's `__MACOSX/` copies are not reports
    and not mentioned."""
    seen: dict[str, zipfile.ZipInfo] = {}
    skipped: dict[str, str] = {}
    for info in zf.infolist():
        name = info.filename
        if info.is_dir() or "__MACOSX/" in name:
            continue
        if _is_report_name(name):
            if name in seen:
                skipped[name] = "the archive holds more than one member of this name: only the last is read"
            seen[name] = info
        elif (base := _member_base(name)).lower().endswith(".zip") and not base.startswith("."):
            skipped[name] = "a zip archive inside a zip archive is not read (unpack it first)"
    return [seen[n] for n in sorted(seen)], skipped


def _scan_zip(path: str, mtime_ns: int) -> Iterator[Candidate | Finding]:
    try:
        zf = open_zip(path)
        try:
            infos, skipped = zip_members(zf)
        finally:
            zf.close()
    except Unreadable as exc:
        yield Finding("problem", bounded(str(exc)), source=SourceRef(path))
        return
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        yield Finding("problem", bounded(f"not a readable zip archive: {exc}"), source=SourceRef(path))
        return
    fits = [i for i in infos if i.file_size <= MAX_MEMBER_BYTES]
    total = sum(i.file_size for i in fits)
    if total > MAX_ZIP_BYTES:
        yield Finding("problem", f"zip archive too large: its reports add up to {_mb(total)} (the limit is "
                                 f"{_mb(MAX_ZIP_BYTES)})", source=SourceRef(path))
        return
    for info in infos:
        name = info.filename
        if info.file_size > MAX_MEMBER_BYTES:
            yield Finding("problem", f"zip member too large ({_mb(info.file_size)}; the limit is "
                                     f"{_mb(MAX_MEMBER_BYTES)})", source=SourceRef(path, name))
            continue
        yield Candidate(path, name, info.file_size, mtime_ns)
    for name in sorted(skipped):
        yield Finding("problem", skipped[name], source=SourceRef(path, name))


def read_sources(paths: list[str | os.PathLike]) -> Iterator[RawSource | Finding]:
    """Read the bytes of every report under the paths (the same files as `scan`, in its order); what
    cannot be read becomes a problem."""
    zips: dict[str, zipfile.ZipFile] = {}
    try:
        for c in scan(paths):
            if isinstance(c, Finding):
                yield c
                continue
            try:
                data = read_candidate(c, zips)
            except Exception as exc:  # noqa: BLE001 - an unreadable file or member is a problem, not a crash
                yield Finding("problem", unreadable_message(exc), source=c.ref)
                continue
            raw = RawSource(c.ref, data, c.size, c.mtime_ns / 1e9)  # (mtime as the cached loader computes it)
            del data  # (held by `raw` alone: whoever takes `raw.data` may let it go)
            yield raw
            del raw
    finally:
        for zf in zips.values():
            zf.close()
