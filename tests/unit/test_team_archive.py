"""An intern programme's archive as people really keep it (`interns.write_archive`): cohort folders, one
folder per person below them, names behind labels inside some reports, bi-weekly periods. Whose each
report is, one rule to name a person in every subcommand, the weeks a report counts for, and lint
findings that say what tells files apart and which spellings may be one person."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from interns import NOBODYS, PEOPLE, expected_author, write_archive
from tui.cli import main
from tui.index.authors import AuthorNames, AuthorNotFound, alias_suggestions
from tui.index.library import Library, LookupFailed
from tui.index.load import load_library
from tui.index.workspace import Workspace


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return write_archive(tmp_path_factory.mktemp("interns"))


@pytest.fixture(scope="module")
def lib(archive) -> Library:
    return load_library([str(archive)])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ── whose report it is ───────────────────────────────────────────────────────────────────────────

def test_every_report_in_a_person_folder_is_that_persons(lib, archive):
    wrong = [(r.source.path, r.author) for r in lib.reports if r.author != expected_author(Path(r.source.path), archive)]
    assert wrong == []


def test_only_the_reports_of_nobody_have_no_author(lib, archive):
    nobody = sorted(str(Path(r.source.path).relative_to(archive)) for r in lib.reports if r.author is None)
    assert nobody == sorted(NOBODYS)
    assert len(lib.reports) >= 130 and len(nobody) <= 5


def test_every_person_folder_is_one_author(lib, archive):
    per_folder: dict[tuple[str, ...], set] = {}
    for r in lib.reports:
        rel = Path(r.source.path).relative_to(archive).parts
        if len(rel) == 3:
            per_folder.setdefault(rel[:2], set()).add(r.author)
    assert len(per_folder) >= len(PEOPLE)
    assert {k: v for k, v in per_folder.items() if len(v) != 1} == {}
    # a folder whose reports name the person only now and then (陆琦 in two of six)
    assert per_folder[("Hackathon_5th", "03_MarioLulab")] == {"陆琦"}


def test_labels_are_not_names(lib):
    authors = lib.authors()
    assert {"SecretXV", "Austin-00", "尹帆", "Zhou Zhihao", "宁可"} <= set(authors)
    for a in authors:
        assert ":" not in a and "：" not in a and not a.lower().startswith(("github", "name", "姓名", "id ")), a


def test_ordinal_prefixes_are_not_part_of_a_name(lib):
    assert {"silverling", "xingmingyyj", "Hanyonggong"} <= set(lib.authors())
    assert not [a for a in lib.authors() if a[:2].isdigit()]


def test_the_folder_name_is_the_persons_spelling_across_cohorts(lib):
    # `02_zhangyuqin1998` (reports say 张钰钦) and `12_zhangyuqin1998` next cohort (reports name nobody)
    mine = lib.by_author("张钰钦")
    assert {Path(r.source.path).parts[-2] for r in mine} == {"02_zhangyuqin1998", "12_zhangyuqin1998"}
    assert "zhangyuqin1998" not in lib.authors()


def test_look_alike_spellings_are_suggested_never_merged(lib):
    assert {"韩用功", "Hanyonggong"} <= set(lib.authors())  # two authors until the config says otherwise
    (s,) = lib.alias_suggestions()
    assert (s.name, s.others) == ("韩用功", ["Hanyonggong"]) and "pinyin" in s.why
    assert s.entry() == '"韩用功" = ["Hanyonggong"]'


@pytest.mark.parametrize("authors,spellings,merged", [
    (["张钰钦", "zhangyuqin1998"], {}, ("张钰钦", ["zhangyuqin1998"])),  # an account spelling of the pinyin
    (["张钰钦", "yuqinzhang"], {}, ("张钰钦", ["yuqinzhang"])),  # given name first
    (["Austin-00", "austin00"], {}, ("Austin-00", ["austin00"])),
    (["张三", "zs-dev"], {"张三": ["zhangsan"]}, None),
    (["wei01", "wei02"], {}, None),  # digits tell Latin spellings apart
    (["李四", "li"], {}, None),  # too short to tell
    (["王芳", "Wang Fang"], {}, ("王芳", ["Wang Fang"])),
])
def test_alias_suggestions(authors, spellings, merged):
    got = alias_suggestions(AuthorNames(authors, spellings), Counter())
    assert [(s.name, s.others) for s in got] == ([merged] if merged else [])


def test_config_aliases_merge_the_look_alikes(archive, tmp_path, capsys):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[authors]\naliases = {"韩用功" = ["Hanyonggong"]}\n', encoding="utf-8")
    code, out, _ = run(capsys, "weeks", "--json", "--no-cache", "--config", str(cfg), "--author", "韩用功", str(archive))
    rows = json.loads(out)
    assert code == 0 and {r["author"] for r in rows} == {"韩用功"}
    assert {Path(r["path"]).parts[-2] for r in rows} == {"04_Hanyonggong", "11_hanyg"}
    code, out, _ = run(capsys, "lint", "--no-cache", "--config", str(cfg), str(archive))
    assert "may be" not in out


def test_assigning_again_starts_from_what_the_reports_say(archive):
    # The app assigns authors to each partial list while loading, then to the whole library.
    lib = load_library([str(archive)])
    first = [r.author for r in lib.reports]
    part = Library(reports=lib.reports[::3], paths=lib.paths, vocab=lib.vocab)
    from tui.index.library import assign_authors

    assign_authors(part)
    assign_authors(lib)
    assert [r.author for r in lib.reports] == first


def test_the_cache_gives_the_same_authors_and_spellings(archive, cache_home, capsys):
    cold = load_library([str(archive)], use_cache=True)
    warm = load_library([str(archive)], use_cache=True)
    assert [(r.source, r.author) for r in warm.reports] == [(r.source, r.author) for r in cold.reports]
    for _ in range(2):
        code, out, _ = run(capsys, "weeks", "--json", "--author", "zhangyuqin", str(archive))
        assert code == 0 and {r["author"] for r in json.loads(out)} == {"张钰钦"}


# ── one rule to name a person ────────────────────────────────────────────────────────────────────

NAMED = [
    ("张钰钦", "张钰钦"),  # as written
    ("zhangyuqin1998", "张钰钦"),  # the folder's spelling
    ("zhangyuqin", "张钰钦"),  # a part of it
    ("zyq", "张钰钦"),  # initials
    ("陆琦", "陆琦"), ("luqi", "陆琦"), ("MarioLulab", "陆琦"),  # pinyin, the folder
    ("hanyonggong", "Hanyonggong"),  # a name as written comes before the pinyin of another
    ("韩", "韩用功"),
    ("secretxv", "SecretXV"), ("SecretVX", "SecretXV"),  # case; a typo
    ("silverlnig", "silverling"),
    ("wanghao", "王豪"),
]


@pytest.mark.parametrize("text,who", NAMED)
def test_one_rule_names_a_person(lib, text, who):
    from tui.index.authors import library_names

    assert library_names(lib).find(text) == who


def test_an_ambiguous_name_lists_the_candidates(lib):
    from tui.index.authors import library_names

    with pytest.raises(AuthorNotFound) as exc:
        library_names(lib).find("an")
    assert {"Hanyonggong", "Lin-Yuan", "river-tan"} <= set(exc.value.candidates)
    assert "names several authors" in exc.value.describe("--author 'an'")


@pytest.mark.parametrize("argv", [["weeks", "--json"], ["kpi", "--json"], ["lint", "--json"],
                                  ["search", "算子", "--limit", "1000", "--json"]])
def test_every_subcommand_takes_the_same_author(archive, capsys, cache_home, argv):
    at = 2 if argv[0] == "search" else 1  # PATH after QUERY
    argv = [*argv[:at], str(archive), *argv[at:]]
    for _ in range(2):  # (search: the normal path, then the saved index)
        code, out, _ = run(capsys, *argv, "--author", "zhangyuqin")
        assert code == 0
        rows = json.loads(out)
        assert rows and {r["author"] for r in rows} == {"张钰钦"}, argv
    code, _, err = run(capsys, *argv, "--author", "an")
    assert code == 2 and "names several authors" in err and "Hanyonggong" in err
    code, _, err = run(capsys, *argv, "--author", "nobody-at-all")
    assert code == 2 and "names no author" in err and "张钰钦" in err


def test_by_in_a_query_follows_the_rule(archive, capsys):
    code, out, _ = run(capsys, "search", "by:zhangyuqin 算子", str(archive), "--json", "--no-cache")
    assert code == 0 and {r["author"] for r in json.loads(out)} == {"张钰钦"}
    ws = Workspace(load_library([str(archive)]))
    assert {h.author for h in ws.search("by:MarioLulab 算子", limit=0).hits} == {"陆琦"}


def test_weeks_author_lists_every_report_of_the_person(archive, capsys):
    code, out, _ = run(capsys, "weeks", "--no-cache", str(archive), "--author", "zhangyuqin")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 + 6 + 5 and all("张钰钦" in line for line in lines[1:])


# ── which weeks a report counts for ──────────────────────────────────────────────────────────────

def test_author_at_a_week_the_period_covers(lib):
    r = lib.find("zhangyuqin@2024-W13")  # filed under 2024-W12, the period 03-23 – 04-05 covers W13
    assert (r.author, r.week, str(r.start), str(r.end)) == ("张钰钦", "2024-W12", "2024-03-23", "2024-04-05")
    assert lib.find("张钰钦@2024-W12") is r
    with pytest.raises(LookupFailed) as exc:
        lib.find("2024-W13")  # filed under W13 by several (a week later than the others): those
    assert "宁可@2024-W13" in str(exc.value) and "张钰钦@2024-W12" not in str(exc.value)
    with pytest.raises(LookupFailed) as exc:
        lib.find("2026-W05")  # filed by nobody: every report covering it
    assert "Lin-Yuan@2026-W04" in str(exc.value) and "明宇@2026-W04" in str(exc.value)
    assert lib.find("lin@2026-W05").source.name == "[WeeklyReport]2026.01.19~2026.02.01.md"


def test_open_week_opens_a_shared_week_and_refuses_an_ambiguous_label(lib):
    assert lib.open_week("2024-W13").week == "2024-W13"  # filed under W13 (宁可's, a week later)
    assert lib.open_week("silverling@2024-W14").source.name == "[WeeklyReport]2024.04.06~2024.04.19.md"
    with pytest.raises(LookupFailed):
        lib.open_week("第1期")  # a label of many weeks


def test_the_team_week_holds_every_report_covering_it(lib):
    ws = Workspace(lib)
    first = lib.find("silverling@2024-W12")
    week12 = ws.team_week(first)
    week13 = ws.team_week(first, "2024-W13")
    week14 = ws.team_week(first, "2024-W14")
    for tw in (week12, week13, week14):
        assert first in tw.reports  # 03-23 – 04-05 covers W12, W13 and W14
    assert week13.week == "2024-W13" and week13.report.title.startswith("2024-W13")
    assert {r.author for r in week13.reports} >= {"silverling", "韩用功", "宁可", "尹帆", "张钰钦"}
    assert "2024-W13" in ws.team_weeks() and ws.team_weeks() == sorted(ws.team_weeks())


# ── lint ─────────────────────────────────────────────────────────────────────────────────────────

def test_a_duplicate_names_what_tells_the_files_apart(archive, capsys):
    code, out, _ = run(capsys, "lint", "--no-cache", str(archive))
    dup = [line for line in out.splitlines() if "2 reports by 王豪 for 2026-01-19 – 02-01 (2026-W04)" in line]
    assert len(dup) == 1 and dup[0].endswith(": Hackathon_10th, hackathon_10th")
    code, out, _ = run(capsys, "lint", "--no-cache", "--json", str(archive))
    rows = [r for r in json.loads(out) if "王豪 for 2026-01-19" in r["message"]]
    (row,) = rows
    assert row["message"] == "2 reports by 王豪 for 2026-01-19 – 02-01 (2026-W04): Hackathon_10th, hackathon_10th"
    assert [Path(p).parts[-3] for p in row["paths"]] == ["Hackathon_10th", "hackathon_10th"]


def test_lint_suggests_the_alias_line(archive, capsys, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[authors]\naliases = {"张三" = ["zhangsan"]}\n', encoding="utf-8")
    code, out, _ = run(capsys, "lint", "--no-cache", "--config", str(cfg), str(archive))
    assert code == 0
    lines = out.splitlines()
    (finding,) = [line for line in lines if "may be" in line]
    assert "Hanyonggong may be 韩用功 (the same in pinyin)" in finding and '"韩用功" = ["Hanyonggong"]' in finding
    # the whole line to paste, what the config already says kept
    assert lines[-1] == 'aliases = {"张三" = ["zhangsan"], "韩用功" = ["Hanyonggong"]}'
    assert str(cfg) in lines[-2]
    code, out, _ = run(capsys, "lint", "--no-cache", "--json", str(archive))
    (row,) = [r for r in json.loads(out) if "may be" in r["message"]]
    assert row["author"] == "Hanyonggong" and '"韩用功" = ["Hanyonggong"]' in row["message"]


# ── [ ] by week ──────────────────────────────────────────────────────────────────────────────────

def _rep(author, week):
    from tui.model.report import Report, SourceRef

    return Report(source=SourceRef(f"/t/{author}/{week}.md"), text="", title="", label=week or "notes",
                  author=author, week=week)


def test_step_week_moves_a_week_to_the_same_persons_report():
    from tui.index.team import step_week

    reports = [_rep("a", "2025-W14"), _rep("b", "2025-W14"), _rep("a", "2025-W15"), _rep("b", "2025-W15"),
               _rep("c", "2025-W15"), _rep("d", "2025-W15"), _rep("c", "2025-W16"), _rep(None, None)]
    a14, b14, a15, b15, c15, d15, c16, undated = reports
    assert step_week(reports, d15, -1) is a14  # nobody's d in W14: the week's first
    assert step_week(reports, b15, -1) is b14
    assert step_week(reports, a14, 1) is a15 and step_week(reports, b14, 1) is b15
    assert step_week(reports, c15, 1) is c16 and step_week(reports, d15, 1) is c16
    assert step_week(reports, c16, 1) is undated and step_week(reports, undated, -1) is c16
    assert step_week(reports, a14, -1) is None and step_week(reports, undated, 1) is None
    assert step_week(reports, a14, 1, author="d") is d15  # the person stepping started from


def test_telling_apart():
    from tui.index.formats import telling_apart

    assert telling_apart(["/r/Hackathon_10th/13_wanghao/a.md", "/r/hackathon_10th/13_wanghao/a.md"]) == [
        "Hackathon_10th", "hackathon_10th"]
    assert telling_apart(["/r/x/a.md", "/r/x/b.md", "/r/x/c.md"]) == ["a.md", "b.md", "c.md"]
    assert telling_apart(["/r/a/x.md", "/r/a/b/x.md"]) == ["x.md", "b/x.md"]
    assert telling_apart(["/r/a/2024/x.md", "/r/b/2025/x.md"]) == ["a/2024", "b/2025"]
