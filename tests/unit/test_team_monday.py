"""A team lead's Monday on the command line: `team` (filed / late / missing) and `digest` (JSON, Markdown,
`--output` never inside a PATH), on a fixture team of four over six weeks (tests/data/team/monday):

- 张三 files every week; 支付路由 reaches 100 % in W23, 对外文档 says 已上线 (no figure), 监控告警 says
  本周完成联调 (a step, not the project); 入金有效成功率 falls in W23;
- 李四's 对账平台 stays at 50 % from W20; 风控规则 is gone in W23; W20 is published 9 days late;
  CD级事故数 0 → 2 in W23;
- 王五 files no report for W21 or W23; 商户门户 goes 全量上线准备，进度90% → 已全量上线;
- 赵六 joins in W19; 清结算迁移 is new in W23; W23 is published 8 days after its week.
"""

from __future__ import annotations

import json
import os

import pytest

from testpaths import DATA, SEEDS
from tui.cli import main

TEAM = str(DATA / "team" / "monday")
PEOPLE = ["张三", "李四", "王五", "赵六"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def config(tmp_path, text: str) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def path_of(author_pinyin: str, monday: str) -> str:
    return f"{TEAM}/{author_pinyin}-{monday}.md"


# ── team ────────────────────────────────────────────────────────────────────────────────────────


def test_team_json_is_the_newest_week_by_default(capsys):
    code, out, _ = run(capsys, "team", "--json", TEAM)
    assert code == 0
    assert json.loads(out) == [
        {"author": "张三", "week": "2024-W23", "status": "filed", "paths": [path_of("zhangsan", "2024-06-03")]},
        {"author": "李四", "week": "2024-W23", "status": "filed", "paths": [path_of("lisi", "2024-06-03")]},
        {"author": "王五", "week": "2024-W23", "status": "missing", "paths": []},
        {"author": "赵六", "week": "2024-W23", "status": "late", "paths": [path_of("zhaoliu", "2024-06-03")]},
    ]


def test_team_json_over_six_weeks(capsys):
    code, out, _ = run(capsys, "team", "--json", "--weeks", "6", TEAM)
    got = {(r["author"], r["week"]): r["status"] for r in json.loads(out)}
    weeks = [f"2024-W{n}" for n in range(18, 24)]
    assert [w for w in weeks if any(k[1] == w for k in got)] == weeks
    table = {p: "".join({"filed": "F", "late": "L", "missing": "M"}[got[(p, w)]] if (p, w) in got else "."
                        for w in weeks) for p in PEOPLE}
    assert table == {
        "张三": "FFFFFF",
        "李四": "FFLFFF",  # W20 published 9 days after its Sunday
        "王五": "FFFMFM",  # no report for W21 or W23
        "赵六": ".FFFFL",  # not expected in W18 (joined in W19); W23 published 8 days late
    }


def test_team_plain_one_week_names_everyone_and_says_how_late(capsys):
    code, out, _ = run(capsys, "team", TEAM)
    assert code == 0
    assert out.splitlines()[0] == "2024-W23  filed 2: 张三, 李四 · late 1: 赵六 · missing 1: 王五"
    late = next(ln for ln in out.splitlines() if ln.startswith("赵六"))
    assert "late" in late and "2024-06-17 (+8 d)" in late and late.rstrip().endswith("zhaoliu-2024-06-03.md")
    assert "\x1b" not in out  # no colour in a pipe


def test_team_plain_several_weeks_is_a_grid_with_totals(capsys):
    code, out, _ = run(capsys, "team", "--weeks", "3", TEAM)
    lines = out.splitlines()
    assert lines[0] == "2024-W21 – 2024-W23"
    assert lines[2].split() == ["person", "W21", "W22", "W23"]
    assert lines[5].split() == ["王五", "missing", "filed", "missing"]
    assert lines[7].split() == ["total", "3/4", "4/4", "3/4"]


@pytest.mark.parametrize("week", ["2024-W21", "2024w21", "2024-05-22", "周报 2024.05.20-2024.05.26"])
def test_week_argument(capsys, week):
    code, out, _ = run(capsys, "team", "--json", "--week", week, TEAM)
    rows = json.loads(out)
    assert code == 0 and {r["week"] for r in rows} == {"2024-W21"}
    assert [r["status"] for r in rows] == ["filed", "filed", "missing", "filed"]


@pytest.mark.parametrize("week", ["next tuesday", "2024-W54", "第99周"])
def test_an_unknown_week_is_a_usage_error_naming_recent_weeks(capsys, week):
    code, out, err = run(capsys, "team", "--week", week, TEAM)
    assert code == 2 and out == "" and "2024-W23" in err


@pytest.mark.parametrize("n", ["0", "many"])
def test_weeks_must_be_a_positive_number(capsys, n):
    with pytest.raises(SystemExit) as exc:
        main(["team", "--weeks", n, TEAM])
    assert exc.value.code == 2


def test_members_from_the_settings(capsys, tmp_path):
    # A member who never filed is missing every week; a configured spelling finds its author.
    cfg = config(tmp_path, '[authors]\naliases = {"王五" = ["wangwu"]}\n\n'
                           '[team]\nmembers = ["赵六", "张三", "wangwu", "钱七"]\n')
    code, out, _ = run(capsys, "team", "--json", "--config", cfg, "--weeks", "2", TEAM)
    rows = [(r["author"], r["week"], r["status"]) for r in json.loads(out)]
    assert rows == [
        ("赵六", "2024-W22", "filed"), ("张三", "2024-W22", "filed"), ("王五", "2024-W22", "filed"),
        ("钱七", "2024-W22", "missing"), ("李四", "2024-W22", "filed"),  # filed, though not a member
        ("赵六", "2024-W23", "late"), ("张三", "2024-W23", "filed"), ("王五", "2024-W23", "missing"),
        ("钱七", "2024-W23", "missing"), ("李四", "2024-W23", "filed"),
    ]


def test_late_after_days_from_the_settings(capsys, tmp_path):
    cfg = config(tmp_path, "[team]\nlate_after_days = 8\n")
    code, out, _ = run(capsys, "team", "--json", "--config", cfg, "--weeks", "4", TEAM)
    statuses = {(r["author"], r["week"]): r["status"] for r in json.loads(out)}
    assert statuses[("赵六", "2024-W23")] == "filed"  # 8 days after: no longer late
    assert statuses[("李四", "2024-W20")] == "late"  # 9 days after: still late


def test_a_report_counts_for_every_week_it_covers(capsys, tmp_path):
    for who, title, created in [
        ("ann", "# Weekly 2024.06.03-2024.06.09", "2024-06-07"),
        ("ann", "# Fortnight 2024.06.10-2024.06.23", "2024-06-21"),
        ("bob", "# Weekly 2024.06.03-2024.06.09", "2024-06-07"),
        ("bob", "# Weekly 2024.06.17-2024.06.23", "2024-06-21"),
    ]:
        (tmp_path / who).mkdir(exist_ok=True)
        (tmp_path / who / f"{created}.md").write_text(f"{title}\n\nCreated: {created}\nAuthor: {who}\n\n- x\n",
                                                      encoding="utf-8")
    code, out, _ = run(capsys, "team", "--json", "--weeks", "3", str(tmp_path))
    got = {(r["author"], r["week"]): r["status"] for r in json.loads(out)}
    assert got == {("ann", "2024-W23"): "filed", ("bob", "2024-W23"): "filed",
                   ("ann", "2024-W24"): "filed", ("bob", "2024-W24"): "missing",  # ann's fortnight covers W24
                   ("ann", "2024-W25"): "filed", ("bob", "2024-W25"): "filed"}


# ── digest ──────────────────────────────────────────────────────────────────────────────────────

DIGEST_W23 = {
    "week": "2024-W23",
    "people": [
        {"author": "张三", "status": "filed", "paths": [path_of("zhangsan", "2024-06-03")]},
        {"author": "李四", "status": "filed", "paths": [path_of("lisi", "2024-06-03")]},
        {"author": "王五", "status": "missing", "paths": []},
        {"author": "赵六", "status": "late", "paths": [path_of("zhaoliu", "2024-06-03")]},
    ],
    "projects": [
        {"name": "支付路由", "entries": [
            {"author": "张三", "text": "【支付路由】灰度全部完成，进度100%", "change": "done"},
            {"author": "李四", "text": "【支付路由】配合灰度验证", "change": "same"}]},
        {"name": "对外文档", "entries": [{"author": "张三", "text": "【对外文档】已上线", "change": "done"}]},
        {"name": "监控告警", "entries": [
            {"author": "张三", "text": "【监控告警】本周完成联调\n下一步：告警分级", "change": "same"}]},
        {"name": "对账平台", "entries": [
            {"author": "李四", "text": "【对账平台】差错处理模块，进度50%\n等待上游接口排期", "change": "stalled"}]},
        {"name": "账户中心", "entries": [{"author": "赵六", "text": "【账户中心】账户拆分，进度55%", "change": "progress"}]},
        {"name": "清结算迁移", "entries": [{"author": "赵六", "text": "【清结算迁移】方案评审，进度10%", "change": "new"}]},
    ],
    "dropped": [{"author": "李四", "project": "风控规则", "last_week": "2024-W22"}],
    "kpis": [
        {"author": "张三", "kpi": "入金有效成功率", "value": 99.91, "previous": 99.95, "delta": -0.04, "bad": True},
        {"author": "李四", "kpi": "CD级事故数", "value": 2, "previous": 0, "delta": 2, "bad": True},
        {"author": "李四", "kpi": "生产事件数", "value": 2, "previous": 0, "delta": 2, "bad": True},
        {"author": "张三", "kpi": "年度可用性", "value": 99.99, "previous": 99.99, "delta": 0, "bad": False},
        {"author": "张三", "kpi": "生产事件数", "value": 0, "previous": 0, "delta": 0, "bad": False},
        {"author": "李四", "kpi": "出金有效成功率", "value": 99.985, "previous": 99.98, "delta": 0.005, "bad": False},
        {"author": "赵六", "kpi": "出金有效成功率", "value": 99.95, "previous": 99.9, "delta": 0.05, "bad": False},
        {"author": "赵六", "kpi": "生产事件数", "value": 0, "previous": 0, "delta": 0, "bad": False},
    ],
}


def spec_fields(data: dict) -> dict:
    """The digest JSON with only the fields SPEC §4 names (entries also carry path and line, KPIs unit)."""
    return {
        "week": data["week"],
        "people": data["people"],
        "projects": [{"name": p["name"], "entries": [{k: e[k] for k in ("author", "text", "change")}
                                                     for e in p["entries"]]} for p in data["projects"]],
        "dropped": [{k: d[k] for k in ("author", "project", "last_week")} for d in data["dropped"]],
        "kpis": [{k: m[k] for k in ("author", "kpi", "value", "previous", "delta", "bad")} for m in data["kpis"]],
    }


def test_digest_json_of_the_newest_week(capsys):
    code, out, _ = run(capsys, "digest", "--format", "json", TEAM)
    data = json.loads(out)
    assert code == 0 and spec_fields(data) == DIGEST_W23
    entry = data["projects"][0]["entries"][0]
    assert (entry["path"], entry["line"]) == (path_of("zhangsan", "2024-06-03"), 9)
    assert data["dropped"][0]["path"] == path_of("lisi", "2024-05-27")
    assert data["kpis"][0]["unit"] == "%"


def test_digest_json_of_an_earlier_week(capsys):
    # W22: 王五 is back after a missed week (compared with his W20 report), 商户门户 已全量上线 is done,
    # 数据看板 is dropped since W20, 对账平台 is stalled after 3 reports at 50 %.
    code, out, _ = run(capsys, "digest", "--format", "json", "--week", "2024-W22", TEAM)
    data = json.loads(out)
    changes = {(e["author"], p["name"]): e["change"] for p in data["projects"] for e in p["entries"]}
    assert changes == {
        ("张三", "支付路由"): "progress", ("张三", "对外文档"): "new", ("张三", "监控告警"): "new",
        ("李四", "对账平台"): "stalled", ("李四", "风控规则"): "progress", ("李四", "支付路由"): "new",
        ("王五", "商户门户"): "done", ("赵六", "账户中心"): "progress",
    }
    assert data["dropped"] == [{"author": "王五", "project": "数据看板", "last_week": "2024-W20",
                                "path": path_of("wangwu", "2024-05-13"), "line": 10}]
    assert [p["status"] for p in data["people"]] == ["filed"] * 4


def test_done_words_from_the_settings(capsys, tmp_path):
    cfg = config(tmp_path, '[team]\ndone_words = ["配合灰度验证"]\n')
    code, out, _ = run(capsys, "digest", "--format", "json", "--config", cfg, TEAM)
    changes = {(e["author"], p["name"]): e["change"] for p in json.loads(out)["projects"] for e in p["entries"]}
    assert changes[("李四", "支付路由")] == "done"
    assert changes[("张三", "对外文档")] == "done"  # the built-in words still count


def test_digest_markdown_for_chat(capsys):
    code, out, _ = run(capsys, "digest", TEAM)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# Team week 2024-W23 · 2024-06-03–06-09"
    assert "**Filed (2):** 张三, 李四 · **Late (1):** 赵六 · **Missing (1):** 王五" in lines
    assert "- `stalled` **李四**: 【对账平台】差错处理模块，进度50% (50% for 4 reports)" in lines
    assert "- `progress` **赵六**: 【账户中心】账户拆分，进度55% (40% → 55%)" in lines
    assert "- `dropped` **李四**: 风控规则 — last in 2024-W22 at 30%" in lines
    kpis = lines[lines.index("## KPIs") + 2:]
    assert kpis[0] == "- ▼ **张三** 入金有效成功率: 99.91% (was 99.95%, −0.04)"  # the bad moves first
    uri = (DATA / "team" / "monday" / "zhaoliu-2024-06-03.md").resolve().as_uri()
    assert f"- 赵六: [周报 2024.06.03-2024.06.09](<{uri}>)" in lines


def test_digest_output_into_a_file(capsys, tmp_path):
    target = tmp_path / "digest.html"
    code, out, err = run(capsys, "digest", "--format", "html", "--output", str(target), TEAM)
    assert code == 0 and out == "" and "wrote the digest of 2024-W23" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and all(name in page for name in PEOPLE)
    assert [p.name for p in tmp_path.iterdir()] == ["digest.html"]  # no temporary file left


@pytest.mark.parametrize("where", ["inside", "nested", "the file", "seeds"])
def test_digest_output_inside_a_path_is_refused(capsys, tmp_path, where):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    report = folder / "a.md"
    report.write_text("# 2024-W23\n\nAuthor: ann\n\n- 【x】进度10%\n", encoding="utf-8")
    target, paths = {
        "inside": (folder / "digest.md", [str(folder)]),
        "nested": (folder / "sub" / ".." / "sub" / "d.md", [str(folder)]),
        "the file": (report, [str(report)]),
        "seeds": (SEEDS / "digest.md", []),
    }[where]
    before = sorted(os.listdir(folder)) + sorted(os.listdir(SEEDS))
    code, out, err = run(capsys, "digest", "--output", str(target), *paths)
    assert code == 2 and out == ""
    assert "never writes into report folders" in err
    assert sorted(os.listdir(folder)) + sorted(os.listdir(SEEDS)) == before
    assert report.read_text(encoding="utf-8").startswith("# 2024-W23")


def test_digest_output_through_a_link_into_a_path_is_refused(capsys, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text("# 2024-W23\n\n- x\n", encoding="utf-8")
    (tmp_path / "out").symlink_to(folder)
    code, _, err = run(capsys, "digest", "--output", str(tmp_path / "out" / "d.md"), str(folder))
    assert code == 2 and sorted(os.listdir(folder)) == ["a.md"]


def test_digest_output_into_a_missing_folder_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "digest", "--output", str(tmp_path / "nope" / "d.md"), TEAM)
    assert code == 2 and "no such folder" in err


def test_report_text_is_escaped_in_the_html(capsys, tmp_path):
    (tmp_path / "a.md").write_text(
        "# Weekly 2024.06.03-2024.06.09\n\nAuthor: <img src=x onerror=alert(1)>\n\n## Work\n\n"
        "- 【<script>alert(1)</script>】进度10%\n- 【b】\x1b]0;owned\x07 \"quoted\" & more\n", encoding="utf-8")
    code, out, _ = run(capsys, "digest", "--format", "html", str(tmp_path))
    assert code == 0
    assert "<script" not in out and "<img" not in out and "\x1b" not in out and "\x07" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&quot;quoted&quot; &amp; more" in out


def test_a_library_without_dates_has_no_week(capsys, tmp_path):
    (tmp_path / "notes.md").write_text("# notes\n\n- nothing dated\n", encoding="utf-8")
    code, out, _ = run(capsys, "team", str(tmp_path))
    assert code == 0 and "no dated reports" in out
    code, _, err = run(capsys, "digest", str(tmp_path))
    assert code == 2 and "no dated week" in err


def test_one_persons_folder(capsys):
    # The bundled seeds name no author: one row, `null` in JSON.
    code, out, _ = run(capsys, "team", "--json")
    assert json.loads(out) == [{"author": None, "week": "2024-W29", "status": "filed",
                                "paths": [json.loads(out)[0]["paths"][0]]}]
    code, out, _ = run(capsys, "digest", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["week"] == "2024-W29" and data["people"][0]["author"] is None
    assert all(e["change"] in ("new", "done", "stalled", "progress", "same") for p in data["projects"]
               for e in p["entries"])


def test_long_entries_are_cut_in_what_is_sent_but_whole_in_json(capsys, tmp_path):
    lines = "\n".join(f"    - step {i}" for i in range(1, 11))
    (tmp_path / "a.md").write_text(f"# Weekly 2024.06.03-2024.06.09\n\nAuthor: ann\n\n## Work\n\n- 【Big】\n{lines}\n",
                                   encoding="utf-8")
    code, out, _ = run(capsys, "digest", str(tmp_path))
    md = out.splitlines()
    at = md.index("- `new` **ann**: 【Big】")
    assert md[at + 1:at + 8] == [f"    - step {i}" for i in range(1, 7)] + ["    - … 4 more lines in the report"]
    code, out, _ = run(capsys, "digest", "--format", "json", str(tmp_path))
    assert json.loads(out)["projects"][0]["entries"][0]["text"].count("\n") == 10
    code, out, _ = run(capsys, "digest", "--format", "html", str(tmp_path))
    assert "step 6<" in out and "step 7<" not in out and "4 more lines in the report" in out


def test_a_narrow_terminal_gets_one_mark_a_cell(capsys, monkeypatch):
    monkeypatch.setattr("tui.cli.team.output_width", lambda: 40)
    code, out, _ = run(capsys, "team", "--weeks", "6", TEAM)
    row = next(ln for ln in out.splitlines() if ln.startswith("王五"))
    assert row.split() == ["王五", "✓", "✓", "✓", "✗", "✓", "✗"]
    monkeypatch.setattr("tui.cli.team.output_width", lambda: None)  # a pipe: whole words, however wide
    code, out, _ = run(capsys, "team", "--weeks", "6", TEAM)
    assert next(ln for ln in out.splitlines() if ln.startswith("王五")).split()[4] == "missing"
