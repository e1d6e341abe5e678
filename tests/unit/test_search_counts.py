"""A one-letter key's total (the entries holding a character) is kept per character, and a two-letter
one's per pair of Latin letters or digits, as reports are added and replaced
(`columns.IndexData.char_count`), saved with the index and read back: it is every live entry holding
the string, counted by brute force, however the index was made, and found without a scan of the texts
or a posting list — and a count a saved index holds out of range is refused (the index is then built
again), never shown as a total."""

from __future__ import annotations

import json
import random

import pytest

from tui.index.search import scans
from tui.index.search.engine import SearchIndex
from tui.index.search.index import DamagedIndex, Doc
from tui.index.search.parts import _chunk_sums
from tui.index.search.records import fold, lower, visible

PIECES = ["Rust", "trust", "async", "Bytes", "ss", "in", "zfxt", "贝易转", "存管路由", "的", "进度", "x86_64",
          "[see](https://rust-lang.org/b)", "POS", "İstanbul", "，", " "]
STRINGS = ["s", "b", "S", "x", "8", "的", "进", "ru", "ss", "in", "zf", "_6", "i", "q"]


def _report(i: int, rnd: random.Random, version: int = 0) -> tuple[Doc, tuple]:
    week = f"2024-W{1 + i % 40:02d}"
    doc = Doc(f"/lib/{i}.md", "", 100 + version, float(version), week, week.lower(), None, "",
              (0, week, "", f"/lib/{i}.md"))
    ents = [(1, f"Week {i}", "", (), None, True, "title"), (2, "【O1 业务】", "O1 业务", ("O1业务",), None, True, "section")]
    for line in range(3, 3 + rnd.randint(1, 8)):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 5)))
        ents.append((line, text, "O1 业务", ("O1业务",), None, False, "item"))
    return doc, ((), (), (("O1业务", "O1", "O1 业务"),), tuple(ents))


def _holding(reports: list[tuple[Doc, tuple]], w: str) -> int:
    """Every entry of these reports whose line (as searched: visible, folded, lower case) holds `w`."""
    return sum(w in lower(fold(visible(e[1])[0])) for _doc, rec in reports for e in rec[3])


def _counts(ix: SearchIndex) -> dict[str, int]:
    return {k: v for k, v in ix.char_count.items() if v}


@pytest.fixture
def grown() -> tuple[SearchIndex, list[tuple[Doc, tuple]]]:
    """An index grown a few reports at a time, some reports replaced on the way (the old version marked
    dead), then read back from its parts and grown and replaced again; and its live reports."""
    rnd = random.Random(7)
    live = {i: _report(i, rnd) for i in range(30)}
    ix = SearchIndex()
    ix.add(live[i] for i in range(12))
    ix.add(live[i] for i in range(12, 30))
    for i in (3, 17, 29):  # (a report changed: its old version dead, the new one appended)
        ix.kill(i)
        live[i] = _report(i, rnd, version=1)
        ix.add([live[i]])
    ix = SearchIndex.from_parts(ix.to_parts())
    for d in (0, 5):
        ix.kill(d)
        del live[d]
    live[40] = _report(40, rnd)
    ix.add([live[40]])
    return ix, list(live.values())


def test_a_keys_total_is_every_live_entry_holding_it_after_reports_are_added_replaced_and_read_back(grown):
    ix, live = grown
    for w in STRINGS:
        want = _holding(live, lower(w))
        assert ix._live_holding(lower(w)) == want, w
        res = ix.search(w, limit=3)
        if len(res.hits) == 3 and not res.capped and res.hits[0].tier == "exact" and w.islower():
            assert res.total >= want, w  # (the exact tier's count, the others' on top when they ran)
    # the same counts as an index built at once from the live reports, and as read back from the parts
    at_once = SearchIndex()
    at_once.add(live)
    assert _counts(ix) == _counts(at_once)
    assert _counts(SearchIndex.from_parts(ix.to_parts())) == _counts(ix)
    assert _counts(SearchIndex.from_parts(ix.to_parts(), lazy=True)) == _counts(ix)


def test_a_one_or_two_letter_keys_total_needs_no_scan_of_the_texts(grown, monkeypatch):
    ix, live = grown

    def no_scan(*_args, **_kw):
        raise AssertionError("the texts were scanned for a count kept as the index grows")

    for name in ("_texts_in", "_texts_of", "_short_holding", "_short_count", "_holding"):
        monkeypatch.setattr(scans.TextScans, name, no_scan)
    for w in ("s", "的", "q", "İ", "_", "ru", "ss", "in", "86", "qz"):  # (and two Latin letters or digits)
        assert ix._live_holding(w) == _holding(live, w), w
    monkeypatch.undo()
    assert ix._live_holding("_6") == _holding(live, "_6")  # (two characters of another kind: scanned, as before)


def _edited(parts: dict[str, bytes], counts: dict) -> dict[str, bytes]:
    """The parts with `char_count` changed and its checksums made to match again (an edit, not damage)."""
    out = dict(parts)
    out["char_count"] = json.dumps(counts).encode()
    sums = json.loads(parts["sums"])
    sums["char_count"] = _chunk_sums(out["char_count"])
    out["sums"] = json.dumps(sums).encode()
    return out


@pytest.mark.parametrize("change", ["above every live entry", "a pair above every live entry", "below one",
                                    "not an integer", "two characters not counted", "not an object"])
def test_a_saved_count_out_of_range_is_refused(grown, change):
    ix, _live = grown
    parts = ix.to_parts()
    counts = json.loads(parts["char_count"])
    assert SearchIndex.from_parts(_edited(parts, counts)).char_count == ix.char_count
    if change == "above every live entry":
        counts["s"] = ix.live_entries + 1
    elif change == "below one":
        counts["s"] = 0
    elif change == "not an integer":
        counts["s"] = 2.5
    elif change == "a pair above every live entry":
        counts["ru"] = ix.live_entries + 1
    elif change == "two characters not counted":
        counts["进度"] = 1
    else:
        counts = [counts]
    with pytest.raises(DamagedIndex):
        SearchIndex.from_parts(_edited(parts, counts))


def test_an_index_saved_without_counts_is_refused(grown):
    parts = grown[0].to_parts()
    del parts["char_count"]
    with pytest.raises(DamagedIndex):
        SearchIndex.from_parts(parts)

