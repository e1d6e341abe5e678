"""Who is expected to file a report in a week, who filed, who filed late and who did not (pure Python;
no Textual or Rich).

- Expected in week W: the `[team] members` of the settings when set, otherwise everyone who filed in
  one of the `LOOKBACK` weeks before W. Whoever filed in W is on the roster too (a newcomer, a name the
  members list spells another way): a report is never hidden.
- A report counts for every ISO week its period covers (`Report.covered_weeks`).
- Late: published (`Created:`, front matter `date:`) more than `late_after_days` days after its period
  ends. A person with several reports for a week filed on time when one of them was.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from ..config import TeamSettings
from ..model.report import Report
from ..model.text import nfkc
from ..model.weeks import find_dates, iso_week, parse_iso_week, week_bounds
from .authors import AuthorNames
from .formats import source_text

FILED, LATE, MISSING = "filed", "late", "missing"
STATUSES = (FILED, LATE, MISSING)
LOOKBACK = 4  # weeks before W in which filing makes someone expected in W
MAX_WEEKS = 520  # `--weeks N` at most ten years


def week_before(week: str, n: int = 1) -> str:
    """The ISO week `n` weeks before `week` (after it for a negative `n`)."""
    monday, _ = week_bounds(week)
    return iso_week(monday - timedelta(days=7 * n))


def weeks_ending(week: str, count: int) -> list[str]:
    """`count` consecutive ISO weeks ending with `week`, oldest first."""
    return [week_before(week, n) for n in range(count - 1, -1, -1)]


def newest_week(reports: Iterable[Report]) -> str | None:
    """The newest ISO week a report was filed for (None: no dated report)."""
    return max((r.week for r in reports if r.week), default=None)


class UnknownWeek(ValueError):
    """A `--week` argument that names no week."""


def resolve_week(text: str, reports: Sequence[Report]) -> str:
    """The ISO week a `--week` argument names: an ISO week (`2024-W23`, `2024w23`), a date in it
    (`2024-06-05`), or a label as written that all its reports share (`第23周`)."""
    iso = parse_iso_week(text)
    if iso:
        return f"{iso[0]}-W{iso[1]:02d}"
    plain = nfkc(text).strip()
    hits = find_dates(plain)
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(plain):
        return iso_week(hits[0].value)
    label = plain.casefold()
    weeks = sorted({r.week for r in reports if r.week and r.label.casefold() == label})
    if len(weeks) == 1:
        return weeks[0]
    recent = sorted({r.week for r in reports if r.week})[-6:]
    if weeks:
        raise UnknownWeek(f"--week {text!r} is the label of several weeks: " + ", ".join(weeks))
    hint = f"; recent weeks: {', '.join(recent)}" if recent else ""
    raise UnknownWeek(f"--week {text!r} is no ISO week (2024-W23), date or label of a report{hint}")


def published(report: Report) -> date | None:
    """The day a report says it was published (`Created:`, `date:`), if it says."""
    c = report.created
    if isinstance(c, datetime):
        return c.date()
    return c if isinstance(c, date) else None


def is_late(report: Report, late_after_days: int) -> bool:
    """Whether a report was published more than `late_after_days` days after its period ended."""
    day = published(report)
    if day is None or report.end is None:
        return False
    return (day - report.end).days > late_after_days


@dataclass
class RosterCell:
    """One person in one week: `filed`, `late` or `missing`, with the reports that count for the week."""

    author: str | None
    week: str
    status: str
    reports: list[Report] = field(default_factory=list)
    expected: bool = True  # False: not expected that week, but filed

    def to_json(self) -> dict:
        """SPEC §4 `team` row."""
        return {"author": self.author, "week": self.week, "status": self.status,
                "paths": [source_text(r.source) for r in self.reports]}


class Roster:
    """The reports of a library indexed by (author, covered week), answering who filed when."""

    def __init__(self, reports: Iterable[Report], settings: TeamSettings = TeamSettings(),
                 names: AuthorNames | None = None) -> None:
        self.settings = settings
        self._by: dict[tuple[str | None, str], list[Report]] = defaultdict(list)
        self._authors: dict[str, set[str | None]] = defaultdict(set)  # week -> who filed for it
        for r in reports:
            for w in r.covered_weeks:
                self._by[(r.author, w)].append(r)
                self._authors[w].add(r.author)
        if names is None:
            names = AuthorNames(a for k in self._authors.values() for a in k if a is not None)
        self.members: list[str | None] = list(dict.fromkeys(_member(m, names) for m in settings.members))

    def filers(self, week: str) -> set[str | None]:
        """Everyone with a report that counts for the week."""
        return set(self._authors.get(week, ()))

    def expected(self, week: str) -> list[str | None]:
        """Who is expected to file for the week: the members, else who filed in the weeks before."""
        if self.members:
            return list(self.members)
        seen: set[str | None] = set()
        for n in range(1, LOOKBACK + 1):
            seen |= self._authors.get(week_before(week, n), set())
        return sort_people(seen)

    def reports(self, author: str | None, week: str) -> list[Report]:
        """The author's reports that count for the week."""
        return list(self._by.get((author, week), ()))

    def cell(self, author: str | None, week: str, expected: bool = True) -> RosterCell:
        """One person's status in one week."""
        rs = self.reports(author, week)
        if not rs:
            status = MISSING
        elif any(not is_late(r, self.settings.late_after_days) for r in rs):
            status = FILED
        else:
            status = LATE
        return RosterCell(author, week, status, rs, expected)

    def week(self, week: str) -> list[RosterCell]:
        """Everyone on the roster of one week (the expected, then anyone else who filed), in order."""
        expected = self.expected(week)
        others = sort_people(self.filers(week) - set(expected))
        return [self.cell(a, week, True) for a in expected] + [self.cell(a, week, False) for a in others]

    def weeks(self, weeks: Sequence[str]) -> list[RosterCell]:
        """`week` for each of the weeks, in order."""
        return [c for w in weeks for c in self.week(w)]


