"""Compare two weeks: sections and items aligned, character-level changes, KPI deltas, incidents.

Pure Python (rapidfuzz + difflib); the compare screen and `reports-tui diff` both render this.

Alignment, in order of trust:
- sections by OKR code (`O1 服务业务` ≡ `O1 业务服务`), then by exact key, then by fuzzy key;
- items (top-level items of a section, each with its nested children) by project/topic key
  (`贝易转（C转）` ≡ `贝易转`), then by fuzzy key, then by fuzzy text.

Chinese has no spaces, so changes are found per character and then merged into readable runs:
short equal islands between two changes are absorbed, so a rewritten clause is one highlight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any, Callable, Literal, Sequence, TypeVar

from rapidfuzz import fuzz

from ..model.projects import okr_topic, project_key
from ..model.report import Incident, Item, Report, Section
from ..model.text import nfkc
from .formats import kpi_names, week_fields
from .visible import visible_text

Status = Literal["same", "changed", "added", "removed"]
Span = tuple[int, int]  # [start, end) character range

#: Equal runs shorter than this between two changes are absorbed into one highlighted run.
MIN_ISLAND = 3
#: Two lines less similar than this (0..1) are shown as wholly replaced, not as confetti.
MIN_LINE_SIMILARITY = 0.34
#: Fuzzy thresholds (rapidfuzz scores, 0..100).
SECTION_KEY_CUTOFF = 70.0
ITEM_KEY_CUTOFF = 80.0
ITEM_TEXT_CUTOFF = 55.0
#: Two items' own lines must be at least this alike (rapidfuzz ratio) to pair as one item changed,
#: unless they are the same project.
ITEM_RESEMBLANCE = 60.0
#: … and this alike when they share a topic (`看懂账：…`) that is not a project of the model.
TOPIC_RESEMBLANCE = 35.0

INCIDENT_KPI = "生产事件数"  # the derived KPI that counts incident entries

MARKS: dict[str, str] = {"same": "=", "changed": "~", "added": "+", "removed": "-"}


# ── character diff ────────────────────────────────────────────────────────────────────────────


def _merge_spans(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def char_diff(a: str, b: str, min_island: int = MIN_ISLAND) -> tuple[list[Span], list[Span]]:
    """Changed character ranges of `a` and of `b`, merged into readable runs.

    Equal runs shorter than `min_island` between two changes count as changed, so a rewritten
    clause gives one range instead of one per character. Whitespace-only equal runs never
    separate two changes.
    """
    if a == b:
        return [], []
    if not a or not b:
        return ([(0, len(a))] if a else []), ([(0, len(b))] if b else [])
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Absorb short equal islands that sit between two changes.
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in ops:
        merged.append([tag, i1, i2, j1, j2])
    for n in range(1, len(merged) - 1):
        tag, i1, i2, j1, j2 = merged[n]
        if tag != "equal":
            continue
        island = a[i1:i2]
        if i2 - i1 < min_island or not island.strip():
            merged[n][0] = "absorbed"
    sa: list[Span] = []
    sb: list[Span] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            continue
        if i2 > i1:
            sa.append((i1, i2))
        if j2 > j1:
            sb.append((j1, j2))
    # A pure deletion next to an absorbed island still needs its island highlighted on both sides.
    return _merge_spans(sa), _merge_spans(sb)


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def text_diff(a: str, b: str) -> tuple[list[Span], list[Span]]:
    """Changed ranges of two multi-line texts: lines aligned first, then characters within paired lines.

    Lines that have no similar counterpart are highlighted whole.
    """
    if a == b:
        return [], []
    la, lb = a.split("\n"), b.split("\n")
    oa = _offsets(la)
    ob = _offsets(lb)
    sa: list[Span] = []
    sb: list[Span] = []

    def whole(lines_off: list[int], lines: list[str], i: int, out: list[Span]) -> None:
        s, e = _content_range(lines[i])
        if e > s:
            out.append((lines_off[i] + s, lines_off[i] + e))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = _pair_lines(la[i1:i2], lb[j1:j2])
        used_a = {p[0] for p in pairs}
        used_b = {p[1] for p in pairs}
        for pi, pj in pairs:
            i, j = i1 + pi, j1 + pj
            ca, cb = char_diff(la[i], lb[j])
            sa.extend((oa[i] + s, oa[i] + e) for s, e in ca)
            sb.extend((ob[j] + s, ob[j] + e) for s, e in cb)
        for pi in range(i2 - i1):
            if pi not in used_a:
                whole(oa, la, i1 + pi, sa)
        for pj in range(j2 - j1):
            if pj not in used_b:
                whole(ob, lb, j1 + pj, sb)
    return _merge_spans(sa), _merge_spans(sb)


def _offsets(lines: list[str]) -> list[int]:
    out, pos = [], 0
    for line in lines:
        out.append(pos)
        pos += len(line) + 1
    return out


def _content_range(line: str) -> Span:
    """The range of a line without its leading indentation (indentation is never highlighted)."""
    stripped = line.lstrip()
    return len(line) - len(stripped), len(line.rstrip())


def _pair_lines(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pair lines of a replaced block in order, each with its most similar counterpart."""
    pairs: list[tuple[int, int]] = []
    j0 = 0
    for i, line in enumerate(a):
        best, best_j = MIN_LINE_SIMILARITY, -1
        for j in range(j0, len(b)):
            s = _similarity(line.strip(), b[j].strip())
            if s > best:
                best, best_j = s, j
        if best_j >= 0:
            pairs.append((i, best_j))
            j0 = best_j + 1
    return pairs


