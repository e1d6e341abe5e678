"""The search's lower tiers, asked only when the exact tier falls short of the hits wanted: a word
mistyped (`_fuzzy`), pinyin of a name (`_pinyin_names`), pinyin and pinyin initials of report text
(`_pinyin_text`). Each gives the texts it matches with a score (`match` has the rules)."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import chain
from operator import itemgetter
from typing import Callable, Iterator

from . import match as mt
from . import pinyin as py
from .query import Query
from .records import lower
from .scans import _REST, _WORD_CLASS, TextScans
from .scored import LineMatch, Typo

TEXT_SLICE = 1 << 20  # bytes of text decoded at a time for pinyin in report text (`_text_find`)
TEXT_IDS = 20_000  # texts the posting index named, joined and decoded at a time (`_places_in`)
FIND_KEEP = 20_000  # places of pinyin in report text kept for the next query (`_text_find`, two patterns): ≤ 4 MB
FUZZY_EACH = 2_000  # texts holding a query's other words looked at one by one for a mistyped word; more: scanned


def _whole_any_rx(words: list[str]) -> re.Pattern:
    """What finds each text holding one of these Latin words (lower case) as a whole word once."""
    lits = [re.escape(u.encode("utf-8")) for u in words]
    alt = b"|".join(lit + rb"(?<![" + _WORD_CLASS + rb"]" + lit + rb")" for lit in lits)
    return re.compile(rb"(?:" + alt + rb")(?![" + _WORD_CLASS + rb"])" + _REST)


class LowerTiers(TextScans):
    """The typo and pinyin tiers (see the module's description)."""

    def _fuzzy(self, q: Query, exact: dict[int, LineMatch]) -> dict[int, LineMatch]:
        """The texts `match.fuzzy_line` matches (no exact match): one word mistyped, the others as typed."""
        words = [lower(w) for w in q.words]
        which = mt.fuzzy_words(words)
        if len(words) == 1:
            return self._fuzzy_word(words[0], exact, None, []) if which else {}
        out: dict[int, LineMatch] = {}
        for i in which:
            others = [w for j, w in enumerate(q.words) if j != i]
            memo = getattr(self, "_word_memo", None)
            known = memo[1] if memo is not None and memo[0] == q.words else {}
            if len(others) == 1 and others[0] not in known and self._common_other(words[i], others[0], exact):
                # (`regoin s`: the texts holding a word close to the mistyped one are found first and
                # checked for the other, rather than every text holding `s` listed)
                found = self._fuzzy_word(words[i], exact, None, [lower(others[0])], others[0])
            else:
                within: set[int] | None = None
                for o in sorted(others, key=len, reverse=True):  # (the texts holding every other word as typed)
                    got = known[o] if o in known else self._texts_holding(o)
                    within = set(got) if within is None else within.intersection(got)
                    if not within:
                        break
                if not within:
                    continue
                found = self._fuzzy_word(words[i], exact, within, [lower(o) for o in others])
            for tid, m in found.items():
                old = out.get(tid)
                if old is None or m.score > old.score:
                    out[tid] = LineMatch(m.score, "fuzzy", Typo(i, m.info))
        return out

    def _common_other(self, w: str, other: str, exact: dict[int, LineMatch]) -> bool:
        """Whether the texts holding `other` (a mistyped Latin word's one other word) are so many that
        listing them costs more than finding the texts holding a word close to `w` and checking those
        for it: the posting index names too many (`_candidates`), more than `FUZZY_EACH` of them not
        matched exactly, so `_fuzzy_within` would scan for the close words anyway. (Either way gives the
        same hits — looking at each text or scanning for the close words: the reference tests try both.)"""
        if not mt.is_latin_word(w) or self.posting_index is None or self._candidates(lower(other)) is not None:
            return False
        least = max(self.candidates_min, min(self.posting_index.ndocs, self.ntexts) // self.candidates_share)
        return least - len(exact) > FUZZY_EACH

    def _fuzzy_word(self, w: str, exact: dict[int, LineMatch], within: set[int] | None,
                    others: list[str], check: str | None = None) -> dict[int, LineMatch]:
        """The texts (of `within`, all if None) holding the word `w` (lower case) mistyped, not matched
        exactly; `others`: the query's other words (lower case), which a heading holds for its bonus.
        `check`: a Latin word's one other word (as typed), which the texts must hold too (`_common_other`)."""
        n, k = len(w), mt.max_edits(len(w))
        out: dict[int, LineMatch] = {}

        heads, hids, said = self.heads, self.text_hid, {}  # (a heading is shared by many lines: asked once)
        latin = mt.is_latin_word(w)

        def on_head(tid: int) -> bool:
            hid = hids[tid]
            if hid < 0:
                return False
            got = said.get(hid)
            if got is None:
                h = heads[hid]
                got = said[hid] = mt.fuzzy_head(w, h) and all(o in h for o in others)
            return got
        if latin:
            if within is not None or check is not None:  # (one of several words: only the texts holding the others)
                return self._fuzzy_within(w, list(dict.fromkeys(u for _d, _n, u in self._typo_words(w))), exact,
                                          within, on_head, check)
            # a line's distance: that of the closest word it holds as a whole word (`match.fuzzy_latin`,
            # which also gives the span, for the hits shown); one score a distance, closeness and heading
            typos = self._typos(w)
            if not others:
                said = typos.heads  # (a word alone: whether a heading matches it is the same at every key)
            pairs, scores = typos.pairs, {}
            for tid, code in zip(typos.tids, typos.codes):
                if tid not in exact:
                    key = (code, hids[tid] >= 0 and on_head(tid))
                    m = scores.get(key)
                    if m is None:
                        d, near = pairs[code]
                        m = scores[key] = LineMatch(mt.fuzzy_score(d, n, key[1], near), "fuzzy", None)
                    out[tid] = m
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
        for tid, (d, span) in mt.fuzzy_windows(w, texts).items():
            out[tid] = LineMatch(scores[(d, hids[tid] >= 0 and on_head(tid))], "fuzzy", span)
        return out

    def _typo_words(self, w: str) -> list[tuple[int, float, str]]:
        """The library's words within `max_edits` of a mistyped Latin word `w` (lower case), as (edits,
        −`match.typo_closeness`, word), the closest first: fewest edits, then the closest typo; a word
        whose start is within them (`match.prefix_typos`) with one edit more."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        n, k = len(w), mt.max_edits(len(w))
        close = process.extract(w, self._vocab_near(n, k), scorer=OSA.distance, score_cutoff=k, limit=None)
        keyed = [(int(d), -mt.typo_closeness(w, u), u) for u, d, _ in close if d >= 1]
        if mt.prefix_typos(w):  # (words whose start is mistyped: one edit more)
            starts = self._vocab_starts(n, k)
            for p, d, _ in process.extract(w, list(starts), scorer=OSA.distance, score_cutoff=k, limit=None):
                if d >= 1:
                    near = -mt.typo_closeness(w, p)
                    keyed.extend((int(d) + 1, near, u) for u in starts[p] if not u.startswith(w))
        keyed.sort()
        return keyed

    # mistyped words whose texts are kept (`_typos`), each when at most so many (8 bytes a text: `compilr`
    # at 10,000 reports, ~11,000 texts; `rsut`'s at 100,000, every text holding `rust`, are not kept)
    TYPOS_KEPT, TYPOS_MOST = 4, 200_000

    def _typos(self, w: str) -> Typos:
        """The texts holding a word close to the mistyped Latin word `w` (`_typo_words`) as a whole word,
        each with the closest one's (edits, closeness), and whether each heading matches `w` (filled
        in as asked): kept for a few words until the index changes (a key's page, then its whole list,
        then the same word typed again, ask the same; `compilr` at 10,000 reports: ~11,000 texts of 21
        words, ~0.1 s to find again)."""
        memo = self._memo("_typos_memo", (self.ntexts, self.changes))
        got = memo.get(w)
        if got is None:
            best: dict[int, int] = {}  # text → the closest word's place in `pairs`
            pairs: list[tuple[int, float]] = []
            for d, neg, u in self._typo_words(w):
                code = len(pairs)
                pairs.append((d, -neg))
                for tid in self._whole_texts(u):
                    if tid not in best:
                        best[tid] = code
            got = Typos(array("i", best), array("i", best.values()), pairs)
            if len(best) <= self.TYPOS_MOST:
                self._keep(memo, w, got, self.TYPOS_KEPT)
        return got

    def _fuzzy_within(self, w: str, close: list[str], exact: dict[int, LineMatch], within: set[int] | None,
                      on_head: Callable[[int], bool], check: str | None = None) -> dict[int, LineMatch]:
        """`_fuzzy_word` of a Latin word among the texts holding a query's other words: those holding one
        of the library's words `close` to it (found in one scan of just those texts when they are many),
        each scored by `match.fuzzy_latin`. `within` None: the texts holding the other word `check`
        (more than `FUZZY_EACH`), found among those holding a close word."""
        out: dict[int, LineMatch] = {}
        if not close:
            return out
        if within is None:  # (those holding a close word, then the other word: as below, in that order)
            cased, needle = mt.case_sensitive(check or ""), mt.needle(check or "")
            ids = [t for t in self._close_texts(close)
                   if t not in exact and needle in (self.text_cased(t) if cased else self.text(t))]
        else:
            ids = sorted(t for t in within if t not in exact)
            if len(ids) > FUZZY_EACH:
                if len(ids) * 4 > self.ntexts:  # (most texts: those holding a close word, then those kept)
                    keep = set(ids)
                    ids = [t for t in self._close_texts(close) if t in keep]
                else:
                    ids = self._texts_in(_whole_any_rx(close), self._view_of(ids))
        n = len(w)
        for tid in ids:
            low = self.text(tid)
            f = mt.fuzzy_latin(w, low)
            if f is not None:
                near = mt.typo_closeness(w, low[f[1][0]:f[1][1]])
                out[tid] = LineMatch(mt.fuzzy_score(f[0], n, on_head(tid), near), "fuzzy", None)
        return out

    def _close_texts(self, close: list[str]) -> list[int]:
        """The texts holding one of these words of the vocabulary (close to a mistyped one) as a whole
        word, ascending: of each word the posting index narrows down, its whole-word texts (`_whole_texts`:
        its few candidates scanned, kept), and of the others one scan of every text for them all (one
        pattern of every close word over every text: ~0.2 s at 10,000 reports, `rust asyn`)."""
        found: set[int] = set()
        common: list[str] = []
        for u in close:
            if self._posted_wholes(u) is None and self._candidates(u) is None:
                common.append(u)
            else:
                found.update(self._whole_texts(u))
        if common:
            found.update(self._texts_of(_whole_any_rx(common), self.lower_blob(), self.lower_off))
        return sorted(found)

    def _head(self, tid: int) -> str | None:
        """The text a heading line is found by (lower case), None for other lines."""
        hid = self.text_hid[tid]
        return self.heads[hid] if hid >= 0 else None

    def _vocab_near(self, n: int, k: int) -> list[str]:
        """The Latin words of the library `n ± k` letters long."""
        by_len = self._vocab_lengths()
        return [u for length in range(n - k, n + k + 1) for u in by_len.get(length, ())]

    def _vocab_lengths(self) -> dict[int, list[str]]:
        """The Latin words of the library by length, in the vocabulary's order (made once per
        vocabulary: ~40 ms at 10,000 reports, where the index is warmed)."""
        def by_length() -> dict[int, list[str]]:
            by_len: dict[int, list[str]] = {}
            for u in self.vocab:
                by_len.setdefault(len(u), []).append(u)
            return by_len

        return self._of_vocab("_vocab_by_len", by_length)

    STARTS_KEPT = 8  # lengths whose starts are kept (`_vocab_starts`: typing a word, each key is one longer)

    def _vocab_starts(self, n: int, k: int) -> VocabStarts:
        """The starts of the library's Latin words `match.prefix_lengths(n, k)` long, each with the
        longer words it starts: the starts of each length kept for the next keystrokes (a word typed on
        asks the lengths around one more), the words of a start found in the sorted vocabulary."""
        ordered, by_length = self._starts_kept()
        keys: dict[str, None] = {}
        for length in mt.prefix_lengths(n, k):
            got = by_length.get(length)
            if got is None:  # (of the sorted words, their starts are sorted: the distinct ones, sorted)
                by_len, cut = self._vocab_lengths(), itemgetter(slice(None, length))
                longer = chain.from_iterable(us for m, us in by_len.items() if m > length)
                got = self._keep(by_length, length, sorted(set(map(cut, longer))), self.STARTS_KEPT)
            keys.update(dict.fromkeys(got))
        return VocabStarts(list(keys), ordered)

    def _starts_kept(self) -> tuple[list[str], dict[int, list[str]]]:
        """(the vocabulary sorted, the starts of each length kept: `_vocab_starts`)."""
        return self._of_vocab("_starts_memo", lambda: (sorted(self.vocab), {}))

    def _warm_typos(self) -> None:
        """Make what the typo tier's first key would otherwise (~0.1 s at 10,000 reports): the
        vocabulary by length and sorted, and rapidfuzz imported."""
        from rapidfuzz import process  # noqa: F401
        from rapidfuzz.distance import OSA  # noqa: F401

        self._vocab_lengths()
        self._starts_kept()

    def _readings_of(self, name: str) -> list[tuple[str, ...]]:
        rd = self.readings.get(name)
        if rd is None:
            rd = self.readings[name] = py.readings(name)
        return rd

    def _pinyin_names(self, q: Query, exact: dict[int, LineMatch]) -> dict[int, LineMatch]:
        if not py.is_pinyin_query(q.text):
            return {}
        qc = py.compact(q.text)
        if len(qc) < 2:
            return {}
        tids, codes, matches = self._name_texts(qc)
        return {t: matches[c] for t, c in zip(tids, codes) if t not in exact}

    # pinyin queries whose names' texts are kept (`_name_texts`), each when at most so many (8 bytes a text)
    NAMES_KEPT, NAMES_MOST = 4, 200_000

    def _name_texts(self, qc: str) -> tuple[array, array, list[LineMatch]]:
        """The texts holding a name's characters the compact pinyin `qc` spells (`match.name_needle`),
        each scored by the best of those it holds (`matches[codes[i]]`): kept for a few queries until
        the index changes (a key's page and then its whole list ask the same: `rust asy` at 10,000
        reports looks at ~600 names that `rus` may start, ~20 ms)."""
        memo = self._memo("_name_texts_memo", (self.ntexts, self.changes, len(self.terms)))
        got = memo.get(qc)
        if got is not None:
            return got
        needles: dict[str, float] = {}
        for term, i in self._names_spelling(qc[:3]):
            if self.term_count[i] <= 0:
                continue
            found = mt.name_needle(qc, term, self._readings_of(term))
            if found is not None:
                hanzi, quality = found
                if quality > needles.get(hanzi, -1.0):
                    needles[hanzi] = quality
        out: dict[int, LineMatch] = {}
        hids, heads = self.text_hid, self.heads
        for hanzi in sorted(needles):
            plain = LineMatch(mt.name_pinyin_score(needles[hanzi], False), "pinyin", hanzi)
            on_head = LineMatch(mt.name_pinyin_score(needles[hanzi], True), "pinyin", hanzi)
            for tid in self.texts_with(hanzi):
                hid = hids[tid]
                m = on_head if hid >= 0 and hanzi in heads[hid] else plain
                old = out.get(tid)
                if old is None or m.score > old.score:
                    out[tid] = m
        matches = list(dict.fromkeys(out.values()))
        code = {id(m): c for c, m in enumerate(matches)}
        got = (array("i", out), array("i", [code[id(m)] for m in out.values()]), matches)
        if len(out) <= self.NAMES_MOST:
            self._keep(memo, qc, got, self.NAMES_KEPT)
        return got

    def _names_spelling(self, start: str) -> list[tuple[str, int]]:
        """The names (name, id) pinyin starting with these two or three letters may spell a run of:
        those where characters in a row, each giving a non-empty prefix of one of its readings, can
        start with them (`pinyin.match` reads a query no other way). By two letters from a table made
        once per set of names (matching each name in turn costs ~10–50 µs a name per keystroke); by
        three, those of the two looked at, each name's three-letter starts kept once worked out. The table by
        two letters is saved with the index (`spelling`)."""
        got = getattr(self, "_pairs_memo", None)  # (read back with the index when it was saved with it)
        if got is None or got[0] != len(self.terms):
            pairs: dict[str, list[tuple[str, int]]] = {}
            for term, i in self.terms.items():
                rd = self._readings_of(term)
                keys: set[str] = set()
                for s in range(len(rd)):
                    _spelled_starts(rd, s, 2, keys)
                for k in keys:
                    pairs.setdefault(k, []).append((term, i))
            got = self._pairs_memo = (len(self.terms), pairs)
        named = got[1].get(start[:2], [])
        if len(start) < 3:
            return named
        # (by three letters: one regular expression over the readings of the names the two letters
        # name, written out one name a line, kept for a few starts; working out each name's three-letter
        # starts took 0.1–0.3 s at the first key of another two letters, at 10,000 reports)
        memo = self._memo("_triples_memo", (len(self.terms),))
        out = memo.get(start)
        if out is None:
            forms = self._spelled_forms()
            lines = "\n".join([forms.get(term) or forms.setdefault(term, _spelled_form(self._readings_of(term)))
                               for term, _i in named])
            out = [named[k] for k, _at in _first_places(_spelling_rx(start), lines)]
            self._keep(memo, start, out, self.TRIPLES_KEPT)
        return out

    TRIPLES_KEPT = 16  # three-letter starts whose names are kept (`_names_spelling`)

    def _spelled_forms(self) -> dict[str, str]:
        """The names' readings as `_names_spelling` reads them (`_spelled_form`), kept once made (~10 µs
        a name; not made for every name where the index is warmed: that would read every name's
        readings, ~15 MB at 10,000 reports, where a key reads those of the names it looks at)."""
        return self._memo("_forms_memo", (len(self.terms),))

    def _pinyin_text(self, q: Query, exact: dict[int, LineMatch]) -> dict[int, LineMatch]:
        if not py.is_pinyin_query(q.text):
            return {}
        qc = py.compact(q.text)
        if self.char_pinyin is None:
            self.prepare_pinyin()
        found: dict[int, tuple[int, int]] = {}  # tid → the first span
        classes = self._reading_classes()
        for seg in _segmentations(qc, set(classes)):
            for tid, at in self._text_find([classes[s] for s in seg], "".join(s[0] for s in seg)):
                if tid not in found or at < found[tid][0]:
                    found[tid] = (at, at + len(seg))
        out: dict[int, LineMatch] = {}
        for tid, span in found.items():
            if tid not in exact and self.tid_count[tid] > 0:
                head = self._head(tid)
                on_head = head is not None and self.text(tid)[span[0]:span[1]] in head
                out[tid] = LineMatch(mt.text_pinyin_score(on_head), "pinyin", span)
        if len(qc) >= mt.INITIALS_MIN:  # initials of running text: the lowest tier, never "no matches"
            initials = self._initial_classes()
            if all(c in initials for c in qc):
                for tid, at in self._text_find([initials[c] for c in qc], qc):
                    if tid in exact or tid in out or self.tid_count[tid] <= 0:
                        continue
                    head = self._head(tid)
                    on_head = head is not None and self.text(tid)[at:at + len(qc)] in head
                    out[tid] = LineMatch(mt.text_initials_score(on_head), "pinyin", (at, at + len(qc)))
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

    def _text_find(self, classes: list[str], initials: str = "") -> list[tuple[int, int]]:
        """(text id, character offset) of the first place in each text where its characters belong to
        these classes in turn (`initials`: the letters every character of such a place starts a reading
        with, which the posting index narrows the texts down by). Kept for the last few patterns while
        the index does not change (a key's page and then its whole list ask twice), when the places are
        few enough (`FIND_KEEP`)."""
        memo = self._memo("_find_memo", (self.ntexts, self.changes, id(self.char_pinyin)))
        key = tuple(classes)
        got = memo.get(key)
        if got is None:
            ids = self._candidates(initials, initials=True) if len(initials) > 1 else None
            got = list(self._text_places(classes) if ids is None else self._places_in(classes, ids))
            if len(got) <= FIND_KEEP:
                self._keep(memo, key, got, 2)
        return got

    def _places_in(self, classes: list[str], ids: list[int]) -> Iterator[tuple[int, int]]:
        """`_text_find` of these texts alone (ascending ids), joined and decoded at once."""
        rx = re.compile("".join(f"[{c}]" for c in classes))
        for a in range(0, len(ids), TEXT_IDS):
            some = ids[a:a + TEXT_IDS]
            blob, _off, _ids = self._view_of(some)
            for k, at in _first_places(rx, blob.decode("utf-8", "surrogatepass")):
                yield some[k], at

    def _text_places(self, classes: list[str]) -> Iterator[tuple[int, int]]:
        """`_text_find`, found: the texts are decoded a slice at a time (`TEXT_SLICE` bytes) and nothing
        is kept: a decoded copy of every text would cost three to four times the texts."""
        rx = re.compile("".join(f"[{c}]" for c in classes))
        blob, off, n = self.lower_blob(), self.lower_off, self.ntexts
        a = 0
        while a < n:
            b = min(n, max(a + 1, bisect_right(off, off[a] + TEXT_SLICE) - 1))
            for k, at in _first_places(rx, bytes(blob[off[a]:off[b]]).decode("utf-8", "surrogatepass")):
                yield a + k, at
            a = b


def _first_places(rx: re.Pattern, whole: str) -> Iterator[tuple[int, int]]:
    """(line, character offset) of the first match in each "\n"-ended line of `whole` that has one."""
    line, at, pos = 0, 0, 0  # (`at`: where line `line` starts in `whole`)
    while True:
        m = rx.search(whole, pos)
        if m is None:
            break
        i = m.start()
        k = whole.count("\n", at, i)
        if k:
            line += k
            at = whole.rfind("\n", at, i) + 1
        yield line, i - at
        pos = whole.find("\n", i) + 1
        if not pos:
            break


def _spelled_starts(rd: list[tuple[str, ...]], j: int, n: int, out: set[str]) -> None:
    """Add to `out` the first `n` (2 or 3) letters of every spelling of the characters from `j` on
    (each a non-empty prefix of one of its readings) that is that long."""
    now = [r for r in rd[j] if r]
    nxt = [r for r in rd[j + 1] if r] if j + 1 < len(rd) else []
    for r in now:
        if len(r) >= n:
            out.add(r[:n])
        if n == 2:
            out.update(r[0] + r1[0] for r1 in nxt)
            continue
        if len(r) >= 2:
            out.update(r[:2] + r1[0] for r1 in nxt)
        if nxt:
            after = [r2[0] for r2 in rd[j + 2] if r2] if j + 2 < len(rd) else []
            for r1 in nxt:
                if len(r1) >= 2:
                    out.add(r[0] + r1[:2])
                out.update(r[0] + r1[0] + c for c in after)


def _spelled_form(rd: list[tuple[str, ...]]) -> str:
    """A name's readings as one line: each character's readings (none empty) joined by ",", the
    characters by ";" (`_spelling_rx` reads it)."""
    return ";".join(",".join(r for r in rs if r and r.isalnum()) for rs in rd)


def _spelling_rx(start: str) -> re.Pattern:
    """What finds the lines of `_spelled_form` that `_spelled_starts` gives these three letters: a
    reading starting with them, or with the first one or two and the next character's (or the next
    two characters') readings with the rest, each a non-empty prefix of a reading."""
    a, b, c = map(re.escape, start)
    on = "[^;\n]*;(?:[^;\n]*,)?"  # (the rest of a character's readings, then the start of one of the next's)
    return re.compile(f"(?<![^;,\n]){a}(?:{b}(?:{c}|{on}{c})|{on}{b}(?:{c}|{on}{c}))")


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


class Typos:
    """A mistyped word's texts (`LowerTiers._typos`): each text (`tids`) with the (edits, closeness) of
    the closest word it holds (`pairs[codes[i]]`), and heading id → whether the heading matches the word
    (as asked)."""

    __slots__ = ("tids", "codes", "pairs", "heads")

    def __init__(self, tids: array, codes: array, pairs: list[tuple[int, float]]) -> None:
        self.tids, self.codes, self.pairs, self.heads = tids, codes, pairs, {}


class VocabStarts:
    """Starts of the library's words (`keys`), each with the longer words it starts (`starts[p]`, found
    in the sorted vocabulary)."""

    __slots__ = ("keys", "_ordered")

    def __init__(self, keys: list[str], ordered: list[str]) -> None:
        self.keys, self._ordered = keys, ordered

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __getitem__(self, p: str) -> list[str]:
        ordered = self._ordered
        i = bisect_left(ordered, p)
        out = []
        while i < len(ordered) and ordered[i].startswith(p):
            if len(ordered[i]) > len(p):
                out.append(ordered[i])
            i += 1
        return out
