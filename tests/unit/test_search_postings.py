"""The posting index's pinyin initials: each line's pairs of initials, the lines a pinyin query is
checked on, and a posting index of the format before them made again."""

from __future__ import annotations

import json
from pathlib import Path

from tui.index.load import load_library
from tui.index.search.engine import SearchIndex
from tui.index.search.postings import FORMAT, INFO, Postings, folder_for, initial_pairs
from tui.index.store.searchdb import attach_postings, update_postings


def _library(tmp_path: Path, more: str = "") -> SearchIndex:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2024-W01.md").write_text(
        "# 周报 2024-W01\n\n## 进展\n\n- 贝易转上线完成\n- 银行对账\n- rust async 迁移\n- 支付 系统\n" + more,
        encoding="utf-8")
    (reports / "2024-W02.md").write_text(
        "# 周报 2024-W02\n\n## 进展\n\n- 百叶窗已装好\n- 无关的一行 text\n", encoding="utf-8")
    index = SearchIndex.build(load_library([str(reports)], use_cache=False).reports)
    index.postings_min, index.candidates_min, index.candidates_share = 0, 1 << 30, 1
    index.prepare_pinyin()
    return index


def _lines(index: SearchIndex, ids: list[int] | None) -> set[str]:
    assert ids is not None
    return {index.text(t) for t in ids}


def test_a_line_gives_the_pairs_of_initials_its_adjacent_hanzi_may_spell():
    assert initial_pairs("贝易转上线") == ["by", "sx", "yz", "zs"]
    assert {"yx", "yh"} <= set(initial_pairs("银行"))  # (行: xing or hang, both kept)
    assert {"zf", "xt"} <= set(initial_pairs("支付 系统"))
    assert "fx" not in initial_pairs("支付 系统")  # (a space between: not adjacent)
    assert initial_pairs("rust async 的") == [] and initial_pairs("") == []


def test_pinyin_initials_are_checked_on_the_lines_holding_their_pairs(tmp_path):
    index = _library(tmp_path)
    update_postings(index, tmp_path / "cache", "key")
    p = index.posting_index
    assert p is not None and p.ndocs == index.ntexts
    assert _lines(index, p.initials_holding("byz", 100)) == {"贝易转上线完成", "百叶窗已装好"}
    assert _lines(index, p.initials_holding("yx", 100)) == {"银行对账", "无关的一行 text"}  # (一行: yi xing too)
    assert p.initials_holding("zfxt", 100) == []  # (支付 系统: a space between the two words)
    # (百叶窗已装好 holds both pairs, not together: checked, not found)
    # the search checks those lines alone and finds what a scan of every line finds
    scanned = SearchIndex.from_parts(index.to_parts())
    for q in ("byz", "yinhang", "byzsx", "zfxt"):
        got = index.search(q, limit=0)
        assert [(h.line, h.spans, h.tier) for h in got.hits] == \
               [(h.line, h.spans, h.tier) for h in scanned.search(q, limit=0).hits], q
    assert any(h.tier == "pinyin" and h.text.endswith("贝易转上线完成") for h in index.search("byz", limit=0).hits)


def test_a_posting_index_of_the_format_before_is_made_again_with_the_initials(tmp_path):
    index = _library(tmp_path)
    cache = tmp_path / "cache"
    update_postings(index, cache, "key")
    folder = folder_for(cache, "key")
    info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    assert info["format"] == FORMAT
    (folder / INFO).write_text(json.dumps({**info, "format": FORMAT - 1}), encoding="utf-8")  # (one saved before)
    again = SearchIndex.from_parts(index.to_parts())
    again.postings_min = 0
    attach_postings(again, cache, "key")
    assert again.posting_index is None  # (not used: its lines have no initials)
    update_postings(again, cache, "key")
    assert again.posting_index is not None and again.posting_index.ndocs == again.ntexts
    assert json.loads((folder / INFO).read_text(encoding="utf-8"))["format"] == FORMAT
    assert _lines(again, again.posting_index.initials_holding("by", 100)) == {"贝易转上线完成", "百叶窗已装好"}
    assert Postings.open(folder, again.token) is not None


def test_the_table_of_names_pinyin_may_spell_is_made_where_the_index_is_synced_not_by_a_key(tmp_path, monkeypatch):
    from tui.index.search import tiers
    from tui.index.workspace import Workspace

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2024-W01.md").write_text("# 2024-W01\n\n## 【贝易转】\n\n- 上线\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ws = Workspace(load_library([str(reports)], use_cache=True), use_cache=True)
    assert ws.search_index().pinyin_ready  # (saved with its readings)
    made = []
    real = tiers._spelled_starts
    monkeypatch.setattr(tiers, "_spelled_starts", lambda rd, j, n, out: made.append(n) or real(rd, j, n, out))
    hits = ws.search("by", limit=10, wait=False).hits
    assert hits and hits[0].tier == "pinyin"
    assert 2 not in made  # (the two-letter table was made by the sync)


