"""The library summary a warm start reads: a changed, deleted or new file, a damaged or foreign summary,
each gives the same week list (and KPIs, warnings, bodies) as reading every report again."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tui.index.library import bundled_seeds
from tui.index.series import kpi_series
from tui.index.store import cache as cache_mod
from tui.index.store import loading
from tui.index.store import summary as summary_mod


@pytest.fixture
def many(tmp_path, monkeypatch):
    """Copies of the seeds under several authors and years, with a summary kept for libraries this small."""
    monkeypatch.setattr(loading, "SUMMARY_MIN", 1)
    d = tmp_path / "many"
    for k in range(8):
        shutil.copytree(bundled_seeds(), d / f"author{k % 4}" / str(2020 + k // 4))
    (d / "author0" / "2020" / "not-a-report.md").write_bytes(b"\xff\xfe\x00\x00" * 4)  # a problem, stored too
    return d


def weeks(lib):
    """The week list as a user sees it, with each report's KPIs, warnings and a look at its body."""
    return [(r.source.display, r.author, r.week, r.start, r.end, r.period, r.label, r.title, r.created,
             [(k.name, k.value, k.unit, k.raw, k.line, k.section) for k in r.kpis],
             [(w.level, w.message, w.line) for w in r.warnings], r.text[:40]) for r in lib.reports] + \
        [(f.source.display, f.message) for f in lib.problems]


def series(lib):
    return [(s.name, s.direction, s.values, [r.source for r in s.reports], s.unit) for s in kpi_series(lib)]


def fresh(path):
    return loading.load_library_cached([str(path)], use_cache=False)


def from_summary(lib):
    return all(isinstance(r, summary_mod.SummaryReport) for r in lib.reports)


def test_an_unchanged_library_comes_from_its_summary(cache_home, many):
    cold = loading.load_library_cached([str(many)])
    warm = loading.load_library_cached([str(many)])
    assert not from_summary(cold) and from_summary(warm)
    assert len(warm.reports) == 40 and warm.problems
    assert weeks(warm) == weeks(cold) == weeks(fresh(many))
    assert series(warm) == series(fresh(many))


def test_a_changed_file_shows_its_new_week(cache_home, many):
    loading.load_library_cached([str(many)])
    f = sorted(many.rglob("*.txt"))[3]
    text = f.read_text(encoding="utf-8")
    f.write_text("# 2019-W07\n" + text.split("\n", 1)[1] + "\n补充一行。\n", encoding="utf-8")
    again = loading.load_library_cached([str(many)])
    assert any(r.source.path == str(f) and r.label == "2019-W07" for r in again.reports)
    assert weeks(again) == weeks(fresh(many))
    assert series(again) == series(fresh(many))
    third = loading.load_library_cached([str(many)])  # the summary written after the change
    assert from_summary(third) and weeks(third) == weeks(fresh(many))


def test_a_deleted_file_leaves_the_week_list(cache_home, many):
    loading.load_library_cached([str(many)])
    gone = sorted(many.rglob("*.txt"))[5]
    gone.unlink()
    again = loading.load_library_cached([str(many)])
    assert all(r.source.path != str(gone) for r in again.reports)
    assert weeks(again) == weeks(fresh(many))
    assert weeks(loading.load_library_cached([str(many)])) == weeks(fresh(many))


def test_a_new_file_joins_the_week_list(cache_home, many):
    loading.load_library_cached([str(many)])
    new = many / "author9" / "2031-W05.md"
    new.parent.mkdir()
    new.write_text("# 周报 2031-W05\n\n## 本周工作\n- 新的一周\n", encoding="utf-8")
    again = loading.load_library_cached([str(many)])
    assert any(r.source.path == str(new) and r.week == "2031-W05" for r in again.reports)
    assert weeks(again) == weeks(fresh(many))


def test_a_problem_file_fixed_becomes_a_report(cache_home, many):
    loading.load_library_cached([str(many)])
    bad = many / "author0" / "2020" / "not-a-report.md"
    bad.write_text("# 周报 2030-W02\n\n- 修好了\n", encoding="utf-8")
    again = loading.load_library_cached([str(many)])
    assert any(r.source.path == str(bad) for r in again.reports)
    assert weeks(again) == weeks(fresh(many))