# ── alignment ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class ItemDiff:
    """One aligned row of a section: an item of week A, of week B, or of both."""

    status: Status
    a: Item | None
    b: Item | None
    a_text: str = ""
    b_text: str = ""
    a_spans: list[Span] = field(default_factory=list)
    b_spans: list[Span] = field(default_factory=list)
    key: str | None = None
    moved: str | None = None  # for added/removed rows: the section the item moved from/to

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `diff` item: status and the two texts (null on the side that lacks it)."""
        return {"status": self.status, "a": self.a_text if self.a else None, "b": self.b_text if self.b else None}


@dataclass
class SectionDiff:
    """Two aligned sections (or one, when the other week lacks it) and their aligned items."""

    status: Status
    key: str
    a: Section | None
    b: Section | None
    items: list[ItemDiff] = field(default_factory=list)

    @property
    def a_title(self) -> str | None:
        """Section title in week A."""
        return self.a.title if self.a else None

    @property
    def b_title(self) -> str | None:
        """Section title in week B."""
        return self.b.title if self.b else None

    @property
    def title(self) -> str:
        """A display title: B's (the newer, usually), else A's."""
        return (self.b_title or self.a_title or self.key).strip()

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `diff` section."""
        return {"key": self.key, "a_title": self.a_title, "b_title": self.b_title, "status": self.status,
                "items": [i.to_json() for i in self.items]}


