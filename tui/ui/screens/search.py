"""The search screen: a query box, live ranked results grouped by project, a preview of the selected hit.

Typing never waits for a search: each change restarts a short debounce timer, the search runs in an
exclusive thread worker (a newer query cancels an older one) and results of a stale query are dropped.
A keystroke asks for the visible page only (`PAGE` hits: the best ones, in the full search's order) and
draws it; once typing pauses, a follow-up worker asks for the whole list (`LIMIT` hits, the exact total)
and puts it in place with the cursor on the same hit at the same place on screen (a newer key drops
it). Every search ends: its list drawn, or its failure said. The list draws only the rows on screen
(`widgets.hit_list.HitList`), so 40 or 300 hits cost the same to draw; it, the preview
(`widgets.hit_preview.HitPreview`) and the query box take a key's change without a layout of the screen.

The workspace's search index is brought up to date in a worker as the screen opens (read from the
parse cache, or built report by report). A query never waits for that: it is answered from what is
indexed so far — while the library is still loading, from the reports read so far — and the status
line says so ("searching 120 of 418 reports…"); the query runs again by itself when indexing or
loading finishes, so a partial answer is always replaced by the whole one.
"""

from __future__ import annotations

import time

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import get_current_worker

from ...index.search.engine import Hit, SearchResult, parse_query
from ...index.workspace import Workspace
from ...model.report import Report
from ..render import theme_colour
from ..commands import VIEW_COMMANDS
from ..compat import SteadyInput
from ..keys import bindings
from ..loading import keep_out_of_collections
from ..messages import LibraryChanged, Unexpected, WorkerFailed
from ..widgets.hit_list import HitList, hit_options
from ..widgets.hit_preview import HitPreview, preview_lines, report_lines

DEBOUNCE = 0.12
LIMIT = 300  # hits in the whole list (the follow-up)
PAGE = 40  # hits asked for on each keystroke: what fits on screen and a margin (at least)
FILL_DELAY = 0.25  # the whole list once no key came for this long after the page was drawn
SHORT_WORD = 2  # Latin words this short alone: their whole list is not counted (`counts_all`)


