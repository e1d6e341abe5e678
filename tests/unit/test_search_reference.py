"""The one search engine against a brute-force reference, on small generated libraries (hypothesis).

The reference scores every line of every live report with the ranking rules (`search.match`) and sorts
by score, then newest report first, then source order; the engine must give exactly its head for any
limit, however the index was made: built at once, grown report by report in any order with reports
replaced on the way, or written to parts and read back (whole, or on demand as `reports-tui search`
reads it).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.index.search import match as mt
from tui.index.search import pinyin as py
from tui.index.search import engine, scans, tiers, typed
from tui.index.search.engine import SearchIndex
from tui.index.search.index import Doc
from tui.index.search.postings import Postings
from tui.index.search.query import parse_query, week_keep
from tui.index.search.records import fold, head_names, lower, norm, visible

# ── generated libraries ─────────────────────────────────────────────────────────────────────────

WORDS = ["Rust", "rust", "trust", "Trusty", "rusty", "async", "asnyc", "Async", "asynchronous", "go", "Go", "google",
         "Rust语言", "贝易转", "贝易砖", "存管", "存管路由", "实时数仓", "支付系统", "人工智能", "进一步验证", "银行",
         "行业", "发展", "POS", "pos", "押金", "M6v机房", "的", "上线", "zfxt", "v1.2", "node.js"]
LINKS = ["[Rust](https://rust-lang.org/async)", "[async book](https://x.io/Trust)", "https://go.dev/rust",
         "![贝易转](img/存管.png)", "<https://ex.com/pos>", "[see][ref]", "www.example.com/google"]
SECTIONS = ["O1 业务服务", "O2 能力升级", "生产事件", "Crate of the Week", "Tooling", "收获与反思"]
PROJECTS = [("贝易转", "贝易转（C转）"), ("存管路由", "存管路由"), ("实时数仓", "实时数仓项目"), ("Rust Analyzer", "Rust Analyzer")]
KPIS = ["入金有效成功率", "支付系统年度可用性", "Availability"]
AUTHORS = [None, "张三", "李四", "Jane Doe"]
WEEKS = [None, "2024-W01", "2024-W02", "2024-W10", "2023-W52"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(LINKS), st.sampled_from(["，", "：", "-", "(", ")", "x"]))
line_text = st.lists(token, min_size=1, max_size=5).flatmap(
    lambda toks: st.sampled_from([" ", ""]).map(lambda sep: sep.join(toks)))


@dataclass
class GenDoc:
    doc: Doc
    rec: tuple


@st.composite
def library(draw) -> list[GenDoc]:
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        week = draw(st.sampled_from(WEEKS))
        created = draw(st.sampled_from(["", "2024-01-03", "2024-01-05"])) if week else ""
        path = f"/lib/{draw(st.sampled_from(['a', 'b']))}/{i}.md"
        sort = (0, week, created, path) if week else (1, "", "", path)
        label = week.lower() if week else f"第{i}期"
        doc = Doc(path, "", 100 + i, float(i), week, label, draw(st.sampled_from(AUTHORS)), created, sort)
        line = 1
        title = draw(line_text)
        ents = [(line, title, "", (), None, True, "title")]
        projects, kpis, sections = [], [], []
        for _ in range(draw(st.integers(1, 3))):
            line += 2
            stitle = draw(st.sampled_from(SECTIONS))
            key = stitle.replace(" ", "")
            okr = stitle[:2] if stitle[:1] == "O" and stitle[1:2].isdigit() else None
            chain = (key,)
            sections.append((key, okr, stitle))
            ents.append((line, f"【{stitle}】", stitle, chain, None, True, "section"))
            for _ in range(draw(st.integers(1, 4))):
                line += 1
                kind = draw(st.integers(0, 5))
                if kind == 0:
                    pkey, pname = draw(st.sampled_from(PROJECTS))
                    projects.append((pkey, pname, line))
                    ents.append((line, f"【{pname}】" + draw(st.sampled_from(["", "进度80%", " async"])), stitle,
                                 chain, pkey, True, "item"))
                elif kind == 1:
                    name = draw(st.sampled_from(KPIS))
                    kpis.append((name, line))
                    ents.append((line, f"{name}：99.9%", stitle, chain, None, False, "item"))
                else:
                    ents.append((line, draw(line_text), stitle, chain, None, False, "item"))
        out.append(GenDoc(doc, (tuple(projects), tuple(kpis), tuple(sections), tuple(ents))))
    return out


QUERIES = ["Rust", "rust", "rusty", "async", "asnyc", "Async", "asynchronus", "go", "Go", "贝易转", "贝易砖", "存管",
           "实时数舱", "支付系统", "byz", "beiyizhuan", "zfxt", "rgzn", "rengongzhineng", "yinhang", "cunguan",
           "shishi", "jybyz", "xian", "cgl", "shs", "zha", "lis", "trusy", "googel", "POS", "pos 押金", "M6v机房", "m6v", "的", "v1.3", "node.jss", "trust", "lib", "rust-lang",
           "in:O1", "in:O2 上线", "in:Tooling rust", "in:O2 的", "in:O1 rust a", "in:Crate Rust", "kpi:", "kpi:入金", "kpi:Availability go",
           "week:2024-W01", "week:2024-W01..2024-W10 Rust", "week:2024-w02", "week:第 存管", "by:张三", "by:zhangsan",
           "by:zs rust", "by:jane", "url:rust-lang", "url:go.dev rust", "url:png", "url:ex.com", "w:2023-W52",
           # several words: together and in order ranked higher; one of them mistyped still found
           "rust async", "Rust async", "async rust", "存管 路由", "贝易转 上线", "asnyc rust", "rust asnyc",
           "asynchronus go", "贝易砖 上线", "实时数舱 存管", "rusty trust", "Trusty go",
           # several common words, one of them a letter (each word's texts at each level, intersected)
           "rust a go", "go s",
           # a word of the vocabulary beside a letter or two, either side (walked for as whole words)
           "a rust", "rust as", "Rust a", "trust t", "async 1",
           # a character or two Latin letters alone (their totals kept as the index grows)
           "s", "ru"]


# ── the reference ───────────────────────────────────────────────────────────────────────────────


def _rank(docs: list[Doc]) -> list[int]:
    dated = sorted((i for i, d in enumerate(docs) if d.week is not None), key=lambda i: docs[i].sort, reverse=True)
    undated = sorted((i for i, d in enumerate(docs) if d.week is None), key=lambda i: docs[i].sort, reverse=True)
    return dated + undated


def reference(lib: list[GenDoc], query: str, limit: int):
    """The reference's hits for `limit` (0: all) and its total."""
    return reference_head(reference_rows(lib, query), limit)


