"""A fingerprint of every report's model (what `parse_report` makes of it), to show that a change to the
parser's code left its output as it was.

Each report under a folder is parsed (through `load_path`, as the app reads it) and its whole model —
every field of the Report, its section tree, items, projects, KPIs, incidents, plans and warnings — is
dumped as canonical JSON and hashed. `python -m tests.model_fingerprint OUT.json` writes the hashes of
the seeds, the test data and the shared corpora (the golden file tests/golden/model_fingerprints.json
is made this way).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from datetime import date, datetime

from tui.model.files import SourceRef
from tui.model.load import load_path

from .testpaths import CORPORA, DATA, REPO, SEEDS

ROOTS = {"seeds": SEEDS, "data": DATA, "corpora": CORPORA}
NOT_PARSED = ("mtime", "assigned_from")  # a file's modification time; the author the library assigned from


def _plain(value, root: str):
    """Any model value as plain JSON data, its sources' paths relative to `root` and without the files'
    modification times or what the library assigns later (none of it is the parser's doing; nesting is
    bounded by the recursion limit the caller raises)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), root) for f in dataclasses.fields(value)
                if f.name not in NOT_PARSED}
    if isinstance(value, SourceRef):
        return [os.path.relpath(value.path, root), value.member]
    if isinstance(value, (list, tuple)):
        return [_plain(v, root) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, root) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, float):
        return repr(value)
    return value


def fingerprint(report, root: os.PathLike) -> str:
    """SHA-256 of a report's (or a problem's) whole model, as canonical JSON."""
    data = json.dumps(_plain(report, str(root)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _key(item, root) -> str:
    src = item.source
    return f"{os.path.relpath(src.path, root)}!{src.member or ''}" if src is not None else "?"


def fingerprints(root: os.PathLike) -> dict[str, str]:
    """{where: fingerprint} of every report and problem under a folder."""
    out: dict[str, str] = {}
    for item in load_path(root):
        key = _key(item, root)
        while key in out:
            key += "+"
        out[key] = fingerprint(item, root)
    return out


def all_fingerprints() -> dict[str, dict[str, str]]:
    """The fingerprints of every root that is present (the shared corpora may be missing)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))
    try:
        return {name: fingerprints(root) for name, root in ROOTS.items() if root.is_dir()}
    finally:
        sys.setrecursionlimit(limit)


if __name__ == "__main__":
    result = all_fingerprints()
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(result, f, indent=0, sort_keys=True)
    print({k: len(v) for k, v in result.items()}, "reports fingerprinted from", REPO)
