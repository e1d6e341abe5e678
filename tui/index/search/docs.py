"""A report as the search index keeps it (`Doc`): where it is, its week, label, author and sort key."""

from __future__ import annotations

import json
from typing import Any

from .parts import DamagedIndex


class Doc:
    """One report in the index: identity (path, member, size, mtime), what hits show and filters read,
    and its sort key (week order). `ref` is the report object hits carry (the library's own report in
    the app); when unset, the `Doc` stands in for it (`source`, `week`, `label`, `author`)."""

    __slots__ = ("path", "member", "size", "mtime", "week", "label", "author", "created", "sort", "ref")

    def __init__(self, path: str, member: str, size: int, mtime: float, week: str | None, label: str,
                 author: str | None, created: str, sort: tuple):
        self.path, self.member, self.size, self.mtime = path, member, size, mtime
        self.week, self.label, self.author, self.created, self.sort = week, label, author, created, sort
        self.ref: Any = None

    @property
    def key(self) -> tuple[str, str, int, float]:
        """What identifies this version of the report."""
        return (self.path, self.member, self.size, self.mtime)

    @staticmethod
    def key_of(report: Any) -> tuple[str, str, int, float]:
        """What identifies this version of a report (as `Doc.of(report).key`)."""
        return (report.source.path, report.source.member or "", int(report.size or 0), float(report.mtime or 0.0))

    @property
    def source(self) -> Any:
        """Where the report is (a `SourceRef`)."""
        from ...model.files import SourceRef

        return SourceRef(self.path, self.member or None)

    def adopt(self, report: Any) -> None:
        """Carry `report` (what hits show), holding its strings in place of the equal copies read from
        the index (~0.3 KB a report: path, week, label and author held once, not twice)."""
        self.ref = report
        path = report.source.path
        if path == self.path:
            self.path = path
        for name in ("week", "label", "author"):
            value = getattr(report, name, None)
            if value is not None and value == getattr(self, name):
                setattr(self, name, value)

    @classmethod
    def of(cls, report: Any) -> Doc:
        """The index's record of a report."""
        doc = cls(report.source.path, report.source.member or "", int(report.size or 0), float(report.mtime or 0.0),
                  report.week, report.label, report.author, str(report.created or ""), _plain(report.sort_key))
        doc.ref = report
        return doc

    def to_json(self) -> str:
        """One line of JSON."""
        return json.dumps([self.path, self.member, self.size, self.mtime, self.week, self.label, self.author,
                           self.created, list(self.sort)], ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: Any) -> Doc:
        """A stored line, checked (`DamagedIndex` when it is not one reports-tui wrote)."""
        try:
            row = json.loads(text)
        except (TypeError, ValueError, RecursionError, UnicodeDecodeError):
            raise DamagedIndex("a damaged report row") from None
        return cls.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Doc:
        """A stored row (decoded JSON), checked."""
        try:
            path, member, size, mtime, week, label, author, created, sort = row
            ok = (type(path) is str and type(member) is str and type(size) is int and type(mtime) in (int, float)
                  and (week is None or type(week) is str) and type(label) is str
                  and (author is None or type(author) is str) and type(created) is str and type(sort) is list)
            sort = _plain(sort, strict=True) if ok else ()
        except (TypeError, ValueError, RecursionError):
            ok = False
        if not ok:
            raise DamagedIndex("a damaged report row")
        return cls(path, member, size, float(mtime), week, label, author, created, sort)


def _plain(key: Any, strict: bool = False) -> Any:
    """A sort key as nested tuples of text and numbers (what JSON keeps of it); with `strict`, anything
    else is a `ValueError` (a damaged stored key), else it is turned into text."""
    if isinstance(key, (tuple, list)):
        return tuple(_plain(x, strict) for x in key)
    if key is None or type(key) in (str, int, float, bool):
        return key
    if strict:
        raise ValueError("a damaged sort key")
    return str(key)

