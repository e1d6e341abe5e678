"""Front matter: where it ends, and its simple fields (`title: …`, `tags: [a, b]`, a `- item` list).

One rule for every reader of a report (the parser, the report view, a team's joined week): front matter
is either YAML — a first line `---` and the next `---` or `...` line within the first 200 lines — or a
block of metadata lines as Pelican and MultiMarkdown write them (`Title: …`, `Date: …` up to the first
blank line, see `metadata_end`). Values are read as plain text, never as YAML objects (no type tags, no
anchors): a report is untrusted text.
"""

from __future__ import annotations

import re
from typing import Sequence

from .text import LazyPattern

FRONT_MATTER_MAX_LINES = 200  # a closing line further down is not front matter

_FIELD = LazyPattern(r"^([A-Za-z_][\w\- ]{0,40}?)\s*:(?:\s+(.*?))?\s*$")
_ITEM = LazyPattern(r"^\s*-\s+(.*?)\s*$")

# A metadata line: a key of letters, digits, `-` and `_` at the margin, a colon, then a space or nothing.
# (`https://…` and `负责人：张三` are not; a `- item`, `# heading` or `> quote` is not either.)
_METADATA_LINE = LazyPattern(r"^([^\W_][\w-]*):(?:[ \t]|$)")
METADATA_FIRST_KEYS = frozenset({"title", "date", "author", "authors"})
_METADATA_NAMING_KEYS = frozenset({"title", "date"})
_LISTED = frozenset({"tags", "authors", "keywords"})  # Pelican's comma-separated fields


def yaml_end(lines: Sequence[str]) -> int:
    """How many lines YAML front matter takes, both fences included (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, min(len(lines), FRONT_MATTER_MAX_LINES)):
        if lines[i].strip() in ("---", "..."):
            return i + 1
    return 0


def metadata_end(lines: Sequence[str]) -> int:
    """How many metadata lines open the report (0 when they do not): its first lines up to the first
    blank line (or its end) are all `Key: value` lines, the first key is Title, Date, Author or Authors
    (any case), there are at least two keys and one of them is Title or Date. Anything else — a
    `Status: done` line over a list, a line of Markdown among them, `负责人：张三` — is the report's text."""
    keys: list[str] = []
    for line in lines[:FRONT_MATTER_MAX_LINES]:
        if not line.strip():
            break
        m = _METADATA_LINE.match(line)
        if m is None:
            return 0
        keys.append(m.group(1).lower())
    if len(keys) >= FRONT_MATTER_MAX_LINES:
        return 0  # no end within the first lines (whatever follows them): text, not metadata
    if len(keys) < 2 or keys[0] not in METADATA_FIRST_KEYS or not _METADATA_NAMING_KEYS.intersection(keys):
        return 0
    return len(keys)


def front_matter_end(lines: Sequence[str]) -> int:
    """How many lines the front matter takes, YAML's fences included (0 when there is none)."""
    return yaml_end(lines) or metadata_end(lines)


def _field_lines(lines: Sequence[str]) -> tuple[Sequence[str], bool]:
    """The front matter's lines that hold its fields, and whether they are metadata lines (not YAML)."""
    end = yaml_end(lines)
    if end:
        return lines[1 : end - 1], False
    return lines[: metadata_end(lines)], True


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


def front_matter_fields(lines: Sequence[str]) -> dict[str, str | list[str]]:
    """The top-level fields of the front matter (lower-case keys, first one wins): a value as text, a
    `[a, b]` flow list or a `- a` block list as a list of texts (in metadata lines, `Tags: a, b` and
    `Authors: a, b` too). Nested mappings and block scalars (`|`, `>`) are skipped."""
    body, metadata = _field_lines(lines)
    fields: dict[str, str | list[str]] = {}
    key: str | None = None  # the field a `- item` line below would belong to
    for line in body:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if key is not None:
            m = _ITEM.match(line)
            if m:
                got = fields.setdefault(key, [])
                if isinstance(got, list):
                    got.append(_scalar(m.group(1)))
                continue
        key = None
        if line[:1].isspace():
            continue  # a nested mapping's line
        m = _FIELD.match(line)
        if not m:
            continue
        name, value = m.group(1).strip().lower(), (m.group(2) or "").strip()
        if name in fields:
            continue
        if not value:
            key = name  # a block list may follow
        elif value.startswith("[") and value.endswith("]"):
            fields[name] = [v for v in (_scalar(x) for x in value[1:-1].split(",")) if v]
        elif value in ("|", ">", "|-", ">-"):
            continue
        elif metadata and name in _LISTED:
            fields[name] = [v for v in (x.strip() for x in value.split(",")) if v]
        else:
            fields[name] = _scalar(value)
    return {k: v for k, v in fields.items() if v}
