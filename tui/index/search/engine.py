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

`SearchIndex` is made of its parts: the index's columns (`index.IndexData`), the scans that find the
texts holding a string (`scans`), the search as the user types (`typed`), the lower tiers (`tiers`:
typos, pinyin), the filters and the rank order of entries (`picking`); this module asks them in turn.
"""

from __future__ import annotations

import time
from array import array
from typing import Any, Callable, Iterable, Sequence

from . import match as mt
from .index import Doc
from .picking import Picking
from .query import Query, parse_query
from .records import Record, doc_record, is_word_char, lower, norm
from .scans import POSTINGS_MIN, TextScans, _holding_rx, is_short_word
from .scored import Hit, LineMatch, SearchResult, Typo
from .tiers import LowerTiers
from .typed import AsTyped

__all__ = ["SearchIndex", "SearchResult", "Hit", "Query", "parse_query", "build_index", "search", "norm",
           "POSTINGS_MIN"]


class SearchIndex(AsTyped, LowerTiers, Picking, TextScans):
    """Every line of a library, ready to search (see the module's description)."""

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
             progress: Callable[[int, int], None] | None = None, batch: int = 256,
             adopted: Callable[[], None] | None = None) -> int:
        """Make the index hold exactly these reports: those gone or changed (by path, size and mtime)
        are marked dead, new ones added, `batch` at a time, each batch under the lock (searches run
        between them); `records(reports)` gives their search records; `adopted()` is called once every
        report kept carries the one given (before any is added). Returns how many were added."""
        wanted: dict[tuple, Any] = {}
        for r in reports:
            wanted.setdefault(Doc.key_of(r), r)
        with self.lock:
            live: set[tuple] = set()
            for d, doc in enumerate(self.each_doc()):  # (none kept: a `Doc` a report read from parts is ~1 KB)
                if self.doc_dead[d]:
                    continue
                k = doc.key
                if k in wanted and k not in live:
                    live.add(k)
                    self.adopt(d, wanted[k])
                else:
                    self.kill(d)
            self._hit_memo = {}  # (hits carry the reports given now)
        if adopted is not None:
            adopted()
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

    def warm(self) -> None:
        """Work out now what the first keystrokes would otherwise (where the index is synced, not in a
        key's search): the heading lines and the headings joined, what the typo tier's first key would
        make (`_warm_typos`), and with pinyin readings at hand the table of the names pinyin may spell
        (~0.3 s of CPU and ~2 MB at 10,000 reports; saved with the index, `spelling`)."""
        # (not under the lock: a key's search meanwhile is not held up; the index grows only where it
        # is synced, which is where this runs)
        self._heading_texts()
        self._joined_heads()
        self._warm_typos()
        if self.pinyin_ready:
            self._names_spelling("")

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
        with self.quiet.searching(), self.lock:  # (background checks wait while a search is under way)
            lim = limit if limit and limit > 0 else 0
            res = self._kept_page(q, lim, counted)
            if res is None:
                res = self._found(q, lim, counted, names)
                self._keep_page(q, lim, counted, res)
            res.searched = self.live_docs
        res.seconds = time.perf_counter() - t0
        return res

    def _found(self, q: Query, lim: int, counted: bool, names: Callable[..., set[str]] | None) -> SearchResult:
        """`search`'s hits: those found as the user types when they may be, else the full search's."""
        res = None if counted or not lim else self._as_typed(q, lim)  # (never with `by:`: filters go below)
        if res is None and counted and lim and self._counted_as_typed(q):
            key = q.words[0] if len(q.words) == 1 else tuple(lower(w) for w in q.words)
            failed = self._memo("_typed_failed", (self.ntexts, self.changes, lim))
            # (`ss`: found inside words, a walk falls short; not again)
            if key not in failed and self._candidates(key if isinstance(key, str) else list(key)) is None:
                res = self._as_typed(q, lim)
                if res is None:
                    self._keep(failed, key, True, 64)
                else:  # (the page is the exact tier's: its count is every text holding the words)
                    res.total, res.capped = self._live_holding(key), False
        return res if res is not None else self._search(q, lim, names)

    PAGES_KEPT = 64  # pages of hits kept (`_kept_page`)

    def _pages(self) -> dict:
        return self._memo("_pages_memo", (self.ntexts, self.changes, self.pinyin_ready))

    @staticmethod
    def _page_key(q: Query, lim: int, counted: bool) -> tuple | None:
        """What a page of hits is kept by (`_kept_page`): its words, limit and count; None for one not
        kept (no limit, no words, or filters)."""
        return None if not lim or q.has_filters or not q.words else (tuple(q.words), lim, counted)

    def _kept_page(self, q: Query, lim: int, counted: bool) -> SearchResult | None:
        """The page of hits kept for these words (a page without filters, `_keep_page`), as a result of
        its own; None: none kept. A key typed again (a word typed on and deleted, a query typed anew)
        asks the same page: its search took up to ~100 ms again at 10,000 reports (`ss`, three scans and
        ~60,000 texts ranked), the page ~0.1 ms."""
        key = self._page_key(q, lim, counted)
        got = None if key is None else self._pages().get(key)
        if got is None:
            return None
        hits, total, capped = got
        return SearchResult(q, list(hits), total, capped)

    def _keep_page(self, q: Query, lim: int, counted: bool, res: SearchResult) -> None:
        """Keep a page of hits (see `_kept_page`) until the index changes (its texts, reports added or
        marked dead, or its pinyin readings made)."""
        key = self._page_key(q, lim, counted)
        if key is not None:
            self._keep(self._pages(), key, (tuple(res.hits), res.total, res.capped), self.PAGES_KEPT)

    def _counted_as_typed(self, q: Query) -> bool:
        """Whether a counted search may take the hits found as the user types and count apart: no filter,
        no word written with a capital letter (and too common for the posting lists to narrow down:
        checked by the caller); one word of one or two Latin letters or digits, of CJK alone, or of the
        library's vocabulary (`_in_vocab`: a walk for it as a whole word may fill the page; a word seldom
        whole, such as `ssss`, is classified by the full search at once), or several of the vocabulary,
        a short one among them (`rust a`). Its exact tier then holds every text holding the words, and
        when those fill the limit no other tier runs, so the total is their entries — a scan per word
        and a sum, where classifying every one of them (three scans a word, most texts) costs several
        times that."""
        ws = q.words
        if not ws or q.has_filters or any(map(mt.case_sensitive, ws)):
            return False
        w = ws[0]
        if len(ws) > 1:
            return self._in_vocab([lower(v) for v in ws])
        if not (is_word_char(w[0]) or is_word_char(w[-1])):
            return True  # (CJK: every occurrence whole, every text holding it found by the walk)
        return is_short_word(w) or self._in_vocab([w])

    def _live_holding(self, w: str | tuple[str, ...]) -> int:
        """How many entries of live reports are on the texts holding `w` (lower case; a tuple: every one
        of those words), kept for a few until the index changes."""
        memo = self._memo("_count_memo", (self.ntexts, self.changes))
        got = memo.get(w)
        if got is None:
            count = self.tid_count
            if isinstance(w, tuple):
                got = sum(map(count.__getitem__, self._holding_all(list(w))))
                return self._keep(memo, w, got, 64)
            got = self._kept_count(w)  # (one character, two Latin ones: counted as the index grows)
            if got is not None:
                return got
            # (a list naming more than half the texts: counted from the texts it leaves out, without ~0.2 KB
            # a text of hits held meanwhile; else a scan)
            tids = self._short_holding(w, self.ntexts // 2) if len(w) <= 2 else None
            got = self._short_count(w) if tids is None and len(w) <= 2 else None
            if got is None:
                got = sum(map(count.__getitem__, self._holding(w) if tids is None else tids))  # (none below 0)
            self._keep(memo, w, got, 64)
        return got

    def _holding_all(self, lw: list[str]) -> list[int]:
        """The texts holding every one of these words (lower case, ignoring case), ascending: each word
        scanned for among the texts holding the longest (`_narrow_view`: kept, as the full search's
        scans are narrowed down), else among every text; words of one or two characters beside it,
        from their posting lists (`_short_among`: `rust a`, without joining every text holding `rust`)."""
        got = self._short_among(lw)
        if got is not None:
            return got
        view = self._narrow_view(lw)
        kept = self.__dict__.get("_narrow_memo")
        every = kept[0][0] if view is not None and kept is not None and kept[2] is view else None
        got: list[int] | None = None  # (None: every text of the view, when each holds a word)
        for w in sorted(set(lw), key=len, reverse=True):
            if w == every:
                continue  # (every text of the view holds it)
            found = self._texts_in(_holding_rx(w), view if view is not None else self._narrowed(w))
            if got is not None:
                keep = set(found)
                found = [t for t in got if t in keep]
            got = found
            if not got:
                return []
        return list(view[2]) if got is None and view is not None else got or []

    def _search(self, q: Query, limit: int, names: Callable[..., set[str]] | None = None
                ) -> SearchResult:
        cap = limit or (1 << 62)
        scope = self._doc_scope(q, names)
        # (`in:` beside words: the texts with an entry in the sections named, found first — the words are
        # looked for only in those, when few — and the filter's test of an entry then reads no shape)
        only = self._section_texts(q) if q.sections and q.words and self._words_common(q) else None
        pred = self._line_filter(q)
        if not q.words:
            if not q.has_filters:
                return SearchResult(q, [], 0)
            found, total, capped = self._listing(q, scope, pred, cap)
            filt = LineMatch(mt.FILTER_SCORE, "filter")
            hits = self._hits(q, [(eid, filt) for eid in found])
            return SearchResult(q, hits, total, capped)
        matches = self._exact(q, only=self._section_view(only) if only is not None else None)
        picked: list[tuple[int, LineMatch]] = []
        total, capped = self._take(matches, cap, scope, pred, picked)
        # every exact hit ranks above every other (83 > 79): the other tiers only when these fall short
        if len(picked) < cap:
            lower: dict[int, LineMatch] = {}
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

    def _exact(self, q: Query, whole_only: bool = False, only: tuple[Any, Any, list[int]] | None = None
               ) -> dict[int, LineMatch]:
        """The texts holding every word, scored as `match.exact_score` does, for all texts at once: one
        scan of the texts per word finds each text's best occurrence of it (whole word, word prefix or
        inside a word). `only`: of the texts of this view alone (`_view_of`), the others left out."""
        words = q.words
        lw = [lower(w) for w in words]
        classes: dict[int, int] | None = None
        seen: dict[str, Any] = {}
        # several words: the texts holding each at every level (anywhere, at a word's start, whole) are
        # intersected level by level as sets (C speed), not each text's class looked up word by word
        levels: list[set[int]] | None = None
        # several words: the texts that may hold them all, from one posting query over every word's
        # pairs (each word's scan then runs on those alone, even when one word alone is common)
        joint = self._candidates(lw) if len(lw) > 1 else None
        views: dict[bool, tuple[Any, Any, list[int]]] = {}
        if only is not None:  # (of those texts alone, and of those the posting index names if it does)
            named = joint if len(lw) > 1 else self._candidates(lw[0])
            if named is None:
                joint, views[False] = only[2], only
            else:
                joint = sorted(set(named).intersection(only[2]))
        # else the texts holding a string inside one of the words, kept from an earlier keystroke (or,
        # several words, those holding the longest word): every scan runs on those alone
        narrow = None if joint is not None else self._narrow_view(lw, scan=False, posted=not whole_only)
        if not whole_only:  # (each word's texts, for the fuzzy tier of the same query: all of them; one
            # word's are never asked for, and kept they would outlive the query: ~120 MB for `进度` at 100,000)
            self._word_memo = (words, seen if joint is None and narrow is None and len(lw) > 1 else {})
        for w in sorted(words, key=len, reverse=True):  # (the longest word first: it is the rarest)
            within = None
            cased = mt.case_sensitive(w)
            if joint is not None:
                within = views.get(cased) or views.setdefault(cased, self._view_of(joint, cased))
            elif narrow is not None:
                within = narrow if not cased else (views.get(True) or views.setdefault(True, self._view_of(narrow[2], True)))
            if len(lw) == 1:
                got = seen[w] = self._whole_classes(w) if whole_only and within is None else \
                    self._word_classes(w, whole_only, within)
                found: Any = got
            else:
                found, starts, wholes = self._levels_of(w, whole_only, within, narrow)
                seen[w] = found
            if within is None and not whole_only and not cased:
                self._keep_holding(lower(w), found)  # (its texts: they narrow the next keystroke's scans down)
            if len(lw) == 1:
                classes = got
            elif levels is None:
                levels = [set(found), set(starts), set(wholes)]
                if (not whole_only and narrow is None and joint is None
                        and len(found) * self.NARROW_SHARE < self.ntexts):
                    # (the texts holding the longest word, ascending as found: the other words' three
                    # scans each run on those alone, whatever an earlier keystroke kept; whole words
                    # alone are one scan each, kept: not worth joining the texts for)
                    narrow = self._view_of(list(found))
                    self._word_memo = (words, dict(seen))  # (the fuzzy tier's texts of each word: those found whole)
            else:
                levels = [levels[0].intersection(found), levels[1].intersection(starts), levels[2].intersection(wholes)]
            if not (classes if levels is None else levels[0]):
                return {}
        if levels is not None:  # (a text's class: the best level every word reaches in it)
            classes = self.levels_classes(sorted(levels[0]), levels[1], levels[2])
        hids, heads, count = self.text_hid, self.heads, self.tid_count
        by_class = {c: LineMatch(mt.CLASS_SCORE[c], "exact") for c in mt.CLASS_SCORE}
        on_head = {c: LineMatch(mt.CLASS_SCORE[c] + mt.HEADING_BONUS, "exact") for c in mt.CLASS_SCORE}
        out: dict[int, LineMatch] = {}
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
            raised: dict[float, LineMatch] = {}
            for t in self._phrase_texts(lw, views.get(False) if joint is not None else narrow):
                m = out.get(t)
                if m is not None:
                    s = m.score + mt.PHRASE_BONUS
                    out[t] = raised.get(s) or raised.setdefault(s, LineMatch(s, "exact"))
        return out

    def _words_common(self, q: Query) -> bool:
        """Whether the posting index narrows none of the words, nor the words together, down (every text
        would be scanned for them): an `in:` filter's texts are then worth finding first."""
        lw = [lower(w) for w in q.words]
        return all(self._candidates(w) is None for w in lw) and (len(lw) == 1 or self._candidates(lw) is None)

    def _section_view(self, tids: Sequence[int]) -> tuple[Any, Any, list[int]] | None:
        """A view (`_view_of`) of an `in:` filter's texts (`_section_texts`), kept for the last filter until
        the index changes when not too big (`SECTION_VIEW_KEPT`); None when they are not few (a third of the texts or more: scanning every text
        costs no more)."""
        if len(tids) * self.NARROW_SHARE >= self.ntexts:
            return None
        kept = self.__dict__.get("_section_view_memo")
        if kept is not None and kept[0] == (self.ntexts, self.changes) and kept[1] is tids:
            return kept[2]
        view = self._view_of(list(tids))
        if len(view[0]) <= self.SECTION_VIEW_KEPT:
            self._section_view_memo = ((self.ntexts, self.changes), tids, view)
        return view

    SECTION_VIEW_KEPT = 16 << 20  # bytes of an `in:` filter's texts kept joined (`_section_view`)

    LEVELS_MEMO = 2  # words whose texts at each level are kept (`_levels_of`; `rust` at 10,000 reports: ~1.4 MB)

    def _levels_of(self, w: str, whole_only: bool, within: Any, narrow: Any) -> tuple[Any, Any, Any]:
        """`_word_levels` of one of several words, of every text holding it: kept for a few words until
        the index changes (typing `rust a`, `rust as`, `rust asy`, each keystroke asks `rust` again).
        Looked for in `within` (a view) that holds every text holding it — none, or `narrow` made of the
        texts holding a string inside it (`_narrow_view`) — they are kept; else they are not. Of a
        few texts the posting index named (`_candidates`), scanned: quicker than a set of every text."""
        if within is not None and within is not narrow:  # (a few texts the posting index named: scanned)
            return self._word_levels(w, whole_only, within)
        memo = self._memo("_levels_memo", (self.ntexts, self.changes))
        key = (w, whole_only)
        got = memo.get(key)
        if got is not None:
            return got
        if whole_only and within is None:
            found = list(self._whole_classes(w))
            return found, found, found
        kept = self.__dict__.get("_narrow_memo")
        complete = within is None or (within is narrow and kept is not None and kept[2] is narrow
                                      and kept[0][0] in lower(w))
        # (`narrow` made of the texts holding this very word, ignoring case: each holds it)
        every = complete and within is not None and kept[0][0] == w and not whole_only  # type: ignore[index]
        got = self._word_levels(w, whole_only, within, narrow[2] if every else None)
        if complete:
            self._keep(memo, key, tuple(array("i", x) for x in got), self.LEVELS_MEMO)
        return got

    # -- hits ------------------------------------------------------------------------------------

    def _hits(self, q: Query, picked: list[tuple[int, LineMatch]]) -> list[Hit]:
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
                i, span = (m.info.word, m.info.span) if isinstance(m.info, Typo) else (0, m.info)
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

def build_index(library: Any) -> SearchIndex:
    """An index of a library's reports (`Workspace.search_index` keeps one per library)."""
    return SearchIndex.build(library.reports)


def search(library: Any, query: str, limit: int = 50) -> SearchResult:
    """Search a library once (an index built for this query alone)."""
    return build_index(library).search(query, limit=limit)
