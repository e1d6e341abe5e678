"""The Textual app: owns the settings, the workspace and the load, hosts the screens, shows errors.

Behaviour lives on the screens (`screens/main.py` above all); the load runs in `loading.py`, Textual's
work-arounds are in `compat.py`, keys typed ahead wait in `typeahead.py`. The app only starts loads,
routes what they tell (messages) to the screens, and shows what went wrong.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from textual import events, on, work
from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from ..config import Config, is_served, load_config
from ..index.library import Library
from ..index.workspace import Workspace
from ..keymap import Keymap
from ..model.report import Report, SourceRef
from ..model.text import sanitize
from .compat import GuardedApp, install as _install_compat, is_exiting
from .loading import STORED_WAIT_S, LibraryLoader, keep_out_of_collections, pause_collection, resume_collection
from .messages import (FilesChanged, LibraryChanged, LibraryGrew, LibraryLoaded, LoadFailed, LoadProgress,
                       Unexpected, WorkerFailed)
from .keys import bindings
from .render import Palette
from .screens.main import MainScreen
from .typeahead import TypeAhead

_install_compat()

# The saved search index (seconds of CPU at 10,000 reports) is read once the app has been this long
# without a key after the reports show: read at once it would hold the interpreter while the first screen
# is drawn and the first keys are answered. A search opened before then reads it itself.
INDEX_AFTER_IDLE_S = 0.5
# A library shown as stored has its files checked this long after it is painted; garbage collection,
# held off while the app starts, runs again then too.
CHECK_AFTER_PAINT_S = 0.3


class ReportsApp(TypeAhead, GuardedApp):
    """reports-tui: read, chart, search and compare weekly reports."""

    TITLE = "reports-tui"
    CSS_PATH = [Path(__file__).parent / "styles" / "app.tcss"]
    BINDINGS = bindings("app")  # q and ctrl+c quit, ctrl+p opens the command palette

    def __init__(self, args: argparse.Namespace | None = None, config: Config | None = None,
                 library: Library | None = None, watch: bool = True) -> None:
        self.args = args or argparse.Namespace(paths=[], compare=None, search=None, config=None, no_cache=False)
        self.config = config or load_config(getattr(self.args, "config", None))
        use_cache = not getattr(self.args, "no_cache", False)
        # (a saved search index found damaged, said once as it is built again: from a worker thread,
        # where `notify` posts its message)
        self.workspace = Workspace(library, use_cache=use_cache, hold_saved=True,
                                   notice=lambda m: self.notify(m, severity="warning", timeout=8, markup=False))
        self.loader = LibraryLoader(self.post_message, self.workspace, [str(p) for p in self.args.paths],
                                    self.config.vocabulary, use_cache)
        self.loaded = library is not None
        self._preloaded = library
        self._main_is_ready = False  # the main screen is mounted (`main_ready`)
        self._early: list[Message] = []  # what the load said before it was: handled once it is
        self._taken: Message | None = None  # the library as stored, shown by `main_ready` before it came
        self._watch = watch
        self._theme_ready = False
        self._shown = False  # the main screen has shown a library (or the failure to read one)
        self._reload_timer = None
        self._index_timer = None  # reads the search index once keys pause (`_index_when_idle`)
        self._errors = 0  # unexpected exceptions shown (a storm of them ends in Textual's own crash report)
        self._read_state = None  # which reports were read (`read_state`), loaded when first asked
        self._in_error = False
        self._start_pause: object | None = None  # collection held off until the first screen is painted
        super().__init__()
        from .commands import ScreenKeysProvider, ThemeProvider

        # Every screen: its own keys and the theme; weeks, projects and people where they fit (each
        # screen's COMMANDS).
        self.COMMANDS = App.COMMANDS | {ScreenKeysProvider, ThemeProvider}
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.keymap = Keymap.from_settings(self.config.data)
        if self.keymap.overrides:
            self.set_keymap(self.keymap.overrides)
        # Keys typed while reports load (TypeAhead): quitting acts at once, and so do search, help and
        # the palette, whatever keys the keymap gives them (ctrl+q is Textual's own quit).
        self.QUIT_KEYS = self.keymap.key_set("app.quit", "app.quit-ctrl-c") | {"ctrl+q"}
        self.NO_LIBRARY_KEYS = self.keymap.key_set("main.search", "main.help", "app.palette")
        self.COMMAND_PALETTE_BINDING = self.keymap.keys("app.palette").split(",")[0]  # (the footer shows it)

    @property
    def library(self) -> Library:
        """The library shown now (`workspace` holds it and what is derived from it)."""
        return self.workspace.library

    @property
    def read_state(self):
        """Which reports the user has read (`index.readstate`, in the user's state folder)."""
        if self._read_state is None:
            from ..index.readstate import ReadState

            self._read_state = ReadState.default()
        return self._read_state

    # ── start-up and loading ─────────────────────────────────────────────────────────────────────

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.workspace)

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen (always the bottom of the stack), once there is one."""
        bottom = self.screen_stack[0] if self.screen_stack else None
        return bottom if isinstance(bottom, MainScreen) else None

    def library_shown(self) -> bool:
        """Whether the main screen shows a library yet (or the failure to read one)."""
        return self._shown

    def _now_shown(self) -> None:
        """The main screen shows a library (or the failure to read one): collection runs again a moment
        after that is painted (the first collection then scans every object the start made: ~20 ms
        that would otherwise delay the first frame, or the first key)."""
        if not self._shown:
            self._shown = True
            self.call_after_refresh(self.set_timer, CHECK_AFTER_PAINT_S, self._started, name="collect-again")

    def _started(self) -> None:
        """The first screen is painted (or the app closes): collection is no longer held off for it."""
        pause = getattr(self, "_start_pause", None)
        if pause is not None:
            resume_collection(pause)
            self._start_pause = None

    def on_mount(self) -> None:
        self._theme_ready = True
        from ..index.store.loader import on_changed_file

        # A body read from a file changed since the library loaded (its head is then not that file's):
        # the library is read again, as when the watcher sees the change.
        self._stop_changed = on_changed_file(lambda path: self.post_message(FilesChanged([path])))
        if self.config.error:
            self.notify(self.config.error, severity="warning", timeout=8, markup=False)
        for problem in self.keymap.problems:
            self.notify(problem, severity="warning", timeout=12, markup=False)

    def on_load(self) -> None:
        """Start reading the library before the main screen mounts: a library read from the cache in a
        few milliseconds is then painted once, with the screen. Until the first screen is painted,
        automatic garbage collection is held off: its widgets, styles and library all live on."""
        self._start_pause = pause_collection()
        if self._preloaded is None:
            self.load_library()

    def main_ready(self) -> None:
        """Called by the main screen once it is mounted: what the load said meanwhile is shown. The
        library as stored, when the cache is still being read, is waited for (`STORED_WAIT_S` at most),
        or, none being stored, a short read of the whole library (`loading.READ_WAIT_S`): the first
        frame then shows the reports, not a loading line drawn once and then again."""
        self._main_is_ready = True
        if self._preloaded is not None:
            self.post_message(LibraryLoaded(self._preloaded))
        elif not any(isinstance(m, (LibraryLoaded, LoadFailed)) for m in self._early):
            stored = self.loader.stored(STORED_WAIT_S)
            if stored is not None:
                # (its message, on its way, is then passed over: `_loaded`)
                self._taken = stored
                self._early = [m for m in self._early if not isinstance(m, (LoadProgress, LibraryGrew))] + [stored]
        early, self._early = self._early, []
        handlers = {LibraryLoaded: self._loaded, LoadFailed: self._failed, LoadProgress: self._progress,
                    LibraryGrew: self._grew}
        for msg in early:
            handlers[type(msg)](msg)

    def _too_early(self, msg: Message) -> bool:
        """Whether a load's message came before the main screen is mounted (kept for `main_ready`)."""
        if not self._main_is_ready:
            self._early.append(msg)
        return not self._main_is_ready

    def load_library(self, reload: bool = False, keep: SourceRef | None = None) -> None:
        """Read every report in the background (the UI keeps answering); a newer load abandons an older
        one. `keep`: the report open now, which a reload reads again before giving it up."""
        self.loader.start(reload=reload, keep=keep)

    def loading(self, wait: float = 0.0) -> bool:
        """Whether a load (or one abandoned) is still running, after waiting up to `wait` seconds for it."""
        return self.loader.running(wait)

    def on_unmount(self) -> None:
        """The app is closing: a load still under way is abandoned (never waited for)."""
        self._started()
        self.loader.stop()
        stop_changed = getattr(self, "_stop_changed", None)
        if stop_changed is not None:
            stop_changed()

    @on(LoadProgress)
    def _progress(self, msg: LoadProgress) -> None:
        if self._too_early(msg) or self._taken is not None:
            return  # (or told before the library as stored, which `main_ready` showed already)
        if self.main_screen is not None:
            self.main_screen.show_progress(msg.done, msg.total, msg.detail)

    @on(LibraryGrew)
    def _grew(self, msg: LibraryGrew) -> None:
        if self._too_early(msg):
            return
        self._tell_screen()
        if msg.partial is not None and not self.loaded and self.main_screen is not None:
            first = not self._shown
            self.main_screen.show_partial(msg.partial)
            self._now_shown()  # (keys typed meanwhile act on the reports shown)
            if first and self.workspace.use_cache:
                # The saved search index is read while the rest loads, once the first reports show
                # (before that it would only slow them down).
                self.call_after_refresh(self.preload_index, msg.partial)

    @on(LoadFailed)
    def _failed(self, msg: LoadFailed) -> None:
        if self._too_early(msg):
            return
        self._now_shown()
        if msg.exception is not None:
            self.show_error(msg.exception, "reading the reports")
        else:
            self.notify(f"cannot read the reports: {sanitize(msg.error)}", severity="error", timeout=10,
                        markup=False)
        self.workspace.replace(self.library)  # (no longer loading: search answers from what there is)
        if self.main_screen is not None:
            self.main_screen.set_library(self.library)
        self._tell_screen()

    @on(LibraryLoaded)
    def _loaded(self, msg: LibraryLoaded) -> None:
        if self._too_early(msg):
            return
        if msg is self._taken and self.loaded:
            self._taken = None
            return  # (already shown by `main_ready`, before it came)
        first = not self.loaded
        self.workspace.replace(msg.library)
        self.loaded = True
        self._now_shown()
        for message in msg.notices:
            self.notify(message, severity="warning", timeout=8, markup=False)
        self.main_screen.set_library(msg.library, reload=msg.reload)
        if first:
            # A library shown as stored: its files are checked once it is painted and the first keys
            # are answered (a check taking the CPU meanwhile would slow both).
            self.call_after_refresh(self.set_timer, CHECK_AFTER_PAINT_S, self.loader.painted, name="check-files")
        # The search index is brought up to date once the reports show and keys pause, the file
        # watcher once the reports show (either would only slow down the first screen); a search
        # opened before then brings the index up to date itself.
        self._index_when_idle()
        self._tell_screen()
        if (first or not msg.reload) and not msg.checked:
            self._startup_screens()
            if self._watch and msg.library.paths:
                from .watch import watch_paths

                self.call_after_refresh(watch_paths, self, msg.library.paths)

    def _tell_screen(self) -> None:
        """The screen in view hears that the library grew or changed (search asks its query again)."""
        if self.screen_stack:
            self.screen_stack[-1].post_message(LibraryChanged())

    def _index_when_idle(self) -> None:
        """Bring the search index up to date once the app has had no key for `INDEX_AFTER_IDLE_S`
        (each key typed meanwhile puts it off again)."""
        if self._index_timer is not None:
            self._index_timer.stop()
        self._index_timer = self.set_timer(INDEX_AFTER_IDLE_S, self._index_now, name="index-when-idle")

    def _index_now(self) -> None:
        self._index_timer = None
        self.index_library()

    async def on_event(self, event: events.Event) -> None:
        """A key puts off the index's warm-up, due once keys pause (`_index_when_idle`)."""
        if self._index_timer is not None and isinstance(event, events.Key):
            self._index_timer.reset()
        await super().on_event(event)

    @work(thread=True, exit_on_error=False, group="search-preload")
    def preload_index(self, loading: Library) -> None:
        """Read the saved search index of the library being loaded (`loading`: its paths and
        vocabulary)."""
        self.workspace.preload_search_index(loading)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-index")
    def index_library(self) -> None:
        """Bring the search index up to date in the background (read from the parse cache when it
        has it), so that the first search is answered at once."""
        self.workspace.search_index()
        keep_out_of_collections(len(self.workspace.library.reports))

    def _startup_screens(self) -> None:
        """`--search QUERY` and `--compare A B`: open those screens over the main one."""
        search, compare = getattr(self.args, "search", None), getattr(self.args, "compare", None)
        self.args.search = self.args.compare = None  # only once
        if compare:
            from ..index.library import LookupFailed

            try:
                a, b = self.library.find(compare[0]), self.library.find(compare[1])
            except LookupFailed as exc:
                self.notify(str(exc), severity="error", timeout=10, markup=False)
            else:
                self.main_screen.open_compare(a, b)
        elif search is not None:
            self.main_screen.open_search(search)

    @on(FilesChanged)
    def _files_changed(self, msg: FilesChanged) -> None:
        # Debounced: an editor's save is often several writes (truncate, write, rename, chmod).
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(0.3, self.reload_library)

    def reload_library(self) -> None:
        """Read the library again (files changed, or the editor saved one); the open report is kept."""
        main = self.main_screen
        current = main.current if main is not None else None
        self.load_library(reload=True, keep=current.source if current is not None else None)

    # ── errors ───────────────────────────────────────────────────────────────────────────────────

    def handle_unexpected(self, error: BaseException, where: str = "") -> bool:
        """An exception no handler expected (in an event handler, a timer, a palette provider, Textual
        itself reached by fast input): shown in the error dialog while the app keeps running. Before the
        main screen is up, or with `REPORTS_TUI_CRASH_ON_ERROR=1` (development), it is not handled:
        False, and Textual ends the app with its traceback."""
        main = self.main_screen
        if os.environ.get("REPORTS_TUI_CRASH_ON_ERROR") or main is None or not main.is_mounted:
            return False
        if not self.is_running or is_exiting(self) or self._in_error:
            return False
        self._errors += 1
        if self._errors > 1000:
            return False  # an error on every frame: nothing to keep running for
        self._in_error = True
        try:
            self.show_error(error, where)
        except Exception:
            return False
        finally:
            self._in_error = False
        return True

    def show_error(self, error: BaseException | str, where: str = "") -> None:
        """An unexpected error: show the error dialog (details to copy) and keep running."""
        from .screens.error import ErrorScreen

        if not self.is_running or is_exiting(self):
            return  # the user asked to leave: a task failing as it is stopped has nothing left to say
        top = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(top, ErrorScreen):
            top.add_error(error, where)
            return
        self.push_screen(ErrorScreen(error, where))

    @on(Unexpected)
    def _unexpected(self, msg: Unexpected) -> None:
        if not self.handle_unexpected(msg.error, msg.where):
            raise msg.error  # (not to be handled here: Textual ends the app with its traceback)

    @on(WorkerFailed)
    def _worker_failed(self, msg: WorkerFailed) -> None:
        self.report_worker_error(msg.worker)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers of the app that end with an error (exit_on_error=False ones) are reported too."""
        self.report_worker_error(event.worker)

    def report_worker_error(self, worker: Worker) -> None:
        """Show the error dialog for a worker that failed (screens tell the app with `WorkerFailed`)."""
        # exit_on_error workers reach `_handle_exception` as WorkerFailed: reported there, once.
        if worker.state == WorkerState.ERROR and worker.error is not None and not worker.exit_on_error:
            self.show_error(worker.error, f"running {worker.name or 'a background task'}")

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every toast goes through here: control characters never reach the terminal (messages can
        quote file names, exceptions and queries)."""
        super().notify(sanitize(str(message)), title=sanitize(title), severity=severity, timeout=timeout,
                       markup=markup)

    # ── help and the palette ─────────────────────────────────────────────────────────────────────

    def action_help(self) -> None:
        """`?` / F1 on any screen: the keys of the screen in view, from its live bindings."""
        from textual.command import CommandPalette

        from .screens.help import HelpScreen

        top = self.screen
        if isinstance(top, (HelpScreen, CommandPalette)):
            return
        self.push_screen(HelpScreen(top))

    def get_system_commands(self, screen):
        """Textual's own palette commands, less "Keys" (its key panel: `?` / F1 and the screen's
        commands in the palette are this app's help)."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command

    # ── the UI contract ──────────────────────────────────────────────────────────────────────────

    def open_report(self, report: Report, line: int | None = None) -> None:
        """Go back to the main screen and show a report, scrolled to and highlighting a source line."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main_screen.show_report(report, line=line)

    # ── theme ────────────────────────────────────────────────────────────────────────────────────

    @property
    def palette(self) -> Palette:
        """Rich styles from the current theme's colours."""
        return Palette.from_theme(self.theme_variables)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme chosen (the screens recolour themselves on `theme_changed_signal`)."""
        if not self._theme_ready:
            return
        if theme != self.config.theme and not is_served():  # a browser session keeps the server's settings
            self.config.set("theme", theme)
            if self.config.error:
                self.notify(self.config.error, severity="warning", markup=False)


def run_app(args: argparse.Namespace, library: Library | None = None) -> tuple[int, bool]:
    """Run the TUI for parsed command-line arguments (`library`: already loaded by the command line): the
    exit status, and whether a load abandoned on quitting is still finishing one large file (the process
    should not wait for it: its worker processes end with this one, and the parse cache is consistent
    whenever it stops)."""
    app = ReportsApp(args, library=library)
    app.run()
    return app.return_code or 0, app.loading(wait=1.5)
