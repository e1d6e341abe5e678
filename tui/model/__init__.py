"""One report: decoding, parsing, weeks, sections, projects, KPIs, incidents (no Textual or Rich)."""

from .load import load_bytes, load_path
from .parse import parse_report
from .report import Finding, Incident, Item, Kpi, Project, Report, Section, SourceRef
from .vocab import DEFAULT_VOCABULARY, Vocabulary

__all__ = [
    "Finding", "Incident", "Item", "Kpi", "Project", "Report", "Section", "SourceRef",
    "Vocabulary", "DEFAULT_VOCABULARY", "parse_report", "load_bytes", "load_path",
]
