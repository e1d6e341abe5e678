"""A damaged, planted, busy or unusable parse cache never ends a command nor changes an answer: random
byte damage (seeded), kill -9 while the cache is being built, an unclean shutdown noticed by its marker,
a read-only or missing cache folder, a full disk, and several processes on one cache."""

from __future__ import annotations

import contextlib
import gc
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faultutil import cli_cmd, folder_digest, run_cli, unprivileged
from testpaths import REPO, SEEDS
from tui import cli
from tui.index.store import cache as cache_mod
from tui.index.store import loading

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.slow  # (processes and hundreds of loads: in `make test`, not in `make check`)

CORRUPTIONS = 100  # seeded random damages of one cache file


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """600 generated reports (enough to be parsed in worker processes and to take a while)."""
    out = tmp_path_factory.mktemp("lib") / "reports"
    generate(out, 600, seed=3)
    return out


@pytest.fixture(scope="module")
def large_library(tmp_path_factory) -> Path:
    """1,500 generated reports: the cache is written in batches of `loading.STORE_BATCH`, so a load of 600
    can pass its one stored batch and end between two looks; this one runs on well after its first."""
    out = tmp_path_factory.mktemp("large") / "reports"
    generate(out, 1500, seed=3)
    return out


@pytest.fixture(scope="module")
def small_library(tmp_path_factory) -> Path:
    """300 generated reports: still parsed in worker processes."""
    out = tmp_path_factory.mktemp("small") / "reports"
    generate(out, 300, seed=4)
    return out


def answers(capsys, *paths: Path, extra: tuple[str, ...] = (), notes: list[str] | None = None) -> tuple[str, str]:
    """`weeks --json` and `kpi --json` of the paths, run in this process (`notes`: gets what they said on
    stderr)."""
    out = []
    for cmd in ("weeks", "kpi"):
        assert cli.main([cmd, "--json", *extra, *map(str, paths)]) == 0
        got = capsys.readouterr()
        out.append(got.out)
        if notes is not None:
            notes.append(got.err)
    return out[0], out[1]


def _outcome(notes: list[str]) -> str:
    text = " ".join(notes)
    if "has been rebuilt" in text:
        return "file rebuilt on opening"
    if "will be rebuilt" in text:
        return "damage found mid-run: read without the cache"
    if "damaged row" in text:
        return "rows re-read from the reports"
    return "nothing noticed (the damage was in data these commands do not read)"


# ── random damage ────────────────────────────────────────────────────────────────────────────────


def damage_once(db: Path, pristine: bytes, rng: random.Random) -> None:
    """Write the cache file back with 1, 4 or 16 bytes changed at random offsets."""
    data = bytearray(pristine)
    for _ in range(rng.choice((1, 4, 16))):
        at = rng.randrange(len(data))
        data[at] ^= rng.randrange(1, 256)
    gc.collect()  # (the last run's cache connections: a process of its own would have ended)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(bytes(data))


