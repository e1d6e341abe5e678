"""The subcommands on a team's library: `author` in every JSON record, `--author NAME`, AUTHOR@WEEK,
an author column and whole paths in `weeks`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from testpaths import DATA
from tui.cli import main
from tui.cli.termout import cut_middle, width

NOTION = str(DATA / "team" / "notion")
FOLDERS = str(DATA / "team" / "folders")


@pytest.fixture()
def aliases(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[authors]\naliases = {"张三" = ["zhangsan"]}\n', encoding="utf-8")
    return str(cfg)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_weeks_json_and_author_filter(capsys, aliases):
    code, out, _ = run(capsys, "weeks", "--json", "--config", aliases, NOTION)
    rows = json.loads(out)
    assert code == 0 and len(rows) == 12
    assert [r["author"] for r in rows[:3]] == ["李四", "张三", "王五"]
    code, out, _ = run(capsys, "weeks", "--json", "--config", aliases, "--author", "zhangsan", NOTION)
    assert [(r["author"], r["week"]) for r in json.loads(out)] == [
        ("张三", "2024-W20"), ("张三", "2024-W21"), ("张三", "2024-W22"), ("张三", "2024-W23")]


def test_weeks_plain_has_an_author_column_and_whole_paths(capsys):
    code, out, _ = run(capsys, "weeks", FOLDERS)
    lines = out.splitlines()
    assert lines[0].split() == ["week", "dates", "author", "label", "path"]
    assert any("Bob Li" in ln and ln.rstrip().endswith(f"{FOLDERS}/bob/2024/2024-W21.md") for ln in lines)


def test_weeks_plain_on_a_one_person_folder_has_no_author_column(capsys):
    code, out, _ = run(capsys, "weeks")
    assert "author" not in out.splitlines()[0]


def test_weeks_cuts_the_middle_of_a_path_only_on_a_narrow_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "weeks", NOTION)
    body = out.splitlines()[1:]
    assert all(width(ln) <= 80 for ln in body)
    assert all("…" in ln and ln.rstrip().endswith(".md") for ln in body)  # the file's name stays whole


def test_cut_middle():
    path = "tests/data/team/notion/团队周报 d77d5e50/周报 2024-W20 180077fc.md"
    cut = cut_middle(path, 30)
    assert width(cut) <= 30 and cut.startswith("tests/") and cut.endswith("180077fc.md") and "…" in cut
    assert cut_middle("short.md", 30) == "short.md"


def test_unknown_author_is_a_usage_error(capsys):
    code, _, err = run(capsys, "weeks", "--author", "赵六", NOTION)
    assert code == 2 and "李四" in err and "王五" in err


def test_kpi_rows_name_the_author(capsys, aliases):
    code, out, _ = run(capsys, "kpi", "--json", "--config", aliases, "--author", "张三", NOTION)
    rows = json.loads(out)
    assert {r["author"] for r in rows} == {"张三"}
    assert [r["value"] for r in rows if r["kpi"] == "入金有效成功率"] == [99.904, 99.905, 99.906, 99.905]
    code, out, _ = run(capsys, "kpi", "--csv", NOTION)
    assert "author" in next(csv.reader(io.StringIO(out)))


def test_kpi_table_is_one_block_per_author(capsys, aliases):
    code, out, _ = run(capsys, "kpi", "--config", aliases, NOTION)
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["李四", "张三", "王五"]
    assert "99.905" in blocks[1] and "99.955" not in blocks[1]


def test_diff_author_at_week(capsys, aliases):
    code, out, _ = run(capsys, "diff", "--json", "--config", aliases, "张三@2024-W21", "张三@2024-W22", NOTION)
    data = json.loads(out)
    assert code == 0 and data["a"]["author"] == "张三" and data["b"]["author"] == "张三"
    kpi = next(k for k in data["kpis"] if k["kpi"] == "入金有效成功率")
    assert (kpi["a"], kpi["b"]) == (99.905, 99.906)
    # two people's same week
    code, out, _ = run(capsys, "diff", "--config", aliases, "张三@2024-W22", "李四@2024-W22", NOTION)
    assert code == 0 and out.startswith("A  张三 · 周报 2024-W22") and "B  李四 · 周报 2024-W22" in out


def test_a_bare_shared_week_is_ambiguous(capsys, aliases):
    code, _, err = run(capsys, "diff", "--config", aliases, "2024-W21", "2024-W22", NOTION)
    assert code == 2
    assert "ambiguous" in err and "李四@2024-W21" in err and "张三@2024-W21" in err and "王五@2024-W21" in err


def test_lint_rows_name_the_author(capsys, tmp_path):
    for who in ("alice", "bob"):
        for w in range(1, 4):
            created = "Created: 2024年3月1日 10:00\n" if (who, w) == ("bob", 2) else ""  # W09, not W02
            (tmp_path / who).mkdir(exist_ok=True)
            (tmp_path / who / f"w{w}.md").write_text(f"# Weekly 2024-W0{w}\n\n{created}\n- work\n", encoding="utf-8")
    (tmp_path / "alice" / "notes.md").write_text("# 随手记\n\n- 没有日期\n", encoding="utf-8")  # undated
    code, out, _ = run(capsys, "lint", "--json", str(tmp_path))
    rows = json.loads(out)
    assert any(r["author"] == "bob" and r["path"].endswith("bob/w2.md") for r in rows)
    assert any(r["author"] == "alice" and r["path"].endswith("alice/notes.md") for r in rows)
    code, out, _ = run(capsys, "lint", "--json", "--author", "alice", str(tmp_path))
    alice = json.loads(out)
    assert alice and all(r["author"] == "alice" for r in alice)
    assert not any(r["path"].endswith("bob/w2.md") for r in alice)
    code, out, _ = run(capsys, "lint", "--json", str(DATA / "bad"))
    bad = json.loads(out)
    assert bad and all(r["author"] is None for r in bad)  # unreadable files name nobody
