"""Pairs of strings packed as UTF-8 read back, appended to and compared as the list of tuples they stand for."""

import sys

import pytest

from tui.index.search.packed import PackedPairs

PAIRS = [("存管路由", "存管路由 v2"), ("plain", None), ("", ""), ("emoji 🚀", "tab\there"), ("lone \udc80", None)]


def test_pairs_read_back_as_written():
    packed = PackedPairs(PAIRS)
    assert len(packed) == len(PAIRS)
    assert list(packed) == PAIRS
    assert packed[1] == ("plain", None) and packed[2] == ("", "") and packed[-1] == ("lone \udc80", None)
    assert packed[1:3] == PAIRS[1:3]
    assert packed == PAIRS and packed == PackedPairs(PAIRS) and packed != PAIRS[:-1]
    with pytest.raises(IndexError):
        packed[len(PAIRS)]


def test_appended_pairs_follow():
    packed = PackedPairs()
    for pair in PAIRS:
        packed.append(pair)
    assert list(packed) == PAIRS
    assert dict((p, i) for i, p in enumerate(packed)) == {p: i for i, p in enumerate(PAIRS)}


def test_stored_buffers_read_back_and_damaged_ones_are_refused():
    data, off, none = PackedPairs(PAIRS).to_bytes()
    back = PackedPairs.from_bytes(data, off, none)
    assert list(back) == PAIRS
    back.append(("more", None))
    assert back[-1] == ("more", None) and back[0] == PAIRS[0]
    bad_off = bytearray(off)
    bad_off[8:16] = (10 ** 6).to_bytes(8, sys.byteorder)  # (an offset past the text)
    for damaged in [(data[:-1], off, none), (data, off[:-8], none), (data, off, none[:-1]),
                    (data, off, b"\x02" + none[1:]), (b"\xff" + data[1:], off, none), (data, bytes(bad_off), none)]:
        with pytest.raises(ValueError):
            PackedPairs.from_bytes(*damaged)


class _OnDemand:
    """Bytes read a slice at a time (as a part of a saved index read on demand)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.reads = data, 0

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: slice) -> bytes:
        self.reads += 1
        return self.data[i]


def test_pairs_read_on_demand_decode_only_what_is_read():
    data, off, none = PackedPairs(PAIRS).to_bytes()
    lazy = _OnDemand(data)
    back = PackedPairs.from_bytes(lazy, off, none)
    assert lazy.reads == 0 and len(back) == len(PAIRS)
    assert back[3] == PAIRS[3] and lazy.reads == 1  # (one slice a pair)
    assert list(back) == PAIRS
    damaged = PackedPairs.from_bytes(_OnDemand(b"\xff" + data[1:]), off, none)  # (found where it is read)
    assert damaged[1] == PAIRS[1]
    with pytest.raises(ValueError):
        damaged[0]
