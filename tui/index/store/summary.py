"""A library's summary: what the week list, the KPI series and the first screen read of every report,
stored as one checked value per library, so that a warm start reads it in one go.

The summary holds, in column form (one array of C numbers per field, plain data only), for every report of a
loaded library in week order: its file (path, zip member, size, mtime) and cache row, its head (title,
label, the author it names and the author the library gives it, dates, period, encoding …), its KPIs
and warnings (flattened, with the few distinct names, units and sections in a table of strings), and
the problems found parsing files. A warm load checks every file the scan finds against it (size and
mtime): unchanged files become reports straight from the columns, with no decoding per report, no row per
report and no sort key; each report's KPIs and warnings are made when first read, its body when first
used (`loader.LazyReport`). When every file is unchanged and none is new or gone, the stored order and
authors are the library's; otherwise the changed files are parsed and the whole is ordered again.

Reading it back is a few slices of one byte string (no parsing of text): the whole value is checked by a
CRC-32 (as every other stored value) and then column by column (lengths, index ranges): a summary that
does not check out raises `codec.DamagedRow` and the library is loaded the normal way.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import zlib
from array import array
from datetime import date, datetime
from itertools import accumulate
from typing import Any, Iterable, Sequence

from ...model.report import Finding, Kpi, Report, SourceRef
from ...model.weeks import PERIOD_KINDS
from .codec import DamagedRow
from .loader import BodyStore, LazyReport
from .summary_reports import PickedReports, SummaryReports

FORMAT = 3  # bump when the layout below changes (part of the cache's schema)

# The columns, in stored order. Every text (or null) is an index into one table of distinct texts, whose
# first entry is null: a library repeats most of them (folders, file names, KPI names and wordings, weeks).
# Per report (n long); a path is its folder and its file name:
_REPORT_COLS = ("folder", "name", "member", "size", "mtime_ns", "rid", "title", "label", "named", "author",
                "created", "week", "start", "end", "period", "incident", "encoding", "nkpis", "nwarnings")
# Per KPI (the KPIs of every report one after another):
_KPI_COLS = ("k_name", "k_value", "k_unit", "k_raw", "k_line", "k_section")
# Per warning:
_WARN_COLS = ("w_level", "w_message", "w_line")
# Per problem (files that are no readable report):
_PROBLEM_COLS = ("p_path", "p_member", "p_size", "p_mtime_ns", "p_message", "p_line")
_ALL = _REPORT_COLS + _KPI_COLS + _WARN_COLS + _PROBLEM_COLS
_TEXT = ("name", "member", "title", "label", "encoding", "k_name", "k_unit", "k_raw", "k_section",
         "w_message", "p_path", "p_member", "p_message")                       # texts (never null)
_TEXT_OR_NULL = ("folder", "named", "author", "created", "week", "start", "end", "period")
_NULLABLE = {"rid", "k_line", "w_line", "p_line"}  # ints or null (`_NULL`)
_NULL = -(2 ** 63)
# How each column is stored: an array of one C type (little-endian), one after another in this order,
# then the KPI series (per name: its text, how many reports count, their positions, their KPIs).
_CODES = {"size": "q", "mtime_ns": "q", "p_size": "q", "p_mtime_ns": "q", "incident": "B", "w_level": "B",
          "k_value": "d", **{c: "q" for c in _NULLABLE}}
_SECTIONS = tuple((name, _CODES.get(name, "I")) for name in _ALL + ("s_name", "s_len", "s_pos", "s_kpi"))
# (the rest unsigned: counts, positions and text indexes, so only an upper bound is checked; a text that is
# never null is an index into the table without its null, `Summary.texts`)
_HEAD = struct.Struct("<4sI7Q")  # magic, FORMAT, reports, problems, KPIs, warnings, series, texts, text bytes
_MAGIC = b"RTsm"
_SWAP = sys.byteorder != "little"
assert array("I").itemsize == 4 and array("q").itemsize == 8 and array("d").itemsize == 8
_LEVELS = ("problem", "warning")


def _or_none(v: int) -> int | None:
    return None if v == _NULL else v


def _fail(what: str) -> DamagedRow:
    return DamagedRow(f"damaged library summary: {what}")


class Entry:
    """What the summary needs of one report besides the report: its file as scanned and its cache row."""

    __slots__ = ("path", "member", "size", "mtime_ns", "rid", "named")

    def __init__(self, path: str, member: str, size: int, mtime_ns: int, rid: int | None, named: str | None):
        self.path, self.member, self.size, self.mtime_ns, self.rid, self.named = path, member, size, mtime_ns, rid, named


def encode(reports: list[Report], entries: list[Entry], problems: list[tuple[Entry, Finding]], sep: str = os.sep
           ) -> bytes:
    """The summary of a library (its reports in week order with their entries, and the problems of files
    that were parsed), in binary (`_pack`)."""
    strings: dict[str | None, int] = {None: 0}

    def s(v: str | None) -> int:
        i = strings.get(v)
        if i is None:
            i = strings[v] = len(strings)
        return i

    cols: dict[str, list] = {name: [] for name in _ALL}
    c = cols
    for r, e in zip(reports, entries):
        folder, there, name = e.path.rpartition(sep)
        c["folder"].append(s(folder) if there else 0)  # (null: a path with no folder)
        c["name"].append(s(name))
        c["member"].append(s(e.member))
        c["size"].append(e.size)
        c["mtime_ns"].append(e.mtime_ns)
        c["rid"].append(e.rid)
        c["title"].append(s(r.title))
        c["label"].append(s(r.label))
        c["named"].append(s(e.named))
        c["author"].append(s(r.author))
        c["created"].append(s(None if r.created is None else r.created.isoformat()))
        c["week"].append(s(r.week))
        c["start"].append(s(None if r.start is None else r.start.isoformat()))
        c["end"].append(s(None if r.end is None else r.end.isoformat()))
        c["period"].append(s(r.period))
        c["incident"].append(bool(r.has_incident_section))
        c["encoding"].append(s(r.encoding))
        kpis, warnings = r.kpis, r.warnings
        c["nkpis"].append(len(kpis))
        c["nwarnings"].append(len(warnings))
        for k in kpis:
            c["k_name"].append(s(k.name))
            v = float(k.value)
            if not math.isfinite(v):
                raise ValueError("a KPI value that is not a number")  # (no summary: read row by row)
            c["k_value"].append(v)
            c["k_unit"].append(s(k.unit))
            c["k_raw"].append(s(k.raw))
            c["k_line"].append(k.line)
            c["k_section"].append(s(k.section))
        for w in warnings:
            c["w_level"].append(_LEVELS.index(w.level))
            c["w_message"].append(s(w.message))
            c["w_line"].append(w.line)
    for e, f in problems:
        c["p_path"].append(s(e.path))
        c["p_member"].append(s(e.member))
        c["p_size"].append(e.size)
        c["p_mtime_ns"].append(e.mtime_ns)
        c["p_message"].append(s(f.message))
        c["p_line"].append(f.line)
    # The KPI series of the whole library (as `series.kpi_series` makes them): per name, in the order names
    # are first met, the positions of the reports that count (dated; a name's first value in a report)
    # and the KPIs they count with.
    series: dict[int, tuple[list[int], list[int]]] = {}
    j = 0
    for pos, r in enumerate(reports):
        seen: set[int] = set()
        for _ in range(c["nkpis"][pos]):
            name = c["k_name"][j]
            lists = series.setdefault(name, ([], []))
            if r.week is not None and name not in seen:
                seen.add(name)
                lists[0].append(pos)
                lists[1].append(j)
            j += 1
    return _pack(len(reports), len(problems), sep, list(strings)[1:], cols, series)


def _pack(n: int, np: int, sep: str, strings: list[str], cols: dict[str, list], series: dict) -> bytes:
    """The columns as binary sections (`_SECTIONS`), then the texts as one UTF-8 blob split by NULs."""
    text = "\0".join([sep, *strings])
    if len(sep) != 1 or text.count("\0") != len(strings):
        raise ValueError("a text holding a NUL")  # (no summary: the library is read row by row)
    names = list(series)
    cols = dict(cols, s_name=names, s_len=[len(series[k][0]) for k in names],
                s_pos=[p for k in names for p in series[k][0]], s_kpi=[j for k in names for j in series[k][1]])
    parts = []
    for name, code in _SECTIONS:
        col = cols[name]
        if name in _TEXT or name == "s_name":
            col = [v - 1 for v in col]  # (a null among them: -1, which the array refuses)
        elif name in _NULLABLE:
            col = [_NULL if v is None else v for v in col]
        a = array(code, col)
        if _SWAP:
            a.byteswap()
        parts.append(a.tobytes())
    blob = text.encode("utf-8")
    head = _HEAD.pack(_MAGIC, FORMAT, n, np, len(cols["k_name"]), len(cols["w_level"]), len(names), len(strings) + 1,
                      len(blob))
    return b"".join([head, *parts, blob])


def checksum(data: bytes) -> int:
    """CRC-32 of a stored summary."""
    return zlib.crc32(data)


# -- checks ---------------------------------------------------------------------------------------

def _below(col: array, limit: int, what: str) -> None:
    """Every value of an unsigned column is below `limit`."""
    if col and max(col) >= limit:
        raise _fail(f"{what}: out of range")


def _dates(col: array, strings: list, kind: type) -> list:
    """Text indexes → dates (or datetimes), each distinct text parsed once."""
    memo: dict[int, Any] = {0: None}
    for i in set(col):
        if i:
            v = strings[i]
            try:
                if kind is date:
                    memo[i] = date.fromisoformat(v)
                else:
                    memo[i] = datetime.fromisoformat(v) if "T" in v else date.fromisoformat(v)
            except ValueError:
                raise _fail("a date expected") from None
    return list(map(memo.__getitem__, col))


class Summary:
    """A checked summary, read back (`decode`): the reports it holds are made on demand (`report`)."""

    def __init__(self, data: bytes):
        if len(data) < _HEAD.size:
            raise _fail("unknown layout")
        magic, fmt, n, np, kn, wn, nseries, ns, nblob = _HEAD.unpack_from(data)
        if magic != _MAGIC or fmt != FORMAT:
            raise _fail("unknown layout")
        view = memoryview(data)
        at = _HEAD.size
        cols: dict[str, Any] = {}
        counts = {"r": n, "k": kn, "w": wn, "p": np, "s": nseries}
        for name, code in _SECTIONS:
            count = counts["x" if name in ("s_pos", "s_kpi") else name[0] if name[1] == "_" else "r"]
            a = array(code)
            end = at + count * a.itemsize
            if end > len(data):
                raise _fail(f"{name}: cut short")
            a.frombytes(view[at:end])
            if _SWAP:
                a.byteswap()
            cols[name] = a
            at = end
            if name == "s_len":
                counts["x"] = sum(a)
        if at + nblob != len(data):
            raise _fail("texts: length")
        try:
            strings: list[Any] = bytes(view[at:]).decode("utf-8").split("\0")
        except UnicodeDecodeError:
            raise _fail("texts: not UTF-8") from None
        if len(strings) != ns:
            raise _fail("texts: count")
        sep = strings[0]
        strings[0] = None
        nk, nw = cols["nkpis"], cols["nwarnings"]
        if sum(nk) != kn or sum(nw) != wn:
            raise _fail("counts")
        for name in _TEXT:
            _below(cols[name], ns - 1, name)
        for name in _TEXT_OR_NULL:
            _below(cols[name], ns, name)
        _below(cols["s_name"], ns - 1, "series name")
        _below(cols["s_pos"], n, "series reports")
        _below(cols["s_kpi"], kn, "series values")
        _below(cols["incident"], 2, "incident")
        _below(cols["w_level"], len(_LEVELS), "w_level")
        if not all(map(math.isfinite, cols["k_value"])):  # (never written)
            raise _fail("k_value: not a number")
        if any(strings[p] not in PERIOD_KINDS for p in set(cols["period"]) if p):
            raise _fail("period kind expected")
        series, j = [], 0
        pos, kpi = cols["s_pos"], cols["s_kpi"]
        for name, k in zip(cols["s_name"], cols["s_len"]):
            series.append((name, pos[j:j + k], kpi[j:j + k]))
            j += k
        cols["series"] = series
        cols["incident"] = [bool(b) for b in cols["incident"]]
        self.n, self.nproblems, self.sep, self.strings = n, np, sep, strings
        self.texts = strings[1:]  # (what a column of texts that are never null indexes)
        self.cols = cols
        self.created = _dates(cols["created"], strings, datetime)
        self.start = _dates(cols["start"], strings, date)
        self.end = _dates(cols["end"], strings, date)
        self.kpi_at = [0, *accumulate(nk)]
        self.warn_at = [0, *accumulate(nw)]

    def keys(self) -> dict[tuple[str, str], int]:
        """(path, member) → position of each report."""
        c, s, t, sep = self.cols, self.strings, self.texts, self.sep
        return {(s[f] + sep + t[b] if f else t[b], t[m]): i
                for i, (f, b, m) in enumerate(zip(c["folder"], c["name"], c["member"]))}

    def problem_keys(self) -> dict[tuple[str, str], int]:
        """(path, member) → position of each problem."""
        c, t = self.cols, self.texts
        return {(t[p], t[m]): i for i, (p, m) in enumerate(zip(c["p_path"], c["p_member"]))}

    def same_file(self, i: int, size: int, mtime_ns: int) -> bool:
        """Whether report `i` was read from a file of this size and mtime."""
        c = self.cols
        return c["size"][i] == size and c["mtime_ns"][i] == mtime_ns

    def same_problem_file(self, i: int, size: int, mtime_ns: int) -> bool:
        """Whether problem `i` was found in a file of this size and mtime."""
        c = self.cols
        return c["p_size"][i] == size and c["p_mtime_ns"][i] == mtime_ns

    def rid(self, i: int) -> int | None:
        """The cache row of report `i` (None: it has none)."""
        return _or_none(self.cols["rid"][i])

    def sources(self) -> list[SourceRef]:
        """Where each report was read from, as stored."""
        c, s, t, sep = self.cols, self.strings, self.texts, self.sep
        return [SourceRef(s[f] + sep + t[b] if f else t[b], t[m] or None)
                for f, b, m in zip(c["folder"], c["name"], c["member"])]

    def source(self, i: int) -> SourceRef:
        """Where report `i` was read from, as stored."""
        c, s, t = self.cols, self.strings, self.texts
        f, b = c["folder"][i], t[c["name"][i]]
        return SourceRef(s[f] + self.sep + b if f else b, t[c["member"][i]] or None)

    def problems(self) -> list[Finding]:
        """The problems of the files that are no readable report, as stored."""
        c, t = self.cols, self.texts
        return [self.problem(i, SourceRef(t[p], t[m] or None)) for i, (p, m) in enumerate(zip(c["p_path"], c["p_member"]))]

    def problem(self, i: int, source: SourceRef) -> Finding:
        """Problem `i`."""
        c = self.cols
        return Finding("problem", self.texts[c["p_message"][i]], _or_none(c["p_line"][i]), source=source)

    def reports(self, which: Iterable[int], sources: list[SourceRef], store: BodyStore,
                assigned: bool) -> list[Report]:
        """Reports `which` (positions), with their sources; `assigned`: with the authors the library gave
        them when stored (else the authors they name, for `assign_authors` to complete)."""
        c, s, t = self.cols, self.strings, self.texts
        member, size, mtime, rid = c["member"], c["size"], c["mtime_ns"], c["rid"]
        title, label, week, period, incident = c["title"], c["label"], c["week"], c["period"], c["incident"]
        author = c["author"] if assigned else c["named"]
        enc = c["encoding"]
        created, start, end = self.created, self.start, self.end
        new = object.__new__
        cls = SummaryReport
        out = []
        for i, src in zip(which, sources):
            r = new(cls)
            k = rid[i]
            if k == _NULL:
                k = None
            r.__dict__ = {
                "source": src, "title": t[title[i]], "label": t[label[i]], "author": s[author[i]],
                "created": created[i], "week": s[week[i]], "start": start[i], "end": end[i], "period": s[period[i]],
                "has_incident_section": incident[i], "encoding": t[enc[i]], "size": size[i],
                "mtime": mtime[i] / 1e9,
                "_key": None if k is None else (k, src.path, t[member[i]], size[i], mtime[i]), "_store": store,
                "_sum": self, "_at": i}
            out.append(r)
        return out

    def position(self, report: Any) -> int | None:
        """Where a report made from this summary is in it (None: not one of its reports)."""
        d = getattr(report, "__dict__", None)
        return d["_at"] if d is not None and d.get("_sum") is self else None

    def kpi(self, j: int) -> Kpi:
        """KPI `j` of the flattened columns."""
        c, t = self.cols, self.texts
        k = object.__new__(Kpi)
        k.__dict__.update(name=t[c["k_name"][j]], value=c["k_value"][j], unit=t[c["k_unit"][j]],
                          raw=t[c["k_raw"][j]], line=_or_none(c["k_line"][j]), section=t[c["k_section"][j]])
        return k

    def series(self, reports: Sequence[Report]) -> list[tuple[str, list[Report], KpiColumn]]:
        """The KPI series (name, reports, values) of `reports`: this summary's reports in stored order
        (`known.Stored.series` checks that they are)."""
        t = self.texts
        if isinstance(reports, SummaryReports):  # (each series' reports made when read)
            return [(t[name], PickedReports(reports, pos), KpiColumn(self, js)) for name, pos, js in self.cols["series"]]
        return [(t[name], [reports[p] for p in pos], KpiColumn(self, js)) for name, pos, js in self.cols["series"]]

    def series_of(self, at: Sequence[int], reports: Sequence[Report]) -> list[tuple[str, list[Report], KpiColumn]]:
        """The KPI series (name, reports, values) of `reports`, the reports at positions `at`, in their
        order (as `series.kpi_series` makes them from the reports, but from the columns)."""
        names, week, kpi_at = self.cols["k_name"], self.cols["week"], self.kpi_at
        found: dict[int, tuple[list[Report], list[int]]] = {}
        for p, r in zip(at, reports):
            lo, hi = kpi_at[p], kpi_at[p + 1]
            dated = week[p] != 0
            seen: set[int] = set()
            for j in range(lo, hi):
                name = names[j]
                lists = found.get(name)
                if lists is None:
                    lists = found[name] = ([], [])
                if dated and name not in seen:
                    seen.add(name)
                    lists[0].append(r)
                    lists[1].append(j)
        t = self.texts
        return [(t[name], rs, KpiColumn(self, js)) for name, (rs, js) in found.items()]

    def rids(self) -> list[int]:
        """The cache rows of the reports (those that have one)."""
        return [rid for rid in self.cols["rid"] if rid != _NULL]

    def kpis(self, i: int) -> list[Kpi]:
        """The KPIs of report `i`."""
        return [self.kpi(j) for j in range(self.kpi_at[i], self.kpi_at[i + 1])]

    def warnings(self, i: int, source: SourceRef) -> list[Finding]:
        """The warnings of report `i`."""
        c, t = self.cols, self.texts
        return [Finding(_LEVELS[c["w_level"][j]], t[c["w_message"][j]], _or_none(c["w_line"][j]), source)
                for j in range(self.warn_at[i], self.warn_at[i + 1])]


class KpiColumn(Sequence):
    """The values of one KPI series, made when read (`Kpi`s of the flattened KPI columns)."""

    __slots__ = ("_summary", "_js")

    def __init__(self, summary: Summary, js: list[int]):
        self._summary, self._js = summary, js

    def __len__(self) -> int:
        return len(self._js)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self._summary.kpi(self._js[i])


def decode(data: Any, sum_: Any) -> Summary:
    """A stored summary, checked (CRC-32, then every column), or `DamagedRow`."""
    if type(data) is not bytes or type(sum_) is not int or checksum(data) != sum_:
        raise _fail("checksum")
    return Summary(data)


def _head_property(name: str) -> property:
    def get(self: SummaryReport) -> Any:
        d = self.__dict__
        if name in d:
            return d[name]
        summary = d["_sum"]
        value = summary.kpis(d["_at"]) if name == "kpis" else summary.warnings(d["_at"], d["source"])
        d[name] = value
        return value

    def put(self: SummaryReport, value: Any) -> None:
        self.__dict__[name] = value

    return property(get, put, doc=f"`Report.{name}`, made from the library summary on first use.")


class SummaryReport(LazyReport):
    """A report read from a library summary: its KPIs and warnings are made when first read, its body
    (as any `LazyReport`'s) when first used."""

    kpis = _head_property("kpis")
    warnings = _head_property("warnings")