def reference_head(rows: tuple[list, int, int, bool], limit: int) -> tuple[list, int]:
    """`reference` for `limit` from `reference_rows`: the head of the one ranking, and its total (when
    the exact hits fill the limit of a query of words without filters, the lower tiers are not needed,
    nor counted)."""
    got, total, exact_count, words_alone = rows
    if words_alone and limit and exact_count >= limit:
        total = exact_count
    return (got[:limit] if limit else got), total


def reference_rows(lib: list[GenDoc], query: str) -> tuple[list, int, int, bool]:
    """Every line of the library scored and ranked by brute force: the rows, their number, how many
    of them are exact, and whether the query is words without filters."""
    q = parse_query(query)
    docs = [g.doc for g in lib]
    by_rank = _rank(docs)
    order_pos = {i: p for p, i in enumerate(sorted(range(len(docs)), key=lambda i: docs[i].sort))}
    scope = [True] * len(docs)
    if q.weeks or q.week_labels:
        keep = week_keep(q, [d.week or "" for d in docs], [d.label.casefold() for d in docs])
        scope = [s and bool(k) for s, k in zip(scope, keep)]
    if q.authors:
        scope = [s and d.author is not None and any(
            mt.author_matches(v, d.author, py.readings(d.author) if any("\u4e00" <= c <= "\u9fff" for c in d.author)
                              else None) for v in q.authors) for s, d in zip(scope, docs)]
    probe = SearchIndex.build([], [])  # (the filters' name rules: in:, kpi:)
    probe.section_keys = {k: None for g in lib for s in g.rec[2] for k in (s[0], s[1]) if k}
    probe.kpi_names = list(dict.fromkeys(k[0] for g in lib for k in g.rec[1]))
    keys = set().union(*(probe.matching_sections(v) for v in q.sections)) if q.sections else None
    kpi_names = ({probe.kpi_names[i] for v in q.kpis for i in probe.matching_kpis(v)} if q.kpis else None)
    terms = list(dict.fromkeys(n for g in lib for n in [k[0] for k in g.rec[1]] + [p[1] for p in g.rec[0]]
                               + [s[2] for s in g.rec[2]] if any("\u3400" <= c <= "\u9fff" for c in n)))
    qc = py.compact(q.text)
    pinyin = py.is_pinyin_query(q.text)
    needles: dict[str, float] = {}
    if pinyin and q.words:
        for t in terms:
            found = mt.name_needle(qc, t, py.readings(t))
            if found and found[1] > needles.get(found[0], -1):
                needles[found[0]] = found[1]
    readings_memo: dict[str, list[str] | None] = {}

    def readings_of(ch: str) -> list[str] | None:
        if ch not in readings_memo:
            hz = "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
            readings_memo[ch] = mt.text_readings(py.char_readings(ch)) if hz else None
        return readings_memo[ch]

    words = q.words
    rows, exact_count = [], 0
    for rank, d in enumerate(by_rank):
        if not scope[d]:
            continue
        rec = lib[d].rec
        heads = head_names(rec)
        kpi_lines = {}
        for name, ln in rec[1]:
            kpi_lines.setdefault(ln, set()).add(name)
        for pos, (line, text, section, chain, project, head, kind) in enumerate(rec[3]):
            if keys is not None and keys.isdisjoint(chain):
                continue
            if kpi_names is not None and kpi_names.isdisjoint(kpi_lines.get(line, ())):
                continue
            vis, urls = visible(text)
            if q.urls and not all(lower(v) in lower(urls) for v in q.urls):
                continue
            cased = fold(vis)
            low = lower(cased)
            hd = None
            if head:
                hd = norm(visible(heads[line])[0]) if kind == "item" and line in heads else low
            if not words:
                if kind != "title":
                    rows.append((-mt.FILTER_SCORE, rank, pos, d, line, "filter"))
                continue
            score = mt.exact_score(words, cased, low, hd)
            if score is not None:
                rows.append((-score, rank, pos, d, line, "exact"))
                exact_count += 1
                continue
            best = None
            fz = mt.fuzzy_line(words, cased, low, hd)
            if fz is not None:
                best = (fz[0], "fuzzy")
            if pinyin:
                for nd, quality in needles.items():
                    if nd in low:
                        s = mt.name_pinyin_score(quality, hd is not None and nd in hd)
                        if best is None or s > best[0]:
                            best = (s, "pinyin")
                tp = mt.text_pinyin(qc, low, readings_of)
                if tp is not None:
                    a, b = tp
                    s = mt.text_pinyin_score(hd is not None and low[a:b] in hd)
                    if best is None or s > best[0]:
                        best = (s, "pinyin")
                elif best is None and (ti := mt.text_initials(qc, low, readings_of)) is not None:
                    a, b = ti
                    best = (mt.text_initials_score(hd is not None and low[a:b] in hd), "pinyin")
            if best is not None:
                rows.append((-best[0], rank, pos, d, line, best[1]))
    rows.sort()
    got = [(docs[d].path, line, tier, -neg, order_pos[d]) for neg, _r, _p, d, line, tier in rows]
    return got, len(rows), exact_count, bool(words) and not q.has_filters