@pytest.mark.parametrize("damage", ["byte", "checksum", "layout", "types", "range"])
def test_a_damaged_summary_is_never_shown(cache_home, many, damage):
    loading.load_library_cached([str(many)])
    with sqlite3.connect(cache_mod.cache_path()) as c:
        data, crc = c.execute("SELECT data, sum FROM summaries").fetchone()
        if damage == "byte":  # a character inside a stored name changed: caught by the CRC
            i = data.index(b"author1")
            data = data[:i] + b"author7" + data[i + 7:]
        elif damage == "checksum":
            crc ^= 1
        else:  # with a matching checksum (someone else wrote the file): caught by the checks
            head = summary_mod._HEAD
            if damage == "layout":
                data = data[:head.size + 8]  # cut short
            elif damage == "types":
                data = data[:-3] + b"\xff\xfe\xfd"  # texts that are no UTF-8
            else:  # the first report's title: a text past the end of the table
                from array import array
                n = summary_mod.Summary(data).n
                before = [code for name, code in summary_mod._SECTIONS[:summary_mod._ALL.index("title")]]
                at = head.size + n * sum(array(code).itemsize for code in before)
                data = data[:at] + (10 ** 6).to_bytes(4, "little") + data[at + 4:]
            crc = summary_mod.checksum(data)
        c.execute("UPDATE summaries SET data = ?, sum = ?", (data, crc))
    notice = loading.CacheNotice()
    again = loading.load_library_cached([str(many)], notice=notice)
    assert not from_summary(again)
    assert weeks(again) == weeks(fresh(many))
    assert series(again) == series(fresh(many))
    assert from_summary(loading.load_library_cached([str(many)])), "a sound summary is written again"


def test_other_author_aliases_are_another_summary(cache_home, many):
    from tui.model.vocab import Vocabulary

    loading.load_library_cached([str(many)])
    vocab = Vocabulary(author_aliases={"Someone": ["author1"]})
    lib = loading.load_library_cached([str(many)], vocab=vocab)
    plain = loading.load_library_cached([str(many)], vocab=vocab, use_cache=False)
    assert [r.author for r in lib.reports] == [r.author for r in plain.reports]


def test_the_stored_series_and_rows_are_handed_on_with_the_library(cache_home, many, monkeypatch):
    loading.load_library_cached([str(many)])
    warm = loading.load_library_cached([str(many)])
    assert warm.stored is not None and fresh(many).stored is None
    # The whole library's series are the stored columns; one author's part is computed from the columns.
    assert warm.stored.series(warm.reports) is not None
    read: list = []
    real = summary_mod.Summary.series
    monkeypatch.setattr(summary_mod.Summary, "series", lambda self, rs: read.append(1) or real(self, rs))
    assert series(warm) == series(fresh(many)) and read == [1]
    mine = warm.by_author("author1")  # (one author's part: from the columns too, no KPI made per report)
    made: list = []
    real_kpis = summary_mod.Summary.kpis
    monkeypatch.setattr(summary_mod.Summary, "kpis", lambda self, i: made.append(i) or real_kpis(self, i))
    assert warm.stored.series(mine) is not None and made == []
    assert warm.stored.series(fresh(many).reports) is None  # (not this summary's reports)
    assert [(s.name, s.values) for s in kpi_series(warm, mine)] == \
        [(s.name, s.values) for s in kpi_series(fresh(many), fresh(many).by_author("author1"))]
    # Every report read from the cache has its row; a report of another library has none.
    assert all(warm.stored.row(r) == (str(cache_mod.cache_path()), warm.stored.row(r)[1]) for r in warm.reports)
    assert warm.stored.row(fresh(many).reports[0]) is None


