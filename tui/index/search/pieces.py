"""Stored index parts read on demand: `Checked` (bytes, each 16 KiB piece checked against its CRC-32
when read, a bounded number kept) and `Ints` (a packed integer array over such bytes), the views the
late checks read them through (`own_view`), and what a part that does not check out raises
(`DamagedIndex`). Used by `parts.from_parts`."""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from typing import Any, Iterator

CHUNK = 16384  # bytes per checksum (`parts` stores them as `sums`)
ITEM = array("i").itemsize


class DamagedIndex(ValueError):
    """Stored index parts that are not what reports-tui writes (the index is then built again)."""


def _ints(data: Any = b"") -> array:
    a = array("i")
    if data:
        if len(data) % ITEM:
            raise DamagedIndex("a packed array of the wrong length")
        a.frombytes(data if isinstance(data, (bytes, bytearray)) else bytes(data))
    return a


def _json_part(data: Any, kind: type, errors: str = "strict") -> Any:
    """A stored JSON part's value, of this type (`DamagedIndex` otherwise); `errors`: how its UTF-8 is
    decoded (names may hold a lone surrogate a file name gave: written with "surrogatepass")."""
    try:
        value = json.loads(bytes(data).decode("utf-8", errors))
    except (TypeError, ValueError, RecursionError, UnicodeDecodeError):
        raise DamagedIndex("damaged JSON") from None
    if type(value) is not kind:
        raise DamagedIndex("damaged JSON")
    return value


def _chunk_sums(data: bytes) -> list[int]:
    return [zlib.crc32(data[k:k + CHUNK]) for k in range(0, len(data), CHUNK)]