def engine_rows(result):
    return [(h.report.source.path, h.line, h.tier, h.score, h.order) for h in result.hits]


def build_ways(lib: list[GenDoc], seed: int):
    """The same library's index made five ways."""
    at_once, grown = _built(lib, seed)
    return {"at once": at_once, "grown": grown, **_read_back(grown.to_parts())}


def fixed_ways(seed: int):
    """`build_ways` of the fixed library: the indexes built afresh (each test searches its own: a search
    keeps what it found for the next keystroke), the posting lists, which a search only reads, made once
    per worker for the parts they index."""
    at_once, grown = _built(_fixed_library(), seed)
    return {"at once": at_once, "grown": grown, **_read_back(*_fixed_parts(seed))}


@functools.cache
def _fixed_parts(seed: int) -> tuple[dict, Postings]:
    parts = _built(_fixed_library(), seed)[1].to_parts()
    return parts, _posting_lists(SearchIndex.from_parts(parts, lazy=True))


def _built(lib: list[GenDoc], seed: int) -> tuple[SearchIndex, SearchIndex]:
    """The index built at once, and grown report by report."""
    docs = [g.doc for g in lib]
    recs = {g.doc.key: g.rec for g in lib}
    at_once = SearchIndex()
    at_once.add((g.doc, g.rec) for g in lib)
    at_once.prepare_pinyin()
    # grown report by report in another order, with stale versions of some reports replaced on the way
    rng = random.Random(seed)
    grown = SearchIndex()
    grown.prepare_pinyin()
    stale = []
    for g in rng.sample(lib, len(lib)):
        if rng.random() < 0.4:
            old = Doc(g.doc.path, "", g.doc.size + 1000, g.doc.mtime, g.doc.week, g.doc.label, g.doc.author,
                      g.doc.created, g.doc.sort)
            stale.append(old)
            grown.add([(old, lib[rng.randrange(len(lib))].rec)])
    grown.add((g.doc, g.rec) for g in rng.sample(lib, len(lib)))

    class R:  # what `sync` reads of a report
        def __init__(self, d):
            self.source, self.size, self.mtime, self.sort_key = d.source, d.size, d.mtime, d.sort
            self.week, self.label, self.author, self.created = d.week, d.label, d.author, d.created or None

    grown.sync([R(d) for d in docs], lambda rs: [recs[(r.source.path, "", r.size, r.mtime)] for r in rs])
    for d in range(grown.ndocs):  # hits carry the index's own docs, as in the other ways
        grown.doc(d).ref = None
    return at_once, grown