@dataclass
class KpiDiff:
    """One KPI in either week: both values, the change, and whether the change is good."""

    name: str
    a: float | None
    b: float | None
    unit: str = ""
    direction: int = 1

    @property
    def delta(self) -> float | None:
        """B − A, rounded to hide float noise; None when either week lacks the KPI."""
        if self.a is None or self.b is None:
            return None
        return round(self.b - self.a, 6)

    @property
    def verdict(self) -> Literal["better", "worse", "same", "n/a"]:
        """`better`/`worse` by the KPI's good direction, `same`, or `n/a` when a value is missing."""
        d = self.delta
        if d is None:
            return "n/a"
        if d == 0:
            return "same"
        return "better" if d * self.direction > 0 else "worse"

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `diff` KPI row."""
        return {"kpi": self.name, "a": self.a, "b": self.b, "delta": self.delta}


@dataclass
class Comparison:
    """Everything that differs between week A and week B."""

    a: Report
    b: Report
    sections: list[SectionDiff]
    kpis: list[KpiDiff]
    incidents_a: list[Incident]
    incidents_b: list[Incident]

    def section(self, key: str) -> SectionDiff | None:
        """The aligned section with this key (OKR code or section key)."""
        for s in self.sections:
            if s.key == key:
                return s
        return None

    def kpi(self, name: str) -> KpiDiff | None:
        """The KPI row with this name."""
        for k in self.kpis:
            if k.name == name:
                return k
        return None

    @property
    def incident_counts_shown(self) -> bool:
        """Whether the KPI table needs its `incidents` row: only when a week has an incident section
        (else both counts are 0 and say nothing), and not when 生产事件数 already gives both weeks' counts."""
        if not (self.a.has_incident_section or self.b.has_incident_section or self.incidents_a or self.incidents_b):
            return False
        k = self.kpi(INCIDENT_KPI)
        return not (k is not None and k.a == len(self.incidents_a) and k.b == len(self.incidents_b))

    @property
    def kpi_rows_shown(self) -> bool:
        """Whether there is a KPI table to show at all (no empty table, no `incidents 0 → 0`, for weeks
        without KPIs or incidents)."""
        return bool(self.kpis) or self.incident_counts_shown

    def counts(self) -> dict[str, int]:
        """How many item rows are same/changed/added/removed."""
        out = {"same": 0, "changed": 0, "added": 0, "removed": 0}
        for s in self.sections:
            for i in s.items:
                out[i.status] += 1
        return out

    def swapped(self) -> Comparison:
        """The comparison seen from the other side: the same aligned rows in the same order, week A and
        week B exchanged (added ↔ removed, KPI changes reversed). Nothing is aligned again."""
        def item(i: ItemDiff) -> ItemDiff:
            return replace(i, status=_FLIP.get(i.status, i.status), a=i.b, b=i.a, a_text=i.b_text,
                           b_text=i.a_text, a_spans=i.b_spans, b_spans=i.a_spans)

        sections = [replace(sec, status=_FLIP.get(sec.status, sec.status), a=sec.b, b=sec.a,
                            items=[item(i) for i in sec.items]) for sec in self.sections]
        kpis = [replace(k, a=k.b, b=k.a) for k in self.kpis]
        return replace(self, a=self.b, b=self.a, sections=sections, kpis=kpis, incidents_a=self.incidents_b,
                       incidents_b=self.incidents_a)

    def to_json(self) -> dict[str, Any]:
        """SPEC §4 `diff` JSON."""
        return {"a": week_fields(self.a), "b": week_fields(self.b),
                "sections": [s.to_json() for s in self.sections], "kpis": [k.to_json() for k in self.kpis]}


_FLIP: dict[str, Status] = {"added": "removed", "removed": "added"}


T = TypeVar("T")


def _align(a: Sequence[T], b: Sequence[T], passes: list[Callable[[T, T], float | None]]) -> list[tuple[T | None, T | None]]:
    """Pair elements of `a` and `b`: each pass scores candidate pairs (None = no match), best first.

    The result keeps B's order, with elements only in A placed after their predecessor in A.
    """
    pair_of_a: dict[int, int] = {}
    pair_of_b: dict[int, int] = {}
    for score in passes:
        cands: list[tuple[float, int, int]] = []
        for i, x in enumerate(a):
            if i in pair_of_a:
                continue
            for j, y in enumerate(b):
                if j in pair_of_b:
                    continue
                s = score(x, y)
                if s is not None:
                    # Prefer higher scores, then pairs that keep the original order.
                    cands.append((-s, abs(i - j), i, j))  # type: ignore[arg-type]
        for _, _, i, j in sorted(cands):
            if i in pair_of_a or j in pair_of_b:
                continue
            pair_of_a[i] = j
            pair_of_b[j] = i
    rows: list[tuple[T | None, T | None]] = []
    # Walk B in order; before each B element, emit A-only elements that precede its partner in A.
    emitted_a: set[int] = set()

    def flush_a(upto: int) -> None:
        for i in range(upto):
            if i not in emitted_a and i not in pair_of_a:
                rows.append((a[i], None))
                emitted_a.add(i)

    for j, y in enumerate(b):
        if j in pair_of_b:
            i = pair_of_b[j]
            flush_a(i)
            rows.append((a[i], y))
            emitted_a.add(i)
        else:
            rows.append((None, y))
    flush_a(len(a))
    return rows


