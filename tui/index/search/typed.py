"""The search as the user types: the same hits as the full search, found without classifying every
line that holds the words (a page of hits, their count a lower bound). Mixed into `engine.SearchIndex`,
whose exact tier (`_exact`), ranking (`_take`, `_collect`) and hits (`_hits`) it uses."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, compress
from typing import Any

from . import match as mt
from .packed import JoinedNames
from .query import Query
from .records import is_word_char, lower
from .scans import _LATIN_WORD, TextScans, is_short_word
from .scored import LineMatch, SearchResult

TYPED_WALK = 20_000  # entries walked at most while the user types (`_as_typed`), before the full search
WHOLE_WALK = 4_000  # entries walked at most for a page of whole words before their texts are scanned for
WALK_PROBE = 250  # entries walked before a walk's rate of hits found is judged
WALK_FIRST_MIN = 20_000  # texts from which common words are walked for before scanning (fewer: a scan takes ~1 ms)


class AsTyped(TextScans):
    """`_as_typed`: a page of hits for a query as typed (see the module's description)."""

    walk_first_min = WALK_FIRST_MIN

    def _as_typed(self, q: Query, limit: int) -> SearchResult | None:
        """The hits as the user types (the same as the full search's), found without classifying every
        line that holds the words; their count a lower bound of the total. None: the full search runs.

        The texts holding every word as a whole word (one scan per word) and the heading lines whose
        heading holds every word are all the texts that can score above a prefix (90); when they fill
        the limit, they are the hits. Else reports are walked newest first, each new text of their
        entries scored (`match.exact_score`), until those and the prefixes found fill the limit: any
        entry not reached yet ranks below them. A walk past `TYPED_WALK` entries gives up.

        In a big index, common words of the library's vocabulary are first walked for at the whole-word
        level, before any scan: the newest reports usually fill a page with whole words (`rust`), and
        the scan of every text holding them costs ~100 ms at 10,000 reports. That walk gives up early
        (`WHOLE_WALK`, or its rate so far) when whole words are few (`rus`), and the scan runs."""
        if not q.words or q.has_filters:
            return None
        words = list(q.words)
        lw = [lower(w) for w in words]
        count = self.tid_count
        cjk = not any(is_word_char(w[0]) or is_word_char(w[-1]) for w in q.words)
        whole = mt.CLASS_SCORE[mt.WHOLE]
        if cjk:
            # (CJK words only: every occurrence is whole, so every text holding the words scores a whole
            # word at least; those scoring more — heading lines, the words together — are found below,
            # the others walked newest first)
            if self._rare(lw):
                return None  # (rare: the full search scans few texts)
            return self._walk_typed(q, words, lw, {}, whole, limit, TYPED_WALK)
        if self.ntexts >= self.walk_first_min and self._in_vocab(lw) and not self._rare(lw):
            # common words, many texts: reports walked newest first at the whole-word level before any
            # scan of every text (a page of `rust` is in the newest few reports; the scan of its whole-word
            # texts would read every text): any entry not reached yet ranks below a whole word found
            got = self._walk_typed(q, words, lw, {}, whole, limit, WHOLE_WALK)
            if got is not None:
                return got
        known = self._exact(q, whole_only=True)
        if sum(count[t] for t in known) >= limit:
            picked: list[tuple[int, LineMatch]] = []
            self._take(known, limit, None, None, picked)
            return SearchResult(q, self._hits(q, picked), len(picked), capped=True)
        if self._rare(lw):
            return None  # (a rare word, or words rare together: the full search scans few texts, a walk would find few hits)
        return self._walk_typed(q, words, lw, known, mt.CLASS_SCORE[mt.PREFIX], limit, TYPED_WALK)

    def _in_vocab(self, lw: list[str]) -> bool:
        """Whether a walk for the words (lower case) as whole words may find them: each holds a Latin
        word of three letters or more and each of those is a word of some line (`vocab`). (A line
        holding a word whole holds each of its Latin runs whole; words of one or two letters, which
        `vocab` leaves out, are mostly typed on the way to a longer one: not walked for.)"""
        vocab = self._vocab_words()
        known = False
        for w in lw:
            runs = [r for r in _LATIN_WORD.findall(w) if len(r) >= 3]  # (`columns._WORDS`)
            if not runs and len(lw) > 1 and is_short_word(w):
                continue  # (beside a word of the vocabulary: `rust a`, on the way to `rust async`)
            if not runs or not all(r in vocab for r in runs):
                return False
            known = True
        return known

    def _short_among(self, lw: list[str]) -> list[int] | None:
        """The texts holding every one of several words (lower case), ascending, when all but the
        longest are one or two characters long and the posting index says exactly which texts hold
        those (`_short_postings`): the longest word's texts (`_holding`, kept as typed) filtered by
        each short word's posting list — the texts holding it, or where most do, those lacking it left
        out — and the texts appended since, scanned. None: not such words (`_holding_all` scans).
        (`rust a` at 10,000 reports: `a` is in 385,000 of 473,000 texts; joining the 117,000 holding
        `rust` to scan them for it took ~0.3 s, the list of the 88,000 lacking it ~15 ms.)"""
        words = sorted(set(lw), key=len, reverse=True)
        if len(words) < 2 or any(len(w) > 2 or self._short_postings(w) is None for w in words[1:]):
            return None
        if self._candidates(lw) is not None:
            return None  # (the posting index narrows the words down together: scanned as before)
        got: list[int] = list(self._holding(words[0]))
        n_all = self.ntexts
        for w in words[1:]:
            if not got:
                break
            p = self._short_postings(w)
            n = min(p.ndocs, n_all)
            appended = set(self._appended_holding(w, n))
            holding = p.holding(w, n_all // 2)
            if holding is not None:
                keep = {t for t in holding if t < n} | appended
                got = [t for t in got if t in keep]
                continue
            lacking = p.lacking(w, n_all)
            if lacking is None:
                return None
            drop = {t for t in lacking if t < n}
            got = [t for t in got if (t not in drop if t < n else t in appended)]
        return got

    def _rare(self, lw: list[str]) -> bool:
        """Whether the posting index narrows a word, or the words together, down to few texts."""
        return any(self._candidates(w) is not None for w in lw) or (len(lw) > 1 and self._candidates(lw) is not None)

    def _walk_typed(self, q: Query, words: list[str], lw: list[str], known: dict[int, LineMatch], level: float,
                    limit: int, budget: int) -> SearchResult | None:
        """`_as_typed`'s walk: `known`, texts whose every entry is a candidate (every text that can score
        above `level` but the heading lines and the words together, which are found here), then reports
        newest first, each new text scored, until the entries scoring `level` or more fill the limit
        (any entry not reached yet scores `level` at best and ranks below them). None: `budget` entries
        walked, or every report, without that, or as soon as the rate found so far shows that the budget
        would run out first."""
        count = self.tid_count
        cased_any = any(mt.case_sensitive(w) for w in words)
        heads = self.heads
        whole_in, head_scores = self._head_scores(words, lw, level >= mt.CLASS_SCORE[mt.WHOLE])
        for t, score in head_scores.items():
            if score > level and t not in known:
                known[t] = LineMatch(score, "exact")
        if len(lw) > 1:  # (and the texts holding the words together: they too can score above a prefix)
            tids = [t for t in self._together(lw, whole_in) if t not in known and count[t] > 0]
            for t, score in self._scored_in(words, lw, tids).items():
                known[t] = LineMatch(score, "exact")
        above = sum(count[t] for t, m in known.items() if m.score >= level)
        rank, by_rank, _order = self.ranks()
        first, e_tid, hids = self.doc_first, self.entry_tid, self.text_hid
        scored: dict[int, float | None] = dict.fromkeys(known)
        found: dict[float, list[int]] = {}
        at_level: list[int] = found.setdefault(level, [])
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
                    if not (cased_any or all(map(low.__contains__, lw))):
                        s = scored[t] = None  # (a word missing: `exact_score`'s None, without classifying)
                        continue
                    hid = hids[t]
                    s = scored[t] = mt.exact_score(words, self.text_cased(t) if cased_any else low, low,
                                                   heads[hid] if hid >= 0 else None)
                    if s is not None:
                        found.setdefault(s, [])
                if s is not None and t not in known:
                    found[s].append(e)
            if above + len(at_level) >= limit:
                full = True
                break
            if seen > budget:
                return None
            if seen > WALK_PROBE and (above + len(at_level)) * budget < limit * seen:
                return None  # (at this rate the budget runs out first: the full search is quicker)
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
        match = {s: LineMatch(s, "exact") for s in set(-k[0] for k in keyed)}
        picked = [(e, match[-ns]) for ns, _r, e in keyed[:limit]]
        return SearchResult(q, self._hits(q, picked), len(picked), capped=True)

    def _head_scores(self, words: list[str], lw: list[str], whole: bool) -> tuple[Any, dict[int, float]]:
        """(`whole_in`, scores): the heading lines whose heading holds every word, each scored as
        `_scored_in` does (one scan per word of just those), ascending; with `whole`, of those holding
        the word a posting list names the fewest whole-word texts of (`whole_in`: those texts, or None).
        Kept for a few queries until the index changes (a walk that gives up at the whole-word level is
        followed by one at the prefix level, which asks the same: `rus`)."""
        # above a whole word, a text holds every word whole (a bonus lifts a prefix, 90, to 95 at most):
        # those above are looked for among the texts holding one word whole, when its posting list says
        # which (`rust a`: those holding `a` whole)
        wholes = [got for got in map(self._posted_wholes, lw) if got is not None] if whole else []
        whole_in = min(wholes, key=len) if wholes else None
        memo = self._memo("_head_scores_memo", (self.ntexts, self.changes))
        key = (tuple(words), whole_in is not None)  # (the same words: the same `whole_in`, if any)
        got = memo.get(key)
        if got is not None:
            return got
        by_head, count = self._heading_texts(), self.tid_count
        tids = [t for t in by_head.texts_of(self._heads_holding(lw)) if count[t] > 0]
        if whole_in is not None:
            keep = set(whole_in)
            tids = [t for t in tids if t in keep]
        # (a walk asks for the texts scoring above a prefix, 90, at least: a heading line holding a word only
        # inside one scores 83 + 4 + 1 at most, left out)
        return self._keep(memo, key, (whole_in, self._scored_in(words, lw, tids, mt.PREFIX)), self.HEAD_SCORES_KEPT)

    HEAD_SCORES_KEPT = 4  # queries whose heading lines' scores are kept (`_head_scores`)

    def _together(self, lw: list[str], whole_in: Any) -> array:
        """The texts holding the words (lower case) together and in order (`_phrase_texts`), of those
        `whole_in` holds when given (`_head_scores`), kept as `_head_scores` keeps its answer (a key's page
        and then its whole list ask the same). Of `whole_in`, only those holding a string inside one of
        the words, kept as typed (`_holding`), are joined to be scanned (`rust a`: the 13,000 of the
        42,000 texts holding `a` whole that hold `rust`; joining all of them took ~40 ms a key)."""
        memo = self._memo("_together_memo", (self.ntexts, self.changes))
        key = (tuple(lw), whole_in is not None)  # (the same words: the same `whole_in`, as `_head_scores`)
        got = memo.get(key)
        if got is not None:
            return got
        if whole_in is None:
            got = self._phrase_texts(lw, self._narrow_view(lw, scan=False))
        else:
            ids: Any = whole_in
            kept = [h for k, h in self._memo("_holding_memo", (self.ntexts, self.changes)).items()
                    if any(k in w for w in lw)]
            for h in sorted(kept, key=len)[:1]:
                small, big = (h, ids) if len(h) < len(ids) else (ids, h)
                keep = set(small)
                ids = [t for t in big if t in keep]
            got = self._phrase_texts(lw, self._view_of(list(ids)))
        return self._keep(memo, key, array("i", got), self.HEAD_SCORES_KEPT)  # (4 bytes a text kept)

    def _heading_texts(self) -> HeadingTexts:
        """Heading id → the heading lines (text ids) found by it."""
        got = getattr(self, "_heading_memo", None)
        if got is None or got[0] != self.ntexts:
            got = self._heading_memo = (self.ntexts, HeadingTexts(self.text_hid, self.ntexts))
        return got[1]

    def _heads_holding(self, lw: list[str]) -> list[int]:
        """The ids of the headings holding every word (lower case), ascending: one scan per word of the
        headings joined (kept until headings are added)."""
        heads = self.heads
        joined, starts = self._joined_heads()
        if joined is None:  # (a heading holding a line break: looked at one by one)
            return [h for h, head in enumerate(heads) if all(w in head for w in lw)]
        got: set[int] | None = None
        for w in sorted(lw, key=len, reverse=True):
            if got is not None:  # (the headings holding the longer words, each looked at: `a` is in most)
                got = {h for h in got if w in heads[h]}
                if not got:
                    return []
                continue
            rx = re.compile(re.escape(w) + "[^\n]*\n")
            got = {bisect_right(starts, m.start()) - 1 for m in rx.finditer(joined)}
            if not got:
                return []
        return sorted(got or ())

    def _joined_heads(self) -> tuple[str | None, array]:
        """The headings joined by line breaks (None when one holds a line break) and where each starts,
        kept until headings are added (~15 ms at 10,000 reports: made where the index is warmed)."""
        heads = self.heads
        memo = self.__dict__.get("_heads_joined")
        if memo is None or memo[0] != len(heads):
            if isinstance(heads, JoinedNames):  # (held joined: read back from the cache)
                return heads.text, heads.starts
            joined = "\n".join(heads) + "\n"
            starts = array("i", [0])
            starts.extend(accumulate(len(h) + 1 for h in heads))
            memo = self._heads_joined = (len(heads), joined if joined.count("\n") == len(heads) else None, starts)
        return memo[1], memo[2]

    def _scored_in(self, words: list[str], lw: list[str], tids: list[int], least: int = mt.INSIDE
                   ) -> dict[int, float]:
        """The exact-tier score (`match.exact_score`) of each of these texts holding every word, from one
        scan per word of just these texts (as `_exact` scores every text); with `least` (`match.PREFIX`),
        of those holding every word at that level or above alone (a word starting with a Latin letter or
        digit is then not scanned for anywhere: `l` is inside a word in most heading lines)."""
        if not tids:
            return {}
        tids = sorted(set(tids))
        views: dict[bool, tuple[Any, Any, list[int]]] = {}
        classes: dict[int, int] | None = None
        for w in sorted(words, key=len, reverse=True):
            cased = mt.case_sensitive(w)
            view = views.get(cased) or views.setdefault(cased, self._view_of(tids, cased))
            if least > mt.INSIDE and is_word_char(w[0]):  # (at a word's start or whole: two scans, not three)
                _found, starts, wholes = self._word_levels(w, False, view, holding=view[2])
                got = self.levels_classes(starts, starts, wholes)
            else:
                got = self._word_classes(w, False, view)
                if least > mt.INSIDE:
                    got = {t: c for t, c in got.items() if c >= least}
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


class HeadingTexts:
    """Heading id → the heading lines (text ids) found by it, ascending, as three flat arrays (one list
    per heading would hold ~12 MB at 10,000 reports, where these hold ~2 MB)."""

    __slots__ = ("_hids", "_starts", "_tids")

    def __init__(self, text_hid: Any, ntexts: int) -> None:
        hids = text_hid
        # (the heading lines picked out at C speed: they are few among every text; the sort is stable,
        # so each heading's lines stay ascending)
        tids = sorted(compress(range(ntexts), map((-1).__lt__, hids[:ntexts])), key=hids.__getitem__)
        self._tids = array("i", tids)
        keys = array("i", map(hids.__getitem__, tids))
        firsts = [i for i in range(len(keys)) if not i or keys[i] != keys[i - 1]]
        self._hids = array("i", map(keys.__getitem__, firsts))
        self._starts = array("i", firsts)
        self._starts.append(len(keys))

    def _at(self, hid: int) -> int:
        i = bisect_left(self._hids, hid)
        return i if i < len(self._hids) and self._hids[i] == hid else -1

    def texts_of(self, hids: list[int]) -> array:
        """The heading lines of these headings (those with none left out), heading by heading."""
        out = array("i")
        tids, starts, at = self._tids, self._starts, self._at
        for i in map(at, hids):
            if i >= 0:
                out.extend(tids[starts[i]:starts[i + 1]])
        return out

    def __contains__(self, hid: object) -> bool:
        return isinstance(hid, int) and self._at(hid) >= 0

    def __getitem__(self, hid: int) -> array:
        i = self._at(hid)
        if i < 0:
            raise KeyError(hid)
        return self._tids[self._starts[i]:self._starts[i + 1]]

    def __len__(self) -> int:
        return len(self._hids)
