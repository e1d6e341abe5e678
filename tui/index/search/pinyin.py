"""Pinyin matching for search: `beiyizhuan`, `bei yi zhuan` and `byz` all find `贝易转`.

A character's own readings come from pypinyin's per-character dictionary, read on first use without
importing pypinyin (whose import loads its phrase dictionary and word segmenter too: ~0.3–0.5 s): the
readings of report text never import it. A name's readings in context (from pypinyin's phrases: 银行
→ yin hang) do: pypinyin is imported the first time a name holds two hanzi in a row. Each hanzi of a
name gets its reading in context first and its other readings after; a query letter run matches when
every character consumes a non-empty prefix of one of its readings (a whole syllable or just its
initial). Polyphones are tried per character, never
expanded into every combination.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from functools import lru_cache
from pathlib import Path
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
    return tuple(dict.fromkeys(r.lower() for r in _normal_readings(ch) if r.isalpha()))


def _normal_readings(ch: str) -> list[str]:
    """One character's readings without tone marks, as pypinyin's `Style.NORMAL` gives them (ü as v),
    in its dictionary's order; empty for a character it has none for."""
    single = _single_dict()
    if single is None:  # (pypinyin laid out otherwise than expected: ask pypinyin itself)
        from pypinyin import Style, pinyin

        out = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return list(out[0]) if out else []
    table, marks, combined = single
    raw = table.get(ord(ch))
    if not raw:
        return []
    got = []
    for r in raw.split(","):
        r = r.translate(marks)  # (pypinyin: each marked letter to the letter and its tone number …)
        for written, numbered in combined:
            r = r.replace(written, numbered)
        got.append(_DIGIT.sub("", r))  # (… then every digit dropped)
    return list(dict.fromkeys(got))  # (readings told apart by their tone only are one here)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _single_dict() -> tuple[dict[int, str], dict[int, str], list[tuple[str, str]]] | None:
    """pypinyin's per-character dictionary (code point → readings, comma-separated, tone marks) and its
    table of tone-marked letters (those written as one character, those written as two), read from
    the package's files rather than imported (importing any part of pypinyin imports all of it); None
    when they cannot be read."""
    try:
        spec = importlib.util.find_spec("pypinyin")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(list(spec.submodule_search_locations)[0])
        with open(folder / "pinyin_dict.json", encoding="utf-8") as f:
            raw = json.load(f)
        symbols = _module_dict(folder / "phonetic_symbol.py", "phonetic_symbol")
        table = {int(k): v for k, v in raw.items() if isinstance(v, str)}
    except (OSError, ValueError, TypeError, AttributeError, ImportError, SyntaxError):
        return None
    if not table or not symbols:
        return None
    return (table, {ord(k): v for k, v in symbols.items() if len(k) == 1},
            [(k, v) for k, v in symbols.items() if len(k) > 1])


def _module_dict(path: Path, name: str) -> dict[str, str]:
    """The dictionary `name` that a data-only module of pypinyin defines, run on its own."""
    spec = importlib.util.spec_from_file_location(f"_reports_tui_pypinyin_{name}", path)
    if spec is None or spec.loader is None:
        return {}
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    got = getattr(module, name, None)
    if not isinstance(got, dict):
        return {}
    return {k: v for k, v in got.items() if isinstance(k, str) and isinstance(v, str)}


def readings(term: str) -> list[tuple[str, ...]]:
    """For each character of `term`, its possible readings, the one in context first.

    Latin letters and digits read as themselves; other characters have no reading (a match cannot
    cross them). A lone hanzi's reading in context is its first one (pypinyin's phrases are only
    looked up for two hanzi or more: then pypinyin is imported).
    """
    with _lock:  # pypinyin's lazy dictionary load is not safe to race from two threads
        out: list[tuple[str, ...]] = [(ch.lower(),) if ch.isascii() and ch.isalnum() else () for ch in term]
        for run in HANZI_RUNS.finditer(term):
            chars = run.group()
            if len(chars) == 1:
                context = _normal_readings(chars)[:1]
            else:
                from pypinyin import Style, lazy_pinyin

                context = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
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
