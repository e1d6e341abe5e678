"""The report model on the seeds (SPEC §3.1, §3.4) and on every input quirk of SPEC §2–§3."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from testpaths import DATA, SEEDS
from tui.index.library import Library, LookupFailed
from tui.index.load import load_library
from tui.model import load_path, parse_report
from tui.model.load import load_bytes
from tui.model.report import Finding, Report, SourceRef


def load_one(path) -> Report:
    results = list(load_path(path))
    assert len(results) == 1, results
    assert isinstance(results[0], Report), results[0]
    return results[0]


@pytest.fixture(scope="module")
def seeds() -> Library:
    return load_library([SEEDS])


# --- SPEC §3.1: which week each seed belongs to, and the warnings -------------------------------

SEED_WEEKS = [
    # file, label, week, substrings that the warnings must contain
    ("002_0c977069ea615f33.txt", "第46周 2023-11-13", "2023-W46", ["第47周", "2023-W48"]),
    ("001_dc96f0812acdbd2c.txt", "第53周", "2023-W52", ["53", "2023-W52"]),
    ("000_436b65db249ed0ed.txt", "2024-W18", "2024-W17", ["2024-W18", "2024-W17"]),
    ("004_8dc0f4b9bef94dee.txt", "2024-W23", "2024-W23", []),
    ("003_42893bb59e695130.txt", "2024-w26", "2024-W29", ["2024-W26", "2024-W29"]),
]


def test_seeds_are_in_week_order(seeds):
    assert [r.source.name for r in seeds.reports] == [row[0] for row in SEED_WEEKS]
    assert not seeds.problems


@pytest.mark.parametrize("name,label,week,warns", SEED_WEEKS)
def test_seed_week_and_warnings(seeds, name, label, week, warns):
    report = next(r for r in seeds.reports if r.source.name == name)
    assert report.label == label
    assert report.week == week
    text = " | ".join(w.message for w in report.warnings)
    for fragment in warns:
        assert fragment in text, (fragment, text)
    if not warns:
        assert report.warnings == []


def test_seed_002_warns_once_for_each_disagreement(seeds):
    report = seeds.find("2023-W46")
    assert len(report.warnings) == 2
    assert report.start == date(2023, 11, 13) and report.end == date(2023, 11, 19)


# --- SPEC §3.4: the KPI series of the seeds ----------------------------------------------------

SEED_KPIS = {
    "入金有效成功率": [99.997, 99.997, 99.997, 99.987, 99.955],
    "出金有效成功率": [99.962, 99.984, 99.988, 99.980, 99.998],
    "年度可用性": [99.998, 99.994, 100, 100, 99.998],
    "CD级事故数": [1, 1.5, 0, 1, 0.5],
    "生产事件数": [2, 1, 1, 11, 7],
}


@pytest.mark.parametrize("name,expected", list(SEED_KPIS.items()))
def test_seed_kpi_series(seeds, name, expected):
    values = [r.kpi(name).value if r.kpi(name) else None for r in seeds.reports]
    assert values == pytest.approx(expected)


def test_kpi_aliases_and_several_per_line(seeds):
    w52 = seeds.find("2023-W52")
    assert w52.kpi("一次支付成功率").value == pytest.approx(99.27)
    assert w52.kpi("不可用时间").value == pytest.approx(29.35)
    # 支付系统年度可用性 is an alias of 年度可用性, never a KPI of its own
    assert all(k.name != "支付系统年度可用性" for r in seeds.reports for k in r.kpis)
    assert w52.kpi("年度可用性").unit == "%"


# --- sections --------------------------------------------------------------------------------

def test_section_keys_and_okr_codes(seeds):
    w52 = seeds.find("第53周")
    keys = [s.key for s in w52.sections]
    assert "O1服务业务" in keys and "系统运行数据" in keys
    okrs = {s.okr: s.key for s in w52.sections if s.okr}
    assert okrs == {"O1": "O1服务业务", "O2": "O2系统升级", "O3": "O3安全稳定、降本提效"}


@pytest.mark.parametrize("week,explicit", [("2024-W17", False), ("2024-W23", False), ("2024-W29", False),
                                           ("2023-W52", True), ("2023-W46", True)])
def test_focus_section_explicit_or_implicit(seeds, week, explicit):
    report = seeds.find(week)
    first = report.sections[0]
    assert first.key == "重点工作"
    assert first.implicit is (not explicit)
    assert any(p.kind == "focus" and p.section == "重点工作" for p in report.projects)


def test_second_week_heading_is_not_a_section(seeds):
    report = seeds.find("2023-W46")
    assert all("第47周" not in s.title for s in report.sections)
    assert report.sections[0].key == "重点工作"


def test_lists_nested_by_four_spaces_with_blank_lines(seeds):
    report = seeds.find("第53周")
    focus = report.sections[0]
    plan = next(i for i in focus.items if i.text.startswith("【2024工作规划】"))
    texts = [i.text for i in plan.walk()]
    assert "组织支付技术研讨，梳理各组24年系统建设主线。" in texts  # paragraph after a blank line stays inside
    deep = next(i for i in plan.walk() if i.text.startswith("管理："))
    assert deep.depth == 2


# --- projects --------------------------------------------------------------------------------

def test_focus_projects_and_bracket_suffix(seeds):
    names = [p.name for p in seeds.find("2024-W17").projects if p.kind == "focus"]
    assert names[:4] == ["贝易转（C转）", "被窝存管方案", "AI创新与多栈", "聚合支付"]
    keys = {p.key for r in seeds.reports for p in r.projects if "贝易转" in p.name}
    assert keys == {"贝易转"}


@pytest.mark.parametrize("week,topic,progress", [
    ("2024-W17", "实时数仓", [80.0]),
    ("2024-W23", "实时数仓项目", [98.0]),
    ("2024-W29", "实时数仓", [98.0, 95.0]),
    ("2024-W17", "POS收单系统建设", [85.0, 70.0]),
    ("2024-W17", "资金安全", []),
])
def test_okr_topics_and_progress(seeds, week, topic, progress):
    report = seeds.find(week)
    project = next(p for p in report.projects if p.name == topic)
    assert project.kind == "okr"
    assert project.progress == progress


def test_focus_progress_found_in_nested_items(seeds):
    byz = next(p for p in seeds.find("2024-W23").projects if p.key == "贝易转")
    assert byz.progress == [20.0]  # "1.1版本和1.2版本测试进度为20%"
    assert len(byz.entries) > 5


# --- incidents -------------------------------------------------------------------------------

def test_incidents_fields(seeds):
    w29 = seeds.find("2024-W29")
    assert len(w29.incidents) == 7
    first = w29.incidents[0]
    assert first.when == datetime(2024, 7, 10, 11, 48)
    assert first.found_by == "监控发现"
    assert first.text.startswith("JS缓存")
    assert [i.found_by for i in w29.incidents].count("商户反馈") == 1
    w52 = seeds.find("2023-W52")
    assert w52.incidents[0].when == datetime(2023, 12, 26, 9, 26)  # year from the report's week


def test_incident_line_numbers_point_at_source(seeds):
    w23 = seeds.find("2024-W23")
    lines = w23.text.split("\n")
    for inc in w23.incidents:
        assert lines[inc.line - 1].startswith(inc.when_text)


def test_plans(seeds):
    assert seeds.find("2024-W17").plans[0].startswith("贝易转测试进度")


# --- SPEC §2 input quirks, table-driven ------------------------------------------------------

INPUTS = [
    # file, expected week, expected encoding prefix, a KPI (name, value) or None
    ("gbk_crlf.md", "2024-W10", "gb", ("入金有效成功率", 99.95)),
    ("gb18030.md", "2024-W10", "gb", ("入金有效成功率", 99.95)),
    ("utf16_bom.md", "2024-W10", "utf-16", ("入金有效成功率", 99.95)),
    ("utf8_bom.md", "2024-W10", "utf-8", ("入金有效成功率", 99.95)),
    ("cr_only.md", "2024-W10", "utf-8", ("CD级事故数", 1.5)),
    ("fullwidth.md", "2024-W10", "utf-8", ("出金有效成功率", 99.988)),
    ("kpi_table.md", "2024-W11", "utf-8", ("入金有效成功率", 99.991)),
    ("english_created.md", "2024-W10", "utf-8", ("Availability", 99.9)),
    ("2024-07-26 周报.md", "2024-W30", "utf-8", None),
    ("yaml_front.md", "2024-W19", "utf-8", None),
    ("week_label_year.md", "2024-W28", "utf-8", None),
    ("week_english.md", "2024-W34", "utf-8", None),
    ("range_title.md", "2024-W31", "utf-8", None),
    ("two_headings.md", "2024-W10", "utf-8", None),
]


@pytest.mark.parametrize("name,week,encoding,kpi", INPUTS)
def test_inputs(name, week, encoding, kpi):
    report = load_one(DATA / name)
    assert report.week == week
    assert report.encoding.startswith(encoding)
    assert "\r" not in report.text
    if kpi:
        assert report.kpi(kpi[0]) is not None, [k.name for k in report.kpis]
        assert report.kpi(kpi[0]).value == pytest.approx(kpi[1])


def test_gbk_report_reads_its_chinese():
    report = load_one(DATA / "gbk_crlf.md")
    assert report.sections[0].title == "【O1 业务服务】"
    assert report.projects[0].name == "资金安全"
    assert report.projects[0].progress == [60.0]  # full-width digits and percent sign
    assert report.incidents[0].found_by == "监控发现"


def test_c_and_d_grades_are_summed():
    report = load_one(DATA / "gbk_crlf.md")
    assert report.kpi("CD级事故数").value == pytest.approx(1.5)
    assert report.kpi("AB级事故数").value == 0


def test_kpi_table_takes_this_week_column():
    report = load_one(DATA / "kpi_table.md")
    assert report.kpi("出金有效成功率").value == pytest.approx(99.96)
    assert report.kpi("平均耗时(ms)").value == 110


def test_two_week_headings_warn():
    report = load_one(DATA / "two_headings.md")
    assert any("second week heading" in w.message for w in report.warnings)


def test_date_range_title_is_the_period_and_a_created_line_after_it_is_no_disagreement():
    report = load_one(DATA / "range_title.md")  # 2024.07.29-2024.08.02, Created 2024-08-10 (8 days later)
    assert (report.week, report.period) == ("2024-W31", "range")
    assert (report.start, report.end) == (date(2024, 7, 29), date(2024, 8, 2))
    assert report.warnings == []


def test_english_created_line():
    report = load_one(DATA / "english_created.md")
    assert report.created == datetime(2024, 3, 8, 9, 28)


def test_no_title_no_date_is_undated_with_warning():
    report = load_one(DATA / "no_title.md")
    assert report.week is None
    assert report.title == "no_title"
    assert any("undated" in w.message for w in report.warnings)


def test_undated_reports_sort_last():
    lib = load_library([DATA / "no_title.md", DATA / "gbk_crlf.md"])
    assert [r.week for r in lib.reports] == ["2024-W10", None]


def test_zip_members_are_reports():
    lib = load_library([DATA / "notion_export.zip"])
    assert [r.week for r in lib.reports] == ["2024-W10", "2024-W11"]
    assert all(r.source.member and r.source.member.endswith(".md") for r in lib.reports)
    assert lib.reports[0].source.path.endswith("notion_export.zip")
    assert not lib.problems  # the image and the __MACOSX entry are ignored, not problems


@pytest.mark.parametrize("name,message", [
    ("bad/empty.md", "empty"),
    ("bad/binary.md", "binary"),
    ("bad/broken.zip", "zip"),
])
def test_bad_files_are_problems_not_exceptions(name, message):
    results = list(load_path(DATA / name))
    assert len(results) == 1
    assert isinstance(results[0], Finding)
    assert results[0].level == "problem"
    assert message in results[0].message


def test_folder_with_bad_files():
    lib = load_library([DATA / "bad"])
    assert len(lib.reports) == 1 and lib.reports[0].encoding.startswith("gb")
    assert sorted(p.source.name for p in lib.problems) == ["binary.md", "broken.zip", "empty.md"]


@pytest.mark.parametrize("data", [b"   \n\n\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00" * 100])
def test_blank_or_nul_bytes(data):
    assert isinstance(load_bytes(data, SourceRef("x.md")), Finding)


def test_escape_sequences_and_controls_are_removed():
    raw = "# 2024-W10 \x1b]0;pwned\x07\n\n- a\x1b[2Jb \x9b31m c\u202ed\x07\n".encode()
    report = load_bytes(raw, SourceRef("x.md"))
    assert isinstance(report, Report)
    assert "\x1b" not in report.text and "\x07" not in report.text and "\u202e" not in report.text
    assert "pwned" not in report.title
    assert report.sections == [] and report.root.items[0].text == "ab  cd"


def test_markup_like_text_is_kept_literally():
    report = parse_report("# t\n\n- [bold red]x[/] [link=http://e]y[/link]\n")
    assert report.root.items[0].text == "[bold red]x[/] [link=http://e]y[/link]"


# --- week lookup -----------------------------------------------------------------------------

@pytest.mark.parametrize("query,name", [
    ("2024-W23", "004_8dc0f4b9bef94dee.txt"),
    ("2024-w26", "003_42893bb59e695130.txt"),  # a label as written (its week is W29)
    ("第53周", "001_dc96f0812acdbd2c.txt"),
    ("2024-W18", "000_436b65db249ed0ed.txt"),
    ("2024-W29", "003_42893bb59e695130.txt"),
])
def test_find_week(seeds, query, name):
    assert seeds.find(query).source.name == name


def test_find_by_path(seeds):
    assert seeds.find(str(SEEDS / "001_dc96f0812acdbd2c.txt")).week == "2023-W52"


def test_find_unknown_lists_candidates(seeds):
    with pytest.raises(LookupFailed) as err:
        seeds.find("2025-W01")
    assert "2024-W23" in str(err.value)


def test_find_ambiguous_lists_candidates():
    lib = load_library([DATA / "gbk_crlf.md", DATA / "utf8_bom.md"])
    with pytest.raises(LookupFailed) as err:
        lib.find("2024-W10")
    assert "ambiguous" in str(err.value)
    assert len(err.value.candidates) == 2


def test_kpi_names_follow_a_vocabulary_changed_in_place():
    # (the settings add aliases to a vocabulary in place: a report parsed after that uses them)
    from tui.model.vocab import Vocabulary

    vocab = Vocabulary()
    text = "# 2024-W05\n\n## 系统运行数据\n\n- 吞吐量：12\n- 入金有效成功率：99.9%\n"
    before = parse_report(text, vocab=vocab)
    vocab.kpi_aliases.setdefault("TPS", []).append("吞吐量")
    after = parse_report(text, vocab=vocab)
    assert [k.name for k in before.kpis][0] == "吞吐量"
    assert [k.name for k in after.kpis][0] == "TPS"
    assert [k.value for k in after.kpis] == [k.value for k in before.kpis]


def test_a_lazy_pattern_is_compiled_on_first_use_and_answers_as_the_compiled_one():
    import re

    from tui.model.text import LazyPattern

    src, text = r"(?i)(?P<y>(?:19|20)\d\d)\s*-?\s*W(?P<w>\d{1,2})", "2024-W07 and 2025w3, 1999W52"
    lazy, compiled = LazyPattern(src), re.compile(src)
    assert "finditer" not in vars(lazy)  # (nothing compiled at import)
    assert [m.groupdict() for m in lazy.finditer(text)] == [m.groupdict() for m in compiled.finditer(text)]
    assert lazy.sub("#", text) == compiled.sub("#", text) and lazy.split(text) == compiled.split(text)
    assert lazy.search("W7") is None and lazy.groupindex == compiled.groupindex and lazy.pattern == src
