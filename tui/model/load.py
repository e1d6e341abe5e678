"""From bytes or a path to a `Report` or a recorded problem; never an exception."""

from __future__ import annotations

import os
from typing import Iterator

from .parse import parse_report
from .report import Finding, Report, SourceRef
from .source import DecodeError, RawSource, decode, read_sources
from .vocab import DEFAULT_VOCABULARY, Vocabulary


def load_bytes(data: bytes, ref: SourceRef, vocab: Vocabulary = DEFAULT_VOCABULARY,
               size: int | None = None, mtime: float = 0.0, dated: Report | None = None) -> Report | Finding:
    """Decode and parse one report's bytes; an unreadable one is a problem `Finding` (`dated`: as for
    `parse_report`).

    The bytes are let go once decoded: a caller that hands them over without keeping them
    (`load_bytes(held.pop(), …)`) never holds a report's bytes and its text through the parse."""
    size = len(data) if size is None else size
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return Finding("problem", str(exc), source=ref)
    del data
    return load_text(text, encoding, ref, vocab, size, mtime, dated)


def load_text(text: str, encoding: str, ref: SourceRef, vocab: Vocabulary = DEFAULT_VOCABULARY,
              size: int = 0, mtime: float = 0.0, dated: Report | None = None) -> Report | Finding:
    """Parse one report's decoded text (`source.decode`); one too deeply nested is a problem `Finding`
    (`dated`: as for `parse_report`)."""
    try:
        report = parse_report(text, ref, vocab, encoding, dated)
    except RecursionError:
        return Finding("problem", "too deeply nested to read", source=ref)
    report.size = size
    report.mtime = mtime
    for w in report.warnings:
        w.source = ref
    return report


def load_raw(raw: RawSource, vocab: Vocabulary = DEFAULT_VOCABULARY) -> Report | Finding:
    """Load one `RawSource` read from disk or a zip (its bytes are handed over: `raw.data` is emptied)."""
    data, raw.data = raw.data, b""
    held = [data]
    del data
    return load_bytes(held.pop(), raw.ref, vocab, raw.size, raw.mtime)


def load_path(paths: list[str | os.PathLike] | str | os.PathLike,
              vocab: Vocabulary = DEFAULT_VOCABULARY) -> Iterator[Report | Finding]:
    """Every report (or problem) under the given paths."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for raw in read_sources(list(paths)):
        if isinstance(raw, Finding):
            yield raw
        else:
            yield load_raw(raw, vocab)