def counts_all(query: str) -> bool:
    """Whether the whole list of a query counts every match. Not for Latin words of one or two letters
    alone (`t`, `ti`, `re`, as typed on the way to a word): nearly every line holds them, so counting
    costs a scan of every text three times (~0.3–0.5 s at 10,000 reports, holding up the next key)
    for a figure no one reads; the list says "300+" instead, as a keystroke's page does."""
    q = parse_query(query)
    return not (q.words and not q.has_filters
                and all(len(w) <= SHORT_WORD and w.isascii() and w.isalnum() for w in q.words))

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
        self._fill_timer = None
        self.filled: str | None = None  # the query whose whole list is shown (None: a page, or nothing)
        self.done: str | None = None  # the query whose search is over: its whole list shown, or a failure said
        self._asked = ""  # the query last searched for
        self._previewed: tuple | None = None  # (report, line, text, spans, width) in the preview
        self._lines_of: tuple = (None, None)  # (a report, its lines): the last previewed report's
        self._index_note = ""  # how far indexing got, shown in the status line while it runs
        self._theme_styles: tuple = (None, ())  # (the theme's variables, `_styles()` in their colours)
        self._syncing = False  # an index sync runs (`_sync`)
        self._sync_again = False  # the library changed while it ran: one more sync when it ends

    def compose(self) -> ComposeResult:
        yield SteadyInput(value=self.initial_query, id="search-input",
                    placeholder="search: words, pinyin (byz), in:O2 week:2024-W20..2024-W29 kpi: url: by:")
        yield Static(Text("type to search every report"), id="search-status")
        with Horizontal(id="search-body"):
            yield HitList(id="search-results", markup=False)
            with Vertical(id="search-preview-box"):
                yield HitPreview(id="search-preview")
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
        self._lines_of = (None, None)
        self._sync()

    def _sync(self) -> None:
        """Bring the workspace's index up to date, then ask the query again if its answer came from part
        of the reports. While a sync runs, a change only asks for one more once it ends: a load tells of
        new reports every second, and a sync replaced by the next before it ends (at 10,000 reports one
        takes longer than that) would never let a partial answer follow the reports read so far."""
        if self._syncing:
            self._sync_again = True
            return
        self._syncing = True
        self._sync_index()

    def _sync_ended(self) -> None:
        """A sync's worker ended (`on_worker_state_changed`): the one more a change asked for meanwhile."""
        self._syncing = False
        if self._sync_again and self.is_attached:
            self._sync_again = False
            self._sync()

    @work(thread=True, exit_on_error=False, group="search-index")
    def _sync_index(self) -> None:
        """`_sync`'s work, in a thread (saying how far it got)."""
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
        keep_out_of_collections(len(self.workspace.library.reports))
        if not worker.is_cancelled:
            self.app.call_from_thread(self._synced)

    def _progress(self, done: int, total: int) -> None:
        self._index_note = f"indexing {done:,} of {total:,} reports…" if done < total else ""
        if self.result is None:
            self._status(Text(self._index_note or "type to search every report"))

    def _synced(self) -> None:
        self._index_note = ""
        query = self.query_one("#search-input", Input).value
        if not query.strip():
            if self.result is None:
                self._status(Text("type to search every report"))
        elif self.result is None or self.result.query.raw != query or not self.result.complete:
            # the whole answer now; also for a query whose answer is still on its way (asked before there
            # was an index, it searched nothing)
            self.start_search(query)
        elif self.workspace.loading:
            self.start_search(query)  # more reports were read meanwhile

    def _status(self, text: Text) -> None:
        try:
            # (one line, as wide as the screen: its size never changes, so no layout of the screen)
            self.query_one("#search-status", Static).update(text, layout=False)
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
        self._asked = query
        self._stop_whole()
        if not query.strip():
            self._show(self._generation, None)
            return
        if self.result is None:
            self._status(Text("searching…"))
        self._run(query, self._generation, self._page())

    def _page(self) -> int:
        """Hits asked for on a keystroke: the list's lines on screen and as many again (`PAGE` at least)."""
        return max(PAGE, 2 * self.query_one("#search-results", OptionList).size.height)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _run(self, query: str, generation: int, page: int) -> None:
        self._answer(query, generation, page, counted=False)

    def _stop_whole(self) -> None:
        if self._fill_timer is not None:
            self._fill_timer.stop()
            self._fill_timer = None
        self.workers.cancel_group(self, "search-fill")

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-fill")
    def _whole(self, query: str, generation: int) -> None:
        """The whole list (`LIMIT` hits, every match counted) for the query whose page is shown."""
        if generation != self._generation:
            return
        self._answer(query, generation, 0, counted=counts_all(query))

    def _answer(self, query: str, generation: int, page: int, counted: bool) -> None:
        """(In a search worker.) Search, then hand the result — or the error — to the screen. Every way
        out ends the query's search on the screen (`done`): a result drawn, a failure said, or nothing
        when the query is stale (a newer key, a closed screen: that one's own search ends it)."""
        worker = get_current_worker()
        try:
            result = self.workspace.search(query, limit=page or LIMIT, wait=False, counted=counted)
        except Exception as error:  # noqa: BLE001 - said on the screen (the page: the error dialog too)
            if not worker.is_cancelled:
                self._call(self._failed, generation, query, page, error)
            return
        if not worker.is_cancelled:
            self._call(self._show, generation, result, page)

    def _call(self, callback, *args) -> None:
        """`call_from_thread`, unless the app has stopped meanwhile (nothing left to tell)."""
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # (the app is not running: closing)
            pass

    def _failed(self, generation: int, query: str, page: int, error: Exception) -> None:
        """A search that raised. The whole list after a page: the page stays, a notice and the status line
        say so. A keystroke's own search: the status line, and the error dialog (nothing else shows it)."""
        if generation != self._generation or not self.is_attached:
            return  # a newer query is on its way, or the screen is closed
        self.done = query
        why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if page == 0 and self.result is not None and self.result.query.raw == query:
            n = len(self.result.hits)
            self._status(self._result_status(self.result) + Text(f"  · the whole list failed ({why})"))
            self.notify(f"Only the first {n} hits of {query!r} are shown: the whole list failed ({why}).",
                        severity="warning", markup=False)
            return
        self._status(Text(f"search failed: {why}"))
        self.app.post_message(Unexpected(error, f"searching {query!r}"))  # (the app's error dialog)

    def on_worker_state_changed(self, event) -> None:
        """An index sync that ended (`_sync_ended`); a worker that failed outside its search (drawing its
        result, bringing the index up to date): the status line and the error dialog; a search's query
        ends there (`done`)."""
        from textual.worker import WorkerState

        if event.worker.group == "search-index" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                     WorkerState.CANCELLED):
            self._sync_ended()
        if event.state == WorkerState.ERROR and self.is_attached:
            if event.worker.group in ("search", "search-fill"):
                self.done = self._asked
            self._status(Text("search failed (see the error)"))
            self.app.post_message(WorkerFailed(event.worker))

    def _show(self, generation: int, result: SearchResult | None, page: int = 0) -> None:
        """Draw a result: a keystroke's page (`page`: how many hits it asked for), or the whole list (0),
        which keeps the cursor on its hit, at the same place on screen, and the preview as it is."""
        if generation != self._generation or not self.is_attached:
            return  # a newer query is on its way, or the screen is closed
        old, self.result = self.result, result
        same = old is not None and result is not None and old.query.raw == result.query.raw
        self._rows(result, self.current_hit if same else None)
        self.filled = None
        if result is None:
            self._status(Text(self._index_note or "type to search every report"))
            self.done = None
            return
        self._status(self._result_status(result))
        self._check_saved_later()
        if page and result.complete and len(result.hits) >= page:
            self._fill_timer = self.set_timer(FILL_DELAY, lambda: self._whole(result.query.raw, generation))
        elif result.complete:
            self.filled = self.done = result.query.raw

    _checking = False  # (the saved index's parts left unchecked at its opening are being read through)

    def _check_saved_later(self) -> None:
        """Once an answer is shown, the parts of the saved index its opening left unchecked are read
        through in the background (`Workspace.check_saved_index`): the first answer never waits for them."""
        if not self._checking and getattr(self.workspace.cached_search_index(), "late_checks", None) is not None:
            self._checking = True
            self._check_saved()

    @work(thread=True, exit_on_error=False, group="search-checks")
    def _check_saved(self) -> None:
        try:
            worker = get_current_worker()  # (cancelled when the screen closes or the app quits: then given up)
            rebuilt = self.workspace.check_saved_index(between_searches=True, stopped=lambda: worker.is_cancelled)
        finally:
            self._checking = False
        if rebuilt:  # (the answer shown came from a damaged index: asked again of the one built anew)
            self._call(self._ask_again)

    def _ask_again(self) -> None:
        if self.is_attached:
            query = self.query_one("#search-input", Input).value
            self.start_search(query)

    def _rows(self, result: SearchResult | None, was: Hit | None) -> None:
        """The results as rows as wide as the list is now; the cursor on `was` when it is among them, at
        the same line of the screen as before."""
        results = self.query_one("#search-results", HitList)
        at = None
        if was is not None and (line := results.first_line(results.highlighted)) is not None:
            at = line - results.scroll_offset.y
        self.option_hits.clear()
        self._rows_width = results.size.width
        if result is None:
            results.clear_options()
            self._preview(None)
            return
        mark, muted, _ = self._styles()
        row_width = max(20, results.size.width - 2) if results.size.width else 76  # (the scrollbar's room)
        options, self.option_hits = hit_options(result, row_width, mark, muted)
        # (the rows replaced in one step: an emptied list in between would hide its scrollbar and show it
        # again, each a layout of the whole screen)
        results.set_options(options)
        # the same query answered again (the whole list, more reports searched, a new width): the
        # cursor stays on its hit
        keep = next((oid for oid, h in self.option_hits.items()
                     if was is not None and h.report is was.report and h.line == was.line), None)
        first = keep or next(iter(self.option_hits), None)
        if first is not None:
            index = results.get_option_index(first)
            results.highlighted = index
            line = results.first_line(index)
            if keep is not None and at is not None and line is not None:
                results.scroll_to(y=max(0, line - at), animate=False, immediate=True)
        self._preview(self.current_hit)

    @on(HitList.Resized)
    def _relayout(self) -> None:
        """The list changed width: its rows are cut and the preview folded anew."""
        results = self.query_one("#search-results", HitList)
        if self.result is not None and results.size.width != self._rows_width:
            self._rows(self.result, self.current_hit)

    def _result_status(self, result: SearchResult) -> Text:
        n, total = len(result.hits), result.total
        tiers = {t: sum(h.tier == t for h in result.hits) for t in ("exact", "fuzzy", "pinyin", "filter")}
        detail = ", ".join(f"{v} {k}" for k, v in tiers.items() if v)
        more = f" of {total}{'+' if result.capped else ''}" if total > n else ""
        if result.capped and n and total <= n:  # (what was found is all that was counted: more may match)
            more = "+"
        partial = not result.complete
        if n:
            text = f"{n}{more} {'hit' if n == 1 and not more else 'hits'} ({detail}) in {result.seconds * 1000:.0f} ms"
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
        self._open(self.option_hits.get(event.option.id or ""))

    def _open(self, hit: Hit | None) -> None:
        """Open a hit's report at its line (a hit from an index whose reports are not given yet has none
        to open: nothing happens, and the next answer carries them)."""
        if hit is not None and isinstance(hit.report, Report):
            self.app.open_report(hit.report, hit.line)

    def _styles(self) -> tuple[Style, Style, Style]:
        """(matches, muted text, the hit's line) in the theme's colours (made again when the theme changes)."""
        variables = self.app.theme_variables
        if self._theme_styles[0] is not variables:
            self._theme_styles = (variables, (
                Style(bold=True, color=theme_colour(variables, "text-warning", "#ffc473"), underline=True),
                Style(color=theme_colour(variables, "text-muted", "#888888")),
                Style(bgcolor=theme_colour(variables, "primary-muted", "#1f3a55"))))
        return self._theme_styles[1]

    def _preview(self, hit: Hit | None) -> None:
        box = self.query_one("#search-preview", HitPreview)
        width = box.text_width
        shown = None if hit is None else (hit.report, hit.line, hit.text, tuple(hit.spans), width)
        prev = self._previewed
        if shown is not None and prev is not None and shown[0] is prev[0] and shown[1:] == prev[1:]:
            return  # (the same hit at the same width: the whole list replacing its page)
        self._previewed = shown
        if hit is None:
            box.show([])
            return
        if self._lines_of[0] is not hit.report:  # (a key that keeps its hit changes only the marks)
            self._lines_of = (hit.report, report_lines(hit.report))
        box.show(preview_lines(hit, width, *self._styles(), lines=self._lines_of[1]))

    # ── actions ─────────────────────────────────────────────────────────────────────────────────

    def action_open(self) -> None:
        """Open the report of the highlighted hit, scrolled to its line."""
        self._open(self.current_hit)

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
