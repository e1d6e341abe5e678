"""One report: decoding, parsing, weeks, sections, projects, KPIs, incidents (no Textual or Rich).

The names below are imported on first use, so that `tui.model.report` or `tui.model.weeks` alone
(the `reports-tui search` fast path) does not load the parser.
"""

from importlib import import_module
from typing import TYPE_CHECKING

_WHERE = {
    "load_bytes": "load", "load_path": "load", "parse_report": "parse",
    "Finding": "report", "Incident": "report", "Item": "report", "Kpi": "report", "Project": "report",
    "Report": "report", "Section": "report", "SourceRef": "report",
    "Vocabulary": "vocab", "DEFAULT_VOCABULARY": "vocab",
}

__all__ = [
    "Finding", "Incident", "Item", "Kpi", "Project", "Report", "Section", "SourceRef",
    "Vocabulary", "DEFAULT_VOCABULARY", "parse_report", "load_bytes", "load_path",
]

if TYPE_CHECKING:
    from .load import load_bytes, load_path
    from .parse import parse_report
    from .report import Finding, Incident, Item, Kpi, Project, Report, Section, SourceRef
    from .vocab import DEFAULT_VOCABULARY, Vocabulary


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value
