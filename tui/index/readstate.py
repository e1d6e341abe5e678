"""Which reports the user has read: a set of content digests in one JSON file in the user's state folder
(platformdirs), never in a report folder (pure Python; no Textual or Rich).

A report is known by what it says, not where it lies: a digest of its text, so a report moved or
renamed stays read and one edited since is unread again. Saving merges with what another session (a
second terminal, a browser tab of `reports-tui serve`) saved meanwhile, and writes atomically; a file
that cannot be read or written is reported in `error`, never raised.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Iterable

from ..config import write_atomically
from ..model.report import Report

FILE_NAME = "read.json"
MAX_ENTRIES = 200_000  # the oldest marks are forgotten past this many (about 10 MB)
MAX_BYTES = 64 * 1024 * 1024  # a state file larger than this is not read


def content_key(report: Report) -> str:
    """The digest a report is known by: of its text (line endings and a BOM as decoded away)."""
    data = report.text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ReadState:
    """The set of reports read, loaded from `path` (None: kept in memory only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.error: str | None = None
        self._lock = threading.Lock()
        self._read: dict[str, float] = self._load() if path is not None else {}
        self._marked: dict[str, float] = {}  # changes since loading, merged into the file on save
        self._unmarked: set[str] = set()
        self._keys: dict[int, tuple[Report, str]] = {}  # id(report) → (report, key): each text hashed once

    @classmethod
    def default(cls) -> ReadState:
        """The user's own state (`<state folder>/read.json`)."""
        from ..config import state_dir

        return cls(state_dir() / FILE_NAME)

    def _load(self) -> dict[str, float]:
        try:
            if self.path is None or not self.path.is_file():
                return {}
            if self.path.stat().st_size > MAX_BYTES:
                raise ValueError("too large")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            read = data.get("read", {}) if isinstance(data, dict) else {}
            return {str(k): float(v) for k, v in read.items() if isinstance(v, (int, float))}
        except (OSError, ValueError, AttributeError, UnicodeDecodeError) as exc:
            self.error = f"cannot read {self.path}: {getattr(exc, 'strerror', None) or exc}"
            return {}

    def key(self, report: Report) -> str:
        """The report's content key (computed once per report object)."""
        got = self._keys.get(id(report))
        if got is not None and got[0] is report:
            return got[1]
        k = content_key(report)
        self._keys[id(report)] = (report, k)
        return k

    def is_read(self, report: Report) -> bool:
        """Whether the report (as it reads now) was read."""
        return self.key(report) in self._read

    def first_unread(self, reports: Iterable[Report]) -> Report | None:
        """The first of some reports that is unread."""
        return next((r for r in reports if not self.is_read(r)), None)

    def mark(self, report: Report, read: bool = True) -> bool:
        """Mark a report read (or unread again) and save; True when that changed anything."""
        k = self.key(report)
        with self._lock:
            if (k in self._read) == read:
                return False
            if read:
                self._read[k] = self._marked[k] = time.time()
                self._unmarked.discard(k)
            else:
                self._read.pop(k, None)
                self._marked.pop(k, None)
                self._unmarked.add(k)
        self.save()
        return True

    def save(self) -> None:
        """Merge the changes into the file as it is now, and write it atomically."""
        if self.path is None:
            return
        with self._lock:
            disk = self._load() if self.path.exists() else {}
            if self.error and not disk:
                self.error = None  # (a broken file is replaced by a sound one)
            disk.update(self._marked)
            for k in self._unmarked:
                disk.pop(k, None)
            if len(disk) > MAX_ENTRIES:
                disk = dict(sorted(disk.items(), key=lambda kv: kv[1])[-MAX_ENTRIES:])
            self._read = {**disk}
            data = json.dumps({"version": 1, "read": disk}, separators=(",", ":")).encode("utf-8")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(self.path, data, prefix=".read-")
            except OSError as exc:
                self.error = f"cannot save which reports were read to {self.path}: {exc.strerror or exc}"
