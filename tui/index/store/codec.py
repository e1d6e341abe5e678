"""Reports as plain data for the parse cache: JSON text in, validated values out — never code.

The cache is a file anyone with access to the user's home folder can replace, so nothing read from it
may construct arbitrary objects (no pickle). A report's *head* (what lists, KPIs and warnings need) and
its *projects* (what timelines read across every report) are stored as JSON of plain lists and numbers
and checked field by field on the way back; a row that does not check out raises `DamagedRow` and is
parsed again from its source. The rest of a report (its section tree, incidents, plans) is not stored:
it is parsed again from the stored text when first used, which costs about a millisecond per report
and makes nesting depth irrelevant to the cache.
"""

from __future__ import annotations

import json
import zlib
from datetime import date, datetime
from typing import Any, Callable

from ...model.report import Finding, Kpi, Project, Report, SourceRef
from ...model.weeks import PERIOD_KINDS

FORMAT = 2  # bump when the layout below changes (it is part of the cache's schema)


class DamagedRow(ValueError):
    """A stored value is not what reports-tui writes: the row is dropped and its report parsed again."""


def _fail(what: str) -> DamagedRow:
    return DamagedRow(f"damaged cache row: {what}")


def checksum(value: Any) -> int:
    """CRC-32 of a stored text value (0 for none); -1 for anything that is not text (never matches)."""
    if value is None:
        return 0
    if type(value) is not str:
        return -1
    return zlib.crc32(value.encode("utf-8", "surrogatepass"))


def storable_sum(value: str | bytes | None) -> int | None:
    """The checksum of a value about to be stored, or None when SQLite cannot store it as UTF-8 text
    (a lone surrogate): computed where the value is made (in a parse worker), not by the one writer.
    (Bytes, a compressed search record, are stored as they are.)"""
    if value is None:
        return 0
    if isinstance(value, bytes):
        return zlib.crc32(value)
    try:
        return zlib.crc32(value.encode("utf-8"))
    except UnicodeEncodeError:
        return None


# -- checks ---------------------------------------------------------------------------------------

def _str(v: Any) -> str:
    if type(v) is not str:
        raise _fail("text expected")
    return v


def _opt_str(v: Any) -> str | None:
    return None if v is None else _str(v)


def _int(v: Any) -> int:
    if type(v) is not int:
        raise _fail("integer expected")
    return v


def _opt_int(v: Any) -> int | None:
    return None if v is None else _int(v)


def _num(v: Any) -> float:
    if type(v) is int:
        return float(v)
    if type(v) is not float or v != v:  # (NaN is never written)
        raise _fail("number expected")
    return v


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise _fail("true/false expected")
    return v


def _list(v: Any, n: int | None = None) -> list:
    if type(v) is not list or (n is not None and len(v) != n):
        raise _fail("list expected")
    return v


def _date(v: Any) -> date | None:
    if v is None:
        return None
    try:
        return date.fromisoformat(_str(v))
    except ValueError:
        raise _fail("date expected") from None


def _when(v: Any) -> datetime | date | None:
    if v is None:
        return None
    s = _str(v)
    try:
        return datetime.fromisoformat(s) if "T" in s else date.fromisoformat(s)
    except ValueError:
        raise _fail("date or time expected") from None


def _period(v: Any) -> str | None:
    if v is not None and v not in PERIOD_KINDS:
        raise _fail("period kind expected")
    return v


def _level(v: Any) -> str:
    if v not in ("problem", "warning"):
        raise _fail("finding level expected")
    return v


def _iso(v: date | datetime | None) -> str | None:
    return None if v is None else v.isoformat()


# -- heads ----------------------------------------------------------------------------------------

def _enc_kpis(kpis: list[Kpi]) -> list:
    return [[k.name, k.value, k.unit, k.raw, k.line, k.section] for k in kpis]


def _dec_kpis(v: Any) -> list[Kpi]:
    out = []
    for row in _list(v):
        name, value, unit, raw, line, section = _list(row, 6)
        out.append(Kpi(_str(name), _num(value), _str(unit), _str(raw), _opt_int(line), _str(section)))
    return out


def _enc_warnings(ws: list[Finding]) -> list:
    return [[w.level, w.message, w.line] for w in ws]


def _dec_warnings(v: Any) -> list[Finding]:
    out = []
    for row in _list(v):
        level, message, line = _list(row, 3)
        out.append(Finding(_level(level), _str(message), _opt_int(line)))
    return out


# Field name → (encode, decode-and-check). Adding a field to `Report`'s head means adding a line here.
HEAD: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "title": (str, _str),
    "label": (str, _str),
    "author": (lambda v: v, _opt_str),
    "created": (_iso, _when),
    "week": (lambda v: v, _opt_str),
    "start": (_iso, _date),
    "end": (_iso, _date),
    "period": (lambda v: v, _period),
    "kpis": (_enc_kpis, _dec_kpis),
    "warnings": (_enc_warnings, _dec_warnings),
    "has_incident_section": (bool, _bool),
    "encoding": (str, _str),
}


