"""The search index's data: every searchable line of a library as columns and byte strings.

Built from search records (`records`), one report at a time; a report that changed or went away is
marked dead and its new version appended, so the index follows a library without being rebuilt.
Nothing here depends on the order reports arrive in: ranking reads each report's stored sort key.

    docs      one per report: where it is, week, label, author, sort key; `doc_first` its entries
    entries   `entry_tid` (its text), `entry_shape` (what a hit shows), `entry_line` (source line);
              a report's entries are consecutive, in source order
    texts     each distinct visible line (link targets and URLs hidden, `records.visible`) once, as
              UTF-8 in two byte strings: lower case (`lower`, scanned by queries) and as written
              (`cased`), "\\n" after each; `text_hid` the heading text a heading line is found by
    postings  text → its entries (`post_*`); `tid_count` how many of them are in live reports
    shapes    (original text, section, chain of section keys, project, kind, heading) as six integers
              each (`shape_cols`), sections, chains and projects (key, name) counted once each
    originals each distinct line as written (`otext`), with its URLs (`urls`, for `url:`)
    names     project, section and KPI names pinyin can spell, section keys, KPI names; Latin words
              (`vocab`, for fuzzy matching); per hanzi its readings (`char_pinyin`, for pinyin in
              report text)

`to_parts` gives every part as bytes (packed integer arrays, UTF-8, JSON: plain data), and `sums`:
the CRC-32 of each 16 KiB of every part (a byte changed on disk inside a path or a line would
otherwise still fit together, and be shown); `from_parts` reads them back, checking what it reads,
eagerly (the app) or on demand (`reports-tui search`: each piece checked when first read).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import zlib
from array import array
from bisect import bisect_right
from typing import Any, Iterable, Iterator, Mapping

from .records import HANZI_RUNS, Record, fold, has_hanzi, head_names, lower, norm, visible

FORMAT = "3"  # bump when a part's layout changes
CHUNK = 16384  # bytes per checksum (`sums`)
WHOLE_AFTER = 8  # a part read on demand is read whole once an eighth of its pieces were read one by one
KINDS = ("item", "section", "title")
ITEM = array("i").itemsize


class DamagedIndex(ValueError):
    """Stored index parts that are not what reports-tui writes (the index is then built again)."""


def _ints(data: Any = b"") -> array:
    a = array("i")
    if data:
        if len(data) % ITEM:
            raise DamagedIndex("a packed array of the wrong length")
        a.frombytes(bytes(data))
    return a


def _chunk_sums(data: bytes) -> list[int]:
    return [zlib.crc32(data[k:k + CHUNK]) for k in range(0, len(data), CHUNK)]


class Checked:
    """A stored part read on demand (anything that slices to bytes, such as an open SQLite blob), each
    16 KiB piece checked against its CRC-32 when first read and then kept: what is returned is always
    bytes that were checked (`DamagedIndex` otherwise)."""

    __slots__ = ("blob", "sums", "n", "pieces")

    def __init__(self, blob: Any, sums: list[int]):
        self.blob, self.sums, self.n = blob, sums, len(blob)
        if len(sums) != -(-self.n // CHUNK):
            raise DamagedIndex("checksums of another length")
        self.pieces: dict[int, bytes] = {}

    def __len__(self) -> int:
        return self.n

    def _piece(self, k: int) -> bytes:
        got = self.pieces.get(k)
        if got is None:
            if len(self.pieces) * WHOLE_AFTER >= len(self.sums):
                self._read_rest()  # (a query that reads pieces all over a part reads it in one go)
                return self.pieces[k]
            got = bytes(self.blob[k * CHUNK:min((k + 1) * CHUNK, self.n)])
            if zlib.crc32(got) != self.sums[k]:
                raise DamagedIndex("a stored part that does not match its checksum")
            self.pieces[k] = got
        return got

    def _read_rest(self) -> None:
        """Every piece not read yet, in one read, each checked."""
        data = bytes(self.blob[0:self.n])
        for k, want in enumerate(self.sums):
            if k not in self.pieces:
                piece = data[k * CHUNK:(k + 1) * CHUNK]
                if zlib.crc32(piece) != want:
                    raise DamagedIndex("a stored part that does not match its checksum")
                self.pieces[k] = piece

    def __getitem__(self, i: Any) -> bytes:
        if not isinstance(i, slice):
            raise TypeError("a checked part is read by slices")
        a, b, step = i.indices(self.n)
        if b <= a or step != 1:
            return b""
        first, last = a // CHUNK, (b - 1) // CHUNK
        got = self._piece(first) if first == last else b"".join(self._piece(k) for k in range(first, last + 1))
        return got[a - first * CHUNK:b - first * CHUNK]


class Ints:
    """A packed integer array read on demand from a blob (anything that slices to bytes)."""

    __slots__ = ("blob", "n")

    def __init__(self, blob: Any):
        self.blob = blob
        if len(blob) % ITEM:
            raise DamagedIndex("a packed array of the wrong length")
        self.n = len(blob) // ITEM

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            a, b, _ = i.indices(self.n)
            return _ints(self.blob[a * ITEM:b * ITEM]) if b > a else array("i")
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return int.from_bytes(self.blob[i * ITEM:(i + 1) * ITEM], sys.byteorder, signed=True)

    def __iter__(self) -> Iterator[int]:
        return iter(self[0:self.n])


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


def _json_part(data: Any, kind: type) -> Any:
    try:
        value = json.loads(bytes(data).decode("utf-8"))
    except (TypeError, ValueError, RecursionError, UnicodeDecodeError):
        raise DamagedIndex("damaged JSON") from None
    if type(value) is not kind:
        raise DamagedIndex("damaged JSON")
    return value


class _Builder:
    """What adding reports needs to find existing texts, shapes and names (dropped when not growing)."""

    __slots__ = ("otexts", "texts", "shapes", "heads", "urls", "vocab", "kpis", "chains", "vis", "sections",
                 "projects")

    def __init__(self) -> None:
        self.otexts: dict[str, int] = {}
        self.texts: dict[tuple[str, int], int] = {}
        self.shapes: dict[tuple, int] = {}
        self.heads: dict[str, int] = {}
        self.urls: dict[str, int] = {}
        self.vocab: set[str] = set()
        self.kpis: dict[str, int] = {}
        self.chains: dict[tuple, tuple] = {}
        self.vis: dict[int, str] = {}  # original text id → its visible text (folded), while building
        self.sections: dict[str, int] = {}
        self.projects: dict[tuple, int] = {}


_WORDS = re.compile(r"[0-9a-z]{3,}")


class IndexData:
    """The columns of a search index (see the module's description) and how they grow and are stored."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # one writer or one reader at a time
        self.docs: list[Doc | None] = []  # (None: not read yet, from parts read on demand)
        self.ndocs = 0
        self.doc_first = array("i", [0])
        self.doc_dead = bytearray()
        self.entry_tid = array("i")
        self.entry_shape = array("i")
        self.entry_line = array("i")
        self.lower = bytearray()
        self.lower_off = array("i", [0])
        self.cased: Any = bytearray()
        self.cased_off: Any = array("i", [0])
        self.text_hid: Any = array("i")
        self.tid_count = array("i")
        self.heads: list[str] = []
        self.post_off: Any = array("i", [0])
        self.post_eid: Any = array("i")
        self.post_extra: dict[int, array] = {}
        self.shape_cols: Any = array("i")  # per shape: otext, section, chain, project, kind, heading
        self.sections: list[str] = []
        self.chains: list[tuple[str, ...]] = []
        self.projects: list[tuple[str, str | None]] = []
        self.otext: Any = bytearray()
        self.otext_off: Any = array("i", [0])
        self.otext_url: Any = array("i")
        self.urls = bytearray()
        self.url_off = array("i", [0])
        self.vocab: list[str] = []
        self.terms: dict[str, int] = {}  # names pinyin can spell (projects, sections, KPIs) → id
        self.term_count = array("i")  # per name: how many live reports have it
        self.dterm_off = array("i", [0])  # per report: the ids of its names (`dterm_ids`)
        self.dterm_ids = array("i")
        self.readings: dict[str, list] = {}  # their pinyin readings, and authors', once prepared
        self.section_keys: dict[str, None] = {}
        self.kpi_names: list[str] = []
        self.kpi_eid = array("i")
        self.kpi_nid = array("i")
        self.char_pinyin: dict[str, list[str]] | None = None  # hanzi → `match.text_readings`, once prepared
        self.dead_entries = 0
        self._ranks: tuple | None = None
        self._b: _Builder | None = _Builder()
        self._parts: Any = None  # where lazily read parts come from
        self.token = os.urandom(8).hex()  # the identity of these text ids (a posting index belongs to one)
        self.posting_index: Any = None  # a `postings.Postings` of these texts (not stored in the parts)
        self.persisted_as: str | None = None  # the fingerprint these contents were saved or loaded with
        self.changes = 0  # reports added or marked dead so far
        self.saved_changes = -1  # `changes` when the index was saved or loaded

    def __getattr__(self, name: str) -> Any:
        # parts read on demand (`from_parts` with `lazy`): loaded the first time they are asked for
        loader = self.__dict__.get("_deferred", {}).pop(name, None)
        if loader is None:
            raise AttributeError(name)
        value = loader()
        setattr(self, name, value)
        return value

    # -- reading -------------------------------------------------------------------------------

    @property
    def ntexts(self) -> int:
        """How many distinct texts."""
        return len(self.lower_off) - 1

    @property
    def live_docs(self) -> int:
        """How many reports are searched."""
        return self.ndocs - sum(self.doc_dead)

    def all_docs(self) -> list[Doc]:
        """Every report, dead ones too (read in one go when read from parts)."""
        if self._docs_unread and any(d is None for d in self.docs):
            blob, off = self._docs_blob, self._doc_off
            raw = bytes(blob[0:len(blob)])
            lines = [raw[off[d]:off[d + 1]] for d in range(self.ndocs)]
            try:
                rows = json.loads(b"[" + b",".join(lines) + b"]")
            except (ValueError, RecursionError, UnicodeDecodeError):
                raise DamagedIndex("a damaged report row") from None
            if type(rows) is not list or len(rows) != self.ndocs:
                raise DamagedIndex("a damaged report row")
            for d, row in enumerate(rows):
                if self.docs[d] is None:
                    self.docs[d] = Doc.from_row(row)
        self._docs_unread = False
        return self.docs  # type: ignore[return-value]

    _docs_unread = True

    def doc(self, d: int) -> Doc:
        """Report `d`."""
        got = self.docs[d]
        if got is None:
            a, b = self._doc_off[d], self._doc_off[d + 1]
            got = self.docs[d] = Doc.from_json(bytes(self._docs_blob[a:b]).decode("utf-8"))
        return got

    def text(self, tid: int) -> str:
        """A text, lower case."""
        return _piece(self.lower, self.lower_off[tid], self.lower_off[tid + 1] - 1)

    def text_cased(self, tid: int) -> str:
        """A text as written (full-width folded, link targets hidden)."""
        return _piece(self.cased, self.cased_off[tid], self.cased_off[tid + 1] - 1)

    def original(self, otid: int) -> str:
        """A line as written."""
        return _piece(self.otext, self.otext_off[otid], self.otext_off[otid + 1])

    def url_text(self, uid: int) -> str:
        """A line's URLs, lower case."""
        return _piece(self.urls, self.url_off[uid], self.url_off[uid + 1] - 1)

    @property
    def nshapes(self) -> int:
        """How many shapes."""
        return len(self.shape_cols) // 6

    def shape(self, sid: int) -> tuple:
        """(original text id, section, chain, project key, project name, kind, heading) of a shape."""
        otid, sec, chain, proj, kind, head = self.shape_cols[6 * sid:6 * sid + 6]
        key, name = self.projects[proj] if proj >= 0 else (None, None)
        return (otid, self.sections[sec], self.chains[chain], key, name, KINDS[kind], bool(head))

    def shape_chain(self, sid: int) -> int:
        """The id of a shape's chain of section keys (`chains`)."""
        return self.shape_cols[6 * sid + 2]

    def shape_otext(self, sid: int) -> int:
        """The id of a shape's line as written."""
        return self.shape_cols[6 * sid]

    def postings(self, tid: int) -> Any:
        """The entries of a text, ascending (some may be in dead reports)."""
        n = len(self.post_off) - 1
        base = self.post_eid[self.post_off[tid]:self.post_off[tid + 1]] if tid < n else array("i")
        extra = self.post_extra.get(tid)
        return base + extra if extra else base

    def doc_of(self, eid: int) -> int:
        """The report an entry belongs to."""
        return bisect_right(self.doc_first, eid) - 1

    def ranks(self) -> tuple[array, array, array]:
        """(rank of each report, reports by rank, week-order position of each report) over the live
        reports: newest first (dated reports by their sort key, latest first; then undated ones), and
        week order ascending. Dead reports rank last."""
        got = self._ranks
        if got is None:
            n = self.ndocs
            if self._stored_rank is not None and self._order_keys is not None:
                rank, order = self._stored_rank, self._order_keys
            else:
                docs = self.all_docs()
                live = [d for d in range(n) if not self.doc_dead[d]]
                dated = sorted((d for d in live if docs[d].week is not None), key=lambda d: docs[d].sort,
                               reverse=True)
                undated = sorted((d for d in live if docs[d].week is None), key=lambda d: docs[d].sort, reverse=True)
                rank = array("i", [n]) * n
                for r, d in enumerate(dated + undated):
                    rank[d] = r
                order = array("i", [0]) * n
                for pos, d in enumerate(sorted(live, key=lambda d: docs[d].sort)):
                    order[d] = pos
            by_rank = array("i", sorted(range(n), key=rank.__getitem__))  # (dead reports last: rank n)
            del by_rank[n - rank.count(n):]
            got = self._ranks = (rank, by_rank, order)
        return got

    _order_keys: Any = None  # week-order positions read from parts
    _stored_rank: Any = None  # ranks read from parts

    # -- growing -------------------------------------------------------------------------------

    def add(self, items: Iterable[tuple[Doc, Record]]) -> int:
        """Append reports (each with its search record); returns how many."""
        b = self._builder()
        added = 0
        for doc, rec in items:
            self._add_one(b, doc, rec)
            added += 1
        if added:
            self.changes += added
            self._ranks = None
            self._stored_rank = None
            self._order_keys = None
        return added

    def _add_one(self, b: _Builder, doc: Doc, rec: Record) -> None:
        d = self.ndocs
        self.docs.append(doc)
        self.ndocs += 1
        self.doc_dead.append(0)
        projects, kpis, sections, entries = rec
        heads = head_names(rec)
        pnames: dict[str, str] = {}
        for key, name, _line in projects:
            pnames.setdefault(key, name)
        kpi_lines: dict[int, list[int]] = {}
        for name, line in kpis:
            nid = b.kpis.get(name)
            if nid is None:
                nid = b.kpis[name] = len(self.kpi_names)
                self.kpi_names.append(name)
            if line:
                kpi_lines.setdefault(line, []).append(nid)
        names = [k[0] for k in kpis] + [p[1] for p in projects] + [sec[2] for sec in sections]
        for key, okr, _title in sections:
            self.section_keys.setdefault(key, None)
            if okr:
                self.section_keys.setdefault(okr, None)
        for name in dict.fromkeys(n for n in names if has_hanzi(n)):
            i = self.terms.get(name)
            if i is None:
                i = self.terms[name] = len(self.term_count)
                self.term_count.append(0)
            self.term_count[i] += 1
            self.dterm_ids.append(i)
        self.dterm_off.append(len(self.dterm_ids))
        eid = len(self.entry_tid)
        e_tid, e_shape, e_line = self.entry_tid.append, self.entry_shape.append, self.entry_line.append
        tid_count, extra = self.tid_count, self.post_extra
        otexts, texts, shapes = b.otexts, b.texts, b.shapes
        for line, text, section, chain, project, head, kind in entries:
            otid = otexts.get(text)
            if otid is None:
                otid = self._new_otext(b, text)
            vis = b.vis[otid]
            hid = -1
            if head:
                if kind == "item" and line in heads:
                    hid = self._head_id(b, norm(visible(heads[line])[0]))
                else:
                    hid = self._head_id(b, lower(vis))
            tid = texts.get((vis, hid))
            if tid is None:
                tid = self._new_text(b, vis, hid)
            skey = (otid, section, chain, project, pnames.get(project) if project else None, kind, bool(head))
            sid = shapes.get(skey)
            if sid is None:
                sid = self._new_shape(b, skey)
            e_tid(tid)
            e_shape(sid)
            e_line(line)
            tid_count[tid] += 1
            p = extra.get(tid)
            if p is None:
                p = extra[tid] = array("i")
            p.append(eid)
            if kpi_lines and line in kpi_lines:
                for nid in kpi_lines[line]:
                    self.kpi_eid.append(eid)
                    self.kpi_nid.append(nid)
            eid += 1
        self.doc_first.append(eid)
        if doc.author and has_hanzi(doc.author) and self.char_pinyin is not None and doc.author not in self.readings:
            from . import pinyin as py

            self.readings[doc.author] = py.readings(doc.author)

    def _new_otext(self, b: _Builder, text: str) -> int:
        otid = b.otexts[text] = len(self.otext_off) - 1
        self.otext += text.encode("utf-8", "surrogatepass")
        self.otext_off.append(len(self.otext))
        vis, urls = visible(text)
        b.vis[otid] = fold(vis)
        uid = -1
        if urls:
            ul = lower(urls)
            uid = b.urls.get(ul, -1)
            if uid < 0:
                uid = b.urls[ul] = len(self.url_off) - 1
                self.urls += ul.encode("utf-8", "surrogatepass") + b"\n"
                self.url_off.append(len(self.urls))
        self.otext_url.append(uid)
        return otid

    def _head_id(self, b: _Builder, ht: str) -> int:
        hid = b.heads.get(ht)
        if hid is None:
            hid = b.heads[ht] = len(self.heads)
            self.heads.append(ht)
        return hid

    def _new_text(self, b: _Builder, vis: str, hid: int) -> int:
        tid = b.texts[(vis, hid)] = self.ntexts
        low = lower(vis)
        cased = vis.encode("utf-8", "surrogatepass") + b"\n"
        self.lower += cased if low is vis or low == vis else low.encode("utf-8", "surrogatepass") + b"\n"
        self.lower_off.append(len(self.lower))
        self.cased += cased
        self.cased_off.append(len(self.cased))
        self.text_hid.append(hid)
        self.tid_count.append(0)
        if self.char_pinyin is not None and not low.isascii():
            self._add_readings(low)
        words = _WORDS.findall(low)
        if words:
            fresh = set(words).difference(b.vocab)
            if fresh:
                b.vocab.update(fresh)
                self.vocab.extend(fresh)  # (the order is of no matter: see `engine._fuzzy`)
        return tid

    def _new_shape(self, b: _Builder, skey: tuple) -> int:
        sid = b.shapes[skey] = self.nshapes
        otid, section, chain, project, pname, kind, head = skey
        sec = b.sections.get(section)
        if sec is None:
            sec = b.sections[section] = len(self.sections)
            self.sections.append(section)
        cid = b.chains.get(chain)
        if cid is None:
            cid = b.chains[chain] = len(self.chains)
            self.chains.append(chain)
        pid = -1
        if project is not None:
            pid = b.projects.get((project, pname), -1)
            if pid < 0:
                pid = b.projects[(project, pname)] = len(self.projects)
                self.projects.append((project, pname))
        self.shape_cols.extend((otid, sec, cid, pid, KINDS.index(kind), 1 if head else 0))
        return sid

    def kill(self, d: int) -> None:
        """Mark report `d` dead (its file changed or went away): it is no longer searched."""
        if self.doc_dead[d]:
            return
        self.doc_dead[d] = 1
        self.changes += 1
        tid_count, e_tid = self.tid_count, self.entry_tid
        lo, hi = self.doc_first[d], self.doc_first[d + 1]
        for e in range(lo, hi):
            tid_count[e_tid[e]] -= 1
        for i in self.dterm_ids[self.dterm_off[d]:self.dterm_off[d + 1]]:
            self.term_count[i] -= 1
        self.dead_entries += hi - lo
        self.docs[d] = self.doc(d)
        self.docs[d].ref = None
        self._ranks = None
        self._stored_rank = None
        self._order_keys = None

    @property
    def dead_share(self) -> float:
        """The share of entries in dead reports (past a quarter, the index is worth building anew)."""
        n = len(self.entry_tid)
        return self.dead_entries / n if n else 0.0

    def _builder(self) -> _Builder:
        """The lookup tables adding reports needs (made again from the parts of a loaded index)."""
        if self._b is not None:
            return self._b
        self._materialize()
        b = _Builder()
        for otid in range(len(self.otext_off) - 1):
            text = self.original(otid)
            b.otexts.setdefault(text, otid)
            b.vis[otid] = fold(visible(text)[0])
        for tid in range(self.ntexts):
            b.texts.setdefault((self.text_cased(tid), self.text_hid[tid]), tid)
        for hid, ht in enumerate(self.heads):
            b.heads.setdefault(ht, hid)
        for uid in range(len(self.url_off) - 1):
            b.urls.setdefault(self.url_text(uid), uid)
        for i, section in enumerate(self.sections):
            b.sections.setdefault(section, i)
        for i, chain in enumerate(self.chains):
            b.chains.setdefault(chain, i)
        for i, proj in enumerate(self.projects):
            b.projects.setdefault(proj, i)
        for sid in range(self.nshapes):
            b.shapes.setdefault(self.shape(sid), sid)
        b.vocab.update(self.vocab)
        for nid, name in enumerate(self.kpi_names):
            b.kpis.setdefault(name, nid)
        self._b = b
        return b

    def settle(self) -> None:
        """Drop what only growing needs (it is made again if the index grows later)."""
        self._b = None

    def _materialize(self) -> None:
        """Turn lazily read parts into in-memory arrays (before growing)."""
        for name in ("cased", "otext"):
            v = getattr(self, name)
            if not isinstance(v, bytearray):
                setattr(self, name, bytearray(v[0:len(v)]))
        for name in ("cased_off", "text_hid", "shape_cols", "otext_off", "otext_url", "post_off", "post_eid",
                     "entry_tid", "entry_shape", "entry_line"):
            v = getattr(self, name)
            if not isinstance(v, array):
                setattr(self, name, v[0:len(v)])
        self.all_docs()

    # -- pinyin --------------------------------------------------------------------------------

    @property
    def pinyin_ready(self) -> bool:
        """Whether pinyin readings are at hand (else `prepare_pinyin` computes them, loading pypinyin)."""
        return self.char_pinyin is not None

    def prepare_pinyin(self) -> None:
        """Compute the pinyin readings of names, authors and every hanzi of the texts (pypinyin: ~0.2 s
        to load), so pinyin queries need no pypinyin at all."""
        if self.char_pinyin is not None and all(t in self.readings for t in self.terms):
            return
        from . import pinyin as py

        with self.lock:
            for t in list(self.terms):
                if t not in self.readings:
                    self.readings[t] = py.readings(t)
            for d in range(self.ndocs):
                a = self.doc(d).author
                if a and has_hanzi(a) and a not in self.readings:
                    self.readings[a] = py.readings(a)
            if self.char_pinyin is None:
                self.char_pinyin = {}
                self._add_readings(bytes(self.lower).decode("utf-8", "surrogatepass"))

    def _add_readings(self, low: str) -> None:
        """Learn the readings of the hanzi of a text not seen yet."""
        from . import pinyin as py
        from .match import text_readings

        cp = self.char_pinyin
        assert cp is not None
        fresh = [ch for ch in set("".join(HANZI_RUNS.findall(low))) if ch not in cp]
        for ch in fresh:
            cp[ch] = text_readings(py.char_readings(ch))
        if fresh:
            self._pinyin_classes = None

    _pinyin_classes: Any = None

    # -- storing -------------------------------------------------------------------------------

    def to_parts(self) -> dict[str, bytes]:
        """Every part as plain bytes (see the module's description)."""
        self._materialize()
        rank, _by_rank, order = self.ranks()
        docs = bytearray()
        doc_off = array("i", [0])
        for d in range(self.ndocs):
            docs += self.doc(d).to_json().encode("utf-8", "surrogatepass")
            doc_off.append(len(docs))
        post_off, post_eid = array("i", [0]), array("i")
        for tid in range(self.ntexts):
            post_eid.extend(self.postings(tid))
            post_off.append(len(post_eid))
        meta = {"format": FORMAT, "byteorder": sys.byteorder, "item": ITEM, "docs": self.ndocs,
                "entries": len(self.entry_tid), "texts": self.ntexts, "shapes": self.nshapes,
                "otexts": len(self.otext_off) - 1, "urls": len(self.url_off) - 1, "dead": self.dead_entries,
                "pinyin": self.char_pinyin is not None, "token": self.token}
        names = {"terms": list(self.terms), "readings": self.readings, "sections": list(self.section_keys),
                 "kpis": self.kpi_names, "heads": self.heads, "shape_sections": self.sections,
                 "chains": [list(c) for c in self.chains], "projects": [list(p) for p in self.projects]}
        # (term ids follow the order of `terms`)

        def js(v: Any) -> bytes:
            return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")

        parts = {
            "meta": js(meta), "names": js(names), "docs": bytes(docs), "doc_off": doc_off.tobytes(),
            "doc_first": self.doc_first.tobytes(), "doc_dead": bytes(self.doc_dead), "doc_rank": rank.tobytes(),
            "doc_order": order.tobytes(),
            "entry_tid": self.entry_tid.tobytes(), "entry_shape": self.entry_shape.tobytes(),
            "entry_line": self.entry_line.tobytes(),
            "lower": bytes(self.lower), "lower_off": self.lower_off.tobytes(), "cased": bytes(self.cased),
            "cased_off": self.cased_off.tobytes(), "text_hid": self.text_hid.tobytes(),
            "tid_count": self.tid_count.tobytes(), "post_off": post_off.tobytes(), "post_eid": post_eid.tobytes(),
            "shape_cols": self.shape_cols.tobytes(), "otext": bytes(self.otext),
            "otext_off": self.otext_off.tobytes(), "otext_url": self.otext_url.tobytes(), "urls": bytes(self.urls),
            "url_off": self.url_off.tobytes(), "vocab": "\n".join(self.vocab).encode("utf-8"),
            "kpi_eid": self.kpi_eid.tobytes(), "kpi_nid": self.kpi_nid.tobytes(),
            "term_count": self.term_count.tobytes(), "dterm_off": self.dterm_off.tobytes(),
            "dterm_ids": self.dterm_ids.tobytes(),
        }
        if self.char_pinyin is not None:
            parts["char_pinyin"] = js(self.char_pinyin)
        parts["sums"] = js({name: _chunk_sums(data) for name, data in parts.items()})
        return parts

    LAZY = ("cased", "cased_off", "shape_cols", "otext", "otext_off", "otext_url", "post_eid",
            "entry_tid", "entry_shape", "entry_line", "docs")

    @classmethod
    def from_parts(cls, parts: Mapping[str, Any], lazy: bool = False) -> Any:
        """An index from stored parts: `parts[name]` is bytes, or (with `lazy`) for the large parts
        anything that slices to bytes (an open SQLite blob), read when used. `DamagedIndex` when a part
        does not check out."""
        ix = cls()
        ix._b = None
        try:
            sums = _json_part(parts["sums"], dict)
            raw_parts = parts

            class _Verified(Mapping[str, Any]):
                """The parts, checked: whole when read whole, piece by piece when read on demand."""

                def __getitem__(self, name: str) -> Any:
                    want = sums[name]
                    if type(want) is not list or not set(map(type, want)) <= {int}:
                        raise DamagedIndex("damaged checksums")
                    if lazy and name in cls.LAZY:
                        return Checked(raw_parts[name], want)
                    data = bytes(raw_parts[name])
                    if _chunk_sums(data) != want:
                        raise DamagedIndex("a stored part that does not match its checksum")
                    return data

                def __iter__(self) -> Iterator[str]:
                    return iter(raw_parts)

                def __len__(self) -> int:
                    return len(raw_parts)

            parts = _Verified()
            meta = _json_part(parts["meta"], dict)
            if meta.get("format") != FORMAT or meta.get("byteorder") != sys.byteorder or meta.get("item") != ITEM:
                raise DamagedIndex("an index of another format")

            def ints(name: str) -> Any:
                return Ints(parts[name]) if lazy and name in cls.LAZY else _ints(parts[name])

            def blob(name: str) -> Any:
                v = parts[name]
                return v if lazy and name in cls.LAZY else bytearray(v)

            n_docs, n_ent, n_txt = meta["docs"], meta["entries"], meta["texts"]
            if type(meta.get("token")) is not str:
                raise DamagedIndex("damaged meta")
            ix.token = meta["token"]
            n_sh, n_ot, n_url = meta["shapes"], meta["otexts"], meta["urls"]
            ix.ndocs = n_docs
            ix.docs = [None] * n_docs
            ix._docs_blob = blob("docs")
            ix._doc_off = _ints(parts["doc_off"])
            ix.doc_first = _ints(parts["doc_first"])
            ix.doc_dead = bytearray(parts["doc_dead"])
            ix._stored_rank = _ints(parts["doc_rank"])
            ix._order_keys = _ints(parts["doc_order"])
            ix.entry_tid, ix.entry_shape, ix.entry_line = ints("entry_tid"), ints("entry_shape"), ints("entry_line")
            ix.lower = bytearray(parts["lower"])
            ix.lower_off = _ints(parts["lower_off"])
            ix.cased, ix.cased_off, ix.text_hid = blob("cased"), ints("cased_off"), ints("text_hid")
            ix.tid_count = _ints(parts["tid_count"])
            ix.post_off, ix.post_eid = _ints(parts["post_off"]), ints("post_eid")
            ix.shape_cols = ints("shape_cols")
            ix.otext, ix.otext_off, ix.otext_url = blob("otext"), ints("otext_off"), ints("otext_url")
            ix.urls, ix.url_off = bytearray(parts["urls"]), _ints(parts["url_off"])
            vocab = bytes(parts["vocab"]).decode("utf-8")
            ix.vocab = vocab.split("\n") if vocab else []
            names = _json_part(parts["names"], dict)
            ix.terms = {t: i for i, t in enumerate(_strs(names.get("terms")))}
            ix.term_count = _ints(parts["term_count"])
            ix.section_keys = dict.fromkeys(_strs(names.get("sections")))
            ix.kpi_names = _strs(names.get("kpis"))
            ix.heads = _strs(names.get("heads"))
            ix.sections = _strs(names.get("shape_sections"))
            chains, projects = names.get("chains"), names.get("projects")
            if type(chains) is not list or type(projects) is not list:
                raise DamagedIndex("damaged names")
            ix.chains = [tuple(_strs(c)) for c in chains]
            if not all(type(p) is list and len(p) == 2 and type(p[0]) is str and (p[1] is None or type(p[1]) is str)
                       for p in projects):
                raise DamagedIndex("damaged names")
            ix.projects = [(k, n) for k, n in projects]
            readings = names.get("readings")
            if type(readings) is not dict:
                raise DamagedIndex("damaged readings")

            def load_readings() -> dict[str, list]:
                return {k: _readings(v) for k, v in readings.items()}

            def load_char_pinyin() -> dict[str, list[str]] | None:
                if not meta.get("pinyin"):
                    return None
                cp = _json_part(parts["char_pinyin"], dict)
                if not all(type(k) is str and type(v) is list and all(type(r) is str and r for r in v)
                           for k, v in cp.items()):
                    raise DamagedIndex("damaged readings")
                return cp

            def load_kpi_eid() -> array:
                got = _ints(parts["kpi_eid"])
                if got and (min(got) < 0 or max(got) >= n_ent):
                    raise DamagedIndex("parts that do not fit together")
                return got

            def load_kpi_nid() -> array:
                got = _ints(parts["kpi_nid"])
                if len(got) != len(ix.kpi_eid) or (got and (min(got) < 0 or max(got) >= len(ix.kpi_names))):
                    raise DamagedIndex("parts that do not fit together")
                return got

            def load_dterm_ids() -> array:
                got = _ints(parts["dterm_ids"])
                if len(got) != ix.dterm_off[-1] or (got and (min(got) < 0 or max(got) >= len(ix.terms))):
                    raise DamagedIndex("parts that do not fit together")
                return got

            ix.dterm_off = _ints(parts["dterm_off"])
            ix.dead_entries = int(meta.get("dead", 0))
            if lazy:  # (read, and checked, by the first query that needs them: pinyin readings, `kpi:`)
                del ix.readings, ix.char_pinyin, ix.kpi_eid, ix.kpi_nid, ix.dterm_ids
                ix._deferred = {"readings": load_readings, "char_pinyin": load_char_pinyin, "kpi_eid": load_kpi_eid,
                                "kpi_nid": load_kpi_nid, "dterm_ids": load_dterm_ids}
            else:
                ix.readings, ix.char_pinyin = load_readings(), load_char_pinyin()
                ix.kpi_eid = load_kpi_eid()
                ix.kpi_nid, ix.dterm_ids = load_kpi_nid(), load_dterm_ids()  # (the first checked against it)
            # the shape of everything: counts, offsets that end where their bytes do, ids in range
            checks = [
                len(ix.doc_first) == n_docs + 1, len(ix.doc_dead) == n_docs, len(ix._stored_rank) == n_docs,
                len(ix._order_keys) == n_docs, len(ix._doc_off) == n_docs + 1, ix.doc_first[-1] == n_ent,
                ix._doc_off[-1] == len(ix._docs_blob),
                len(ix.entry_tid) == n_ent and len(ix.entry_shape) == n_ent and len(ix.entry_line) == n_ent,
                len(ix.lower_off) == n_txt + 1 and ix.lower_off[-1] == len(ix.lower),
                len(ix.cased_off) == n_txt + 1 and ix.cased_off[-1] == len(ix.cased),
                len(ix.text_hid) == n_txt and len(ix.tid_count) == n_txt and len(ix.post_off) == n_txt + 1,
                ix.post_off[-1] == len(ix.post_eid),
                len(ix.shape_cols) == 6 * n_sh,
                len(ix.otext_off) == n_ot + 1 and ix.otext_off[-1] == len(ix.otext) and len(ix.otext_url) == n_ot,
                len(ix.url_off) == n_url + 1 and ix.url_off[-1] == len(ix.urls),
                _ascending(ix.doc_first), _ascending(ix.lower_off), _ascending(ix.post_off), _ascending(ix._doc_off),
                not ix.tid_count or min(ix.tid_count) >= 0,
                len(ix.term_count) == len(ix.terms) and len(ix.dterm_off) == n_docs + 1,
                # ranks within bounds and each live report's rank its own (a changed rank that still passed
                # its checksum would drop hits, walking reports newest first), week-order positions too
                all((r == n_docs) == bool(dead) for r, dead in zip(ix._stored_rank, ix.doc_dead)),
                sorted(r for r in ix._stored_rank if r < n_docs) == list(range(n_docs - sum(ix.doc_dead))),
                not n_docs or (min(ix._order_keys) >= 0 and max(ix._order_keys) < n_docs),
                _decodes(ix.lower) and _decodes(ix.urls),
                not ix.post_off or ix.post_off[0] == 0,
            ]
            if not lazy:  # (read on demand, the rest is checked where it is read: a bad value fails there)
                checks += [
                    _decodes(ix.cased) and _decodes(ix.otext) and _decodes(ix._docs_blob),
                    not n_ent or (min(ix.entry_tid) >= 0 and max(ix.entry_tid) < n_txt),
                    not n_ent or (min(ix.entry_shape) >= 0 and max(ix.entry_shape) < n_sh),
                    not ix.post_eid or (min(ix.post_eid) >= 0 and max(ix.post_eid) < n_ent),
                    not n_txt or (min(ix.text_hid) >= -1 and max(ix.text_hid) < len(ix.heads)),
                    not n_ot or (min(ix.otext_url) >= -1 and max(ix.otext_url) < n_url),
                    _ascending(ix.cased_off), _ascending(ix.otext_off), _shapes_fit(ix, n_ot),
                ]
            if not all(checks):
                raise DamagedIndex("parts that do not fit together")
        except DamagedIndex:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
            raise DamagedIndex(f"damaged index parts ({type(exc).__name__})") from None
        ix._parts = parts if lazy else None
        return ix


def _shapes_fit(ix: IndexData, n_otexts: int) -> bool:
    """Whether every shape's ids point into their tables (checked at C speed, column by column)."""
    cols = ix.shape_cols
    limits = (n_otexts, len(ix.sections), len(ix.chains), len(ix.projects), len(KINDS), 2)
    for k, top in enumerate(limits):
        col = cols[k::6]
        if col and (min(col) < (-1 if k == 3 else 0) or max(col) >= top):
            return False
    return True


def _piece(blob: Any, a: int, b: int) -> str:
    """Text `a:b` of a stored byte string; `DamagedIndex` when the offsets do not fit it or the bytes are
    not text (parts read on demand are checked where they are read)."""
    if not 0 <= a <= b <= len(blob):
        raise DamagedIndex("an offset out of range")
    try:
        return bytes(blob[a:b]).decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise DamagedIndex("stored text that is not UTF-8") from None


def _decodes(data: Any) -> bool:
    """Whether stored text is UTF-8 (checked at C speed; a lone surrogate a file name held is written
    as `surrogatepass` bytes, which decode back)."""
    try:
        bytes(data).decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def _ascending(a: Any) -> bool:
    """Whether offsets never go back (checked at C speed: a sorted list is sorted in one pass)."""
    values = a.tolist() if isinstance(a, array) else list(a)
    return values == sorted(values)


def _strs(v: Any) -> list[str]:
    if type(v) is not list or not set(map(type, v)) <= {str}:  # (at C speed)
        raise DamagedIndex("damaged names")
    return v


def _readings(v: Any) -> list[tuple[str, ...]]:
    if type(v) is not list:
        raise DamagedIndex("damaged readings")
    out = []
    for r in v:
        if type(r) is not list or not all(type(x) is str for x in r):
            raise DamagedIndex("damaged readings")
        out.append(tuple(r))
    return out
