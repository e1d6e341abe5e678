"""YAML front matter: where it ends, and its simple fields (`title: …`, `tags: [a, b]`, a `- item` list).

One rule for every reader of a report (the parser, the report view, a team's joined week): front matter
is a first line `---` and the next `---` or `...` line within the first 200 lines. Values are read as
plain text, never as YAML objects (no type tags, no anchors): a report is untrusted text.
"""

from __future__ import annotations

import re
from typing import Sequence

FRONT_MATTER_MAX_LINES = 200  # a closing line further down is not front matter

_FIELD = re.compile(r"^([A-Za-z_][\w\- ]{0,40}?)\s*:(?:\s+(.*?))?\s*$")
_ITEM = re.compile(r"^\s*-\s+(.*?)\s*$")


def front_matter_end(lines: Sequence[str]) -> int:
    """How many lines the front matter takes, its fences included (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, min(len(lines), FRONT_MATTER_MAX_LINES)):
        if lines[i].strip() in ("---", "..."):
            return i + 1
    return 0


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


def front_matter_fields(lines: Sequence[str]) -> dict[str, str | list[str]]:
    """The top-level fields of the front matter (lower-case keys, first one wins): a value as text, a
    `[a, b]` flow list or a `- a` block list as a list of texts. Nested mappings and block scalars
    (`|`, `>`) are skipped."""
    end = front_matter_end(lines)
    fields: dict[str, str | list[str]] = {}
    key: str | None = None  # the field a `- item` line below would belong to
    for line in lines[1 : end - 1]:
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
        else:
            fields[name] = _scalar(value)
    return {k: v for k, v in fields.items() if v}
