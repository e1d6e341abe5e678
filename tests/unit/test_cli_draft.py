"""`reports-tui draft [PATH ...] [--author NAME] [--week W] [--output FILE]` (SPEC §4)."""

from __future__ import annotations

import json
import subprocess
import sys

from testpaths import DATA, REPO, SEEDS
from tui.cli import main
from tui.index.draft import MARK
from tui.model.parse import parse_report
from tui.model.report import SourceRef

NOTION = DATA / "team" / "notion"
FOLDERS = DATA / "team" / "folders"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_back(text: str):
    return parse_report(text, SourceRef("draft.md"))


def test_draft_prints_next_weeks_report_after_the_newest_seed(capsys):
    code, out, err = run(capsys, "draft")
    assert code == 0, err
    assert out.startswith("# 2024-w27\n\nCreated: 2024年7月")
    assert MARK in out and "\x1b" not in out
    assert read_back(out).week == "2024-W30"


def test_week_picks_the_report_to_start_from(capsys):
    code, out, _ = run(capsys, "draft", str(SEEDS), "--week", "2024-W23")
    assert code == 0 and out.startswith("# 2024-W24\n")
    assert read_back(out).week == "2024-W24"
    code, out, _ = run(capsys, "draft", "--week", "第53周", str(SEEDS))
    assert code == 0 and out.startswith("# 第54周\n") and read_back(out).week == "2024-W01"


def test_in_a_team_folder_author_picks_the_right_person(capsys):
    code, out, err = run(capsys, "draft", str(NOTION), "--author", "李四")
    assert code == 0, err
    back = read_back(out)
    assert back.author == "李四" and "Created by: 李四" in out
    assert back.week == "2024-W24"  # 李四's newest is 2024-W23
    code, out, _ = run(capsys, "draft", str(NOTION), "--author", "王五")
    assert read_back(out).author == "王五" and "【POS改造】" in out and "【实时数仓】" not in out
    code, out, _ = run(capsys, "draft", str(FOLDERS), "--author", "bob")
    assert code == 0 and out.startswith("# Weekly report 2024-W23\n") and "Author: Bob Li" in out
    assert f"- Code reviews: 8 {MARK}" in out and f"- Build success rate: 97.5% {MARK}%" in out


def test_in_a_team_folder_week_may_name_the_person(capsys):
    code, out, _ = run(capsys, "draft", str(NOTION), "--week", "李四@2024-W21")
    assert code == 0
    back = read_back(out)
    assert (back.author, back.week) == ("李四", "2024-W22")
    code, out, _ = run(capsys, "draft", str(NOTION), "--author", "张三", "--week", "2024-W22")
    assert code == 0 and (read_back(out).author, read_back(out).week) == ("张三", "2024-W23")


def test_a_team_folder_without_a_person_is_a_usage_error_that_lists_them(capsys):
    code, out, err = run(capsys, "draft", str(NOTION))
    assert code == 2 and out == ""
    assert "--author" in err and "李四" in err and "王五" in err
    code, _, err = run(capsys, "draft", str(NOTION), "--author", "nobody-like-this")
    assert code == 2 and "no author" in err and "李四" in err


def test_an_unknown_week_is_a_usage_error(capsys):
    code, out, err = run(capsys, "draft", "--week", "2019-W01")
    assert code == 2 and out == "" and "no report matches" in err


def test_output_writes_the_draft_elsewhere(capsys, tmp_path):
    target = tmp_path / "next.md"
    code, out, err = run(capsys, "draft", str(SEEDS), "--output", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("# 2024-w27\n")
    assert "2024-W30" in err
    assert [p.name for p in tmp_path.iterdir()] == ["next.md"]  # (no temporary file left behind)


def test_output_inside_a_report_folder_is_refused_and_nothing_is_written(capsys, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2024-W23.md").write_text("# 2024-W23\n\n## 本周\n\n- 【网关】进度5%\n", encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    for output in (folder / "next.md", folder / "sub" / "next.md", folder / "2024-W23.md"):
        code, out, err = run(capsys, "draft", str(folder), "--output", str(output))
        assert code == 2 and out == "" and "inside the reports" in err
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "2024-W23.md").read_text(encoding="utf-8").startswith("# 2024-W23")
    code, _, err = run(capsys, "draft", "--output", str(SEEDS / "next.md"))  # (no PATH: the bundled seeds)
    assert code == 2 and not (SEEDS / "next.md").exists()


def test_output_that_cannot_be_written_is_an_output_error(capsys, tmp_path):
    code, out, err = run(capsys, "draft", str(SEEDS), "--output", str(tmp_path / "missing" / "next.md"))
    assert code == 74 and "cannot write" in err


def test_a_folder_with_no_reports_has_nothing_to_draft_from(capsys, tmp_path):
    code, out, err = run(capsys, "draft", str(tmp_path))
    assert code == 1 and out == "" and "no report" in err


def test_draft_never_loads_textual_or_rich():
    code = (
        "import json, sys\nfrom tui.cli import main\n"
        "rc = main(['draft'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "sys.stderr.write('\\nLOADED:' + json.dumps([rc, bad]))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    rc, bad = json.loads(res.stderr.rsplit("LOADED:", 1)[1])
    assert rc == 0 and bad == []


def test_help_lists_draft(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    out, _ = capsys.readouterr()
    assert "draft  [PATH ...] [--author NAME] [--week W] [--output FILE]" in out


def test_draft_to_a_full_disk_and_with_a_week_that_is_not_utf8(tmp_path):
    from faultutil import run_cli

    with open("/dev/full", "wb") as full:
        res = run_cli(["draft", "--no-cache"], env={"XDG_CACHE_HOME": str(tmp_path / "xdg")}, stdout=full,
                      stderr=subprocess.PIPE)
    assert res.returncode == 74 and b"No space left on device" in res.stderr and b"Traceback" not in res.stderr
    res = run_cli(["draft", "--week", b"2024-W23\xff".decode("utf-8", "surrogateescape"), str(SEEDS)])
    assert res.returncode == 2 and b"not valid UTF-8" in res.stderr


def test_the_settings_finished_words_leave_a_project_out(capsys, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "w23.md").write_text("# 2024-W23\n\n## 重点工作\n\n- 【贝易转】已归档\n- 【存管】进度40%\n", "utf-8")
    code, out, err = run(capsys, "draft", str(folder))
    assert code == 0, err
    assert "贝易转" in out and "存管" in out  # 已归档 is no finished word of its own
    settings = tmp_path / "settings.toml"
    settings.write_text('[team]\ndone_words = ["已归档"]\n', "utf-8")
    code, out, err = run(capsys, "draft", str(folder), "--config", str(settings))
    assert code == 0, err
    assert "贝易转" not in out and "存管" in out
