"""Odd files and folders: only regular files are read, within bounds; walks are iterative and never
leave the PATH given; what is skipped is a recorded problem. Each case runs the CLI as a user would
(a separate process, bounded: a hang fails the test after 10 s), and checks that the report folder is
byte for byte unchanged afterwards."""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path

import pytest

from faultutil import folder_digest, run_cli, sparse_file, unprivileged, zip_with_declared_sizes
from tui.index.load import load_library
from tui.model import source
from tui.model.report import Finding

pytestmark = pytest.mark.slow  # (mostly the command line as a process: in `make test`, not in `make check`)

REPORT = "# {week} 周报\n\n## 【O1 业务】\n\n- 【贝易转】进度50%\n"
HANG = 10  # seconds: a case that takes longer has hung


@pytest.fixture
def folder(tmp_path) -> Path:
    """A report folder holding one good report."""
    d = tmp_path / "reports"
    d.mkdir()
    (d / "good.md").write_text(REPORT.format(week="2024-W10"), encoding="utf-8")
    return d


def weeks_json(path: Path, *extra: str, timeout: float = HANG) -> tuple[list[dict], str]:
    """`reports-tui weeks --json PATH --no-cache` as a process: (rows, stderr); fails on a hang."""
    res = run_cli(["weeks", "--json", "--no-cache", str(path), *extra], timeout=timeout)
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    out = res.stdout.decode("utf-8")  # (must be valid UTF-8)
    return json.loads(out), res.stderr.decode("utf-8")


def lint_rows(path: Path, prefix=()) -> tuple[int, list[dict]]:
    res = run_cli(["lint", "--json", "--no-cache", str(path)], timeout=HANG, prefix=list(prefix))
    return res.returncode, json.loads(res.stdout.decode("utf-8"))


def problems(rows: list[dict]) -> dict[str, str]:
    return {os.path.basename(r["path"].split(":")[0]): r["message"] for r in rows if r["level"] == "problem"}


# ── special files ────────────────────────────────────────────────────────────────────────────────


def test_a_fifo_named_like_a_report_is_a_problem_never_opened(folder):
    os.mkfifo(folder / "z.md")
    before = folder_digest(folder)
    rows, _ = weeks_json(folder)
    assert [r["week"] for r in rows] == ["2024-W10"]
    code, lint = lint_rows(folder)
    assert code == 1 and problems(lint) == {"z.md": "not a regular file (a FIFO)"}
    assert folder_digest(folder) == before


def test_a_symlink_to_dev_zero_and_to_a_fifo_are_problems(folder, tmp_path):
    os.symlink("/dev/zero", folder / "x.md")
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "pipe", folder / "p.md")
    os.symlink(tmp_path / "nowhere", folder / "broken.md")
    before = folder_digest(folder)
    rows, _ = weeks_json(folder)
    assert [r["week"] for r in rows] == ["2024-W10"]
    _, lint = lint_rows(folder)
    assert problems(lint) == {"x.md": "not a regular file (a link to device)",
                              "p.md": "not a regular file (a link to FIFO)",
                              "broken.md": "broken link: No such file or directory"}
    assert folder_digest(folder) == before


def test_special_files_given_as_paths_and_as_config(folder, tmp_path):
    os.mkfifo(tmp_path / "fifo.md")
    res = run_cli(["weeks", "--no-cache", "/dev/zero", str(tmp_path / "fifo.md"), str(folder)], timeout=HANG)
    assert res.returncode == 0
    assert b"not a regular file (a device)" in res.stderr and b"not a regular file (a FIFO)" in res.stderr
    res = run_cli(["weeks", "--no-cache", "--config", "/dev/zero", str(folder)], timeout=HANG)
    assert res.returncode == 0 and b"2024-W10" in res.stdout
    assert b"cannot read settings /dev/zero: not a regular file (a device)" in res.stderr


def test_a_config_file_that_is_too_large_is_not_read(folder, tmp_path):
    big = sparse_file(tmp_path / "config.toml", 300 * 1024 * 1024, head=b'theme = "x"\n')
    res = run_cli(["weeks", "--no-cache", "--config", str(big), str(folder)], timeout=HANG)
    assert res.returncode == 0 and b"2024-W10" in res.stdout
    assert b"too large to read (300 MB; the limit is 1 MB)" in res.stderr


DEEP_SETTINGS = {
    "arrays 500 deep": "x = " + "[" * 500 + "]" * 500 + "\n",            # tomllib: RecursionError
    "inline tables 400 deep": "x = " + "{a=" * 400 + "1" + "}" * 400 + "\n",
    "a table header 2000 deep": "[" + ".".join(["a"] * 2000) + "]\n",    # loads; saving it would recurse
    "a KPI section name 3000 deep": "[kpi]\nsections = [{" + ".".join(["a"] * 3000) + " = 1}]\n",  # str() recurses
}


