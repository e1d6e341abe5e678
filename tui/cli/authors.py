"""`--author NAME` for the subcommands: one person's reports of a team's library (no Textual, no Rich)."""

from __future__ import annotations

from ..index.authors import AuthorNames, AuthorNotFound, library_names
from ..index.library import Library
from ..model.report import Report
from .common import UsageError


def resolve_author(names: AuthorNames, name: str) -> str:
    """The one author `--author NAME` means, by the rule of `AuthorNames` (a name, a spelling, a part of
    one, its pinyin, a typo); none or several is a usage error (exit 2) listing the candidates."""
    try:
        return names.find(name)
    except AuthorNotFound as exc:
        raise UsageError(exc.describe(f"--author {name!r}")) from None


def pick_author(lib: Library, name: str | None) -> str | None:
    """The author `--author NAME` means (`resolve_author`); None without `--author`."""
    if name is None:
        return None
    return resolve_author(library_names(lib), name)


def author_reports(lib: Library, name: str | None) -> list[Report]:
    """The reports `--author NAME` keeps (every report without it), in week order."""
    who = pick_author(lib, name)
    return lib.reports if who is None else lib.by_author(who)
