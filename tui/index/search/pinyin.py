"""Pinyin matching for search: `beiyizhuan`, `bei yi zhuan` and `byz` all find `贝易转`.

pypinyin loads a phrase dictionary (~0.2 s), so it is imported on first use, never at start-up.
Each hanzi gets its reading in context (from pypinyin's phrases: 银行 → yin hang) first and its other
readings after; a query letter run matches when every character consumes a non-empty prefix of one
of its readings (a whole syllable or just its initial). Polyphones are tried per character, never
expanded into every combination.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import NamedTuple

from .records import HANZI_RUNS

_QUERY = re.compile(r"^[a-zA-Z][a-zA-Z' ]*$")
_lock = threading.Lock()


def is_pinyin_query(text: str) -> bool:
    """A query made of Latin letters (and spaces or apostrophes) that may be pinyin."""
    return bool(_QUERY.match(text.strip())) and len(compact(text)) >= 2


def compact(text: str) -> str:
    """The letters of a pinyin query, lower case, without spaces or apostrophes."""
    return re.sub(r"[\s']+", "", text).lower()


def char_readings(ch: str) -> tuple[str, ...]:
    """Every reading of one character, the most common first (empty for a character with none)."""
    with _lock:
        return _char_readings(ch)


@lru_cache(maxsize=None)
def _char_readings(ch: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    out = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(r.lower() for r in (out[0] if out else []) if r.isalpha()))


def readings(term: str) -> list[tuple[str, ...]]:
    """For each character of `term`, its possible readings, the one in context first.

    Latin letters and digits read as themselves; other characters have no reading (a match cannot
    cross them).
    """
    with _lock:  # pypinyin's lazy dictionary load is not safe to race from two threads
        from pypinyin import Style, lazy_pinyin

        out: list[tuple[str, ...]] = [(ch.lower(),) if ch.isascii() and ch.isalnum() else () for ch in term]
        for run in HANZI_RUNS.finditer(term):
            context = lazy_pinyin(run.group(), style=Style.NORMAL, errors="ignore")
            chars = run.group()
            if len(context) != len(chars):  # a character pypinyin does not know: fall back to single readings
                context = [(_char_readings(c) or ("",))[0] for c in chars]
            for i, (ch, reading) in enumerate(zip(chars, context)):
                alts = _char_readings(ch)
                out[run.start() + i] = tuple(dict.fromkeys([reading.lower(), *alts])) if reading else alts
        return out


class PinyinMatch(NamedTuple):
    """Where a pinyin query matched a term: the character range, and how good the match is (0–1)."""

    start: int
    end: int
    quality: float


def match(query: str, term: str, term_readings: list[tuple[str, ...]] | None = None) -> PinyinMatch | None:
    """The best place where the compact pinyin `query` spells a run of `term`'s characters."""
    q = compact(query)
    if len(q) < 2:
        return None
    rd = term_readings if term_readings is not None else readings(term)
    best: PinyinMatch | None = None
    for start in range(len(rd)):
        if not rd[start] or not rd[start][0] or q[0] != rd[start][0][0]:
            continue
        found = _walk(q, rd, start)
        if found is not None:
            end, quality = found
            if best is None or quality > best.quality:
                best = PinyinMatch(start, end, quality)
                if quality >= 1.0:
                    break
    return best


def _walk(q: str, rd: list[tuple[str, ...]], start: int) -> tuple[int, float] | None:
    """Depth-first: consume `q` from character `start` on. Returns (end, quality) of the best full parse."""
    best: tuple[int, float] | None = None
    # stack of (query position, char index, score sum)
    stack = [(0, start, 0.0)]
    steps = 0
    while stack and steps < 2000:
        steps += 1
        k, j, score = stack.pop()
        if k == len(q):
            n = j - start
            quality = score / n if n else 0.0
            if best is None or quality > best[1]:
                best = (j, quality)
            continue
        if j >= len(rd) or not rd[j]:
            continue
        for alt_index, r in enumerate(rd[j]):
            if not r or q[k] != r[0]:
                continue
            # the longest prefix of this reading the query spells here
            m = 1
            while m < len(r) and k + m < len(q) and q[k + m] == r[m]:
                m += 1
            # a whole syllable in context scores 1, another reading less, an initial or a partial syllable less still
            whole = 1.0 if alt_index == 0 else 0.8
            for p in range(1, m + 1):
                gain = whole if p == len(r) else (0.5 if p == 1 else 0.6)
                stack.append((k + p, j + 1, score + gain))
    return best