@pytest.mark.parametrize("text", DEEP_SETTINGS.values(), ids=DEEP_SETTINGS.keys())
def test_settings_nested_too_deep_are_a_notice(folder, tmp_path, text):
    from tui.config import load_config

    cfg_file = tmp_path / "config.toml"
    cfg_file.write_text(text, encoding="utf-8")
    res = run_cli(["weeks", "--no-cache", "--config", str(cfg_file), str(folder)], timeout=HANG)
    assert res.returncode == 0 and b"2024-W10" in res.stdout
    assert b"Traceback" not in res.stderr
    assert res.stderr.decode().splitlines() == [f"reports-tui: cannot read settings {cfg_file}: " + (
        "nested too deeply" if "[[[" in text or "{a={a=" in text else "nested more than 32 deep")]
    cfg = load_config(cfg_file)  # what the app does with it: a notice, the built-in vocabulary, and a
    assert cfg.error and cfg.data == {}  # theme picked later kept for the session, the file left alone
    cfg.vocabulary()
    cfg.set("theme", "nord")
    assert cfg.theme == "nord" and "settings not saved" in cfg.error
    assert cfg_file.read_text(encoding="utf-8") == text


def test_settings_nested_as_deep_as_real_ones_are_read(tmp_path):
    from tui.config import load_config

    cfg_file = tmp_path / "config.toml"
    cfg_file.write_text('[kpi.aliases]\n"入金有效成功率" = ["入金成功率"]\n[a.b.c.d.e.f]\nx = [[[1]]]\n', encoding="utf-8")
    cfg = load_config(cfg_file)
    assert cfg.error is None and "入金成功率" in cfg.vocabulary().kpi_aliases["入金有效成功率"]
    cfg.set("theme", "nord")
    assert cfg.error is None and load_config(cfg_file).data == {**cfg.data, "theme": "nord"}


# ── symlinked folders: never followed ────────────────────────────────────────────────────────────


def test_symlink_loops_and_a_link_to_root_are_not_walked(folder):
    sub = folder / "sub"
    sub.mkdir()
    (sub / "w11.md").write_text(REPORT.format(week="2024-W11"), encoding="utf-8")
    os.symlink(".", folder / "loop")        # lists every report 41 times when followed
    os.symlink(".", folder / "a")           # two of them: exponential
    os.symlink(".", folder / "b")
    os.symlink("..", sub / "up")
    os.symlink("/", folder / "rootlink")    # the whole disk
    before = folder_digest(folder)
    start = time.monotonic()
    rows, _ = weeks_json(folder)
    assert sorted(r["week"] for r in rows) == ["2024-W10", "2024-W11"]
    assert time.monotonic() - start < HANG
    env = {"XDG_CACHE_HOME": str(folder.parent / "xdg")}
    for _ in range(2):  # the cache built, then the search fast path, which checks the files first
        res = run_cli(["search", "贝易转", str(folder), "--json"], env=env, timeout=HANG)
        assert res.returncode == 0 and len(json.loads(res.stdout)) == 2
    assert folder_digest(folder) == before


def test_a_path_given_that_is_a_symlink_is_followed(folder, tmp_path):
    link = tmp_path / "link"
    os.symlink(folder, link)
    rows, _ = weeks_json(link)
    assert [r["week"] for r in rows] == ["2024-W10"]


def test_a_symlinked_report_file_is_read_when_it_points_to_a_regular_file(folder, tmp_path):
    elsewhere = tmp_path / "w12.md"
    elsewhere.write_text(REPORT.format(week="2024-W12"), encoding="utf-8")
    os.symlink(elsewhere, folder / "linked.md")
    rows, _ = weeks_json(folder)
    assert sorted(r["week"] for r in rows) == ["2024-W10", "2024-W12"]