def _read_back(parts: dict, postings: Postings | None = None) -> dict[str, SearchIndex]:
    """An index's parts read back: whole, on demand, and on demand with posting lists."""
    stored = SearchIndex.from_parts(parts)
    lazy = SearchIndex.from_parts(parts, lazy=True)
    # with a posting index (tantivy) narrowing every scan down, holding the first half of the texts (the
    # rest, appended since, is scanned as it is)
    posted = SearchIndex.from_parts(parts, lazy=True)
    # (any share of the texts not in it yet: its lists are used, not given up for a scan of every text)
    posted.postings_min, posted.candidates_min, posted.candidates_share = 0, 1 << 30, 1
    posted.posting_index = postings if postings is not None else _posting_lists(posted)
    assert posted.posting_index.token == posted.token and posted.posting_index.ndocs == posted.ntexts // 2
    return {"stored": stored, "on demand": lazy, "posting lists": posted}


def _posting_lists(index: SearchIndex) -> Postings:
    """Posting lists of the first half of an index's texts."""
    postings = Postings.create(index.token)
    half = index.ntexts // 2
    assert postings.extend(0, ((t, index.text(t)) for t in range(half)))
    assert postings.ndocs == half
    return postings


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lib=library(), queries=st.lists(st.sampled_from(QUERIES), min_size=1, max_size=4), seed=st.integers(0, 99))
def test_the_engine_gives_the_reference_ranking_however_the_index_was_made(lib, queries, seed):
    ways = build_ways(lib, seed)
    for query in queries:
        ranked = reference_rows(lib, query)  # (the one brute-force ranking: each limit takes its head)
        for limit in (1, 3, 0):
            want, total = reference_head(ranked, limit)
            for name, index in ways.items():
                res = index.search(query, limit=limit)
                assert engine_rows(res) == want, (name, query, limit)
                if not res.capped:
                    assert res.total == total, (name, query, limit)
                # as the user types (totals not counted): the same hits, a total never above the true one
                typed = index.search(query, limit=limit, counted=False)
                assert engine_rows(typed) == want, (name, query, limit, "typed")
                assert typed.total <= total or not typed.capped


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("strategy", ["sort", "walk", "walk, giving up", "mistyped word scanned for",
                                      "text read in small slices"])