def test_a_short_strings_texts_and_entries_come_from_its_posting_list_as_a_scan_finds_them(tmp_path):
    # one or two characters: the posting list names exactly the lines holding them (a count of a
    # common one's entries, as the user types, asks it rather than scanning every line); the lines
    # appended since the posting index was extended are scanned
    index = _library(tmp_path)
    scanned = SearchIndex.from_parts(index.to_parts())
    index.posting_index = Postings.create(index.token)
    half = index.ntexts // 2
    assert index.posting_index.extend(0, ((t, index.text(t)) for t in range(half)))
    for s in ("进", "进展", "贝", "线完", "t", "ru", "的", "一行", "xt", "窗已", "zz", "周"):
        got = index._short_holding(s)
        assert got is not None and list(got) == list(scanned._holding(s)), s
        assert index._live_holding(s) == scanned._live_holding(s), s
        assert index._short_count(s) == scanned._live_holding(s), s  # (from the texts lacking it)
    before = {s: index._short_count(s) for s in ("进", "t", "的", "周")}
    for ix in (index, scanned):  # (a report marked dead: its entries no longer counted)
        ix.kill(0)
    after = {s: index._short_count(s) for s in before}
    assert after == {s: scanned._live_holding(s) for s in before} and after != before
    assert index._short_holding("rust") is None and index._short_holding("t ") is None
    assert scanned._short_holding("进") is None  # (no posting index: the scan)


def test_a_short_words_posting_list_narrows_the_full_search_to_the_same_hits(tmp_path, monkeypatch):
    # a word of one or two characters too common for the posting lists to narrow each scan down: its
    # own list (exact) is the view the full search scans, and the hits and totals are a scan's
    index = _library(tmp_path)
    scanned = SearchIndex.from_parts(index.to_parts())
    index.posting_index = Postings.create(index.token)
    assert index.posting_index.extend(0, ((t, index.text(t)) for t in range(index.ntexts - 2)))
    index.candidates_min, index.candidates_share = 0, 1 << 30  # (every list "too long")
    monkeypatch.setattr(SearchIndex, "SHORT_SHARE", 1)
    asked: list[str] = []
    short = SearchIndex._short_holding
    monkeypatch.setattr(SearchIndex, "_short_holding", lambda self, w, most=None: asked.append(w) or short(self, w, most))
    for q in ("进", "进展", "t", "ru", "的", "一行", "xt", "rust as", "进 贝", "T", "ext"):
        for limit in (0, 2):
            got, want = index.search(q, limit=limit), scanned.search(q, limit=limit)
            assert [(h.line, h.spans, h.tier, h.score) for h in got.hits] == \
                   [(h.line, h.spans, h.tier, h.score) for h in want.hits], (q, limit)
            assert (got.total, got.capped) == (want.total, want.capped), (q, limit)
    assert {"进", "t", "ru", "的"} <= set(asked)


def test_a_mistyped_word_beside_a_common_one_is_found_from_the_words_close_to_it(tmp_path, monkeypatch):
    # `regoin s`: the other word too common for the posting lists (the texts holding it would all be
    # scanned for the words close to the mistyped one anyway): the texts holding a close word are found
    # first, then checked for the other word — the same hits as listing the other word's texts first
    from tui.index.search import tiers

    monkeypatch.setattr(tiers, "FUZZY_EACH", -1000)  # (as when the other word's texts are many)
    index = _library(tmp_path)
    scanned = SearchIndex.from_parts(index.to_parts())
    index.posting_index = Postings.create(index.token)
    assert index.posting_index.extend(0, ((t, index.text(t)) for t in range(index.ntexts)))
    index.candidates_min, index.candidates_share = 0, 1 << 30  # (every list "too long")
    taken: list[str] = []
    common = SearchIndex._common_other
    monkeypatch.setattr(SearchIndex, "_common_other",
                        lambda self, w, o, exact: common(self, w, o, exact) and not taken.append(o))
    for q in ("rust asnyc", "asnyc rust", "Rust asnyc", "asnyc Rust", "RUST asnyc", "asnyc 迁移", "rsut 迁移"):
        got, want = index.search(q, limit=0), scanned.search(q, limit=0)
        assert [(h.line, h.spans, h.tier, h.score) for h in got.hits] == \
               [(h.line, h.spans, h.tier, h.score) for h in want.hits], q
        assert got.total == want.total, q
    assert any(h.tier == "fuzzy" for h in index.search("rust asnyc", limit=0).hits)
    assert {"rust", "Rust", "RUST"} <= set(taken)