# ── depth, unreadable files and folders ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("depth", [200, 1500, 2100])
def test_deeply_nested_folders_are_walked_without_recursion(tmp_path, depth):
    d = tmp_path / "deep"
    d.mkdir()
    fd = os.open(d, os.O_RDONLY)
    try:
        for _ in range(depth):  # (relative to a folder fd: the full path is longer than PATH_MAX)
            os.mkdir("d", dir_fd=fd)
            nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        with open(os.open("w13.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w", encoding="utf-8") as fh:
            fh.write(REPORT.format(week="2024-W13"))
    finally:
        os.close(fd)
    try:
        res = run_cli(["weeks", "--json", "--no-cache", str(d)], timeout=HANG)
        code, lint = lint_rows(d)
    finally:
        _remove_chain(d, depth)  # (pytest's own clean-up recurses: too deep for it)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    if depth * 2 + len(str(d)) < 4000:
        assert [r["week"] for r in rows] == ["2024-W13"] and code == 0
    else:  # deeper than a path can name: a recorded problem, not a crash
        assert rows == [] and code == 1
        assert [r["message"] for r in lint] == ["cannot read folder: File name too long"]


def _remove_chain(top: Path, depth: int) -> None:
    fds = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    for name in os.listdir(fds[-1]):
        os.unlink(name, dir_fd=fds[-1])
    os.close(fds.pop())
    while fds:
        os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


def test_unreadable_files_and_folders_are_recorded_problems(folder):
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: file modes cannot be made to bind")
    locked = folder / "locked"
    locked.mkdir()
    (locked / "w14.md").write_text(REPORT.format(week="2024-W14"), encoding="utf-8")
    (folder / "secret.md").write_text(REPORT.format(week="2024-W15"), encoding="utf-8")
    os.chmod(locked, 0)
    os.chmod(folder / "secret.md", 0)
    try:
        code, lint = lint_rows(folder, prefix)
    finally:
        os.chmod(locked, 0o755)
        os.chmod(folder / "secret.md", 0o644)
    assert code == 1
    assert problems(lint) == {"locked": "cannot read folder: Permission denied",
                              "secret.md": "cannot read: Permission denied"}


def test_an_unreadable_subfolder_is_a_problem_in_the_walk(folder, monkeypatch):
    """The same without a second process: the walk is told that a folder cannot be listed."""
    locked = folder / "locked"
    locked.mkdir()
    real = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(source.os, "scandir", scandir)
    lib = load_library([folder])
    assert [r.week for r in lib.reports] == ["2024-W10"]
    assert [(p.source.path, p.message) for p in lib.problems] == [
        (str(locked), "cannot read folder: Permission denied")]


# ── size limits, checked before reading ──────────────────────────────────────────────────────────


def test_a_300_mb_file_is_refused_by_its_size(folder):
    sparse_file(folder / "huge.md", 300 * 1024 * 1024)
    before = folder_digest(folder)
    start = time.monotonic()
    code, lint = lint_rows(folder)
    assert time.monotonic() - start < HANG
    assert code == 1 and problems(lint) == {"huge.md": "too large to read (300 MB; the limit is 256 MB)"}
    assert folder_digest(folder) == before


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    f = tmp_path / "grows.md"
    f.write_bytes(b"# 2024-W01\n" + b"x" * 5000)
    real_fstat = os.fstat

    def stale_fstat(fd):  # the size it had when it was opened, before it grew
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(source.os, "fstat", stale_fstat)
    with pytest.raises(source.Unreadable, match="too large"):
        source.read_file(f, 1000)
    assert len(source.read_file(f, 10_000)) == 5011


def test_a_zip_bomb_member_is_refused_by_its_declared_size_before_reading(folder, monkeypatch):
    zip_with_declared_sizes(folder / "bomb.zip", {"bomb.md": 2 ** 30, "ok.md": 17})
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **kw):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *a, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    lib = load_library([folder])
    assert sorted(r.source.display for r in lib.reports)[0].endswith("bomb.zip:ok.md")
    assert [(p.source.member, p.message) for p in lib.problems] == [
        ("bomb.md", "zip member too large (1024 MB; the limit is 64 MB)")]
    assert opened == ["ok.md"]


def test_a_zip_whose_members_add_up_to_a_gigabyte_is_refused_whole(folder):
    members = {f"r{i:02d}.md": 51 * 1024 * 1024 for i in range(20)}  # each under the member limit
    zip_with_declared_sizes(folder / "total.zip", members)
    before = folder_digest(folder)
    start = time.monotonic()
    code, lint = lint_rows(folder)
    assert time.monotonic() - start < HANG
    assert problems(lint) == {"total.zip": "zip archive too large: its reports add up to 1020 MB "
                                           "(the limit is 256 MB)"}
    assert folder_digest(folder) == before


def test_a_zip_member_larger_than_it_declares_is_a_problem(folder):
    zip_with_declared_sizes(folder / "liar.zip", {"liar.md": 20}, real=b"# 2024-W01\n" + b"x" * 2_000_000)
    _, lint = lint_rows(folder)
    assert "liar.zip" in problems(lint)
    assert problems(lint)["liar.zip"].startswith("cannot read")


