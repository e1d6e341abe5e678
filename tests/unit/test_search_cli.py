"""`reports-tui search`: JSON and plain output, `--author`, `--limit`, and answering from the search index
saved in the parse cache — only when it was made from exactly the files there are now."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.cli import search as cli_search

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@pytest.fixture()
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture()
def saved(monkeypatch):
    """Records whether each `reports-tui search` was answered from the saved index."""
    answers: list[bool] = []
    real = cli_search.search_saved_index

    def spy(args, authors):
        got = real(args, authors)
        answers.append(got is not None)
        return got

    monkeypatch.setattr(cli_search, "search_saved_index", spy)
    return answers


def run_json(capsys, *argv) -> list[dict]:
    assert main(["search", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_json_fields_order_and_spans(capsys):
    data = run_json(capsys, "贝易转", str(SEEDS), "--no-cache", "--limit", "5")
    assert len(data) == 5
    assert [d["week"] for d in data[:3]] == ["2024-W29", "2024-W23", "2024-W17"]
    for d in data:
        assert set(d) == {"path", "week", "label", "author", "section", "project", "text", "line", "score", "spans"}
        a, b = d["spans"][0]
        assert d["text"][a:b] == "贝易转"
        assert d["author"] is None or isinstance(d["author"], str)
    assert data[2]["label"] == "2024-W18" and data[2]["line"] == 10 and data[2]["section"] == "重点工作"
    scores = [d["score"] for d in data]
    assert scores == sorted(scores, reverse=True)


def test_json_pinyin(capsys):
    data = run_json(capsys, "byz", str(SEEDS), "--no-cache")
    assert [d["week"] for d in data[:3]] == ["2024-W29", "2024-W23", "2024-W17"]
    assert all(d["project"].startswith("贝易转") for d in data[:3])


def test_plain_output(capsys):
    assert main(["search", "实时数仓", str(SEEDS), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "2024-W17" in out and "实时数仓，整体进度80%。" in out and "\x1b[" not in out


def test_plain_output_colours_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["search", "实时数仓", str(SEEDS), "--no-cache"]) == 0
    assert "\x1b[33;1m实时数仓\x1b[0m" in capsys.readouterr().out


@pytest.mark.parametrize("limit", ["0", "-1", "ten"])
def test_limit_takes_positive_numbers_only(limit, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["search", "贝易转", str(SEEDS), "--limit", limit])
    assert exc.value.code == 2
    assert "--limit" in capsys.readouterr().err


def _team(tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    for who, week, line in [("张三", "2024-W10", "存管路由上线"), ("李四", "2024-W10", "存管路由测试"),
                            ("Jane Doe", "2024-W11", "存管路由 review")]:
        p = folder / who.replace(" ", "_") / f"{week}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"# {week}\n\nCreated by: {who}\n\n## 【重点工作】\n\n- {line}\n", encoding="utf-8")
    return folder


def test_author_filter_json_and_plain(tmp_path, capsys, saved):
    folder = _team(tmp_path)
    everyone = run_json(capsys, "存管路由", str(folder))
    assert {d["author"] for d in everyone} == {"张三", "李四", "Jane Doe"}  # (from their `Created by:` lines)
    for argv in (["存管路由", str(folder), "--author", "zhangsan"], ["by:zs 存管路由", str(folder)]):
        for _ in range(2):  # the normal path, then the saved index
            data = run_json(capsys, *argv)
            assert data and {d["author"] for d in data} == {"张三"}
    assert main(["search", "存管路由", str(folder), "--author", "Jane Doe"]) == 0
    out = capsys.readouterr().out
    assert "(Jane Doe)" in out and "张三" not in out
    assert True in saved


@pytest.mark.slow
def test_the_saved_index_answers_without_the_parser(seeds, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PYTHONPATH": str(REPO)}
    code = ("import json, sys\nfrom tui.cli import main\n"
            f"rc = main(['search', sys.argv[1], {str(seeds)!r}] + sys.argv[2:])\n"
            "mods = [m for m in ('tui.model.parse', 'tui.index.store.cache', 'textual', 'rich', 'pypinyin',"
            " 'tui.index.compare', 'tui.model.report')"
            " if m in sys.modules]\n"
            "sys.stderr.write('\\nLOADED:' + json.dumps([rc, mods]))\n")

    def run(query: str, *more: str) -> tuple[Any, list]:
        res = subprocess.run([sys.executable, "-c", code, query, *(more or ("--json",))], capture_output=True,
                             text=True, env=env, timeout=120)
        rc, mods = json.loads(res.stderr.rsplit("LOADED:", 1)[1])
        assert rc == 0
        return json.loads(res.stdout) if not more else res.stdout, mods

    first, mods = run("贝易转")
    assert "tui.model.parse" in mods  # the first time the reports are parsed, and the index saved
    again, mods = run("贝易转")
    assert again == first and mods == []  # then: the saved index alone
    plain, mods = run("贝易转", "--limit", "3")  # (hits printed as text: without the compare module)
    assert "贝易转" in plain and mods == []
    # the first pinyin query adds pinyin readings to the saved index (the only time pypinyin loads) …
    pin, mods = run("beiyizhuan")
    assert pin and pin[0]["project"].startswith("贝易转") and "pypinyin" in mods
    # … then pinyin is answered from the saved index alone too
    again, mods = run("beiyizhuan")
    assert again == pin and mods == []


@pytest.mark.slow
def test_answers_are_the_same_from_the_saved_index(seeds, capsys, saved):
    queries = ["存管", "贝易转", "贝易砖", "byz", "beiyizhuan", "实时数舱", "in:O2 存管", "week:2024-W23", "kpi:入金",
               "POS 押金", "url:http", "上线"]
    want = {q: run_json(capsys, q, str(seeds), "--no-cache") for q in queries}
    run_json(capsys, "byz", str(seeds))  # the normal path: the index is saved (with pinyin readings)
    del saved[:]
    for q in queries:
        assert run_json(capsys, q, str(seeds)) == want[q], q
    assert saved == [True] * len(queries)


def test_text_output_counts_every_match(seeds, capsys, saved):
    main(["search", "存管", str(seeds), "--limit", "5", "--no-cache"])
    slow = capsys.readouterr()
    main(["search", "存管", str(seeds), "--limit", "5"])
    capsys.readouterr()
    main(["search", "存管", str(seeds), "--limit", "5"])
    fast = capsys.readouterr()
    assert fast.out == slow.out and fast.err == slow.err and "more (use --limit)" in fast.err
    assert saved == [False, True]


def test_changed_new_and_deleted_files_are_never_answered_from_a_stale_index(seeds, capsys, saved):
    run_json(capsys, "存管", str(seeds))
    target = sorted(seeds.glob("*.txt"))[0]
    text = target.read_text(encoding="utf-8")
    touch(target, text + "\n- 新增一行：独一无二的存管词\n")
    for _ in range(2):
        assert [h["text"] for h in run_json(capsys, "独一无二", str(seeds))] == ["新增一行：独一无二的存管词"]
    assert saved[-2:] == [False, True]  # the change is picked up, and the index saved again
    (seeds / "extra.md").write_text("# 2024-W40\n\n## A\n\n- 另一份报告里的独一无二\n", encoding="utf-8")
    assert len(run_json(capsys, "独一无二", str(seeds))) == 2 and saved[-1] is False
    target.unlink()
    assert [h["text"] for h in run_json(capsys, "独一无二", str(seeds))] == ["另一份报告里的独一无二"]
    assert saved[-1] is False
    assert [h["text"] for h in run_json(capsys, "独一无二", str(seeds))] == ["另一份报告里的独一无二"]
    assert saved[-1] is True


def test_a_changed_file_that_is_no_report_only_refreshes_the_record_of_the_files(seeds, capsys, saved):
    (seeds / "empty.md").write_text("", encoding="utf-8")  # a problem, not a report
    run_json(capsys, "存管", str(seeds))
    run_json(capsys, "存管", str(seeds))
    assert saved == [False, True]
    touch(seeds / "empty.md", " \n")
    first = run_json(capsys, "存管", str(seeds))
    assert run_json(capsys, "存管", str(seeds)) == first
    assert saved[2:] == [False, True]


@pytest.mark.slow
def test_a_damaged_saved_index_is_never_trusted(seeds, capsys, saved):
    from tui.index.store.searchdb import cache_file

    want = run_json(capsys, "贝易转", str(seeds), "--no-cache")
    run_json(capsys, "贝易转", str(seeds))
    for part, data in [("lower_off", b"\x01\x02\x03"), ("meta", b"{not json"), ("docs", b"\xff\xfe"),
                       ("entry_tid", b"\xff" * 4000), ("names.projects", b"[]")]:
        with sqlite3.connect(cache_file()) as c:
            c.execute("UPDATE search_parts SET data = ? WHERE name = ?", (data, part))
        assert run_json(capsys, "贝易转", str(seeds)) == want, part
        assert run_json(capsys, "贝易转", str(seeds)) == want, part  # (saved again, sound)
    assert saved[-1] is True


def test_no_cache_neither_reads_nor_writes_it(seeds, capsys, saved):
    from tui.index.store.searchdb import cache_file

    run_json(capsys, "贝易转", str(seeds), "--no-cache")
    assert saved == [] and not cache_file().exists()


def test_the_bundled_seeds_by_default(capsys, saved):
    first = run_json(capsys, "贝易转")
    assert run_json(capsys, "贝易转") == first and saved == [False, True]
    assert first[0]["path"].endswith("003_42893bb59e695130.txt")


def test_a_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["search", "x", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_the_files_looked_at_include_every_file_a_library_is_read_from(tmp_path):
    # what `reports-tui search` checks before trusting a saved index is at least what the loader reads
    import zipfile

    from tui.index.store.searchdb import scan_state
    from tui.model.source import Candidate, scan

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("a/x.md", "a/b/y.txt", "z.markdown", "Z.MD", ".hidden/h.md", "a/._junk.md", ".dot.md", "notes.pdf"):
        (tmp_path / name).write_text("# 2024-W01\n\n- x\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
        zf.writestr("inner/r.md", "# 2024-W02\n\n- y\n")
    try:
        (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)
        (tmp_path / "l.md").symlink_to(tmp_path / "a" / "x.md")
    except OSError:
        pass
    state = scan_state([str(tmp_path)])
    read = {c.path for c in scan([tmp_path]) if isinstance(c, Candidate)}
    assert read and read <= set(state)
    assert str(tmp_path / "export.zip") in state and str(tmp_path / "notes.pdf") in state


@pytest.mark.parametrize("fork", ["forks", "cannot fork", "no fork"])
def test_the_files_are_walked_aside_with_the_same_result(seeds, capsys, saved, monkeypatch, fork):
    # the walk runs in a child process where one can be started, else in the process itself: either way the
    # fingerprint is that of the files, and a change made after saving is seen
    from tui.index.store.searchdb import fingerprint, fingerprint_soon, scan_state

    if fork == "cannot fork":
        def refuse():
            raise OSError("no more processes")
        monkeypatch.setattr(os, "fork", refuse)
    elif fork == "no fork":
        monkeypatch.delattr(os, "fork", raising=False)
    assert fingerprint_soon([str(seeds)])() == fingerprint(scan_state([str(seeds)]))
    first = run_json(capsys, "存管", str(seeds))
    assert run_json(capsys, "存管", str(seeds)) == first and saved == [False, True]
    touch(sorted(seeds.glob("*.txt"))[0], "# 2024-W01\n\n- 只剩这一行\n")
    assert run_json(capsys, "只剩这一行", str(seeds))[0]["text"] == "只剩这一行" and saved[-1] is False
