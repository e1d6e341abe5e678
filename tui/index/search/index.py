"""The search index's data, in three modules: `columns` (every searchable line of a library as columns
and byte strings, and how they grow), `parts` (their persistence: parts of plain bytes, checked when
read back) and `docs` (a report as the index keeps it). This module names them all in one place."""

from __future__ import annotations

from .columns import IndexData, _Builder
from .docs import Doc, _plain
from .parts import (CHUNK, FORMAT, ITEM, KINDS, Checked, DamagedIndex, Ints, _ascending, _chunk_sums,
                    _decodes, _ints, _json_part, _piece, _readings, _shapes_fit, _strs, from_parts, to_parts)

__all__ = ["IndexData", "Doc", "DamagedIndex", "Checked", "Ints", "FORMAT", "CHUNK", "KINDS", "ITEM",
           "from_parts", "to_parts", "_Builder", "_plain", "_ascending", "_chunk_sums", "_decodes", "_ints",
           "_json_part", "_piece", "_readings", "_shapes_fit", "_strs"]
