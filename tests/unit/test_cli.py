"""The subcommands `weeks`, `kpi`, `lint`, `--version`, and their JSON shapes (SPEC §4)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from testpaths import DATA, REPO, SEEDS
from tui import __version__
from tui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_weeks_json_lists_seeds_in_week_order(capsys):
    code, out, _ = run(capsys, "weeks", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["week"] for r in rows] == ["2023-W46", "2023-W52", "2024-W17", "2024-W23", "2024-W29"]
    assert [r["label"] for r in rows] == ["第46周 2023-11-13", "第53周", "2024-W18", "2024-W23", "2024-w26"]
    assert set(rows[0]) == {"path", "member", "author", "label", "week", "start", "end", "title", "warnings"}
    assert all(r["author"] is None for r in rows)  # the seeds name nobody
    assert rows[2]["start"] == "2024-04-22" and rows[2]["end"] == "2024-04-28"
    assert [len(r["warnings"]) for r in rows] == [2, 1, 1, 0, 1]
    assert "第53周" in out  # UTF-8, not ASCII-escaped


def test_weeks_plain_has_labels_and_no_colour_in_a_pipe(capsys):
    code, out, _ = run(capsys, "weeks", str(SEEDS))
    assert code == 0
    assert "第53周" in out and "2024-W29" in out
    assert "\x1b" not in out


def test_weeks_zip_members(capsys):
    code, out, _ = run(capsys, "weeks", "--json", str(DATA / "notion_export.zip"))
    rows = json.loads(out)
    assert [r["week"] for r in rows] == ["2024-W10", "2024-W11"]
    assert rows[0]["member"].startswith("Export-1234/")


def test_undated_last_with_null_week(capsys):
    code, out, _ = run(capsys, "weeks", "--json", str(DATA / "no_title.md"), str(DATA / "kpi_table.md"))
    rows = json.loads(out)
    assert [r["week"] for r in rows] == ["2024-W11", None]


def test_kpi_json_values(capsys):
    code, out, _ = run(capsys, "kpi", "--json")
    rows = json.loads(out)
    assert set(rows[0]) == {"kpi", "week", "label", "path", "author", "value", "unit", "raw"}
    series = [r["value"] for r in rows if r["kpi"] == "入金有效成功率"]
    assert series == [99.997, 99.997, 99.997, 99.987, 99.955]
    weeks = [r["week"] for r in rows]
    assert weeks == sorted(weeks)  # week order
    events = [r["value"] for r in rows if r["kpi"] == "生产事件数"]
    assert events == [2, 1, 1, 11, 7]


def test_kpi_csv(capsys):
    code, out, _ = run(capsys, "kpi", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    cd = [float(r["value"]) for r in rows if r["kpi"] == "CD级事故数"]
    assert cd == [1, 1.5, 0, 1, 0.5]


def test_kpi_table(capsys):
    code, out, _ = run(capsys, "kpi")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("入金有效成功率"))
    assert line.split()[1:] == ["99.997", "99.997", "99.997", "99.987", "99.955"]


def test_lint_reports_problems_and_reads_gbk(capsys):
    code, out, err = run(capsys, "lint", "--json", str(DATA / "bad"))
    assert code == 1
    rows = json.loads(out)
    problems = sorted(os.path.basename(r["path"]) for r in rows if r["level"] == "problem")
    assert problems == ["binary.md", "broken.zip", "empty.md"]
    assert set(rows[0]) == {"path", "author", "level", "message", "line"}
    code, out, err = run(capsys, "weeks", "--json", str(DATA / "bad" / "gbk_report.md"))
    assert json.loads(out)[0]["week"] == "2024-W10"


def test_lint_on_seeds_warns_but_passes(capsys):
    code, out, err = run(capsys, "lint")
    assert code == 0
    assert out.count("warning") == 5
    assert "002_0c977069ea615f33.txt:5: warning: second week heading" in out


def test_lint_duplicate_weeks(capsys):
    code, out, _ = run(capsys, "lint", str(DATA / "gbk_crlf.md"), str(DATA / "utf8_bom.md"))
    assert "2 reports for 2024-W10" in out


def test_missing_path_is_exit_2(capsys):
    code, out, err = run(capsys, "weeks", "/no/such/folder")
    assert code == 2
    assert "no such file or folder" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_colour_env(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "weeks")
    assert "\x1b" not in out


def test_entry_point_runs_as_a_process():
    exe = REPO / ".venv" / "bin" / "reports-tui"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tui"]
    res = subprocess.run(cmd + ["weeks", "--json"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert len(json.loads(res.stdout)) == 5