@contextlib.contextmanager
def collections_of_new_objects_only():
    """`gc.collect()` between runs looks only at what was made since: the objects the test process
    had before (pypinyin's dictionaries, the modules) are frozen, which makes a collection ~100× cheaper."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def test_random_byte_damage_never_changes_an_answer(cache_home, tmp_path, capsys):
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    generate(reports / "more", 12, seed=5)
    want = answers(capsys, reports, extra=("--no-cache",))
    assert answers(capsys, reports) == want  # builds the cache
    db = cache_mod.cache_path()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pristine = db.read_bytes()
    rng = random.Random(2024)
    outcomes: dict[str, int] = {}
    with collections_of_new_objects_only():
        for n in range(CORRUPTIONS):
            damage_once(db, pristine, rng)
            notes: list[str] = []
            got = answers(capsys, reports, notes=notes)
            assert got == want, f"damage #{n} changed an answer"
            outcomes[_outcome(notes)] = outcomes.get(_outcome(notes), 0) + 1
            # Whatever the damage, the cache commands answer.
            assert cli.main(["cache", "info"]) in (0, 1)
            capsys.readouterr()
    print(f"\n{CORRUPTIONS} damaged cache files, identical answers:", outcomes)
    assert sum(outcomes.values()) == CORRUPTIONS
    # (where 100 damages fall varies with the file's layout, so the split varies: some are always noticed)
    assert outcomes.get(_outcome([]), 0) < CORRUPTIONS, "no damage was noticed: the checks were not exercised"
    assert cli.main(["cache", "clear"]) == 0


def test_random_byte_damage_never_ends_a_search(cache_home, tmp_path, capsys):
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    generate(reports / "more", 12, seed=5)
    queries = ("贝易转", "byz", "存管")

    def search(*extra: str) -> list[str]:
        out = []
        for q in queries:
            assert cli.main(["search", q, str(reports), "--json", *extra]) == 0
            out.append(capsys.readouterr().out)
        return out

    want = search("--no-cache")
    assert cli.main(["weeks", str(reports)]) == 0
    capsys.readouterr()
    assert search() == want
    db = cache_mod.cache_path()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pristine = db.read_bytes()
    rng = random.Random(2024)
    with collections_of_new_objects_only():
        for n in range(CORRUPTIONS):
            damage_once(db, pristine, rng)
            got = search()
            if got != want:
                import difflib
                diff = "".join(next(difflib.unified_diff(w.splitlines(True), g.splitlines(True), n=3)
                                    for w, g in zip(want, got) if w != g))
                raise AssertionError(f"damage #{n} changed a search:\n{diff[:3000]}")


def test_a_changed_character_inside_a_stored_name_is_caught(cache_home, tmp_path, capsys):
    """Valid JSON of the right types, one character changed on disk: the checksum catches it (a wrong
    KPI name would otherwise be shown silently)."""
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    want = answers(capsys, reports, extra=("--no-cache",))
    answers(capsys, reports)
    with sqlite3.connect(cache_mod.cache_path()) as c:
        c.execute("UPDATE reports SET head = replace(head, '入金有效成功率', '入金有效成功车')")
        c.execute("UPDATE reports SET text = replace(text, '贝易转', '贝易砖')")
    assert answers(capsys, reports) == want
    lazy = loading.load_library_cached([str(reports)], lazy=True)
    assert all("贝易砖" not in r.text for r in lazy.reports)


# ── kill -9 while the cache is built ─────────────────────────────────────────────────────────────


def _session_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _rows(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as c:
            return c.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_9_during_a_cold_build_then_the_same_answers_and_no_process_left(large_library, tmp_path):
    library = large_library
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "REPORTS_TUI_WORKERS": "2"}
    db = tmp_path / "xdg" / "reports-tui" / cache_mod.FILE_NAME
    before = folder_digest(library)
    proc = subprocess.Popen([*cli_cmd(), "weeks", "--json", str(library)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _rows(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the cold load ended before it could be killed"
        workers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(workers) >= 3, "no worker processes were running"  # the CLI, its fork server, workers
    deadline = time.monotonic() + 10
    while _session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _session_alive(proc.pid), "a process of the killed CLI is still running"
    assert list(db.parent.glob(db.name + cache_mod.MARK + "*")), "the unclean shutdown left no marker"
    stored = _rows(db)
    assert 0 < stored < 1500
    run = lambda *a: run_cli(list(a), env=env, timeout=120)  # noqa: E731
    for cmd in ("weeks", "kpi"):
        warm, fresh = run(cmd, "--json", str(library)), run(cmd, "--json", "--no-cache", str(library))
        assert warm.returncode == 0 and fresh.returncode == 0, warm.stderr
        assert warm.stdout == fresh.stdout
    assert not list(db.parent.glob(db.name + cache_mod.MARK + "*"))
    assert folder_digest(library) == before


def test_an_unclean_shutdown_runs_the_integrity_check(cache_home, tmp_path, capsys):
    """Damage that `weeks` never reads (a search table) goes unnoticed after a clean exit; after an
    unclean one (a marker left by a process that is gone) the quick check finds it and the file is
    rebuilt, with one notice."""
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    generate(reports / "more", 60, seed=9)
    want = answers(capsys, reports, extra=("--no-cache",))
    answers(capsys, reports)
    db = cache_mod.cache_path()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = [p for (p,) in c.execute("SELECT pageno FROM dbstat WHERE name = 'search_rec' AND pagetype = 'leaf'")]
        page_size = c.execute("PRAGMA page_size").fetchone()[0]
    assert pages
    data = bytearray(db.read_bytes())
    at = (pages[len(pages) // 2] - 1) * page_size
    data[at:at + 16] = b"\xff" * 16  # a page header of the search records: garbage
    db.write_bytes(bytes(data))
    assert answers(capsys, reports) == want
    assert "rebuilt" not in capsys.readouterr().err  # a clean exit: no check, the damage is not seen
    dead = subprocess.Popen(["true"])
    dead.wait()
    Path(f"{db}{cache_mod.MARK}{dead.pid}").touch()
    assert cli.main(["weeks", "--json", str(reports)]) == 0
    out = capsys.readouterr()
    assert out.out == want[0]
    assert out.err.count("reports-tui:") == 1 and "after an unclean shutdown" in out.err
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert not Path(f"{db}{cache_mod.MARK}{dead.pid}").exists()


# ── a cache that cannot be used ──────────────────────────────────────────────────────────────────


def test_a_read_only_cache_folder_holding_a_valid_cache(tmp_path):
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made to bind")
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    want = run_cli(["weeks", "--json", "--no-cache", str(reports)], env=env).stdout
    assert run_cli(["weeks", "--json", str(reports)], env=env).stdout == want  # a valid cache
    folder = tmp_path / "xdg" / "reports-tui"
    os.chmod(folder, 0o555)
    try:
        for _ in range(2):
            res = run_cli(["weeks", "--json", str(reports)], env=env, prefix=prefix)
            assert res.returncode == 0 and res.stdout == want
            assert res.stderr.count(b"reports-tui:") <= 1 and b"Traceback" not in res.stderr
        info = run_cli(["cache", "info"], env=env, prefix=prefix)
        assert info.returncode in (0, 1) and b"Traceback" not in info.stderr
        assert b"parse-cache" in info.stdout + info.stderr
        clear = run_cli(["cache", "clear"], env=env, prefix=prefix)
        assert clear.returncode == 1 and b"cannot remove" in clear.stderr and b"Traceback" not in clear.stderr
    finally:
        os.chmod(folder, 0o755)


def test_missing_and_impossible_cache_folders(tmp_path, capsys):
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    want = run_cli(["weeks", "--json", "--no-cache", str(reports)]).stdout
    deep = tmp_path / "not" / "yet" / "there"
    res = run_cli(["weeks", "--json", str(reports)], env={"XDG_CACHE_HOME": str(deep)})
    assert res.returncode == 0 and res.stdout == want and res.stderr == b""
    assert (deep / "reports-tui" / cache_mod.FILE_NAME).is_file()
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    for _ in range(2):
        res = run_cli(["weeks", "--json", str(reports)], env={"XDG_CACHE_HOME": str(a_file)})
        assert res.returncode == 0 and res.stdout == want
        assert res.stderr.count(b"reports-tui:") == 1 and b"cannot be used" in res.stderr
    for action in ("info", "clear"):
        res = run_cli(["cache", action], env={"XDG_CACHE_HOME": str(a_file)})
        assert b"Traceback" not in res.stderr and res.returncode in (0, 1)


def test_a_full_disk_while_storing_is_no_damage(cache_home, tmp_path, capsys, monkeypatch):
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    want = answers(capsys, reports, extra=("--no-cache",))
    answers(capsys, reports)  # a cache worth keeping

    def full(self, *a, **kw):
        raise sqlite3.OperationalError("database or disk is full")

    (reports / "new.md").write_text("# 2024-W40\n\n- 新\n", encoding="utf-8")
    want = answers(capsys, reports, extra=("--no-cache",))
    monkeypatch.setattr(cache_mod.ParseCache, "store", full)
    assert answers(capsys, reports) == want
    assert cache_mod.cache_path().is_file(), "a full disk is not a reason to delete the cache"


# ── several processes on one cache ───────────────────────────────────────────────────────────────


def test_four_processes_build_and_read_one_cache(small_library, tmp_path):
    library = small_library
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    want = run_cli(["weeks", "--json", "--no-cache", str(library)], timeout=120).stdout
    for _ in range(2):  # cold, all at once; then warm
        procs = [subprocess.Popen([*cli_cmd(), "weeks", "--json", str(library)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(4)]
        for p in procs:
            out, err = p.communicate(timeout=180)
            assert p.returncode == 0, err
            assert out == want
            assert b"Traceback" not in err


def test_a_cancelled_parallel_parse_stops_its_workers(library):
    import multiprocessing

    from tui.index.store import loader
    from tui.model.source import Cancelled, Candidate, scan
    from tui.model.vocab import DEFAULT_VOCABULARY

    cands = [c for c in scan([library]) if isinstance(c, Candidate)]
    chunks: list[int] = []
    start = time.monotonic()
    with pytest.raises(Cancelled):
        loader.parse_many(cands, DEFAULT_VOCABULARY, lambda c, p: chunks.append(len(c)), workers=2,
                          cancelled=lambda: bool(chunks))
    assert 1 <= len(chunks) < len(cands) // loader.CHUNK
    assert time.monotonic() - start < 30
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]
