"""The search screen: a query box, live ranked results grouped by project, a preview of the selected hit.

Typing never waits for a search: each change restarts a short debounce timer, the search runs in an
exclusive thread worker (a newer query cancels an older one) and results of a stale query are dropped.

The workspace's search index is brought up to date in a worker as the screen opens (read from the
parse cache, or built report by report). A query never waits for that: it is answered from what is
indexed so far — while the library is still loading, from the reports read so far — and the status
line says so ("searching 120 of 418 reports…"); the query runs again by itself when indexing or
loading finishes, so a partial answer is always replaced by the whole one.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...index.search.engine import Hit, SearchResult
from ...index.workspace import Workspace
from ..render import fold, theme_colour
from ..commands import VIEW_COMMANDS
from ..keys import bindings
from ..messages import LibraryChanged, WorkerFailed
from ..week_rows import labels_beside, shorten_shared

DEBOUNCE = 0.12
LIMIT = 300
CONTEXT = 6  # preview lines above and below the hit


INDENT = 4  # a hit's line sits under its heading, this far in


def hit_heading(hit: Hit, muted: Style, room: int = 0, beside: tuple[str | None, str | None] = (None, None)) -> Text:
    """Where a hit is: its week, its label (when it is not just the week), author and section. In `room`
    cells, a long label's prefix shared with the labels of the headings `beside` it gives way to `…`
    (the week list's rule), so that the issue or month and the section show."""
    week = hit.report.week or ""
    label = hit.report.label if hit.report.label != week else ""
    shown = hit.text.strip().lstrip("#").strip()
    rest = Text()
    for part in (hit.author, hit.section if hit.section != shown else ""):  # (a heading's hit is its section)
        if part:
            rest.append(f" · {part}", muted)
    out = Text.assemble((week or "undated", muted))
    if label:
        if room:
            label = shorten_shared(label, room - out.cell_len - 2 - rest.cell_len, *beside)
        out.append("  ")
        out.append(label, "bold")
    return out + rest


def hit_line(hit: Hit, mark: Style, room: int = 0) -> Text:
    """The hit's line as a reader sees it (link text, not link syntax), matches marked; on a line
    longer than `room` cells the text before the first match is dropped so the match shows."""
    from ...index.compare import visible_spans

    text, spans = visible_spans(hit.text, list(hit.spans))
    body = Text(text)
    for a, b in spans:
        body.stylize(mark, a, b)
    if spans and room and body.cell_len > room and spans[0][0] > room // 3:
        start = max(0, spans[0][0] - room // 4)
        body = Text("…") + body[start:]
    body.no_wrap = True
    body.overflow = "ellipsis"
    return body


def hit_text(hit: Hit, mark: Style, muted: Style, width: int = 0, heading: bool = True,
             beside: tuple[str | None, str | None] = (None, None)) -> Text:
    """One result: the hit's heading on its own row (left out when `heading` is false; `beside`: the
    labels of the headings around it), then its line with the whole row's width for the matched text."""
    line = Text(" " * INDENT) + hit_line(hit, mark, max(10, width - INDENT) if width else 0)
    if width:
        line.truncate(width, overflow="ellipsis")
    if not heading:
        return line
    head = Text("  ") + hit_heading(hit, muted, max(0, width - 2), beside)
    if width:
        head.truncate(width, overflow="ellipsis")
    return Text("\n").join([head, line])


def _place(hit: Hit) -> tuple:
    """What a hit's heading says: hits in a row with the same place share one heading."""
    return (id(hit.report), hit.author, hit.section)


class HitList(OptionList):
    """The results list; says when its size changed so its rows are laid out for the new width."""

    class Resized(Message):
        """The list has a new size."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


@dataclass
class _Group:
    key: str | None
    name: str
    hits: list[Hit]


def group_hits(hits: list[Hit]) -> list[_Group]:
    """Hits grouped by project (lines outside any project last), groups in the order of their best hit."""
    groups: OrderedDict[str | None, _Group] = OrderedDict()
    for h in hits:
        g = groups.get(h.project)
        if g is None:
            g = groups[h.project] = _Group(h.project, h.project_name or "", [])
        g.hits.append(h)
    out = [g for k, g in groups.items() if k is not None]
    if None in groups:
        out.append(groups[None])
    return out


def week_counts(hits: list[Hit]) -> list[tuple[str, int]]:
    """(week label, hits) per week, oldest first."""
    counts: OrderedDict[str, int] = OrderedDict()
    for h in sorted(hits, key=lambda h: h.order):
        label = h.report.week or h.report.label
        counts[label] = counts.get(label, 0) + 1
    return list(counts.items())


def counts_text(counts: list[tuple[str, int]]) -> str:
    """`2024-W20 ×3  2024-W21 ×1`; undated issues after the first lose the long title they share with the
    one before (`山海周刊（第 401 期） ×3  …（第 402 期） ×1`), so more of them fit on the line."""
    out = []
    for i, (label, n) in enumerate(counts):
        shown = shorten_shared(label, 0, counts[i - 1][0]) if i else label
        out.append(f"{shown} ×{n}")
    return "  ".join(out)


class SearchScreen(Screen):
    """Fuzzy search across every report (words, pinyin, `in:` `week:` `kpi:` `url:` `by:` filters)."""

    COMMANDS = VIEW_COMMANDS

    BINDINGS = bindings("search")

    DEFAULT_CSS = """
    SearchScreen { layout: vertical; }
    SearchScreen #search-input { margin: 0 1; }
    SearchScreen #search-status { height: 1; padding: 0 2; color: $text-muted; }
    SearchScreen #search-body { height: 1fr; }
    SearchScreen #search-results { width: 2fr; height: 1fr; border: round $panel; }
    SearchScreen #search-results:focus { border: round $primary; }
    SearchScreen #search-preview-box { width: 1fr; height: 1fr; border: round $panel; padding: 0 1; }
    SearchScreen.-narrow #search-body { layout: vertical; }
    SearchScreen.-narrow #search-results { width: 1fr; height: 2fr; }
    SearchScreen.-narrow #search-preview-box { width: 1fr; height: 1fr; }
    """

    def __init__(self, workspace: Workspace, query: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.initial_query = query
        self.result: SearchResult | None = None
        self.option_hits: dict[str, Hit] = {}
        self._generation = 0
        self._timer = None
        self._rows_width = 0  # the list's width the rows were cut for
        self._index_note = ""  # how far indexing got, shown in the status line while it runs

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial_query, id="search-input",
                    placeholder="search: words, pinyin (byz), in:O2 week:2024-W20..2024-W29 kpi: url: by:")
        yield Static(Text("type to search every report"), id="search-status")
        with Horizontal(id="search-body"):
            yield HitList(id="search-results", markup=False)
            with VerticalScroll(id="search-preview-box"):
                yield Static(Text(""), id="search-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        self.set_class(self.app.size.width < 100, "-narrow")
        self._sync()
        if self.initial_query.strip():
            self.start_search(self.initial_query)

    # ── the index ──────────────────────────────────────────────────────────────────────────────

    def on_library_changed(self, message: LibraryChanged) -> None:
        """More reports were read, or the library was (re)loaded: bring the index up to date, then
        search again."""
        self._sync()

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-index")
    def _sync(self) -> None:
        """Bring the workspace's index up to date (saying how far it got), then ask the query again
        if its answer came from part of the reports."""
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - last[0] < 0.2:
                return
            last[0] = now
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, done, total)

        self.workspace.search_index(progress)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._synced)

    def _progress(self, done: int, total: int) -> None:
        self._index_note = f"indexing {done:,} of {total:,} reports…" if done < total else ""
        if self.result is None:
            self._status(Text(self._index_note or "type to search every report"))

    def _synced(self) -> None:
        self._index_note = ""
        query = self.query_one("#search-input", Input).value
        if self.result is not None and not self.result.complete:
            self.start_search(query)  # the whole answer now
        elif self.result is not None and self.workspace.loading:
            self.start_search(query)  # more reports were read meanwhile
        elif self.result is None:
            self._status(Text("type to search every report"))

    def _status(self, text: Text) -> None:
        try:
            self.query_one("#search-status", Static).update(text)
        except Exception:  # noqa: BLE001 - the screen was closed meanwhile
            pass

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")

    # ── searching ───────────────────────────────────────────────────────────────────────────────

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, lambda: self.start_search(event.value))

    @on(Input.Submitted, "#search-input")
    def _query_submitted(self, event: Input.Submitted) -> None:
        if self.result is not None and self.result.query.raw == event.value:
            self.action_open()
        else:
            self.start_search(event.value)

    def start_search(self, query: str) -> None:
        """Search in a worker; the newest query wins."""
        self._generation += 1
        if not query.strip():
            self._show(self._generation, None)
            return
        if self.result is None:
            self.query_one("#search-status", Static).update(Text("searching…"))
        self._run(query, self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _run(self, query: str, generation: int) -> None:
        result = self.workspace.search(query, limit=LIMIT, wait=False)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, generation, result)

    def on_worker_state_changed(self, event) -> None:
        """A search that raised: say so here, and show the error dialog."""
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            self.query_one("#search-status", Static).update(Text("search failed (see the error)"))
            self.app.post_message(WorkerFailed(event.worker))

    def _show(self, generation: int, result: SearchResult | None) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        old, self.result = self.result, result
        was = self.current_hit if old is not None and result is not None and old.query.raw == result.query.raw else None
        status = self.query_one("#search-status", Static)
        if result is None:
            self._fill(None, None)
            status.update(Text(self._index_note or "type to search every report"))
            return
        self._fill(result, was)
        status.update(self._result_status(result))

    def _fill(self, result: SearchResult | None, was: Hit | None) -> None:
        """The results as rows as wide as the list is now; the cursor on `was` when it is among them."""
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        self.option_hits.clear()
        self._rows_width = results.size.width
        if result is None:
            self._preview(None)
            return
        mark = Style(bold=True, color=theme_colour(self.app.theme_variables, "text-warning", "#ffc473"), underline=True)
        muted = Style(color=theme_colour(self.app.theme_variables, "text-muted", "#888888"))
        row_width = max(20, results.size.width - 2) if results.size.width else 76  # (the scrollbar's room)
        options: list[Option] = []
        for g in group_hits(result.hits):
            counts = counts_text(week_counts(g.hits))
            head = Text.assemble((g.name or "other lines", "bold"), (f"  {len(g.hits)}  ", muted), (counts, muted))
            head.truncate(row_width, overflow="ellipsis")
            options.append(Option(head, disabled=True))
            headed = [i for i, h in enumerate(g.hits) if i == 0 or _place(h) != _place(g.hits[i - 1])]
            labels = [g.hits[i].report.label for i in headed]
            beside = {i: labels_beside(labels.__getitem__, len(labels), k) for k, i in enumerate(headed)}
            for i, h in enumerate(g.hits):
                oid = f"hit-{len(self.option_hits)}"
                self.option_hits[oid] = h
                options.append(Option(hit_text(h, mark, muted, row_width, heading=i in beside,
                                               beside=beside.get(i, (None, None))), id=oid))
        results.add_options(options)
        # the same query answered again (more reports searched, a new width): the cursor stays on its hit
        keep = next((oid for oid, h in self.option_hits.items()
                     if was is not None and h.report is was.report and h.line == was.line), None)
        first = keep or next(iter(self.option_hits), None)
        if first is not None:
            results.highlighted = results.get_option_index(first)
        self._preview(self.current_hit)

    @on(HitList.Resized)
    def _relayout(self) -> None:
        """The list changed width: its rows are cut and the preview folded anew."""
        results = self.query_one("#search-results", OptionList)
        if self.result is not None and results.size.width != self._rows_width:
            self._fill(self.result, self.current_hit)

    def _result_status(self, result: SearchResult) -> Text:
        n, total = len(result.hits), result.total
        tiers = {t: sum(h.tier == t for h in result.hits) for t in ("exact", "fuzzy", "pinyin", "filter")}
        detail = ", ".join(f"{v} {k}" for k, v in tiers.items() if v)
        more = f" of {total}{'+' if result.capped else ''}" if total > n else ""
        partial = not result.complete
        if n:
            text = f"{n}{more} hits ({detail}) in {result.seconds * 1000:.0f} ms"
        elif partial:
            text = f"no matches for {result.query.raw!r} yet"
        else:
            text = f"no matches for {result.query.raw!r}"
        if partial:
            text += f"  · searching {result.searched:,} of {result.of:,} reports…"
        return Text(text)

    # ── the selected hit ────────────────────────────────────────────────────────────────────────

    @property
    def current_hit(self) -> Hit | None:
        """The highlighted hit (the best one until the cursor moves)."""
        results = self.query_one("#search-results", OptionList)
        idx = results.highlighted
        if idx is None:
            return None
        opt = results.get_option_at_index(idx)
        return self.option_hits.get(opt.id) if opt.id else None

    @on(OptionList.OptionHighlighted, "#search-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(self.option_hits.get(event.option.id or ""))

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.option_hits.get(event.option.id or "")
        if hit is not None:
            self.app.open_report(hit.report, hit.line)

    def _preview(self, hit: Hit | None) -> None:
        box = self.query_one("#search-preview", Static)
        if hit is None:
            box.update(Text(""))
            return
        r = hit.report
        muted = Style(color=theme_colour(self.app.theme_variables, "text-muted", "#888888"))
        mark = Style(bold=True, color=theme_colour(self.app.theme_variables, "text-warning", "#ffc473"), underline=True)
        line_bg = Style(bgcolor=theme_colour(self.app.theme_variables, "primary-muted", "#1f3a55"))
        by = f"  {hit.author}" if hit.author else ""
        week = "" if r.label == r.week else f"  {r.week or 'undated'}"  # (the week once)
        out = Text.assemble((r.label, "bold"), (f"{week}{by}  {r.source.name}\n", muted),
                            (" · ".join(x for x in (hit.section, hit.project_name or "") if x) + "\n\n", muted))
        lines = r.text.splitlines()
        width = max(20, self.query_one("#search-preview-box").size.width - 3)
        lo, hi = max(1, hit.line - CONTEXT), min(len(lines), hit.line + CONTEXT)
        for n in range(lo, hi + 1):
            src = lines[n - 1]
            t = Text.assemble((f"{n:>4} ", muted))
            body = Text(src)
            if n == hit.line:
                offset = src.find(hit.text)
                if offset >= 0:
                    for a, b in hit.spans:
                        body.stylize(mark, offset + a, offset + b)
                body.stylize(line_bg)
            t.append_text(body)
            for row in fold(t, width, indent=5):
                row.no_wrap = True
                out.append_text(row)
                out.append("\n")
        box.update(out)

    # ── actions ─────────────────────────────────────────────────────────────────────────────────

    def action_open(self) -> None:
        """Open the report of the highlighted hit, scrolled to its line."""
        hit = self.current_hit
        if hit is not None:
            self.app.open_report(hit.report, hit.line)

    def action_timeline(self) -> None:
        """The timeline of the highlighted hit's project."""
        hit = self.current_hit
        if hit is None or not hit.project:
            self.notify("This line belongs to no project.", severity="warning", markup=False)
            return
        from .timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.workspace, hit.project))

    def action_results(self) -> None:
        """Move from the query box into the results."""
        results = self.query_one("#search-results", OptionList)
        if self.focused is not results and results.option_count:
            results.focus()
        elif self.focused is results:
            results.action_cursor_down()

    def action_focus_query(self) -> None:
        """Back to the query box."""
        self.query_one("#search-input", Input).focus()

    def action_back(self) -> None:
        """Close search."""
        if self.is_current:  # a second escape queued behind the first must not close the next screen
            self.app.pop_screen()
