"""When background work on an index may run: between searches (`Quiet`), so that a keystroke's search
never shares the machine with it (the late checks of a saved index read ~10 s of CPU at 100,000 reports)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

QUIET_AFTER = 0.3  # seconds after the last search ended before background work goes on (a key's list and
# preview are drawn in that time, and the next key of someone typing usually comes within it)


class Quiet:
    """Searches under way (`searching`), and a wait for none under way and none for `after` seconds
    (`wait`), which background work calls between its slices."""

    def __init__(self, after: float = QUIET_AFTER) -> None:
        self.after = after
        self._cond = threading.Condition(threading.Lock())
        self._busy = 0
        self._last = float("-inf")  # (`time.monotonic()` when the last search ended)

    @contextmanager
    def searching(self) -> Iterator[None]:
        """Around a search: background work waits until it is over (and `after` seconds more)."""
        with self._cond:
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._last = time.monotonic()
                self._cond.notify_all()

    def wait(self, stopped: Callable[[], bool] | None = None) -> float:
        """Return once no search is under way and none ended in the last `after` seconds; how long it
        waited (seconds). `Stopped` as soon as `stopped()` says so (the work is no longer wanted: the
        app quits, which waits for its threads)."""
        t0 = time.monotonic()
        with self._cond:
            while True:
                if stopped is not None and stopped():
                    raise Stopped
                timeout = None  # (a search under way: until it ends)
                if not self._busy:
                    timeout = self._last + self.after - time.monotonic()
                    if timeout <= 0:
                        return time.monotonic() - t0
                if stopped is not None:
                    timeout = POLL if timeout is None else min(timeout, POLL)
                self._cond.wait(timeout)


POLL = 0.1  # seconds between looks at `stopped` while waiting


class Stopped(Exception):
    """Background work given up (`Quiet.wait`)."""