def test_every_query_on_a_fixed_library(query, strategy, monkeypatch):
    # a fixed, larger library: every query of the table is tried at least once whatever hypothesis draws;
    # the entries of matching lines found by sorting them, by walking reports newest first, and by a
    # walk that runs out of budget half way; a mistyped word of several found by a scan of the texts
    # holding the others (as when they are many) rather than by looking at each
    if strategy == "mistyped word scanned for":
        monkeypatch.setattr(tiers, "FUZZY_EACH", 0)
    elif strategy == "text read in small slices":
        # pinyin in report text decoded a few lines at a time, and texts found by counting the lines
        # between matches (as when most texts match) rather than by looking each match up
        monkeypatch.setattr(tiers, "TEXT_SLICE", 24)
        monkeypatch.setattr(tiers, "TEXT_IDS", 2)  # (and the texts a posting index names, two at a time)
        monkeypatch.setattr(scans, "_LOOKUP_BYTES", 1 << 40)
    elif strategy != "sort":
        monkeypatch.setattr(SearchIndex, "_walk_cost", lambda self, need, total, n: 40.0 if "giving" in strategy
                            else 1e9)
    ways = fixed_ways(7)
    for limit in (1, 5, 0):
        want, total = fixed_reference(query, limit)
        for name, index in ways.items():
            res = index.search(query, limit=limit)
            assert engine_rows(res) == want, (name, query, limit)
            if not res.capped:
                assert res.total == total
            assert engine_rows(index.search(query, limit=limit, counted=False)) == want, (name, query, limit)


@pytest.mark.parametrize("query", QUERIES)
def test_a_page_is_the_start_of_the_whole_list(query):
    # the search screen draws a keystroke's page (a small limit, totals not counted) and then the whole
    # list (counted): the page is exactly the whole list's first hits, in its order, with a total not
    # above the whole one; a page not filled is the whole answer
    _check_pages(fixed_ways(5), [query])


@pytest.mark.parametrize("walk_first", ["walk first", "walk first, giving up", "walks judged by their rate"])
def test_a_page_of_common_words_found_walking_first_is_the_start_of_the_whole_list(walk_first, monkeypatch):
    # as in a big library: a page of common words is found by walking reports newest first before any
    # scan of every text, or, that walk running out of budget or finding too few on the way, by the scan
    monkeypatch.setattr(SearchIndex, "walk_first_min", 0)
    if "giving up" in walk_first:
        monkeypatch.setattr(typed, "WHOLE_WALK", 3)
    if "rate" in walk_first:  # (from the first report on, a walk too slow to fill the page gives up)
        monkeypatch.setattr(typed, "WALK_PROBE", 0)
    latin = [q for q in QUERIES if ":" not in q and q.isascii()]
    _check_pages(fixed_ways(5), latin)


@pytest.mark.parametrize("walk_first", [False, True])
@pytest.mark.parametrize("narrow_share", [3, 1])
def test_several_common_words_counted_are_the_walks_hits_and_every_text_holding_them(walk_first, narrow_share,
                                                                                      monkeypatch):
    # a counted search of several words of the vocabulary, a letter or two among them (`rust a`): the
    # hits found as the user types fill the limit, so the total is the entries of the texts holding every
    # word, counted apart (one scan a word) rather than each text classified — the reference's all the same
    # (`narrow_share` 1: the texts holding the longest word kept, the others scanned for among them alone)
    monkeypatch.setattr(SearchIndex, "NARROW_SHARE", narrow_share)
    if walk_first:
        monkeypatch.setattr(SearchIndex, "walk_first_min", 0)
    counted: list[tuple] = []
    holding_all = SearchIndex._holding_all
    monkeypatch.setattr(SearchIndex, "_holding_all", lambda self, lw: counted.append(tuple(lw)) or holding_all(self, lw))
    for name, index in fixed_ways(5).items():
        for query in ("rust a", "a rust", "rust as", "trust t", "async 1", "rust a go", "go s", "rust go"):
            for limit in (1, 5):
                want, total = fixed_reference(query, limit)
                res = index.search(query, limit=limit)
                assert engine_rows(res) == want, (name, query, limit)
                assert (res.total, res.capped) == (total, False), (name, query, limit)
    assert {("rust", "a"), ("rust", "as"), ("trust", "t")} <= set(counted)


