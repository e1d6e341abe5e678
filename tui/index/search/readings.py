"""The pinyin readings of a saved index: parts of their own, saved with the index or written alone.

Working the readings out loads pypinyin and reads every name and every text (~4 s of CPU at 10,000
reports, ~30 s at 100,000), so an index is saved without them until a pinyin query (or the app) first
needs them; they are then written alone beside the index's other parts, which stay as they were
(`store.searchdb.save_alone`). Hence a part of their own checksums (the head, `pinyin`) rather than
entries in the index's `sums`, and the index they belong to named in it (its token, names and texts):
readings written for another index are not read.

    pinyin            JSON head: token, terms, texts, each part's CRC-32 per 16 KiB (`sums`)
    readings          the names' readings in term id order, one JSON array of them (`null`: none saved)
    readings.off      packed offsets of each name's item in `readings` (the ',' or ']' after it)
    readings.authors  JSON: author → readings, for authors who are no name
    char_pinyin       JSON: hanzi → its readings in report text
    spelling, spelling_ids   the names pinyin may spell by two letters (`spelling`), when made

A process answering one query reads the readings of the names its query looks at, each decoded when
first asked for (`StoredReadings`: at 100,000 reports the whole JSON takes ~1.5 s to decode, a
query's ~5,000 names ~20 ms); the app decodes them all at once (`load`).
"""

from __future__ import annotations

import json
from array import array
from typing import Any, Callable, Mapping

from .pieces import DamagedIndex, _chunk_sums, _ints, _json_part
from .spelling import spelling_parts

HEAD = "pinyin"
GROUP = (HEAD, "readings", "readings.off", "readings.authors", "char_pinyin", "spelling", "spelling_ids")


def _js(v: Any) -> bytes:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def readings_parts(ix: Any) -> dict[str, bytes]:
    """The readings' parts of an index (none when its readings were not made: `pinyin_ready`)."""
    if ix.char_pinyin is None:
        return {}
    rd, terms = ix.readings, ix.terms
    items, off, at = [], array("i"), 1
    for t in terms:  # (in id order)
        r = rd.get(t)
        item = _js(r) if r is not None else b"null"
        items.append(item)
        at += len(item)
        off.append(at)
        at += 1  # (the ',' between two)
    parts = {"readings": b"[" + b",".join(items) + b"]", "readings.off": off.tobytes(),
             "readings.authors": _js({k: v for k, v in rd.items() if k not in terms}),
             "char_pinyin": _js(ix.char_pinyin)}
    spelt = getattr(ix, "_pairs_memo", None)
    if spelt is not None and spelt[0] == len(terms):  # (made by `warm` or a pinyin query: saved, read back)
        parts.update(spelling_parts(spelt[1], spelt[0]))
    head = {"token": ix.token, "terms": len(terms), "texts": ix.ntexts,
            "sums": {name: _chunk_sums(data) for name, data in parts.items()}}
    parts[HEAD] = _js(head)
    return parts


def made_readings(ix: Any) -> dict[str, bytes]:
    """The readings' parts of an index, its readings made first (loading pypinyin when not made yet) with
    the table of the names they spell, saved with them: what is written alone (`store.searchdb.save_readings`)."""
    ix.prepare_pinyin()
    ix._names_spelling("")  # (the table by two letters: `spelling`)
    with ix.lock:
        return readings_parts(ix)


def group_sums(parts: Mapping[str, Any], token: str, n_terms: int, n_texts: int) -> dict[str, list[int]]:
    """The checksums of the readings' parts when they are those of this index (its token, names and
    texts); empty when there are none (or they belong to another index: as if none were saved).
    `DamagedIndex` when the head is not one reports-tui wrote."""
    try:
        raw = parts[HEAD]
    except KeyError:
        return {}
    head = _json_part(raw, dict)
    if head.get("token") != token or head.get("terms") != n_terms or head.get("texts") != n_texts:
        return {}
    sums = head.get("sums")
    if type(sums) is not dict or not all(n in GROUP and type(v) is list and set(map(type, v)) <= {int}
                                         for n, v in sums.items()) or "readings" not in sums:
        raise DamagedIndex("damaged readings")
    return sums


def load(parts: Mapping[str, Any], terms: Mapping[str, int]) -> dict[str, list[tuple[str, ...]]]:
    """Every name's and author's readings, decoded at once (the app): each syllable one string and
    each reading one tuple however many names share them (as decoded, the readings of 10,000 reports'
    names are ~700,000 small objects, ~35 MB)."""
    data = parts["readings"]
    data = data.whole() if hasattr(data, "whole") else data
    items = _json_part(data, list, "surrogatepass")
    if len(items) != len(terms):
        raise DamagedIndex("damaged readings")
    shared: dict = {}
    out = {t: _readings(v, shared) for t, v in zip(terms, items) if v is not None}
    out.update((k, _readings(v, shared)) for k, v in _authors(parts).items())
    return out


def _authors(parts: Mapping[str, Any]) -> dict[str, Any]:
    """The authors' readings as stored (authors who are no name)."""
    return _json_part(parts["readings.authors"], dict, "surrogatepass")


class StoredReadings(dict):
    """Names' readings read on demand (a process answering one query): a name's item of `readings`,
    found by its term id, decoded and checked when `get` first asks for it; the authors' at once (few)."""

    __slots__ = ("blob", "off", "terms")

    def __init__(self, parts: Mapping[str, Any], terms: Callable[[], Mapping[str, int]], n_terms: int):
        super().__init__((k, _readings(v)) for k, v in _authors(parts).items())
        self.blob = parts["readings"]
        self.off = _ints(parts["readings.off"])
        if len(self.off) != n_terms or (n_terms and self.off[-1] != len(self.blob) - 1):
            raise DamagedIndex("damaged readings")
        self.terms = terms  # (name → id: loaded by the first name asked for)

    def _stored(self, name: Any) -> Any:
        i = self.terms().get(name)
        if i is None:
            return None
        a = self.off[i - 1] + 1 if i else 1
        b = self.off[i]
        if not 0 < a <= b <= len(self.blob) - 1:
            raise DamagedIndex("damaged readings")
        raw = bytes(self.blob[a:b])
        if raw == b"null":
            return None
        return _readings(_json_part(raw, list, "surrogatepass"))

    def get(self, name: Any, default: Any = None) -> Any:
        v = dict.get(self, name, _NONE)
        if v is _NONE:
            v = self._stored(name)
            if v is None:
                return default
            self[name] = v
        return v

    def __contains__(self, name: Any) -> bool:
        return self.get(name, _NONE) is not _NONE


_NONE = object()


def _readings(v: Any, shared: dict | None = None) -> list[tuple[str, ...]]:
    """A name's stored readings as a list of tuples (`DamagedIndex` when they are not lists of strings);
    `shared`: the strings and tuples made so far, used again for the same values."""
    if type(v) is not list:
        raise DamagedIndex("damaged readings")
    out = []
    for r in v:
        if type(r) is not list or not all(type(x) is str for x in r):
            raise DamagedIndex("damaged readings")
        if shared is None:
            out.append(tuple(r))
            continue
        t = tuple([shared.setdefault(x, x) for x in r])
        out.append(shared.setdefault(t, t))
    return out
