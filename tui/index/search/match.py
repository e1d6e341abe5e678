"""How one line matches a query, tier by tier: the ranking rules, written once.

The search index (`engine`) uses these functions on the lines its indexes point it to; the tests
run them on every line of small libraries and check that the index finds exactly the same.

Scores (higher first; a line's score is its best tier's):

    exact, the words as typed      whole word 96, word prefix 90, inside a word 83; +4 for a heading
                                   (a project heading found by its name, a section or report title);
                                   +1 for several words together and in order (`together`)
    fuzzy, strong (≤ 1 edit in 5)  75–79   one edit in a word of 3–7 characters, two from 8 on; of
                                           several words, one may be mistyped, the others found as typed;
                                           a closer typo (longer shared prefix, adjacent key) +0.1–0.8;
                                           a Latin word of 5+ letters may be the mistyped start of a
                                           longer word, counted as one edit more (`regoin`: "regions")
    pinyin of a name               65–74   two or more characters of a project, section or KPI name
                                           spelled in pinyin (readings in context: 银行 is yin hang)
    fuzzy, weak                    55–64
    pinyin in report text          50      full pinyin of two characters or more (any reading: 行 is
                                           xing or hang)
    initials in report text        45      3+ letters, each an initial of one hanzi in turn (dgsy: 对公收佣)
    filter only (no words)         100

Latin words (ASCII letters and digits) have boundaries; CJK text has none, so a CJK word always
matches as a whole word. A word with a capital letter is matched case-sensitively, a lower-case one
ignoring case (smart case). Fuzzy and pinyin matches ignore case.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from . import pinyin as py
from .records import has_hanzi, is_word_char, lower

WHOLE, PREFIX, INSIDE = 3, 2, 1
CLASS_SCORE = {WHOLE: 96.0, PREFIX: 90.0, INSIDE: 83.0}
HEADING_BONUS = 4.0
PHRASE_BONUS = 1.0  # (< 2: a prefix line with both bonuses, 95, stays below a plain whole word, 96)
PHRASE_SEP = " \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"  # what may stand between words "together"
FILTER_SCORE = 100.0
FUZZY_MIN_CJK, FUZZY_MIN_LATIN = 3, 4  # shortest words fuzzy matching applies to
FUZZY_MIN_PREFIX = 5  # shortest Latin word found as the mistyped start of a longer word (4 letters: noise)
HIDDEN_PAD = "\x00"  # pads lines for rapidfuzz (never in a query; `records.HIDDEN` never matches either)

Span = tuple[int, int]


# ---------------------------------------------------------------------------------------------
# exact


def case_sensitive(word: str) -> bool:
    """Smart case: a word with an upper-case letter is matched as typed."""
    return word != lower(word)


def needle(word: str) -> str:
    """What a word is looked for as: itself when case-sensitive, else its lower case."""
    return word if case_sensitive(word) else lower(word)


def occurrences(text: str, s: str) -> list[Span]:
    """Every non-overlapping occurrence of `s` in `text`."""
    out, i = [], text.find(s)
    while i != -1 and s:
        out.append((i, i + len(s)))
        i = text.find(s, i + len(s))
    return out


def word_class(text: str, s: str) -> int:
    """The best way `s` occurs in `text`: WHOLE, PREFIX or INSIDE (of a Latin word), 0 when it does not."""
    best, n, i = 0, len(s), text.find(s)
    if not s:
        return 0
    edge_a, edge_b = is_word_char(s[0]), is_word_char(s[-1])
    while i != -1:
        start = not edge_a or i == 0 or not is_word_char(text[i - 1])
        end = not edge_b or i + n == len(text) or not is_word_char(text[i + n])
        c = WHOLE if start and end else PREFIX if start else INSIDE
        if c > best:
            best = c
            if c == WHOLE:
                return c
        i = text.find(s, i + 1)
    return best


def exact_score(words: list[str], cased: str, low: str, head: str | None) -> float | None:
    """The exact-tier score of a line (`cased`: its visible text, `low`: lower-cased), or None when a
    word is missing; `head`: the (lower-case) text a heading line is found by, None for other lines."""
    worst = WHOLE
    for w in words:
        c = word_class(cased if case_sensitive(w) else low, needle(w))
        if not c:
            return None
        worst = min(worst, c)
    score = CLASS_SCORE[worst]
    if head is not None and all(lower(w) in head for w in words):
        score += HEADING_BONUS
    if len(words) > 1 and together(words, low):
        score += PHRASE_BONUS
    return score


def phrase_pattern(words: list[str]) -> str:
    """A regular expression of the words (lower case) together and in order: one after the other with
    only spaces and ASCII punctuation (`PHRASE_SEP`) between them, at least one of those where two
    Latin words meet (`rustasync` is not `rust async`)."""
    sep = "[" + re.escape(PHRASE_SEP) + "]"
    out = re.escape(words[0])
    for a, b in zip(words, words[1:]):
        out += sep + ("+" if is_word_char(a[-1]) and is_word_char(b[0]) else "*") + re.escape(b)
    return out


def together(words: list[str], low: str) -> bool:
    """Whether the line (lower case) holds the words, ignoring case, together and in order."""
    return re.search(phrase_pattern([lower(w) for w in words]), low) is not None


def exact_spans(words: list[str], cased: str, low: str) -> list[Span]:
    """The matched characters of every word."""
    return merge([s for w in words for s in occurrences(cased if case_sensitive(w) else low, needle(w))])


def merge(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, overlapping ones joined."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


# ---------------------------------------------------------------------------------------------
# fuzzy


def max_edits(n: int) -> int:
    """Edits a fuzzy match of an n-character word may have: one, two from 8 characters."""
    return 1 if n < 8 else 2


def is_latin_word(w: str) -> bool:
    """A word made of ASCII letters and digits only: fuzzy-matched against whole words."""
    return bool(w) and all(is_word_char(c) for c in w)


def fuzzy_word(w: str) -> bool:
    """Whether a word may be matched fuzzily: a Latin word of 4+ letters and digits, or a word of 3+
    characters holding a character that is not ASCII (CJK); not an ASCII word with punctuation."""
    if is_latin_word(w):
        return len(w) >= FUZZY_MIN_LATIN
    return len(w) >= FUZZY_MIN_CJK and not w.isascii()


def fuzzy_words(words: list[str]) -> list[int]:
    """The words of a query (by position) that may be the one mistyped (`fuzzy_word`)."""
    return [i for i, w in enumerate(words) if fuzzy_word(w)]


def fuzzy_applies(words: list[str]) -> bool:
    """Whether fuzzy matching runs: one word of the query at least may be mistyped."""
    return bool(fuzzy_words(words))


_KEYS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {c: (r, c_i + (0.0, 0.0, 0.25, 0.75)[r]) for r, row in enumerate(_KEYS) for c_i, c in enumerate(row)}


def adjacent_keys(a: str, b: str) -> bool:
    """Whether two characters are neighbouring keys of a QWERTY keyboard (same row, or the row above or
    below within a key's width)."""
    pa, pb = _KEY_AT.get(a), _KEY_AT.get(b)
    if pa is None or pb is None or a == b:
        return False
    dr, dx = abs(pa[0] - pb[0]), abs(pa[1] - pb[1])
    return (dr == 0 and dx == 1) or (dr == 1 and dx <= 0.75)


def typo_closeness(w: str, u: str) -> float:
    """How close a typo `w` is to the word `u` beyond its edit count (0–0.8): 0.1 a shared first
    character (at most 5), and 0.3 when one character was replaced by a neighbouring key (`tikb` is
    nearer TiKV than TiDB: a longer shared prefix, and b is next to v)."""
    p = 0
    for x, y in zip(w, u):
        if x != y:
            break
        p += 1
    near = 0.1 * min(p, 5)
    if len(w) == len(u):
        diff = [(x, y) for x, y in zip(w, u) if x != y]
        if len(diff) == 1 and adjacent_keys(*diff[0]):
            near += 0.3
    return round(near, 2)


def fuzzy_score(d: int, n: int, head: bool, near: float = 0.0) -> float:
    """The score of a fuzzy match with `d` edits of an n-character word (`head`: on a heading whose
    own name matches; `near`: the typo's `typo_closeness`, Latin words only). Which word the typo was
    meant for ranks first, then the heading: +0.05 is below closeness's least step (0.1), so `tikb`'s
    TiKV lines rank above a TiDB heading."""
    sim = 1.0 - d / n
    if sim >= 0.8:
        score = 75.0 + 4.0 * (sim - 0.8) / 0.2
    else:
        score = 55.0 + 8.0 * max(0.0, sim - 0.5) / 0.3
    return round(score + (0.05 if head else 0.0) + near, 2)


def chars_needed(w: str) -> int:
    """How many of a word's distinct characters a window within its edit budget holds at least (an
    edit takes away at most one)."""
    return max(1, len(set(w)) - max_edits(len(w)))


_OSA: Any = None


def osa(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition of neighbours is one edit)."""
    global _OSA
    if _OSA is None:
        from rapidfuzz.distance import OSA

        _OSA = OSA.distance
    return _OSA(a, b)


_LATIN_WORD = re.compile(r"[0-9A-Za-z]+")


def latin_words(low: str) -> list[tuple[str, int]]:
    """The Latin words of a line with their offsets."""
    return [(m.group(), m.start()) for m in _LATIN_WORD.finditer(low)]


def prefix_typos(w: str) -> bool:
    """Whether a Latin word may also be found as the mistyped start of a longer word (`fuzzy_latin`)."""
    return len(w) >= FUZZY_MIN_PREFIX


def prefix_lengths(n: int, k: int) -> range:
    """The lengths of a longer word's start compared with an n-letter word `k` edits allowed."""
    return range(max(1, n - k), n + k + 1)


def fuzzy_latin(w: str, low: str, starts: bool = True) -> tuple[int, Span] | None:
    """(edits, span) of the word of the line closest to the Latin word `w` (lower case): a whole word 1
    to `max_edits` edits away, or (`prefix_typos`) the start of a longer word that many edits away,
    which counts one edit more (`regoin` finds "regions" through "region", as a weaker match than a
    whole word: typed as far as it goes, the word is mistyped); the span is the whole word or its start.
    The fewest edits, then the closest typo (`typo_closeness` of the span's text), then the first;
    None if there is none. `starts=False`: whole words only."""
    n, k = len(w), max_edits(len(w))
    lengths = prefix_lengths(n, k) if starts and prefix_typos(w) else range(0)
    best: tuple[int, float, Span] | None = None
    for m in _LATIN_WORD.finditer(low):
        u = m.group()
        if u == w:
            continue
        a = m.start()
        if abs(len(u) - n) <= k:
            d = osa(w, u)
            if 1 <= d <= k:
                near = typo_closeness(w, u)
                if best is None or (d, -near) < (best[0], -best[1]):
                    best = (d, near, (a, m.end()))
        if u.startswith(w):
            continue  # (found as typed, case aside: no typo, whatever its start's other lengths say)
        for length in lengths:
            if length >= len(u):
                break
            d = osa(w, u[:length])
            if 1 <= d <= k:
                near = typo_closeness(w, u[:length])
                if best is None or (d + 1, -near) < (best[0], -best[1]):
                    best = (d + 1, near, (a, a + length))
    return None if best is None else (best[0], best[2])


def fuzzy_match(w: str, low: str) -> tuple[int, Span, float] | None:
    """(edits, span, closeness) of the best fuzzy match of the word `w` (lower case) in the line (lower
    case): a whole Latin word (`fuzzy_latin`) or any window (`fuzzy_window`, closeness 0)."""
    if is_latin_word(w):
        f = fuzzy_latin(w, low)
        return None if f is None else (f[0], f[1], typo_closeness(w, low[f[1][0]:f[1][1]]))
    f = fuzzy_window(w, low)
    return None if f is None else (f[0], f[1], 0.0)


def fuzzy_line(words: list[str], cased: str, low: str, head: str | None) -> tuple[float, int, Span] | None:
    """The fuzzy-tier score of a line no exact match found (`cased`/`low`: its visible text as written
    and lower-cased; `head` as for `exact_score`), the word found mistyped and its span; None when it
    does not match. One word that may be mistyped (`fuzzy_word`) is found within its edit budget, every
    other word as typed (`word_class`, smart case); the best such reading of the line counts. The
    heading bonus: the heading's own name matches the mistyped word and holds every other word."""
    best: tuple[float, int, Span] | None = None
    for i in fuzzy_words([lower(w) for w in words]):
        others = [w for j, w in enumerate(words) if j != i]
        if not all(word_class(cased if case_sensitive(o) else low, needle(o)) for o in others):
            continue
        w = lower(words[i])
        f = fuzzy_match(w, low)
        if f is None:
            continue
        on_head = fuzzy_head(w, head) and all(lower(o) in head for o in others)  # type: ignore[operator]
        s = fuzzy_score(f[0], len(w), on_head, f[2])
        if best is None or s > best[0]:
            best = (s, i, f[1])
    return best


def fuzzy_window(w: str, low: str) -> tuple[int, Span] | None:
    """(edits, span) of the window of the line closest to `w` (lower case, any script): a run of
    len(w)±k characters 1 to k edits away (k = `max_edits`); of the closest, one as long as the word
    if there is one, then the first, then the shortest; None if none."""
    return fuzzy_windows(w, {0: low}).get(0)


def fuzzy_windows(w: str, lines: dict[Any, str]) -> dict[Any, tuple[int, Span]]:
    """`fuzzy_window` of many lines (key → line)."""
    n, k = len(w), max_edits(len(w))
    if k == 1 and n >= 2:
        return _one_edit_windows(w, lines)
    return fuzzy_windows_general(w, lines)


def fuzzy_windows_general(w: str, lines: dict[Any, str]) -> dict[Any, tuple[int, Span]]:
    """`fuzzy_windows` for any edit budget: every window within it, scored."""
    n, k = len(w), max_edits(len(w))
    chars, need, lead = set(w), chars_needed(w), set(w[:2 * k + 1])
    memo: dict[str, int] = {}  # (lines share their windows: each distinct one is scored once)

    def dist(a: str, window: str) -> int:
        d = memo.get(window)
        if d is None:
            d = memo[window] = osa(a, window)
        return d

    out: dict[Any, tuple[int, Span]] = {}
    for key, low in lines.items():
        if sum(c in low for c in chars) < need:  # (cannot be within k edits: quick to rule out)
            continue
        size = len(low)
        # within k edits, one of a window's first k+1 characters is one of the word's first 2k+1: start
        # at most k before one of those
        at: set[int] = set()
        for c in lead:
            p = low.find(c)
            while p != -1:
                at.update(range(max(0, p - k), p + 1))
                p = low.find(c, p + 1)
        starts = sorted(at)
        best: tuple[int, int, int, int] | None = None  # (edits, |length - n|, start, length)
        # windows in the order of the tie-breaks (length closest to n, first, shortest): the first
        # window one edit away is the closest there can be
        for g in range(k + 1):
            for a in starts:
                for length in ((n,) if g == 0 else (n - g, n + g)):
                    if length < 1 or a + length > size:
                        continue
                    d = dist(w, low[a:a + length])
                    if 1 <= d <= k and (best is None or (d, g, a, length) < best):
                        best = (d, g, a, length)
                if best is not None and best[0] == 1:
                    break
            if best is not None and best[0] == 1:
                break
        if best is not None:
            out[key] = (best[0], (best[2], best[2] + best[3]))
    return out


def _one_edit_patterns(w: str) -> tuple[re.Pattern, re.Pattern]:
    """Regular expressions of the windows one edit from `w`: as long as it (a character replaced, or
    two neighbours swapped), then one shorter or longer (a character dropped or added); at each
    place the shorter is tried first, so a search finds the first window and, there, the shortest."""
    e = [re.escape(c) for c in w]
    n = len(w)
    same = [("".join(e[:i]) + "." + "".join(e[i + 1:])) for i in range(n)]
    same += ["".join(e[:i]) + e[i + 1] + e[i] + "".join(e[i + 2:]) for i in range(n - 1) if w[i] != w[i + 1]]
    shorter = ["".join(e[:i] + e[i + 1:]) for i in range(n)]
    longer = ["".join(e[:i]) + "." + "".join(e[i:]) for i in range(n + 1)]
    return (re.compile("|".join(same), re.DOTALL),
            re.compile("|".join(f"(?:{x})" for x in shorter + longer), re.DOTALL))


def _one_edit_windows(w: str, lines: dict[Any, str]) -> dict[Any, tuple[int, Span]]:
    """`fuzzy_windows` for a word whose edit budget is one: the first window of the word's length one
    edit away, else the first (and there the shortest) one character shorter or longer."""
    same, other = _one_edit_patterns(w)
    out: dict[Any, tuple[int, Span]] = {}
    for key, low in lines.items():
        if w in low:  # (a window equal to the word is no edit away: the general search skips it)
            found = fuzzy_windows_general(w, {0: low}).get(0)
            if found is not None:
                out[key] = found
            continue
        m = same.search(low) or other.search(low)
        if m is not None:
            out[key] = (1, m.span())
    return out


def fuzzy_prefilter_ratio(n: int) -> float:
    """A lower bound of rapidfuzz's `partial_ratio` (the line padded with n-1 blanks each side) for
    any line `fuzzy_window` matches: a window d ≤ k edits from the word, cut or extended to the word's
    length, is at most 2d insertions and deletions from it."""
    return 100.0 * (1.0 - max_edits(n) / n) - 0.01


# ---------------------------------------------------------------------------------------------
# pinyin


def name_needle(q: str, term: str, readings: list[tuple[str, ...]]) -> tuple[str, float] | None:
    """The hanzi the compact pinyin `q` spells in the name `term` (readings in context first) and how
    well (0–1), or None."""
    if not term or not has_hanzi(term):
        return None
    first = q[:1]
    if not any(r and any(a[:1] == first for a in r) for r in readings):
        return None
    m = py.match(q, term, readings)
    if m is None or m.end - m.start < 2:  # (a syllable or two letters spelling one character: too loose)
        return None
    hanzi = lower(term[m.start:m.end])
    if not has_hanzi(hanzi):
        return None
    return hanzi, m.quality


def fuzzy_head(w: str, head: str | None) -> bool:
    """Whether a heading's own name (lower case) matches the word fuzzily (its heading bonus)."""
    if head is None:
        return False
    return (fuzzy_latin(w, head) if is_latin_word(w) else fuzzy_window(w, head)) is not None


def name_pinyin_score(quality: float, head: bool) -> float:
    """The score of a line holding a name spelled in pinyin (`head`: on a heading whose own name
    holds it)."""
    return round(65.0 + 8.0 * quality + (1.0 if head else 0.0), 2)


def text_pinyin_score(head: bool) -> float:
    """The score of a line whose own text the pinyin spells (`head`: on a heading whose own name holds
    the characters spelled)."""
    return 50.0 + (0.5 if head else 0.0)


INITIALS_MIN = 3  # letters of a query read as the initials of running text (fewer match nearly any text)


def text_initials_score(head: bool) -> float:
    """The score of a line whose own text the query spells by initials (`dgsy`: 对公收佣), below every
    other tier: initials are ambiguous in running text (`kyrj` is 开源软件, but also 可以让接)."""
    return 45.0 + (0.5 if head else 0.0)


def text_initials(q: str, low: str, readings_of: Callable[[str], list[str] | None]) -> Span | None:
    """Where the compact pinyin `q` (3+ letters) spells as many hanzi of the line, one letter each: an
    initial of one of each one's readings; the span of the first place, or None."""
    n = len(q)
    if n < INITIALS_MIN:
        return None
    rd = [readings_of(c) for c in low]
    for a in range(len(low) - n + 1):
        if all(rd[a + k] and any(r[:1] == q[k] for r in rd[a + k]) for k in range(n)):
            return (a, a + n)
    return None


def text_readings(readings: tuple[str, ...] | list[str]) -> list[str]:
    """The readings of a character pinyin in report text uses: all of them, the most common first."""
    return [r for r in readings if r]


def text_pinyin(q: str, low: str, readings_of: Callable[[str], list[str] | None]) -> Span | None:
    """Where the compact pinyin `q` spells two or more hanzi of the line in full syllables, any of
    their readings (行 is xing or hang; `readings_of(ch)`: a hanzi's `text_readings`, None for any
    other character): the span of the first place, or None. (Initials alone are too ambiguous in
    running text — kyrj is 开源软件, but also 可以让接 — so they spell names only.)"""
    n = len(low)
    rd = [readings_of(c) for c in low]
    for a in range(n):
        if not rd[a]:
            continue
        # depth first: the end of a run of 2+ characters whose readings spell all of q
        stack = [(a, 0)]
        while stack:
            j, k = stack.pop()
            if k == len(q):
                if j - a >= 2:
                    return (a, j)
                continue
            if j >= n or not rd[j]:
                continue
            for r in rd[j]:
                if q.startswith(r, k):
                    stack.append((j + 1, k + len(r)))
    return None


def author_matches(value: str, author: str, readings: list[tuple[str, ...]] | None) -> bool:
    """Whether a `by:` value names an author: a part of the name (ignoring case), the name within one
    edit, or its pinyin (full or initials)."""
    v, a = value.casefold().strip(), author.casefold().strip()
    if not v or not a:
        return False
    if v in a or a in v:
        return True
    if len(v) >= 3 and osa(v, a) <= max_edits(len(v)):
        return True
    if readings is not None and py.is_pinyin_query(value) and has_hanzi(author):
        return py.match(py.compact(value), author, readings) is not None
    return False
