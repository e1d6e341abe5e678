"""Plain output that fits its reader: whole lines in a pipe or a file, cut to the terminal's width (or
`COLUMNS`) on a terminal; `diff` side by side only on a terminal of 100 columns or more unless asked;
options before or after PATH for every subcommand and for the TUI."""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tui.cli.main import SUBCOMMANDS, build_parser, parse_command_line, subparsers
from tui.cli.termout import width

CMD = [sys.executable, "-m", "tui"]
LINK = "[Rust's huge compilation units](https://example.org/blog/2024/03/compilation-units)"
SEEN = "Rust's huge compilation units"
LONG_A = (f"Compile times: {LINK} make incremental builds slow, and the linker spends most of its time "
          "writing debug information nobody reads")
LONG_B = (f"Compile times: {LINK} make incremental builds slower than last week, while the linker spends "
          "less of its time writing debug information")
NAME = "2024-03-04-weekly-engineering-notes.md"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    deep = tmp_path / "reports" / "a-rather-long-folder-name-for-the-build-team" / "2024"
    deep.mkdir(parents=True)
    (deep / NAME).write_text(f"# Build notes 2024-W10\n\n## Builds\n\n- {LONG_A}\n- linker flags tidied\n",
                             encoding="utf-8")
    (deep / "2024-03-11-weekly-engineering-notes.md").write_text(
        f"# Build notes 2024-W11\n\n## Builds\n\n- {LONG_B}\n- linker flags tidied\n- a cache for CI\n",
        encoding="utf-8")
    return tmp_path / "reports"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(extra)
    return env


