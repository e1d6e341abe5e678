"""`--author NAME` for the subcommands: one person's reports of a team's library (no Textual, no Rich)."""

from __future__ import annotations

from ..index.library import Library
from ..model.authors import Aliases, match_author
from ..model.report import Report
from .common import UsageError


def pick_author(lib: Library, name: str | None) -> str | None:
    """The author `--author NAME` means (exact name, a spelling the config lists, else a unique part
    of a name); None without `--author`. An unknown or ambiguous name is a usage error (exit 2)."""
    if name is None:
        return None
    authors = lib.authors()
    who = match_author(name, authors, Aliases(lib.vocab.author_aliases))
    if len(who) == 1:
        return who[0]
    if who:
        raise UsageError(f"--author {name!r} matches several authors: " + ", ".join(who))
    if not authors:
        raise UsageError(f"--author {name!r}: these reports name no author")
    raise UsageError(f"--author {name!r} matches no author; authors: " + ", ".join(authors))


def author_reports(lib: Library, name: str | None) -> list[Report]:
    """The reports `--author NAME` keeps (every report without it), in week order."""
    who = pick_author(lib, name)
    return lib.reports if who is None else lib.by_author(who)
