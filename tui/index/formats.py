"""How reports-tui writes a value, a change, a week and a row — one definition each, for the command
line, its JSON and the TUI alike (pure Python; no Textual or Rich)."""

from __future__ import annotations

from typing import Any, Iterable

from ..model.report import Finding, Report, SourceRef
from ..model.weeks import period_text


def counted(n: int, word: str, many: str | None = None) -> str:
    """`1 report`, `2 reports`: a count with its noun in the singular or plural (`many`: an irregular plural)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def source_text(ref: SourceRef | None) -> str:
    """`file.md` or `export.zip:dir/file.md` as the file system names it (lossless, unescaped: for JSON,
    which escapes what needs it; plain output uses `SourceRef.display`)."""
    if ref is None:
        return ""
    return f"{ref.path}:{ref.member}" if ref.member else ref.path


def format_value(v: float | None, unit: str = "") -> str:
    """A value as written in reports: no float noise, no trailing zeros (99.955 stays 99.955); `–` when missing."""
    if v is None:
        return "–"
    text = str(int(v)) if v == int(v) else f"{v:.6f}".rstrip("0").rstrip(".")
    return text + unit


def format_change(delta: float | None, missing: str = "–") -> str:
    """A signed change with a real minus sign (`+0.004`, `−0.032`, `±0`); `missing` when unknown."""
    if delta is None:
        return missing
    if delta == 0:
        return "±0"
    return ("+" if delta > 0 else "−") + format_value(abs(delta))


def week_dates(r: Report, short: bool = False) -> str:
    """A report's period: `2024-06-03–06-09` (a week), `2023-10-10 – 10-24` (a range), `2020-05` (a month),
    `2024-Q2` (a quarter), or `undated`; `short` leaves the year off weeks and ranges (`06-03–06-09`)."""
    return period_text(r.start, r.end, r.period, short) if r.start and r.end else "undated"


def week_caption(r: Report, author: bool = False) -> str:
    """`第53周 [2023-W52] · 2023-12-25–12-31` — the label as written, the resolved week when it differs,
    and the period's dates; `author`: led by whose report it is (`张三 · 第53周 …`, in a team's library)."""
    wk = f" [{r.week}]" if r.week and r.week.casefold() != r.label.casefold() else ""
    who = f"{r.author} · " if author and r.author else ""
    return f"{who}{r.label}{wk} · {week_dates(r)}"


def week_fields(r: Report) -> dict[str, Any]:
    """The JSON fields that describe one report's week (SPEC §4 `weeks`)."""
    return {
        "path": r.source.path,
        "member": r.source.member,
        "author": r.author,
        "label": r.label,
        "week": r.week,
        "start": r.start.isoformat() if r.start else None,
        "end": r.end.isoformat() if r.end else None,
        "title": r.title,
        "warnings": [w.message for w in r.warnings],
    }


def order_kpi_names(names: Iterable[str], preferred: Iterable[str] = ()) -> list[str]:
    """KPI names in a stable order: the `preferred` (built-in canonical) ones first, in that order, then
    the others in the order given."""
    seen = dict.fromkeys(names)
    known = [n for n in preferred if n in seen]
    return known + [n for n in seen if n not in known]


def kpi_names(reports: Iterable[Report], preferred: Iterable[str] = ()) -> list[str]:
    """The KPI names of some reports, `preferred` ones first, then by first appearance."""
    return order_kpi_names((k.name for r in reports for k in r.kpis), preferred)


