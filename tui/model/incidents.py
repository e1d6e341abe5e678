"""Entries of incident sections (生产事件, 线上事故, 故障, Incidents …): when, found by, text."""

from __future__ import annotations

import re
from datetime import date, datetime

from .report import Incident, Report, Section
from .text import LazyPattern, nfkc
from .vocab import Vocabulary

_WHEN = LazyPattern(
    r"^\s*(?:(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?:\s*[日号])?"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2}))?"
)
_NONE = LazyPattern(r"^\s*(?:无|暂无|没有|none|n/?a|nil|-)\s*[。.]?\s*$", re.IGNORECASE)


def is_incident_section(title: str, vocab: Vocabulary) -> bool:
    """Whether a heading names an incident section."""
    low = nfkc(title).lower()
    if any(w in low for w in vocab.kpi_sections if w not in ("指标",)) and "事故" not in low and "事件" not in low:
        return False
    return any(w in low for w in vocab.incident_sections) and "事故数" not in low


def _year_for(month: int, day: int, anchor: date | None) -> int | None:
    if anchor is None:
        return None
    best = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - anchor).days) < abs((best - anchor).days):
            best = d
    return best.year if best else None


def parse_when(text: str, anchor: date | None) -> tuple[datetime | date | None, str, int]:
    """The date/time an entry starts with: (value, as written, end offset); year from the anchor week."""
    mt = _WHEN.match(nfkc(text))
    if not mt:
        return None, "", 0
    month, day = int(mt["m"]), int(mt["d"])
    year = int(mt["y"]) if mt["y"] else _year_for(month, day, anchor)
    value: datetime | date | None = None
    if year is not None:
        try:
            if mt["h"] is not None and int(mt["h"]) < 24 and int(mt["mi"]) < 60:
                value = datetime(year, month, day, int(mt["h"]), int(mt["mi"]))
            else:
                value = date(year, month, day)
        except ValueError:
            value = None
    return value, mt.group(0).strip(), mt.end()


def extract_incidents(report: Report, vocab: Vocabulary, sections: list[Section] | None = None) -> None:
    """Fill `report.incidents` and record whether the report has an incident section at all (`sections`:
    the report's, when the caller has them at hand)."""
    report.has_incident_section = False
    for sec in report.sections if sections is None else sections:
        if not is_incident_section(sec.title, vocab):
            continue
        report.has_incident_section = True
        for item in sec.items:
            text = item.text.strip()
            if not text or _NONE.match(text):
                continue
            when, when_text, end = parse_when(text, report.start)
            if item.kind == "para" and when is None and not when_text:
                continue
            rest = text[end:].strip() if when_text else text
            found_by = None
            for word in vocab.found_by:
                pos = rest.find(word)
                if pos != -1 and pos < 12:
                    found_by = word
                    rest = (rest[:pos] + rest[pos + len(word):]).strip()
                    break
            if found_by is None:
                for word in vocab.found_by:
                    if word in rest:
                        found_by = word
                        break
            report.incidents.append(
                Incident(text=re.sub(r"\s{2,}", " ", rest), line=item.line, when=when, when_text=when_text, found_by=found_by)
            )
