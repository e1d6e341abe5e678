"""Search: ranking tiers, spans, filters, typo tolerance, pinyin, and `reports-tui search --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.index.library import load_library
from tui.index.search.pinyin import is_pinyin_query, match
from tui.index.search.engine import SearchIndex, parse_query, search

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def lib():
    return load_library([str(SEEDS)])


@pytest.fixture(scope="module")
def index(lib):
    return SearchIndex(lib.reports)


def weeks(hits):
    return [h.report.week for h in hits]


def test_project_headings_of_each_week_rank_first(index):
    hits = index.search("贝易转", limit=20).hits
    assert weeks(hits[:3]) == ["2024-W17", "2024-W23", "2024-W29"]
    assert all(h.project == "贝易转" and h.tier == "exact" and h.score == 100 for h in hits[:3])
    # then every other line that mentions it, in week order
    rest = hits[3:]
    assert rest and all(h.score < 100 for h in rest)
    assert [h.order for h in rest] == sorted(h.order for h in rest)
    assert any(h.project != "贝易转" for h in rest)


def test_spans_cover_the_match_in_the_original_text(index):
    for h in index.search("贝易转").hits:
        assert h.spans
        for a, b in h.spans:
            assert h.text[a:b] == "贝易转"


def test_spans_of_every_word_and_case_insensitive(index):
    hits = index.search("pos 押金").hits
    assert hits
    h = hits[0]
    marked = " ".join(h.text[a:b] for a, b in h.spans)
    assert "POS" in marked and "押金" in marked


def test_exact_before_fuzzy_before_pinyin(index):
    # "实时数仓" exact lines; the same name typed with a typo is fuzzy; pinyin is last
    exact = index.search("实时数仓").hits
    assert {h.tier for h in exact} == {"exact"}
    fuzzy = index.search("实时数舱").hits
    assert fuzzy and fuzzy[0].tier == "fuzzy" and max(h.score for h in fuzzy) < min(h.score for h in exact)
    pin = index.search("shishishucang").hits
    assert pin and {h.tier for h in pin} == {"pinyin"}
    assert max(h.score for h in pin) < min(h.score for h in fuzzy)
    # a query that is both a substring and pinyin: the substring hits come first
    mixed = index.search("pos", limit=100).hits
    tiers = [h.tier for h in mixed]
    assert tiers[0] == "exact" and tiers == sorted(tiers, key=["exact", "fuzzy", "pinyin"].index)


@pytest.mark.parametrize("typo", ["贝易砖", "贝亿转", "被易转", "贝易专"])
def test_one_typo_in_three_characters_still_finds_the_project(index, typo):
    hits = index.search(typo).hits
    assert weeks(hits[:3]) == ["2024-W17", "2024-W23", "2024-W29"]
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
    assert weeks(heads) == ["2024-W17", "2024-W23", "2024-W29"]
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


def test_filter_kpi_lists_kpi_lines(index):
    hits = index.search("kpi:入金", limit=100).hits
    assert weeks(hits) == ["2023-W46", "2023-W52", "2024-W17", "2024-W23", "2024-W29"]
    assert all("入金有效成功率" in h.text for h in hits)
    assert index.search("kpi:可用性 99.998").hits[0].report.week == "2023-W46"


def test_filters_only_and_nothing(index):
    assert index.search("").hits == []
    assert index.search("no-such-thing-here").hits == []
    assert index.search("in:O4", limit=100).hits


def test_parse_query():
    q = parse_query("in:O2 week:2024-W20..2024-W29 kpi: 实时 数仓")
    assert q.sections == ["O2"] and q.weeks == [("2024-W20", "2024-W29")] and q.kpis == [""]
    assert q.words == ["实时", "数仓"]


def test_markup_like_text_is_just_text(tmp_path):
    (tmp_path / "r.md").write_text("# 2024-W10\n\n## 【其他】\n\n- [bold]贝易转[/] \x1b[2J done\n", encoding="utf-8")
    lib = load_library([str(tmp_path)])
    hits = search(lib, "贝易转").hits
    assert hits and "[bold]" in hits[0].text


def test_cli_json_shape_and_order(capsys):
    assert main(["search", "贝易转", str(SEEDS), "--json", "--no-cache", "--limit", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 5
    assert [d["week"] for d in data[:3]] == ["2024-W17", "2024-W23", "2024-W29"]
    for d in data:
        assert set(d) == {"path", "week", "label", "section", "project", "text", "line", "score", "spans"}
        a, b = d["spans"][0]
        assert d["text"][a:b] == "贝易转"
    assert data[0]["label"] == "2024-W18" and data[0]["line"] == 10 and data[0]["section"] == "重点工作"
    scores = [d["score"] for d in data]
    assert scores == sorted(scores, reverse=True)


def test_cli_json_pinyin(capsys):
    assert main(["search", "byz", str(SEEDS), "--json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["week"] for d in data[:3]] == ["2024-W17", "2024-W23", "2024-W29"]
    assert all(d["project"].startswith("贝易转") for d in data[:3])


def test_cli_plain_output(capsys):
    assert main(["search", "实时数仓", str(SEEDS), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "2024-W17" in out and "实时数仓，整体进度80%。" in out and "\x1b[" not in out


def test_cli_plain_output_colours_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["search", "实时数仓", str(SEEDS), "--no-cache"]) == 0
    assert "\x1b[33;1m实时数仓\x1b[0m" in capsys.readouterr().out


def test_search_does_not_import_textual_or_pypinyin_until_needed():
    import subprocess
    import sys

    code = ("import sys; from tui.index.search.engine import search; from tui.index.library import load_library;"
            f"lib = load_library([{str(SEEDS)!r}]); search(lib, '贝易转');"
            "assert 'textual' not in sys.modules and 'rich' not in sys.modules;"
            "assert 'pypinyin' not in sys.modules; search(lib, 'byz'); assert 'pypinyin' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


QUERIES = ["贝易转", "上线", "上", "pos", "pos 押金", "贝易砖", "实时数舱", "byz", "shishishucang", "in:O2 进度",
           "week:2024-W20..2024-W29 存管", "kpi:成功率", "week:第", "in:O4"]


def keys(result):
    return [(h.order, h.line, h.tier, round(h.score, 2), h.spans) for h in result.hits]


@pytest.mark.parametrize("q", QUERIES)
def test_a_limit_shows_the_best_hits_of_the_full_list(index, q):
    # every tier stops at the limit; what it shows must be the head of the complete ranking
    full = keys(index.search(q, limit=0))
    for k in (1, 3, 10):
        assert keys(index.search(q, limit=k)) == full[:k]


@pytest.mark.parametrize("q", ["贝易转", "上线", "实时数舱", "byz"])
def test_total_counts_every_match_without_filters(index, q):
    # (a tier that is not needed to fill the limit is not counted: `pos` as pinyin after 13 exact lines)
    assert len(index.search(q, limit=0).hits) == index.search(q, limit=2).total


def test_a_word_later_in_a_project_heading_line_is_no_heading_match(index):
    # `- 定转X，光大备份通道研发，计划11/23上线 。` heads project 定转X: found for 上线, but as an ordinary line
    hits = index.search("上线", limit=0).hits
    line = next(h for h in hits if h.project_name == "定转X")
    assert line.score < 100 and all(h.score == 100 for h in hits if h.kind == "section")
    assert index.search("定转", limit=1).hits[0].project_name == "定转X"


@pytest.mark.parametrize("q", QUERIES)
def test_walking_strategies_agree(index, q, monkeypatch):
    import tui.index.search.engine as s

    expected = keys(index.search(q, limit=20))
    monkeypatch.setattr(s, "SCAN_TEXTS", 0)  # scan entries in order rather than merging postings
    monkeypatch.setattr(s, "SCAN_DENSITY", 10**9)
    assert keys(index.search(q, limit=20)) == expected
    monkeypatch.undo()
    monkeypatch.setattr(s, "MAX_SPANS", 0)  # week filters as a per-report mask
    assert keys(index.search(q, limit=20)) == expected


# ── large libraries: the index from the parse cache's records, the screen while it builds ──────


@pytest.fixture
def cached_seeds(tmp_path, monkeypatch):
    """The seeds loaded from a fresh parse cache, bodies on demand (as a large library is)."""
    from tui.index.store.cache import load_library_cached

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    load_library_cached([str(SEEDS)], lazy=True)  # parse and store
    return load_library_cached([str(SEEDS)], lazy=True)


QUERIES = ["贝易转", "贝易砖", "实时数仓", "byz", "in:O2 进度", "kpi:成功率", "week:2024-W20..2024-W29 存管", "POS"]


def _rows(result):
    return [(h.report.source.display, h.line, h.text, h.section, h.project_name, h.score, h.spans, h.tier, h.kind,
             h.order) for h in result.hits], result.total, result.capped


def test_index_of_a_cached_library_reads_records_not_bodies(cached_seeds, lib, monkeypatch):
    import tui.index.search.engine as s

    plain = SearchIndex(lib.reports)

    def no_body(report):
        raise AssertionError("a report body was read")

    monkeypatch.setattr(s, "doc_record", no_body)
    from tui.index.workspace import Workspace

    index = Workspace(cached_seeds).search_index()
    for q in QUERIES:
        assert _rows(index.search(q, limit=50)) == _rows(plain.search(q, limit=50)), q
    assert len(index.entries) == len(plain.entries)
    e, p = index.entries[3], plain.entries[3]
    assert (e.line, e.text, e.section, e.chain, e.project, e.kind) == (p.line, p.text, p.section, p.chain, p.project,
                                                                      p.kind)


async def test_search_screen_answers_from_the_cache_while_the_index_builds(cached_seeds, lib, monkeypatch):
    import threading

    from textual.app import App

    import tui.index.search.engine as s
    import tui.ui.screens.search as screen_mod
    from tui.index.workspace import Workspace

    gate = threading.Event()
    real = s.library_records

    def slow(reports, stored_row=None):
        gate.wait(20)
        yield from real(reports, stored_row)

    monkeypatch.setattr(s, "library_records", slow)
    monkeypatch.setattr(screen_mod, "BACKGROUND_MIN", 1)

    class Host(App):
        library = cached_seeds

        def on_mount(self) -> None:
            self.push_screen(screen_mod.SearchScreen(Workspace(cached_seeds)))

        def open_report(self, report, line=None) -> None:
            pass

    want = _rows(SearchIndex(lib.reports).search("贝易转", limit=screen_mod.LIMIT))
    app = Host()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            status = screen.query_one("#search-status")
            assert "indexing" in str(status.render())
            await pilot.press(*"贝易转")
            for _ in range(100):
                await pilot.pause(0.05)
                if screen.result is not None and screen.result.query.raw == "贝易转":
                    break
            assert screen._interim and _rows(screen.result) == want
            assert all(any(h.report is r for r in cached_seeds.reports) for h in screen.result.hits)
            assert "from the cache" in str(status.render())
            gate.set()
            for _ in range(100):
                await pilot.pause(0.05)
                if not screen._interim and screen.result is not None:
                    break
            assert not screen._interim and _rows(screen.result) == want
            assert "from the cache" not in str(status.render())
    finally:
        gate.set()
