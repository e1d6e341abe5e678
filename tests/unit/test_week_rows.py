"""What a week list row says, without Textual: a long prefix shared with the rows beside it gives way to
`…` so the part that differs shows (cut at character boundaries, CJK widths counted), the second line says
only what the first does not, and undated rows say what tells them apart."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.model.report import Finding, Report, SourceRef
from tui.ui.week_rows import REACH, ELLIPSIS, common_prefix, labels_beside, shared_cut, shorten_shared, week_prompt

ACME = [f"Acme Monthly Update ({m} 2020)" for m in ("September", "October", "November")]
ISSUES = [f"山海技术爱好者周刊（第 {n} 期）" for n in (406, 407, 408)]
STAMP = dt.datetime(2026, 8, 8, 9, 30).timestamp()


def report(label: str, path: str = "/r/a.md", start: dt.date | None = None, period: str = "week",
           week: str | None = None, mtime: float = STAMP, warned: bool = False) -> Report:
    end = None
    if start is not None:
        end = start + dt.timedelta(days=6) if period == "week" else start + dt.timedelta(days=13)
        year, number, _ = start.isocalendar()
        week = week or f"{year}-W{number:02d}"
    r = Report(source=SourceRef(path), text="", title=label, label=label, week=week, start=start, end=end,
               period=period if start else None, mtime=mtime)
    if warned:
        r.warnings.append(Finding("warning", "something odd", 1))
    return r


def lines(r: Report, width: int | None = 24, above: Report | None = None, below: Report | None = None,
          **kwargs) -> list[str]:
    return week_prompt(r, width=width, above=above, below=below, **kwargs).plain.split("\n")


# ── the shared prefix ────────────────────────────────────────────────────────────────────────────────


def test_a_long_english_title_shows_its_month():
    assert shorten_shared(ACME[1], 24, ACME[0], ACME[2]) == "…(October 2020)"
    assert shorten_shared(ACME[0], 24, None, ACME[1]) == "…(September 2020)"  # the first row: one neighbour


def test_a_numbered_chinese_issue_shows_its_number_with_its_word():
    assert shorten_shared(ISSUES[1], 24, ISSUES[0], ISSUES[2]) == "…（第 407 期）"
    # no spaces and no brackets: cut between two CJK characters, never between 第 and its number
    assert shorten_shared("山海技术周刊第407期", 10, "山海技术周刊第406期", None) == "…第407期"
    assert shorten_shared("PLCT 开源进展·第 75 期·2025 年 10 月汇总", 20, "PLCT 开源进展·第 76 期·2025 年 11 月汇总") \
        == "…第 75 期·2025 年 10 月汇总"


def test_a_number_keeps_the_word_it_counts_and_a_date_stands_alone():
    assert shorten_shared("This Week in Rust 407", 12, "This Week in Rust 408") == "…Rust 407"
    assert shorten_shared("Weekly digest issue 41", 12, "Weekly digest issue 42") == "…issue 41"
    assert shorten_shared("RISC-V工具链进展 2019/11/18", 20, "RISC-V工具链进展 2019/11/25") == "…2019/11/18"


def test_a_label_that_fits_is_whole():
    assert shorten_shared(ACME[1], 40, ACME[0], ACME[2]) == ACME[1]
    assert shorten_shared(ISSUES[1], cell_len(ISSUES[1]), ISSUES[0]) == ISSUES[1]


def test_a_short_shared_prefix_is_kept():
    # `周报 ` is 5 cells: a `…` would save next to nothing
    assert shared_cut("周报 2024.04.29-2024.05.05", "周报 2024.05.06-2024.05.12") == 0
    assert shared_cut("周报 2024-W23", "周报 2024-W24") == 0  # (and never inside `2024-W23`)
    assert shared_cut("Alpha", "Beta") == 0


def test_neighbours_with_the_same_label_tell_nothing_apart():
    same = "周报 2024.06.03-2024.06.09 第二十三周"
    assert shared_cut(same, same, same) == 0  # (a team's rows: the authors tell them apart)
    assert shorten_shared("Weekly report of the platform team", 10, "Weekly report of the platform team, part 2") \
        == "Weekly report of the platform team"
    # the other neighbour still counts
    assert shorten_shared(ACME[1], 20, ACME[1], ACME[2]) == "…(October 2020)"


def test_the_longer_shared_prefix_of_the_two_neighbours_is_cut():
    label = "Quarterly platform review: storage tier"
    assert shorten_shared(label, 20, "Quarterly platform review: network tier", "Quarterly platform notes") \
        == "…storage tier"


def test_letter_case_does_not_part_a_prefix():
    assert common_prefix("This Week In Rust 2", "This Week in Rust 3") == len("This Week in Rust ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="周刊第期（）(): ·-/0123456789abAB山海技術", min_size=0, max_size=40),
                min_size=3, max_size=3),
       st.integers(min_value=2, max_value=60))
def test_shortening_keeps_a_suffix_and_cuts_only_what_a_neighbour_shares(labels, room):
    above, label, below = labels
    shown = shorten_shared(label, room, above, below)
    if shown == label:
        return
    assert shown.startswith(ELLIPSIS)
    kept = shown[1:]
    assert label.endswith(kept) and kept and not kept[0].isspace()
    cut = len(label) - len(kept)
    assert cell_len(label[:cut]) >= 8
    assert any(other and common_prefix(label, other) >= cut for other in (above, below))
    assert not (kept[0].isdigit() and label[cut - 1].isdigit())  # never inside a number


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="周刊第期（）(): ·0123456789abAB山海Ｗ😀", min_size=1, max_size=60),
       st.integers(min_value=2, max_value=70), st.booleans(), st.booleans())
def test_every_line_fits_its_width_in_cells(label, width, marked, team):
    r = report(label, start=dt.date(2024, 6, 3), warned=True)
    r.author = "欧阳娜娜" if team else None
    neighbour = report(label[: len(label) // 2] + "其他")
    for line in lines(r, width, neighbour, neighbour, marked=marked, author=team):
        assert cell_len(line) <= width, (line, width)


def test_the_marks_show_when_the_label_is_cut():
    r = report(ISSUES[1] * 3, warned=True)
    first = lines(r, 24, marked=True)[0]
    assert first.endswith(" ⚠ ●") and cell_len(first) <= 24 and "…" in first


# ── the second line ──────────────────────────────────────────────────────────────────────────────────


def test_the_week_is_said_once():
    r = report("2024-W23", start=dt.date(2024, 6, 3))
    assert lines(r) == ["2024-W23", "06-03–06-09"]
    r = report("周报 2024-w23 平台组", start=dt.date(2024, 6, 3))
    assert lines(r)[1] == "06-03–06-09"  # (letter case aside)
    r = report("第46周 2023-11-13", start=dt.date(2023, 11, 13))
    assert lines(r)[1] == "2023-W46"  # the first day is in the label: the week only
    r = report("周报 2024.04.29-2024.05.05", start=dt.date(2024, 4, 29), period="range")
    assert lines(r, 40)[1] == "2024-W18"
    r = report("Platform notes", start=dt.date(2024, 6, 3))
    assert lines(r)[1] == "2024-W23  06-03–06-09"


def test_a_week_cut_off_the_first_line_is_said_on_the_second():
    r = report("Weekly report of the platform team 2024-W23", start=dt.date(2024, 6, 3))
    first, second = lines(r, 24)
    assert "2024-W23" not in first and second == "2024-W23  06-03–06-09"
    first, second = lines(r, 60)
    assert "2024-W23" in first and second == "06-03–06-09"


def test_a_period_that_is_not_a_week_shows_its_period():
    r = report("Acme Monthly Update (October 2020)", start=dt.date(2020, 10, 1), period="month", week="2020-W40")
    r.end = dt.date(2020, 10, 31)
    assert lines(r, 40)[1] == "2020-W40  2020-10"


def test_undated_issues_in_one_folder_differ_on_their_second_line():
    rows = [report(f"山海技术爱好者周刊（第 {n} 期）", path=f"/w/shanhai/docs/issue-{n}.md") for n in range(401, 413)]
    seconds = []
    for i, r in enumerate(rows):
        above = rows[i - 1] if i else None
        below = rows[i + 1] if i + 1 < len(rows) else None
        first, second = lines(r, 24, above, below)
        assert f"第 {401 + i} 期" in first
        seconds.append(second)
    assert seconds == [f"issue-{n}.md" for n in range(401, 413)]  # no folder, no file date: alike on every row


def test_an_undated_rows_folder_and_date_show_where_they_differ_from_a_neighbour():
    a = report("Team notes", path="/w/alpha/notes.md")
    b = report("Design review", path="/w/beta/review.md", mtime=STAMP - 86400 * 3)
    c = report("Retrospective", path="/w/beta/retro.md", mtime=STAMP - 86400 * 3)
    d = report("Retro two", path="/w/beta/retro-2.md", mtime=STAMP - 86400 * 3)
    assert lines(b, 60, a, c)[1] == "beta/review.md · file 2026-08-05"  # the first of its folder and day
    assert lines(c, 60, b, d)[1] == "retro.md"  # its neighbours share both
    assert lines(a, 60)[1] == "alpha/notes.md · file 2026-08-08"  # no neighbour: everything it knows


def test_an_undated_row_named_after_its_file_does_not_repeat_the_name():
    r = report("no_title", path="/w/notes/no_title.md")
    assert lines(r, 60)[1] == "notes · file 2026-08-08"
    r = report("no_title", path="/w/notes/no_title.md", mtime=0)
    other = report("other", path="/w/notes/other.md", mtime=0)
    assert lines(r, 60, other)[1] == "undated"


# ── rows alike ───────────────────────────────────────────────────────────────────────────────────────


def test_rows_alike_are_told_apart_from_the_rows_around_them():
    # a team's reports of one week under one title: each is shortened as the first and last of them are
    title = "Platform team weekly report 2024-W{}"
    labels = [title.format(20)] * 3 + [title.format(21)] * 3
    assert labels_beside(labels.__getitem__, len(labels), 1) == (None, title.format(21))
    assert labels_beside(labels.__getitem__, len(labels), 4) == (title.format(20), None)
    middle = report(title.format(20), start=dt.date(2024, 5, 13))
    middle.author = "欧阳娜娜"
    beside = labels_beside(labels.__getitem__, len(labels), 1)
    first, second = lines(middle, 24, middle, middle, author=True, beside=beside)
    assert first == "欧阳娜娜  …2024-W20" and second == "05-13–05-19"


def test_a_row_looks_only_so_far_for_a_different_label():
    labels = ["same title for everyone, all along"] * 1000 + ["another"]
    asked: list[int] = []

    def label_at(i: int) -> str:
        asked.append(i)
        return labels[i]

    assert labels_beside(label_at, len(labels), 500) == (None, None)
    assert len(asked) <= 2 * REACH + 1
    assert labels_beside(labels.__getitem__, len(labels), 1000 - REACH)[1] == "another"


def test_a_file_name_never_reaches_the_terminal_as_control_characters():
    r = report("\x1b]0;pwned\x07", path="/w/\x1b[31mred/\x1b]0;pwned3\x07.md")
    r.label = ""
    text = "\n".join(lines(r, 80, report("x", path="/w/other/x.md")))
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("\\x1b]0;pwned3\\x07.md\n\\x1b[31mred")  # (the label is the name)
