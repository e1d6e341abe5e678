"""Keys typed into the search on the way to several words, a typo or pinyin: what one keystroke finds is
the reference's answer (`test_search_reference`) while the work that answer does not need is not done —
a short word's texts taken from its posting list rather than scanned for, what a key's page found not
looked for again by its whole list, what a typed word's typos found kept until the index changes."""

from __future__ import annotations

import re

import pytest

from tests.unit.test_search_reference import _built, _fixed_library, engine_rows, fixed_reference, fixed_ways, reference
from tui.index.search import match as mt
from tui.index.search.engine import SearchIndex


def _posted_but_common(seed: int = 5) -> SearchIndex:
    """The fixed library read back with posting lists of the first half of its texts that never narrow
    a word of three letters or more down (as `rust` at 10,000 reports: too many candidates), while a
    word of one or two characters is still exactly its posting list (as `a`, `as`)."""
    index = fixed_ways(seed)["posting lists"]
    index.candidates_min, index.candidates_share = 0, 1 << 30
    return index


def _counting_scans(monkeypatch) -> list[tuple[bytes, list[int] | None]]:
    """Each scan of texts made from now on to count the entries of texts holding several words (the whole
    list's total as the user types: `_holding_all`): the pattern, and the ids of the texts scanned (None:
    every text). An empty list until one is counted at all: `[None]` first."""
    seen: list = []
    inside = [False]
    texts_in, holding_all = SearchIndex._texts_in, SearchIndex._holding_all

    def counting(self, lw):
        inside[0] = True
        seen.append(None)
        try:
            return holding_all(self, lw)
        finally:
            inside[0] = False
    monkeypatch.setattr(SearchIndex, "_holding_all", counting)
    monkeypatch.setattr(SearchIndex, "_texts_in", lambda self, rx, view: (inside[0] and seen.append((rx.pattern, view[2])))
                        or texts_in(self, rx, view))
    return seen


@pytest.mark.parametrize("query", ["rust a", "a rust", "rust as", "trust t"])
@pytest.mark.parametrize("typed_before", [False, True])
def test_several_words_with_a_short_one_are_counted_from_its_posting_list(query, typed_before, monkeypatch):
    # `rust a`: the whole list's total is every entry of the texts holding both; the texts holding `a`
    # (or lacking it, where most hold it) come from its posting list, so the texts holding `rust` (kept
    # from the keys typing it, or not) are never joined to be scanned for it: only the texts appended
    # since the posting lists were made are — the reference's hits and total all the same
    index = _posted_but_common()
    if typed_before:
        for i in range(1, len(query)):
            index.search(query[:i], limit=5, counted=False)
    posted = index.posting_index.ndocs
    longest, *others = sorted(query.split(), key=len, reverse=True)
    short = {re.escape(w.encode()) + rb"[^\n]*\n" for w in others}
    # (the texts holding the longest word that the posting lists hold: a scan for a short word over all of
    # them is the join this avoids)
    holding = {t for t in range(posted) if longest in index.text(t)}
    assert len(holding) > 1
    seen = _counting_scans(monkeypatch)
    want, total = fixed_reference(query, 1)
    res = index.search(query, limit=1)
    assert engine_rows(res) == want
    assert (res.total, res.capped) == (total, False)
    assert seen, "counted apart"
    scanned = [got[1] for got in seen if got is not None and got[0] in short]
    assert not any(ids is None or holding <= set(ids) for ids in scanned), (query, scanned)


def test_a_keys_page_and_whole_list_look_for_the_words_together_once(monkeypatch):
    # typing `rust a`: the page (not counted) and then the whole list walk the same reports, and the texts
    # holding the words together among those that can rank first are looked for once: the whole list
    # looks for them only among the texts already found holding them (to score those)
    lw = ["rust", "a"]
    for name, index in fixed_ways(5).items():
        if name == "posting lists":
            continue  # (the posting index narrows `rust a` down: the full search counts it, no walk)
        monkeypatch.setattr(SearchIndex, "walk_first_min", 0)
        page = index.search("rust a", limit=5, counted=False)
        asked: list[list[int] | None] = []
        phrase_texts = SearchIndex._phrase_texts
        monkeypatch.setattr(SearchIndex, "_phrase_texts", lambda self, lw, view=None: asked.append(
            view[2] if view is not None else None) or phrase_texts(self, lw, view))
        whole = index.search("rust a", limit=5)
        want, total = fixed_reference("rust a", 5)
        assert engine_rows(page) == engine_rows(whole) == want, name
        assert whole.total == total, name
        together = {t for t in range(index.ntexts) if mt.together(lw, index.text(t))}
        assert together and all(ids is not None and set(ids) <= together for ids in asked), (name, asked)
        monkeypatch.undo()