def kpi_rows(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """One row per (report, KPI) in the order given (SPEC §4 `kpi`)."""
    rows = []
    for r in reports:
        for k in r.kpis:
            rows.append({"kpi": k.name, "week": r.week, "label": r.label, "path": source_text(r.source),
                         "author": r.author, "value": k.value, "unit": k.unit, "raw": k.raw})
    return rows


MESSAGE_WIDTH = 160  # characters of a finding's message in JSON (its `paths` name every file)


def telling_apart(paths: list[str]) -> list[str]:
    """What tells paths apart: each without the folders they all start with and the folders and file
    name they all end with (`Hackathon_10th` and `hackathon_10th` for two copies of one report; the file
    names when they share a folder)."""
    parts = [p.replace("\\", "/").split("/") for p in paths]
    if len(parts) < 2:
        return ["/".join(p) for p in parts]
    shortest = min(map(len, parts))
    head = 0
    while head < shortest - 1 and all(p[head] == parts[0][head] for p in parts):
        head += 1
    tail = 0
    while tail < shortest - head - 1 and all(p[-1 - tail] == parts[0][-1 - tail] for p in parts):
        tail += 1
    return ["/".join(p[head:len(p) - tail]) for p in parts]


def finding_message(f: Finding, width: int = MESSAGE_WIDTH, shown: bool = False) -> str:
    """A finding's message of at most about `width` characters; one about several reports (duplicates)
    names what tells them apart, as far as it fits (`2 reports by 王豪 for …: Hackathon_10th,
    hackathon_10th`); `shown`: paths as plain output shows them (`SourceRef.display`), else lossless."""
    if not f.related:
        return f.message
    names = telling_apart([s.display if shown else source_text(s) for s in f.related])
    parts = name_list(names, len(names), max(width - min(len(f.message), width * 2 // 3) - 2, 24))
    return shorten(f.message, max(width - len(parts) - 2, 20)) + ": " + parts


def lint_rows(findings: Iterable[Finding], reports: Iterable[Report] = ()) -> list[dict[str, Any]]:
    """SPEC §4 `lint` rows: a short message (`finding_message`), `paths` naming every report of a finding
    about several; `author` from the report of the finding's source among `reports` (null for an
    unreadable file)."""
    author = {r.source: r.author for r in reports}
    rows = []
    for f in findings:
        row = {"path": source_text(f.source), "author": author.get(f.source) if f.source else None,
               "level": f.level, "message": finding_message(f), "line": f.line}
        if f.related:
            row["paths"] = [source_text(s) for s in f.related]
        rows.append(row)
    return rows


def shorten(text: str, width: int) -> str:
    """Text cut to at most `width` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def shorten_path(text: str, width: int) -> str:
    """A path cut to at most `width` characters from the left (`…/folder/file.md`): the end names it."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1:]


def name_list(names: Iterable[str], total: int, width: int) -> str:
    """`a.md, b.md, +1 more`: as many of `total` names as fit in `width` characters, at least one (cut if
    it must be); reads only the names it shows."""
    shown: list[str] = []
    used = 0
    for i, name in enumerate(names):
        left = total - i - 1
        tail = len(f", +{left} more") if left else 0
        need = used + (2 if shown else 0) + len(name)
        if shown and need + tail > width:
            break
        shown.append(name)
        used = need
    left = total - len(shown)
    tail = f", +{left} more" if left else ""
    return shorten(", ".join(shown), max(width - len(tail), 1)) + tail


def lint_line(f: Finding, width: int | None = 200) -> tuple[str, str, str]:
    """(where, level, message) of one finding for a plain `lint` line of at most `width` characters
    (`a.md:3: warning: …`): a long path keeps its end, a long message is cut, and the reports a finding is
    about are named by what tells them apart as far as it fits (`3 reports for 2024-W10: a.md, b.md, +1
    more`). `width` None (a pipe or a file): the whole `FILE:LINE`, and the rest as on a 200-character
    line."""
    where = f.source.display if f.source else ""
    if f.line:
        where += f":{f.line}"
    if width is None:
        width = len(where) + 200
    else:
        where = shorten_path(where, width // 2)
    room = width - len(where) - len(f": {f.level}: ")
    if not f.related:
        return where, f.level, shorten(f.message, room)
    return where, f.level, finding_message(f, room, shown=True)