def normalized(text: str) -> str:
    """Text as compared: NFKC, without any whitespace."""
    return re.sub(r"\s+", "", nfkc(text))


def item_text(item: Item) -> str:
    """An item with its nested children, one per line, children indented by two spaces per level, as
    the report view shows them (link text, not link syntax)."""
    lines = []
    stack = [(item, 0)]  # iterative: nesting depth is unbounded
    while stack:
        it, depth = stack.pop()
        lines.append("  " * depth + visible_text(it.text))
        stack.extend((child, depth + 1) for child in reversed(it.children))
    return "\n".join(lines)


def item_key(item: Item) -> str | None:
    """The project/topic an item is about (SPEC §3.3), used to pair it across weeks."""
    if item.project:
        return item.project
    if item.kind == "para":
        return None
    topic = okr_topic(visible_text(item.text))
    return project_key(topic) if topic else None


_TOPIC_HEAD = re.compile(r"^([^：:，,]{1,24})[：:，,]")


@dataclass
class _Cand:
    """An item as a pairing candidate."""

    item: Item
    key: str | None  # project or topic key, None when it identifies nothing
    text: str  # visible text with children
    norm: str  # `text` without spaces, NFKC
    first: str  # the item's own line, normalised
    project: bool  # the key is a project of the model (a 【name】 item or an OKR topic)


def _key_exact(x: _Cand, y: _Cand) -> float | None:
    if not (x.key and x.key == y.key):
        return None
    if not (x.project and y.project) and not _resemble(x, y, TOPIC_RESEMBLANCE, strip_topic=False):
        return None  # the same topic word on two quite different items
    return 100.0


def _key_fuzzy(x: _Cand, y: _Cand) -> float | None:
    if not (x.key and y.key):
        return None
    kx, ky = x.key, y.key
    short, long_ = sorted((kx, ky), key=len)
    if len(short) >= 2 and short in long_ and len(short) >= 0.5 * len(long_):
        score = 90.0
    else:
        score = fuzz.ratio(kx, ky)
        if score < ITEM_KEY_CUTOFF:
            return None
    if not (x.project and y.project) and not _resemble(x, y, strip_topic=False):
        return None  # a topic alone (`clippy:`, `Rust,`) does not make two items one
    return score


def _resemble(x: _Cand, y: _Cand, cutoff: float = ITEM_RESEMBLANCE, strip_topic: bool = True) -> bool:
    """Whether two items' own lines are alike enough to be one item rewritten; with `strip_topic`,
    after a topic both start with (`rust-analyzer: fix …` and `rust-analyzer: keep …` are compared as
    `fix …` and `keep …`)."""
    a, b = x.first, y.first
    if strip_topic:
        ta, tb = _TOPIC_HEAD.match(a), _TOPIC_HEAD.match(b)
        if ta and tb and ta.group(1) == tb.group(1) and ta.end() < len(a) and tb.end() < len(b):
            a, b = a[ta.end():], b[tb.end():]
    return fuzz.ratio(a, b) >= cutoff


def _text_same(x: _Cand, y: _Cand) -> float | None:
    return 100.0 if x.norm == y.norm else None


def _text_fuzzy(x: _Cand, y: _Cand) -> float | None:
    # Two items about different named projects are never the same item, however alike the wording.
    if x.key and y.key and fuzz.ratio(x.key, y.key) < 50:
        return None
    s = fuzz.ratio(x.norm, y.norm, score_cutoff=ITEM_TEXT_CUTOFF)
    if not s or not _resemble(x, y):
        return None
    return s


def _candidate(it: Item) -> _Cand:
    text = item_text(it)
    return _Cand(it, item_key(it), text, normalized(text), normalized(text.split("\n", 1)[0]), bool(it.project))


def _candidates(items: Sequence[Item]) -> list[_Cand]:
    out = [_candidate(it) for it in items]
    # A topic several items of the section share (`clippy: …`, `Rust, …`) names none of them.
    counts: dict[str, int] = {}
    for c in out:
        if c.key and not c.project:
            counts[c.key] = counts.get(c.key, 0) + 1
    for c in out:
        if c.key and not c.project and counts[c.key] > 1:
            c.key = None
    return out


