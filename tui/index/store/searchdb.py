"""The search tables of the parse cache: reading search records and saving and reading search indexes.

`cache.py` creates these tables (it owns the schema); this module only reads and writes their rows, and
imports nothing of the parser, so `reports-tui search` can answer from a saved index quickly:

    search_rec    (rid, rec, sum)                a report's search record (JSON) and its CRC-32, written with the report
    search_index  (key, fingerprint, stamp, used) one saved index per library (vocabulary and paths);
                                                 `fingerprint`: the files it was made from (sizes and
                                                 mtimes), `stamp`: the index format and parser sources
    search_parts  (id, key, name, data)          its parts (packed arrays, UTF-8, JSON), each stored
                                                 compressed in blocks (`pack_part`), read whole or on
                                                 demand (`Packed`: the blocks a slice needs, through
                                                 SQLite's incremental blob reads); a part written as
                                                 the index is built is several rows, NAME, NAME#1, ...
                                                 (`IndexWriter`), read as one

Records and parts are stored compressed (zlib): the text of a report is in its record and three
times in an index (as written, lower case, cased), and compressed the cache is about the size of the
reports it serves rather than five times it.

A saved index is used only when its stamp is current; `reports-tui search` uses it only when the files
under the paths are exactly the ones it was made from. At most `KEEP` indexes are kept (the least
recently saved go first).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sqlite3
import sys
import time
import weakref
import zlib
from array import array
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

FILE_NAME = "parse-cache-v2.sqlite3"
KEEP = 6
BUSY_MS = 2000
BLOCK = 32768  # raw bytes per compressed block of a stored index part (a multiple of the index's CHUNK; small,
# so that a line of a part kept compressed in memory costs little to read: ~80 µs; smaller compresses worse)
PACKED_KEPT = 2  # decompressed blocks kept per part the app reads on demand (its checked pieces are kept: `parts.Checked`)
LEVEL = 1      # zlib level: parts are written once per sync, and level 1 is ~4x faster than 6 for ~10 % more


# -- compressed storage -------------------------------------------------------------------------------
# A stored index part: MAGIC, the raw length (8 bytes), the block size (4), the end of each compressed
# block (8 each, from the start of the first), then the blocks. A search record: zlib of its UTF-8 JSON,
# with its report's projects JSON as the preset dictionary (`pack_record`).

MAGIC = b"\x00RZ1"
_HEAD = len(MAGIC) + 12


def _damaged(why: str) -> Exception:
    from ..search.index import DamagedIndex

    return DamagedIndex(f"a stored part that is not one reports-tui wrote ({why})")


def pack_part(data: bytes | bytearray | memoryview) -> bytes:
    """An index part as stored: compressed a block at a time, so a slice reads only its blocks."""
    data = memoryview(data).cast("B")
    blocks = [zlib.compress(data[k:k + BLOCK], LEVEL) for k in range(0, len(data), BLOCK)]
    ends = array("q", [0] * len(blocks))
    at = 0
    for i, b in enumerate(blocks):
        at += len(b)
        ends[i] = at
    if sys.byteorder != "little":
        ends.byteswap()
    return b"".join([MAGIC, len(data).to_bytes(8, "little"), BLOCK.to_bytes(4, "little"), ends.tobytes(), *blocks])


class Packed:
    """A stored index part (bytes, or anything that slices to bytes such as an open SQLite blob; or a
    list of those: the part's segments, in order, `IndexWriter`) read as the raw bytes it holds: `len`
    and slices, each block decompressed when first needed and kept (at most `KEPT` blocks).
    `DamagedIndex` when it is not what `pack_part` writes (every segment but the last whole blocks)."""

    KEPT = 256

    __slots__ = ("srcs", "n", "block", "seg", "starts", "ends", "got", "kept")

    def __init__(self, src: Any, kept: int = KEPT):
        self.srcs = srcs = src if isinstance(src, list) else [src]
        self.kept = kept
        self.n, self.block = 0, 0
        self.seg, self.starts, self.ends = array("i"), array("q"), array("q")
        for k, one in enumerate(srcs):
            n, block, base, ends = self._head(one)
            if k and block != self.block or self.n % max(self.block, 1):
                raise _damaged("segments")
            self.block = block
            self.n += n
            self.seg.extend([k] * len(ends))
            self.starts.extend([base + (ends[i - 1] if i else 0) for i in range(len(ends))])
            self.ends.extend([base + e for e in ends])
        self.got: dict[int, bytes] = {}

    @staticmethod
    def _head(src: Any) -> tuple[int, int, int, array]:
        """(raw length, block size, where the blocks start, the end of each) of one stored segment."""
        head = bytes(src[0:_HEAD])
        if len(head) != _HEAD or head[:len(MAGIC)] != MAGIC:
            raise _damaged("header")
        n = int.from_bytes(head[len(MAGIC):len(MAGIC) + 8], "little")
        block = int.from_bytes(head[len(MAGIC) + 8:_HEAD], "little")
        if block <= 0 or n < 0:
            raise _damaged("header")
        nb = -(-n // block)
        base = _HEAD + 8 * nb
        raw = bytes(src[_HEAD:base])
        if len(raw) != 8 * nb:
            raise _damaged("block table")
        ends = array("q")
        ends.frombytes(raw)
        if sys.byteorder != "little":
            ends.byteswap()
        if any(b < a for a, b in zip([0, *ends], ends)) or (nb and base + ends[-1] != len(src)):
            raise _damaged("block table")
        return n, block, base, ends

    def __len__(self) -> int:
        return self.n

    def _block(self, i: int) -> bytes:
        got = self.got.get(i)
        if got is None:
            got = self._decompress(i)
            if len(self.got) >= self.kept:
                self.got.clear()
            self.got[i] = got
        return got

    def _decompress(self, i: int) -> bytes:
        """Block `i`, decompressed and its length checked."""
        try:
            got = zlib.decompress(bytes(self.srcs[self.seg[i]][self.starts[i]:self.ends[i]]))
        except zlib.error:
            raise _damaged("compressed block") from None
        if len(got) != min(self.block, self.n - i * self.block):
            raise _damaged("block length")
        return got

    def __getitem__(self, i: Any) -> bytes:
        if not isinstance(i, slice):
            raise TypeError("a stored part is read by slices")
        a, b, _ = i.indices(self.n)
        if b <= a:
            return b""
        first, last = a // self.block, (b - 1) // self.block
        if first == last:
            off = first * self.block
            return self._block(first)[a - off:b - off]
        pieces = [self._block(k) for k in range(first, last + 1)]
        off = first * self.block
        return b"".join(pieces)[a - off:b - off]

    def whole(self) -> bytearray:
        """Every byte, decompressed into one buffer (the blocks not kept: no second copy of the part)."""
        out = bytearray(self.n)
        view = memoryview(out)
        for k in range(len(self.ends)):
            got = self.got.pop(k, None) or self._decompress(k)
            view[k * self.block:k * self.block + len(got)] = got
        del view
        self.got.clear()
        return out


def unpack_part(data: Any) -> bytes:
    """The raw bytes of a stored index part."""
    return Packed(data).whole()


ZDICT = 32768  # zlib's window: the most of a preset dictionary it can use


def pack_record(rec: str | bytes, projects: bytes = b"") -> bytes:
    """A search record as stored; `projects`: its report's projects as their row keeps them (their JSON,
    `codec.encode_projects`), zlib's preset dictionary: most of a record's lines are lines of its
    projects, which are then not compressed a second time (half the bytes, a third less time), and the
    row keeps them as long as the record (`unpack_record`)."""
    data = rec.encode("utf-8") if isinstance(rec, str) else rec
    if not projects:
        return zlib.compress(data, LEVEL)
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, projects[-ZDICT:])
    return c.compress(data) + c.flush()


def unpack_record(data: bytes, projects: bytes = b"") -> bytes:
    """A record's JSON from `pack_record` with the same `projects` (`zlib.error` when it is not that)."""
    d = zlib.decompressobj(15, zdict=projects[-ZDICT:]) if projects else zlib.decompressobj(15)
    out = d.decompress(data)
    if not d.eof or d.unused_data:
        raise zlib.error("not a whole record")
    return out


