"""Which entries of the matching lines are hits: the filters that keep them (`week:`, `by:`, `in:`,
`kpi:`, `url:`) and the order they rank in — by score, then the newest report first (its stored sort
key), then source order. A common line's entries are found by walking reports newest first, a rare
one's by sorting its postings."""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from functools import partial
from itertools import compress
from operator import itemgetter
from typing import Callable

from . import match as mt
from .index import IndexData
from .query import Query, week_keep
from .records import lower, norm
from .scored import LineMatch

_TITLE = 2  # (`index.KINDS`)
SORT_MAX = 4000  # a line set with at most this many entries is ordered by sorting, more by walking reports
WALK_SLACK = 4.0  # a walk that takes this much longer than expected switches to sorting


class Picking(IndexData):
    """The filters and the rank order of entries (see the module's description)."""

    def _take(self, matches: dict[int, LineMatch], cap: int, scope: bytearray | None,
              pred: Callable[[int], bool] | None, picked: list[tuple[int, LineMatch]]) -> tuple[int, bool]:
        """Add to `picked` (up to `cap`) the entries of these texts, best score first, then rank; return
        how many entries the filters keep in all, and whether that is a lower bound."""
        by_score: dict[float, list[int]] = {}
        for tid, m in matches.items():
            if self.tid_count[tid] > 0:
                by_score.setdefault(m.score, []).append(tid)
        total, capped = 0, False
        for score in sorted(by_score, reverse=True):
            eids, count, cut = self._collect(by_score[score], cap - len(picked), scope, pred)
            picked.extend((e, matches[self.entry_tid[e]]) for e in eids)
            total += count
            capped = capped or cut
        return total, capped

    # -- filters -------------------------------------------------------------------------------

    def _doc_scope(self, q: Query, names: Callable[..., set[str]] | None = None
                   ) -> bytearray | None:
        """A byte per report: whether `week:` and `by:` keep it (None: no such filter)."""
        if not (q.weeks or q.week_labels or q.authors):
            return None
        weeks, labels, authors = self._doc_columns()
        keep = bytearray(b"\x01") * self.ndocs
        if q.weeks or q.week_labels:
            keep = week_keep(q, weeks, labels)
        if q.authors and names is not None:
            ok = names(q.authors, [a for a in dict.fromkeys(authors) if a], self._readings_of)
            keep = bytearray(k and (a in ok) for k, a in zip(keep, authors))
        elif q.authors:
            ok = {a for a in set(authors) if a and any(mt.author_matches(v, a, self._author_readings(a))
                                                          for v in q.authors)}
            keep = bytearray(k and (a in ok) for k, a in zip(keep, authors))
        return bytearray(k and not dead for k, dead in zip(keep, self.doc_dead))  # (never a dead report)

    def _doc_columns(self) -> tuple[list[str], list[str], list[str | None]]:
        """Per report: its ISO week ("" when undated), its label case-folded, its author."""
        got = getattr(self, "_doc_cols_memo", None)
        if got is None or got[0] != self.ndocs:
            weeks, labels, authors = [], [], []
            for d in self.each_doc():  # (none kept: the report's own strings where a sync gave it one)
                weeks.append(d.week or "")
                labels.append(d.label.casefold())
                authors.append(d.author)
            got = self._doc_cols_memo = (self.ndocs, weeks, labels, authors)
        return got[1], got[2], got[3]

    def _author_readings(self, author: str) -> list[tuple[str, ...]] | None:
        from .records import has_hanzi

        return self._readings_of(author) if has_hanzi(author) else None

    def matching_sections(self, value: str) -> set[str]:
        """Section keys (and OKR codes) an `in:` value names: the code, a part of the name, or a part
        within the fuzzy edit budget (`_names_like`)."""
        v = norm(value.replace("【", "").replace("】", "").replace(" ", ""))
        out = set()
        for key in self.section_keys:
            k = norm(key)
            if re.fullmatch(r"o\d", v):
                if k == v or (k.startswith(v) and not k[len(v):len(v) + 1].isdigit()):
                    out.add(key)
            elif _names_like(v, k):
                out.add(key)
        return out

    def matching_kpis(self, value: str) -> set[int]:
        """Ids of the KPI names a `kpi:` value names (every KPI for an empty value)."""
        if not value:
            return set(range(len(self.kpi_names)))
        v = norm(value)
        return {i for i, k in enumerate(self.kpi_names) if _names_like(v, norm(k))}

    def _line_filter(self, q: Query) -> Callable[[int], bool] | None:
        """A test of each entry for the `in:`, `kpi:` and `url:` filters (None: no such filter)."""
        if not q.line_filters:
            return None
        tests: list[Callable[[int], bool]] = []
        e_shape = self.entry_shape
        if q.sections:
            chains = self._section_chains(q)
            cols = self.shape_cols
            kept = self._section_kept(chains)
            if kept is not None:  # (each shape's section known already: `_section_texts`)
                in_shape = kept[1]

                def in_section(eid: int) -> bool:
                    return in_shape[e_shape[eid]] == 1
            else:  # (each entry's shape read on demand until that costs what every shape's chain does)
                table = _byte_table(chains)
                state: list = [0 if self._shape_chains_kept() is not None else self.SHAPES_ASKED, None]

                def in_section(eid: int) -> bool:
                    by_shape = state[1]
                    if by_shape is not None:
                        return table[by_shape[e_shape[eid]]] == 1
                    if state[0] <= 0:
                        state[1] = self._shape_chains()
                        if state[1] is not None:
                            return in_section(eid)
                        state[0] = 1 << 62  # (a chain id past a byte: asked on demand throughout)
                    state[0] -= 1
                    return cols[6 * e_shape[eid] + 2] in chains
            tests.append(in_section)
        if q.kpis:
            nids = set().union(*(self.matching_kpis(v) for v in q.kpis))
            eids = {e for e, n in zip(self.kpi_eid, self.kpi_nid) if n in nids}
            tests.append(eids.__contains__)
        if q.urls:
            uids = set(range(len(self.url_off) - 1))
            for v in q.urls:
                uids &= set(self._scan(lower(v).encode("utf-8", "surrogatepass"), self.urls, self.url_off))
            o_url, cols_u = self.otext_url, self.shape_cols

            def has_url(eid: int) -> bool:
                return o_url[cols_u[6 * e_shape[eid]]] in uids
            tests.append(has_url)
        if len(tests) == 1:
            return tests[0]
        return lambda eid: all(t(eid) for t in tests)

    def _section_chains(self, q: Query) -> frozenset[int]:
        """The ids of the section chains the `in:` values name (a chain of a section named, or within one)."""
        keys = set().union(*(self.matching_sections(v) for v in q.sections))
        return frozenset(i for i, chain in enumerate(self.chains) if not keys.isdisjoint(chain))

    SHAPES_AT_ONCE = 1 << 16  # shapes read at a time for `_section_texts` (their columns: 24 bytes a shape)
    SECTIONS_KEPT = 2  # `in:` filters whose texts and shapes are kept (a byte a shape: ~0.6 MB at 10,000 reports)

    def _section_kept(self, chains: frozenset[int]) -> tuple[array, bytearray] | None:
        """`_section_texts` of these chains and a byte a shape (1: in one of them), when kept."""
        return self._section_memo().get(chains)

    def _section_memo(self) -> dict[frozenset[int], tuple[array, bytearray]]:
        return self._memo("_section_texts_memo", (self.ntexts, self.changes, len(self.shape_cols)))

    SHAPES_ASKED = 4096  # entries an `in:` filter tests reading their shapes (~8 µs each) before it reads every shape's chain

    def _by_shape_memo(self) -> dict[str, bytes | None]:  # (not named as the memo: `_memo` sets that on the index)
        return self._memo("_shape_chains_memo", (self.ntexts, self.changes, len(self.shape_cols)))

    def _shape_chains_kept(self) -> bytes | None:
        """`_shape_chains` when kept already (None otherwise)."""
        return self._by_shape_memo().get("")

    def _shape_chains(self) -> bytes | None:
        """Each shape's chain id as a byte, kept until the index changes: the shape columns are read once
        for every `in:` filter (~60 ms at 10,000 reports, where their chain column, a slice of shapes at a
        time, is cut out at C speed; ~0.6 MB kept). None when a chain id does not fit in a byte."""
        if len(self.chains) > 256:
            return None
        memo = self._by_shape_memo()
        if "" not in memo:  # (once: None when an id does not fit)
            cols, out, step = self.shape_cols, bytearray(), 6 * self.SHAPES_AT_ONCE
            low = 0 if sys.byteorder == "little" else 3
            for a in range(0, len(cols), step):
                raw = array("i", cols[a:a + step])[2::6].tobytes()  # (each shape's chain id, its 4 bytes)
                ids = raw[low::4]
                if raw.count(0) - ids.count(0) != 3 * len(ids):  # (an id past a byte, or below 0)
                    memo[""] = None
                    break
                out += ids
            else:
                memo[""] = bytes(out)
        return memo[""]

    def _section_texts(self, q: Query) -> array:
        """The texts with an entry in a section the `in:` values name (of a live report or not), ascending:
        the only texts whose entries the filter can keep, so the only ones a query's words are looked for
        in (`in:O2 进`: ~60,000 of 473,000 texts at 10,000 reports, where `进` is in 171,000). Kept, with
        whether each shape is in one of the sections (the filter's test of an entry then reads no shape),
        for a few filters until the index changes (typing the words after the filter asks it again)."""
        chains = self._section_chains(q)
        got = self._section_kept(chains)
        if got is not None:
            return got[0]
        by_shape = self._shape_chains()
        if by_shape is not None:  # (each shape's chain a byte: those of the filter's chains made 1 at C speed)
            in_shape = bytearray(by_shape.translate(_byte_table(chains)))
        else:  # (a chain id past a byte, or out of range in a damaged index: each shape's chain looked up)
            cols, in_shape = self.shape_cols, bytearray()
            step = 6 * self.SHAPES_AT_ONCE
            for a in range(0, len(cols), step):
                in_shape += bytes(map(chains.__contains__, cols[a:a + step][2::6]))
        found: set[int] = set()
        step = self.SHAPES_AT_ONCE
        for a in range(0, len(self.entry_tid), step):  # (each entry's byte picked at C speed, a slice at a time)
            shapes = self.entry_shape[a:a + step]
            flags = itemgetter(*shapes)(in_shape) if len(shapes) > 1 else (in_shape[shapes[0]],)
            found.update(compress(self.entry_tid[a:a + step], flags))
        got = (array("i", sorted(found)), in_shape)
        return self._keep(self._section_memo(), chains, got, self.SECTIONS_KEPT)[0]

    # -- which entries rank first ----------------------------------------------------------------

    def _collect(self, tids: list[int], need: int, scope: bytearray | None,
                 pred: Callable[[int], bool] | None) -> tuple[list[int], int, bool]:
        """The first `need` entries of these texts in rank order (newest report first, then source
        order) that the filters keep; how many the filters keep in all; whether that count is a lower
        bound."""
        rank, by_rank, _order = self.ranks()
        live_total = sum(self.tid_count[t] for t in tids)
        if not live_total:
            return [], 0, False
        if need <= 0:
            count, capped = self._count(tids, scope, pred, live_total)
            return [], count, capped
        walk_cost = self._walk_cost(need, live_total, len(by_rank))
        budget = WALK_SLACK * walk_cost if walk_cost is not None else None
        if pred is not None and need < (1 << 61) and live_total > SORT_MAX:
            # how many entries a line filter keeps is not known: walk until it costs what sorting would
            budget = max(budget or 0.0, 0.3 * live_total)
        if budget is not None:
            got = self._walk(tids, need, scope, pred, by_rank, budget=budget)
            if got is not None:
                count, capped = self._count(tids, scope, pred, live_total)
                return got, max(count, len(got)), capped
        eids = self._sorted_entries(tids, scope, rank)
        if pred is None:
            return eids[:need], len(eids), False
        kept = [e for e in eids if pred(e)]
        return kept[:need], len(kept), False

    def _walk_cost(self, need: int, live_total: int, n_live: int) -> float | None:
        """What walking reports newest first is expected to cost (in µs), when that is cheaper than
        sorting every entry; None when sorting is (few entries, or all of them wanted)."""
        per_doc = len(self.entry_tid) / max(1, self.ndocs)
        cost = (need * n_live / live_total) * (2.0 + 0.03 * per_doc)
        if need < (1 << 61) and live_total > SORT_MAX and cost < 0.3 * live_total:
            return cost
        return None

    def _sorted_entries(self, tids: list[int], scope: bytearray | None, rank: array) -> list[int]:
        """Every entry of these texts in live reports kept by `scope`, in rank order."""
        n = len(self.entry_tid) + 1
        nd = self.ndocs
        doc_after = partial(bisect_right, self.doc_first)  # (a report's index + 1)
        keys: list[int] = []
        for t in tids:
            posts = self.postings(t)
            if scope is None:
                keys.extend([rank[d - 1] * n + e for d, e in zip(map(doc_after, posts), posts)])
            else:
                keys.extend([rank[d - 1] * n + e if scope[d - 1] else nd * n
                             for d, e in zip(map(doc_after, posts), posts)])
        keys.sort()
        cut = bisect_left(keys, nd * n)  # (dead reports rank last; so do those the scope drops)
        return [k % n for k in keys[:cut]]

    def _walk(self, tids: list[int], need: int, scope: bytearray | None, pred: Callable[[int], bool] | None,
              by_rank: array, budget: float) -> list[int] | None:
        """The first `need` entries found walking reports newest first, or None past the budget."""
        want = bytearray(self.ntexts)
        for t in tids:
            want[t] = 1
        first, e_tid = self.doc_first, self.entry_tid
        out: list[int] = []
        cost = 0.0
        for d in by_rank:
            if scope is not None and not scope[d]:
                continue
            lo, hi = first[d], first[d + 1]
            cost += 2.0 + 0.03 * (hi - lo)
            for e in compress(range(lo, hi), map(want.__getitem__, e_tid[lo:hi])):
                if pred is None or pred(e):
                    out.append(e)
                    if len(out) >= need:
                        return out
            if cost > budget:
                return None
        return out

    def _count(self, tids: list[int], scope: bytearray | None, pred: Callable[[int], bool] | None,
               live_total: int) -> tuple[int, bool]:
        """How many entries of these texts the filters keep, and whether that is a lower bound only."""
        if scope is None and pred is None:
            return live_total, False
        if pred is None:  # a report filter only: counted at C speed, over whichever is smaller
            first = self.doc_first
            docs = [d for d in compress(range(self.ndocs), scope)]
            in_scope = sum(first[d + 1] - first[d] for d in docs)
            if in_scope < 4 * live_total:  # the reports kept: their entries of these texts
                want = bytearray(self.ntexts)
                for t in tids:
                    want[t] = 1
                e_tid = self.entry_tid
                return sum(sum(map(want.__getitem__, e_tid[first[d]:first[d + 1]])) for d in docs), False
            after = partial(bisect_right, first)  # else the texts' entries: in a report kept?
            kept = b"\x00" + bytes(scope)  # (by report index + 1)
            return sum(sum(map(kept.__getitem__, map(after, self.postings(t)))) for t in tids), False
        if live_total > SORT_MAX * 5:
            return 0, True
        n = 0
        doc_of, rank, nd = self.doc_of, self.ranks()[0], self.ndocs
        for t in tids:
            for e in self.postings(t):
                d = doc_of(e)
                if rank[d] < nd and (scope is None or scope[d]) and (pred is None or pred(e)):
                    n += 1
        return n, False

    def _listing(self, q: Query, scope: bytearray | None, pred: Callable[[int], bool] | None,
                 cap: int) -> tuple[list[int], int, bool]:
        """Filters alone: every line they keep (not report titles), newest report first."""
        _rank, by_rank, _order = self.ranks()
        first = self.doc_first
        out: list[int] = []
        for d in by_rank:
            if scope is not None and not scope[d]:
                continue
            for e in range(first[d], first[d + 1]):
                if pred is not None and not pred(e):
                    continue
                if self.shape_cols[6 * self.entry_shape[e] + 4] == _TITLE:
                    continue
                out.append(e)
                if len(out) >= cap:
                    return out, len(out), True
        return out, len(out), False

def _names_like(v: str, name: str) -> bool:
    """Whether a filter value (lower case) names a section or KPI name (lower case): a part of it, or,
    from 3 characters on, a fuzzy match of it (a Latin word within an edit or two of one of the
    name's whole words, else a run of the name within the edit budget)."""
    if v in name:
        return True
    if len(v) < 3:
        return False
    return (mt.fuzzy_latin(v, name, starts=False) if mt.is_latin_word(v) else mt.fuzzy_window(v, name)) is not None


def _byte_table(chains: frozenset[int]) -> bytes:
    """For `bytes.translate` and indexing by a chain id below 256: 1 for the ids in `chains`, else 0."""
    return bytes(c in chains for c in range(256))
