"""The texts' integer columns as `reports-tui search` reads them (`pieces.Column`): a piece at a time, each
piece checked against its checksum and its values checked when first read — a damaged or edited piece is
refused where a query reads it (the index is then built again), never read as a wrong value."""

from __future__ import annotations

from array import array

import pytest

from tui.index.search.pieces import CHUNK, Checked, Column, DamagedIndex, _chunk_sums

PER = CHUNK // 4


def _column(values: list[int], lo: int = 0, hi: int | None = None, ascending: bool = False,
            sums_of: list[int] | None = None) -> Column:
    data = array("i", values).tobytes()
    sums = _chunk_sums(array("i", sums_of).tobytes() if sums_of is not None else data)
    return Column(Checked(data, sums), lo, hi, ascending)


def test_a_column_reads_back_its_values_whole_or_by_value_or_slice():
    values = list(range(0, 7 * PER, 2))  # (four pieces and a bit)
    col = _column(values, 0, 7 * PER, ascending=True)
    assert len(col) == len(values)
    assert [col[i] for i in (0, 1, PER - 1, PER, PER + 1, 2 * PER + 5, len(values) - 1, -1)] == \
        [values[i] for i in (0, 1, PER - 1, PER, PER + 1, 2 * PER + 5, len(values) - 1, -1)]
    assert list(col[PER - 3:2 * PER + 4]) == values[PER - 3:2 * PER + 4]
    assert list(col[5:9]) == values[5:9] and list(col[9:5]) == []
    assert list(col) == values
    with pytest.raises(IndexError):
        col[len(values)]


def test_a_value_out_of_range_is_refused_where_its_piece_is_read():
    values = [1] * (3 * PER)
    values[2 * PER + 7] = -1
    col = _column(values, 0)
    assert col[5] == 1 and col[PER + 5] == 1  # (the pieces read hold none)
    with pytest.raises(DamagedIndex):
        col[2 * PER]
    top = _column([3] * PER + [9] + [3] * PER, 0, 8)
    assert top[0] == 3
    with pytest.raises(DamagedIndex):
        top[PER + 1]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_offsets_that_go_back_across_two_pieces_are_refused_whichever_is_read_first(order):
    values = list(range(3 * PER))
    values[PER - 1], values[PER] = values[PER], values[PER - 1]  # (the last of a piece above the next's first)
    col = _column(values, 0, 3 * PER, ascending=True)
    assert col[2 * PER] == 2 * PER
    at = (PER - 2, PER + 2)
    col[at[order[0]]]
    with pytest.raises(DamagedIndex):
        col[at[order[1]]]
    inside = list(range(2 * PER))
    inside[PER + 3], inside[PER + 4] = inside[PER + 4], inside[PER + 3]
    col = _column(inside, 0, 2 * PER, ascending=True)
    assert col[3] == 3
    with pytest.raises(DamagedIndex):
        col[PER]


def test_a_damaged_piece_is_refused_and_the_others_still_read():
    values = list(range(3 * PER))
    damaged = values.copy()
    damaged[PER + 10] ^= 1  # (a bit changed, its checksum as written)
    col = _column(damaged, 0, 3 * PER, ascending=True, sums_of=values)
    assert col[0] == 0 and col[2 * PER + 1] == 2 * PER + 1
    with pytest.raises(DamagedIndex):
        col[PER]
    assert len(_column([])) == 0 and list(_column([])) == []


def test_a_column_of_the_wrong_length_is_refused():
    data = b"\x01\x02\x03"
    with pytest.raises(DamagedIndex):
        Column(Checked(data, _chunk_sums(data)), 0)
