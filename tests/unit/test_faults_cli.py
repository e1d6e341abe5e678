"""Every output path is safe: a closed pipe, a full disk or a closed stdout end a command quietly with a
non-zero status; arguments that are not UTF-8 are usage errors; `--limit` takes positive numbers;
global options work before or after the subcommand. Run as processes, as in a shell."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from faultutil import cli_cmd, run_cli
from testpaths import SEEDS
from tui.cli.common import EXIT_OUTPUT, EXIT_PIPE

pytestmark = pytest.mark.slow  # (every subcommand as a process: in `make test`, not in `make check`)

SUBCOMMANDS = [["weeks"], ["weeks", "--json"], ["kpi"], ["kpi", "--json"], ["kpi", "--csv"], ["lint"],
               ["lint", "--json"], ["diff", "2024-W23", "2024-W29"], ["diff", "2024-W23", "2024-W29", "--json"],
               ["search", "贝易转"], ["search", "贝易转", "--json"], ["cache", "info"]]


@pytest.fixture
def many(tmp_path) -> str:
    """Enough reports that `weeks` writes more than a pipe holds."""
    d = tmp_path / "many"
    d.mkdir()
    for n in range(300):
        week = 1 + n % 52
        (d / f"r{n:03d}.md").write_text(f"# 2024-W{week:02d} {'很长的标题' * 30}\n\n- 条目 {n}\n", encoding="utf-8")
    return str(d)


def test_weeks_into_head_ends_quietly(many, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    res = subprocess.run(["sh", "-c", '"$0" weeks "$1" | head -1', cli_cmd()[0], many], capture_output=True,
                         env=env, timeout=120)
    assert res.stdout.decode().startswith("week")
    assert b"Traceback" not in res.stderr and b"Error" not in res.stderr, res.stderr
    proc = subprocess.Popen([*cli_cmd(), "weeks", many], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    err = proc.stderr.read()
    assert proc.wait(60) == EXIT_PIPE
    assert err == b""


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> str:
    """The seeds twenty times over (in twenty folders): every answer is many times what a small pipe holds."""
    root = tmp_path_factory.mktemp("copies")
    for n in range(20):
        shutil.copytree(SEEDS, root / f"copy{n}")
    return str(root)


PIPE_BYTES = 4096  # the smallest a pipe can be: every answer below is several times this


@pytest.mark.parametrize("args", [["weeks", "PATH", "--json"], ["kpi", "PATH", "--json"], ["kpi", "PATH", "--csv"],
                                  ["lint", "PATH", "--json"], ["search", "进度", "PATH", "--json", "--limit", "1000"],
                                  ["diff", "2024-W23", "2024-W29", "SEEDS", "--json"]], ids=" ".join)
def test_every_output_cut_by_a_closed_pipe_exits_141(args, copies, tmp_path):
    """A reader that goes away in the middle of one large write: the part written is taken, the rest
    would fail. Whatever the size of the write, a script must be able to tell a cut answer (141) from
    a whole one (0)."""
    import fcntl

    # (diff needs weeks that name one report each: the seeds themselves)
    args = [{"PATH": copies, "SEEDS": str(SEEDS)}.get(a, a) for a in args]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    whole = run_cli(args, env=env)
    assert whole.returncode in (0, 1) and len(whole.stdout) > 4 * PIPE_BYTES, (len(whole.stdout), whole.stderr)
    proc = subprocess.Popen([*cli_cmd(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    head = proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away (`| head -c 100`)
    err = proc.stderr.read()
    assert proc.wait(60) == EXIT_PIPE, err
    assert head == whole.stdout[:100] and err == b""


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda a: " ".join(a))
def test_output_to_a_full_disk(args, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    with open("/dev/full", "wb") as full:
        res = run_cli([*args, *(["--no-cache"] if args[0] != "cache" else [])], env=env, stdout=full,
                      stderr=subprocess.PIPE)
    assert res.returncode == EXIT_OUTPUT, res.stderr
    assert res.stderr.decode().strip().splitlines()[-1] == \
        "reports-tui: cannot write the output: No space left on device"
    assert b"Traceback" not in res.stderr


@pytest.mark.parametrize("args", [["weeks"], ["kpi", "--csv"], ["lint", "--json"]], ids=" ".join)
def test_output_to_a_closed_stdout(args):
    res = subprocess.run(["sh", "-c", '"$@" >&-', "sh", *cli_cmd(), *args], capture_output=False,
                         stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == EXIT_OUTPUT
    assert res.stderr == b"reports-tui: standard output is closed\n"


def test_arguments_that_are_not_utf8_are_usage_errors():
    for args in (["search", b"\xff\xfe".decode("utf-8", "surrogateescape")],
                 ["diff", b"2024-W23\xff".decode("utf-8", "surrogateescape"), "2024-W29"],
                 ["--search", b"\xff".decode("utf-8", "surrogateescape")]):
        res = run_cli([*args, str(SEEDS)])
        assert res.returncode == 2, (args, res.stderr)
        assert re.search(rb"is not valid UTF-8: '[^']*\\xff", res.stderr) and b"Traceback" not in res.stderr
    res = run_cli(["weeks", b"/no/such/\xff\n".decode("utf-8", "surrogateescape")])
    assert res.returncode == 2
    assert res.stderr == b"reports-tui: no such file or folder: /no/such/\\xff\\n\n"


def test_a_path_that_is_not_utf8_is_a_path(tmp_path):
    d = os.fsencode(tmp_path) + b"/\xff-folder"
    os.mkdir(d)
    shutil.copy(SEEDS / "004_8dc0f4b9bef94dee.txt", os.fsdecode(d) + "/r.txt")
    res = run_cli(["weeks", "--json", "--no-cache", os.fsdecode(d)])
    assert res.returncode == 0
    rows = json.loads(res.stdout)
    assert [os.fsencode(r["path"]) for r in rows] == [d + b"/r.txt"]


@pytest.mark.parametrize("limit", ["0", "-1", "x"])
def test_limit_takes_positive_numbers_only(limit):
    res = run_cli(["search", "贝易转", "--limit", limit])
    assert res.returncode == 2 and b"--limit" in res.stderr and b"Traceback" not in res.stderr


def test_limit_one_gives_one_hit():
    res = run_cli(["search", "贝易转", "--limit", "1", "--json", "--no-cache"])
    assert res.returncode == 0 and len(json.loads(res.stdout)) == 1


def test_global_options_before_or_after_the_subcommand(tmp_path):
    cfg = tmp_path / "settings.toml"
    cfg.write_text('[kpi.aliases]\n"入金有效成功率" = ["入金成功率"]\n', encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    want = run_cli(["kpi", "--json", "--no-cache", "--config", str(cfg)], env=env)
    assert want.returncode == 0
    for args in (["--no-cache", "kpi", "--json", "--config", str(cfg)],
                 ["--config", str(cfg), "--no-cache", "kpi", "--json"],
                 [f"--config={cfg}", "kpi", "--json", "--no-cache"]):
        res = run_cli(args, env=env)
        assert res.returncode == 0, res.stderr
        assert res.stdout == want.stdout
    assert not (tmp_path / "xdg").exists(), "--no-cache before the subcommand was ignored"
