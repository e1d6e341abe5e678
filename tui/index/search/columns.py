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
    counts    per character of the texts, and pair of Latin letters or digits, how many entries of live
              reports are on texts holding it (`char_count`: a one- or two-letter key's total without a
              scan or a posting list)
    names     project, section and KPI names pinyin can spell, section keys, KPI names; Latin words
              (`vocab`, for fuzzy matching); per hanzi its readings (`char_pinyin`, for pinyin in
              report text)

Stored and read back by `parts` (`IndexData.to_parts`, `IndexData.from_parts`).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import threading
import zlib
from array import array
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from itertools import chain as _chain
from itertools import repeat as _repeat
from typing import Any, Iterable, Iterator, Mapping

from . import parts as _stored
from .docs import Doc
from .quiet import Quiet
from .readings import readings_parts
from .parts import COUNTED_PAIR, KINDS, DamagedIndex, _piece
from .records import HANZI_RUNS, Record, fold, has_hanzi, head_names, lower, norm, visible


class _Ids:
    """A key's id, held by the key's hash rather than by the key: one 64-bit slot a key (32 bits of its
    hash, and its id), open addressing, ~12 bytes a key; not the strings (and tuples) of a
    dictionary's keys and its ~100 bytes of entry and objects a key (~300 MB at 10,000 reports). A key
    found is checked against what the index holds (`same(id, key)`, the bytes), or where the index
    writes its parts as it is built and holds none (`check`, `IndexData.stream`) against a CRC-32 of
    the key kept per id: found by 64 bits, of which the hash's are drawn afresh for each process."""

    __slots__ = ("slots", "mask", "n", "same", "check", "checks", "miss")

    def __init__(self, same: Any = None, check: Any = None) -> None:
        self.slots = array("Q", bytes(8 * 1024))  # (0: empty; else the hash's top 32 bits, then the id + 1)
        self.mask = 1023
        self.n = 0
        self.same, self.check = same, check
        self.checks = array("I")  # per id its `check` (ids are put in order)
        self.miss = (0, 0)  # (tag, free slot) where the last `get` found none: `add` puts the key there

    def get(self, key: Any) -> int | None:
        tag = (hash(key) >> 32) & 0xFFFFFFFF
        slots, mask, same = self.slots, self.mask, self.same
        i = tag & mask
        c = -1
        while True:
            v = slots[i]
            if not v:
                self.miss = (tag, i)
                return None
            if v >> 32 == tag:
                idx = (v & 0xFFFFFFFF) - 1
                if same is not None:
                    if same(idx, key):
                        return idx
                else:
                    if c < 0:
                        c = self.check(key)
                    if self.checks[idx] == c:
                        return idx
            i = (i + 1) & mask

    def put(self, key: Any, i: int) -> None:
        """Give `key` the id `i` (the next id: ids are put in order) unless it has one already."""
        if self.get(key) is None:
            self.add(key, i)
        elif self.same is None:
            self.checks.append(self.check(key))

    def add(self, key: Any, i: int) -> None:
        """Give `key` the id `i` (the next id), right after a `get` of it found none."""
        if self.same is None:
            self.checks.append(self.check(key))
        tag, at = self.miss
        self.n += 1
        if 3 * self.n > 2 * len(self.slots):
            self._grow()
            slots, mask = self.slots, self.mask
            at = tag & mask
            while slots[at]:
                at = (at + 1) & mask
        self.slots[at] = (tag << 32) | (i + 1)

    def _grow(self) -> None:
        old = self.slots
        self.slots = slots = array("Q", bytes(16 * len(old)))
        self.mask = mask = 2 * len(old) - 1
        for v in old:
            if v:
                at = (v >> 32) & mask
                while slots[at]:
                    at = (at + 1) & mask
                slots[at] = v


