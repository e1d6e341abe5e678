"""Load many PATHs into a `Library`: reports in week order (undated last) and recorded problems."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..model.report import Finding, Report, SourceRef
from ..model.vocab import DEFAULT_VOCABULARY, Vocabulary
from ..model.weeks import parse_iso_week

ProgressFn = Callable[[int, int | None], None]


def bundled_seeds() -> Path:
    """The folder of sample reports shipped with the package (or the source tree's `seeds/`)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here / "seeds"


class LookupFailed(Exception):
    """A week argument matched no report, or more than one."""

    def __init__(self, query: str, candidates: list[Report], known: list[Report]):
        self.query = query
        self.candidates = candidates
        self.known = known
        if candidates:
            msg = f"{query!r} is ambiguous; it matches:\n" + "\n".join(_describe(r) for r in candidates)
        else:
            msg = f"no report matches {query!r}; known weeks:\n" + "\n".join(_describe(r) for r in known[:40])
            if len(known) > 40:
                msg += f"\n  … and {len(known) - 40} more"
        super().__init__(msg)


def _describe(r: Report) -> str:
    return f"  {r.week or 'undated':<9} {r.label}  ({r.source.display})"


@dataclass
class Library:
    """Every report found under some paths, in week order, and the files that could not be read."""

    reports: list[Report] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    vocab: Vocabulary = field(default_factory=lambda: DEFAULT_VOCABULARY)

    def sort(self) -> None:
        """Put reports in week order, undated last."""
        self.reports.sort(key=lambda r: r.sort_key)

    def find(self, query: str) -> Report:
        """A report by file path, ISO week (`2024-W23`) or label as written (case-insensitive)."""
        q = query.strip()
        by_path = [r for r in self.reports if _same_path(r.source, q)]
        if len(by_path) == 1:
            return by_path[0]
        iso = parse_iso_week(q)
        week = f"{iso[0]}-W{iso[1]:02d}" if iso else None
        label = q.casefold()
        matches = [r for r in self.reports if (week and r.week == week) or r.label.casefold() == label]
        if not matches:
            matches = [r for r in self.reports if label and label in r.label.casefold()]
        if len(matches) == 1:
            return matches[0]
        raise LookupFailed(query, matches or by_path, self.reports)

    def weeks(self) -> list[str]:
        """The distinct ISO weeks of dated reports, in order."""
        seen: dict[str, None] = {}
        for r in self.reports:
            if r.week:
                seen.setdefault(r.week, None)
        return list(seen)

    def lint(self) -> list[Finding]:
        """Problems (unreadable files) and warnings (each report's, duplicate weeks), in file order."""
        out: list[Finding] = list(self.problems)
        by_week: dict[str, list[Report]] = defaultdict(list)
        for r in self.reports:
            out.extend(r.warnings)
            if r.week:
                by_week[r.week].append(r)
        for week, rs in by_week.items():
            if len(rs) > 1:
                names = ", ".join(r.source.display for r in rs[:5])  # (bounded: 20,000 reports of one week)
                names += f" and {len(rs) - 5} more" if len(rs) > 5 else ""
                for r in rs:
                    out.append(Finding("warning", f"{len(rs)} reports for {week}: {names}", source=r.source))
        out.sort(key=lambda f: (f.source.display if f.source else "", f.line or 0))
        return out


def _same_path(ref: SourceRef, q: str) -> bool:
    if ref.display == q or ref.path == q:
        return True
    try:
        return ref.member is None and os.path.samefile(ref.path, q)
    except OSError:
        return False


def load_library(
    paths: Iterable[str | os.PathLike] | None = None,
    vocab: Vocabulary = DEFAULT_VOCABULARY,
    progress: ProgressFn | None = None,
) -> Library:
    """Load every report under the paths (the bundled seeds when none are given)."""
    from ..model.load import load_raw  # (here: the search fast path imports this module without the parser)
    from ..model.source import read_sources

    plist = [str(p) for p in (paths or [])] or [str(bundled_seeds())]
    lib = Library(paths=plist, vocab=vocab)
    done = 0
    for raw in read_sources(plist):
        if isinstance(raw, Finding):
            lib.problems.append(raw)
            continue
        result = load_raw(raw, vocab)
        if isinstance(result, Finding):
            lib.problems.append(result)
        else:
            lib.reports.append(result)
        done += 1
        if progress:
            progress(done, None)
    lib.sort()
    return lib
