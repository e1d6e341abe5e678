"""Live reload: watch the report folders (watchfiles) and tell the app when report files change."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from textual.app import App

from ..model.report import REPORT_SUFFIXES
from .messages import FilesChanged


def is_report_file(path: str) -> bool:
    """Whether a changed path can hold reports (hidden files and editor swap files are ignored)."""
    name = os.path.basename(path)
    return not name.startswith(".") and not name.endswith("~") and name.lower().endswith((*REPORT_SUFFIXES, ".zip"))


def watch_paths(app: App, paths: list[str]) -> None:
    """Start a background thread that posts `FilesChanged` to the app; it stops when the app exits.

    The thread wakes every half second to notice that the app has gone (watchfiles' stop event).
    """
    targets = [str(p) for p in paths if Path(p).exists()]
    if not targets:
        return
    stop = threading.Event()

    def run() -> None:
        from watchfiles import watch

        try:
            for changes in watch(*targets, stop_event=stop, debounce=400, step=100, rust_timeout=500,
                                 yield_on_timeout=True, raise_interrupt=False):
                if not app.is_running:
                    stop.set()
                    break
                changed = [p for _, p in changes if is_report_file(p)]
                if changed and not stop.is_set():
                    app.post_message(FilesChanged(changed))
        except Exception:  # a vanished folder or an inotify limit: live reload just stops
            return

    thread = threading.Thread(target=run, name="reports-tui-watch", daemon=True)
    thread.start()