def _check_text(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass"))


def _check_vis(key: tuple[str, int]) -> int:
    return zlib.crc32(key[0].encode("utf-8", "surrogatepass"), key[1] & 0xFFFFFFFF)


def _check_shape(key: tuple) -> int:
    return zlib.crc32(array("q", key).tobytes())


class _Tail:
    """The end of a column of an index whose parts are written as it is built (`IndexData.stream`): what
    is not written yet, read and appended to by positions in the whole column (a bytearray's or an
    array's); `take()` gives what may be written (of integers, all but the last: offsets read it)."""

    __slots__ = ("base", "data")

    def __init__(self, data: Any) -> None:
        self.base, self.data = 0, data

    def __len__(self) -> int:
        return self.base + len(self.data)

    def __iadd__(self, more: Any) -> "_Tail":
        self.data += more
        return self

    def append(self, v: int) -> None:
        self.data.append(v)

    def extend(self, vs: Iterable[int]) -> None:
        self.data.extend(vs)

    def __getitem__(self, i: Any) -> Any:
        base = self.base
        if isinstance(i, slice):
            a, b = i.start or 0, len(self) if i.stop is None else i.stop
            if a < base or b > len(self) or i.step is not None:
                raise IndexError("a written part of the column")
            return self.data[a - base:b - base]
        if i < 0:
            i += len(self)
        if i < base:
            raise IndexError("a written part of the column")
        return self.data[i - base]

    def take(self) -> bytes:
        data = self.data
        keep = 1 if isinstance(data, array) and data else 0
        got = data[:len(data) - keep]
        del data[:len(data) - keep]
        self.base += len(got)
        return got.tobytes() if isinstance(got, array) else bytes(got)

    def rest(self) -> bytes:
        """What is left (the column ends here)."""
        got, self.data = self.data, self.data[:0]
        self.base += len(got)
        return got.tobytes() if isinstance(got, array) else bytes(got)


# the parts an index written as it is built (`IndexData.stream`) writes a batch at a time: part → attribute
STREAMED = {"docs": "_docs_blob", "doc_off": "_doc_off", "doc_first": "doc_first", "entry_tid": "entry_tid",
            "entry_shape": "entry_shape", "entry_line": "entry_line", "lower": "lower", "lower_off": "lower_off",
            "cased": "cased", "cased_off": "cased_off", "text_hid": "text_hid", "shape_cols": "shape_cols",
            "otext": "otext", "otext_off": "otext_off", "otext_url": "otext_url"}


class _Builder:
    """What adding reports needs to find existing texts, shapes and names (dropped when not growing)."""

    __slots__ = ("otexts", "texts", "shapes", "heads", "urls", "vocab", "kpis", "chains", "sections", "projects",
                 "added")

    def __init__(self, ix: IndexData, streamed: bool = False) -> None:
        if streamed:  # (what it would check against is written: checked by a CRC-32 each)
            self.otexts, self.texts, self.shapes = _Ids(check=_check_text), _Ids(check=_check_vis), _Ids(check=_check_shape)
        else:
            self.otexts = _Ids(ix._same_otext)
            self.texts = _Ids(ix._same_text)
            self.shapes = _Ids(ix._same_shape)
        self.heads: dict[str, int] = {}
        self.urls: dict[str, int] = {}
        self.vocab: set[str] = set()
        self.kpis: dict[str, int] = {}
        self.chains: dict[tuple, tuple] = {}
        self.sections: dict[str, int] = {}
        self.projects: dict[tuple, int] = {}
        self.added: dict[int, str] = {}  # the texts given entries by the reports being added (id → folded text)


_WORDS = re.compile(r"[0-9a-z]{3,}")
_PAIRS = re.compile(f"(?=({COUNTED_PAIR.pattern}))")  # (every pair `char_count` counts, overlapping)
COUNT_SLICE = 2048  # texts counted at a time (`_count_chars`)
FOLD_MIN = 1 << 16  # entries in `post_extra` before it is joined into `post_eid` (`_fold_postings`)
# one load of a deferred part at a time (`IndexData.__getattr__`; re-entrant: a loader reads others)
_LOADING = threading.RLock()


class IndexData:
    """The columns of a search index (see the module's description) and how they grow and are stored."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # one writer or one reader at a time
        self.quiet = Quiet()  # searches under way: the late checks of a saved index wait for none (`late_checks`)
        self.docs: list[Doc | None] = []  # (None: read from parts, made from its stored row when asked for)
        self.refs: list[Any] = []  # per report read from parts: the report a sync gave it (`adopt`), else None
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
        # per character (lower case), and pair of Latin letters or digits (`parts.COUNTED_PAIR`: `in`, `ss`),
        # the entries of live reports on the texts holding it (none: 0), kept as `tid_count` is (a few
        # thousand characters, CJK ones most of them, and at most 1,296 pairs: ~0.4 MB)
        self.char_count: Counter[str] = Counter()
        self._ranks: tuple | None = None
        self._b: _Builder | None = _Builder(self)
        self._parts: Any = None  # where lazily read parts come from
        self.token = os.urandom(8).hex()  # the identity of these text ids (a posting index belongs to one)
        self.posting_index: Any = None  # a `postings.Postings` of these texts (not stored in the parts)
        self.persisted_as: str | None = None  # the fingerprint these contents were saved or loaded with
        self.changes = 0  # reports added or marked dead so far
        self.saved_changes = -1  # `changes` when the index was saved or loaded

    def __getattr__(self, name: str) -> Any:
        # parts read on demand (`from_parts` with `lazy`): loaded the first time they are asked for, once,
        # whichever threads ask (a second asker waits for the first's load rather than finding it gone)
        state = self.__dict__
        if name not in state.get("_deferred", ()):
            raise AttributeError(name)
        with _LOADING:
            if name in state:  # (loaded by another thread meanwhile)
                return state[name]
            loader = state["_deferred"].get(name)
            if loader is None:
                raise AttributeError(name)
            value = loader()  # (kept until it succeeds: a damaged part is damaged for every asker)
            setattr(self, name, value)
            del state["_deferred"][name]
        return value

    # -- answers kept between queries -------------------------------------------------------------

    def _memo(self, name: str, version: tuple) -> dict:
        """The answers kept under `name`: a dict that holds while `version` (what they depend on: the
        index's texts and changes, and whatever else the caller names) does, made anew when it changes."""
        memo = self.__dict__.get(name)
        if memo is None or memo[0] != version:
            memo = (version, {})
            setattr(self, name, memo)
        return memo[1]

    @staticmethod
    def _keep(memo: dict, key: Any, value: Any, most: int) -> Any:
        """Keep `value` under `key`, at most `most` answers (the one kept first goes first)."""
        if len(memo) >= most:
            memo.pop(next(iter(memo)))
        memo[key] = value
        return value

    # -- reading -------------------------------------------------------------------------------

    @property
    def ntexts(self) -> int:
        """How many distinct texts."""
        return len(self.lower_off) - 1

    @property
    def live_entries(self) -> int:
        """How many entries are in live reports (the sum of `tid_count`, kept as reports are added and
        marked dead: a sum over every text costs ~0.1 s a million texts)."""
        return len(self.entry_tid) - self.dead_entries

    @property
    def live_docs(self) -> int:
        """How many reports are searched."""
        return self.ndocs - sum(self.doc_dead)

    def all_docs(self) -> list[Doc]:
        """Every report, dead ones too (those read from parts made from their stored rows: see `each_doc`)."""
        return list(self.each_doc())

    def each_doc(self, batch: int = 4096) -> Iterator[Doc]:
        """Every report in order, dead ones too. Those read from parts are made from their stored rows
        `batch` at a time and kept by none here (a `Doc` is ~1 KB: ~100 MB at 100,000 reports, which a
        sync comparing every report's identity, the ranks or the filters' columns once held whole)."""
        docs = self.docs
        for lo in range(0, self.ndocs, batch):
            hi = min(lo + batch, self.ndocs)
            rows: Iterator[Any] = iter(())
            unread = [d for d in range(lo, hi) if docs[d] is None]
            if unread:
                off = self._doc_off
                base = off[unread[0]]
                raw = bytes(self._docs_blob[base:off[unread[-1] + 1]])
                lines = [raw[off[d] - base:off[d + 1] - base] for d in unread]
                try:
                    got = json.loads(b"[" + b",".join(lines) + b"]")
                except (ValueError, RecursionError, UnicodeDecodeError):
                    raise DamagedIndex("a damaged report row") from None
                if type(got) is not list or len(got) != len(unread):
                    raise DamagedIndex("a damaged report row")
                rows = iter(got)
            for d in range(lo, hi):
                doc = docs[d]
                if doc is None:
                    doc = self._carrying(Doc.from_row(next(rows)), d)
                yield doc

    def doc(self, d: int) -> Doc:
        """Report `d` (one read from parts is made from its stored row each time: none is kept)."""
        got = self.docs[d]
        if got is None:
            a, b = self._doc_off[d], self._doc_off[d + 1]
            got = self._carrying(Doc.from_json(bytes(self._docs_blob[a:b]).decode("utf-8")), d)
        return got

    def _carrying(self, doc: Doc, d: int) -> Doc:
        """A report made from its stored row, carrying the report given to it by a sync (`adopt`)."""
        ref = self.refs[d]
        if ref is not None:
            doc.adopt(ref)
        return doc

    def adopt(self, d: int, report: Any) -> None:
        """Report `d` is `report` (what its hits carry), kept as the report alone when `d` was read from
        parts (its `Doc` made from the row when asked for)."""
        doc = self.docs[d]
        if doc is None:
            self.refs[d] = report
        else:
            doc.adopt(report)

    def text(self, tid: int) -> str:
        """A text, lower case."""
        return _piece(self.lower, self.lower_off[tid], self.lower_off[tid + 1] - 1)

    def lower_blob(self) -> bytes | bytearray:
        """Every text, lower case, "\\n" after each, as one byte string to scan (read whole the first
        time it is needed when read on demand: `reports-tui search` reads only the texts the posting
        index names until a query must scan them all)."""
        if not isinstance(self.lower, (bytes, bytearray)):
            v = self.lower
            self.lower = v.whole() if hasattr(v, "whole") else v[0:len(v)]  # (one copy, not one per piece too)
        return self.lower

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
                dead = self.doc_dead
                keys = {d: k for d, k in enumerate(self._sort_keys or ((doc.week is not None, doc.sort)
                                                                        for doc in self.each_doc())) if not dead[d]}
                live = list(keys)
                dated = sorted((d for d in live if keys[d][0]), key=lambda d: keys[d][1], reverse=True)
                undated = sorted((d for d in live if not keys[d][0]), key=lambda d: keys[d][1], reverse=True)
                rank = array("i", [n]) * n
                for r, d in enumerate(dated + undated):
                    rank[d] = r
                order = array("i", [0]) * n
                for pos, d in enumerate(sorted(live, key=lambda d: keys[d][1])):
                    order[d] = pos
            by_rank = array("i", sorted(range(n), key=rank.__getitem__))  # (dead reports last: rank n)
            del by_rank[n - rank.count(n):]
            got = self._ranks = (rank, by_rank, order)
        return got

    _order_keys: Any = None  # week-order positions read from parts
    _sort_keys: Any = None  # per report (dated, sort key), where its rows are written as it is built (`stream`)
    _out: Any = None  # where its parts are written as it is built (`stream`)
    _tids: Any = None  # then each entry's text (4 bytes an entry: its postings are made of them at the end)
    _stored_rank: Any = None  # ranks read from parts

    # -- growing -------------------------------------------------------------------------------

    def add(self, items: Iterable[tuple[Doc, Record]]) -> int:
        """Append reports (each with its search record); returns how many."""
        b = self._builder()
        added = 0
        first = self.ntexts
        first_entry = len(self.entry_tid)
        for doc, rec in items:
            self._add_one(b, doc, rec)
            added += 1
        self._count_chars(Counter(self.entry_tid[first_entry:len(self.entry_tid)]), b.added, 1)
        b.added = {}
        if self.ntexts > first:  # (the new texts' words in one go: a scan per text costs more than the scan)
            new = bytes(self.lower[self.lower_off[first]:self.lower_off[-1]]).decode("utf-8", "surrogatepass")
            fresh = set(_WORDS.findall(new)).difference(b.vocab)
            if fresh:
                b.vocab.update(fresh)
                self.vocab.extend(fresh)  # (the order is of no matter: see `tiers.LowerTiers._fuzzy`)
        if self.post_extra and len(self.entry_tid) - self.post_off[-1] > max(FOLD_MIN, self.post_off[-1]):
            self._fold_postings()
        if self._out is not None:
            for name, attr in STREAMED.items():
                self._out.append(name, getattr(self, attr).take())
        if added:
            self.changes += added
            self._ranks = None
            self._stored_rank = None
            self._order_keys = None
        return added

    def _fold_postings(self) -> None:
        """Join the entries added since into `post_off`/`post_eid` (4 bytes an entry), each text's after
        its older ones: `post_extra` holds an array per text (~120 bytes each, scattered among the small
        objects building makes, so that their memory is not given back), and only while it is smaller
        than what is joined (the work of joining is then a few times the entries, however many)."""
        old_off, old_eid, extra = self.post_off, self.post_eid, self.post_extra
        n_old = len(old_off) - 1
        off, eid = array("i", [0]), array("i")
        for tid in range(self.ntexts):
            if tid < n_old:
                eid += old_eid[old_off[tid]:old_off[tid + 1]]
            more = extra.get(tid)
            if more is not None:
                eid += more
            off.append(len(eid))
        self.post_off, self.post_eid, self.post_extra = off, eid, {}

    def _add_one(self, b: _Builder, doc: Doc, rec: Record) -> None:
        if self._out is not None:  # (its row written with the index, its sort key kept for the ranks)
            self._docs_blob += doc.to_json().encode("utf-8", "surrogatepass")
            self._doc_off.append(len(self._docs_blob))
            self._sort_keys.append((doc.week is not None, doc.sort))
        else:
            self.docs.append(doc)
            self.refs.append(None)  # (the `Doc` carries it)
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
        tid_count, extra, tids = self.tid_count, self.post_extra, self._tids
        otexts, texts, shapes, seen = b.otexts, b.texts, b.shapes, b.added
        for line, text, section, chain, project, head, kind in entries:
            otid = otexts.get(text)
            if otid is None:
                otid, vis = self._new_otext(b, text)
            else:  # (worked out again rather than held: most lines are not)
                vis = fold(visible(text)[0])
            hid = -1
            if head:
                if kind == "item" and line in heads:
                    hid = self._head_id(b, norm(visible(heads[line])[0]))
                else:
                    hid = self._head_id(b, lower(vis))
            tid = texts.get((vis, hid))
            if tid is None:
                tid = self._new_text(b, vis, hid)
            skey = self._shape_key(b, otid, section, chain, project, pnames.get(project) if project else None, kind, head)
            sid = shapes.get(skey)
            if sid is None:
                sid = self.nshapes
                shapes.add(skey, sid)
                self.shape_cols.extend(skey)
            if tid not in seen:
                seen[tid] = vis
            e_tid(tid)
            e_shape(sid)
            e_line(line)
            tid_count[tid] += 1
            if tids is not None:  # (written as it is built: its postings made at the end, `finish`)
                tids.append(tid)
            else:
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

    def _new_otext(self, b: _Builder, text: str) -> tuple[int, str]:
        otid = len(self.otext_off) - 1
        b.otexts.add(text, otid)
        self.otext += text.encode("utf-8", "surrogatepass")
        self.otext_off.append(len(self.otext))
        vis, urls = visible(text)
        uid = -1
        if urls:
            ul = lower(urls)
            uid = b.urls.get(ul, -1)
            if uid < 0:
                uid = b.urls[ul] = len(self.url_off) - 1
                self.urls += ul.encode("utf-8", "surrogatepass") + b"\n"
                self.url_off.append(len(self.urls))
        self.otext_url.append(uid)
        return otid, fold(vis)

    def _same_otext(self, otid: int, text: str) -> bool:
        off = self.otext_off
        return self.otext[off[otid]:off[otid + 1]] == text.encode("utf-8", "surrogatepass")

    def _same_text(self, tid: int, key: tuple[str, int]) -> bool:
        off = self.cased_off
        return self.text_hid[tid] == key[1] and \
            self.cased[off[tid]:off[tid + 1] - 1] == key[0].encode("utf-8", "surrogatepass")

    def _same_shape(self, sid: int, skey: tuple) -> bool:
        return tuple(self.shape_cols[6 * sid:6 * sid + 6]) == skey

    def _head_id(self, b: _Builder, ht: str) -> int:
        hid = b.heads.get(ht)
        if hid is None:
            hid = b.heads[ht] = len(self.heads)
            self.heads.append(ht)
        return hid

    def _new_text(self, b: _Builder, vis: str, hid: int) -> int:
        tid = self.ntexts
        b.texts.add((vis, hid), tid)
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
        return tid  # (its words join `vocab` at the end of `add`)

    def _shape_key(self, b: _Builder, otid: int, section: str, chain: tuple, project: str | None, pname: str | None,
                   kind: str, head: Any) -> tuple[int, int, int, int, int, int]:
        """A shape as its six integers (`shape_cols`), its section, chain and project given ids when new."""
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
        return (otid, sec, cid, pid, KINDS.index(kind), 1 if head else 0)

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
        dead = Counter(e_tid[lo:hi])
        self._count_chars(dead, {t: self.text(t) for t in dead}, -1)
        for i in self.dterm_ids[self.dterm_off[d]:self.dterm_off[d + 1]]:
            self.term_count[i] -= 1
        self.dead_entries += hi - lo
        self.docs[d] = self.doc(d)
        self.docs[d].ref = self.refs[d] = None
        self._ranks = None
        self._stored_rank = None
        self._order_keys = None

    def _count_chars(self, entries: Counter[int], texts: Mapping[int, str], sign: int) -> None:
        """Count (`sign` 1) or uncount (-1) in `char_count` so many entries (`entries`: per text) of
        these texts (`texts`: each one's text, lower case or not): each of a text's characters and pairs
        of Latin letters or digits (`parts.COUNTED_PAIR`) once per entry, at C speed (~8 µs a text for
        the characters, ~15 µs for the pairs: ~4 and ~7 s of building 10,000 varied reports)."""
        pairs, counts, touched = _PAIRS.findall, self.char_count, set()
        items = list(entries.items())
        for at in range(0, len(items), COUNT_SLICE):  # (a slice's sets at a time: ~2–4 KB a text)
            marks = [(set(low).union(pairs(low)), n) for t, n in items[at:at + COUNT_SLICE]
                     for low in (lower(texts[t]),)]  # (each text's once, however many entries)
            each = _chain.from_iterable(_chain.from_iterable(_repeat(m, n) for m, n in marks))
            if sign > 0:
                counts.update(each)
                continue
            counts.subtract(each)
            touched.update(*(m for m, _n in marks))
        for ch in touched:
            if counts[ch] <= 0:  # (none left: not kept, as in an index that never held them)
                del counts[ch]

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
        self.heads = list(self.heads)  # (appended to: not held joined, `packed.JoinedNames`)
        b = _Builder(self)
        for otid in range(len(self.otext_off) - 1):
            b.otexts.put(self.original(otid), otid)
        for tid in range(self.ntexts):
            b.texts.put((self.text_cased(tid), self.text_hid[tid]), tid)
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
        cols = self.shape_cols
        for sid in range(self.nshapes):
            b.shapes.put(tuple(cols[6 * sid:6 * sid + 6]), sid)
        b.vocab.update(self.vocab)
        for nid, name in enumerate(self.kpi_names):
            b.kpis.setdefault(name, nid)
        self._b = b
        return b

    # -- written as it is built ---------------------------------------------------------------------

    def stream(self, out: Any) -> None:
        """Write this index's parts as it is built, to `out` (a `store.searchdb.IndexWriter`), rather than
        hold them: the parts that only grow (`STREAMED`) are handed to `out` at the end of each `add`,
        and only their ends held; the lines are found again by hash and a CRC-32 (`_Ids`), not by the
        bytes, which are written; `finish` writes the rest. Only for an empty index, built once: it
        cannot be searched (`finish` says where it was saved, to be read back)."""
        assert self.ndocs == 0
        self._out = out
        self._sort_keys = []
        self._tids = array("i")
        self._docs_blob = b""
        self._doc_off = array("i", [0])
        for attr in STREAMED.values():
            col = getattr(self, attr)
            setattr(self, attr, _Tail(bytearray(col) if not isinstance(col, array) else col))
        self._b = _Builder(self, streamed=True)

    def finish(self, fp: str, held: Iterable[int] = ()) -> bool:
        """Write the rest of an index built by `stream` and make it the library's saved index (with the
        fingerprint `fp` of its files; `held`: `searchdb.save_index`'s); whether it was saved."""
        out, self._out = self._out, None
        self._b = None
        if self.char_pinyin is not None:  # (what `prepare_pinyin` would add: the names' readings)
            self._name_readings()
            self._names_spelling("")  # (saved with it: `warm`)
        for name, attr in STREAMED.items():
            out.append(name, getattr(self, attr).rest())
        # each text's entries, ascending, by counting (no report is dead: `tid_count` counts them all)
        tids, self._tids = self._tids, None
        off = array("i", [0])
        off.extend(accumulate(self.tid_count))
        at = off[:-1]
        eids = array("i", bytes(4 * len(tids)))
        for e, t in enumerate(tids):
            eids[at[t]] = e
            at[t] += 1
        del tids, at
        self.post_off, self.post_eid, self.post_extra = off, eids, {}
        parts, sums = _stored.parts_and_sums(self, streamed=STREAMED)
        parts.update(readings_parts(self))
        return out.finish(fp, parts, held, lambda more: _stored.sums_part(sums, more))

    def settle(self) -> None:
        """Drop what only growing needs (it is made again if the index grows later)."""
        self._b = None

    def _materialize(self) -> None:
        """Turn lazily read parts into in-memory arrays (before growing)."""
        if not isinstance(self.lower, bytearray):
            self.lower = bytearray(self.lower[0:len(self.lower)])
        for name in ("cased", "otext", "_docs_blob"):  # (the report rows too: the file may be let go of)
            v = getattr(self, name, None)
            if v is None:
                continue
            if not isinstance(v, bytearray):
                setattr(self, name, bytearray(v[0:len(v)]))
        for name in ("lower_off", "tid_count", "cased_off", "text_hid", "shape_cols", "otext_off", "otext_url", "post_off", "post_eid",
                     "entry_tid", "entry_shape", "entry_line"):
            v = getattr(self, name)
            if not isinstance(v, array):
                setattr(self, name, v[0:len(v)])

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
            self._name_readings()
            for doc in self.each_doc():
                a = doc.author
                if a and has_hanzi(a) and a not in self.readings:
                    self.readings[a] = py.readings(a)
            if self.char_pinyin is None:
                self.char_pinyin = {}
                decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
                view, step = memoryview(self.lower_blob()), 1 << 20
                for k in range(0, len(view), step):  # (a slice at a time: a decoded copy of every text is large)
                    self._add_readings(decoder.decode(view[k:k + step], final=k + step >= len(view)))

    def _name_readings(self) -> None:
        """The pinyin readings of every name not read yet."""
        from . import pinyin as py

        for t in list(self.terms):
            if t not in self.readings:
                self.readings[t] = py.readings(t)

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

    # -- storing (`parts`) -----------------------------------------------------------------------

    def to_parts(self) -> dict[str, bytes]:
        """Every part as plain bytes (`parts.to_parts`)."""
        return _stored.to_parts(self)

    PACKED = ("cased", "otext")  # the texts as written: read a piece at a time, for the hits shown
    # parts read on demand from the saved index (`store.searchdb.open_saved`; the app checks them all,
    # `lower` when it opens the index, the others after its first answer, and holds `lower` whole — every
    # keystroke's scan reads it — and, once checked, the parts a page of hits reads when together they are
    # small: `parts.PAGE_PARTS`)
    LAZY = ("lower", "cased", "cased_off", "shape_cols", "otext", "otext_off", "otext_url", "post_eid",
            "entry_tid", "entry_shape", "entry_line", "docs", "names.projects")
    # parts a one-query process reads on demand too (the app reads them whole): the texts' integer columns
    # a piece at a time (a query reads a few thousand texts' values; read whole and checked they cost ~1 s
    # at 100,000 reports: `parts.Column`)
    QUERY_LAZY = ("readings", "lower_off", "text_hid", "tid_count", "post_off", "names.heads", "names.heads.off")

    @classmethod
    def from_parts(cls, parts: Mapping[str, Any], lazy: bool | Iterable[str] = False,
                   checked: bool | None = None, later: bool | None = None) -> Any:
        """An index from stored parts (`parts.from_parts`); `DamagedIndex` when a part does not check out."""
        return _stored.from_parts(cls, parts, lazy, checked, later)

    late_checks: Any = None  # the checks of the parts read on demand, left for later (`parts.from_parts`):
    # `late_checks(pause)`, `pause()` called between slices of the reading (`quiet.Quiet.wait`)