def test_search_reads_the_records_of_cached_reports_without_their_bodies(cache_home, many, monkeypatch):
    from tui.index.workspace import Workspace

    loading.load_library_cached([str(many)])
    warm = loading.load_library_cached([str(many)])
    bodies: list = []
    real = cache_mod.ParseCache.body
    monkeypatch.setattr(cache_mod.ParseCache, "body", lambda self, *a: bodies.append(a) or real(self, *a))
    got = Workspace(warm).search("lianjia")
    want = Workspace(fresh(many)).search("lianjia")
    assert got.total == want.total > 0
    assert [h.report.source for h in got.hits] == [h.report.source for h in want.hits]
    assert bodies == []


def test_the_library_as_stored_is_shown_then_checked(cache_home, many):
    from tui.model.vocab import DEFAULT_VOCABULARY

    loading.load_library_cached([str(many)])
    cache = loading.open_cache(loading.CacheNotice())
    shown = loading.stored_library([str(many)], DEFAULT_VOCABULARY, cache)
    assert from_summary(shown) and weeks(shown) == weeks(fresh(many))
    assert series(shown) == series(fresh(many))
    assert loading.load_library_cached([str(many)], cache=cache, shown=shown) is shown  # (nothing changed)
    f = sorted(many.rglob("*.txt"))[1]
    f.write_text("# 2018-W03\n\n- 改过\n", encoding="utf-8")
    checked = loading.load_library_cached([str(many)], cache=cache, shown=shown)
    assert checked is not shown and weeks(checked) == weeks(fresh(many))


def test_a_value_the_summary_cannot_hold_is_refused(many):
    lib = fresh(many)
    entries = [summary_mod.Entry(r.source.path, "", 1, 1, None, r.author) for r in lib.reports]
    back = summary_mod.decode(data := summary_mod.encode(lib.reports, entries, []), summary_mod.checksum(data))
    assert [r.title for r in back.reports(range(back.n), back.sources(), None, True)] == [r.title for r in lib.reports]
    lib.reports[0].title = "a \x00 in a title"  # (the texts are split at NULs)
    with pytest.raises(ValueError):
        summary_mod.encode(lib.reports, entries, [])


def test_a_warm_library_makes_only_the_reports_it_is_asked_for(cache_home, many):
    """The week list's authors, weeks and one author's reports come from the summary's columns; a report
    is made when first read (and stays the same object), in the order and with the authors of a fresh read."""
    loading.load_library_cached([str(many)])
    warm = loading.load_library_cached([str(many)])
    plain = fresh(many)
    made = warm.reports._made
    assert warm.authors() == plain.authors() and warm.weeks() == plain.weeks()
    assert sum(r is not None for r in made) == 0, "authors and weeks made no report"
    newest = warm.newest()
    assert newest is warm.reports[len(warm.reports) - 1 - list(reversed(plain.reports)).index(plain.newest())]
    assert 0 < sum(r is not None for r in made) < len(made)
    who = plain.reports[0].author
    mine = warm.by_author(who)
    assert [r.source for r in mine] == [r.source for r in plain.by_author(who)] and mine
    assert all(r is warm.reports[warm.reports.position(r)] for r in mine)
    assert warm.by_author("nobody") == [] == plain.by_author("nobody")
    assert [r.source for r in warm.by_author(None)] == [r.source for r in plain.by_author(None)]
    assert warm.reports[-1] is warm.reports[len(warm.reports) - 1]
    assert [r.source for r in warm.reports[1:3]] == [r.source for r in plain.reports[1:3]]
    assert [r.source for r in warm.reports] == [r.source for r in plain.reports]
    assert warm.reports.position(plain.reports[0]) is None


def test_a_warm_series_finds_its_reports_without_making_the_rest(cache_home, many):
    loading.load_library_cached([str(many)])
    warm = loading.load_library_cached([str(many)])
    made = warm.reports._made
    ss = kpi_series(warm)
    assert ss and sum(r is not None for r in made) == 0, "the series made no report"
    s = max(ss, key=len)
    last = s.reports[-1]
    assert s.index_of(last) == len(s) - 1 and s.value_at(last) == s.values[-1]
    undated = [r for r in warm.reports if r.week is None]
    assert all(s.index_of(r) is None for r in undated)
    plain = {x.name: x for x in kpi_series(fresh(many))}[s.name]
    assert [plain.index_of(r) for r in plain.reports] == [s.index_of(r) for r in s.reports] == list(range(len(s)))