@pytest.mark.parametrize("narrow_share,chains", [(3, "kept"), (1, "kept"), (1, "asked"), (1, "looked up")])
def test_an_in_filters_words_are_looked_for_only_in_its_sections_texts(narrow_share, chains, monkeypatch):
    # `in:O2 进`: the texts with an entry in the sections named found first, the words looked for only
    # in those (when few: a third of the texts, or with `narrow_share` 1 any share) — the reference's
    # hits and totals all the same, a character most lines hold or several words, a page or all; each
    # shape's chain kept as a byte, or an entry's shape asked until a few were (`SHAPES_ASKED`), or each
    # shape's chain looked up (an index of more chains than a byte holds)
    monkeypatch.setattr(SearchIndex, "NARROW_SHARE", narrow_share)
    if chains == "asked":
        monkeypatch.setattr(SearchIndex, "SHAPES_ASKED", 3)
    elif chains == "looked up":
        monkeypatch.setattr(SearchIndex, "_shape_chains", lambda self: None)
    views: list[int] = []
    section_view = SearchIndex._section_view
    monkeypatch.setattr(SearchIndex, "_section_view",
                        lambda self, tids: (lambda v: views.append(v is not None) or v)(section_view(self, tids)))
    for name, index in fixed_ways(5).items():
        for query in ("in:O2 的", "in:O2 上线", "in:O1 rust a", "in:O1 Rust", "in:Tooling rust", "in:能力 go",
                      "in:O2 asnyc", "in:O1 byz", "in:O2 in:Tooling 的 a"):
            for limit in (1, 5, 0):
                want, total = fixed_reference(query, limit)
                res = index.search(query, limit=limit)
                assert engine_rows(res) == want, (name, query, limit)
                if not res.capped:
                    assert res.total == total, (name, query, limit)
                assert engine_rows(index.search(query, limit=limit, counted=False)) == want, (name, query, limit)
    assert any(views)


def test_the_walks_of_one_keystroke_look_for_its_heading_lines_once(monkeypatch):
    # a walk for words of the vocabulary given up at the whole-word level is followed by one at the
    # prefix level (`rus` in a big library): the heading lines holding the words, and their scores, are
    # looked for once; the page is the start of the whole list all the same
    monkeypatch.setattr(SearchIndex, "walk_first_min", 0)
    monkeypatch.setattr(typed, "WHOLE_WALK", 3)
    walks, asked = [], []
    walk, heads = SearchIndex._walk_typed, SearchIndex._heads_holding
    monkeypatch.setattr(SearchIndex, "_walk_typed", lambda self, *a: walks.append(a[2]) or walk(self, *a))
    monkeypatch.setattr(SearchIndex, "_heads_holding", lambda self, lw: asked.append(lw) or heads(self, lw))
    twice = 0
    for name, index in fixed_ways(5).items():
        for query in ("trust t", "async 1", "Rust a", "rusty", "google"):
            walks.clear(), asked.clear()
            got = index.search(query, limit=1, counted=False)
            twice += len(walks) > 1
            assert len(asked) <= 1, (name, query, walks)
            assert engine_rows(got) == engine_rows(index.search(query, limit=300))[:1], (name, query)
    assert twice  # (some keystrokes walked twice)


def test_the_words_close_to_a_typo_are_each_scanned_for_once_as_the_user_types(monkeypatch):
    # the typo tier looks for the texts holding each word of the library close to the one typed, whole:
    # a key's page, then its whole list, then the next key ask many of the same, each scanned for once
    # while the index does not change; the hits the reference's all the same
    scanned: list[str] = []
    whole_rx = scans._whole_rx
    monkeypatch.setattr(scans, "_whole_rx", lambda u: scanned.append(u) or whole_rx(u))
    lib = _fixed_library()
    index = fixed_ways(5)["at once"]
    for prefix in ("asynchron", "asynchronu", "asynchronus", "trusy", "rusyt"):
        for limit, counted in ((1, False), (0, True)):
            got = index.search(prefix, limit=limit, counted=counted)
            assert engine_rows(got) == reference(lib, prefix, limit)[0], (prefix, limit)
    assert scanned and sorted(scanned) == sorted(set(scanned))


def test_a_typos_other_word_is_not_scanned_for_again_when_a_key_before_kept_its_texts(monkeypatch):
    # `region` typed, then `region sp`: the typo tier looks among the texts holding the other word,
    # those a keystroke before kept (any set kept here, as a big library keeps a rare word's)
    monkeypatch.setattr(SearchIndex, "NARROW_SHARE", 1)
    scanned: list[bytes] = []
    texts_in = SearchIndex._texts_in
    monkeypatch.setattr(SearchIndex, "_texts_in",
                        lambda self, rx, view: scanned.append(rx.pattern) or texts_in(self, rx, view))
    lib = _fixed_library()
    index = fixed_ways(5)["at once"]
    for word, typo in (("trust", "asnyc"), ("google", "rusyt"), ("async", "trusy")):
        index.search(word, limit=0)
        scanned.clear()
        got = index.search(f"{word} {typo}", limit=0)
        assert engine_rows(got) == reference(lib, f"{word} {typo}", 0)[0]
        assert scans._holding_rx(word).pattern not in scanned, (word, typo)


