"""Whose report it is (SPEC §3.0): detection in the text, one folder per person, aliases, AUTHOR@WEEK."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from testpaths import CORPORA, DATA, SEEDS
from tui.index.library import LookupFailed
from tui.index.load import load_library
from tui.index.store.loader import LazyReport
from tui.index.authors import AuthorNames
from tui.model.authors import Aliases, clean_name
from tui.model.people import person_folders, person_name
from tui.model.parse import parse_report
from tui.model.report import SourceRef
from tui.model.vocab import Vocabulary

TEAM = DATA / "team"
ALIASES = Vocabulary(author_aliases={"张三": ["zhangsan", "San Zhang"]})


# ── in the text ──────────────────────────────────────────────────────────────────────────────────

DETECT = [
    ("Notion property", "# 周报 2024-W25\n\nCreated: 2024年6月21日 10:00\nCreated by: 张三\nTags: 周报\n\n- x\n", "张三"),
    ("property before Created", "# 周报 2024-W25\n\nCreated by: 李四\nCreated: 2024年6月21日 10:00\n\n- x\n", "李四"),
    ("mention link", "# W 2024-W25\n\nCreated by: [李四](mailto:ls@example.com)\n\n- x\n", "李四"),
    ("Author", "# W 2024-W25\n\nAuthor: Jane Doe\n\n- x\n", "Jane Doe"),
    ("Owner with e-mail", "# W 2024-W25\n\nOwner: San Zhang <san@example.com>\n\n- x\n", "San Zhang"),
    ("Person mention", "# W 2024-W25\n\nPerson: @Fox Mulder\n\n- x\n", "Fox Mulder"),
    ("作者", "# 周报 2024-W25\n\n作者：王五\n\n- x\n", "王五"),
    ("负责人, first of two", "# 周报 2024-W25\n\n负责人：郑爽、何平\n\n- x\n", "郑爽"),
    ("汇报人", "# 周报 2024-W25\n\n汇报人：吴敏\n\n- x\n", "吴敏"),
    ("填写人 in bold", "# 周报 2024-W25\n\n**填写人**：孙丽\n\n- x\n", "孙丽"),
    ("YAML author", "---\ntitle: 周报 2024-W25\nauthor: \"陈晨\"\n---\n\n- x\n", "陈晨"),
    ("YAML authors list", "---\ntitle: W 2024-W25\nauthors:\n  - Chen Chen\n  - Bob\n---\n\n- x\n", "Chen Chen"),
    ("YAML authors inline list", "---\ntitle: W 2024-W25\nauthors: [Ann, Bob]\n---\n\n- x\n", "Ann"),
    ("Pelican metadata", "Title: TWIR 1\nDate: 2024-01-01\nAuthor: Jane Doe\n\nHello\n", "Jane Doe"),
    ("姓名 section", "# 实习周报 2024-05-24\n\n### 姓名\n\n刘洋\n\n### 本周完成\n\n- 写单元测试\n", "刘洋"),
    ("Name section", "# Intern report 2024-05-24\n\n## Name\n\nAnn Lee\n\n## Done\n\n- tests\n", "Ann Lee"),
    ("姓名 heading", "# 实习周报 2024-05-24\n\n## 姓名：刘洋\n\n## 本周完成\n\n- 写单元测试\n", "刘洋"),
    # a label is not part of the name; a person's name beats an account name
    ("姓名 section holding an account", "# 双周报 2024-05-24\n\n### 姓名\n\nGithub ID：SecretXV\n\n## 本周工作\n\n- x\n",
     "SecretXV"),
    ("姓名 section holding a labelled name", "# 双周报\n\n### 姓名\n\n姓名：韩用功\n\n## 本周工作\n\n- x\n", "韩用功"),
    ("account among facts about the person", "# 双周报 2024-05-24\n\n## 基本信息\n\n- GitHub-ID: Austin-00\n- 方向：框架\n\n"
     "## 本周工作\n\n- x\n", "Austin-00"),
    ("Name line under the title", "# Weekly 2024-05-24\n\nName: Ann Lee\n\n## Done\n\n- x\n", "Ann Lee"),
    ("a name beats an account", "# 双周报 2024-05-24\n\nGithub ID：yinfan98\n姓名：尹帆\n\n## 本周工作\n\n- x\n", "尹帆"),
    ("a profile link gives its account", "# 双周报\n\n- GitHub：[https://github.com/ann-lee](https://github.com/ann-lee)\n",
     "ann-lee"),
    ("a labelled value of a property", "# 周报 2024-W25\n\n作者：Github ID：zs-dev\n\n- x\n", "zs-dev"),
    ("full-width label, bold", "# 双周报\n\n**姓名**：**张钰钦**\n\n## 本周\n\n- x\n", "张钰钦"),
    # not authors
    ("a list item is no property", "# 周报 2024-W25\n\n- 负责人：张三\n", None),
    ("an ID that is a number", "# 周报 2024-W25\n\n- ID: 2024-17\n", None),
    ("a template's placeholder", "# 双周报\n\n### 姓名\n\n（你的名字）\n", None),
    ("an identity line far into the report", "# 周报 2024-W25\n\n## 一\n\n- a\n\n## 二\n\n- Name: Foo\n", None),
    ("a property after the text", "# 周报 2024-W25\n\n本周很忙。\n\n作者：张三\n", None),
    ("a sentence is no name", "# 周报 2024-W25\n\n负责人：这是一个很长很长的句子，讲了很多事情。\n\n- x\n", None),
    ("a 姓名 section of several lines", "# 表 2024-W25\n\n## 姓名\n\n- 张三\n- 李四\n", None),
    ("no author at all", "# 2024-W23\n\nCreated: 2024年6月4日 15:34\n\n- 【贝易转】进度80%\n", None),
]


@pytest.mark.parametrize("name,text,author", DETECT, ids=[c[0] for c in DETECT])
def test_author_in_the_text(name, text, author):
    assert parse_report(text).author == author


def test_property_beats_yaml_beats_section():
    text = "---\ntitle: W 2024-W25\nauthor: 陈晨\n---\n\n作者：王五\n\n## 姓名\n\n刘洋\n"
    assert parse_report(text).author == "王五"
    assert parse_report(text.replace("作者：王五\n", "")).author == "陈晨"


def test_author_lines_stay_properties_not_items():
    r = parse_report("# 周报 2024-W25\n\nCreated by: 张三\nCreated: 2024年6月21日 10:00\n\n## 进展\n\n- x\n")
    assert r.week == "2024-W25" and not r.warnings  # the Created line after it is still read
    assert [i.text for s in r.sections for i in s.items] == ["x"]


def test_more_property_names_from_the_config(tmp_path):
    from tui.config import load_config

    cfg = tmp_path / "config.toml"
    cfg.write_text('[authors]\nproperties = ["提交人"]\naliases = {"张三" = ["zhangsan"]}\n', encoding="utf-8")
    vocab = load_config(cfg).vocabulary()
    assert parse_report("# 周报 2024-W25\n\n提交人：赵六\n\n- x\n", vocab=vocab).author == "赵六"
    assert parse_report("# 周报 2024-W25\n\n提交人：赵六\n\n- x\n").author is None
    assert vocab.author_aliases == {"张三": ["zhangsan"]}
    assert vocab.fingerprint() != Vocabulary().fingerprint()  # parsed differently: cached apart


@pytest.mark.parametrize("value,name", [
    ("**张三**", "张三"), ("“张三”", "张三"), ("张三。", "张三"), ("", None), ("2024-06-01", None),
    ("https://example.com/u/1", None), ("Ann, Bob", "Ann"), ("zs@example.com", "zs@example.com"),
    ("Github ID：SecretXV", "SecretXV"), ("GitHub-ID: Austin-00", "Austin-00"), ("ID: x-y", "x-y"),
    ("姓名：张钰钦", "张钰钦"), ("Name: Ann Lee", "Ann Lee"), ("github: https://github.com/ann-lee", "ann-lee"),
    ("(你的名字)", None), ("<your name>", None), ("xxx", None),
])
def test_clean_name(value, name):
    assert clean_name(value) == name


def test_the_forms_fixture():
    lib = load_library([str(TEAM / "forms")])
    got = {r.source.name: r.author for r in lib.reports}
    assert got == {
        "yaml_author.md": "陈晨", "name_section.md": "刘洋", "zuozhe.md": "周杰", "huibaoren.md": "吴敏",
        "tianxieren.md": "孙丽", "fuzeren.md": "郑爽", "owner.md": "Dana Scully", "person.md": "Fox Mulder",
        "nobody.md": None,
    }


def test_seeds_name_nobody():
    lib = load_library([str(SEEDS)])
    assert [r.author for r in lib.reports] == [None] * 5
    assert lib.authors() == []


# ── one folder per person ────────────────────────────────────────────────────────────────────────

def test_folder_per_person_with_a_name_given_in_the_text():
    lib = load_library([str(TEAM / "folders")])
    by_file = {(r.source.path.split("/")[-3], r.week): r.author for r in lib.reports}
    assert by_file[("alice", "2024-W20")] == "alice"
    assert by_file[("carol", "2024-W22")] == "carol"
    # Bob's newest report says `Author: Bob Li`: his whole folder is Bob Li's.
    assert {a for (who, _), a in by_file.items() if who == "bob"} == {"Bob Li"}
    assert lib.authors() == ["alice", "Bob Li", "carol"]


def _write(path, week):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Weekly 2024-W{week:02d}\n\n- work\n", encoding="utf-8")


def test_folders_per_year_are_no_people(tmp_path):
    for w in range(1, 9):
        _write(tmp_path / "2023" / f"w{w}.md", w)
        _write(tmp_path / "2024" / f"w{w}.md", w + 20)
    assert [r.author for r in load_library([str(tmp_path)]).reports] == [None] * 16


def test_folders_with_different_weeks_are_no_people(tmp_path):
    # Two projects of one person, written in turns: no week shared, so no team.
    for w in range(1, 9):
        _write(tmp_path / ("ledger" if w % 2 else "payments") / f"w{w}.md", w)
    assert {r.author for r in load_library([str(tmp_path)]).reports} == {None}


def test_folders_for_kinds_of_report_are_no_people(tmp_path):
    for w in range(1, 7):  # one person's reports and notes of the same weeks
        _write(tmp_path / "weekly" / f"w{w}.md", w)
        _write(tmp_path / "notes" / f"n{w}.md", w)
    assert {r.author for r in load_library([str(tmp_path)]).reports} == {None}


def test_one_person_with_year_folders_under_their_name(tmp_path):
    for w in range(1, 6):
        _write(tmp_path / "zhangwei" / "2024" / f"w{w}.md", w)
        _write(tmp_path / "zhangwei" / "2023" / f"w{w}.md", w + 30)
    assert {r.author for r in load_library([str(tmp_path)]).reports} == {None}


def test_benchmark_layout_author_year_label(tmp_path):
    # benchmarks/generate.py writes OUT/<author>/<year>/<label>.md
    for who in ("zhangwei", "wangfang", "lina"):
        for w in range(1, 5):
            _write(tmp_path / who / "2024" / f"2024-W{w:02d}.md", w)
    lib = load_library([str(tmp_path)])
    assert set(lib.authors()) == {"lina", "wangfang", "zhangwei"}
    assert all(r.author == r.source.path.split("/")[-3] for r in lib.reports)


def test_one_zip_per_person(tmp_path):
    for who in ("ann", "bob"):
        with zipfile.ZipFile(tmp_path / f"{who}.zip", "w") as zf:
            for w in range(1, 4):
                zf.writestr(f"Export/w{w}.md", f"# Weekly 2024-W{w:02d}\n\n- {who}\n")
    lib = load_library([str(tmp_path)], use_cache=False)
    assert {(r.author, r.source.member) for r in lib.reports} == {
        (who, f"Export/w{w}.md") for who in ("ann", "bob") for w in range(1, 4)}


@pytest.mark.parametrize("folder,name", [
    ("21_silverling", "silverling"), ("02_zhangyuqin1998", "zhangyuqin1998"), ("03-MarioLulab", "MarioLulab"),
    ("7. Ann", "Ann"), ("alice", "alice"), ("2024_team", "2024_team"), ("007", "007"),
])
def test_an_ordinal_prefix_is_not_part_of_the_name(folder, name):
    assert person_name(folder) == name


def test_person_folders_at_any_depth_beside_anything(tmp_path):
    # team/<cohort>/<person>/…, a cohort beside a folder of pictures and a loose README
    for cohort, people in (("c1", ("01_ann", "02_bob")), ("c2", ("01_cat", "02_dan", "03_eve"))):
        for who in people:
            for w in range(1, 4):
                _write(tmp_path / "team" / cohort / who / f"w{w}.md", w)
    _write(tmp_path / "team" / "c2" / "images" / "x.md", 9)
    (tmp_path / "team" / "README.md").write_text("# 说明\n", encoding="utf-8")
    lib = load_library([str(tmp_path)])
    got = {r.source.path[len(str(tmp_path)) + 1:]: r.author for r in lib.reports}
    assert got["team/c1/01_ann/w1.md"] == "ann" and got["team/c2/03_eve/w3.md"] == "eve"
    assert got["team/c2/images/x.md"] is None and got["team/README.md"] is None
    assert sorted(lib.authors()) == ["ann", "bob", "cat", "dan", "eve"]


def test_folder_rule_is_per_path_and_needs_the_reports_under_it(tmp_path):
    refs = [SourceRef(str(tmp_path / who / f"{w}.md")) for who in ("a", "b") for w in range(3)]
    weeks = [f"2024-W0{w + 1}" for _ in ("a", "b") for w in range(3)]
    def names(roots):
        return [f.name if f is not None else None for f in person_folders(refs, weeks, roots)]

    assert names([str(tmp_path)]) == ["a"] * 3 + ["b"] * 3
    assert names([str(tmp_path / "a")]) == [None] * 6  # one person's folder


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora absent")
def test_real_corpora_name_nobody():
    for name in ("plct-weekly", "this-week-in-rust"):
        path = CORPORA / name
        if path.is_dir():
            lib = load_library([str(path)], use_cache=False)
            assert lib.authors() == [], name  # year folders are not people; no Author lines under titles


# ── cached reports and aliases ───────────────────────────────────────────────────────────────────

def test_folder_authors_and_aliases_apply_to_cached_reports(tmp_path):
    root = tmp_path / "team"
    shutil.copytree(TEAM / "notion", root / "notion")
    first = load_library([str(root / "notion")], use_cache=True)
    assert "zhangsan" in first.authors()
    again = load_library([str(root / "notion")], vocab=ALIASES, use_cache=True)  # the same cache rows: aliases are not parsing
    assert all(isinstance(r, LazyReport) for r in again.reports)
    assert again.authors() == ["李四", "张三", "王五"]

    shutil.copytree(TEAM / "folders", root / "folders")
    cached = load_library([str(root / "folders")], use_cache=True)
    cached = load_library([str(root / "folders")], use_cache=True)
    assert all(isinstance(r, LazyReport) for r in cached.reports)
    assert cached.authors() == ["alice", "Bob Li", "carol"]


def test_aliases():
    a = Aliases({"张三": ["zhangsan", "San Zhang"]})
    assert a.canonical("ZhangSan") == "张三" and a.canonical("san  zhang") == "张三" and a.canonical("李四") == "李四"
    assert a.canonical(None) is None
    names = AuthorNames(["张三", "李四"], {"张三": ["zhangsan", "San Zhang"]})
    assert names.matches("san zhang") == ["张三"]
    assert names.matches("李") == ["李四"]
    assert names.matches("nobody") == []


# ── finding a report: AUTHOR@WEEK ────────────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def notion():
    return load_library([str(TEAM / "notion")], vocab=ALIASES)


def test_find_by_author(notion):
    assert notion.find("张三@2024-W21").author == "张三"
    assert notion.find("zhangsan@2024-W21").author == "张三"  # a spelling the config lists
    assert notion.find("李四@周报 2024-W22").week == "2024-W22"  # AUTHOR@LABEL
    assert notion.find("王五@2024-w23").author == "王五"


def test_a_shared_week_is_ambiguous_and_lists_author_at_week(notion):
    with pytest.raises(LookupFailed) as exc:
        notion.find("2024-W21")
    assert [r.author for r in exc.value.candidates] == ["李四", "张三", "王五"]
    text = str(exc.value)
    assert "李四@2024-W21" in text and "张三@2024-W21" in text and "王五@2024-W21" in text


def test_an_unknown_author_names_the_authors(notion):
    with pytest.raises(LookupFailed) as exc:
        notion.find("赵六@2024-W21")
    assert "赵六" in str(exc.value) and "李四, 张三, 王五" in str(exc.value)


def test_a_one_person_library_finds_as_before():
    seeds = load_library([str(SEEDS)])
    assert seeds.find("2024-W23").label == "2024-W23"
    assert seeds.find("第53周").week == "2023-W52"
