"""The heading lines found by each heading, held as flat arrays: the same answers as a list per heading."""

from array import array

import pytest

from tui.index.search.typed import HeadingTexts


def test_heading_lines_by_heading_ascending():
    # text id → heading id (-1: not a heading line); headings out of order, some with several lines
    text_hid = array("i", [-1, 3, 0, -1, 3, 7, 0, 3, -1, 7])
    got = HeadingTexts(text_hid, len(text_hid))
    assert len(got) == 3
    assert list(got[0]) == [2, 6]
    assert list(got[3]) == [1, 4, 7]
    assert list(got[7]) == [5, 9]
    assert 3 in got and 1 not in got and -1 not in got and 99 not in got and "3" not in got
    with pytest.raises(KeyError):
        got[1]


def test_only_the_texts_counted_are_looked_at():
    text_hid = array("i", [2, -1, 2, 5, 5])  # (the last two beyond `ntexts`: not yet counted)
    got = HeadingTexts(text_hid, 3)
    assert list(got[2]) == [0, 2] and 5 not in got
    assert len(HeadingTexts(array("i"), 0)) == 0
