"""Keys typed ahead: what a fast typist types before the screen it is meant for is ready arrives there.

Textual hands each key to the focused widget at once; a key that opens a screen (`/`) acts only once it
has gone through the widget and back up to the bindings, and keys typed right behind it (`贝易转`) have
by then gone to the screen below, and are lost. So are keys typed while the reports load, before the
week list has anything to move through. The app holds such keys, in order, and sends each on when
the one before it has been handled and the screen on top is ready (mounted, its focus given), or —
while reports load — once they have loaded. Quitting keys never wait.
"""

from __future__ import annotations

import time

from textual import events

from .compat import is_exiting, is_queued, is_stopped


class TypeAhead:
    """A mixin for the `App` (before `App` in its bases): keys wait for the screen they were typed for."""

    QUIT_KEYS = frozenset({"q", "ctrl+q", "ctrl+c"})
    # Keys of the main screen that need no library: they act at once while reports load.
    NO_LIBRARY_KEYS = frozenset({"slash", "question_mark", "f1", "ctrl+p"})
    HOLD_LIMIT_S = 3.0   # a screen that never takes focus gets the keys meant for it after this
    MOUNT_LIMIT_S = 30.0  # a screen not even mounted gets none before this (a busy machine mounts late)
    TICK_S = 0.01        # how often held keys are looked at
    LOST_TICK_S = 0.5    # a look that has not come for this long is taken for lost, and asked again

    _held: tuple | list = ()          # keys held, in order (a list while there are any)
    _held_since = 0.0
    _screen_changed = 0.0
    _in_flight: events.Key | None = None  # the last key sent on, until its bindings have run
    _in_flight_at = 0.0
    _in_flight_via: tuple = ()  # the nodes it passes on its way back up, the app last
    _back: events.Key | None = None  # the key whose bindings run now
    _release_timer = None  # the timer that looks at held keys again, while one is set
    _release_asked = 0.0

    def library_shown(self) -> bool:
        """Whether the main screen shows a library yet (keys meant for it wait until then)."""
        raise NotImplementedError

    @property
    def keys_waiting(self) -> int:
        """How many typed keys wait for their screen."""
        return len(self._held)

    def screen_changed(self) -> None:
        """A screen is being pushed or popped: keys typed meanwhile wait for the next one to be ready."""
        self._screen_changed = time.monotonic()

    def push_screen(self, *args, **kwargs):
        """Push a screen (keys typed meanwhile wait for it)."""
        self.screen_changed()
        return super().push_screen(*args, **kwargs)

    def pop_screen(self):
        """Pop the top screen (keys typed meanwhile wait for the one below)."""
        self.screen_changed()
        return super().pop_screen()

    async def on_event(self, event: events.Event) -> None:
        """Keys are held while their screen is not ready; everything else goes on as Textual does it."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if is_exiting(self) or not self.is_running:
            return  # (keys still arriving while the app closes have no screen to go to)
        if event.is_forwarded:  # back from the focused widget: the bindings run now
            self._back = event  # (held keys are looked at by a timer meanwhile, in a task of its own)
            try:
                await super().on_event(event)
            finally:
                self._back = None
                if event is self._in_flight:
                    self._forget_key()
                    if self._held:
                        # The next held key goes on now, not at the next tick: a burst typed ahead
                        # arrives at the speed the screens handle it.
                        await self._release_held()
            return
        try:
            hold = self._must_hold(event)
        except Exception:  # no screen yet
            hold = True
        if not hold:
            await self._send_key(event)
            return
        if not self._held:
            self._held = []
            self._held_since = time.monotonic()
        self._held.append(event)
        self._schedule_release()

    # -- when to hold ----------------------------------------------------------------------------

    def _loading_main(self) -> bool:
        main = self.main_screen
        return main is not None and self.screen is main and not self.library_shown()

    def _mounting(self) -> bool:
        """The screen in view was just pushed and is not mounted yet: a key must not reach it before
        (Textual's command palette, dismissed before it mounted, fails in its mount handler)."""
        return not self.screen.is_mounted

    def _unfocused(self) -> bool:
        """The screen in view was just pushed or popped and has not given its focus yet."""
        screen = self.screen
        if time.monotonic() - self._screen_changed > 0.5 or screen is self.main_screen:
            return False
        return screen.focused is None and bool(screen.focus_chain)

    def _transition(self) -> bool:
        """A screen was just pushed or popped and is not ready for keys yet (not mounted, or its focus
        not given yet)."""
        return self._mounting() or self._unfocused()

    def key_on_its_way(self) -> bool:
        """Whether the last key sent on is still on its way (a widget has it, or it is bubbling back up
        to the bindings): what it does (open a screen) must happen before the next key is routed."""
        key = self._in_flight
        # (a widget busy with other work hands a key back late: the keys behind it wait as long as
        # for a screen's focus; only a key lost on its way frees them, and that after the limit.
        # A key a widget stopped never comes back; one stopped and queued on its way up, or whose
        # bindings run now, is not lost: the node whose parent sent a key stops it before handing it
        # up, and a busy app reads it late)
        if key is None or time.monotonic() - self._in_flight_at > self.HOLD_LIMIT_S:
            return False
        return not is_stopped(key) or key is self._back or any(is_queued(node, key) for node in self._in_flight_via)

    def _busy_with_key(self) -> bool:
        if self.key_on_its_way():
            return True
        self._forget_key()
        return False

    def _must_hold(self, event: events.Key) -> bool:
        if self._loading_main() and event.key in self.QUIT_KEYS:
            self._held = ()  # quitting while reports load: now, whatever was typed before
            return False
        if self._held:
            return True  # (keep the order)
        if self._loading_main():
            return event.key not in self.NO_LIBRARY_KEYS
        return self._busy_with_key() or self._transition()

    # -- sending on --------------------------------------------------------------------------------

    async def _send_key(self, event: events.Key) -> None:
        self._in_flight, self._in_flight_at = event, time.monotonic()
        target = self.focused or self.screen  # (where Textual sends it, and the way it comes back up)
        self._in_flight_via = tuple(target.ancestors_with_self)
        await super().on_event(event)
        if not event.is_forwarded and self._in_flight is event:
            # Handled by a priority binding (ctrl+p, ctrl+c) or by nobody: it never comes back.
            self._forget_key()

    def _forget_key(self) -> None:
        """The last key sent on is done with: neither it nor the widgets it passed are kept (a screen
        closed by it is freed with its widgets and the lines they drew)."""
        self._in_flight, self._in_flight_via = None, ()

    def _schedule_release(self) -> None:
        """Look at the held keys again after a tick: one timer at a time, unless the last one is late
        enough to be taken for lost (a callback of the app's dropped by an error elsewhere must never
        strand the keys)."""
        now = time.monotonic()
        if self._release_timer is None or now - self._release_asked > self.LOST_TICK_S:
            self._release_timer = self.set_timer(self.TICK_S, self._release_tick)
            self._release_asked = now

    async def _release_tick(self) -> None:
        self._release_timer = None
        await self._release_held()

    def on_idle(self) -> None:
        """Nothing else to do: keys still held are looked at again (see `_schedule_release`)."""
        if self._held:
            self._schedule_release()

    async def _release_held(self) -> None:
        """Send held keys on, in order, while their screen is ready for them; look again later if not."""
        while self._held:
            waited = time.monotonic() - self._held_since
            try:
                waiting = self._loading_main() or self._busy_with_key() or (
                    self._mounting() and waited < self.MOUNT_LIMIT_S) or (
                    self._unfocused() and waited < self.HOLD_LIMIT_S)
            except Exception:
                waiting = True
            if waiting:
                self._schedule_release()
                return
            event = self._held.pop(0)
            self._held_since = time.monotonic()
            await self._send_key(event)
