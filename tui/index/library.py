"""Load many PATHs into a `Library`: reports in week order (undated last) and recorded problems."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..model.report import REPORT_SUFFIXES, Finding, Report, SourceRef
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from ..model.weeks import parse_iso_week, period_text
from ..model.people import assign_authors as assign_people
from .authors import AliasSuggestion, alias_suggestions, library_names
from .positioned import ColumnReports

if TYPE_CHECKING:
    from .stored import Stored

ProgressFn = Callable[[int, int | None], None]


class _Everyone:
    """The reports of every author (a one-person library, or a team seen as a whole)."""

    def __repr__(self) -> str:
        return "EVERYONE"


EVERYONE = _Everyone()


def bundled_seeds() -> Path:
    """The folder of sample reports shipped with the package (or the source tree's `seeds/`)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here / "seeds"


class LookupFailed(Exception):
    """A week argument matched no report, or more than one."""

    def __init__(self, query: str, candidates: list[Report], known: list[Report], authors: list[str] | None = None):
        self.query = query
        self.candidates = candidates
        self.known = known
        if candidates:
            msg = f"{query!r} is ambiguous; it matches:\n" + "\n".join(_describe(r) for r in candidates)
        elif authors:
            name = query.strip().rpartition("@")[0]
            msg = f"no report matches {query!r}: nobody called {name!r} wrote one; authors:\n  " + ", ".join(authors)
        else:
            msg = f"no report matches {query!r}; known weeks:\n" + "\n".join(_describe(r) for r in known[:40])
            if len(known) > 40:
                msg += f"\n  … and {len(known) - 40} more"
        super().__init__(msg)


def report_name(r: Report) -> str:
    """How a week argument names one report: `2024-W23` (or its label when undated), prefixed by its
    author when it has one (`张三@2024-W23`)."""
    week = r.week or r.label
    return f"{r.author}@{week}" if r.author else week


def _describe(r: Report) -> str:
    if r.author:
        return f"  {report_name(r)}  {r.label}  ({r.source.display})"
    return f"  {r.week or 'undated':<9} {r.label}  ({r.source.display})"


@dataclass
class Library:
    """Every report found under some paths, in week order, and the files that could not be read."""

    reports: list[Report] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    vocab: Vocabulary = field(default_factory=lambda: DEFAULT_VOCABULARY)
    # What the parse cache knew of these reports when it loaded them (their rows, the stored KPI series);
    # None for a library read without the cache.
    stored: Stored | None = field(default=None, compare=False, repr=False)

    def sort(self) -> None:
        """Put reports in week order; undated last, numbered issues by number, the rest in natural order."""
        if not isinstance(self.reports, list):
            self.reports = list(self.reports)  # (a summary's reports, made now: sorting reads them all)
        self.reports.sort(key=lambda r: r.sort_key)

    def find(self, query: str) -> Report:
        """A report by file path, ISO week (`2024-W23`) or label as written (case-insensitive), either
        optionally prefixed by its author (`张三@2024-W23`, `张三@第53周`; the author named by the one
        rule of `authors.AuthorNames`). A week is the week a report is filed under, else a week its period
        covers (`zhangsan@2024-W15` finds the report of 04-06 – 04-19). A week several reports share is
        ambiguous: `LookupFailed` lists them (as `AUTHOR@WEEK` where they have authors)."""
        q = query.strip()
        by_path = [r for r in self.reports if _same_path(r.source, q)]
        if len(by_path) == 1:
            return by_path[0]
        pool = self.reports
        unknown_author = False
        if "@" in q:
            name, _, rest = q.rpartition("@")
            who = set(library_names(self).matches(name)) if rest.strip() and name.strip() else set()
            if who:
                pool = [r for r in self.reports if r.author in who]
                q = rest.strip()
            else:
                unknown_author = True
        matches = _match_week(pool, q)
        if not matches and unknown_author:
            matches = _match_week(pool, query.strip())  # (a label or path holding an @)
        if len(matches) == 1:
            return matches[0]
        raise LookupFailed(query, matches or by_path, pool, self.authors() if unknown_author and not matches else None)

    def open_week(self, query: str) -> Report:
        """The report `reports-tui --week W` opens: `find`, except that a week several reports share (a
        team's, or a week several periods cover) opens the first of them in week order, beside the rest;
        a label or path that names reports of different weeks is still ambiguous (`LookupFailed`)."""
        try:
            return self.find(query)
        except LookupFailed as exc:
            week = parse_iso_week(query.strip().rpartition("@")[2])
            if exc.candidates and week is not None and all(r.week for r in exc.candidates):
                return exc.candidates[0]
            raise

    def newest(self) -> Report | None:
        """The report to open first: the newest dated one (undated reports sort last, but are not news),
        else the highest-numbered issue, else the last (None: no reports)."""
        for r in reversed(self.reports):
            if r.week:
                return r
        numbered = [r for r in self.reports if r.issue is not None]
        return max(numbered, key=lambda r: r.issue) if numbered else (self.reports[-1] if self.reports else None)

    def alias_suggestions(self) -> list[AliasSuggestion]:
        """Authors who look like one person: the same pinyin, the same letters, or a folder spelling of the
        other's name (`authors.alias_suggestions`); never merged unless the config says so."""
        authors = self.authors()
        if len(authors) < 2:
            return []
        return alias_suggestions(library_names(self), Counter(r.author for r in self.reports if r.author))

    def authors(self) -> list[str]:
        """Every author named by a report, in order of their first report."""
        if _columns(self.reports):
            return self.reports.authors()  # type: ignore[union-attr]
        return list(dict.fromkeys(r.author for r in self.reports if r.author is not None))

    def by_author(self, author: str | None) -> list[Report]:
        """One author's reports, in week order."""
        if _columns(self.reports):
            return self.reports.of_author(author)  # type: ignore[union-attr]
        return [r for r in self.reports if r.author == author]

    def weeks(self) -> list[str]:
        """The distinct ISO weeks of dated reports, in order."""
        if _columns(self.reports):
            return self.reports.weeks()  # type: ignore[union-attr]
        seen: dict[str, None] = {}
        for r in self.reports:
            if r.week:
                seen.setdefault(r.week, None)
        return list(seen)

    def lint(self) -> list[Finding]:
        """Problems (unreadable files) and warnings (each report's, and duplicates), in file order.

        A duplicate is two reports of one author (or of no named author) for one period, in one language
        and with the same issue number (or none): a team sharing a week is normal, `2024-05.en.md` beside
        `2024-05.md` is a translation, and issues 42 and 43 of a newsletter are two issues. Each duplicate
        is one finding on its first report, naming every report of the period in `related`.

        Authors who look like one person (`alias_suggestions`) are a warning on the first report of the
        spelling to merge, with the `[authors] aliases` entry that merges them.
        """
        out: list[Finding] = list(self.problems)
        by_period: dict[tuple, list[Report]] = defaultdict(list)
        for r in self.reports:
            out.extend(r.warnings)
            if r.week and r.start and r.end:
                by_period[(r.author, r.start, r.end, _language(r.source.name), r.issue)].append(r)
        for (author, *_), rs in by_period.items():
            if len(rs) > 1:
                r = rs[0]
                when = r.week if r.period in (None, "week") else f"{period_text(r.start, r.end, r.period)} ({r.week})"
                who = f" by {author}" if author else ""
                out.append(Finding("warning", f"{len(rs)} reports{who} for {when}", source=r.source,
                                   related=tuple(x.source for x in rs)))
        for s in self.alias_suggestions():
            first = next(r for r in self.reports if r.author == s.others[0])
            out.append(Finding("warning", f"{' and '.join(s.others)} may be {s.name} ({s.why}): [authors] aliases "
                                          f"{s.entry()}", source=first.source))
        out.sort(key=lambda f: (f.source.display if f.source else "", f.line or 0))
        return out


def _columns(reports: object) -> bool:
    """Whether a library's reports are a summary's (`store.summary.SummaryReports`), whose authors and
    weeks are read from its columns without making every report."""
    return isinstance(reports, ColumnReports)


_LANGUAGE_TAG = re.compile(r"\.([a-z]{2}(?:[-_][A-Za-z]{2,4})?)$")


def _language(name: str) -> str:
    """The language tag of a file name like `2022-09-01.en.md` or `周报.zh-CN.md` ("" when it has none)."""
    stem = name.rsplit(".", 1)[0] if name.lower().endswith(REPORT_SUFFIXES) else name
    mt = _LANGUAGE_TAG.search(stem)
    return mt.group(1).lower() if mt else ""


def _match_week(reports: list[Report], q: str) -> list[Report]:
    """Reports filed under an ISO week (else those whose period covers it) or with a label equal to
    `q`, else those whose label contains it."""
    iso = parse_iso_week(q)
    week = f"{iso[0]}-W{iso[1]:02d}" if iso else None
    label = q.casefold()
    matches = [r for r in reports if (week and r.week == week) or r.label.casefold() == label]
    if not matches and week:
        matches = [r for r in reports if r.week and r.end and week in r.covered_weeks]
    if not matches:
        matches = [r for r in reports if label and label in r.label.casefold()]
    return matches


def is_team(authors: list[str]) -> bool:
    """Whether a library's authors make it a team's: two or more people (a one-person folder, with
    or without its name on the reports, is not)."""
    return len(authors) >= 2


def assign_authors(lib: Library) -> list[str | None]:
    """Give every report of a library its author (`model.people.assign_authors`: its own name, its person
    folder's, the config's aliases); return the names the reports give themselves."""
    return assign_people(lib.reports, lib.paths, lib.vocab.author_aliases)


def _same_path(ref: SourceRef, q: str) -> bool:
    if ref.display == q or ref.path == q:
        return True
    try:
        return ref.member is None and os.path.samefile(ref.path, q)
    except OSError:
        return False
