"""Shell completion: `reports-tui completion bash|zsh|fish` prints a script each shell parses, and the
shell, calling `reports-tui` back, completes subcommands, options, choices, report paths, the
authors and the weeks of the PATH given. Each shell is driven for real where it is installed
(`make test` installs zsh and fish); the call back itself is also checked in-process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testpaths import DATA, REPO, SEEDS
from tui.cli import completion
from tui.cli.main import build_parser, subcommand_argv

BIN = Path(sys.executable).parent
TEAM = DATA / "team" / "notion"
SEED_WEEKS = {"2023-W46", "2023-W52", "2024-W17", "2024-W23", "2024-W29"}


def env(home: Path) -> dict[str, str]:
    """`reports-tui` of this checkout first on PATH, and a cache of the test's own."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
            "ZDOTDIR": str(home), "HOME": str(home)}


def script(shell: str, tmp_path: Path) -> Path:
    res = subprocess.run([BIN / "reports-tui", "completion", shell], capture_output=True, text=True, timeout=60,
                         env=env(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "reports-tui" in res.stdout
    path = tmp_path / f"reports-tui.{shell}"
    path.write_text(res.stdout)
    return path


def need(shell: str) -> str:
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed (`make test` installs it from Debian)")
    return exe


# ── each shell parses its script and completes ──────────────────────────────────────────────────

BASH_COMPLETE = r'''
source "$1"
COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_python_argcomplete reports-tui
printf '%s\n' "${COMPREPLY[@]}"
'''


def bash(tmp_path: Path, line: str) -> list[str]:
    res = subprocess.run(["bash", "-c", BASH_COMPLETE, "bash", str(script("bash", tmp_path)), line],
                         capture_output=True, text=True, timeout=60, env=env(tmp_path), cwd=REPO)
    assert res.returncode == 0, res.stderr
    return [w.strip() for w in res.stdout.splitlines() if w.strip()]


def test_bash_parses_its_script(tmp_path):
    res = subprocess.run(["bash", "-n", str(script("bash", tmp_path))], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_bash_completes_subcommands_options_choices_and_paths(tmp_path):
    assert bash(tmp_path, "reports-tui we") == ["weeks"]
    assert {"weeks", "search", "kpi", "diff", "lint", "keys", "completion", "seeds/", "tests/"} \
        <= set(bash(tmp_path, "reports-tui "))
    assert bash(tmp_path, "reports-tui weeks --au") == ["--author"]
    assert bash(tmp_path, "reports-tui --no-cache weeks --js") == ["--json"]  # a global option first
    assert bash(tmp_path, "reports-tui kpi --color n") == ["never"]
    assert bash(tmp_path, "reports-tui completion z") == ["zsh"]
    assert set(bash(tmp_path, "reports-tui weeks tests/data/team/")) == {
        f"tests/data/team/{d.name}/" for d in (DATA / "team").iterdir() if d.is_dir()}
    assert set(bash(tmp_path, "reports-tui weeks tests/data/gb")) == {"tests/data/gb18030.md", "tests/data/gbk_crlf.md"}
    assert "seeds/" in bash(tmp_path, "reports-tui weeks se")
    assert "search" not in bash(tmp_path, "reports-tui seeds se")  # after a PATH no subcommand can come


def test_bash_completes_the_authors_and_weeks_of_the_path_given(tmp_path):
    assert set(bash(tmp_path, f"reports-tui weeks {TEAM} --author ")) >= {"张三", "李四", "王五"}
    assert set(bash(tmp_path, f"reports-tui lint {TEAM} --author 张")) == {"张三"}
    assert set(bash(tmp_path, "reports-tui diff ")) == SEED_WEEKS  # no PATH yet: the bundled reports
    assert set(bash(tmp_path, "reports-tui diff 2024-W")) == {w for w in SEED_WEEKS if w.startswith("2024")}
    assert set(bash(tmp_path, f"reports-tui {SEEDS} --compare 2024-W17 2023")) == {"2023-W46", "2023-W52"}


def test_zsh_parses_its_script_and_completes(tmp_path):
    zsh = need("zsh")
    path = script("zsh", tmp_path)
    res = subprocess.run([zsh, "-n", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    # The completion system's `_describe` prints what it is given; the rest is the real script.
    code = (f'autoload -U compinit && compinit -u -d {tmp_path}/zcompdump; source {path}; '
            '_describe() { print -rl -- ${(P)2} }; '
            'BUFFER=$1; CURSOR=${#BUFFER}; words=(${=BUFFER}); _python_argcomplete')

    def zsh_complete(line: str) -> list[str]:
        out = subprocess.run([zsh, "-fc", code, "zsh", line], capture_output=True, text=True, timeout=60,
                             env=env(tmp_path), cwd=REPO)
        assert out.returncode == 0, out.stderr
        return [w.split(":")[0] for w in out.stdout.splitlines() if w.strip()]

    assert zsh_complete("reports-tui we") == ["weeks"]
    assert "--author" in zsh_complete("reports-tui weeks --a")
    assert {"张三", "李四"} <= set(zsh_complete(f"reports-tui weeks {TEAM} --author "))


def test_fish_parses_its_script_and_completes(tmp_path):
    fish = need("fish")
    path = script("fish", tmp_path)
    res = subprocess.run([fish, "--no-execute", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr

    def fish_complete(line: str) -> dict[str, str]:
        out = subprocess.run([fish, "--no-config", "-c", f"source {path}; complete -C$argv[1]", line],
                             capture_output=True, text=True, timeout=60, env=env(tmp_path), cwd=REPO)
        assert out.returncode == 0, out.stderr
        return dict((w.split("\t") + [""])[:2] for w in out.stdout.splitlines() if w.strip())

    assert set(fish_complete("reports-tui we")) == {"weeks"}
    assert "--author" in fish_complete("reports-tui weeks --a")
    names = fish_complete(f"reports-tui weeks {TEAM} --author ")
    assert names["李四"] == "4 reports"  # fish shows the description beside each name
    assert set(fish_complete("reports-tui diff 2024-W2")) == {"2024-W23", "2024-W29"}


# ── the call back, in-process ────────────────────────────────────────────────────────────────────

class Done(Exception):
    pass


def complete(monkeypatch, line: str) -> list[str]:
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    monkeypatch.setenv("COMP_LINE", line)
    monkeypatch.setenv("COMP_POINT", str(len(line)))
    monkeypatch.setenv("_ARGCOMPLETE_IFS", "\n")
    out = io.StringIO()

    def stop(code):
        raise Done(code)

    with pytest.raises(Done):
        completion.complete(*build_parser(), subcommand_argv, output=out, exit_method=stop)
    return [w.strip() for w in out.getvalue().split("\n") if w.strip()]


def test_every_subcommand_of_the_parser_is_offered(monkeypatch):
    _, sub = build_parser()
    names = set(next(a for a in sub._actions if a.choices and "weeks" in a.choices).choices)
    offered = set(complete(monkeypatch, "reports-tui "))
    assert names <= offered


def test_a_team_folder_completes_weeks_as_author_at_week(monkeypatch):
    offered = complete(monkeypatch, f"reports-tui diff {TEAM}/x 张三@")  # (an unknown PATH: nothing)
    assert offered == []
    offered = set(complete(monkeypatch, f"reports-tui {TEAM} --compare 张三@"))
    assert offered and all(w.startswith("张三@20") for w in offered)


def test_names_are_given_up_when_the_library_takes_too_long(monkeypatch, tmp_path):
    line = f"reports-tui weeks {TEAM} --no-cache --author "
    assert "李四" in complete(monkeypatch, line)
    monkeypatch.setattr(completion, "BUDGET_S", -1.0)  # (already past the deadline when loading starts)
    assert complete(monkeypatch, line) == []
    assert complete(monkeypatch, "reports-tui we") == ["weeks"]


def test_the_call_back_never_loads_textual():
    code = ("import io, json, os, sys\n"
            "os.environ.update(_ARGCOMPLETE='1', COMP_LINE='reports-tui diff ', COMP_POINT='17')\n"
            "from tui.cli import completion\n"
            "from tui.cli.main import build_parser, subcommand_argv\n"
            "out = io.StringIO()\n"
            "try:\n    completion.complete(*build_parser(), subcommand_argv, output=out, exit_method=sys.exit)\n"
            "except SystemExit:\n    pass\n"
            "print(json.dumps([out.getvalue(), sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))]))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    offered, loaded = json.loads(res.stdout)
    assert "2024-W23" in offered and loaded == []


def test_completers_follow_what_an_argument_holds_so_new_options_complete_without_an_edit(tmp_path):
    """A subcommand added later (`draft --author A --week W --output FILE`) gets its completers from
    its arguments' names."""
    parser = __import__("argparse").ArgumentParser(prog="reports-tui")
    subs = parser.add_subparsers(dest="command")
    p = subs.add_parser("draft")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--author", metavar="A")
    p.add_argument("--week", metavar="W")
    p.add_argument("--output", metavar="FILE")
    p.add_argument("--limit", metavar="N")
    completion.attach_completers(parser)
    by_dest = {a.dest: a.completer for a in p._actions if hasattr(a, "completer")}
    assert by_dest["author"].__name__ == "complete_names" and by_dest["week"].__name__ == "complete_names"
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    assert by_dest["output"](prefix=f"{tmp_path}/") == [f"{tmp_path}/notes.txt", f"{tmp_path}/sub/"]
    assert by_dest["paths"](prefix=f"{tmp_path}/") == [f"{tmp_path}/notes.txt", f"{tmp_path}/sub/"]
    assert by_dest["limit"]() == []