class Checked:
    """A stored part read on demand (anything that slices to bytes, such as an open SQLite blob), each
    16 KiB piece checked against its CRC-32 when first read and then kept: what is returned is always
    bytes that were checked (`DamagedIndex` otherwise)."""

    __slots__ = ("blob", "sums", "n", "pieces", "keep", "per")

    def __init__(self, blob: Any, sums: list[int], keep: int | None = None):
        self.blob, self.sums, self.n = blob, sums, len(blob)
        if len(sums) != -(-self.n // CHUNK):
            raise DamagedIndex("checksums of another length")
        self.pieces: dict[int, bytes] = {}
        self.keep = keep  # at most this many pieces kept (checked again when read again); None: all
        # pieces read at once: with every piece kept, those of one compressed block of a stored part
        # (`store.searchdb.Packed`), so that no block is decompressed twice for two of its pieces
        block = getattr(blob, "block", 0)
        self.per = min(8, block // CHUNK) if keep is None and type(block) is int and block % CHUNK == 0 \
            and block >= CHUNK else 1

    def __len__(self) -> int:
        return self.n

    def _piece(self, k: int) -> bytes:
        got = self.pieces.get(k)
        if got is None:
            # (one piece at a time however many a query reads: a piece costs what its share of reading the
            # part whole does, its block decompressed; a query's texts spread over a part are ~1/8 of it,
            # where reading it whole cost 2x the CPU: `search 贝易砖` at 10,000 reports, 0.67 -> 0.35 s)
            first = k - k % self.per
            last = min(first + self.per, len(self.sums))
            raw = bytes(self.blob[first * CHUNK:min(last * CHUNK, self.n)])
            for j in range(first, last):
                piece = raw[(j - first) * CHUNK:(j - first + 1) * CHUNK] if last - first > 1 else raw
                if zlib.crc32(piece) != self.sums[j]:
                    raise DamagedIndex("a stored part that does not match its checksum")
                if self.keep is not None and len(self.pieces) >= self.keep:
                    for old in list(self.pieces)[:self.keep // 2 + 1]:  # (the half read longest ago goes)
                        self.pieces.pop(old, None)  # (gone already when another thread read this part too)
                self.pieces[j] = piece
                if j == k:
                    got = piece
        return got

    def forget(self, k: int) -> None:
        """Let piece `k` go (a reader keeps it in a form of its own: not twice)."""
        self.pieces.pop(k, None)

    def whole(self) -> bytes | bytearray:
        """Every byte, checked, in one read (the pieces read so far let go of)."""
        whole = getattr(self.blob, "whole", None)  # (a stored part read in one go: no second copy of it)
        data = whole() if whole is not None else bytes(self.blob[0:self.n])
        if len(data) != self.n:
            raise DamagedIndex("a stored part of another length")
        view = memoryview(data)
        for k, want in enumerate(self.sums):
            if zlib.crc32(view[k * CHUNK:(k + 1) * CHUNK]) != want:
                raise DamagedIndex("a stored part that does not match its checksum")
        self.pieces.clear()
        return data

    def __getitem__(self, i: Any) -> bytes:
        if not isinstance(i, slice):
            raise TypeError("a checked part is read by slices")
        a, b, step = i.indices(self.n)
        if b <= a or step != 1:
            return b""
        first, last = a // CHUNK, (b - 1) // CHUNK
        got = self._piece(first) if first == last else b"".join(self._piece(k) for k in range(first, last + 1))
        return got[a - first * CHUNK:b - first * CHUNK]


class Ints:
    """A packed integer array read on demand from a blob (anything that slices to bytes)."""

    __slots__ = ("blob", "n")

    def __init__(self, blob: Any):
        self.blob = blob
        if len(blob) % ITEM:
            raise DamagedIndex("a packed array of the wrong length")
        self.n = len(blob) // ITEM

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            a, b, _ = i.indices(self.n)
            return _ints(self.blob[a * ITEM:b * ITEM]) if b > a else array("i")
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return int.from_bytes(self.blob[i * ITEM:(i + 1) * ITEM], sys.byteorder, signed=True)

    def __iter__(self) -> Iterator[int]:
        return iter(self[0:self.n])


class Column:
    """A packed integer column read on demand by a one-query process (`parts.QUERY_COLUMNS`): a piece
    (`CHUNK` bytes of a `Checked` part, whose checksum it must match) at a time, made an array and kept,
    each piece's values checked when first read — within `lo`..`hi` (None: no bound) and,
    with `ascending`, never going back, inside the piece and across its edge with each neighbouring
    piece read (two values a query reads together lie in pieces both read). So a query reading a few
    thousand texts' offsets checks what it reads, where the app reads and checks the column whole."""

    __slots__ = ("blob", "n", "lo", "hi", "ascending", "got")

    PER = CHUNK // ITEM  # values a piece

    def __init__(self, blob: Any, lo: int | None, hi: int | None = None, ascending: bool = False):
        if len(blob) % ITEM:
            raise DamagedIndex("a packed array of the wrong length")
        self.blob, self.n = blob, len(blob) // ITEM
        self.lo, self.hi, self.ascending = lo, hi, ascending
        self.got: dict[int, array] = {}

    def __len__(self) -> int:
        return self.n

    def _piece(self, k: int) -> array:
        got = self.got.get(k)
        if got is None:
            raw = self.blob[k * CHUNK:(k + 1) * CHUNK]
            got = _ints(raw)
            forget = getattr(self.blob, "forget", None)
            if forget is not None:  # (kept here as values: not twice)
                forget(k)
            if got and not self._fits(got, raw, k):
                raise DamagedIndex("a value out of range" if not self.ascending else "offsets out of order")
            self.got[k] = got
        return got

    def _fits(self, got: array, raw: bytes, k: int) -> bool:
        """Whether a piece's values are within bounds (and in order): checked at C speed where it can be
        (a piece's values ascending lie between its first and last; a column of counts, none below 0:
        no value's top byte has its high bit set)."""
        if self.ascending:
            values = got.tolist()
            before, after = self.got.get(k - 1), self.got.get(k + 1)
            return (values == sorted(values) and values[0] >= self.lo
                    and (self.hi is None or values[-1] <= self.hi)
                    and (before is None or before[-1] <= values[0]) and (after is None or values[-1] <= after[0]))
        if self.lo == 0 and self.hi is None:
            return bytes(raw)[ITEM - 1 if sys.byteorder == "little" else 0::ITEM].isascii()
        return self.lo is None or min(got) >= self.lo and (self.hi is None or max(got) <= self.hi)

    def __getitem__(self, i: Any) -> Any:
        per = self.PER
        if isinstance(i, slice):
            a, b, _ = i.indices(self.n)
            if b <= a:
                return array("i")
            first, last = a // per, (b - 1) // per
            if first == last:
                return self._piece(first)[a - first * per:b - first * per]
            out = self._piece(first)[a - first * per:]
            for k in range(first + 1, last):
                out.extend(self._piece(k))
            out.extend(self._piece(last)[:b - last * per])
            return out
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self._piece(i // per)[i % per]

    def __iter__(self) -> Iterator[int]:
        return iter(self[0:self.n])


class Paced(Checked):
    """A part read on demand, read through by the late checks: `pause()` before each piece it reads."""

    __slots__ = ("pause",)

    def _piece(self, k: int) -> bytes:
        self.pause()
        return super()._piece(k)


class Gathered(Checked):
    """A part read through by the late checks that is then held whole: each piece, checked as it is
    read (`pause()` before, when given), is copied into one buffer — bytes, or packed integers with
    `ints` — which `gathered()` gives once every piece is in (no second copy of the part is made)."""

    __slots__ = ("pause", "data", "view", "missing")

    def __init__(self, blob: Any, sums: list[int], pause: Any = None, ints: bool = False):
        super().__init__(blob, sums, 2)
        self.pause = pause
        self.data: Any = array("i", [0]) * (self.n // ITEM) if ints else bytearray(self.n)
        if len(self.data) * (ITEM if ints else 1) != self.n:
            raise DamagedIndex("a packed array of the wrong length")
        self.view = memoryview(self.data).cast("B")
        self.missing = bytearray(b"\x01") * len(sums)

    def _piece(self, k: int) -> bytes:
        if self.pause is not None:
            self.pause()
        got = super()._piece(k)
        if self.missing[k]:
            self.view[k * CHUNK:k * CHUNK + len(got)] = got
            self.missing[k] = 0
        return got

    def gathered(self) -> Any:
        """The whole part, every piece checked (those the checks did not read are read now)."""
        k = self.missing.find(1)
        while k >= 0:
            self._piece(k)
            k = self.missing.find(1, k + 1)
        self.view.release()  # (the buffer may then grow: an index that adds reports appends to it)
        return self.data


def own_view(v: Any, pause: Any, gather: bool = False) -> Any:
    """A part as the late checks read it: for one read on demand, a view of its own keeping two pieces
    (the pieces kept for queries untouched), paced by `pause` when given — with `gather`, one that
    also gathers the part to be held whole (`Gathered`); a part held whole as it is."""
    if isinstance(v, Ints):
        blob = v.blob
        return Ints(Gathered(blob.blob, blob.sums, pause, ints=True) if gather and isinstance(blob, Checked)
                    else own_view(blob, pause))
    if not isinstance(v, Checked):
        return v
    if gather:
        return Gathered(v.blob, v.sums, pause)
    if pause is None:
        return Checked(v.blob, v.sums, 2)
    own = Paced(v.blob, v.sums, 2)
    own.pause = pause
    return own
