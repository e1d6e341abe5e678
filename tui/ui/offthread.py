"""Running a long computation of the index layer from a thread worker, so that leaving the screen (or
quitting) never waits for it.

A Textual thread worker runs in the event loop's default executor, and both quitting and the end of
the interpreter wait for every such thread. `compare` and `timeline` cannot stop half way, so the
worker hands the computation to a daemon thread and only waits for it while it is still wanted: once
the worker is cancelled (the screen closed, a newer request, the app quitting) the worker returns at
once and the computation finishes on its own, its result dropped.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from .messages import WorkerFailed

T = TypeVar("T")


class Abandoned(Exception):
    """The worker was cancelled before the computation ended (its result is no longer wanted)."""


def abandonable(compute: Callable[[], T], poll: float = 0.05) -> T:
    """`compute()` in a daemon thread, called from a thread worker: its result, its exception raised
    here, or `Abandoned` as soon as the worker is cancelled."""
    worker = get_current_worker()
    done = threading.Event()
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, compute()))
        except BaseException as exc:  # handed to the worker, which reports it
            outcome.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=run, name=f"reports-tui-{worker.name or 'compute'}", daemon=True).start()
    while not done.wait(poll):
        if worker.is_cancelled:
            raise Abandoned()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def show_failure(screen: Screen, event: Worker.StateChanged, spinner: str, label: str, text: str) -> None:
    """A computation worker of `screen` that raised: its spinner (`#spinner`) goes, the `#label` Static
    says `text`, and the app shows the error dialog."""
    if event.state != WorkerState.ERROR:
        return
    for widget in screen.query(f"#{spinner}"):
        widget.remove()
    screen.query_one(f"#{label}", Static).update(Text(text))
    screen.app.post_message(WorkerFailed(event.worker))
