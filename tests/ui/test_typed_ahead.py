"""Keys typed right after the key that opens a screen with an input (`/` search) reach the input, however
fast they come and however long the app takes to act on the first: a typist does not wait for the screen."""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Input

from tui.ui.screens.search import SearchScreen
from uiutil import eventually, make_app, ready


def _type_at_once(app, keys: str) -> None:
    """Every key posted before any is handled, as a terminal delivers a burst of typing."""
    for key in keys:
        name = {"/": "slash", " ": "space"}.get(key, key)
        app.post_message(events.Key(name, key))


def _typed_into_search(app, text: str) -> None:
    assert isinstance(app.screen, SearchScreen)
    assert app.screen.query_one("#search-input", Input).value == text


async def test_keys_typed_behind_a_slash_that_is_slow_to_act_wait_for_it(seed_library, monkeypatch):
    # A loaded machine: the focused week list takes a while with `/` before it comes back up to the
    # bindings that open the search. `r` typed right behind it is for the search, not the raw view.
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        focused = type(app.focused)
        handle_key = focused.handle_key

        async def slow(self, event):
            if event.key == "slash":
                await asyncio.sleep(0.7)  # (the app goes on meanwhile, as while a widget is busy)
            return await handle_key(self, event)

        monkeypatch.setattr(focused, "handle_key", slow)
        _type_at_once(app, "/regoin split")

        await eventually(pilot, lambda: _typed_into_search(app, "regoin split"))
        assert main.raw is False