def _asking(method: str, monkeypatch) -> tuple[list, SearchIndex, list[str]]:
    """The fixed library, an index of all its reports but the last, and the first argument of each call
    of a method of the index's from now on."""
    lib = _fixed_library()
    asked: list[str] = []
    made = getattr(SearchIndex, method)
    monkeypatch.setattr(SearchIndex, method, lambda self, arg: asked.append(arg) or made(self, arg))
    return lib, _built(lib[:-1], 3)[0], asked


@pytest.mark.parametrize("typo", ["asnyc", "trusy", "googel", "asynchronus"])
def test_a_typed_words_close_words_are_kept_and_dropped_when_the_index_changes(typo, monkeypatch):
    # a mistyped word alone: its whole list, its pages and the same word typed again look for the library's
    # words close to it once; a report added or gone, they are looked for again, and the hits are the
    # reference's for the library as it is then
    lib, index, asked = _asking("_whole_texts", monkeypatch)
    index.search(typo, limit=0)
    first = len(asked)
    for limit in (0, 2, 5):
        assert engine_rows(index.search(typo, limit=limit, counted=False)) == reference(lib[:-1], typo, limit)[0]
        want, total = reference(lib[:-1], typo, limit)
        res = index.search(typo, limit=limit)
        assert (engine_rows(res), res.total) == (want, total), limit
    assert first and len(asked) == first, asked
    index.add([(lib[-1].doc, lib[-1].rec)])  # (a report added: the index changes)
    want, total = reference(lib, typo, 0)
    res = index.search(typo, limit=0)
    assert (engine_rows(res), res.total) == (want, total)
    assert len(asked) > first
    again = len(asked)
    index.kill(index.ndocs - 1)  # (and gone again)
    want, total = reference(lib[:-1], typo, 0)
    res = index.search(typo, limit=0)
    assert (engine_rows(res), res.total) == (want, total)
    assert len(asked) > again


def test_a_typed_words_close_words_holding_too_many_texts_are_not_kept(monkeypatch):
    # (as `rsut` at 10,000 reports: every text holding `rust`) found again at each ask, the same hits
    monkeypatch.setattr(SearchIndex, "TYPOS_MOST", 0)
    monkeypatch.setattr(SearchIndex, "NAMES_MOST", 0)
    lib, index, asked = _asking("_whole_texts", monkeypatch)
    for n, limit in enumerate((0, 0, 0)):
        res = index.search("asnyc", limit=limit)
        assert (engine_rows(res), res.total) == reference(lib[:-1], "asnyc", limit)
        assert len(asked) == len(set(asked)) * (n + 1)
    assert not index._memo("_typos_memo", (index.ntexts, index.changes))
    assert not any(got[0] for got in index._memo("_name_texts_memo", (index.ntexts, index.changes,
                                                                      len(index.terms))).values())


@pytest.mark.parametrize("spelled", ["yinhang", "cunguan", "beiyizhuan", "zha"])
def test_a_names_pinyin_is_looked_up_once_for_a_keys_page_and_whole_list(spelled, monkeypatch):
    # pinyin of a name (a tier below the exact one): the names it may spell are looked at once for a key's
    # page and then its whole list; a report added, again — the reference's hits each time
    lib, index, asked = _asking("_names_spelling", monkeypatch)
    page = index.search(spelled, limit=2, counted=False)
    first = len(asked)
    whole = index.search(spelled, limit=0)
    assert engine_rows(page) == reference(lib[:-1], spelled, 2)[0]
    assert (engine_rows(whole), whole.total) == reference(lib[:-1], spelled, 0)
    assert first and len(asked) == first, asked
    index.add([(lib[-1].doc, lib[-1].rec)])
    whole = index.search(spelled, limit=0)
    assert (engine_rows(whole), whole.total) == reference(lib, spelled, 0)
    assert len(asked) > first
