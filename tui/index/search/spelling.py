"""The table of the names pinyin may spell, by their first two letters (`tiers._names_spelling`), and
how it is stored with the index: working it out reads the pinyin readings of every name of a library
(~0.1 ms a name: 10 s at 100,000 reports), so it is made where the index is synced (`warm`), saved as
a part of its own, and a process that answers one query reads it back instead.

Stored as two parts: `spelling` (JSON: how many names it was made for, the two-letter keys in order,
the offset of each key's ids) and `spelling_ids` (packed term ids, each key's in a row). Read back, a
key's names are made when first asked for (a query asks for one key)."""

from __future__ import annotations

import json
from array import array
from typing import Any, Mapping



class StoredSpelling:
    """A spelling table read back from its parts: `get(key, default)` as the table built in memory
    answers (a list of (name, term id)), each key's list made when first asked for."""

    __slots__ = ("names", "at", "ids", "made")

    def __init__(self, names: list[str], at: dict[str, tuple[int, int]], ids: Any):
        self.names, self.at, self.ids = names, at, ids
        self.made: dict[str, list[tuple[str, int]]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        """The (name, term id) of the names spelt starting with `key` (two letters)."""
        got = self.made.get(key)
        if got is None:
            span = self.at.get(key)
            if span is None:
                return default
            names = self.names
            got = self.made[key] = [(names[i], i) for i in self.ids[span[0]:span[1]]]
        return got

    def __getitem__(self, key: str) -> list[tuple[str, int]]:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __iter__(self) -> Any:
        return iter(self.at)

    def __len__(self) -> int:
        return len(self.at)


def spelling_parts(table: Mapping[str, list[tuple[str, int]]], nterms: int) -> dict[str, bytes]:
    """The parts of a spelling table made for the first `nterms` names."""
    keys = sorted(table)
    ids = array("i")
    off = [0]
    for k in keys:
        ids.extend(i for _t, i in table[k])
        off.append(len(ids))
    head = {"terms": nterms, "keys": keys, "off": off}
    return {"spelling": json.dumps(head, separators=(",", ":")).encode("ascii"), "spelling_ids": ids.tobytes()}


def read_spelling(spelling: Any, spelling_ids: Any, terms: Mapping[str, int]) -> StoredSpelling | None:
    """The stored spelling table (its two parts) of these names (`terms`: name → id, in id order); None
    when it was made for other names; `ValueError` when its parts do not fit together."""
    head = json.loads(bytes(spelling))
    if type(head) is not dict:
        raise ValueError("damaged spelling table")
    n, keys, off = head.get("terms"), head.get("keys"), head.get("off")
    if type(n) is not int or type(keys) is not list or type(off) is not list:
        raise ValueError("damaged spelling table")
    if n != len(terms):
        return None  # (made before names were added: made again where the index is synced)
    ids = array("i")
    ids.frombytes(bytes(spelling_ids))  # (ValueError when not whole ints; in this machine's order, as `parts`)
    if (len(off) != len(keys) + 1 or not all(type(k) is str for k in keys) or not all(type(v) is int for v in off)
            or off[0] != 0 or off[-1] != len(ids) or any(b < a for a, b in zip(off, off[1:]))
            or (ids and (min(ids) < 0 or max(ids) >= n))):
        raise ValueError("damaged spelling table")
    return StoredSpelling(list(terms), {k: (off[j], off[j + 1]) for j, k in enumerate(keys)}, ids)
