"""Search across every report: the one engine the app and `reports-tui search` both answer with.

A query (`query.parse_query`) is answered in two steps. First, which distinct lines match and how
well (`match` has the rules): the lower-case text of every line is one byte string, so a word's lines
are found by scanning it (C speed; no n-gram index to build or store), then scored; fuzzy matches
come from the library's Latin words within an edit or two (`vocab`) or from lines holding most of the
word's characters; pinyin from the readings of names and, in full syllables, from the readings of
each hanzi of the text. Second, which of those lines' entries rank first: by score, then the newest
report first (its stored sort key), then source order. A common line's entries are found by walking
reports newest first, a rare one's by sorting its postings. Nothing depends on the order a report was
added in, so an index grown report by report, one built at once and one read back from the parse
cache give the same hits.
"""

from __future__ import annotations

import re
import time
from array import array
from bisect import bisect_left, bisect_right
from functools import partial
from collections import Counter
from itertools import accumulate, chain, compress
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from . import match as mt
from . import pinyin as py
from .index import Doc, IndexData
from .query import Query, parse_query, week_keep
from .records import Record, doc_record, is_word_char, lower, norm

__all__ = ["SearchIndex", "SearchResult", "Hit", "Query", "parse_query", "build_index", "search", "norm"]

_WORD_BYTES = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz")  # (`records.is_word_char`, lower case)
_WORD_BYTES_CASED = _WORD_BYTES | frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WORD_CLASS, _WORD_CLASS_CASED = rb"0-9a-z", rb"0-9A-Za-z"  # (the same, as a regular expression's [class])
_REST = rb"[^\n]*\n"  # (after a match: the rest of its text, so that a scan finds each text once)
CHAR_MEMO = 256  # characters whose texts are kept (`texts_with`)
_LOOKUP_RATIO = 4  # matches found by looking each up while fewer than 1/4 of the texts (`_texts_of`)
_TITLE = 2  # (`index.KINDS`)
POSTINGS_MIN = 50_000  # texts from which a posting index narrows scans down (fewer: a scan takes a few ms)
CANDIDATES_MIN, CANDIDATES_SHARE = 2_000, 16  # posting lists naming more than max(2,000, 1/16 of the texts):
# every text is scanned instead (joining that many candidates costs what scanning them all does)
SORT_MAX = 4000  # a line set with at most this many entries is ordered by sorting, more by walking reports
WALK_SLACK = 4.0
FUZZY_EACH = 2_000  # texts holding a query's other words looked at one by one for a mistyped word; more: scanned
TYPED_WALK = 20_000  # entries walked at most while the user types (`_as_typed`), before the full search  # a walk that takes this much longer than expected switches to sorting