def align_items(a_items: Sequence[Item], b_items: Sequence[Item]) -> list[ItemDiff]:
    """Pair the top-level items of two sections and diff each pair: by project or topic, else by
    text; two items are paired as "changed" only when they resemble each other (or are one project)."""
    xa = _candidates(a_items)
    xb = _candidates(b_items)
    out: list[ItemDiff] = []
    for x, y in _align(xa, xb, [_text_same, _key_exact, _key_fuzzy, _text_fuzzy]):
        if x and y:
            same = x.norm == y.norm
            sa, sb = ([], []) if same else text_diff(x.text, y.text)
            out.append(ItemDiff("same" if same else "changed", x.item, y.item, x.text, y.text, sa, sb,
                                key=y.key or x.key))
        elif x:
            out.append(ItemDiff("removed", x.item, None, x.text, "", key=x.key))
        elif y:
            out.append(ItemDiff("added", None, y.item, "", y.text, key=y.key))
    return out


def _sec_okr(x: Section, y: Section) -> float | None:
    return 100.0 if x.okr and x.okr == y.okr else None


def _sec_key(x: Section, y: Section) -> float | None:
    return 100.0 if not (x.okr and y.okr) and x.key == y.key else None


def _sec_fuzzy(x: Section, y: Section) -> float | None:
    if x.okr and y.okr:  # different OKR codes are different objectives
        return None
    s = fuzz.ratio(nfkc(x.key).lower(), nfkc(y.key).lower())
    return s if s >= SECTION_KEY_CUTOFF else None


def align_sections(a: Sequence[Section], b: Sequence[Section]) -> list[SectionDiff]:
    """Pair the sections of two reports (OKR code, then key, then fuzzy key) and align their items."""
    out: list[SectionDiff] = []
    for x, y in _align(a, b, [_sec_okr, _sec_key, _sec_fuzzy]):
        items = align_items(x.items if x else [], y.items if y else [])
        if x and y:
            changed = any(i.status != "same" for i in items) or normalized(x.title) != normalized(y.title)
            status: Status = "changed" if changed else "same"
        else:
            status = "removed" if x else "added"
        key = (y.align_key if y else x.align_key) if (x or y) else ""  # type: ignore[union-attr]
        out.append(SectionDiff(status, key, x, y, items))
    _mark_moves(out)
    return out


def _mark_moves(sections: list[SectionDiff]) -> None:
    """Note items that left one section and appeared in another (same project key)."""
    removed = {}
    for s in sections:
        for i in s.items:
            if i.status == "removed" and i.key:
                removed.setdefault(i.key, (s, i))
    for s in sections:
        for i in s.items:
            if i.status == "added" and i.key and i.key in removed:
                src, gone = removed.pop(i.key)
                if src is not s:
                    i.moved = src.title
                    gone.moved = s.title


def compare_reports(a: Report, b: Report, direction: Callable[[str], int] | None = None,
                    preferred: Sequence[str] = ()) -> Comparison:
    """Compare week A with week B. `direction(name)` is +1 when a higher KPI value is good."""
    direction = direction or (lambda name: 1)
    sections = align_sections(a.sections, b.sections)
    kpis = []
    for name in kpi_names((a, b), preferred):
        ka, kb = a.kpi(name), b.kpi(name)
        kpis.append(KpiDiff(name, ka.value if ka else None, kb.value if kb else None,
                            unit=(kb or ka).unit if (kb or ka) else "", direction=direction(name)))
    return Comparison(a, b, sections, kpis, list(a.incidents), list(b.incidents))


def compare(library: Any, a: Report, b: Report) -> Comparison:
    """Compare two reports of a library, with its vocabulary's KPI order and good directions."""
    vocab = getattr(library, "vocab", None)
    if vocab is None:
        return compare_reports(a, b)
    return compare_reports(a, b, direction=vocab.direction, preferred=list(getattr(vocab, "kpi_aliases", ())))
