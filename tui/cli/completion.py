"""Shell completion (bash, zsh, fish) by argcomplete, read from the command line's own parsers.

`reports-tui completion SHELL` prints a small script; on each TAB the shell calls `reports-tui` back with
`_ARGCOMPLETE` set, and `complete()` answers from the same parsers `main` dispatches with: subcommands,
options and their choices, report files and folders for PATH, the authors (`--author`) and the weeks
(`diff A B`, `--compare A B`, `--week W`) of the PATHs given so far (the bundled reports when there
are none). Completers are attached by what an argument holds (its `dest`), so a new subcommand or
option completes without an edit here. The call back never imports Textual; a library that cannot be
read within `BUDGET_S` (a first, uncached load of a large folder) completes no names.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Callable, Iterable

SHELLS = ("bash", "zsh", "fish")
PROG = "reports-tui"
BUDGET_S = 2.0  # at most this long to read the library for names (the parse cache makes it ~0.1 s)
REPORT_SUFFIXES = (".md", ".markdown", ".txt", ".zip")
WEEK_DESTS = frozenset({"a", "b", "compare", "week"})
FILE_METAVARS = frozenset({"FILE", "OUTPUT"})  # options that name a file to write (`--output FILE`)
AUTHOR_DESTS = frozenset({"author"})


def cmd_completion(args: argparse.Namespace) -> int:
    """Print the completion script for a shell."""
    sys.stdout.write(script(args.shell))
    return 0


def script(shell: str) -> str:
    """The completion script for `shell` (bash, zsh or fish): it calls `reports-tui` back on TAB."""
    from argcomplete import shellcode

    return shellcode([PROG], shell=shell, use_defaults=False)


# ── the call back on TAB ─────────────────────────────────────────────────────────────────────────

def complete(tui_parser: argparse.ArgumentParser, sub_parser: argparse.ArgumentParser,
             subcommand_argv: Callable[[list[str]], list[str] | None], output: Any = None,
             exit_method: Callable[[int], Any] = os._exit) -> None:
    """Answer the shell's completion request (the environment `_ARGCOMPLETE`, `COMP_LINE`,
    `COMP_POINT` describe it) on file descriptor 8, or `output`, and exit. The parsers are the
    command line's (`main.build_parser`), and `subcommand_argv` tells, as in `main`, whether the words
    hold a subcommand."""
    from argcomplete import CompletionFinder
    from argcomplete.completers import SuppressCompleter
    from argcomplete.lexers import split_line

    line = os.environ.get("COMP_LINE", "")
    point = int(os.environ.get("COMP_POINT", len(line)))
    try:
        words = split_line(line, point)[3][int(os.environ.get("_ARGCOMPLETE", "1")):]
    except Exception:  # (a line the lexer cannot read: complete as at the start)
        words = []
    # The subcommand decides the parser, as in `main`: none yet means the TUI's (PATHs or a subcommand).
    parser = sub_parser if subcommand_argv(words) is not None else tui_parser
    subcommands = [name for a in _actions(sub_parser) if isinstance(a, argparse._SubParsersAction)
                   for name in a.choices]
    attach_completers(tui_parser, subcommands if not _positionals(words, tui_parser) else [])
    attach_completers(sub_parser)

    class Finder(CompletionFinder):
        def _init_debug_stream(self) -> None:
            # argcomplete's debug output goes to descriptor 9, where the shell script points it; it is
            # written only with `_ARC_DEBUG` set, and elsewhere 9 may be another file's descriptor.
            if os.environ.get("_ARC_DEBUG"):
                super()._init_debug_stream()

    Finder()(parser, exit_method=exit_method, output_stream=output, default_completer=SuppressCompleter(),
             always_complete_options=False)  # (options once a `-` is typed, as git and rg do)


def attach_completers(parser: argparse.ArgumentParser, subcommands: list[str] | None = None) -> None:
    """Give every argument of a parser (and of its subcommands) what it completes with; a PATH also
    completes `subcommands`."""
    for action in _actions(parser):
        dest = action.dest
        if dest == "paths":
            action.completer = _paths_completer(subcommands or [])
        elif dest in AUTHOR_DESTS:
            action.completer = _names_completer(authors)
        elif dest in WEEK_DESTS:
            action.completer = _names_completer(weeks)
        elif action.option_strings and action.metavar == "PATH":  # (`--config PATH`: a settings file)
            action.completer = _files_completer((".toml",))
        elif action.option_strings and action.metavar in FILE_METAVARS:
            action.completer = _files_completer()
        elif action.choices is None and not isinstance(action, argparse._SubParsersAction) \
                and action.nargs != 0:
            action.completer = _nothing  # (a query, a number, a host: no file names)


def _actions(parser: argparse.ArgumentParser) -> Iterable[argparse.Action]:
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _actions(sub)


def _positionals(words: list[str], parser: argparse.ArgumentParser) -> bool:
    """Whether a PATH was given among the words before the cursor (then no subcommand can follow)."""
    valued = {o for a in parser._actions if a.option_strings and a.nargs != 0 for o in a.option_strings}
    skip = 0
    for word in words:
        if skip:
            skip -= 1
        elif word in valued:
            skip = next((a.nargs if isinstance(a.nargs, int) else 1) for a in parser._actions
                        if word in a.option_strings)
        elif not word.startswith("-"):
            return True
    return False


def _nothing(**_kwargs: Any) -> list[str]:
    return []


def _paths_completer(subcommands: list[str]) -> Callable[..., Any]:
    files = _files_completer(REPORT_SUFFIXES)

    def complete_paths(prefix: str, **kwargs: Any) -> list[str]:
        return [c for c in subcommands if c.startswith(prefix)] + files(prefix)

    return complete_paths


def _files_completer(suffixes: tuple[str, ...] = ()) -> Callable[..., list[str]]:
    def complete_files(prefix: str, **_kwargs: Any) -> list[str]:
        """Folders (ending in `/`) and files (with one of `suffixes`, when given) that start with
        `prefix`; `~` kept as typed."""
        folder, _, start = prefix.rpartition("/")
        folder = folder + "/" if folder or prefix.startswith("/") else ""
        try:
            entries = list(os.scandir(os.path.expanduser(folder) or "."))
        except OSError:
            return []
        out = []
        for entry in entries:
            if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                out.append(folder + entry.name + "/")
            elif not suffixes or entry.name.lower().endswith(suffixes):
                out.append(folder + entry.name)
        return sorted(out)

    return complete_files


def _names_completer(names_of: Callable[[Any], dict[str, str]]) -> Callable[..., Any]:
    def complete_names(prefix: str, parsed_args: argparse.Namespace, **_kwargs: Any) -> dict[str, str]:
        lib = _library(parsed_args)
        if lib is None:
            return {}
        return {name: about for name, about in names_of(lib).items() if name.startswith(prefix)}

    return complete_names


def _library(parsed_args: argparse.Namespace) -> Any:
    """The library of the PATHs given so far (the bundled reports when none), from the parse cache, or
    None when it cannot be read within the budget."""
    from ..config import load_config
    from ..index.load import load_library
    from ..model.source import Cancelled

    paths = [os.path.expanduser(p) for p in getattr(parsed_args, "paths", None) or []]
    paths = [p for p in paths if os.path.lexists(p)]
    if getattr(parsed_args, "paths", None) and not paths:
        return None
    cfg = load_config(getattr(parsed_args, "config", None))
    deadline = time.monotonic() + BUDGET_S
    try:
        return load_library(paths, vocab=cfg.vocabulary(), use_cache=not getattr(parsed_args, "no_cache", False),
                            cancelled=lambda: time.monotonic() > deadline)
    except (Cancelled, OSError, ValueError):
        return None


def authors(lib: Any) -> dict[str, str]:
    """Every author of a library, with how many reports they wrote."""
    counts: dict[str, int] = {}
    for r in lib.reports:
        if r.author:
            counts[r.author] = counts.get(r.author, 0) + 1
    return {name: f"{n} report{'s' if n != 1 else ''}" for name, n in counts.items()}


def weeks(lib: Any) -> dict[str, str]:
    """How a week argument names each dated report (`2024-W23`; `张三@2024-W23` in a team's folder),
    newest first, with its label."""
    from ..index.library import is_team, report_name

    team = is_team(lib.authors())
    out: dict[str, str] = {}
    for r in reversed(lib.reports):
        if r.week:
            out.setdefault(report_name(r) if team else r.week, r.label)
    return out