def test_a_short_or_unknown_words_whole_word_lines_come_without_a_scan_as_a_scan_finds_them(tmp_path):
    # a word of one or two Latin letters or digits: the lines holding it whole are its term's posting
    # list (the lines' short runs of letters and digits posted whole), the lines appended since scanned;
    # a longer one not in the vocabulary is whole in no line; a word of the vocabulary, one that is not
    # one run, or one written with a capital letter is scanned as before
    index = _library(tmp_path, "- go-to t 的 a\n- 上线 t1 a_b xt\n- T 计划 ta\n- at best a t\n")
    scanned = SearchIndex.from_parts(index.to_parts())
    index.posting_index = Postings.create(index.token)
    assert index.posting_index.extend(0, ((t, index.text(t)) for t in range(index.ntexts - 2)))
    for w in ("t", "a", "b", "t1", "xt", "go", "zz", "ext", "rus", "asyn", "w0", "ta"):
        got = index._posted_wholes(w)
        assert got is not None and list(got) == list(scanned._whole_texts(w)), w
        assert list(index._whole_classes(w)) == list(scanned._whole_classes(w)), w
        assert [list(x) for x in index._word_levels(w)] == [list(x) for x in scanned._word_levels(w)], w
    assert len(index._posted_wholes("t")) == 3 and len(index._posted_wholes("a")) == 3  # (the last one appended)
    for w in ("rust", "async", "text", "2024", "w01", "rust async", "2024-w01", "贝易转"):
        assert index._posted_wholes(w) is None, w
    assert index.posting_index.whole_holding("rust", 1 << 30) is None  # (the vocabulary says)
    for q in ("Rust", "rust", "t", "T", "a", "a t", "t a", "text", "ext", "rus", "rust as", "2024-W01", "w01", "w0", "go"):
        for limit in (0, 2):
            for counted in (True, False):
                got, want = index.search(q, limit=limit, counted=counted), scanned.search(q, limit=limit, counted=counted)
                assert [(h.line, h.spans, h.score) for h in got.hits] == \
                       [(h.line, h.spans, h.score) for h in want.hits], (q, limit, counted)


def test_a_mistyped_words_close_words_are_found_each_from_its_posting_list_or_all_in_one_scan(tmp_path, monkeypatch):
    # `rust asnyc`, `rust` too common for the posting lists: the texts holding a word close to `asnyc`
    # are those a rare close word's posting list names (scanned, kept) and those one scan of every text
    # finds for the common close words (`asnc` here) — the same hits as a scan for every close word
    from tui.index.search import tiers

    lines = "".join(f"- rust work item {i}\n" for i in range(30)) + "".join(f"- asnc queue {i}\n" for i in range(30))
    lines += "- rust async move\n- async runtime\n- rust, asyncs.\n- Rust ASYNC io\n- rust asnc\n- rust asyncio ok\n"
    index = _library(tmp_path, lines)
    scanned = SearchIndex.from_parts(index.to_parts())
    index.posting_index = Postings.create(index.token)
    assert index.posting_index.extend(0, ((t, index.text(t)) for t in range(index.ntexts)))
    index.candidates_min, index.candidates_share = 0, max(1, index.ntexts // 12)  # (12 texts and more: "too many")
    assert index._candidates("rust") is None and index._candidates("asnc") is None
    assert index._candidates("async") is not None
    looked: list[str] = []
    whole = SearchIndex._whole_texts
    monkeypatch.setattr(SearchIndex, "_whole_texts", lambda self, u: looked.append(u) or whole(self, u))
    monkeypatch.setattr(tiers, "FUZZY_EACH", 4)
    for q in ("rust asnyc", "asnyc rust", "Rust asnyc", "rust asyncz", "rust asynci", "asnyc queue"):
        for limit in (0, 3):
            got, want = index.search(q, limit=limit), scanned.search(q, limit=limit)
            assert [(h.line, h.spans, h.tier, h.score) for h in got.hits] == \
                   [(h.line, h.spans, h.tier, h.score) for h in want.hits], (q, limit)
            assert got.total == want.total, (q, limit)
    assert {h.text for h in index.search("rust asnyc", limit=0).hits if h.tier == "fuzzy"} >= {
        "rust async move", "Rust ASYNC io", "rust asnc"}
    assert "async" in looked and "asnc" not in looked


def test_a_heading_line_holding_a_word_at_a_words_start_outranks_newer_prefixes_on_a_page(tmp_path, monkeypatch):
    # the walk at the prefix level (`rust`, few whole): the heading lines holding the word at a word's
    # start (90 + 4) are found before it, however old their report; those holding it only inside a
    # word (83 + 4) rank below every prefix and are left to the walk
    from tui.index.search import typed

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2024-W01.md").write_text("# 周报 2024-W01\n\n## Rustacean notes\n\n- bits\n\n## Trusty work\n\n"
                                         "- rusted gear\n", encoding="utf-8")
    for w in range(2, 7):
        (reports / f"2024-W0{w}.md").write_text(f"# 周报 2024-W0{w}\n\n## Misc\n\n- rusty item {w}\n- rustic {w}\n",
                                                encoding="utf-8")
    index = SearchIndex.build(load_library([str(reports)], use_cache=False).reports)
    monkeypatch.setattr(SearchIndex, "walk_first_min", 0)
    monkeypatch.setattr(typed, "WHOLE_WALK", 1)
    for q in ("rus", "rust", "rusty", "ru", "trusty"):
        whole = [(h.text, h.score) for h in index.search(q, limit=0).hits]
        for page in (1, 2, 3, 5, 8, 12):
            got = index.search(q, limit=page, counted=False)
            assert [(h.text, h.score) for h in got.hits] == whole[:page], (q, page)
    assert [(h.text, h.score) for h in index.search("rust", limit=2, counted=False).hits] == \
           [("Rustacean notes", 94.0), ("rusty item 6", 90.0)]
