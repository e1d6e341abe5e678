"""What a search index read back from the parse cache holds per report once the app has synced it, and
what a query keeps after it is answered: measured with tracemalloc on a generated library of a few
thousand reports (at 100,000 reports each was ~100 MB; `benchmarks/bench_held.py` measures the real
figures)."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from tests.unit.test_faults_memory import Traced
from tui.index.search.engine import SearchIndex
from tui.index.search.index import Doc
from tui.index.search.packed import JoinedNames

N = 3000


def _report(i: int) -> SimpleNamespace:
    week = f"2024-W{i % 52 + 1:02d}"
    return SimpleNamespace(source=SimpleNamespace(path=f"/lib/{i:05d}.md", member=None), size=100 + i,
                           mtime=float(i), week=week, label=week, author=f"author{i % 7}", created="",
                           sort_key=(0, week, "", f"/lib/{i:05d}.md"))


def _record(i: int) -> tuple:
    entries = ((1, f"Report {i} weekly", "", (), None, True, "title"),
               (3, f"## Progress {i % 40}", "Progress", ("Progress",), None, True, "section"),
               (4, f"- alpha release {i} went out", "Progress", ("Progress",), None, False, "item"),
               (5, f"- alpha review {i % 97}", "Progress", ("Progress",), None, False, "item"))
    return ((), (), (("Progress", None, "Progress"),), entries)


def _read_back() -> tuple[SearchIndex, list[SimpleNamespace]]:
    """An index of N reports saved and read back (the app reads the stored parts the same way), and
    the library's reports it holds."""
    reports = [_report(i) for i in range(N)]
    built = SearchIndex()
    built.add((Doc.of(r), _record(i)) for i, r in enumerate(reports))
    return SearchIndex.from_parts(built.to_parts()), reports


def test_a_synced_index_holds_no_record_object_per_report():
    """The sync that gives an index read back the library's reports keeps only the report given, per
    report (a pointer): no `Doc` made from each stored row (~1 KB a report, ~100 MB at 100,000)."""
    index, reports = _read_back()
    with Traced() as t:
        added = index.sync(reports, lambda rs: [])
        gc.collect()
        held = t.now()
    assert added == 0 and index.live_docs == N
    assert held < 32 * N, f"the sync holds {held / N:.0f} bytes a report"
    # hits still carry the library's own report, and what they show comes from the stored row
    hit = index.search("release 1234").hits[0]
    assert hit.report is reports[1234] and hit.author == "author2"
    # what the filters read comes from the rows too, held by none
    assert {h.report.week for h in index.search("alpha week:2024-W05", limit=0).hits} == {"2024-W05"}
    # a report gone is dropped, a new one added, each once
    gone, new = reports[7], _report(N)
    added = index.sync([r for r in reports if r is not gone] + [new], lambda rs: [_record(N) for _ in rs])
    assert added == 1 and index.live_docs == N
    assert not index.search("release 7 went").hits or all(h.report is not gone for h in index.search("release 7").hits)
    assert index.search(f"release {N} went").hits[0].report is new


def test_a_one_word_query_keeps_none_of_its_texts_after_it():
    """A string most texts hold: what the index keeps once it is answered is a few packed arrays at
    most (4 bytes a text each), not its classes by text (a dict of every text: ~120 MB at 100,000)."""
    index, reports = _read_back()
    index.sync(reports, lambda rs: [])
    index.search("review", limit=40)  # (what any first query makes: the vocabulary's tables, the ranks)
    with Traced() as t:
        got = index.search("lpha", limit=40)  # (inside a word: classified by the full search)
        del got
        gc.collect()
        held = t.now()
    assert held < 24 * index.ntexts, f"a query keeps {held / index.ntexts:.0f} bytes a text"


def test_headings_read_back_are_held_joined_and_answer_as_a_list():
    index, _reports = _read_back()
    heads = index.heads
    assert isinstance(heads, JoinedNames)
    as_list = [heads[i] for i in range(len(heads))]
    assert heads == as_list and list(heads) == as_list and heads[-1] == as_list[-1] and heads[1:3] == as_list[1:3]
    assert "## progress 39" in as_list
    # a heading holding a line break keeps the list (the joined form could not tell them apart)
    assert JoinedNames.of(["a\nb", "c"]) == ["a\nb", "c"] and type(JoinedNames.of(["a\nb", "c"])) is list
    # growing it makes it a list again, and the new heading is found
    index.add([(Doc.of(_report(N)), ((), (), (), ((1, "## Brand new heading", "", (), None, True, "section"),)))])
    assert index.search("brand new heading").hits