def _check_pages(ways: dict, queries: list[str]) -> None:
    for query in queries:
        for name, index in ways.items():
            whole = index.search(query, limit=300)
            for page in (1, 2, 4, 40):
                got = index.search(query, limit=page, counted=False)
                assert engine_rows(got) == engine_rows(whole)[:page], (name, query, page)
                assert got.total <= whole.total
                if len(got.hits) < page:
                    assert got.total == whole.total and len(whole.hits) == len(got.hits), (name, query, page)


def _fixed_library() -> list[GenDoc]:
    rng = random.Random(3)
    out = []
    for i in range(8):
        week = WEEKS[i % len(WEEKS)]
        path = f"/lib/{i}.md"
        doc = Doc(path, "", 10 + i, float(i), week, week.lower() if week else f"第{i}期", AUTHORS[i % 4],
                  "2024-01-0%d" % (i % 3 + 1) if week else "", (0, week, "", path) if week else (1, "", "", path))
        ents = [(1, f"Report {i} {rng.choice(WORDS)}", "", (), None, True, "title")]
        projects, kpis, sections = [], [], []
        line = 2
        for s in SECTIONS[i % 3: i % 3 + 3]:
            key = s.replace(" ", "")
            okr = s[:2] if s[0] == "O" else None
            sections.append((key, okr, s))
            ents.append((line, f"## {s}", s, (key,), None, True, "section"))
            for j in range(5):
                line += 1
                if j == 0:
                    pk, pn = PROJECTS[(i + len(ents)) % len(PROJECTS)]
                    projects.append((pk, pn, line))
                    ents.append((line, f"【{pn}】{rng.choice(WORDS)}", s, (key,), pk, True, "item"))
                elif j == 1:
                    k = KPIS[(i + j) % len(KPIS)]
                    kpis.append((k, line))
                    ents.append((line, f"{k}：99.{i}%", s, (key,), None, False, "item"))
                else:
                    toks = [rng.choice(WORDS + LINKS) for _ in range(rng.randint(1, 4))]
                    ents.append((line, rng.choice([" ", ""]).join(toks), s, (key,), None, False, "item"))
            line += 1
        out.append(GenDoc(doc, (tuple(projects), tuple(kpis), tuple(sections), tuple(ents))))
    return out


@functools.cache
def fixed_reference(query: str, limit: int) -> tuple[list, int]:
    """The reference's answer on the fixed library: the same for every strategy, every way of making the
    index and every prefix test, so each worker works it out once."""
    return reference(_fixed_library(), query, limit)


@pytest.mark.slow  # (every prefix of every query, five ways an index is made: ~2–4 s each)
@pytest.mark.parametrize("narrow_share", [3, 1])
def test_typing_every_prefix_on_one_index_gives_the_reference_hits(narrow_share, monkeypatch):
    # as the user types: every prefix of every query searched in turn on the same index, so what a
    # keystroke keeps (the texts holding a word, a word's whole-word texts, posting answers) narrows the
    # next one's scans down; a page and the whole list, both as the reference ranks them (narrow_share 1:
    # any kept set narrows, however many texts it holds)
    monkeypatch.setattr(SearchIndex, "NARROW_SHARE", narrow_share)
    for name, index in fixed_ways(11).items():
        for query in QUERIES:
            for i in range(1, len(query) + 1):
                prefix = query[:i]
                if not prefix.strip() or ":" in prefix:  # (a filter half typed: `in:` alone differs, as before)
                    continue
                # (narrow_share 1 narrows on any kept set: a page of five shows it; the product's share
                # meets every page size and the whole list)
                for limit, counted in ((5, False), (1, False), (0, True)) if narrow_share != 1 else ((5, False),):
                    want = fixed_reference(prefix, limit)[0]
                    got = index.search(prefix, limit=limit, counted=counted)
                    assert engine_rows(got) == want, (name, prefix, limit, counted)
