"""What a search gives back (`SearchResult`: its `Hit`s) and how a line matched on the way there
(`LineMatch`: its score, tier and what its spans are found from, as each tier hands it on)."""

from __future__ import annotations

from typing import Any, NamedTuple

from .query import Query


class Typo(NamedTuple):
    """A fuzzy match of several words: which one was mistyped, and its span (None: a Latin word's, found
    again for the hits shown)."""
    word: int
    span: Any


class LineMatch:
    """How a line (text id) matched: its score, tier and what its spans are found from."""

    __slots__ = ("score", "tier", "info")

    def __init__(self, score: float, tier: str, info: Any = None):
        self.score, self.tier, self.info = score, tier, info


class Hit(NamedTuple):
    """One search result: a line of a report."""

    report: Any  # the library's Report (in the app), or the index's `Doc` (which shows the same fields)
    line: int
    text: str  # the line as written
    section: str
    project: str | None  # project key
    project_name: str | None
    score: float
    spans: list[tuple[int, int]]  # matched characters of `text`
    tier: str  # exact | fuzzy | pinyin | filter
    kind: str  # item | section | title
    order: int = 0  # the report's position in week order
    author: str | None = None

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `search` fields."""
        r = self.report
        return {
            "path": r.source.display, "week": r.week, "label": r.label, "author": self.author,
            "section": self.section, "project": self.project_name, "text": self.text, "line": self.line,
            "score": round(self.score, 1), "spans": [[a, b] for a, b in self.spans],
        }


class SearchResult:
    """Hits best first; how many matched in all (`capped`: at least that many); how many reports were
    searched, of how many there are (`of`: None when every report was searched)."""

    __slots__ = ("query", "hits", "total", "capped", "seconds", "searched", "of")

    def __init__(self, query: Query, hits: list[Hit], total: int, capped: bool = False, seconds: float = 0.0,
                 searched: int = 0, of: int | None = None):
        self.query, self.hits, self.total, self.capped = query, hits, total, capped
        self.seconds, self.searched, self.of = seconds, searched, of

    def __repr__(self) -> str:
        return (f"SearchResult({self.query.raw!r}, {len(self.hits)} hits, total={self.total}, capped={self.capped}, "
                f"searched={self.searched}, of={self.of})")

    @property
    def complete(self) -> bool:
        """Whether every report was searched."""
        return self.of is None or self.searched >= self.of
