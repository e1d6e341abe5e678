"""The two real report series open sensibly (skipped when ../shared is absent)."""

from __future__ import annotations

import json

import pytest

from testpaths import CORPORA
from tui.cli import main

pytestmark = [pytest.mark.slow,  # (the real corpora: in `make test`, not in `make check`)
              pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repo")]


@pytest.mark.parametrize("name", ["plct-weekly", "this-week-in-rust"])
def test_weeks_on_corpus(capsys, name):
    code = main(["weeks", "--json", "--no-cache", str(CORPORA / name)])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    reports = [r for r in rows if not r["path"].endswith("SOURCE.md")]
    assert len(reports) >= 100
    dated = [r for r in reports if r["week"]]
    assert len(dated) / len(reports) > 0.95
    weeks = [r["week"] for r in rows if r["week"]]
    assert weeks == sorted(weeks)


def test_plct_title_dates_win_over_file_names(capsys):
    main(["weeks", "--json", "--no-cache", str(CORPORA / "plct-weekly" / "2020")])
    rows = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["2020-01-20.md"]["week"] == "2020-W03"  # titled 2020/01/13
    assert any("file name" in w for w in rows["2020-01-20.md"]["warnings"])


def test_rust_pelican_metadata(capsys):
    main(["weeks", "--json", "--no-cache", str(CORPORA / "this-week-in-rust")])
    rows = json.loads(capsys.readouterr().out)
    first = rows[0]
    assert first["label"] == "This Week In Rust 1"
    assert first["week"] == "2013-W23"


def test_rust_sections_are_h1_and_h2(capsys):
    from tui.model import load_path

    path = sorted((CORPORA / "this-week-in-rust" / "content").glob("2024-*.md"))[0]
    report = next(iter(load_path(path)))
    keys = [s.key for s in report.sections]
    assert any("CrateoftheWeek" in k for k in keys)
    assert report.title.startswith("This Week in Rust")
