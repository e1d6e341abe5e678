"""What building a search index holds, per byte of the text it indexes: measured with tracemalloc on a
generated library of a few thousand reports (at 100,000 reports the build of `reports-tui search` peaked
at 8.4 GB of RSS; `README.md`, "What building the index holds", has the real figures)."""

from __future__ import annotations

import gc

from tests.unit.test_faults_memory import Traced
from tests.unit.test_search_held import _report
from tui.index.search import columns
from tui.index.search.engine import SearchIndex

N = 3000


def _record(i: int) -> tuple:
    entries = [(1, f"Report {i} weekly", "", (), None, True, "title"),
               (3, f"## Progress {i % 40}", "Progress", ("Progress",), None, True, "section")]
    for j in range(20):  # (distinct lines, most with hanzi and a full-width comma, as real reports have)
        entries.append((4 + j, f"- 项目{i}进展，第{j}项：alpha release {i * 31 + j} went out", "Progress",
                        ("Progress",), None, False, "item"))
    entries.append((30, "- 本周无风险", "Progress", ("Progress",), None, False, "item"))
    return ((), (), (("Progress", None, "Progress"),), tuple(entries))


def _records(reports) -> list[tuple]:
    return [_record(int(r.source.path[5:10])) for r in reports]


def test_building_an_index_holds_a_bounded_multiple_of_its_text():
    """Its lines are held once, as bytes: not a second time as the keys of the tables that find a line
    seen before (before: 23 times the text at the peak), nor as an array of entries per line."""
    reports = [_report(i) for i in range(N)]
    with Traced() as t:
        index = SearchIndex()
        index.sync(reports, _records)
        index.settle()  # (what only growing needs let go of: as before the index is saved)
        gc.collect()
        peak, held = t.peak(), t.now()
    text = len(index.cased)
    assert peak < 20 * text, f"the build peaked at {peak / text:.1f} times its text"
    assert held < 8 * text, f"the built index holds {held / text:.1f} times its text"
    assert index.search("release 3100 went").hits[0].report is reports[100]


def test_lines_of_one_hash_are_told_apart(monkeypatch):
    """Lines are found again by their hash, checked against the line held: with every hash the same,
    the index is the same as built otherwise (the same ids, the same parts) and answers the same."""
    reports = [_report(i) for i in range(200)]
    normal = SearchIndex()
    normal.sync(reports, _records)
    normal.sync(reports[:150] + [_report(200)], _records)
    monkeypatch.setattr(columns, "hash", lambda key: 7, raising=False)
    clashing = SearchIndex()
    clashing.sync(reports, _records)
    clashing.sync(reports[:150] + [_report(200)], _records)  # (grown again: found by hash, then by key)
    assert clashing._b is not None and clashing._b.otexts.clash
    a, b = normal.to_parts(), clashing.to_parts()
    assert a.keys() == b.keys()
    assert [n for n in a if n not in ("meta", "sums") and a[n] != b[n]] == []  # (the random token)
    for q in ("release 31", "本周无风险", "progress 7", "项目12"):
        assert [(h.report, h.line) for h in normal.search(q).hits] == [(h.report, h.line) for h in clashing.search(q).hits]