def test_zip_members_with_parent_and_absolute_names_and_a_zip_inside(folder, tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("nested.md", REPORT.format(week="2024-W20"))
    with zipfile.ZipFile(folder / "export.zip", "w") as zf:
        zf.writestr("../../escape.md", REPORT.format(week="2024-W21"))
        zf.writestr("/etc/absolute.md", REPORT.format(week="2024-W22"))
        zf.writestr("inner.zip", inner.read_bytes())
    before = folder_digest(folder)
    rows, _ = weeks_json(folder)
    got = {(r["member"], r["week"]) for r in rows if r["member"]}
    # Members are read in memory, never extracted: their names are only names. A zip inside a zip is
    # not opened, and says so.
    assert got == {("../../escape.md", "2024-W21"), ("/etc/absolute.md", "2024-W22")}
    code, lint = lint_rows(folder)
    assert code == 1 and [(r["path"], r["message"]) for r in lint if r["level"] == "problem"] == [
        (f"{folder / 'export.zip'}:inner.zip", "a zip archive inside a zip archive is not read (unpack it first)")]
    assert folder_digest(folder) == before
    assert not (tmp_path / "escape.md").exists() and not Path("/etc/absolute.md").exists()


def test_names_with_backslashes_are_names(folder):
    """A backslash is an ordinary character of a file name here: `a\\.md` is a report (it was taken
    for `.md` in a folder `a`, a hidden file, and skipped without a word)."""
    for name, week in (("a\\.md", "2024-W11"), ("b\\c.md", "2024-W12"), ("\\.md", "2024-W13")):
        (folder / name).write_text(REPORT.format(week=week), encoding="utf-8")
    rows, err = weeks_json(folder)
    assert {os.path.basename(r["path"]): r["week"] for r in rows} == {
        "good.md": "2024-W10", "a\\.md": "2024-W11", "b\\c.md": "2024-W12", "\\.md": "2024-W13"}
    plain = run_cli(["weeks", "--no-cache", str(folder)], timeout=HANG).stdout.decode("utf-8")
    assert "a\\.md" in plain and err == ""
    lib = load_library([str(folder)])
    assert sorted(r.source.name for r in lib.reports) == ["\\.md", "a\\.md", "b\\c.md", "good.md"]


def test_zip_members_skipped_are_problems_and_windows_separators_are_folders(folder):
    with zipfile.ZipFile(folder / "export.zip", "w") as zf:
        zf.writestr("team\\2024-W14.md", REPORT.format(week="2024-W14"))   # written on Windows
        zf.writestr("twice.md", REPORT.format(week="2024-W15"))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("twice.md", REPORT.format(week="2024-W16"))
        zf.writestr("notes/.hidden.md", REPORT.format(week="2024-W17"))     # hidden: not a report
        zf.writestr("__MACOSX/._twice.md", b"\0\5")                        # macOS's copies: not reports
        zf.writestr("deeper/more.ZIP", b"PK\5\6" + bytes(18))
    rows, _ = weeks_json(folder)
    assert sorted((r["member"], r["week"]) for r in rows if r["member"]) == [
        ("team\\2024-W14.md", "2024-W14"), ("twice.md", "2024-W16")]  # the last of one name, as zipfile reads
    lib = load_library([str(folder)])
    assert sorted(r.source.name for r in lib.reports) == ["2024-W14.md", "good.md", "twice.md"]
    code, lint = lint_rows(folder)
    assert code == 1
    assert sorted((r["path"].rsplit(":", 1)[1], r["message"]) for r in lint if r["level"] == "problem") == [
        ("deeper/more.ZIP", "a zip archive inside a zip archive is not read (unpack it first)"),
        ("twice.md", "the archive holds more than one member of this name: only the last is read")]


# ── names that are not text ─────────────────────────────────────────────────────────────────────


def test_names_that_are_not_utf8_or_hold_control_characters(folder):
    raw = os.fsencode(folder) + b"/\xff\xfe week.md"
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(REPORT.format(week="2024-W30"))
    (folder / "important.md\nproblem: FORGED LINE.md").write_text(REPORT.format(week="2024-W31"),
                                                                  encoding="utf-8")
    (folder / "c1\x85\x9b31m.md").write_text(REPORT.format(week="2024-W32"), encoding="utf-8")
    before = folder_digest(folder)
    res = run_cli(["weeks", "--json", "--no-cache", str(folder)], timeout=HANG)
    assert res.returncode == 0
    text = res.stdout.decode("utf-8")                      # valid UTF-8
    assert not any("\x80" <= ch <= "\x9f" for ch in text)  # no raw C1 controls
    rows = json.loads(text)
    # JSON keeps the name losslessly: bytes that are not UTF-8 as surrogate escapes (os.fsencode gives
    # the bytes back), a newline as \n.
    assert {os.fsencode(r["path"]) for r in rows} >= {raw, os.fsencode(folder / "important.md\nproblem: FORGED LINE.md")}
    plain = run_cli(["weeks", "--no-cache", str(folder)], timeout=HANG).stdout.decode("utf-8")
    assert "\\xff\\xfe week.md" in plain
    assert "important.md\\nproblem: FORGED LINE.md" in plain
    assert not any(line.startswith("problem: FORGED") for line in plain.splitlines())
    assert "\x85" not in plain and "\x9b" not in plain and "c1\\x85\\x9b31m.md" in plain
    assert folder_digest(folder) == before


def test_the_cache_and_a_name_that_is_not_utf8(folder, tmp_path):
    with open(os.fsencode(folder) + b"/\xff.md", "w", encoding="utf-8") as fh:
        fh.write(REPORT.format(week="2024-W33"))
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then warm
        res = run_cli(["weeks", "--json", str(folder)], env=env, timeout=HANG)
        assert res.returncode == 0, res.stderr
        assert sorted(r["week"] for r in json.loads(res.stdout)) == ["2024-W10", "2024-W33"]


# ── the walk itself ─────────────────────────────────────────────────────────────────────────────


def test_scan_and_read_sources_agree_on_odd_folders(folder, tmp_path):
    os.mkfifo(folder / "f.md")
    os.symlink(".", folder / "loop")
    os.symlink("/dev/null", folder / "null.md")
    sparse_file(folder / "big.md", source.MAX_FILE_BYTES + 1)
    scanned = [(c.ref if not isinstance(c, Finding) else c.source, isinstance(c, Finding))
               for c in source.scan([folder])]
    read = [(r.source if isinstance(r, Finding) else r.ref, isinstance(r, Finding))
            for r in source.read_sources([folder])]
    assert scanned == read
    assert sum(1 for _, problem in read if problem) == 3


def test_a_zip_that_cannot_be_opened_and_a_folder_that_vanishes(folder, monkeypatch):
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    lib = load_library([folder])
    assert [p.message.split(":")[0] for p in lib.problems] == ["not a readable zip archive"]
    gone = folder / "gone"  # (a folder removed between the walk and the read)
    gone.mkdir()
    (gone / "w.md").write_text(REPORT.format(week="2024-W40"), encoding="utf-8")
    cands = list(source.scan([folder]))
    (gone / "w.md").unlink()
    gone.rmdir()
    out = []
    for c in cands:
        if isinstance(c, source.Candidate):
            try:
                source.read_candidate(c)
                out.append("read")
            except (OSError, source.Unreadable):
                out.append("problem")
    assert out.count("problem") == 1


# ── big reports and big folders ─────────────────────────────────────────────────────────────────


def test_a_10_mb_report_is_read_by_a_process_of_its_own(tmp_path, capsys):
    """`weeks --no-cache` on one 10 MB report finds its week, says nothing on stderr and ends within its
    timeout. How the parse time grows with size is measured, not asserted, by
    `benchmarks/bench_parse.py` (10 and 50 MB): timings belong to the benchmarks."""
    import sys

    from testpaths import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_parse import big_report

    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "big.md").write_bytes(big_report(10))
    start = time.monotonic()
    rows, err = weeks_json(folder, timeout=300)
    took = time.monotonic() - start
    with capsys.disabled():
        print(f"\n10 MB report: `weeks --no-cache` in {took:.1f} s")
    assert [r["week"] for r in rows] == ["2024-W10"] and err == ""


def test_lint_messages_stay_small_for_twenty_thousand_reports_of_one_week():
    import datetime as dt

    from tui.index.library import Library
    from tui.model.report import Report, SourceRef

    monday, sunday = dt.date(2024, 1, 1), dt.date(2024, 1, 7)
    lib = Library(reports=[Report(source=SourceRef(f"/r/{n:05d}.md"), text="", title="t", label="2024-W01",
                                  week="2024-W01", start=monday, end=sunday) for n in range(20000)])
    start = time.monotonic()
    findings = lib.lint()
    assert time.monotonic() - start < 30
    # one finding for the week, on its first report, naming the others in `related` (not in the message)
    assert len(findings) == 1
    assert findings[0].message == "20000 reports for 2024-W01"
    assert findings[0].source.display == "/r/00000.md" and len(findings[0].related) == 20000
