"""Many short strings held packed as UTF-8 in one buffer (an index's project names: ~40,000 pairs at
10,000 reports cost ~8 MB as tuples of strings, ~3 MB packed); each is decoded when read."""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any, Iterable, Iterator


class PackedPairs:
    """A list of (key, name) pairs of strings, the name possibly None: indexed, iterated, appended to
    and compared as the list of tuples it stands for."""

    __slots__ = ("_data", "_off", "_none")

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()) -> None:
        pairs = list(pairs)
        enc = [s.encode("utf-8", "surrogatepass") for k, n in pairs for s in (k, n or "")]
        self._data = bytearray(b"".join(enc))
        self._off = array("q", accumulate(map(len, enc), initial=0))
        self._none = bytearray(n is None for _k, n in pairs)

    def to_bytes(self) -> tuple[bytes, bytes, bytes]:
        """Its buffers as stored (`from_bytes`): the UTF-8, the offsets (native 8-byte integers), the
        None flags."""
        return bytes(self._data), self._off.tobytes(), bytes(self._none)

    @classmethod
    def from_bytes(cls, data: Any, off: Any, none: Any) -> "PackedPairs":
        """The pairs `to_bytes` gave, without a string decoded; ValueError when the buffers do not fit
        together (offsets that go back or end elsewhere than the text, flags not 0/1, text not UTF-8).
        `data` may also be anything that slices to bytes (a part read on demand: its text is then
        decoded, and found not UTF-8, only where a pair is read; such pairs are not appended to)."""
        got = cls()
        got._data = bytearray(data) if isinstance(data, (bytes, bytearray)) else data
        got._none = bytearray(none)
        got._off = array("q")
        got._off.frombytes(bytes(off))
        o = got._off
        if (len(o) != 2 * len(got._none) + 1 or o[0] != 0 or o[-1] != len(got._data)
                or o.tolist() != sorted(o) or got._none.strip(b"\x00\x01")):
            raise ValueError("packed pairs that do not fit together")
        if isinstance(got._data, bytearray):
            got._data.decode("utf-8", "surrogatepass")  # (UnicodeDecodeError, a ValueError, when not text)
        return got

    def append(self, pair: tuple[str, str | None]) -> None:
        """Add a pair at the end."""
        key, name = pair
        for s in (key, name or ""):
            self._data += s.encode("utf-8", "surrogatepass")
            self._off.append(len(self._data))
        self._none.append(name is None)

    def __len__(self) -> int:
        return len(self._none)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = range(len(self._none))[i]  # (a negative index, and the IndexError of a list)
        off, data = self._off, self._data
        a, b, c = off[2 * i], off[2 * i + 1], off[2 * i + 2]
        both = data[a:c]
        key = both[:b - a].decode("utf-8", "surrogatepass")
        return key, None if self._none[i] else both[b - a:].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[tuple[str, str | None]]:
        return map(self.__getitem__, range(len(self._none)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedPairs):
            return self._none == other._none and self._off == other._off and self._data == other._data
        return isinstance(other, list) and len(other) == len(self) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # (as a list's)

    def __repr__(self) -> str:
        return f"<{len(self)} packed pairs>"


class _Names:
    """Indexed as a list is (a slice, a negative index, a list's IndexError); `_name(i)`: the i-th, i in
    range."""

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def _name(self, i: int) -> str:
        raise NotImplementedError

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._name(k) for k in range(*i.indices(len(self)))]
        return self._name(range(len(self))[i])  # (a negative index, and the IndexError of a list)


class JoinedNames(_Names):
    """A list of strings none of which holds a line break, held as one string ("\\n" after each) and
    where each starts: what the headings' scans read (`typed._joined_heads`), so that the list of
    strings need not be held beside it (~300,000 headings at 100,000 reports: ~26 MB as a list). Indexed,
    iterated and compared as the list it stands for; made a list again before it grows (`of`)."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str, starts: array) -> None:
        self.text, self.starts = text, starts

    @classmethod
    def of(cls, names: list[str]) -> "JoinedNames | list[str]":
        """The names joined, or the list as it is when one holds a line break."""
        text = "\n".join(names) + "\n" if names else ""
        if text.count("\n") != len(names):
            return names
        return cls(text, array("i", accumulate((len(n) + 1 for n in names), initial=0)))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def _name(self, i: int) -> str:
        return self.text[self.starts[i]:self.starts[i + 1] - 1]

    def __iter__(self) -> Iterator[str]:
        return map(self._name, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JoinedNames):
            return self.text == other.text
        return isinstance(other, list) and len(other) == len(self) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # (as a list's)

    def __repr__(self) -> str:
        return f"<{len(self)} joined names>"


class PackedNames(_Names):
    """A list of strings as stored (`to_bytes`: their UTF-8, "\\n" after each, and where each starts),
    each decoded when read: what a one-query process reads of the headings (a few thousand of ~300,000
    at 100,000 reports), their bytes read on demand. `joined()`: every one, as the app holds them."""

    __slots__ = ("_data", "_off")

    def __init__(self, data: Any, off: Any) -> None:
        """ValueError when the offsets do not fit the text (a first or last that is not its start or end;
        offsets read on demand are checked in order where they are read: `pieces.Column`)."""
        if not len(off) or off[0] != 0 or off[-1] != len(data):
            raise ValueError("packed names that do not fit together")
        self._data, self._off = data, off

    @staticmethod
    def to_bytes(names: Iterable[str]) -> tuple[bytes, bytes]:
        enc = [n.encode("utf-8", "surrogatepass") + b"\n" for n in names]
        return b"".join(enc), array("i", accumulate(map(len, enc), initial=0)).tobytes()

    def __len__(self) -> int:
        return len(self._off) - 1

    def _name(self, i: int) -> str:
        raw = bytes(self._data[self._off[i]:self._off[i + 1]])
        if not raw.endswith(b"\n"):  # (UnicodeDecodeError below: a ValueError too)
            raise ValueError("packed names that do not fit together")
        return raw[:-1].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        got = self.joined()
        return iter(got if isinstance(got, list) else got.text.split("\n")[:-1])

    def joined(self) -> "JoinedNames | list[str]":
        """Every name, decoded at once (ValueError when the offsets are not in order): joined as
        `JoinedNames.of` holds them, or a list when one holds a line break."""
        off = self._off
        if not isinstance(off, array):
            off = off[0:len(off)]
        if off.tolist() != sorted(off):
            raise ValueError("packed names that do not fit together")
        data = self._data
        text = (data if isinstance(data, (bytes, bytearray)) else data[0:len(data)]).decode("utf-8", "surrogatepass")
        if text.count("\n") == len(self):
            return JoinedNames(text, array("i", accumulate((len(n) + 1 for n in text.split("\n")[:-1]), initial=0)))
        return [self._name(k) for k in range(len(self))]
