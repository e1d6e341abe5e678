"""`reports-tui digest`: a team's week to send upward, as Markdown, one self-contained HTML page or JSON,
on stdout or into a file that is never inside a report folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..config import write_atomically
from ..index.digest import build_digest, digest_json, digest_markdown
from ..index.library import bundled_seeds
from ..model.text import printable_name
from .common import EXIT_OK, EXIT_OUTPUT, UsageError, json_text, say
from .team import team_context


def cmd_digest(args: argparse.Namespace) -> int:
    """`reports-tui digest [--week W] [--format md|html|json] [--output FILE]`."""
    target = check_output(args.output, args.paths) if args.output else None
    lib, settings, roster, week = team_context(args)
    if week is None:
        raise UsageError("these reports have no dated week to digest")
    d = build_digest(lib.reports, week, settings, lib.vocab, roster)
    if args.format == "json":
        text = json_text(digest_json(d)) + "\n"
    elif args.format == "html":
        from .digest_html import digest_html

        text = digest_html(d)
    else:
        text = digest_markdown(d).text
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomically(target, text.encode("utf-8"), prefix=".digest-", readable=True)
    except OSError as exc:
        say(f"reports-tui: cannot write {printable_name(str(target))}: {exc.strerror or exc}")
        return EXIT_OUTPUT
    say(f"reports-tui: wrote the digest of {week} to {printable_name(str(target))}")
    return EXIT_OK


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # (different drives)
        return False


def check_output(output: str, paths: list[str]) -> Path:
    """Where `--output` writes, once sure it is no report folder or file: inside a PATH (or the bundled
    sample reports when no PATH is given) it is refused (exit 2) and nothing is written."""
    out = Path(output)
    parent = out.parent if str(out.parent) else Path(".")
    if out.name in ("", ".", "..") or out.is_dir():
        raise UsageError(f"--output {printable_name(output)} is a folder; name a file")
    if not parent.is_dir():
        raise UsageError(f"--output {printable_name(output)}: no such folder {printable_name(str(parent))}")
    where = os.path.join(os.path.realpath(parent), out.name)
    if os.path.islink(out):
        where = os.path.realpath(out)  # (a link is written where it points)
    for p in paths or [str(bundled_seeds())]:
        real = os.path.realpath(p)
        if where == real or (os.path.isdir(real) and _inside(where, real)):
            raise UsageError(f"--output {printable_name(output)} is inside the reports' PATH "
                             f"{printable_name(p)}: reports-tui never writes into report folders")
    return Path(where)
