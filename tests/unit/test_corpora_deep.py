"""The real report series through the model, search and compare (skipped without ../shared; the app on
them: tests/ui/test_corpora_app.py);
and `reports-tui lint` reporting every kind of finding the model records."""

from __future__ import annotations

import json

import pytest

from testpaths import CORPORA
from tui.cli import main

pytestmark = pytest.mark.slow  # (the real corpora: in `make test`, not in `make check`)

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")


@pytest.fixture(scope="module")
def libraries():
    from tui.index.load import load_library

    return {name: load_library([str(CORPORA / name)]) for name in ("plct-weekly", "this-week-in-rust")}


@pytest.fixture(scope="module")
def indexes(libraries):
    """Each corpus's search index, built once (~2.5 s for this-week-in-rust) for every query on it, as the
    app's one index answers each query typed."""
    from tui.index.search.engine import build_index

    return {name: build_index(lib) for name, lib in libraries.items()}


@needs_corpora
@pytest.mark.parametrize("name", ["plct-weekly", "this-week-in-rust"])
def test_every_report_gets_a_sensible_week(libraries, name):
    lib = libraries[name]
    assert not lib.problems
    for r in lib.reports:
        if r.source.name == "SOURCE.md":
            assert r.week is None
            continue
        assert r.week is not None, r.source.display
        year = int(r.week[:4])
        assert 2013 <= year <= 2026
        from tui.model.weeks import iso_week

        if r.period == "week":
            assert (r.end - r.start).days == 6 and r.start.weekday() == 0
        else:  # a stated period (the monthly issues): filed under the week of its start
            assert r.period in ("range", "month", "quarter") and r.start < r.end and iso_week(r.start) == r.week
        # the date in the file name is within a week of the report's week (Pelican Date: or title date)
        from tui.model.weeks import find_dates

        dates = find_dates(r.source.name)
        if dates:
            assert abs((dates[0].value - r.start).days) <= 13, (r.source.name, r.week)


@needs_corpora
def test_plct_issue_titles_and_sections(libraries):
    lib = libraries["plct-weekly"]
    issues = [r for r in lib.reports if "第" in r.label and "期" in r.label]
    assert issues, "PLCT 开源进展·第N期 reports"
    for r in issues:
        assert r.week and r.sections
        assert r.root.title == r.title
        # headings form a tree: every child is deeper than its parent
        for s in r.sections:
            for c in s.children:
                assert c.level > s.level


@needs_corpora
def test_rust_sections_and_items(libraries):
    lib = libraries["this-week-in-rust"]
    recent = [r for r in lib.reports if r.week and r.week >= "2024-W01"]
    assert len(recent) > 20
    for r in recent:
        titles = {s.title for s in r.sections}
        assert any("Crate of the Week" in t for t in titles), r.source.name
        assert sum(1 for s in r.sections for _ in s.all_items()) > 20


@needs_corpora
@pytest.mark.parametrize("name,query", [("plct-weekly", "RISC-V"), ("plct-weekly", "工具链"),
                                        ("this-week-in-rust", "async"), ("this-week-in-rust", "Crate of the Week")])
def test_search_finds_and_lines_point_at_the_text(indexes, name, query):
    result = indexes[name].search(query, limit=50)
    assert result.hits
    for h in result.hits[:20]:
        line = h.report.text.splitlines()[h.line - 1]
        if h.tier == "exact":  # every word of the query is on the line the hit points at
            assert all(w.casefold() in line.casefold() for w in query.split()), (query, line)


@needs_corpora
@pytest.mark.parametrize("name", ["plct-weekly", "this-week-in-rust"])
def test_compare_consecutive_weeks(libraries, name):
    from tui.index.compare import compare

    lib = libraries[name]
    dated = [r for r in lib.reports if r.week]
    for a, b in zip(dated[-4:], dated[-3:]):
        result = compare(lib, a, b)
        assert (result.a, result.b) == (a, b)
        # every section and every item of both weeks is in exactly one row, on its own side
        for side, report in (("a", a), ("b", b)):
            assert sorted(id(getattr(s, side)) for s in result.sections if getattr(s, side) is not None) \
                == sorted(id(s) for s in report.sections)
            for s in result.sections:
                sec = getattr(s, side)
                rows = [getattr(i, side) for i in s.items if getattr(i, side) is not None]
                assert sorted(id(i) for i in rows) == sorted(id(i) for i in (sec.items if sec is not None else []))
        # consecutive issues of one series share their recurring sections, and differ in their items
        paired = [s for s in result.sections if s.a is not None and s.b is not None]
        assert len(paired) >= min(3, len(a.sections), len(b.sections)), [s.key for s in result.sections]
        counts = result.counts()
        items_a, items_b = (sum(len(s.items) for s in r.sections) for r in (a, b))
        assert counts["same"] + counts["changed"] + counts["removed"] == items_a
        assert counts["same"] + counts["changed"] + counts["added"] == items_b
        if items_a >= 20 and items_b >= 20:  # (a stub issue has no items: everything was removed)
            assert counts["same"] + counts["changed"] > 0 and counts["added"] > 0 and counts["removed"] > 0, counts
        for s in result.sections:
            for i in s.items:
                assert i.status != "same" or i.a_text == i.b_text
        assert result.swapped().counts() == {**counts, "added": counts["removed"], "removed": counts["added"]}


# ── lint: every kind of finding ─────────────────────────────────────────────────────────────────


def test_lint_reports_every_kind_of_finding(tmp_path, capsys):
    (tmp_path / "a.md").write_text("# 2024-W20 周报\n\n- x\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 2024-W20 又一份\n\n- y\n", encoding="utf-8")  # duplicate week
    (tmp_path / "2024-05-27 周报.md").write_text(  # label names W20, Created says W22
        "# 2024-W20 标签\n\nCreated: 2024年5月29日 10:00\n\n- z\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# 随手记\n\n- 没有日期\n", encoding="utf-8")  # undated
    (tmp_path / "bin.md").write_bytes(b"\x00\x01binary" * 20)  # unreadable
    code = main(["lint", "--json", "--no-cache", str(tmp_path)])
    rows = json.loads(capsys.readouterr().out)
    assert code == 1  # a problem
    assert {r["level"] for r in rows} == {"problem", "warning"}
    text = "\n".join(f"{r['path']} {r['level']} {r['message']}" for r in rows)
    assert any(r["level"] == "problem" and r["path"].endswith("bin.md") for r in rows), text
    assert any("undated" in r["message"] and r["path"].endswith("notes.md") for r in rows), text
    assert any("reports for 2024-W20" in r["message"] for r in rows), text
    assert any(r["path"].endswith("2024-05-27 周报.md") and "but" in r["message"] for r in rows), text
    for r in rows:  # (a finding about several reports also names them all in `paths`)
        assert set(r) == {"path", "author", "level", "message", "line"} | ({"paths"} if "reports for" in r["message"] else set())


def test_lint_plain_output_has_no_control_characters(tmp_path, capsys):
    (tmp_path / "\x1b]0;pwned\x07x.md").write_text("- 没有日期\n", encoding="utf-8")
    main(["lint", "--no-cache", str(tmp_path)])
    out = capsys.readouterr()
    assert "undated" in out.out
    assert "\x1b" not in out.out and "\x07" not in out.out