def _member(name: str, names: AuthorNames) -> str:
    """The author a `[team] members` name means, by the rule `--author` follows (`AuthorNames`: a name,
    a spelling, a part, pinyin, a typo); a name that means no one author stays as written (who then
    never filed)."""
    who = names.matches(name)
    return who[0] if len(who) == 1 else name


def sort_people(people: Iterable[str | None]) -> list[str | None]:
    """Names in a stable order (case-insensitive), reports with no author last."""
    named = sorted((p for p in people if p is not None), key=lambda p: (p.casefold(), p))
    return named + ([None] if None in people else [])


def people_of(cells: Iterable[RosterCell], members: Sequence[str | None] = ()) -> list[str | None]:
    """Every person of some cells: the members first in their order, then the others sorted."""
    seen = {c.author for c in cells}
    first = [m for m in members if m in seen]
    return first + sort_people(seen - set(first))


def counts(cells: Iterable[RosterCell]) -> dict[str, int]:
    """How many cells are filed, late and missing."""
    out = dict.fromkeys(STATUSES, 0)
    for c in cells:
        out[c.status] += 1
    return out


def roster_groups(cells: Sequence[RosterCell], none: str = "(no author)") -> list[tuple[str, list[str]]]:
    """(status, names) for each status some of one week's cells have, in the order filed, late, missing."""
    out = []
    for status in STATUSES:
        names = [c.author if c.author is not None else none for c in cells if c.status == status]
        if names:
            out.append((status, names))
    return out


def roster_line(cells: Sequence[RosterCell]) -> str:
    """`filed 2: 张三, 李四 · late 1: 赵六 · missing 1: 王五` for one week's cells."""
    return " · ".join(f"{status} {len(names)}: " + ", ".join(names)
                      for status, names in roster_groups(cells)) or "nobody expected"