def cache_file() -> Path:
    """The parse cache file (in `tui.config.cache_dir()`)."""
    from ... import config

    return config.cache_dir() / FILE_NAME


def index_key(vocab_key: str, paths: Iterable[str]) -> str:
    """Which library an index is of: a vocabulary and the paths as given."""
    return "\0".join([vocab_key, *[str(p) for p in paths]])


def stamp() -> str:
    """What a saved index must have been made with: this index format and these parser sources."""
    from ..search.index import FORMAT
    from ..search.records import source_version

    return f"{FORMAT}:{source_version()}"


def scan_state(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """path → (size, mtime_ns) of every file under the paths (stat only; a zip archive as a whole).

    Deliberately more than the files `model.source.scan` reads (every file, whatever its name; only
    folders whose name starts with "." are not walked), so that nothing a library is read from can
    change unseen; and cheap: one `os.scandir` per folder and one stat per file. Like `scan`, a
    symbolic link to a folder is not followed (a link to "/" would otherwise walk the whole disk);
    a link to a file is stat'ed through, so a change to its target is seen."""
    out: dict[str, tuple[int, int]] = {}

    def walk(root: str) -> None:
        # Iteratively (a folder 1,000 levels deep is no recursion), depth first; the folders being
        # walked are remembered so that a link back to one of them is no loop.
        stack: list[tuple[str, tuple[int, int] | None]] = [(root, None)]
        above: set[tuple[int, int]] = set()
        while stack:
            top, leaving = stack.pop()
            if leaving is not None:
                above.discard(leaving)
                continue
            try:
                st = os.stat(top)
                me = (st.st_dev, st.st_ino)
                if me in above:
                    continue
                with os.scandir(top) as it:
                    entries = list(it)
            except OSError:
                out[top] = (-1, -1)  # a folder that cannot be listed: remembered as such
                continue
            above.add(me)
            stack.append((top, me))  # (left when everything below it is walked)
            below = []
            for e in entries:
                try:
                    if e.is_dir(follow_symlinks=False):
                        if not e.name.startswith("."):
                            below.append(e.path)
                        continue
                    st = e.stat()
                    if stat.S_ISDIR(st.st_mode):
                        continue  # a link to a folder: never followed
                    out[e.path] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    out[e.path] = (-1, -1)
            stack.extend((b, None) for b in reversed(below))

    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            walk(p)
        else:
            try:
                st = os.stat(p)
                out[p] = (st.st_size, st.st_mtime_ns)
            except OSError:
                out[p] = (-1, -1)
    return out


def fingerprint(state: Mapping[str, tuple[int, int]]) -> str:
    """A hash of the files a library is made from (`scan_state`): their paths in order, then their
    sizes and mtimes as packed integers (joined and packed at C speed)."""
    items = sorted(state.items())
    names = "\0".join([p for p, _ in items]).encode("utf-8", "surrogatepass")
    numbers = array("q", chain.from_iterable([v for _, v in items]))
    return hashlib.sha1(b"%d\0" % len(items) + names + b"\0" + numbers.tobytes()).hexdigest()


def fingerprint_soon(paths: Iterable[str]) -> Callable[[], str]:
    """`fingerprint(scan_state(paths))`, started now and returned by the function this gives.

    Where processes can fork, the walk runs in a child process on another core while the caller goes
    on (`reports-tui search` imports the engine and opens its index meanwhile): the stat calls of a
    large folder cost as much as the rest of the search. Anywhere else, or when the child fails, the
    walk is done by the caller when it asks."""
    paths = [str(p) for p in paths]

    def here() -> str:
        return fingerprint(scan_state(paths))

    if not hasattr(os, "fork"):
        return here
    try:
        r, w = os.pipe()
    except OSError:
        return here
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return here
    if pid == 0:  # the child: the fingerprint (40 hex digits) down the pipe, then gone without clean-up
        code = 1
        try:
            os.close(r)
            os.write(w, here().encode("ascii"))
            code = 0
        finally:
            os._exit(code)
    os.close(w)

    def result() -> str:
        chunks = []
        try:
            while chunk := os.read(r, 64):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(r)
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
        got = b"".join(chunks)
        return got.decode("ascii") if len(got) == 40 else here()

    return result


def same_files(state: Mapping[str, tuple[int, int]], docs: Iterable[Any]) -> bool:
    """Whether reports (with `path`, `member`, `size`, `mtime`) are the files `scan_state` saw: same
    size and mtime (a zip member: its archive's mtime)."""
    for d in docs:
        got = state.get(d.path)
        if got is None or got[1] / 1e9 != d.mtime or (not d.member and got[0] != d.size):
            return False
    return True


def _connect(path: str | os.PathLike, readonly: bool) -> sqlite3.Connection:
    uri = f"file:{Path(path).as_posix()}" + ("?mode=ro" if readonly else "")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    return conn


def read_records(path: str | os.PathLike, rids: list[int]) -> dict[int, bytes]:
    """The stored search records (as bytes of JSON, decompressed, undecoded) of these report rows; rows that are gone,
    unreadable or do not match their CRC-32 are left out (their reports are read again)."""
    out: dict[int, bytes] = {}
    if not rids:
        return out
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.Error:
        return out
    conn.text_factory = bytes  # (a damaged record fails its check instead of the whole query)
    try:
        for k in range(0, len(rids), 500):
            part = rids[k:k + 500]
            for rid, rec, crc, projects, psum in conn.execute(
                    "SELECT s.rid, s.rec, s.sum, r.projects, r.psum FROM search_rec s JOIN reports r ON r.id = s.rid"
                    f" WHERE s.rid IN ({','.join('?' * len(part))})", part):
                if type(rid) is int and isinstance(rec, bytes) and zlib.crc32(rec) == crc \
                        and isinstance(projects, bytes) and zlib.crc32(projects) == psum:
                    try:
                        out[rid] = unpack_record(rec, zlib.decompress(projects))
                    except zlib.error:
                        pass  # (read again from the report)
    except (sqlite3.Error, ValueError):  # (ValueError: text that is not UTF-8)
        pass
    finally:
        conn.close()
    return out


def give_back_memory() -> None:
    """Return the memory freed so far to the system where the C library can (glibc's `malloc_trim`):
    reading an index frees several large buffers, and without this the process keeps their pages."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # (another C library: nothing to do)


class LazyParts(Mapping[str, Any]):
    """The parts of a saved index, each read when first asked for: whole (bytes), or for the large
    ones an open SQLite blob through a `Packed` that reads and decompresses just the blocks sliced
    from it."""

    def __init__(self, conn: sqlite3.Connection, ids: dict[str, list[int]], lazy: Iterable[str],
                 fingerprint: str = "", kept: int = Packed.KEPT):
        self.conn = conn
        self.ids = ids
        self.fingerprint = fingerprint  # of the files the index was made from (`fingerprint`)
        self.lazy = set(lazy)
        self.kept = kept  # decompressed blocks kept per part read on demand
        self._got: dict[str, Any] = {}
        self._blobs: list[sqlite3.Blob] = []

    def __getitem__(self, name: str) -> Any:
        got = self._got.get(name)
        if got is None:
            rids = self.ids[name]
            if not rids:  # (a segment missing)
                raise _damaged("segments")
            if name in self.lazy:
                blobs = [self.conn.blobopen("search_parts", "data", rid, readonly=True) for rid in rids]
                self._blobs.extend(blobs)
                got = self._got[name] = Packed(blobs if len(blobs) > 1 else blobs[0], self.kept)
            else:  # (read whole: not kept here, the index holds what it makes of it)
                data = []
                for rid in rids:
                    row = self.conn.execute("SELECT data FROM search_parts WHERE id = ?", (rid,)).fetchone()
                    if row is None or not isinstance(row[0], bytes):
                        raise KeyError(name)
                    data.append(row[0])
                got = Packed(data if len(data) > 1 else data[0]).whole()
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def close(self) -> None:
        """Close the blobs and the connection."""
        for v in self._blobs:
            try:
                v.close()
            except sqlite3.Error:
                pass
        self.conn.close()


def open_index(path: str | os.PathLike, key: str, lazy: Iterable[str], kept: int = Packed.KEPT) -> LazyParts | None:
    """The parts of the saved index of a library, read on demand (None when there is none of this
    format and parser); `kept`: decompressed blocks kept per part read on demand. Before trusting an
    answer, the caller compares `fingerprint` with that of the files as they are now, and closes it."""
    if not os.path.exists(path):
        return None
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for every read (a concurrent save cannot mix two indexes)
        row = conn.execute("SELECT fingerprint, stamp FROM search_index WHERE key = ?", (key,)).fetchone()
        if row is None or type(row[0]) is not str or row[1] != stamp():
            conn.close()
            return None
        ids = _segments(conn.execute("SELECT id, name FROM search_parts WHERE key = ?", (key,)))
    except (sqlite3.Error, ValueError):
        conn.close()
        return None
    return LazyParts(conn, ids, lazy, row[0], kept)


SEGMENT = "#"  # a part written a batch at a time is stored as several rows: NAME, NAME#1, NAME#2, ... (`IndexWriter`)


def _segments(rows: Iterable[tuple[Any, Any]]) -> dict[str, list[int]]:
    """The rows of a saved index's parts by part: name → the ids of its segments in order (an empty list
    when one is missing: the part does not read back)."""
    found: dict[str, dict[int, int]] = {}
    for rid, name in rows:
        if type(name) is not str or type(rid) is not int:
            continue
        base, sep, k = name.partition(SEGMENT)
        at = int(k) if sep and k.isascii() and k.isdigit() and k[0] != "0" else (0 if not sep else -1)
        found.setdefault(base, {})[at] = rid
    return {name: [segs[k] for k in range(len(segs))] if all(k in segs for k in range(len(segs))) else []
            for name, segs in found.items()}


def update_fingerprint(path: str | os.PathLike, key: str, fp: str) -> bool:
    """Record that a saved index (unchanged) was made from these files; False when it was not done."""
    try:
        conn = _connect(path, readonly=False)
    except sqlite3.Error:
        return False
    try:
        cur = conn.execute("UPDATE search_index SET fingerprint = ?, used = ? WHERE key = ? AND stamp = ?",
                           (fp, time.time(), key, stamp()))
        return cur.rowcount == 1
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _write(path: str | os.PathLike, work: Callable[[sqlite3.Connection], bool],
           after: Callable[[sqlite3.Connection], None] | None = None,
           conn: sqlite3.Connection | None = None) -> bool:
    """`work(conn)` in one write transaction of the cache file: committed when it says True (then
    `after(conn)`, and the space freed given back to the file system, `reclaim`), rolled back when it
    says False or raises; whether it was done (not when the file is busy or cannot be written). On a
    connection of its own, closed after; or on `conn`, left open."""
    own = conn is None
    try:
        if conn is None:
            conn = _connect(path, readonly=False)
    except (sqlite3.Error, ValueError):
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not work(conn):
                conn.execute("ROLLBACK")
                return False
            conn.execute("COMMIT")
            if after is not None:
                after(conn)
            reclaim(conn)
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        return True
    except sqlite3.Error:
        return False
    finally:
        if own:
            conn.close()


def save_index(path: str | os.PathLike, key: str, fp: str, parts: Mapping[str, bytes],
               held: Iterable[int] = ()) -> bool:
    """Save an index (replacing the library's earlier one); False when the file is busy or cannot be
    written (it is saved another time). `held`: the report rows whose search records the index now
    holds: their stored records are deleted (the index has them; an index built again computes them
    from the reports' files), and the space freed is given back to the file system (`reclaim`)."""
    return IndexWriter(path, key).finish(fp, parts, held)


class IndexWriter:
    """An index saved as it is built: the parts that only grow (`append`) are written a segment at a
    time while it is built (rows of a key of their own, `SEGMENT`: never read as an index), so that
    the build holds only what is not written yet; `finish` writes the other parts and makes them all
    the library's index in one transaction (replacing its earlier one). Any error writing (a busy
    file, a full disk) leaves the writer failed (`ok` false): nothing is then saved."""

    SEGMENT_BYTES = 1 << 20  # raw bytes of a part held before they are written (whole blocks)

    def __init__(self, path: str | os.PathLike, key: str) -> None:
        self.path, self.key = path, key
        self.temp = f"{key}\0{os.urandom(8).hex()}"  # (a build's own key: its rows are no saved index)
        self.buffers: dict[str, bytearray] = {}
        self.segments: dict[str, int] = {}  # segments written per part
        self.sums: dict[str, list[int]] = {}  # per part its CRC-32s (`parts` format: a 16 KiB piece each)
        self.ok = True
        self.conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self.conn is None:
            self.conn = _connect(self.path, readonly=False)
            # (what a build of this library left behind, ended before it finished)
            self.conn.execute("DELETE FROM search_parts WHERE key > ? AND key < ?", (self.key + "\0", self.key + "\1"))
        return self.conn

    def append(self, name: str, data: bytes | bytearray | memoryview) -> None:
        """More bytes at the end of part `name` (written once a segment's worth is held)."""
        buf = self.buffers.setdefault(name, bytearray())
        buf += data
        if len(buf) >= self.SEGMENT_BYTES:
            whole = len(buf) - len(buf) % BLOCK
            self._segment(name, memoryview(buf)[:whole])
            del buf[:whole]

    def _segment(self, name: str, data: Any) -> None:
        k = self.segments.get(name, 0)
        self.segments[name] = k + 1
        from ..search.pieces import _chunk_sums

        self.sums.setdefault(name, []).extend(_chunk_sums(data))
        if not self.ok:
            return
        try:
            self._connect().execute("INSERT INTO search_parts (key, name, data) VALUES (?, ?, ?)",
                                    (self.temp, name + (f"{SEGMENT}{k}" if k else ""), pack_part(data)))
        except (sqlite3.Error, ValueError):
            self.ok = False

    def finish(self, fp: str, parts: Mapping[str, bytes], held: Iterable[int] = (),
               sums: Callable[[dict[str, list[int]]], bytes] | None = None) -> bool:
        """Write the rest (`parts`: whole parts; what `append` holds: each part's last segment) and make
        it the library's index; `sums(checksums of the parts appended)` gives the `sums` part when
        given (else it is among `parts`). False when it could not be saved."""
        for name, buf in self.buffers.items():
            self._segment(name, buf)
        self.buffers = {}
        if sums is not None:
            parts = {**parts, "sums": sums(self.sums)}
        written = sum(self.segments.values())
        old: list[str] = []
        key, temp = self.key, self.temp

        def work(conn: sqlite3.Connection) -> bool:
            (have,) = conn.execute("SELECT count(*) FROM search_parts WHERE key = ?", (temp,)).fetchone()
            if have != written:  # (rows of this build deleted meanwhile: not a whole index)
                return False
            conn.execute("DELETE FROM search_parts WHERE key = ?", (key,))
            conn.execute("UPDATE search_parts SET key = ? WHERE key = ?", (key, temp))
            conn.execute("INSERT OR REPLACE INTO search_index VALUES (?, ?, ?, ?)", (key, fp, stamp(), time.time()))
            conn.executemany("INSERT INTO search_parts (key, name, data) VALUES (?, ?, ?)",
                             [(key, name, pack_part(data)) for name, data in parts.items()])
            conn.executemany("DELETE FROM search_rec WHERE rid = ?", [(rid,) for rid in held])
            old.extend(k for (k,) in conn.execute("SELECT key FROM search_index ORDER BY used DESC LIMIT -1 OFFSET ?",
                                                  (KEEP,)))
            for k in old:
                conn.execute("DELETE FROM search_parts WHERE key = ?", (k,))
                conn.execute("DELETE FROM search_index WHERE key = ?", (k,))
            return True

        def after(conn: sqlite3.Connection) -> None:
            if old:
                forget_postings(Path(self.path).parent, [k for (k,) in conn.execute("SELECT key FROM search_index")])

        try:
            if not self.ok:
                return False
            try:
                conn = self._connect()
            except (sqlite3.Error, ValueError):
                return False
            return _write(self.path, work, after, conn)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the connection and of the rows written that are no saved index (else deleted by the
        library's next build)."""
        if self.conn is not None:
            try:
                if not self.conn.in_transaction:
                    self.conn.execute("DELETE FROM search_parts WHERE key = ?", (self.temp,))
            except sqlite3.Error:
                pass
            self.conn.close()
            self.conn = None


def save_alone(path: str | os.PathLike, key: str, fp: str | None, token: str, parts: Mapping[str, bytes],
               group: Iterable[str]) -> bool:
    """Write a group of parts of a saved index alone (its pinyin readings, `search.readings`), the group's
    earlier parts replaced and every other part left as it is: only when the saved index is still the
    one they were made from (the same files, `fp`, and the same index, its `token`); False otherwise,
    or when the file is busy or cannot be written (made again another time)."""
    names = list(group)

    def work(conn: sqlite3.Connection) -> bool:
        row = conn.execute("SELECT fingerprint, stamp FROM search_index WHERE key = ?", (key,)).fetchone()
        meta = conn.execute("SELECT data FROM search_parts WHERE key = ? AND name = 'meta'", (key,)).fetchone()
        try:
            same = (row is not None and row[0] == (fp or "") and row[1] == stamp() and meta is not None
                    and json.loads(bytes(unpack_part(meta[0]))).get("token") == token)
        except (ValueError, TypeError, AttributeError):
            same = False
        if not same:
            return False
        conn.execute(f"DELETE FROM search_parts WHERE key = ? AND name IN ({','.join('?' * len(names))})",
                     (key, *names))
        conn.executemany("INSERT INTO search_parts (key, name, data) VALUES (?, ?, ?)",
                         [(key, name, pack_part(data)) for name, data in parts.items()])
        return True

    return _write(path, work)


def save_readings(index: Any, path: str | os.PathLike, key: str) -> bool:
    """Make the pinyin readings of an index as saved (unchanged since it was read back: loading
    pypinyin, ~4 s of CPU at 10,000 reports) with the table of the names they spell, and write them
    alone into the saved index (`save_alone`); whether they were written."""
    from ..search.readings import GROUP, made_readings

    return save_alone(path, key, index.persisted_as, index.token, made_readings(index), GROUP)


def fold_log(path: str | os.PathLike) -> None:
    """Fold the write-ahead log into the cache file, and remove it when no other connection has the file
    open: a read-only reader (`open_saved`) that was the last to close leaves the log behind, which it
    cannot fold itself. Never an error (the next writer does it)."""
    try:
        conn = _connect(path, readonly=False)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def reclaim(conn: sqlite3.Connection) -> None:
    """Give the file's free pages back (a saved index replaced, records dropped): the cache file is
    made with incremental auto-vacuum, so this moves pages from its end into the free ones and
    truncates it (at the next checkpoint); never an error (done another time)."""
    try:
        conn.executescript("PRAGMA incremental_vacuum;")  # (stepped to the end: `execute` frees one page)
    except sqlite3.Error:
        pass


def open_saved(path: str | os.PathLike, key: str, lazy: bool) -> tuple[Any, str, Callable[[], None]] | None:
    """The one way a saved search index is opened (the app's workspace and `reports-tui search`): the
    index (a `SearchIndex`, its posting index attached when there is one of its texts), the
    fingerprint of the files it was made from, and how to close it (its large parts are read on
    demand from the file, which stays open until then, one snapshot of it). None when there is none
    of this format and parser; `DamagedIndex` when there is one that does not check out (the caller
    builds it again, and says so).

    With `lazy` (a one-query process), each part is checked where a query reads it. Without (the
    app), every part is read through and checked, a slice at a time — the small parts and the
    lower-case texts now, the others by `index.late_checks()`, which the app runs after its first
    answer (`parts.from_parts`) — and the parts read on demand keep a bounded number of pieces
    (`PACKED_KEPT` blocks each): the app's memory is that of the small parts, whatever the index's
    size and however long it runs, but for the parts a page of hits reads, held whole once the late
    checks have read them through when together they are small (`parts.PAGE_PARTS`, `HOLD_UP_TO`)."""
    from ..search.engine import SearchIndex

    parts = open_index(path, key, SearchIndex.LAZY + (SearchIndex.QUERY_LAZY if lazy else ()),
                       Packed.KEPT if lazy else PACKED_KEPT)
    if parts is None:
        return None
    try:
        index = SearchIndex.from_parts(parts, lazy=True, checked=not lazy)
    except sqlite3.Error:  # (the file busy or unreadable: as if none were saved)
        parts.close()
        return None
    except BaseException:
        parts.close()
        raise
    attach_postings(index, Path(path).parent, key)
    if not lazy:
        give_back_memory()  # (the parts read whole and checked, then let go of)
    # closed by the caller, or when the index is let go of, or at exit: a read-only connection that is
    # the last to close leaves the write-ahead log behind, folded then
    close = weakref.finalize(index, _close_parts, parts, str(path))
    return index, parts.fingerprint, close


def _close_parts(parts: LazyParts, path: str) -> None:
    parts.close()
    if os.path.exists(path + "-wal"):
        fold_log(path)


def attach_postings(index: Any, folder: str | os.PathLike, key: str) -> None:
    """Give a saved index its posting index (in the cache folder), when the index is large enough to
    use one and one of its texts is there."""
    from ..search.scans import POSTINGS_MIN
    from ..search.postings import Postings, folder_for

    if index.ntexts >= getattr(index, "postings_min", POSTINGS_MIN) and index.posting_index is None:
        index.posting_index = Postings.open(folder_for(folder, key), index.token)


def update_postings(index: Any, folder: str | os.PathLike | None, key: str) -> None:
    """Bring an index's posting index up to date with its texts (made when it has none: in the cache
    folder, or in memory when `folder` is None). Runs where the index is synced, never in a query."""
    from ..search.scans import POSTINGS_MIN
    from ..search.postings import Postings, folder_for

    if index.ntexts < getattr(index, "postings_min", POSTINGS_MIN):  # (the index's own threshold)
        return
    p = index.posting_index
    if p is None or p.token != index.token:
        where = folder_for(folder, key) if folder is not None else None
        p = (Postings.open(where, index.token) if where is not None else None) or Postings.create(index.token, where)
        if p is None:
            return
        index.posting_index = p
    start, end = p.ndocs, index.ntexts
    if start < end:
        p.extend(start, ((t, index.text(t)) for t in range(start, end)))


def forget_postings(folder: str | os.PathLike, keep: Iterable[str]) -> None:
    """Remove the posting indexes of libraries whose saved index is gone."""
    import shutil

    from ..search.postings import folder_for

    root = Path(folder) / "search"
    wanted = {folder_for(folder, k).name for k in keep}
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for e in entries:
        if e.name not in wanted:
            shutil.rmtree(e, ignore_errors=True)