# The JSON of heads and projects: plain lists made just now, never circular (the check for it costs a
# sixth of the encoding, and every parsed report is encoded).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def encode_head(report: Report) -> str:
    """A report's head as JSON text (the fields in `HEAD`)."""
    return _dumps([FORMAT] + [enc(getattr(report, name)) for name, (enc, _) in HEAD.items()])


def decode_head(text: Any, source: SourceRef, size: int, mtime_ns: int) -> dict[str, Any]:
    """The checked head fields of a stored report (plus source, size, mtime), or `DamagedRow`.

    One pass with the checks written out (no call per field): a warm load decodes every head."""
    row = _loads(text)
    if type(row) is not list or len(row) != len(HEAD) + 1 or row[0] != FORMAT:
        raise _fail("unknown head layout")
    _, title, label, author, created, week, start, end, period, kpis, warnings, incident, encoding = row
    if type(title) is not str or type(label) is not str or type(encoding) is not str \
            or (author is not None and type(author) is not str) or (week is not None and type(week) is not str) \
            or type(incident) is not bool or type(kpis) is not list or type(warnings) is not list:
        raise _fail("head field of the wrong type")
    out_kpis = []
    try:
        for name, value, unit, raw, line, section in kpis:
            tv = type(value)
            if tv is int:
                value = float(value)
            elif tv is not float or value != value:
                raise _fail("number expected")
            if type(name) is not str or type(unit) is not str or type(raw) is not str \
                    or type(section) is not str or (line is not None and type(line) is not int):
                raise _fail("KPI field of the wrong type")
            out_kpis.append(Kpi(name, value, unit, raw, line, section))
        out_warnings = []
        for level, message, line in warnings:
            if level not in ("problem", "warning") or type(message) is not str \
                    or (line is not None and type(line) is not int):
                raise _fail("finding field of the wrong type")
            out_warnings.append(Finding(level, message, line, source))
    except (TypeError, ValueError) as exc:  # (not a list of rows of the right length)
        if isinstance(exc, DamagedRow):
            raise
        raise _fail("list expected") from None
    return {"title": title, "label": label, "author": author, "created": _when(created), "week": week,
            "start": _date(start), "end": _date(end), "period": _period(period), "kpis": out_kpis,
            "warnings": out_warnings, "has_incident_section": incident, "encoding": encoding,
            "source": source, "size": size, "mtime": mtime_ns / 1e9}


def _decode_head_checked(text: Any, source: SourceRef, size: int, mtime_ns: int) -> dict[str, Any]:
    """`decode_head` field by field through `HEAD` (the reference the fast pass must agree with)."""
    row = _list(_loads(text))
    if len(row) != len(HEAD) + 1 or row[0] != FORMAT:
        raise _fail("unknown head layout")
    out = {name: dec(v) for (name, (_, dec)), v in zip(HEAD.items(), row[1:])}
    for w in out["warnings"]:
        w.source = source
    out["source"] = source
    out["size"] = size
    out["mtime"] = mtime_ns / 1e9
    return out


def encode_problem(finding: Finding) -> str:
    """A problem found reading a file, as JSON text."""
    return json.dumps([FORMAT, finding.message, finding.line], ensure_ascii=False, separators=(",", ":"))


def decode_problem(text: Any, source: SourceRef) -> Finding:
    """A stored problem, checked, or `DamagedRow`."""
    row = _list(_loads(text))
    if len(row) != 3 or row[0] != FORMAT:
        raise _fail("unknown problem layout")
    return Finding("problem", _str(row[1]), _opt_int(row[2]), source=source)


# -- projects -------------------------------------------------------------------------------------

def encode_projects(projects: list[Project]) -> str:
    """A report's projects as JSON text."""
    return _dumps([[p.name, p.key, p.kind, p.section, p.line, p.progress, p.entries] for p in projects])


def pack_projects(projects: str | bytes) -> bytes:
    """A report's projects as the cache stores them: their JSON (`encode_projects`, or its UTF-8) compressed
    (it repeats the lines of each project; level 1, the fastest, as for search records)."""
    return zlib.compress(projects.encode("utf-8") if isinstance(projects, str) else projects, 1)


def unpack_projects(data: bytes) -> str:
    """The JSON of `pack_projects` (`zlib.error`, `UnicodeDecodeError` when it is not that)."""
    return zlib.decompress(data).decode("utf-8")


def decode_projects(text: Any) -> list[Project]:
    """Stored projects, checked, or `DamagedRow`."""
    out = []
    for row in _list(_loads(text)):
        name, key, kind, section, line, progress, entries = _list(row, 7)
        if kind not in ("focus", "okr"):
            raise _fail("project kind expected")
        ents = []
        for e in _list(entries):
            ln, t = _list(e, 2)
            ents.append((_int(ln), _str(t)))
        out.append(Project(_str(name), _str(key), kind, _str(section), _int(line),
                           [_num(x) for x in _list(progress)], ents))
    return out


def _loads(text: Any) -> Any:
    if type(text) is not str:
        raise _fail("text expected")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise _fail("not JSON") from None
