"""`reports-tui draft`: next week's report as Markdown, written from the last one (no Textual, no Rich)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from ..config import load_config, write_atomically
from ..index.draft import draft_report
from ..index.library import Library
from ..model.report import Report
from .authors import author_reports
from .common import EXIT_OK, EXIT_OUTPUT, EXIT_PROBLEM, UsageError, check_output_outside, open_library, say


def cmd_draft(args: argparse.Namespace) -> int:
    """`reports-tui draft`: the Markdown of the report after week W (default: the newest), printed or
    written to `--output FILE` (never inside a PATH)."""
    if args.output:
        check_output_outside(args.output, args.paths)
    lib = open_library(args)
    base = pick_base(lib, args.author, args.week)
    if base is None:
        say("reports-tui: no report to start a draft from")
        return EXIT_PROBLEM
    history = [r for r in lib.reports if r.author == base.author]
    words = load_config(args.config).team().done_words
    draft = draft_report(base, history, datetime.now(), vocab=lib.vocab, words=words)
    if not args.output:
        sys.stdout.write(draft.text)
        return EXIT_OK
    try:
        write_atomically(Path(os.path.abspath(args.output)), draft.text.encode("utf-8"), prefix=".draft-",
                         readable=True)
    except OSError as exc:
        say(f"reports-tui: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_OUTPUT
    say(f"reports-tui: wrote the draft for {draft.week or draft.title} to {args.output}")
    return EXIT_OK


def pick_base(lib: Library, author: str | None, week: str | None) -> Report | None:
    """The report a draft starts from: week W (of `--author NAME` when given), else the newest report of
    that author, or of the only author. A team's library needs one of them (a usage error, exit 2)."""
    reports = author_reports(lib, author)
    pool = lib if author is None else Library(reports=reports, paths=lib.paths, vocab=lib.vocab)
    if week is not None:
        return pool.find(week)
    authors = list(dict.fromkeys(r.author for r in reports if r.author is not None))
    if len(authors) > 1:
        raise UsageError("several people's reports: say whose draft with --author NAME (or --week NAME@WEEK); "
                         "authors: " + ", ".join(authors))
    return pool.newest()
