"""The search index's persistence: its columns (`columns.IndexData`) as parts of plain bytes and back.

`to_parts` gives every part as bytes (packed integer arrays, UTF-8, JSON: plain data), and `sums`:
the CRC-32 of each 16 KiB of every part (a byte changed on disk inside a path or a line would
otherwise still fit together, and be shown); `from_parts` reads them back, the large parts on demand
(`Checked`, `Ints`: each piece checked when read), every part read through and checked by the app
(which then keeps a bounded number of pieces: the small parts and the lower-case texts when it opens
the index, the others after its first answer, `later`) or each checked where a query first reads it
(`reports-tui search`). A part that does not check out is a `DamagedIndex` (the index
is then built again).
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from array import array
from collections import Counter
from itertools import compress
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Mapping

from .pieces import CHUNK, ITEM, Checked, Column, DamagedIndex, Ints, _chunk_sums, _ints, _json_part, own_view
from .packed import PackedNames, PackedPairs
from .readings import GROUP as READINGS_GROUP
from .readings import StoredReadings, _readings, group_sums, readings_parts
from .readings import load as load_all_readings
from .spelling import read_spelling

FORMAT = "10"  # bump when a part's layout changes (4: pinyin readings a part of their own; 5: the names'
# spelling table; 6: each kind of name a part of its own, `NAMES`; 7: a part written as the index is built
# stored as several rows, `store.searchdb.IndexWriter`; the readings' parts their own checksums, written
# alone, each name's read on demand: `readings`; 8: the headings packed, `packed.PackedNames`; 9: the entries
# counted per character, `char_count`; 10: and per pair of Latin letters or digits)
COUNTED_PAIR = re.compile("[0-9a-z]{2}")  # the pairs of characters `char_count` counts besides characters
KEPT_PIECES = 256  # pieces of a part read on demand kept at a time, when it is not read whole (`Checked`)
WHOLE_UP_TO = KEPT_PIECES * CHUNK  # a part read on demand no larger than this is held whole (`checked`)
# parts the app holds whole whatever their size (`checked`): a text's entries are a slice of `post_eid`
# where a query's texts lie, all over the part — read on demand, each text would cost a block decompressed
# (~0.1–0.3 ms: ~1 s for the 4,000 texts a common word's hits are sorted from, at 100,000 reports); held,
# 4 bytes an entry (~32 MB at 100,000 reports, already held whole at 10,000)
# The project names too (`names.projects`): the app appends to them; a one-query process reads the few its
# hits name, on demand.
HELD_WHOLE = frozenset({"post_eid", "names.projects"})
# the parts a page of hits reads that the app holds whole once its late checks have read them through
# (each hit's shape, entry and line as written — a piece of each decompressed a hit, ~0.1–0.2 ms, where a
# first page of 300 hits spent ~50 ms; the shapes read all through by an `in:` filter), in this order,
# as long as together they come to no more than `HOLD_UP_TO` bytes (the first that does not fit and
# those after it stay read on demand): at 10,000 varied reports the shapes and lines, 46 MB (the TUI's
# peak RSS 236–242 -> 286–287 MB, its target 300); at 100,000 none (~470 MB; already over its 600)
PAGE_PARTS = ("shape_cols", "entry_shape", "entry_line", "entry_tid", "otext_off", "otext", "otext_url", "docs",
              "cased_off", "cased")
HOLD_UP_TO = 48 << 20
KINDS = ("item", "section", "title")
# the names, one part (a JSON list) each, by the attribute they become: a query process decodes only
# those its query reads (a plain word reads the heads and projects of its hits, never `terms` or `chains`)
NAMES = {"terms": "names.terms", "section_keys": "names.sections", "kpi_names": "names.kpis",
         "heads": "names.heads", "sections": "names.shape_sections", "chains": "names.chains",
         "projects": "names.projects"}  # (+ ".off", ".none": `PackedPairs.to_bytes`, no JSON; the heads + ".off":
# `PackedNames.to_bytes`)


def to_parts(ix: Any) -> dict[str, bytes]:
    """Every part as plain bytes (see the module's description)."""
    parts, sums = parts_and_sums(ix)
    parts["sums"] = sums_part(sums)
    # (the pinyin readings, when made, with checksums of their own: they may be written alone, `readings`)
    parts.update(readings_parts(ix))
    return parts


def parts_and_sums(ix: Any, streamed: Iterable[str] = ()) -> tuple[dict[str, bytes], dict[str, list[int]]]:
    """The parts as plain bytes but `sums` and the readings' (see `to_parts`), and the checksums of
    those parts; but for the parts `streamed`, written as the index was built
    (`columns.IndexData.stream`)."""
    streamed = frozenset(streamed)
    if not streamed:
        ix._materialize()
    rank, _by_rank, order = ix.ranks()
    docs = bytearray()
    doc_off = array("i", [0])
    for doc in ix.each_doc() if "docs" not in streamed else ():
        docs += doc.to_json().encode("utf-8", "surrogatepass")
        doc_off.append(len(docs))
    post_off, post_eid = ix.post_off, ix.post_eid
    if ix.post_extra or len(post_off) - 1 != ix.ntexts:  # (else joined already: `_fold_postings`)
        post_off, post_eid = array("i", [0]), array("i")
        for tid in range(ix.ntexts):
            post_eid.extend(ix.postings(tid))
            post_off.append(len(post_eid))
    meta = {"format": FORMAT, "byteorder": sys.byteorder, "item": ITEM, "docs": ix.ndocs,
            "entries": len(ix.entry_tid), "texts": ix.ntexts, "shapes": ix.nshapes,
            "otexts": len(ix.otext_off) - 1, "urls": len(ix.url_off) - 1, "dead": ix.dead_entries,
            "token": ix.token}
    names = {"terms": list(ix.terms), "section_keys": list(ix.section_keys),  # (term ids: the order of `terms`)
             "kpi_names": ix.kpi_names, "sections": ix.sections,
             "chains": [list(c) for c in ix.chains]}

    def js(v: Any) -> bytes:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")

    columns = {
        "docs": docs, "doc_off": doc_off, "doc_first": ix.doc_first, "doc_dead": ix.doc_dead, "doc_rank": rank,
        "doc_order": order, "entry_tid": ix.entry_tid, "entry_shape": ix.entry_shape, "entry_line": ix.entry_line,
        "lower": ix.lower, "lower_off": ix.lower_off, "cased": ix.cased, "cased_off": ix.cased_off,
        "text_hid": ix.text_hid, "tid_count": ix.tid_count, "post_off": post_off, "post_eid": post_eid,
        "shape_cols": ix.shape_cols, "otext": ix.otext, "otext_off": ix.otext_off, "otext_url": ix.otext_url,
        "urls": ix.urls, "url_off": ix.url_off, "vocab": "\n".join(ix.vocab).encode("utf-8"), "kpi_eid": ix.kpi_eid, "kpi_nid": ix.kpi_nid,
        "term_count": ix.term_count, "dterm_off": ix.dterm_off, "dterm_ids": ix.dterm_ids,
    }
    # (the characters as escapes: a lone surrogate of a line decoded with "surrogatepass" is read back)
    parts = {"meta": js(meta), "char_count": json.dumps(ix.char_count, sort_keys=True, separators=(",", ":")).encode()}
    parts.update({name: col.tobytes() if isinstance(col, array) else bytes(col)
                  for name, col in columns.items() if name not in streamed})
    parts.update({NAMES[k]: js(v) for k, v in names.items()})
    projects = ix.projects if isinstance(ix.projects, PackedPairs) else PackedPairs(ix.projects)
    at = NAMES["projects"]
    parts[at], parts[at + ".off"], parts[at + ".none"] = projects.to_bytes()
    at = NAMES["heads"]
    parts[at], parts[at + ".off"] = PackedNames.to_bytes(ix.heads)
    return parts, {name: _chunk_sums(data) for name, data in parts.items()}


def sums_part(sums: dict[str, list[int]], more: Mapping[str, list[int]] | None = None) -> bytes:
    """The `sums` part: the checksums of every part (`more`: of the parts written as the index was built)."""
    return json.dumps({**sums, **(more or {})}, separators=(",", ":")).encode("utf-8")


def from_parts(cls: Any, parts: Mapping[str, Any], lazy: bool | Iterable[str] = False,
               checked: bool | None = None, later: bool | None = None) -> Any:
    """An index (of class `cls`, an `IndexData`) from stored parts: `parts[name]` is bytes, or (with `lazy`) for the large parts
    anything that slices to bytes (an open SQLite blob), read when used. `DamagedIndex` when a part
    does not check out. `lazy` may also name the parts read when used (kept compressed in memory, as
    the app keeps the texts as written: `KEPT_PIECES` pieces of each at a time); the rest is read whole.

    `checked` (the default without `lazy` True): every part is read through and checked now, the
    parts read on demand a slice at a time (no copy of one made), and those then keep at most
    `KEPT_PIECES` pieces each, but those a page of hits reads, held whole when together they are small
    (`PAGE_PARTS`; the app: its memory stays bounded however long it runs, and a damaged
    index is found when it is opened, not by a later keystroke). Without it (a one-query process),
    each part is checked where a query reads it, and one read all over is then kept whole.

    `later` (with `checked`; the default with `lazy` True too, as `store.searchdb.open_saved` opens it
    for the app): the parts read on demand are not read through now but by `ix.late_checks()` (the app
    calls it once the first query is answered: that query needs only the small parts and `lower`,
    checked now); until then each piece is checked against its checksum where a query reads it."""
    ix = cls()
    ix._b = None
    if checked is None:
        checked = lazy is not True
    # (a one-query process reads on demand some parts more, those the app reads whole: `QUERY_LAZY`)
    on_demand = frozenset(cls.LAZY) | frozenset(() if checked else cls.QUERY_LAZY) if lazy is True \
        else frozenset(lazy or ())
    keep = KEPT_PIECES if checked else None
    if later is None:
        later = lazy is True
    try:
        sums = _json_part(parts["sums"], dict)
        raw_parts = parts

        class _Verified(Mapping[str, Any]):
            """The parts, checked: whole when read whole, piece by piece when read on demand."""

            def __getitem__(self, name: str) -> Any:
                want = sums[name]
                if type(want) is not list or not set(map(type, want)) <= {int}:
                    raise DamagedIndex("damaged checksums")
                if name in on_demand:
                    return Checked(raw_parts[name], want, keep)
                data = raw_parts[name]
                if not isinstance(data, (bytes, bytearray)):
                    data = bytes(data)
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
            v = held(name)
            return _ints(v) if isinstance(v, (bytes, bytearray)) else Ints(v)

        def column(name: str, lo: int | None, hi: int | None = None, ascending: bool = False) -> Any:
            # (a one-query process reads the texts' columns a piece at a time, each checked as it is
            # read: `QUERY_COLUMNS`; the app reads them whole, checked below)
            # (`text_hid` unchecked there, as before: a heading's id out of range fails where it is read)
            v = held(name)
            return _ints(v) if isinstance(v, (bytes, bytearray)) else Column(v, lo, hi, ascending)

        def blob(name: str) -> Any:
            v = held(name)
            return v if not isinstance(v, bytes) else bytearray(v)

        def held(name: str) -> Any:
            # (a part no larger than what would be kept of it is held whole: read on demand, it would
            # save nothing and cost a lookup per value)
            v = parts[name]
            if name in on_demand and checked and (len(v) <= WHOLE_UP_TO or name in HELD_WHOLE):
                return v.whole()
            return v

        n_docs, n_ent, n_txt = meta["docs"], meta["entries"], meta["texts"]
        if type(meta.get("token")) is not str:
            raise DamagedIndex("damaged meta")
        ix.token = meta["token"]
        n_sh, n_ot, n_url = meta["shapes"], meta["otexts"], meta["urls"]
        ix.ndocs = n_docs
        ix.docs = [None] * n_docs
        ix.refs = [None] * n_docs
        ix._docs_blob = blob("docs")
        ix._doc_off = _ints(parts["doc_off"])
        ix.doc_first = _ints(parts["doc_first"])
        ix.doc_dead = bytearray(parts["doc_dead"])
        ix._stored_rank = _ints(parts["doc_rank"])
        ix._order_keys = _ints(parts["doc_order"])
        ix.entry_tid, ix.entry_shape, ix.entry_line = ints("entry_tid"), ints("entry_shape"), ints("entry_line")
        ix.lower = parts["lower"]  # (bytes as read, or read on demand: a bytearray when the index grows, `_materialize`)
        ix.lower_off = column("lower_off", 0, len(ix.lower), ascending=True)
        ix.cased, ix.cased_off, ix.text_hid = blob("cased"), ints("cased_off"), column("text_hid", None)
        ix.tid_count = column("tid_count", 0)
        ix.post_eid = ints("post_eid")
        ix.post_off = column("post_off", 0, len(ix.post_eid), ascending=True)
        ix.shape_cols = ints("shape_cols")
        ix.otext, ix.otext_off, ix.otext_url = blob("otext"), ints("otext_off"), ints("otext_url")
        ix.urls, ix.url_off = bytearray(parts["urls"]), _ints(parts["url_off"])
        vocab = bytes(parts["vocab"]).decode("utf-8")
        ix.vocab = vocab.split("\n") if vocab else []
        ix.term_count = _ints(parts["term_count"])
        for name in READINGS_GROUP:  # (the readings' parts: checked against their own head, if this index's)
            sums.pop(name, None)
        sums.update(group_sums(raw_parts, ix.token, len(ix.term_count), n_txt))

        def load_terms() -> dict[str, int]:
            terms = {t: i for i, t in enumerate(_strs(_json_part(parts[NAMES["terms"]], list)))}
            if len(terms) != len(ix.term_count):  # (one count a name, each name once)
                raise DamagedIndex("parts that do not fit together")
            return terms

        def load_chains() -> list[tuple[str, ...]]:
            return [tuple(_strs(c)) for c in _json_part(parts[NAMES["chains"]], list)]

        def load_projects() -> PackedPairs:  # (~40,000 pairs at 10,000 reports: stored packed, read as they are)
            at = NAMES["projects"]
            try:
                return PackedPairs.from_bytes(held(at), parts[at + ".off"], parts[at + ".none"])
            except ValueError:
                raise DamagedIndex("damaged names") from None

        def load_heads() -> Any:
            # (a one-query process decodes the few its hits are on, read on demand; the app holds them
            # joined, as its scans read them)
            at = NAMES["heads"]
            data = held(at)
            try:
                heads = PackedNames(data, column(at + ".off", 0, len(data), ascending=True))
                return heads if lazy is True and not checked else heads.joined()
            except ValueError:
                raise DamagedIndex("damaged names") from None

        def names_loader(attr: str) -> Any:
            return lambda: _strs(_json_part(parts[NAMES[attr]], list))

        name_loaders = {"terms": load_terms, "chains": load_chains, "projects": load_projects,
                        "section_keys": lambda: dict.fromkeys(names_loader("section_keys")()),
                        "kpi_names": names_loader("kpi_names"),
                        "heads": load_heads,
                        "sections": names_loader("sections")}

        def load_readings() -> dict[str, list]:
            if "readings" not in sums:  # (made when first needed: `prepare_pinyin`)
                return {}
            if lazy is True and not checked:  # (a query reads a few names' readings: each decoded when first read)
                return StoredReadings(parts, lambda: ix.terms, len(ix.term_count))
            return load_all_readings(parts, ix.terms)

        def load_char_pinyin() -> dict[str, list[str]] | None:
            if "char_pinyin" not in sums:
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

        def load_spelling() -> tuple[int, Any] | None:
            if "spelling" not in sums:  # (saved without one: made where the index is synced)
                return None
            try:
                got = read_spelling(parts["spelling"], parts["spelling_ids"], ix.terms)
            except ValueError as exc:
                raise DamagedIndex(str(exc)) from None
            return None if got is None else (len(ix.terms), got)

        ix.dterm_off = _ints(parts["dterm_off"])
        ix.dead_entries = int(meta.get("dead", 0))
        ix.char_count = _char_count(parts["char_count"], n_ent - ix.dead_entries)
        if lazy is True and not checked:  # (read, and checked, by the first query that needs them: pinyin, `kpi:`)
            for attr in (*name_loaders, "readings", "char_pinyin", "kpi_eid", "kpi_nid", "dterm_ids"):
                delattr(ix, attr)
            ix._deferred = {**name_loaders, "readings": load_readings, "char_pinyin": load_char_pinyin,
                            "kpi_eid": load_kpi_eid, "kpi_nid": load_kpi_nid, "dterm_ids": load_dterm_ids,
                            "_pairs_memo": load_spelling}
        else:
            for attr, load in name_loaders.items():
                setattr(ix, attr, load())
            ix.readings, ix.char_pinyin = load_readings(), load_char_pinyin()
            ix._pairs_memo = load_spelling()
            ix.kpi_eid = load_kpi_eid()
            ix.kpi_nid, ix.dterm_ids = load_kpi_nid(), load_dterm_ids()  # (the first checked against it)
        if checked and "lower" in on_demand:  # (every keystroke's scan reads it whole: read, and checked, now)
            ix.lower_blob()
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
            _ascending(ix.doc_first), _ascending(ix._doc_off),
            # (read on demand, a column's pieces are checked where they are read: `Column`)
            isinstance(ix.lower_off, Column) or _ascending(ix.lower_off),
            isinstance(ix.post_off, Column) or _ascending(ix.post_off),
            isinstance(ix.tid_count, Column) or not ix.tid_count or min(ix.tid_count) >= 0,
            len(ix.dterm_off) == n_docs + 1,
            # ranks within bounds and each live report's rank its own (a changed rank that still passed
            # its checksum would drop hits, walking reports newest first), week-order positions too
            _ranks_fit(ix._stored_rank, ix.doc_dead, n_docs),
            not n_docs or (min(ix._order_keys) >= 0 and max(ix._order_keys) < n_docs),
            ("lower" in on_demand and not checked or _decodes(ix.lower)) and _decodes(ix.urls),
            not ix.post_off or ix.post_off[0] == 0,
        ]
        if not all(checks):
            raise DamagedIndex("parts that do not fit together")
        if checked:  # (else read on demand, and checked where it is read: a bad value fails there)
            # (the parts as opened: an index grown meanwhile holds other ones, with more texts and entries)
            attrs = ("cased", "otext", "_docs_blob", "entry_tid", "entry_shape", "post_eid", "text_hid",
                     "otext_url", "cased_off", "otext_off", "entry_line", "shape_cols")
            read = {attr: getattr(ix, attr) for attr in attrs}
            hold = _to_hold(read)
            shape_bounds = SimpleNamespace(sections=ix.sections, chains=ix.chains, projects=ix.projects)
            n_heads = len(ix.heads)

            def read_through(pause: Any = None) -> None:
                # (parts read on demand too: read through once, a slice at a time, as the app checks
                # every part of an index it holds rather than only what its queries read — through
                # views of their own: a query's pieces stay as they were; `pause()` before each piece,
                # `quiet.Quiet.wait`: never beside a search. The views of the parts to hold whole
                # gather what they read, held once every check passed: never a part not checked)
                views = {attr: own_view(v, pause, attr in hold) for attr, v in read.items()}
                cased, otext, docs, tid, shape, eid, hid, url, cased_off, otext_off, lines = (
                    views[attr] for attr in attrs[:-1])
                bounds = SimpleNamespace(**vars(shape_bounds), shape_cols=views["shape_cols"])
                try:
                    fits = (_decodes(cased) and _decodes(otext) and _decodes(docs)
                            and _within(tid, 0, n_txt) and _within(shape, 0, n_sh) and _within(eid, 0, n_ent)
                            and _within(hid, -1, n_heads) and _within(url, -1, n_url)
                            and _ascending(cased_off) and _ascending(otext_off) and _shapes_fit(bounds, n_ot)
                            and _read_through(lines))  # (no bound to check: read for its checksums)
                except DamagedIndex:
                    raise
                except (TypeError, ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
                    raise DamagedIndex(f"damaged index parts ({type(exc).__name__})") from None
                if not fits:
                    raise DamagedIndex("parts that do not fit together")
                whole = {attr: (v.blob if isinstance(v, Ints) else v).gathered() for attr, v in views.items()
                         if attr in hold}
                with ix.lock:  # (between searches; an index grown meanwhile holds other parts: kept)
                    for attr, data in whole.items():
                        if getattr(ix, attr) is read[attr]:
                            setattr(ix, attr, data)

            if later:
                ix.late_checks = read_through
            else:
                read_through()
    except DamagedIndex:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
        raise DamagedIndex(f"damaged index parts ({type(exc).__name__})") from None
    ix._parts = parts if lazy is True else None
    return ix



def _to_hold(read: Mapping[str, Any]) -> frozenset[str]:
    """The attributes of the parts read on demand the late checks hold whole (`PAGE_PARTS`, `HOLD_UP_TO`)."""
    hold, size = set(), 0
    for name in PAGE_PARTS:
        attr = "_docs_blob" if name == "docs" else name
        v = read[attr]
        if isinstance(v, (Ints, Checked)):
            size += len(v.blob) if isinstance(v, Ints) else len(v)
            if size > HOLD_UP_TO:
                break
            hold.add(attr)
    return frozenset(hold)


def _char_count(data: Any, live: int) -> Counter[str]:
    """The `char_count` part: per character (and pair of Latin letters or digits, `COUNTED_PAIR`), its
    count of entries (1 to `live`, the entries of live reports); else `DamagedIndex` (a count out of range
    would be a total shown)."""
    got = _json_part(data, dict)
    pair = COUNTED_PAIR.fullmatch
    if not all(type(k) is str and (len(k) == 1 or pair(k)) and type(v) is int and 0 < v <= live
               for k, v in got.items()):
        raise DamagedIndex("damaged counts")
    return Counter(got)


def _ranks_fit(rank: array, dead: bytearray, n: int) -> bool:
    """Whether the dead reports' flags are 0/1, they alone rank `n` and the live ones rank 0, 1, ... each
    once (at C speed: ~0.1 s a report at a time at 100,000 reports)."""
    n_dead = dead.count(1)
    return (n_dead + dead.count(0) == len(dead) and list(compress(rank, dead)).count(n) == n_dead
            and sorted(rank) == [*range(len(rank) - n_dead), *[n] * n_dead])


def _shapes_fit(ix: Any, n_otexts: int) -> bool:
    """Whether every shape's ids point into their tables (checked at C speed, column by column, a
    slice of shapes at a time)."""
    cols = ix.shape_cols
    limits = (n_otexts, len(ix.sections), len(ix.chains), len(ix.projects), len(KINDS), 2)
    step = 6 * _SLICE
    for at in range(0, len(cols), step):
        part = array("i", cols[at:at + step])
        for k, top in enumerate(limits):
            col = part[k::6]
            if col and (min(col) < (-1 if k == 3 else 0) or max(col) >= top):
                return False
    return True


_SLICE = 1 << 16  # integers checked at a time (`_within`, `_ascending`, `_shapes_fit`)


def _read_through(a: Any) -> bool:
    """Read every slice of a part read on demand (each checked against its checksums as it is read)."""
    for k in range(0, len(a), _SLICE):
        a[k:k + _SLICE]
    return True


def _within(a: Any, lo: int, hi: int) -> bool:
    """Whether every integer of `a` is in `lo`..`hi - 1` (at C speed, a slice at a time: `a` may be
    read on demand)."""
    for k in range(0, len(a), _SLICE):
        v = a[k:k + _SLICE]
        if min(v) < lo or max(v) >= hi:
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
    """Whether stored text is UTF-8 (checked at C speed, a slice at a time: decoded whole, text with
    one emoji takes four bytes a character; a lone surrogate a file name held is written as
    `surrogatepass` bytes, which decode back)."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    view = memoryview(data).cast("B") if isinstance(data, (bytes, bytearray)) else data  # (or read by slices)
    try:
        for k in range(0, len(view), _DECODE_SLICE):
            decoder.decode(view[k:k + _DECODE_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_DECODE_SLICE = 1 << 20


def _ascending(a: Any) -> bool:
    """Whether offsets never go back (checked at C speed a slice at a time: a sorted list is sorted in
    one pass, and nothing the size of `a` is made)."""
    step = _SLICE
    for k in range(0, len(a), step):
        v = a[k:k + step + 1]  # (one past the slice: the next slice starts where this ends)
        values = v.tolist() if isinstance(v, array) else list(v)
        if values != sorted(values):
            return False
    return True


def _strs(v: Any) -> list[str]:
    if type(v) is not list or not set(map(type, v)) <= {str}:  # (at C speed)
        raise DamagedIndex("damaged names")
    return v
