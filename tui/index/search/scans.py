"""Which texts hold a string: the scans every tier of the search is made of.

The lower-case text of every distinct line is one byte string ("\n" after each), so the texts holding
a string are found by one regular-expression scan (C speed) that takes the rest of a text once it
matched. From `POSTINGS_MIN` texts on, the posting index (`postings`, tantivy) names the texts that may
hold a string first, and only those are scanned. What a keystroke learned is kept for the next one:
the texts holding a word typed so far narrow the next keystroke's scans down (`_holding`), a single
character's texts (`texts_with`), whole-word classes (`_whole_classes`).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from functools import partial
from itertools import accumulate, chain, repeat
from typing import Any, Callable, Iterable, Sequence

from . import match as mt
from .index import IndexData
from .parts import COUNTED_PAIR
from .records import is_word_char, lower

_WORD_BYTES = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz")  # (`records.is_word_char`, lower case)
_WORD_BYTES_CASED = _WORD_BYTES | frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WORD_CLASS, _WORD_CLASS_CASED = rb"0-9a-z", rb"0-9A-Za-z"  # (the same, as a regular expression's [class])
_REST = rb"[^\n]*\n"  # (after a match: the rest of its text, so that a scan finds each text once)
_LATIN_WORD = re.compile(r"[0-9a-z]+")  # (a word the posting index holds whole: `postings.whole_holding`)
_COUNTED_PAIR = COUNTED_PAIR.fullmatch  # (two characters `char_count` counts: `_kept_count`)
WHOLES_SHARE = 3  # a word's whole-word texts from its posting list up to 1/3 of the texts (more: a scan)


def _holding_rx(w: str) -> re.Pattern:
    """What finds each text holding the string `w` once, in texts joined by "\\n"."""
    return re.compile(re.escape(w.encode("utf-8", "surrogatepass")) + _REST)


def is_short_word(u: str) -> bool:
    """Whether a word (lower case) is one of one or two Latin letters or digits: those the posting index
    holds whole (`postings.WORD_MAX`) and the vocabulary leaves out."""
    return len(u) <= 2 and _LATIN_WORD.fullmatch(u) is not None


def _whole_rx(u: str) -> re.Pattern:
    """What finds each text holding a Latin word (lower case) as a whole word once, ignoring case."""
    lit = re.escape(u.encode("utf-8", "surrogatepass"))
    return re.compile(lit + rb"(?<![" + _WORD_CLASS + rb"]" + lit + rb")(?![" + _WORD_CLASS + rb"])" + _REST)


CHAR_MEMO = 256  # characters whose texts are kept (`texts_with`)
# a match's text is found by looking it up in the offsets (~0.5 µs) while there is a match per more than
# this many bytes; more, by counting the texts between matches (~0.13 µs a match and ~0.5 ns a byte)
_LOOKUP_BYTES = 700
POSTINGS_MIN = 50_000  # texts from which a posting index narrows scans down (fewer: a scan takes a few ms)
CANDIDATES_MIN, CANDIDATES_SHARE = 2_000, 16  # posting lists naming more than max(2,000, 1/16 of the texts):
# every text is scanned instead (joining that many candidates costs what scanning them all does)


class TextScans(IndexData):
    """The texts holding a string, a word (and how: whole, at a word's start, inside) or words together,
    of every text or of a view of some (see the module's description)."""

    postings_min, candidates_min, candidates_share = POSTINGS_MIN, CANDIDATES_MIN, CANDIDATES_SHARE

    def _of_vocab(self, name: str, make: Callable[[], Any]) -> Any:
        """What `make()` derives from the vocabulary (`vocab`), kept under `name` until it grows."""
        memo = self._memo(name, (len(self.vocab),))
        if not memo:
            memo[None] = make()
        return memo[None]

    # (texts holding a string, kept across keystrokes: a word typed on holds the one before it)
    HOLDING_MEMO = 16
    NARROW_SHARE = 3  # a memo narrows scans down when it holds under 1/3 of the texts
    SHORT_SHARE = 6  # a short word's posting list, when it names under 1/6 of them (`_narrow_view`)

    def _holding(self, w: str, scan: bool = True) -> array | None:
        """The texts holding `w` (lower case, ignoring case) with an entry or not, ascending; kept (a few,
        those holding few enough texts to narrow a scan down) until the index changes. Without `scan`,
        only a kept answer (None: none kept)."""
        got = self._memo("_holding_memo", (self.ntexts, self.changes)).get(w)
        if got is not None or not scan:
            return got
        got = array("i", self._texts_in(_holding_rx(w), self._narrowed(w)))
        self._keep_holding(w, got)
        return got

    def _short_holding(self, w: str, most: int | None = None) -> Sequence[int] | None:
        """The texts holding a string of one or two characters (lower case), ascending, from its posting
        list (exact: the posting index holds every character and pair of characters of a line but
        across a space) and a scan of the texts appended since; quicker than a scan of every text for a
        common one (`进度`: ~35 against ~80 ms at 10,000 reports). None: no posting index to ask, or
        (`most`) more texts than that in its list."""
        p = self._short_postings(w)
        if p is None:
            return None
        n_all = self.ntexts
        n = min(p.ndocs, n_all)
        got = p.holding(w, n_all if most is None else most)
        if got is None:
            return None
        if p.ndocs > n_all:
            got = [t for t in got if t < n]
        got.extend(self._appended_holding(w, n))
        return got

    def _kept_count(self, w: str) -> int | None:
        """How many entries of live reports are on the texts holding `w` (lower case) when that is counted
        as the index grows (`char_count`: one character, or two Latin letters or digits); else None.
        (`in` at 10,000 reports: its posting list of ~200,000 texts took ~70 ms of CPU to receive.)"""
        return self.char_count.get(w, 0) if len(w) == 1 or _COUNTED_PAIR(w) else None

    def _short_count(self, w: str) -> int | None:
        """How many entries of live reports are on the texts holding a string of one or two characters
        (lower case) that most texts hold (one or two Latin letters or digits are kept: `_kept_count`): every live
        entry but those on the texts its posting list leaves out (a list of those is short where the
        list of the others is not), and the texts appended since, scanned. None: no posting index to
        ask, or half the texts lack it."""
        p = self._short_postings(w)
        if p is None:
            return None
        n_all = self.ntexts
        n = min(p.ndocs, n_all)
        lack = p.lacking(w, n_all // 2)
        if lack is None:
            return None
        count = self.tid_count
        if p.ndocs > n_all:
            lack = [t for t in lack if t < n]
        # (every count is at least 0, checked when read: a sum of them is a sum of the positive ones)
        got = self.live_entries - sum(count[n:]) - sum(map(count.__getitem__, lack))
        return got + sum(map(count.__getitem__, self._appended_holding(w, n)))

    def _short_postings(self, w: str) -> Any:
        """The posting index, when it answers exactly for a string of one or two characters (lower case,
        no space: every character and pair of a line is posted) and the index is large enough to ask it."""
        p = self.posting_index
        if p is None or self.ntexts < self.postings_min or not 0 < len(w) <= 2 or " " in w:
            return None
        return p

    def _appended_holding(self, w: str, n: int) -> list[int]:
        """The texts from `n` on (appended since the posting index was extended) holding `w`, scanned."""
        if n >= self.ntexts:
            return []
        return self._texts_in(_holding_rx(w), self._view_of(list(range(n, self.ntexts))))

    def _keep_holding(self, w: str, tids: Iterable[int]) -> None:
        memo = self._memo("_holding_memo", (self.ntexts, self.changes))
        got = tids if isinstance(tids, array) else array("i", tids)
        if len(got) * self.NARROW_SHARE >= self.ntexts or w in memo:
            return
        self._keep(memo, w, got, self.HOLDING_MEMO)

    def _narrow_view(self, lw: list[str], scan: bool = True, cased: bool = False,
                     posted: bool = False) -> tuple[Any, Any, list[int]] | None:
        """A view (`_view_of`) of texts holding every word (lower case) at least, far fewer than all: the
        fewest of those kept for a string inside one of the words (`_holding`), or with `scan` (several
        words) those holding the longest word, or with `posted` those a word of one or two characters
        is in by its posting list, when under 1/`SHORT_SHARE` of the texts (a full search scans each word
        three times: joining those texts costs less). None: no such view (every text is scanned, or the
        posting index narrows each scan down)."""
        if self.posting_index is not None and self._candidates(lw if len(lw) > 1 else lw[0]) is not None:
            return None  # (the posting index narrows down as well)
        best = None
        for k, tids in self._memo("_holding_memo", (self.ntexts, self.changes)).items():
            if any(k in w for w in lw) and (best is None or len(tids) < len(best[1])):
                best = (k, tids)
        if best is None and posted:  # (a word of one or two characters: its texts are its posting list)
            for w in lw:
                tids = self._short_holding(w, self.ntexts // self.SHORT_SHARE) if len(w) <= 2 else None
                if tids is not None and len(tids) * self.NARROW_SHARE < self.ntexts:
                    self._keep_holding(w, tids)
                    if best is None or len(tids) < len(best[1]):
                        best = (w, tids)
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

    def texts_with(self, s: str) -> list[int]:
        """The texts holding `s` (lower case) with an entry in a live report, ascending.

        A single character's texts are kept until the index changes: typing a word, each keystroke
        looks up the texts of every character typed so far (the fuzzy and pinyin tiers)."""
        if len(s) != 1:
            return self._live_texts_with(s)
        memo = self._memo("_char_texts", (self.ntexts, self.changes))
        got = memo.get(s)
        if got is None:
            got = self._keep(memo, s, self._live_texts_with(s), CHAR_MEMO)
        return got

    def _live_texts_with(self, s: str) -> list[int]:
        return [t for t in self._texts_in(_holding_rx(s), self._narrowed(s)) if self.tid_count[t] > 0]

    def _narrowed(self, s: str | list[str], cased: bool = False) -> tuple[Any, Any, list[int] | None]:
        """(blob, offsets, ids): the texts to scan for those holding `s` (lower case; a list: every one of
        those strings), lower case or as written. Every text (`ids` None), or with a posting index
        (`posting_index`) only the texts its posting lists name (for a list, in one query over all the
        strings' pairs) and those appended since it was last extended, joined (`ids`: their ids).
        The scan that follows is the same either way, so the answer is too."""
        ids = self._candidates(s)
        if ids is None:
            return (self._cased_blob(), self.cased_off, None) if cased else (self.lower_blob(), self.lower_off, None)
        return self._view_of(ids, cased)

    def _candidates(self, s: str | list[str], initials: bool = False) -> Sequence[int] | None:
        """The ids of the texts the posting index says may hold `s` (a list: every one of its strings),
        and those appended since it was extended; None: every text (no posting index, or too many).
        With `initials`, those that may spell the pinyin initials `s` in adjacent hanzi."""
        p = self.posting_index
        n_all = self.ntexts
        if p is None or n_all < self.postings_min or not s:
            return None
        key = s if isinstance(s, str) else tuple(s)
        memo = self._memo("_initials_memo" if initials else "_candidates_memo", self._candidates_version(p))
        if key in memo:
            return memo[key]
        got = self._posting_candidates(p, s, n_all, initials)
        if initials:  # (tens of thousands of lines: kept as 4-byte ids, a few; pinyin's places are kept too)
            return self._keep(memo, key, None if got is None else array("i", got), 4)
        return self._keep(memo, key, got, 32)

    def _candidates_version(self, p: Any) -> tuple:
        """What the candidates kept (`_candidates`) were asked of: the index, its posting index and shares."""
        return (self.ntexts, self.changes, id(p), p.ndocs, self.candidates_share, self.candidates_min)

    def _posting_candidates(self, p: Any, s: str | list[str], n_all: int, initials: bool = False) -> list[int] | None:
        n = min(p.ndocs, n_all)
        share = self.candidates_share
        cap = max(self.candidates_min, n // share)
        got = p.initials_holding(s, cap) if initials else p.holding(s, cap)
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
        # (the texts of the view found as those of every text are, then named: most of a view matching,
        # its lines are counted between matches rather than each match looked up)
        return list(map(ids.__getitem__, self._texts_of(rx, blob, off)))

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
        if len(ends) * _LOOKUP_BYTES < len(blob):  # few matches: each looked up in the offsets
            return [i - 1 for i in map(partial(bisect_left, off), ends)]
        # many: a text's id is how many texts end before it, counted between one match and the next
        # (at C speed, and nothing kept: a table of every text's end would cost ~100 bytes a text)
        nl = blob.count
        return list(accumulate(map(nl, repeat(b"\n"), chain((0,), ends), ends), initial=-1))[1:]

    WHOLE_MEMO = 8

    def _whole_classes(self, w: str) -> dict[int, int]:
        """`_word_classes(w, whole_only=True)` of every text, kept for a few words until the index changes
        (typing on after a word, each keystroke looks that word up again)."""
        memo = self._memo("_whole_memo", (self.ntexts, self.changes))
        got = memo.get(w)
        if got is None:
            got = self._keep(memo, w, array("i", self._word_classes(w, True)), self.WHOLE_MEMO)
        return dict.fromkeys(got, mt.WHOLE)

    def _phrase_texts(self, lw: list[str], view: tuple[Any, Any, list[int]] | None = None) -> list[int]:
        """The texts holding the words (lower case) together and in order (`match.phrase_pattern`), of
        those a view holds (None: of the texts that may hold them all)."""
        rx = re.compile(mt.phrase_pattern(lw).encode("utf-8", "surrogatepass") + _REST)
        return self._texts_in(rx, view if view is not None else self._narrowed(lw))

    def _word_classes(self, w: str, whole_only: bool = False,
                      view: tuple[Any, Any, list[int] | None] | None = None) -> dict[int, int]:
        """Text id → how the word occurs in it at best (`match.WHOLE`, `PREFIX` or `INSIDE`): as typed
        when it has a capital letter, else ignoring case (`_word_levels` has the rules and arguments)."""
        return self.levels_classes(*self._word_levels(w, whole_only, view))

    @staticmethod
    def levels_classes(found: Iterable[int], starts: Iterable[int], wholes: Iterable[int]) -> dict[int, int]:
        """Text id → its class, from the texts holding a word (or every word) anywhere, at a word's start
        and as a whole word (`_word_levels`; a level that is the very object of the one before is not
        gone through again); in the order of `found`."""
        if wholes is found:
            return dict.fromkeys(found, mt.WHOLE)
        out = dict.fromkeys(found, mt.PREFIX if starts is found else mt.INSIDE)
        if starts is not found and starts is not wholes:
            out.update(dict.fromkeys(starts, mt.PREFIX))
        out.update(dict.fromkeys(wholes, mt.WHOLE))
        return out

    def _word_levels(self, w: str, whole_only: bool = False, view: tuple[Any, Any, list[int] | None] | None = None,
                     holding: list[int] | None = None) -> tuple[list[int], list[int], list[int]]:
        """The texts holding the word (each list ascending): anywhere, at a word's start at least (a
        `match.PREFIX` or `WHOLE`), as a whole word (`match.WHOLE`); as typed when it has a capital
        letter, else ignoring case. A list that is the same as the one before it is that very list. A word
        that does not start or end with a Latin letter or digit (CJK) has no word boundaries to tell apart:
        every occurrence is whole. With `whole_only`, the texts holding it as a whole word alone (one scan),
        as all three. `view`: the texts to look at (`_narrowed`, as written when the word has a capital
        letter; None: those that may hold it). `holding`: the view's texts, when every one holds the word
        (the texts holding it anywhere, without a scan)."""
        cased = mt.case_sensitive(w)
        word = _WORD_BYTES_CASED if cased else _WORD_BYTES
        # (every text looked at, a word of Latin letters and digits ignoring case: its whole-word texts
        # are its posting list's, not a scan's)
        posted = self._posted_wholes(w) if view is None and not cased else None
        if posted is not None and whole_only:
            return posted, posted, posted
        if view is None:
            view = self._narrowed(lower(w), cased)
        if not cased:
            w = lower(w)
            if holding is None and self._holds_all(w, view):
                # (every text holding the word is in the view, and each holds it: none scanned for it
                # anywhere, and its whole-word texts, when a posting list names them, are those)
                holding = view[2]
                posted = self._posted_wholes(w) if posted is None else posted
        sb = w.encode("utf-8", "surrogatepass")
        check_start, check_end = is_word_char(w[0]), is_word_char(w[-1])
        if not (check_start or check_end):
            found = self._texts_in(_holding_rx(w), view)
            return found, found, found
        wb = _WORD_CLASS_CASED if word is _WORD_BYTES_CASED else _WORD_CLASS
        lit = re.escape(sb)
        # (the start is tested after the word, so the pattern begins with it: a literal start is
        # searched for at C speed, a look-behind first would be tried at every byte)
        before = rb"(?<![" + wb + rb"]" + lit + rb")" if check_start else b""
        after = rb"(?![" + wb + rb"])" if check_end else b""
        if whole_only:
            found = self._texts_in(re.compile(lit + before + after + _REST), view)
            return found, found, found
        # every text holding the word, then those holding it at a word's start, then as a whole word
        # (one scan each; a text's class is the best of those it is found by)
        found = self._texts_in(_holding_rx(w), view) if holding is None else holding
        if not found:
            return found, found, found
        starts = self._texts_in(re.compile(lit + before + _REST), view) if check_start else found
        if posted is not None:
            return found, starts, posted
        wholes = self._texts_in(re.compile(lit + before + after + _REST), view) if check_end else starts
        return found, starts, wholes

    def _holds_all(self, w: str, view: tuple[Any, Any, list[int] | None]) -> bool:
        """Whether a view's texts are every text holding `w` (lower case, ignoring case): the view kept
        of the texts holding `w` itself (`_narrow_view`), or the posting index's texts for a string of
        one or two characters (exact: `_short_postings`) with none appended since (`_candidates`)."""
        ids = view[2]
        if ids is None:
            return False
        kept = self.__dict__.get("_narrow_memo")
        if kept is not None and kept[2] is view:
            return kept[0][0] == w and not kept[0][1] and kept[1] == (self.ntexts, self.changes)
        p = self._short_postings(w)
        return (p is not None and p.ndocs >= self.ntexts
                and ids is self._memo("_candidates_memo", self._candidates_version(p)).get(w))

    # words of the vocabulary whose whole-word texts are kept (`_whole_texts`), each when at most so many
    # (`compiler` at 10,000 reports: 6,016; at most ~5 MB in all)
    WHOLE_TEXTS_KEPT, WHOLE_TEXTS_MOST = 64, 20_000

    def _whole_texts(self, u: str) -> Sequence[int]:
        """The texts holding a Latin word (lower case) as a whole word, ignoring case. Those of a word
        scanned for are kept for a few words until the index changes, when they are few (the typo tier
        asks them of each word close to the one typed: a key's page, then its whole list, then the next
        key, `rego`, `regoi`, ask many of the same)."""
        got = self._posted_wholes(u)
        if got is not None:
            return got
        memo = self._memo("_whole_texts_memo", (self.ntexts, self.changes))
        got = memo.get(u)
        if got is None:
            got = array("i", self._texts_in(_whole_rx(u), self._narrowed(u)))
            if len(got) <= self.WHOLE_TEXTS_MOST:
                self._keep(memo, u, got, self.WHOLE_TEXTS_KEPT)
        return got

    def _vocab_words(self) -> frozenset[str]:
        """`vocab` as a set: every run of three Latin letters or digits or more of every text."""
        return self._of_vocab("_vocab_set", lambda: frozenset(self.vocab))

    def _posted_wholes(self, u: str) -> Sequence[int] | None:
        """The texts holding a word of Latin letters and digits alone (lower case) as a whole word,
        ascending, without a scan of every text: none for a word of three or more that is not in the
        vocabulary (`rego`, `regoi`: a whole word of a text is a run of its); for one of one or two, its
        posting list (exact) and a scan of the texts appended since. None: any other word, or no
        posting index to ask, many texts appended since, or more than 1/`WHOLES_SHARE` of the texts in
        the list (receiving that many ids costs what a scan does)."""
        if not _LATIN_WORD.fullmatch(u):
            return None
        if len(u) > 2:
            return None if u in self._vocab_words() else []
        p = self.posting_index
        n_all = self.ntexts
        if p is None or n_all < self.postings_min:
            return None
        memo = self._memo("_wholes_memo", (n_all, self.changes))  # (typing on, a letter is asked again)
        if u in memo:
            return memo[u]
        return self._keep(memo, u, self._short_wholes(p, u, n_all), self.WHOLES_MEMO)

    WHOLES_MEMO = 16  # words of one or two letters whose whole-word texts are kept (`a` at 10,000 reports: 0.2 MB)

    def _short_wholes(self, p: Any, u: str, n_all: int) -> array | None:
        """`_posted_wholes` of a word of one or two letters or digits, asked of the posting index `p`."""
        n = min(p.ndocs, n_all)
        if (n_all - n) * self.candidates_share > n_all:
            return None
        got = p.whole_holding(u, max(self.candidates_min, n_all // WHOLES_SHARE))
        if got is None:
            return None
        if p.ndocs > n_all:
            got = [t for t in got if t < n]
        if n < n_all:
            got.extend(self._texts_in(_whole_rx(u), self._view_of(list(range(n, n_all)))))
        return array("i", got)

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

    def _texts_holding(self, word: str) -> Sequence[int]:
        """The texts holding a word anywhere (as typed when it has a capital letter, else ignoring case;
        then as `_holding` keeps them: `region sp`'s typo tier asks for `region`, kept by a keystroke
        before)."""
        cased = mt.case_sensitive(word)
        if not cased:
            return self._holding(lower(word))
        view = self._narrowed(lower(word), cased)
        return self._texts_in(re.compile(re.escape(mt.needle(word).encode("utf-8", "surrogatepass")) + _REST), view)
