"""How reports-tui writes a value, a change, a week and a row — one definition each, for the command
line, its JSON and the TUI alike (pure Python; no Textual or Rich)."""

from __future__ import annotations

from typing import Any, Iterable

from ..model.report import Finding, Report, SourceRef


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


def week_dates(r: Report) -> str:
    """A report's dates as `2024-06-03–06-09`, or `undated`."""
    return f"{r.start:%Y-%m-%d}–{r.end:%m-%d}" if r.start and r.end else "undated"


def week_caption(r: Report) -> str:
    """`第53周 [2023-W52] · 2023-12-25–12-31` — the label as written, the resolved week when it differs,
    and the dates."""
    wk = f" [{r.week}]" if r.week and r.week.casefold() != r.label.casefold() else ""
    return f"{r.label}{wk} · {week_dates(r)}"


def week_fields(r: Report) -> dict[str, Any]:
    """The JSON fields that describe one report's week (SPEC §4 `weeks`)."""
    return {
        "path": r.source.path,
        "member": r.source.member,
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
                         "value": k.value, "unit": k.unit, "raw": k.raw})
    return rows


def lint_rows(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """SPEC §4 `lint` rows."""
    return [{"path": source_text(f.source), "level": f.level, "message": f.message, "line": f.line}
            for f in findings]