def piped(args: list[str], env: dict[str, str]) -> str:
    res = subprocess.run(CMD + args, capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout


def on_terminal(args: list[str], env: dict[str, str], cols: int) -> str:
    """Standard output of the command run on a pseudo-terminal `cols` columns wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, cols, 0, 0))
    proc = subprocess.Popen(CMD + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # (the terminal's other end closed: the command is done)
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# ── search ──────────────────────────────────────────────────────────────────────────────────────


def test_search_in_a_pipe_prints_whole_paths_and_lines_as_a_reader_sees_them(folder, tmp_path):
    out = piped(["search", "compilation", str(folder)], environment(tmp_path, COLUMNS="40"))
    path = str(next(folder.rglob(NAME)))
    assert f"{path}:5" in out  # the whole path and its line, though COLUMNS says 40
    assert LONG_A.replace(LINK, SEEN) in out  # the whole line, link text without its target
    assert "](" not in out and "…" not in out and "\x1b" not in out


def test_search_into_a_file_is_not_cut(folder, tmp_path):
    target = tmp_path / "hits.txt"
    with target.open("w") as f:
        subprocess.run(CMD + ["search", "compilation", str(folder)], stdout=f, stderr=subprocess.DEVNULL,
                       timeout=120, env=environment(tmp_path), check=True)
    text = target.read_text(encoding="utf-8")
    assert f"{next(folder.rglob(NAME))}:5" in text and LONG_B.replace(LINK, SEEN) in text


@pytest.mark.parametrize("cols, columns", [(60, None), (200, "72")])
def test_search_on_a_terminal_fits_its_width_and_keeps_file_and_line(folder, tmp_path, cols, columns):
    extra = {"COLUMNS": columns} if columns else {}
    out = on_terminal(["search", "compilation", str(folder), "--color", "never"], environment(tmp_path, **extra),
                      cols)
    fit = int(columns or cols)  # COLUMNS, when set, is the width
    lines = [ln for ln in out.splitlines() if ln]
    assert lines and all(width(ln) <= fit for ln in lines), out
    heads = lines[0::2]
    assert all(re.search(r"notes\.md:5$", h) for h in heads), heads  # the file name's end and its line
    assert any("…" in ln for ln in lines) and "](" not in out


def test_search_colours_its_matches_on_a_terminal(folder, tmp_path):
    out = on_terminal(["search", "compilation", str(folder)], environment(tmp_path), 120)
    assert "\x1b[33;1mcompilation\x1b[0m" in out


# ── diff ────────────────────────────────────────────────────────────────────────────────────────


def test_diff_in_a_pipe_is_unified_with_whole_lines(folder, tmp_path):
    out = piped(["diff", "2024-W10", "2024-W11", str(folder)], environment(tmp_path, COLUMNS="200"))
    assert "│" not in out
    assert any(ln.startswith("- Compile times") for ln in out.splitlines())
    assert any(ln.startswith("+ ") and "a cache for CI" in ln for ln in out.splitlines())
    assert "compilation units make incremental builds slow" in out.replace("[-", "").replace("-]", "")


def test_diff_side_by_side_only_on_a_wide_terminal(folder, tmp_path):
    env = environment(tmp_path)
    wide = on_terminal(["diff", "2024-W10", "2024-W11", str(folder), "--color", "never"], env, 120)
    assert "│" in wide and all(width(ln) <= 120 for ln in wide.splitlines())
    narrow = on_terminal(["diff", "2024-W10", "2024-W11", str(folder), "--color", "never"], env, 99)
    assert "│" not in narrow and "- Compile times" in narrow


def test_diff_layout_can_be_chosen(folder, tmp_path):
    env = environment(tmp_path)
    side = piped(["diff", "--side-by-side", "2024-W10", "2024-W11", str(folder)], env)
    assert "│" in side and all(width(ln) <= 100 for ln in side.splitlines())
    unified = on_terminal(["diff", "2024-W10", "2024-W11", "--unified", str(folder), "--color", "never"], env, 160)
    assert "│" not in unified


def test_side_by_side_keeps_words_whole(folder, tmp_path):
    out = piped(["diff", "2024-W10", "2024-W11", str(folder), "--side-by-side"], environment(tmp_path))
    left = " ".join(ln.split(" │ ")[0][2:] for ln in out.splitlines() if " │ " in ln)
    words = set(LONG_A.replace(LINK, SEEN).split()) | {"Builds", "linker", "flags", "tidied"}
    assert set(left.split()) <= words, set(left.split()) - words


# ── options before and after PATH ───────────────────────────────────────────────────────────────


def _value(action: argparse.Action) -> list[str]:
    """Values an option or positional takes, valid for its type and choices (not its default)."""
    n = {None: 1, "?": 1, "*": 2, "+": 2}.get(action.nargs, action.nargs)
    if action.choices:
        return [str(next(c for c in action.choices if c != action.default))] * n
    for candidate in ("1", "2", "2024-W10", "x"):
        try:
            value = (action.type or str)(candidate)
        except (argparse.ArgumentTypeError, TypeError, ValueError):
            continue
        if value == action.default:
            continue  # (`--weeks 1` is the default: it would not tell whether the option was read)
        return [candidate] * n
    raise AssertionError(f"no sample value for {action.dest}")


def _cases(parser: argparse.ArgumentParser):
    positionals = [v for a in parser._actions if not a.option_strings for v in _value(a)]
    for a in parser._actions:
        if a.option_strings and not isinstance(a, (argparse._HelpAction, argparse._VersionAction)) \
                and a.dest != "version":
            yield a, [a.option_strings[0]] + ([] if a.nargs == 0 else _value(a)), positionals


def test_every_subcommand_takes_its_options_before_and_after_path():
    _, root = build_parser()
    parsers = subparsers(root)
    assert set(parsers) == set(SUBCOMMANDS)
    tried = 0
    for name, parser in parsers.items():
        for action, option, positionals in _cases(parser):
            forms = [option + positionals, positionals + option, positionals[:1] + option + positionals[1:],
                     positionals[:-1] + option + positionals[-1:]]
            parsed = [vars(parse_command_line([name] + form)) for form in forms]
            assert all(p == parsed[0] for p in parsed), (name, action.dest, parsed)
            assert parsed[0][action.dest] != action.default, (name, action.dest)
            tried += 1
    assert tried >= 30


def test_global_options_before_the_subcommand_are_the_same_as_after():
    before = vars(parse_command_line(["--no-cache", "--color", "never", "--config", "c.toml", "search", "q", "p"]))
    after = vars(parse_command_line(["search", "q", "--color", "never", "p", "--config", "c.toml", "--no-cache"]))
    assert before == after and before["paths"] == ["p"] and before["no_cache"]


def test_the_tui_takes_its_options_anywhere():
    tui, _ = build_parser()
    for action, option, positionals in _cases(tui):
        forms = [option + positionals, positionals + option, positionals[:1] + option + positionals[1:]]
        parsed = [vars(parse_command_line(form)) for form in forms]
        assert all(p == parsed[0] for p in parsed), (action.dest, parsed)
        assert parsed[0]["command"] is None and parsed[0]["paths"] == positionals


def test_an_option_between_query_and_path_runs(tmp_path, capsys):
    from tui.cli import main

    team = Path(__file__).resolve().parents[1] / "data" / "team" / "notion"
    assert main(["search", "贝易转", "--author", "张三", str(team), "--json", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert '"author": "张三"' in out and '"author": "李四"' not in out


def test_lint_in_a_pipe_names_the_whole_file_and_line(tmp_path):
    deep = tmp_path / ("a-long-folder-name-that-a-notion-export-makes-" * 3) / "2024"
    deep.mkdir(parents=True)
    (deep / "weekly-notes.md").write_text("# 2024-W10\n\n# 第11周\n\n- text\n", encoding="utf-8")
    res = subprocess.run(CMD + ["lint", str(tmp_path)], capture_output=True, text=True, timeout=120,
                         env=environment(tmp_path))
    where = f"{deep / 'weekly-notes.md'}:3: warning: "
    assert len(where) > 100 and any(ln.startswith(where) for ln in res.stdout.splitlines()), res.stdout


def test_main_builds_its_parsers_once_and_a_second_run_parses_the_same(monkeypatch, capsys):
    """`main()` parses with parsers built once per process: a run after a refused argument, `--help`,
    `--version` or an intermixed PATH answers as the first run did (nothing a parse sets aside stays set)."""
    cli_main = sys.modules["tui.cli.main"]  # (the module: `tui.cli.main` is its function)

    team = Path(__file__).resolve().parents[1] / "data" / "team" / "notion"
    runs = [["search", "贝易转", "--limit", "0", str(team)], ["search", "--help"], ["--version"],
            ["--compare", "2024-W01"], ["search", "贝易转", "--author", "张三", str(team), "--json", "--no-cache"],
            ["weeks", str(team), "--json", "--no-cache"], [str(team), "--bogus"], ["kpi", "--csv", "--json"]]
    built = []
    monkeypatch.setattr(cli_main, "build_parser", lambda real=cli_main.build_parser: built.append(1) or real())
    cli_main.parsers.cache_clear()
    monkeypatch.setenv("COLUMNS", "100")

    def answers():
        got = []
        for argv in runs:
            try:
                code = cli_main.main(list(argv))
            except SystemExit as exc:
                code = f"exit {exc.code}"
            out, err = capsys.readouterr()
            got.append((argv, code, out, err))
        return got

    first = answers()
    assert [code for _, code, _, _ in first] == ["exit 2", "exit 0", "exit 0", "exit 2", 0, 0, "exit 2", "exit 2"]
    assert "usage: reports-tui search" in first[1][2] and '"author": "张三"' in first[4][2]
    assert answers() == first
    assert len(built) == 1
    cli_main.parsers.cache_clear()  # (the next test's parsers are the real build_parser's)
