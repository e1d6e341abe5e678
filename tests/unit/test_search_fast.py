"""`reports-tui search` from the parse cache gives what the in-memory index of the whole library gives."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.index.store import cache as cache_mod
from tui.index.search import cached as fastsearch
from tui.index.search.engine import SearchIndex
from tui.model.vocab import DEFAULT_VOCABULARY

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"

QUERIES = [
    # CJK, 1 to 4 characters
    "转", "存管", "贝易转", "实时数仓", "数仓", "的",
    # pinyin, initials and full
    "byz", "beiyizhuan", "sssc", "shishishucang",
    # typos
    "贝易砖", "实时数苍", "存官路由", "实时数舱", "存管路油", "支付系统双火", "贝小里", "房屋交附", "POS收单系统检设",
    "银商pso", "relase", "贝易砖 贝易砖",
    # more pinyin: initials, full, mixed, two letters, several words
    "zfxt", "yhcg", "shishi", "sj", "bxl", "pingan", "bei yi zhuan", "cunguan", "beiyiz",
    # two letters that are both English and pinyin: few exact hits, many pinyin ones (the run of
    # reports taken for exact hits must not let its own pinyin hits fill the limit)
    "we", "ma", "sh", "de",
    # fuzzy and pinyin under filters
    "in:O2 贝易砖", "in:O1 cunguan", "kpi: sssc", "贝易砖 week:2024-W20..2024-W29", "week:2024-W23 byz",
    "week:W23 实时数舱",
    # English and mixed
    "pos", "POS 押金", "kpi", "release", "zzzz-nothing",
    # filters, alone and with words
    "in:O2", "in:O1 存管", "week:2024-W23", "week:2024-W20..2024-W29 贝易转", "kpi:", "kpi:成功率",
    "kpi:成功率 week:2024-W17..", "in:收获 的", "week:W23", "",
]
LIMITS = [1, 3, 50, 0]


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return home


def _generated(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO))
    try:
        from benchmarks.generate import generate
    finally:
        sys.path.remove(str(REPO))
    out = tmp_path / f"gen-{n}"
    generate(out, n)
    return out


def _hit_key(h):
    return (h.to_json(), h.tier, h.kind, h.order, h.project, h.score)


def _result_key(res):
    return ([_hit_key(h) for h in res.hits], res.total, res.capped)


def _check(folder: Path, queries=QUERIES, limits=LIMITS):
    paths = [str(folder)]
    lib = cache_mod.load_library_cached(paths, DEFAULT_VOCABULARY)  # fills the cache
    full = SearchIndex(lib.reports)
    cached = fastsearch.open_cached(paths, cache_mod.vocab_key(DEFAULT_VOCABULARY), str(cache_mod.cache_path()))
    assert [r.source for r in cached.reports] == [r.source for r in lib.reports]
    for q in queries:
        for limit in limits:
            want = full.search(q, limit=limit)
            got = fastsearch.search_cached(cached, q, limit)
            assert _result_key(got) == _result_key(want), (q, limit)


def test_seeds_give_the_same_results(cache_home, tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    _check(folder)


def test_generated_library_gives_the_same_results(cache_home, tmp_path):
    _check(_generated(tmp_path, 120), limits=[1, 7, 50, 100, 200, 300, 0])


@pytest.mark.parametrize("most", [2, 9, 40])
def test_few_fuzzy_candidates_pick_the_same_lines(cache_home, tmp_path, monkeypatch, most):
    # fewer candidate lines than share bigrams with the query: ties go to the lines seen first,
    # often several first seen in one report
    from tui.index.search import engine as search_mod

    monkeypatch.setattr(search_mod, "FUZZY_CANDIDATES", most)
    _check(_generated(tmp_path, 40), queries=["贝易砖", "实时数舱", "存管路油", "支付系统双火", "in:O2 贝易砖", "byz"],
           limits=[1, 5, 50, 0])


def _write_reports(folder: Path, bodies: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, body in enumerate(bodies):
        (folder / f"2024-W{10 + i:02d}.md").write_text(f"# 2024-W{10 + i:02d}\n\n{body}\n", encoding="utf-8")
    return folder


CLOSE_NAMES = ["支付网关一", "支付网关二", "支付网关三", "支付网关四", "支付网关五", "支付网关六", "支付网关七"]


def _close_name_reports() -> list[str]:
    # seven project names as close to `支付网关八` as each other, first seen in varying orders, some in
    # the same report; KPI and section names pinyin can spell
    out = []
    orders = [[6, 2], [5, 0, 3], [1, 4, 2, 6], [0, 1, 2, 3, 4, 5, 6]]
    for k, order in enumerate(orders):
        lines = ["## 【重点工作】", ""]
        for j in order:
            name = CLOSE_NAMES[j]
            lines += [f"- 【{name}】", f"    1. {name[:4]}第{k}周进展：联调{j}0%", f"    2. 网关{j}灰度，支付成功率99.{j}%"]
        lines += ["", "## 【O1 支付网关建设】", "", f"- 支付网关建设进度{k}0%", "- 关键指标：支付成功率 99.9%"]
        out.append("\n".join(lines))
    return out


def test_close_project_names_and_pinyin_terms_in_first_seen_order(cache_home, tmp_path):
    folder = _write_reports(tmp_path / "close", _close_name_reports())
    _check(folder, queries=["支付网关八", "支付网管", "zfwg", "zhifu", "wg", "zfcgl", "in:O1 zfwg", "网关九"],
           limits=[1, 2, 3, 6, 0])


def test_names_and_lines_of_replaced_reports_are_not_used(cache_home, tmp_path):
    bodies = _close_name_reports()
    folder = _write_reports(tmp_path / "replaced", bodies)
    cache_mod.load_library_cached([str(folder)], DEFAULT_VOCABULARY)
    # the first report loses its projects: its old lines and names stay in the cache, unused
    first = sorted(folder.glob("*.md"))[0]
    first.write_text("# 2024-W10\n\n## 【其他】\n\n- 网关巡检\n", encoding="utf-8")
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))
    _check(folder, queries=["支付网关八", "zfwg", "网关九", "支付网管"], limits=[1, 3, 0])


def test_cli_json_is_the_same_with_and_without_the_fast_path(cache_home, tmp_path, capsys, monkeypatch):
    folder = _generated(tmp_path, 40)
    for q in ("存管", "贝易转", "贝易砖", "byz", "beiyizhuan", "实时数舱", "in:O2 存管", "week:2024-W23"):
        assert main(["search", q, str(folder), "--json", "--no-cache"]) == 0
        slow = json.loads(capsys.readouterr().out)
        main(["search", q, str(folder), "--json"])  # fills the cache (normal path)
        capsys.readouterr()
        calls = []
        real = fastsearch.search_cached
        monkeypatch.setattr(fastsearch, "search_cached", lambda *a: calls.append(a) or real(*a))
        assert main(["search", q, str(folder), "--json", "--limit", "50"]) == 0
        fast = json.loads(capsys.readouterr().out)
        monkeypatch.setattr(fastsearch, "search_cached", real)
        assert calls, "answered from the cache"
        assert fast == slow, q


def test_text_output_counts_every_match(cache_home, tmp_path, capsys):
    folder = _generated(tmp_path, 30)
    main(["search", "存管", str(folder), "--limit", "5", "--no-cache"])
    slow = capsys.readouterr()
    main(["search", "存管", str(folder), "--limit", "5"])
    capsys.readouterr()
    main(["search", "存管", str(folder), "--limit", "5"])
    fast = capsys.readouterr()
    assert fast.out == slow.out and fast.err == slow.err and "more (use --limit)" in fast.err


def test_a_changed_or_new_file_is_not_answered_from_the_cache(cache_home, tmp_path, capsys):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    main(["search", "存管", str(folder), "--json"])
    capsys.readouterr()
    vkey = cache_mod.vocab_key(DEFAULT_VOCABULARY)
    fastsearch.open_cached([str(folder)], vkey, str(cache_mod.cache_path()))  # fresh: fine
    target = sorted(folder.glob("*.txt"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "\n- 新增一行：独一无二的存管词\n", encoding="utf-8")
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    with pytest.raises(fastsearch._Unavailable):
        fastsearch.open_cached([str(folder)], vkey, str(cache_mod.cache_path()))
    # the normal path answers (and refreshes the cache), so the new line is found either way
    for _ in range(2):
        main(["search", "独一无二", str(folder), "--json"])
        hits = json.loads(capsys.readouterr().out)
        assert [h["text"] for h in hits] == ["新增一行：独一无二的存管词"]
    (folder / "extra.txt").write_text(text, encoding="utf-8")
    with pytest.raises(fastsearch._Unavailable):
        fastsearch.open_cached([str(folder)], vkey, str(cache_mod.cache_path()))


def test_no_cache_and_missing_cache_take_the_normal_path(cache_home, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    assert fastsearch.search_from_cache([str(folder)], DEFAULT_VOCABULARY, "x", 5) is None  # nothing cached yet
    calls = []
    real = fastsearch.search_from_cache
    monkeypatch.setattr(fastsearch, "search_from_cache", lambda *a: calls.append(a) or real(*a))
    assert main(["search", "贝易转", str(folder), "--json", "--no-cache"]) == 0
    assert not calls, "--no-cache never reads the cache"
    assert main(["search", "贝易转", str(folder), "--json"]) == 0
    capsys.readouterr()
    assert fastsearch.search_from_cache([str(folder)], DEFAULT_VOCABULARY, "x", 5) is not None


def test_scan_finds_what_the_loader_scan_finds(tmp_path):
    from tui.index.store import loader
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("a/x.md", "a/b/y.txt", "z.markdown", "Z.MD", ".hidden/h.md", "a/._junk.md", ".dot.md",
                 "notes.pdf"):
        (tmp_path / name).write_text("# 2024-W01\n\n- x\n", encoding="utf-8")
    want = {c.key: (c.size, c.mtime_ns) for c in loader.scan([tmp_path]) if isinstance(c, loader.Candidate)}
    assert fastsearch.scan_files([str(tmp_path)]) == want and len(want) == 4


def test_the_library_of_some_paths_is_remembered_until_a_file_changes(cache_home, tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    paths = [str(folder)]
    cache_mod.load_library_cached(paths, DEFAULT_VOCABULARY)
    vkey, db = cache_mod.vocab_key(DEFAULT_VOCABULARY), str(cache_mod.cache_path())
    first = fastsearch.open_cached(paths, vkey, db)
    again = fastsearch.open_cached(paths, vkey, db)  # from `search_libs`
    assert again.rids == first.rids and again.refs == first.refs
    target = sorted(folder.glob("*.txt"))[-1]
    target.write_text(target.read_text(encoding="utf-8") + "\n- 另一行\n", encoding="utf-8")
    with pytest.raises(fastsearch._Unavailable):
        fastsearch.open_cached(paths, vkey, db)
    cache_mod.load_library_cached(paths, DEFAULT_VOCABULARY)
    assert len(fastsearch.open_cached(paths, vkey, db).rids) == 5


def test_mirrored_cache_constants_agree():
    """The fast path mirrors the cache's identity constants (importing cache.py pulls in the parser)."""
    from tui.index.store import cache

    assert (fastsearch.APP_ID, fastsearch.SCHEMA, fastsearch.FILE_NAME) == (cache.APP_ID, cache.SCHEMA, cache.FILE_NAME)
