"""Metadata lines at the top of a report (`Title: …`, `Date: …` up to a blank line, as Pelican and
MultiMarkdown write them): one rule decides what is taken for them (`tui.model.frontmatter`), and the
parser, the report view, a team's joined week and search all read them by it — and nothing else."""

from __future__ import annotations

import pytest

from testpaths import DATA
from tui.index.load import load_library
from tui.index.search.engine import SearchIndex
from tui.index.team import team_week
from tui.model.frontmatter import front_matter_end, front_matter_fields, metadata_end
from tui.model.parse import parse_report
from tui.ui.mdlines import build_rows
from tui.ui.render import DEFAULT_PALETTE
from tui.ui.rows import Hidden
from test_mdlines import per_line

FIXTURE = DATA / "metadata_lines.md"
SOURCE = FIXTURE.read_text(encoding="utf-8")
LINES = SOURCE.split("\n")


def ends(text: str) -> int:
    return front_matter_end(text.split("\n"))


@pytest.mark.parametrize("text,end", [
    ("Title: Notes 1\nDate: 2024-03-15\n\nbody", 2),
    ("title: Notes 1\nnumber: 1\ndate: 2024-03-15\ncategory: Notes\n\nbody", 4),  # any case
    ("DATE: 2024-03-15\nTitle: Notes 1\n\nbody", 2),  # Date first
    ("Author: Mira\nDate: 2024-03-15\n\nbody", 2),  # Author first, a Date among them
    ("Authors: Mira, Ola\nTitle: Notes\nX-Custom_2: y\n\nbody", 3),  # keys of letters, digits, - and _
    ("Title: Notes 1\nDate: 2024-03-15", 2),  # the whole text, no blank line after
    ("Title: Notes 1\nSummary:\n\nbody", 2),  # a key with no value
    ("Title: Notes 1\nDate: 2024-03-15\n   \nbody", 2),  # a line of spaces is blank
])
def test_metadata_lines_are_front_matter(text, end):
    assert ends(text) == metadata_end(text.split("\n")) == end


@pytest.mark.parametrize("text", [
    "负责人：张三\n日期：2024-03-15\n\n- 一件事",  # full-width colons, no Title or Date key
    "Status: done\nOwner: Mira\n\n- shipped the thing",  # a status line over a list
    "Status: done\n- shipped the thing\n- and another",
    "Title: Notes 1\n\nbody",  # one key alone
    "Date: 2024-03-15\n\n# Notes",
    "Author: Mira\nStatus: done\n\nbody",  # neither Title nor Date
    "Number: 12\nTitle: Notes\n\nbody",  # the first key is not Title, Date or Author(s)
    "Title: Notes 1\nDate: 2024-03-15\n- an item before the blank line\n\nbody",  # Markdown among them
    "Title: Notes 1\n# Heading\n\nbody",
    "Title: Notes 1\n  continued on an indented line\n\nbody",
    "Title: Notes 1\nsee https://example.com\n\nbody",
    "Title: Notes 1\nDate:2024-03-15\n\nbody",  # no space after the colon: not a key
    "Title of the week: Notes\nDate: 2024-03-15\n\nbody",  # a key with spaces
    "# Notes\nTitle: Notes 1\nDate: 2024-03-15\n\nbody",  # Markdown before them
    "\nTitle: Notes 1\nDate: 2024-03-15\n\nbody",  # not the first line
    " Title: Notes 1\nDate: 2024-03-15\n\nbody",  # not at the margin
    "> Title: Notes 1\n> Date: 2024-03-15\n",
    "Title: Notes 1\n" + "Date: 2024-03-15\n" * 300 + "\nbody",  # no end within the first lines
])
def test_look_alikes_are_the_reports_text(text):
    lines = text.split("\n")
    assert ends(text) == 0
    key = next(line for line in lines if ":" in line or "：" in line).strip(" >").split(" ")[0]
    assert key in " / ".join(per_line(text, 200))  # the key shown as the report's text
    assert front_matter_fields(lines) == {}


def test_the_fields_of_metadata_lines():
    fields = front_matter_fields(LINES)
    assert fields == {"title": "Harbour Notes 12", "number": "12", "date": "2024-03-15", "author": "Mira Okafor",
                      "tags": ["storage", "backups"], "category": "Team Notes"}
    assert front_matter_fields("Status: done\nOwner: Mira\n\nx".split("\n")) == {}


def test_the_model_keeps_the_fields_and_reads_the_body_after_them():
    report = parse_report(SOURCE)
    assert (report.title, report.week, report.author) == ("Harbour Notes 12", "2024-W11", "Mira Okafor")
    assert str(report.created)[:10] == "2024-03-15"
    assert [(s.title, s.line) for s in report.sections] == [("Shipped", 11), ("Next week", 16), ("Notes", 21)]
    items = [it.text for s in [report.root, *report.sections] for it in s.all_items()]
    assert not any(t.startswith(("Number:", "Author:", "Category:", "Tags:")) for t in items)
    # a `Title:` line in a list and a `Date:` paragraph below are the report's text
    assert "Title: a line that only looks like metadata, inside a list" in items
    assert any(t.startswith("Date: this paragraph") for t in items)


def test_a_status_line_over_a_list_stays_in_the_report():
    report = parse_report("Status: done\nOwner: Mira\n\n## Shipped\n\n- the thing\n")
    items = [it.text for s in [report.root, *report.sections] for it in s.all_items()]
    assert "Status: done" in items[0]


def test_the_view_shows_a_header_and_hides_the_other_metadata_lines():
    shown = per_line(SOURCE, 80)
    assert shown[:7] == ["Harbour Notes 12", "2024-03-15 · Mira Okafor · #storage #backups", "", "", "", "", ""]
    assert all(isinstance(r, Hidden) for r in build_rows(LINES, DEFAULT_PALETTE)[2:6])
    assert len(shown) == len(LINES)  # one row object per source line: hits and tree nodes land on their line
    # the body after them reads as Markdown; look-alikes in it are shown as written
    assert shown[8].startswith("Welcome back to the harbour notes, a short letter")
    assert shown[10] == "Shipped" and shown[18] == "• Title: a line that only looks like metadata, inside a list"
    assert shown[23].startswith("Date: this paragraph starts like a metadata line but it is")


def test_a_category_is_shown_when_there_are_no_tags():
    assert per_line("Title: Notes 3\nDate: 2024-03-29\nCategory: Notes\n\nbody") == [
        "Notes 3", "2024-03-29 · #Notes", "", "", "body"]


def test_search_finds_the_title_on_the_first_line(tmp_path):
    (tmp_path / FIXTURE.name).write_text(SOURCE, encoding="utf-8")
    lib = load_library([str(tmp_path)])
    hits = SearchIndex.build(lib.reports).search("Harbour Notes", limit=10).hits
    assert hits and hits[0].kind == "title" and hits[0].line == 1
    # the other metadata lines are no search entries of their own
    assert not SearchIndex.build(lib.reports).search("Category", limit=10).hits


def test_a_teams_joined_week_leaves_the_metadata_lines_out():
    report = parse_report(SOURCE)
    week = team_week([report], report.week)
    assert "Number: 12" not in week.report.text and "Category: Team Notes" not in week.report.text
    assert "Welcome back to the harbour notes" in week.report.text


def test_a_week_of_one_report_is_counted_in_the_singular():
    report = parse_report(SOURCE)
    heading = team_week([report], report.week).report.text.splitlines()[0]
    assert heading.endswith("· 1 report"), heading
    two = team_week([report, parse_report(SOURCE)], report.week).report.text.splitlines()[0]
    assert two.endswith("· 2 reports"), two
