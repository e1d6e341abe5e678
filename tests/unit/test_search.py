"""Search on the seeds and on small written libraries: tiers, ranking, spans, filters, pinyin, typos,
what counts as visible text, and the query grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.index.load import load_library
from tui.index.search.engine import SearchIndex, parse_query, search
from tui.index.search.pinyin import is_pinyin_query, match
from tui.index.search.records import doc_record, visible

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEWEST_FIRST = ["2024-W29", "2024-W23", "2024-W17"]  # the weeks of the seeds naming 贝易转 as a project


@pytest.fixture(scope="module")
def lib():
    return load_library([str(SEEDS)])


@pytest.fixture(scope="module")
def index(lib):
    return SearchIndex.build(lib.reports)


def weeks(hits):
    return [h.report.week for h in hits]


def write(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return load_library([str(tmp_path)])


# ── the seeds ───────────────────────────────────────────────────────────────────────────────────


def test_project_headings_rank_first_newest_report_first(index):
    hits = index.search("贝易转", limit=20).hits
    assert weeks(hits[:3]) == NEWEST_FIRST
    assert all(h.project == "贝易转" and h.tier == "exact" and h.score == 100 for h in hits[:3])
    rest = hits[3:]
    assert rest and all(h.score < 100 for h in rest)
    # then every other line that mentions it, newest report first, in source order within a report
    keys = [(-h.order, h.line) for h in rest]
    assert keys == sorted(keys)
    assert any(h.project != "贝易转" for h in rest)


def test_spans_cover_the_match_in_the_original_text(index):
    for h in index.search("贝易转").hits:
        assert h.spans
        for a, b in h.spans:
            assert h.text[a:b] == "贝易转"


def test_spans_of_every_word_and_lower_case_ignores_case(index):
    hits = index.search("pos 押金").hits
    assert hits
    marked = " ".join(hits[0].text[a:b] for a, b in hits[0].spans)
    assert "POS" in marked and "押金" in marked


def test_tiers_rank_exact_then_fuzzy_then_pinyin(index):
    exact = index.search("实时数仓").hits
    assert {h.tier for h in exact} == {"exact"}
    fuzzy = index.search("实时数舱").hits
    assert fuzzy and fuzzy[0].tier == "fuzzy" and max(h.score for h in fuzzy) < min(h.score for h in exact)
    assert all("实时数仓" in h.text for h in fuzzy[:3])
    pin = index.search("shishishucang").hits
    assert pin and {h.tier for h in pin} == {"pinyin"} and "实时数仓" in pin[0].text
    # a query that is both a substring and pinyin: the substring hits come first
    mixed = index.search("pos", limit=100).hits
    tiers = [h.tier for h in mixed]
    assert tiers[0] == "exact" and tiers == sorted(tiers, key=["exact", "fuzzy", "pinyin"].index)


@pytest.mark.parametrize("typo", ["贝易砖", "贝亿转", "被易转", "贝易专"])
def test_one_typo_in_three_characters_still_finds_the_project(index, typo):
    hits = index.search(typo).hits
    assert weeks(hits[:3]) == NEWEST_FIRST
    assert all(h.project == "贝易转" for h in hits[:3])
    for h in hits[:3]:
        (a, b), = h.spans
        assert h.text[a:b] == "贝易转"


def test_typo_in_a_longer_name(index):
    hits = index.search("银企金融M6v机房签移").hits
    assert hits and "机房迁移" in hits[0].text


@pytest.mark.parametrize("q", ["beiyizhuan", "bei yi zhuan", "byz", "BYZ", "beiyz"])
def test_pinyin_finds_the_project(index, q):
    hits = index.search(q).hits
    heads = [h for h in hits if h.project == "贝易转" and h.text.startswith("【")]
    assert weeks(heads) == NEWEST_FIRST
    assert hits[0].project == "贝易转"
    a, b = hits[0].spans[0]
    assert hits[0].text[a:b] == "贝易转"


def test_full_pinyin_outranks_initials():
    full = match("beiyizhuan", "贝易转")
    initials = match("byz", "贝易转")
    assert full and initials and full.quality > initials.quality


def test_polyphones_prefer_the_reading_in_context():
    assert match("yinhang", "银行").quality > match("yinxing", "银行").quality
    assert match("zhongdian", "重点工作") is not None
    assert match("yhh", "银行") is None


def test_pinyin_query_detection():
    assert is_pinyin_query("byz") and is_pinyin_query("bei yi zhuan")
    assert not is_pinyin_query("贝易转") and not is_pinyin_query("b") and not is_pinyin_query("99.9")


def test_filter_in_section_by_okr_code(index):
    hits = index.search("in:O2 进度", limit=100).hits
    assert hits and all(h.section.startswith("O2") for h in hits)
    assert {h.report.week for h in hits} >= {"2024-W17", "2024-W23", "2024-W29"}


def test_filter_in_section_by_name_includes_nested_sections(index):
    hits = index.search("in:生产事件 拉卡拉").hits
    assert hits and all(h.section == "生产事件" for h in hits)
    assert "2023-W52" in weeks(hits)  # `### 【生产事件】` nested under O3 in that report


def test_filter_week_and_range(index):
    assert set(weeks(index.search("week:2024-W23 存管").hits)) == {"2024-W23"}
    got = set(weeks(index.search("week:2024-W20..2024-W29 存管", limit=200).hits))
    assert got == {"2024-W23", "2024-W29"}
    assert set(weeks(index.search("week:2024-w17.. 存管", limit=200).hits)) == {"2024-W17", "2024-W23", "2024-W29"}


def test_filter_kpi_lists_kpi_lines_newest_first(index):
    hits = index.search("kpi:入金", limit=100).hits
    assert weeks(hits) == ["2024-W29", "2024-W23", "2024-W17", "2023-W52", "2023-W46"]
    assert all("入金有效成功率" in h.text for h in hits)
    assert index.search("kpi:可用性 99.998").hits[0].report.week == "2024-W29"


def test_filters_only_and_nothing(index):
    assert index.search("").hits == []
    assert index.search("no-such-thing-here").hits == []
    assert index.search("in:O4", limit=100).hits


def test_parse_query():
    q = parse_query('in:O2 week:2024-W20..2024-W29 kpi: 实时 数仓 url:github.com by:"Jane Doe" in:"Crate of the Week"')
    assert q.sections == ["O2", "Crate of the Week"] and q.weeks == [("2024-W20", "2024-W29")] and q.kpis == [""]
    assert q.words == ["实时", "数仓"] and q.urls == ["github.com"] and q.authors == ["Jane Doe"]
    assert parse_query("ｒｕｓｔ Rust rust").words == ["rust", "Rust"]  # full-width folded, duplicates dropped
    assert parse_query("x", authors=["张三"]).authors == ["张三"]


QUERIES = ["贝易转", "上线", "上", "pos", "pos 押金", "贝易砖", "实时数舱", "byz", "shishishucang", "in:O2 进度",
           "week:2024-W20..2024-W29 存管", "kpi:成功率", "week:第", "in:O4", "cunguan", "zfxt"]


def keys(result):
    return [(h.order, h.line, h.tier, round(h.score, 2), h.spans) for h in result.hits]


@pytest.mark.parametrize("q", QUERIES)
def test_a_limit_shows_the_best_hits_of_the_full_list(index, q):
    full = keys(index.search(q, limit=0))
    for k in (1, 3, 10):
        assert keys(index.search(q, limit=k)) == full[:k]


@pytest.mark.parametrize("q", ["贝易转", "上线", "实时数舱", "byz"])
def test_total_counts_every_match_without_filters(index, q):
    assert len(index.search(q, limit=0).hits) == index.search(q, limit=2).total


def test_a_word_later_in_a_project_heading_line_is_no_heading_match(index):
    # `- 定转X，光大备份通道研发，计划11/23上线 。` heads project 定转X: found for 上线, but as an ordinary line
    hits = index.search("上线", limit=0).hits
    line = next(h for h in hits if h.project_name == "定转X")
    assert line.score < 100 and all(h.score == 100 for h in hits if h.kind == "section")
    assert index.search("定转", limit=1).hits[0].project_name == "定转X"


def test_markup_like_text_is_just_text(tmp_path):
    lib = write(tmp_path, {"r.md": "# 2024-W10\n\n## 【其他】\n\n- [bold]贝易转[/] \x1b[2J done\n"})
    hits = search(lib, "贝易转").hits
    assert hits and "[bold]" in hits[0].text


@pytest.mark.slow
def test_pypinyin_loads_only_for_a_pinyin_query():
    import subprocess
    import sys

    code = ("import sys; from tui.index.search.engine import search; from tui.index.load import load_library;"
            f"lib = load_library([{str(SEEDS)!r}]); search(lib, '贝易转'); search(lib, '贝易砖');"
            "assert 'textual' not in sys.modules and 'rich' not in sys.modules;"
            "assert 'pypinyin' not in sys.modules; search(lib, 'byz'); assert 'pypinyin' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ── what a reader sees ──────────────────────────────────────────────────────────────────────────

LINKY = {
    "2024-01-08.md": "# Week 2 2024-01-08\n\n## Updates\n\n"
                     "- [Rust 1.75 is out](https://blog.rust-lang.org/async-fn.html)\n"
                     "- See [the async book][book] and ![diagram of the trusty runtime](img/trust.png)\n"
                     "- Mirror at https://mirror.example.com/WebOfTrustInfo/async\n"
                     "- <https://example.org/asyncstd>\n\n"
                     "[book]: https://rust-lang.github.io/async-book/\n",
    "2024-01-15.md": "# Week 3 2024-01-15\n\n## Updates\n\n- Trusty XBox\n- rusty tools\n"
                     "- Rust 语言 in the kernel\n- Go 语言 1.22\n- google good algorithm\n",
}


def test_link_targets_urls_and_reference_definitions_are_not_searched(tmp_path):
    lib = write(tmp_path, LINKY)
    ix = SearchIndex.build(lib.reports)
    async_hits = ix.search("async", limit=0).hits
    # the link text "the async book" is seen; `async-fn.html`, `/async`, `asyncstd` and `async-book/` are not
    assert [h.text for h in async_hits] == ["See [the async book][book] and ![diagram of the trusty runtime](img/trust.png)"]
    a, b = async_hits[0].spans[0]
    assert async_hits[0].text[a:b] == "async"
    assert not ix.search("WebOfTrustInfo").hits and not ix.search("example").hits
    assert ix.search("Mirror").hits  # the words around a URL are text
    assert ix.search("diagram").hits  # an image's alt text is text
    # `url:` searches the targets
    urls = ix.search("url:async", limit=0).hits
    assert {h.line for h in urls} == {5, 7, 8, 10}
    h = next(h for h in urls if h.line == 5)
    assert [h.text[a:b] for a, b in h.spans] == ["async"]
    assert {h.line for h in ix.search("url:rust-lang Rust", limit=0).hits} == {5}
    assert not ix.search("url:rust-lang async").hits  # (`async` is in those lines' URLs only)


def test_visible_keeps_the_length_of_the_line():
    for line in ["a [b](http://c) d", "[x]: https://y", "see https://z.io/q?a=1 now", "<https://w>", "plain"]:
        vis, _urls = visible(line)
        assert len(vis) == len(line)
    assert visible("[x]: https://y")[1] == "https://y"
    assert visible("a [b](http://c) d")[0].replace("\x00", "") == "a [b d"


def test_whole_words_rank_above_prefixes_above_matches_inside_a_word(tmp_path):
    lib = write(tmp_path, LINKY)
    ix = SearchIndex.build(lib.reports)
    texts = [h.text for h in ix.search("rust", limit=0).hits]
    assert texts.index("Rust 语言 in the kernel") < texts.index("rusty tools")
    assert texts.index("rusty tools") < texts.index("Trusty XBox")
    go = ix.search("go", limit=0).hits
    assert go[0].text == "Go 语言 1.22" and go[1].text == "google good algorithm" and go[0].score > go[1].score


def test_smart_case(tmp_path):
    lib = write(tmp_path, LINKY)
    ix = SearchIndex.build(lib.reports)
    upper = [h.text for h in ix.search("Rust", limit=0).hits if h.tier == "exact"]
    assert "Rust 语言 in the kernel" in upper and "Trusty XBox" not in upper
    assert "rusty tools" not in upper  # lower case `rust`: not the capitalised word
    lower_hits = [h.text for h in ix.search("rust", limit=0).hits]
    assert "Trusty XBox" in lower_hits and "rusty tools" in lower_hits
    assert [h.text for h in ix.search("Go", limit=0).hits if h.tier == "exact"] == ["Go 语言 1.22"]


def test_newest_report_first_among_equal_matches(tmp_path):
    lib = write(tmp_path, {f"2024-0{m}-01.md": f"# 2024-0{m}-01\n\n## A\n\n- 存管路由 week {m}\n" for m in (3, 1, 2)})
    hits = search(lib, "存管路由").hits
    assert [h.report.label for h in hits] == ["2024-03-01", "2024-02-01", "2024-01-01"]


def test_fuzzy_needs_a_real_resemblance(tmp_path):
    lib = write(tmp_path, LINKY)
    ix = SearchIndex.build(lib.reports)
    assert [h.text for h in ix.search("asnyc").hits] == [
        "See [the async book][book] and ![diagram of the trusty runtime](img/trust.png)"]
    assert not ix.search("rgzn").hits  # no four-letter word one edit away, no hanzi
    assert not [h for h in ix.search("xbix").hits if h.tier == "fuzzy" and "WebOfTrust" in h.text]


def test_pinyin_in_report_text(tmp_path):
    lib = write(tmp_path, {"2024-02-05.md": "# 2024-02-05\n\n## 进展\n\n- 探索人工智能在编译器中的应用\n"
                                           "- 与三家银行完成对接\n- 进一步验证方案\n"})
    ix = SearchIndex.build(lib.reports)
    for q, hanzi in (("rengongzhineng", "人工智能"), ("bianyiqi", "编译器"), ("yinhang", "银行"),
                     ("yinxing", "银行")):  # (any reading of 行 in running text)
        hits = ix.search(q).hits
        assert hits and hits[0].tier == "pinyin", q
        assert hits[0].text[hits[0].spans[0][0]:hits[0].spans[0][1]] == hanzi
    # initials of running text: found, at the lowest tier (below full pinyin, fuzzy and names)
    got = ix.search("rgzn").hits
    assert got and got[0].score < 50 and got[0].text[got[0].spans[0][0]:got[0].spans[0][1]] == "人工智能"
    assert all(h.score < 50 for h in ix.search("byz").hits)
    # … and names are spelled by their initials too
    lib2 = write(tmp_path / "b", {"2024-02-12.md": "# 2024-02-12\n\n## 人工智能\n\n- 模型上线\n"})
    assert SearchIndex(lib2.reports).search("rgzn").hits[0].text == "人工智能"


def test_doc_record_is_linear_in_headings(tmp_path):
    # many project headings: each heading's name is looked up once, not by scanning every project
    body = "\n".join(f"- 【项目{i}】进展 {i}" for i in range(3000))
    lib = write(tmp_path, {"big.md": f"# 2024-W10\n\n## 【重点工作】\n\n{body}\n"})
    rec = doc_record(lib.reports[0])
    assert len(rec[0]) == 3000 and sum(1 for e in rec[3] if e[5]) >= 3000
    ix = SearchIndex.build(lib.reports)
    assert ix.search("项目2999").hits[0].project_name == "项目2999"


# ── authors ─────────────────────────────────────────────────────────────────────────────────────

TEAM = {
    "张三/2024-W10.md": "# 2024-W10\n\nCreated by: 张三\n\n## 【重点工作】\n\n- 存管路由上线\n",
    "李四/2024-W10.md": "# 2024-W10\n\nCreated by: 李四\n\n## 【重点工作】\n\n- 存管路由测试\n",
    "jane/2024-W11.md": "# 2024-W11\n\nCreated by: Jane Doe\n\n## Work\n\n- 存管路由 review\n",
}


def test_by_filters_authors_by_name_typo_or_pinyin(tmp_path):
    lib = write(tmp_path, TEAM)
    names = {"张三": "张三", "李四": "李四", "jane": "Jane Doe"}
    for r in lib.reports:  # (as the model reads them from `Created by:` lines)
        r.author = names[Path(r.source.path).parent.name]
    ix = SearchIndex.build(lib.reports)
    for value, who in [("张三", "张三"), ("zhangsan", "张三"), ("zs", "张三"), ("jane", "Jane Doe"),
                       ('"Jnae Doe"', "Jane Doe"), ("李", "李四")]:
        hits = ix.search(f"by:{value} 存管").hits
        assert hits and {h.author for h in hits} == {who}, value
    assert {h.author for h in ix.search("存管", authors=["lisi"]).hits} == {"李四"}
    assert {h.author for h in ix.search("by:zhangsan").hits} == {"张三"}


@pytest.mark.slow
def test_fuzzy_windows_find_the_closest_window_of_any_line():
    # against every window of the line: the edit distance and the window chosen (closest, as long as
    # the word, first, shortest) are the same
    import random

    from rapidfuzz.distance import OSA

    from tui.index.search import match as mt

    rng = random.Random(5)
    alphabet = "贝易转砖存管ab"
    for _ in range(3000):
        w = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9)))
        low = "".join(rng.choice(alphabet + "xy ") for _ in range(rng.randint(0, 14)))
        n, k = len(w), mt.max_edits(len(w))
        best = None
        for a in range(len(low)):
            for length in range(max(1, n - k), n + k + 1):
                if a + length <= len(low):
                    d = OSA.distance(w, low[a:a + length])
                    if 1 <= d <= k and (best is None or (d, abs(length - n), a, length) < best):
                        best = (d, abs(length - n), a, length)
        want = None if best is None else (best[0], (best[2], best[2] + best[3]))
        assert mt.fuzzy_window(w, low) == want, (w, low)


@pytest.mark.slow
def test_one_edit_windows_are_those_of_the_general_search():
    # words of up to 7 characters (one edit) are matched by regular expressions: the same windows as
    # the search of every window, lines holding the word itself included
    import random

    from tui.index.search import match as mt

    rng = random.Random(7)
    alphabet = "贝易转砖ab"
    lines = {}
    for i in range(4000):
        w = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7)))
        low = "".join(rng.choice(alphabet + "x ") for _ in range(rng.randint(0, 12)))
        if i % 4 == 0:
            at = rng.randint(0, len(low))
            low = low[:at] + w + low[at:]
        lines[i] = (w, low)
    for i, (w, low) in lines.items():
        assert mt.fuzzy_windows(w, {i: low}) == mt.fuzzy_windows_general(w, {i: low}), (w, low)


def test_a_report_sort_key_of_nested_parts_is_kept_as_it_sorts():
    # (the library's order may be made of nested parts: week, creation time, issue number, natural order)
    from tui.index.search.index import DamagedIndex, Doc

    key = (0, "2024-W10", "2024-03-08", (0, 37), (("a", 2), ("b", 10)))
    doc = Doc("/r/x.md", "", 10, 1.5, "2024-W10", "Issue 37", None, "2024-03-08", key)
    back = Doc.from_json(doc.to_json())
    assert back.sort == key and back.key == doc.key
    with pytest.raises(DamagedIndex):
        Doc.from_json('["/r/x.md", "", 10, 1.5, null, "x", null, "", [{"a": 1}]]')


def test_the_starts_of_the_librarys_words_a_mistyped_start_is_compared_with(tmp_path):
    # each start of a word `prefix_lengths` long, with every longer word it starts, whatever lengths
    # were asked before (typing a word on, each key asks the lengths around one letter more)
    from tui.index.search import match as mt

    lib = write(tmp_path, {"2024-W01.md": "# 周报 2024-W01\n\n## 进展\n\n- region regions regional rust rusty\n"
                                          "- trusty async asyncio re reg regex x86 x86_64\n"})
    index = SearchIndex.build(lib.reports)
    vocab = set(index.vocab)
    for n, k in ((6, 1), (5, 1), (6, 1), (2, 1), (8, 2), (3, 0)):
        want: dict[str, set[str]] = {}
        for length in mt.prefix_lengths(n, k):
            for u in vocab:
                if len(u) > length:
                    want.setdefault(u[:length], set()).add(u)
        starts = index._vocab_starts(n, k)
        assert sorted(starts) == sorted(want), (n, k)
        assert {p: set(starts[p]) for p in starts} == want, (n, k)