class Hit(NamedTuple):
    """One search result: a line of a report."""

    report: Any  # the library's Report (in the app), or the index's `Doc` (which shows the same fields)
    line: int
    text: str  # the line as written
    section: str
    project: str | None  # project key
    project_name: str | None
    score: float
    spans: list[tuple[int, int]]  # matched characters of `text`
    tier: str  # exact | fuzzy | pinyin | filter
    kind: str  # item | section | title
    order: int = 0  # the report's position in week order
    author: str | None = None

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `search` fields."""
        r = self.report
        return {
            "path": r.source.display, "week": r.week, "label": r.label, "author": self.author,
            "section": self.section, "project": self.project_name, "text": self.text, "line": self.line,
            "score": round(self.score, 1), "spans": [[a, b] for a, b in self.spans],
        }


class SearchResult:
    """Hits best first; how many matched in all (`capped`: at least that many); how many reports were
    searched, of how many there are (`of`: None when every report was searched)."""

    __slots__ = ("query", "hits", "total", "capped", "seconds", "searched", "of")

    def __init__(self, query: Query, hits: list[Hit], total: int, capped: bool = False, seconds: float = 0.0,
                 searched: int = 0, of: int | None = None):
        self.query, self.hits, self.total, self.capped = query, hits, total, capped
        self.seconds, self.searched, self.of = seconds, searched, of

    def __repr__(self) -> str:
        return (f"SearchResult({self.query.raw!r}, {len(self.hits)} hits, total={self.total}, capped={self.capped}, "
                f"searched={self.searched}, of={self.of})")

    @property
    def complete(self) -> bool:
        """Whether every report was searched."""
        return self.of is None or self.searched >= self.of


class _Typo(NamedTuple):
    """A fuzzy match of several words: which one was mistyped, and its span (None: a Latin word's, found
    again for the hits shown)."""
    word: int
    span: Any


class _Match:
    """How a line (text id) matched: its score, tier and what its spans are found from."""

    __slots__ = ("score", "tier", "info")

    def __init__(self, score: float, tier: str, info: Any = None):
        self.score, self.tier, self.info = score, tier, info


class SearchIndex(IndexData):
    """Every line of a library, ready to search (see the module's description)."""

    postings_min, candidates_min, candidates_share = POSTINGS_MIN, CANDIDATES_MIN, CANDIDATES_SHARE

    # -- building ------------------------------------------------------------------------------

    def __init__(self, reports: Iterable[Any] = (), records: Iterable[Record] | None = None) -> None:
        """An index of reports (none: an empty one, to `sync` or `add` to), with their search records
        (computed from the reports when not given)."""
        super().__init__()
        reports = list(reports)
        if reports:
            recs = records if records is not None else map(doc_record, reports)
            self.add(zip(map(Doc.of, reports), recs))

    @classmethod
    def build(cls, reports: Iterable[Any], records: Iterable[Record] | None = None) -> SearchIndex:
        """An index of reports, with their search records (computed from the reports when not given)."""
        return cls(reports, records)

    def sync(self, reports: list[Any], records: Callable[[list[Any]], Iterable[Record]],
             progress: Callable[[int, int], None] | None = None, batch: int = 256) -> int:
        """Make the index hold exactly these reports: those gone or changed (by path, size and mtime)
        are marked dead, new ones added, `batch` at a time, each batch under the lock (searches run
        between them); `records(reports)` gives their search records. Returns how many were added."""
        wanted: dict[tuple, Any] = {}
        for r in reports:
            wanted.setdefault(Doc.key_of(r), r)
        with self.lock:
            live: set[tuple] = set()
            docs = self.all_docs()
            for d in range(self.ndocs):
                if self.doc_dead[d]:
                    continue
                doc = docs[d]
                k = doc.key
                if k in wanted and k not in live:
                    live.add(k)
                    doc.ref = wanted[k]
                else:
                    self.kill(d)
            self._hit_memo = {}  # (hits carry the reports given now)
        missing = [r for k, r in wanted.items() if k not in live]
        done = 0
        for i in range(0, len(missing), batch):
            chunk = missing[i:i + batch]
            recs = list(records(chunk))
            with self.lock:
                self.add(zip(map(Doc.of, chunk), recs))
            done += len(chunk)
            if progress is not None:
                progress(len(live) + done, len(wanted))
        return len(missing)

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: str | Query, limit: int = 50, authors: Iterable[str] = (),
               counted: bool = True, names: Callable[..., set[str]] | None = None) -> SearchResult:
        """Hits for a query, best first, at most `limit` of them (0: all); `authors`: `by:` values
        given apart; `names(values, authors, readings)`: which of the authors the `by:` values name (the
        library's one rule, `index.authors.AuthorNames.naming`), else `match.author_matches` decides.
        `total` counts every match of the tiers that ran (`capped`: a lower bound); without `counted`,
        a total is only what finding the hits took (the same hits, found sooner when whole words alone
        fill the limit: as the user types)."""
        t0 = time.perf_counter()
        q = parse_query(query, list(authors)) if isinstance(query, str) else query
        with self.lock:
            lim = limit if limit and limit > 0 else 0
            res = None if counted or not lim else self._as_typed(q, lim)  # (never with `by:`: filters go below)
            if res is None:
                res = self._search(q, lim, names)
            res.searched = self.live_docs
        res.seconds = time.perf_counter() - t0
        return res

    def _search(self, q: Query, limit: int, names: Callable[..., set[str]] | None = None
                ) -> SearchResult:
        cap = limit or (1 << 62)
        scope = self._doc_scope(q, names)
        pred = self._line_filter(q)
        if not q.words:
            if not q.has_filters:
                return SearchResult(q, [], 0)
            found, total, capped = self._listing(q, scope, pred, cap)
            filt = _Match(mt.FILTER_SCORE, "filter")
            hits = self._hits(q, [(eid, filt) for eid in found])
            return SearchResult(q, hits, total, capped)
        matches = self._exact(q)
        picked: list[tuple[int, _Match]] = []
        total, capped = self._take(matches, cap, scope, pred, picked)
        # every exact hit ranks above every other (83 > 79): the other tiers only when these fall short
        if len(picked) < cap:
            lower: dict[int, _Match] = {}
            for tier in (self._fuzzy(q, matches), self._pinyin_names(q, matches), self._pinyin_text(q, matches)):
                for tid, m in tier.items():
                    old = lower.get(tid)
                    if old is None or m.score > old.score:
                        lower[tid] = m
            more, more_capped = self._take(lower, cap, scope, pred, picked)
            total, capped = total + more, capped or more_capped
        elif scope is not None or pred is not None:
            capped = True  # (the filters' exact matches alone fill the limit: the others are not counted)
        hits = self._hits(q, picked)
        return SearchResult(q, hits, total, capped)

    def _as_typed(self, q: Query, limit: int) -> SearchResult | None:
        """The hits as the user types (the same as the full search's), found without classifying every
        line that holds the words; their count a lower bound of the total. None: the full search runs.

        The texts holding every word as a whole word (one scan per word) and the heading lines whose
        heading holds every word are all the texts that can score above a prefix (90); when they fill
        the limit, they are the hits. Else reports are walked newest first, each new text of their
        entries scored (`match.exact_score`), until those and the prefixes found fill the limit: any
        entry not reached yet ranks below them. A walk past `TYPED_WALK` entries gives up."""
        if not q.words or q.has_filters:
            return None
        words = list(q.words)
        lw = [lower(w) for w in words]
        count = self.tid_count
        cjk = not any(is_word_char(w[0]) or is_word_char(w[-1]) for w in q.words)
        if cjk:
            # (CJK words only: every occurrence is whole, so every text holding the words scores a whole
            # word at least; those scoring more — heading lines, the words together — are found below,
            # the others walked newest first)
            if any(self._candidates(w) is not None for w in lw) or (len(lw) > 1 and self._candidates(lw) is not None):
                return None  # (rare: the full search scans few texts)
            known: dict[int, _Match] = {}
            level = mt.CLASS_SCORE[mt.WHOLE]
        else:
            known = self._exact(q, whole_only=True)
            if sum(count[t] for t in known) >= limit:
                picked: list[tuple[int, _Match]] = []
                self._take(known, limit, None, None, picked)
                return SearchResult(q, self._hits(q, picked), len(picked), capped=True)
            if any(self._candidates(w) is not None for w in lw) or (len(lw) > 1 and self._candidates(lw) is not None):
                return None  # (a rare word, or words rare together: the full search scans few texts, a walk would find few hits)
            level = mt.CLASS_SCORE[mt.PREFIX]
        cased_any = any(mt.case_sensitive(w) for w in words)
        heads = self.heads
        by_head = self._heading_texts()
        # the heading lines whose heading holds every word (scored in one scan per word of just those)
        tids = [t for hid in self._heads_holding(lw) if hid in by_head
                for t in by_head[hid] if t not in known and count[t] > 0]
        for t, score in self._scored_in(words, lw, tids).items():
            if score > level:
                known[t] = _Match(score, "exact")
        if len(lw) > 1:  # (and the texts holding the words together: they too can score above a prefix)
            tids = [t for t in self._phrase_texts(lw, self._narrow_view(lw)) if t not in known and count[t] > 0]
            for t, score in self._scored_in(words, lw, tids).items():
                known[t] = _Match(score, "exact")
        prefix = level
        above = sum(count[t] for t, m in known.items() if m.score >= prefix)
        rank, by_rank, _order = self.ranks()
        first, e_tid, hids = self.doc_first, self.entry_tid, self.text_hid
        scored: dict[int, float | None] = dict.fromkeys(known)
        found: dict[float, list[int]] = {}
        at_prefix: list[int] = found.setdefault(prefix, [])
        seen, full = 0, False
        for d in by_rank:
            lo, hi = first[d], first[d + 1]
            seen += hi - lo
            for e in range(lo, hi):
                t = e_tid[e]
                if t in scored:
                    s = scored[t]
                else:
                    low = self.text(t)
                    hid = hids[t]
                    s = scored[t] = mt.exact_score(words, self.text_cased(t) if cased_any else low, low,
                                                   heads[hid] if hid >= 0 else None)
                    if s is not None:
                        found.setdefault(s, [])
                if s is not None and t not in known:
                    found[s].append(e)
            if above + len(at_prefix) >= limit:
                full = True
                break
            if seen > TYPED_WALK:
                return None
        if not full:
            return None  # (every report walked and the exact tier falls short: the lower tiers run)
        keyed: list[tuple[float, int, int]] = []
        by_score: dict[float, list[int]] = {}
        for t, m in known.items():
            if count[t] > 0:
                by_score.setdefault(m.score, []).append(t)
        for s, tids in by_score.items():
            eids, _n, _cut = self._collect(tids, limit, None, None)
            keyed.extend((-s, rank[self.doc_of(e)], e) for e in eids)
        for s, eids in found.items():
            keyed.extend((-s, rank[self.doc_of(e)], e) for e in eids[:limit])
        keyed.sort()
        match = {s: _Match(s, "exact") for s in set(-k[0] for k in keyed)}
        picked = [(e, match[-ns]) for ns, _r, e in keyed[:limit]]
        return SearchResult(q, self._hits(q, picked), len(picked), capped=True)

    def _heading_texts(self) -> dict[int, list[int]]:
        """Heading id → the heading lines (text ids) found by it."""
        got = getattr(self, "_heading_memo", None)
        if got is None or got[0] != self.ntexts:
            by_head: dict[int, list[int]] = {}
            for t, h in enumerate(self.text_hid[:self.ntexts]):
                if h >= 0:
                    by_head.setdefault(h, []).append(t)
            got = self._heading_memo = (self.ntexts, by_head)
        return got[1]

    def _heads_holding(self, lw: list[str]) -> list[int]:
        """The ids of the headings holding every word (lower case), ascending: one scan per word of the
        headings joined (kept until headings are added)."""
        heads = self.heads
        memo = self.__dict__.get("_heads_joined")
        if memo is None or memo[0] != len(heads):
            joined = "\n".join(heads) + "\n"
            starts = array("i", [0])
            starts.extend(accumulate(len(h) + 1 for h in heads))
            memo = self._heads_joined = (len(heads), joined if joined.count("\n") == len(heads) else None, starts)
        _n, joined, starts = memo
        if joined is None:  # (a heading holding a line break: looked at one by one)
            return [h for h, head in enumerate(heads) if all(w in head for w in lw)]
        got: set[int] | None = None
        for w in sorted(lw, key=len, reverse=True):
            rx = re.compile(re.escape(w) + "[^\n]*\n")
            found = {bisect_right(starts, m.start()) - 1 for m in rx.finditer(joined)}
            got = found if got is None else got & found
            if not got:
                return []
        return sorted(got or ())

    def _scored_in(self, words: list[str], lw: list[str], tids: list[int]) -> dict[int, float]:
        """The exact-tier score (`match.exact_score`) of each of these texts holding every word, from one
        scan per word of just these texts (as `_exact` scores every text)."""
        if not tids:
            return {}
        tids = sorted(set(tids))
        views: dict[bool, tuple[Any, Any, list[int]]] = {}
        classes: dict[int, int] | None = None
        for w in sorted(words, key=len, reverse=True):
            cased = mt.case_sensitive(w)
            view = views.get(cased) or views.setdefault(cased, self._view_of(tids, cased))
            got = self._word_classes(w, False, view)
            classes = got if classes is None else {t: min(c, got[t]) for t, c in classes.items() if t in got}
            if not classes:
                return {}
        phrase = set(self._phrase_texts(lw, views.get(False) or self._view_of(tids))) if len(lw) > 1 else set()
        hids, heads = self.text_hid, self.heads
        head_has: dict[int, bool] = {}
        out: dict[int, float] = {}
        for t, c in (classes or {}).items():
            score = mt.CLASS_SCORE[c]
            hid = hids[t]
            if hid >= 0:
                ok = head_has.get(hid)
                if ok is None:
                    ok = head_has[hid] = all(w in heads[hid] for w in lw)
                if ok:
                    score += mt.HEADING_BONUS
            if t in phrase:
                score += mt.PHRASE_BONUS
            out[t] = score
        return out

    # (texts holding a string, kept across keystrokes: a word typed on holds the one before it)
    HOLDING_MEMO = 16
    NARROW_SHARE = 3  # a memo narrows scans down when it holds under 1/3 of the texts

    def _holding(self, w: str, scan: bool = True) -> array | None:
        """The texts holding `w` (lower case, ignoring case) with an entry or not, ascending; kept (a few,
        those holding few enough texts to narrow a scan down) until the index changes. Without `scan`,
        only a kept answer (None: none kept)."""
        version = (self.ntexts, self.changes)
        memo = self.__dict__.get("_holding_memo")
        if memo is None or memo[0] != version:
            memo = self._holding_memo = (version, {})
        got = memo[1].get(w)
        if got is not None or not scan:
            return got
        rx = re.compile(re.escape(w.encode("utf-8", "surrogatepass")) + _REST)
        got = array("i", self._texts_in(rx, self._narrowed(w)))
        self._keep_holding(w, got)
        return got

    def _keep_holding(self, w: str, tids: Iterable[int]) -> None:
        memo = self.__dict__.get("_holding_memo")
        version = (self.ntexts, self.changes)
        if memo is None or memo[0] != version:
            memo = self._holding_memo = (version, {})
        got = tids if isinstance(tids, array) else array("i", tids)
        if len(got) * self.NARROW_SHARE >= self.ntexts or w in memo[1]:
            return
        if len(memo[1]) >= self.HOLDING_MEMO:
            memo[1].pop(next(iter(memo[1])))
        memo[1][w] = got

    def _narrow_view(self, lw: list[str], scan: bool = True, cased: bool = False) -> tuple[Any, Any, list[int]] | None:
        """A view (`_view_of`) of texts holding every word (lower case) at least, far fewer than all: the
        fewest of those kept for a string inside one of the words (`_holding`), or with `scan` (several
        words) those holding the longest word. None: no such view (every text is scanned, or the
        posting index narrows each scan down)."""
        if self.posting_index is not None and self._candidates(lw if len(lw) > 1 else lw[0]) is not None:
            return None  # (the posting index narrows down as well)
        memo = self.__dict__.get("_holding_memo")
        best = None
        if memo is not None and memo[0] == (self.ntexts, self.changes):
            for k, tids in memo[1].items():
                if any(k in w for w in lw) and (best is None or len(tids) < len(best[1])):
                    best = (k, tids)
        if best is None and scan and len(lw) > 1:
            w = max(lw, key=len)
            if is_word_char(w[0]) or is_word_char(w[-1]):
                tids = self._holding(w)
                if tids is not None and len(tids) * self.NARROW_SHARE < self.ntexts:
                    best = (w, tids)
        if best is None:
            return None
        key = (best[0], cased, len(best[1]))
        kept = self.__dict__.get("_narrow_memo")
        if kept is not None and kept[0] == key and kept[1] == (self.ntexts, self.changes):
            return kept[2]
        view = self._view_of(list(best[1]), cased)
        self._narrow_memo = (key, (self.ntexts, self.changes), view)
        return view

    def _take(self, matches: dict[int, _Match], cap: int, scope: bytearray | None,
              pred: Callable[[int], bool] | None, picked: list[tuple[int, _Match]]) -> tuple[int, bool]:
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

    # -- which lines match --------------------------------------------------------------------

    def texts_with(self, s: str) -> list[int]:
        """The texts holding `s` (lower case) with an entry in a live report, ascending.

        A single character's texts are kept until the index changes: typing a word, each keystroke
        looks up the texts of every character typed so far (the fuzzy and pinyin tiers)."""
        if len(s) != 1:
            return self._live_texts_with(s)
        version = (self.ntexts, self.changes)
        memo = self.__dict__.get("_char_texts")
        if memo is None or memo[0] != version:
            memo = self._char_texts = (version, {})
        got = memo[1].get(s)
        if got is None:
            if len(memo[1]) >= CHAR_MEMO:
                memo[1].pop(next(iter(memo[1])))  # (the character looked up first goes first)
            got = memo[1][s] = self._live_texts_with(s)
        return got

    def _live_texts_with(self, s: str) -> list[int]:
        view = self._narrowed(s)
        rx = re.compile(re.escape(s.encode("utf-8", "surrogatepass")) + _REST)
        return [t for t in self._texts_in(rx, view) if self.tid_count[t] > 0]

    def _narrowed(self, s: str | list[str], cased: bool = False) -> tuple[Any, Any, list[int] | None]:
        """(blob, offsets, ids): the texts to scan for those holding `s` (lower case; a list: every one of
        those strings), lower case or as written. Every text (`ids` None), or with a posting index
        (`posting_index`) only the texts its posting lists name (for a list, in one query over all the
        strings' pairs) and those appended since it was last extended, joined (`ids`: their ids).
        The scan that follows is the same either way, so the answer is too."""
        blob, off = (self._cased_blob(), self.cased_off) if cased else (self.lower, self.lower_off)
        ids = self._candidates(s)
        if ids is None:
            return blob, off, None
        return self._view_of(ids, cased)

    def _candidates(self, s: str | list[str]) -> list[int] | None:
        """The ids of the texts the posting index says may hold `s` (a list: every one of its strings),
        and those appended since it was extended; None: every text (no posting index, or too many)."""
        p = self.posting_index
        n_all = self.ntexts
        if p is None or n_all < self.postings_min or not s:
            return None
        key = s if isinstance(s, str) else tuple(s)
        version = (n_all, self.changes, id(p), p.ndocs, self.candidates_share, self.candidates_min)
        memo = self.__dict__.get("_candidates_memo")
        if memo is None or memo[0] != version:
            memo = self._candidates_memo = (version, {})
        if key in memo[1]:
            return memo[1][key]
        if len(memo[1]) >= 32:
            memo[1].pop(next(iter(memo[1])))
        got = memo[1][key] = self._posting_candidates(p, s, n_all)
        return got

    def _posting_candidates(self, p: Any, s: str | list[str], n_all: int) -> list[int] | None:
        n = min(p.ndocs, n_all)
        share = self.candidates_share
        got = p.holding(s, max(self.candidates_min, n // share))
        if got is None or (n_all - n) * share > n_all:  # (too many: scanning all is as quick)
            return None
        ids = [t for t in got if t < n]
        ids.extend(range(n, n_all))
        return ids

    def _view_of(self, ids: list[int], cased: bool = False) -> tuple[Any, Any, list[int]]:
        """(blob, offsets, ids) of these texts alone, joined (lower case or as written)."""
        blob, off = (self._cased_blob(), self.cased_off) if cased else (self.lower, self.lower_off)
        pieces = [blob[off[t]:off[t + 1]] for t in ids]
        sub_off = array("i", [0])
        sub_off.extend(accumulate(map(len, pieces)))
        return b"".join(pieces), sub_off, ids

    def _texts_in(self, rx: re.Pattern, view: tuple[Any, Any, list[int] | None]) -> list[int]:
        """`_texts_of` over a view `_narrowed` gave: the ids of the texts the pattern matches, ascending."""
        blob, off, ids = view
        if ids is None:
            return self._texts_of(rx, blob, off)
        return [ids[i - 1] for i in map(partial(bisect_left, off), (m.end() for m in rx.finditer(blob)))]

    def _scan(self, sb: bytes, blob: Any, off: Any) -> list[int]:
        """The ids of the texts of a "\\n"-separated byte string (`off`: where each starts) holding `sb`,
        ascending: one regular-expression scan that takes the rest of a text once it matched (C speed,
        one step per text found rather than per occurrence)."""
        if not sb:
            return []
        return self._texts_of(re.compile(re.escape(sb) + _REST), blob, off)

    def _texts_of(self, rx: re.Pattern, blob: Any, off: Any) -> list[int]:
        """The ids of the texts a pattern ending in `_REST` matches (each found once), ascending."""
        ends = [m.end() for m in rx.finditer(blob)]
        if len(ends) * _LOOKUP_RATIO < len(off) and not self._ends_known(off):
            # few matches and no table yet: each looked up in the offsets (quicker than a table of all)
            return [i - 1 for i in map(partial(bisect_left, off), ends)]
        table = self._ends(off)
        return [t for t in map(table.get, ends) if t is not None]

    def _ends_known(self, off: Any) -> bool:
        """Whether `_ends` has a table for this offsets array (made by an earlier query)."""
        got = self.__dict__.get("_ends_memo", {}).get(id(off))
        return got is not None and got[0] is off

    def _ends(self, off: Any) -> dict[int, int]:
        """Where each text of a "\\n"-separated byte string ends (just after its "\\n") → its id; kept
        per offsets array and extended as it grows (texts are only ever appended)."""
        memo = self.__dict__.setdefault("_ends_memo", {})
        got = memo.get(id(off))
        n = len(off)
        if got is None or got[0] is not off or got[1] > n:
            got = memo[id(off)] = [off, 1, {}]
        if got[1] < n:
            ends = got[2]
            ends.update(zip(off[got[1]:n], range(got[1] - 1, n - 1)))
            got[1] = n
        return got[2]

    def _exact(self, q: Query, whole_only: bool = False) -> dict[int, _Match]:
        """The texts holding every word, scored as `match.exact_score` does, for all texts at once: one
        scan of the texts per word finds each text's best occurrence of it (whole word, word prefix or
        inside a word)."""
        words = q.words
        lw = [lower(w) for w in words]
        classes: dict[int, int] | None = None
        seen: dict[str, dict[int, int]] = {}
        # several words: the texts that may hold them all, from one posting query over every word's
        # pairs (each word's scan then runs on those alone, even when one word alone is common)
        joint = self._candidates(lw) if len(lw) > 1 else None
        views: dict[bool, tuple[Any, Any, list[int]]] = {}
        # else the texts holding a string inside one of the words, kept from an earlier keystroke (or,
        # several words, those holding the longest word): every scan runs on those alone
        narrow = None if joint is not None else self._narrow_view(lw, scan=False)
        if not whole_only:  # (each word's texts, for the fuzzy tier of the same query: all of them)
            self._word_memo = (words, seen if joint is None and narrow is None else {})
        for w in sorted(words, key=len, reverse=True):  # (the longest word first: it is the rarest)
            within = None
            cased = mt.case_sensitive(w)
            if joint is not None:
                within = views.get(cased) or views.setdefault(cased, self._view_of(joint, cased))
            elif narrow is not None:
                within = narrow if not cased else (views.get(True) or views.setdefault(True, self._view_of(narrow[2], True)))
            if whole_only and within is None:
                got = seen[w] = self._whole_classes(w)
            else:
                got = seen[w] = self._word_classes(w, whole_only, within)
            if within is None and not whole_only and not cased:
                self._keep_holding(lower(w), got)  # (its texts: they narrow the next keystroke's scans down)
            if classes is None:
                classes = got
            else:
                classes = {t: min(c, got[t]) for t, c in classes.items() if t in got}
            if not classes:
                return {}
        hids, heads, count = self.text_hid, self.heads, self.tid_count
        by_class = {c: _Match(mt.CLASS_SCORE[c], "exact") for c in mt.CLASS_SCORE}
        on_head = {c: _Match(mt.CLASS_SCORE[c] + mt.HEADING_BONUS, "exact") for c in mt.CLASS_SCORE}
        out: dict[int, _Match] = {}
        head_has: dict[int, bool] = {}  # heading id → whether it holds every word (many texts share one)
        for t, c in (classes or {}).items():
            if count[t] > 0:
                hid = hids[t]
                if hid < 0:
                    out[t] = by_class[c]
                    continue
                ok = head_has.get(hid)
                if ok is None:
                    ok = head_has[hid] = all(w in heads[hid] for w in lw)
                out[t] = on_head[c] if ok else by_class[c]
        if len(lw) > 1 and out:  # several words: together and in order, a bonus (`match.together`)
            raised: dict[float, _Match] = {}
            for t in self._phrase_texts(lw, views.get(False) if joint is not None else narrow):
                m = out.get(t)
                if m is not None:
                    s = m.score + mt.PHRASE_BONUS
                    out[t] = raised.get(s) or raised.setdefault(s, _Match(s, "exact"))
        return out

    WHOLE_MEMO = 8

    def _whole_classes(self, w: str) -> dict[int, int]:
        """`_word_classes(w, whole_only=True)` of every text, kept for a few words until the index changes
        (typing on after a word, each keystroke looks that word up again)."""
        version = (self.ntexts, self.changes)
        memo = self.__dict__.get("_whole_memo")
        if memo is None or memo[0] != version:
            memo = self._whole_memo = (version, {})
        got = memo[1].get(w)
        if got is None:
            got = array("i", self._word_classes(w, True))
            if len(memo[1]) >= self.WHOLE_MEMO:
                memo[1].pop(next(iter(memo[1])))
            memo[1][w] = got
        return dict.fromkeys(got, mt.WHOLE)

    def _phrase_texts(self, lw: list[str], view: tuple[Any, Any, list[int]] | None = None) -> list[int]:
        """The texts holding the words (lower case) together and in order (`match.phrase_pattern`), of
        those a view holds (None: of the texts that may hold them all)."""
        rx = re.compile(mt.phrase_pattern(lw).encode("utf-8", "surrogatepass") + _REST)
        return self._texts_in(rx, view if view is not None else self._narrowed(lw))

    def _word_classes(self, w: str, whole_only: bool = False,
                      view: tuple[Any, Any, list[int] | None] | None = None) -> dict[int, int]:
        """Text id → how the word occurs in it at best (`match.WHOLE`, `PREFIX` or `INSIDE`): as typed
        when it has a capital letter, else ignoring case. A word that does not start or end with a
        Latin letter or digit (CJK) has no word boundaries to tell apart: every occurrence is whole.
        With `whole_only`, the texts holding it as a whole word alone (one scan). `view`: the texts to
        look at (`_narrowed`, as written when the word has a capital letter; None: those that may hold it)."""
        cased = mt.case_sensitive(w)
        word = _WORD_BYTES_CASED if cased else _WORD_BYTES
        if view is None:
            view = self._narrowed(lower(w), cased)
        if not cased:
            w = lower(w)
        sb = w.encode("utf-8", "surrogatepass")
        check_start, check_end = is_word_char(w[0]), is_word_char(w[-1])
        if not (check_start or check_end):
            return dict.fromkeys(self._texts_in(re.compile(re.escape(sb) + _REST), view), mt.WHOLE)
        wb = _WORD_CLASS_CASED if word is _WORD_BYTES_CASED else _WORD_CLASS
        lit = re.escape(sb)
        # (the start is tested after the word, so the pattern begins with it: a literal start is
        # searched for at C speed, a look-behind first would be tried at every byte)
        before = rb"(?<![" + wb + rb"]" + lit + rb")" if check_start else b""
        after = rb"(?![" + wb + rb"])" if check_end else b""
        if whole_only:
            return dict.fromkeys(self._texts_in(re.compile(lit + before + after + _REST), view), mt.WHOLE)
        # every text holding the word, then those holding it at a word's start, then as a whole word
        # (one scan each; a text's class is the best of those it is found by)
        found = self._texts_in(re.compile(lit + _REST), view)
        if not found:
            return {}
        out = dict.fromkeys(found, mt.INSIDE if check_start else mt.PREFIX)
        if check_start:
            out.update(dict.fromkeys(self._texts_in(re.compile(lit + before + _REST), view), mt.PREFIX))
        if check_end:
            out.update(dict.fromkeys(self._texts_in(re.compile(lit + before + after + _REST), view), mt.WHOLE))
        else:
            out = {t: mt.WHOLE if c == mt.PREFIX else c for t, c in out.items()}
        return out

    def _whole_texts(self, u: str) -> list[int]:
        """The texts holding a Latin word (lower case) as a whole word, ignoring case."""
        lit = re.escape(u.encode("utf-8", "surrogatepass"))
        rx = re.compile(lit + rb"(?<![" + _WORD_CLASS + rb"]" + lit + rb")(?![" + _WORD_CLASS + rb"])" + _REST)
        return self._texts_in(rx, self._narrowed(u))

    def _cased_blob(self) -> Any:
        """The texts as written, as bytes (read whole the first time, when read on demand)."""
        if not isinstance(self.cased, (bytes, bytearray)):
            from .index import DamagedIndex, _ascending

            cased = bytearray(self.cased[0:len(self.cased)])
            off = self.cased_off[0:len(self.cased_off)]  # (read whole now: checked as the whole index is)
            if not (_ascending(off) and off and off[0] == 0 and off[-1] == len(cased)):
                raise DamagedIndex("parts that do not fit together")
            self.cased, self.cased_off = cased, off
        return self.cased

    def _fuzzy(self, q: Query, exact: dict[int, _Match]) -> dict[int, _Match]:
        """The texts `match.fuzzy_line` matches (no exact match): one word mistyped, the others as typed."""
        words = [lower(w) for w in q.words]
        which = mt.fuzzy_words(words)
        if len(words) == 1:
            return self._fuzzy_word(words[0], exact, None, []) if which else {}
        out: dict[int, _Match] = {}
        for i in which:
            others = [w for j, w in enumerate(q.words) if j != i]
            within: set[int] | None = None
            memo = getattr(self, "_word_memo", None)
            known = memo[1] if memo is not None and memo[0] == q.words else {}
            for o in sorted(others, key=len, reverse=True):  # (the texts holding every other word as typed)
                got = known[o] if o in known else self._texts_holding(o)
                within = set(got) if within is None else within.intersection(got)
                if not within:
                    break
            if not within:
                continue
            for tid, m in self._fuzzy_word(words[i], exact, within, [lower(o) for o in others]).items():
                old = out.get(tid)
                if old is None or m.score > old.score:
                    out[tid] = _Match(m.score, "fuzzy", _Typo(i, m.info))
        return out

    def _fuzzy_word(self, w: str, exact: dict[int, _Match], within: set[int] | None,
                    others: list[str]) -> dict[int, _Match]:
        """The texts (of `within`, all if None) holding the word `w` (lower case) mistyped, not matched
        exactly; `others`: the query's other words (lower case), which a heading holds for its bonus."""
        n, k = len(w), mt.max_edits(len(w))
        out: dict[int, _Match] = {}

        def on_head(tid: int) -> bool:
            h = self._head(tid)
            return mt.fuzzy_head(w, h) and all(o in h for o in others)  # type: ignore[operator]
        if mt.is_latin_word(w):
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            # the library's words within k edits; a line's distance: that of the closest it holds as a
            # whole word (`match.fuzzy_latin`, which also gives the span, for the hits shown)
            # (the closest first: fewest edits, then `match.typo_closeness`)
            best: dict[int, tuple[int, float]] = {}
            close = process.extract(w, self._vocab_near(n, k), scorer=OSA.distance, score_cutoff=k, limit=None)
            keyed = sorted((int(d), -mt.typo_closeness(w, u), u) for u, d, _ in close if d >= 1)
            if within is not None:  # (one of several words: only the texts holding the others are looked at)
                return self._fuzzy_within(w, [u for _d, _n, u in keyed], exact, within, on_head)
            for d, neg, u in keyed:
                for tid in self._whole_texts(u):
                    if tid not in exact and tid not in best and (within is None or tid in within):
                        best[tid] = (d, -neg)
            for tid, (d, near) in best.items():
                out[tid] = _Match(mt.fuzzy_score(d, n, on_head(tid), near), "fuzzy", None)
            return out
        need = mt.chars_needed(w)
        if within is not None and len(within) <= FUZZY_EACH:
            cands = [t for t in within if t not in exact]
        else:
            counts = Counter(chain.from_iterable(self.texts_with(c) for c in set(w)))  # (counted at C speed)
            cands = [t for t, c in counts.items() if c >= need and t not in exact and (within is None or t in within)]
        if not cands:
            return out
        texts = {t: self.text(t) for t in cands}
        if k > 1:  # (one edit: the windows are found by a regular expression, quicker than the prefilter)
            from rapidfuzz import fuzz, process

            pad = mt.HIDDEN_PAD * (n - 1)
            passing = process.extract(w, {t: pad + s + pad for t, s in texts.items()}, scorer=fuzz.partial_ratio,
                                      score_cutoff=mt.fuzzy_prefilter_ratio(n), limit=None)
            texts = {tid: texts[tid] for _, _, tid in passing}
        scores = {(d, h): mt.fuzzy_score(d, n, h) for d in range(1, k + 1) for h in (False, True)}
        hids = self.text_hid
        for tid, (d, span) in mt.fuzzy_windows(w, texts).items():
            out[tid] = _Match(scores[(d, hids[tid] >= 0 and on_head(tid))], "fuzzy", span)
        return out

    def _fuzzy_within(self, w: str, close: list[str], exact: dict[int, _Match], within: set[int],
                      on_head: Callable[[int], bool]) -> dict[int, _Match]:
        """`_fuzzy_word` of a Latin word among the texts holding a query's other words: those holding one
        of the library's words `close` to it (found in one scan of just those texts when they are many),
        each scored by `match.fuzzy_latin`."""
        out: dict[int, _Match] = {}
        ids = sorted(t for t in within if t not in exact)
        if not close or not ids:
            return out
        if len(ids) > FUZZY_EACH:
            lits = [re.escape(u.encode("utf-8")) for u in close]
            alt = b"|".join(lit + rb"(?<![" + _WORD_CLASS + rb"]" + lit + rb")" for lit in lits)
            rx = re.compile(rb"(?:" + alt + rb")(?![" + _WORD_CLASS + rb"])" + _REST)
            if len(ids) * 4 > self.ntexts:  # (most texts: one scan of them all, then those kept)
                keep = set(ids)
                ids = [t for t in self._texts_of(rx, self.lower, self.lower_off) if t in keep]
            else:
                blob, off = self.lower, self.lower_off
                pieces = [blob[off[t]:off[t + 1]] for t in ids]
                sub_off = array("i", [0])
                sub_off.extend(accumulate(map(len, pieces)))
                ids = self._texts_in(rx, (b"".join(pieces), sub_off, ids))
        n = len(w)
        for tid in ids:
            low = self.text(tid)
            f = mt.fuzzy_latin(w, low)
            if f is not None:
                near = mt.typo_closeness(w, low[f[1][0]:f[1][1]])
                out[tid] = _Match(mt.fuzzy_score(f[0], n, on_head(tid), near), "fuzzy", None)
        return out

    def _texts_holding(self, word: str) -> list[int]:
        """The texts holding a word anywhere (as typed when it has a capital letter, else ignoring case)."""
        cased = mt.case_sensitive(word)
        view = self._narrowed(lower(word), cased)
        return self._texts_in(re.compile(re.escape(mt.needle(word).encode("utf-8", "surrogatepass")) + _REST), view)

    def _head(self, tid: int) -> str | None:
        """The text a heading line is found by (lower case), None for other lines."""
        hid = self.text_hid[tid]
        return self.heads[hid] if hid >= 0 else None

    def _vocab_near(self, n: int, k: int) -> list[str]:
        """The Latin words of the library `n ± k` letters long."""
        by_len = getattr(self, "_vocab_by_len", None)
        if by_len is None or self._vocab_seen != len(self.vocab):
            by_len = {}
            for u in self.vocab:
                by_len.setdefault(len(u), []).append(u)
            self._vocab_by_len, self._vocab_seen = by_len, len(self.vocab)
        return [u for length in range(n - k, n + k + 1) for u in by_len.get(length, ())]

    def _readings_of(self, name: str) -> list[tuple[str, ...]]:
        rd = self.readings.get(name)
        if rd is None:
            rd = self.readings[name] = py.readings(name)
        return rd

    def _pinyin_names(self, q: Query, exact: dict[int, _Match]) -> dict[int, _Match]:
        if not py.is_pinyin_query(q.text):
            return {}
        qc = py.compact(q.text)
        needles: dict[str, float] = {}
        firsts = self._term_initials()
        for term, i in self.terms.items():
            if self.term_count[i] <= 0 or qc[0] not in firsts[i]:
                continue
            found = mt.name_needle(qc, term, self._readings_of(term))
            if found is not None:
                hanzi, quality = found
                if quality > needles.get(hanzi, -1.0):
                    needles[hanzi] = quality
        out: dict[int, _Match] = {}
        hids, heads = self.text_hid, self.heads
        for hanzi in sorted(needles):
            plain = _Match(mt.name_pinyin_score(needles[hanzi], False), "pinyin", hanzi)
            on_head = _Match(mt.name_pinyin_score(needles[hanzi], True), "pinyin", hanzi)
            for tid in self.texts_with(hanzi):
                if tid in exact:
                    continue
                hid = hids[tid]
                m = on_head if hid >= 0 and hanzi in heads[hid] else plain
                old = out.get(tid)
                if old is None or m.score > old.score:
                    out[tid] = m
        return out

    def _term_initials(self) -> list[str]:
        """Per name (by id): the first letters of its characters' readings."""
        got = getattr(self, "_initials_memo", None)
        if got is None or len(got) != len(self.terms):
            got = self._initials_memo = ["".join({r[:1] for rs in self._readings_of(t) for r in rs if r})
                                         for t in self.terms]
        return got

    def _pinyin_text(self, q: Query, exact: dict[int, _Match]) -> dict[int, _Match]:
        if not py.is_pinyin_query(q.text):
            return {}
        qc = py.compact(q.text)
        if self.char_pinyin is None:
            self.prepare_pinyin()
        cp = self.char_pinyin or {}
        found: dict[int, tuple[int, int]] = {}  # tid → the first span
        classes = self._reading_classes()
        for seg in _segmentations(qc, set(classes)):
            for tid, at in self._text_find([classes[s] for s in seg]):
                if tid not in found or at < found[tid][0]:
                    found[tid] = (at, at + len(seg))
        out: dict[int, _Match] = {}
        for tid, span in found.items():
            if tid not in exact and self.tid_count[tid] > 0:
                head = self._head(tid)
                on_head = head is not None and self.text(tid)[span[0]:span[1]] in head
                out[tid] = _Match(mt.text_pinyin_score(on_head), "pinyin", span)
        if len(qc) >= mt.INITIALS_MIN:  # initials of running text: the lowest tier, never "no matches"
            initials = self._initial_classes()
            if all(c in initials for c in qc):
                for tid, at in self._text_find([initials[c] for c in qc]):
                    if tid in exact or tid in out or self.tid_count[tid] <= 0:
                        continue
                    head = self._head(tid)
                    on_head = head is not None and self.text(tid)[at:at + len(qc)] in head
                    out[tid] = _Match(mt.text_initials_score(on_head), "pinyin", (at, at + len(qc)))
        return out

    def _initial_classes(self) -> dict[str, str]:
        """For pinyin initials in report text: letter → the hanzi one of whose readings starts with it,
        as the inside of a regular expression's [class]."""
        got = getattr(self, "_initials_classes", None)
        if got is None or got[0] is not self._reading_classes():
            by_letter: dict[str, set[str]] = {}
            for ch, rs in (self.char_pinyin or {}).items():
                for r in rs:
                    by_letter.setdefault(r[:1], set()).add(ch)
            got = self._initials_classes = (self._reading_classes(),
                                            {k: "".join(map(re.escape, sorted(v))) for k, v in by_letter.items()})
        return got[1]

    def _reading_classes(self) -> dict[str, str]:
        """For pinyin in report text: syllable → the hanzi that have it among their readings, as the
        inside of a regular expression's [class]."""
        got = getattr(self, "_pinyin_classes", None)
        if got is None:
            by_syllable: dict[str, list[str]] = {}
            for ch, rs in (self.char_pinyin or {}).items():
                for r in rs:
                    by_syllable.setdefault(r, []).append(ch)
            got = self._pinyin_classes = {k: "".join(map(re.escape, v)) for k, v in by_syllable.items()}
        return got

    def _text_find(self, classes: list[str]) -> Iterator[tuple[int, int]]:
        """(text id, character offset) of the first place in each text where its characters belong to
        these classes in turn."""
        rx = re.compile("".join(f"[{c}]" for c in classes))
        whole, off = self._lower_str()
        pos = 0
        while True:
            m = rx.search(whole, pos)
            if m is None:
                return
            i = m.start()
            t = bisect_right(off, i) - 1
            yield t, i - off[t]
            pos = off[t + 1]

    def _lower_str(self) -> tuple[str, array]:
        """Every text, lower case, as one string ("\n" after each), and where each starts in it."""
        got = getattr(self, "_lower_memo", None)
        if got is None or got[2] != self.ntexts:
            whole = bytes(self.lower).decode("utf-8", "surrogatepass")
            off = array("i", [0])
            i = whole.find("\n")
            while i != -1:
                off.append(i + 1)
                i = whole.find("\n", i + 1)
            got = self._lower_memo = (whole, off, self.ntexts)
        return got[0], got[1]

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
            docs = self.all_docs()
            got = self._doc_cols_memo = (self.ndocs, [d.week or "" for d in docs], [d.label.casefold() for d in docs],
                                         [d.author for d in docs])
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
            keys = set().union(*(self.matching_sections(v) for v in q.sections))
            chains = {i for i, chain in enumerate(self.chains) if not keys.isdisjoint(chain)}
            cols = self.shape_cols

            def in_section(eid: int) -> bool:
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

    # -- hits ------------------------------------------------------------------------------------

    def _hits(self, q: Query, picked: list[tuple[int, _Match]]) -> list[Hit]:
        """The hits of these entries: the line as written, where it is, and the characters matched."""
        needles = [(mt.needle(w), mt.case_sensitive(w)) for w in q.words]
        any_cased = any(cs for _n, cs in needles)
        urls = [lower(v) for v in q.urls]
        order = self.ranks()[2]
        memo = self._hit_memo if self._hit_memo_at == self.changes else {}
        self._hit_memo, self._hit_memo_at = memo, self.changes
        out = []
        for eid, m in picked:
            base = memo.get(eid)
            if base is None:
                otid, section, _chain, project, pname, kind, _head = self.shape(self.entry_shape[eid])
                d = self.doc_of(eid)
                doc = self.doc(d)
                base = (doc.ref if doc.ref is not None else doc, self.entry_line[eid], self.original(otid), section,
                        project, pname, kind, order[d], doc.author, self.entry_tid[eid])
                if len(memo) < 50_000:
                    memo[eid] = base
            ref, line, text, section, project, pname, kind, pos, author, tid = base
            if m.tier == "exact":
                low = self.text(tid)
                cased = self.text_cased(tid) if any_cased else low
                spans = mt.merge([s for n, cs in needles for s in mt.occurrences(cased if cs else low, n)])
            elif m.tier == "fuzzy":
                i, span = (m.info.word, m.info.span) if isinstance(m.info, _Typo) else (0, m.info)
                if span is None:  # (a Latin word: the closest whole word of the line)
                    found = mt.fuzzy_latin(lower(q.words[i]), self.text(tid))
                    span = found[1] if found is not None else None
                spans = [span] if span is not None else []
                if len(needles) > 1:  # (the other words, found as typed)
                    low = self.text(tid)
                    cased = self.text_cased(tid) if any_cased else low
                    spans = mt.merge(spans + [s for j, (n, cs) in enumerate(needles) if j != i
                                              for s in mt.occurrences(cased if cs else low, n)])
            elif m.tier == "pinyin":
                spans = mt.occurrences(self.text(tid), m.info) if isinstance(m.info, str) else [m.info]
            elif urls:
                low = lower(text)
                spans = mt.merge(s for v in urls for s in mt.occurrences(low, v))
            else:
                spans = []
            out.append(Hit(ref, line, text, section, project, pname, m.score, spans, m.tier, kind, pos, author))
        return out

    _hit_memo: dict = {}
    _hit_memo_at = -1


def _names_like(v: str, name: str) -> bool:
    """Whether a filter value (lower case) names a section or KPI name (lower case): a part of it, or,
    from 3 characters on, a fuzzy match of it (a Latin word within an edit or two of one of the
    name's words, else a run of the name within the edit budget)."""
    if v in name:
        return True
    if len(v) < 3:
        return False
    return (mt.fuzzy_latin(v, name) if mt.is_latin_word(v) else mt.fuzzy_window(v, name)) is not None


def _segmentations(q: str, syllables: set[str], most: int = 64) -> list[list[str]]:
    """The ways (at most `most`) to cut `q` into two or more of the syllables."""
    out: list[list[str]] = []
    longest = max(map(len, syllables), default=0)

    def go(i: int, acc: list[str]) -> None:
        if len(out) >= most:
            return
        if i == len(q):
            if len(acc) >= 2:
                out.append(list(acc))
            return
        for j in range(min(len(q), i + longest), i, -1):
            if q[i:j] in syllables:
                acc.append(q[i:j])
                go(j, acc)
                acc.pop()

    go(0, [])
    return out


def build_index(library: Any) -> SearchIndex:
    """An index of a library's reports (`Workspace.search_index` keeps one per library)."""
    return SearchIndex.build(library.reports)


def search(library: Any, query: str, limit: int = 50) -> SearchResult:
    """Search a library once (an index built for this query alone)."""
    return build_index(library).search(query, limit=limit)
