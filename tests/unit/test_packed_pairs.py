"""Pairs of strings packed as UTF-8 read back, appended to and compared as the list of tuples they stand for."""

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
