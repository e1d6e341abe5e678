"""Work-arounds for Textual behaviour that crashes the app on input a user can produce, and the one
place Textual's private names are read.

- `OptionList` page up/down before the list has been laid out (the command palette's list, pressed right
  after ctrl+p or while its results arrive) looks up a line map that is still empty and raises KeyError,
  which ends the app. Moving by a fixed number of options instead is what the user meant.
- `Screen.dismiss` called twice (enter twice in the command palette, escape twice in a picker) runs
  the result callback twice (`InvalidStateError: invalid state`) and pops a screen too many: a
  second dismiss, or one of a screen that is no longer on top, does nothing.
- The command palette's keys and handlers that arrive while it closes (its widgets already removed)
  raise `NoMatches`: they do nothing instead.
- An exception raised while a message is handled ends the message loop of the widget it happened in,
  and the app: it is handed to the app's `handle_unexpected` instead (the error dialog), and the loop
  goes on. The app decides (during start-up it lets Textual end the app as usual).
- `OptionList` renders every option to measure its height before it draws any (`_update_lines`): a
  list whose options each know their height (`options_of_known_height`) is laid out without that.
"""

from __future__ import annotations

from asyncio import CancelledError

from functools import wraps

from textual.await_complete import AwaitComplete
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.geometry import Size
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import OptionList

_PAGE = 10
_original_move_page = OptionList._move_page


def _move_page(self: OptionList, direction) -> None:
    try:
        _original_move_page(self, direction)
    except (KeyError, IndexError):
        if not self.option_count:
            return
        current = self.highlighted if self.highlighted is not None else 0
        self.highlighted = max(0, min(self.option_count - 1, current + direction * _PAGE))


_original_dismiss = Screen.dismiss


def _nothing() -> AwaitComplete:
    async def nothing() -> None:
        return None

    return AwaitComplete(nothing())


def _dismiss(self: Screen, result=None):
    if getattr(self, "_reports_dismissed", False) or not self.is_attached or not self.app.screen_stack \
            or self.app.screen_stack[-1] is not self:
        return _nothing().call_next(self.app)
    self._reports_dismissed = True
    return _original_dismiss(self, result)


_original_dispatch = MessagePump._dispatch_message


async def _dispatch_message(self: MessagePump, message):
    try:
        return await _original_dispatch(self, message)
    except CancelledError:
        raise
    except Exception as error:
        try:
            app = self.app
        except Exception:
            raise error from None
        handle = getattr(app, "handle_unexpected", None)
        if handle is None or not handle(error, f"handling {type(message).__name__} in {type(self).__name__}"):
            raise


_PALETTE_METHODS = ("_action_command_list", "_action_cursor_down", "_action_escape", "_select_or_command",
                    "_select_command", "_input", "_stop_event_leak")


def _closing_quietly(method):
    if getattr(method, "_reports_guarded", False):
        return method

    @wraps(method)  # (keeps Textual's `@on` marks: they live in the function's __dict__)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except NoMatches:
            return None

    guarded._reports_guarded = True
    return guarded


def bindings_in_force(node: DOMNode) -> BindingsMap:
    """A node's bindings with the app's keymap applied: Textual applies the keymap only to the copies it
    makes while routing a key (`Screen._binding_chain`), so `node._bindings` still holds the defaults."""
    bindings = node._bindings.copy()
    keymap = node.app._keymap
    if keymap:
        bindings.apply_keymap(keymap)
    return bindings


def options_of_known_height(cls: type[OptionList]) -> type[OptionList]:
    """Class decorator: an `OptionList` whose options each say how many lines they take (`option.height`,
    every line of a prompt no wider than the list) is laid out from those heights, so an option's prompt
    is made and rendered only when it is drawn. Textual's `_update_lines` renders every option to measure
    it; this one fills the same line map (`_line_cache`, as kept by Textual 8.2.8) from the heights."""

    def _update_lines(self: OptionList) -> None:
        region = self.scrollable_content_region
        if not region:
            return
        cache = self._line_cache
        lines = cache.lines
        options = self.options
        for index in range(lines[-1][0] + 1 if lines else 0, len(options)):
            height = max(1, options[index].height)
            cache.index_to_line[index] = len(lines)
            cache.heights[index] = height
            lines.extend((index, n) for n in range(height))
        size = Size(region.width - self._get_left_gutter_width(), len(lines))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    cls._update_lines = _update_lines
    return cls


def option_first_line(option_list: OptionList, index: int) -> int | None:
    """The line of an option list where option `index` starts, as laid out now (None: not laid out)."""
    return option_list._index_to_line.get(index)


def install() -> None:
    """Apply the work-arounds (idempotent)."""
    if OptionList._move_page is not _move_page:
        OptionList._move_page = _move_page
    if Screen.dismiss is not _dismiss:
        Screen.dismiss = _dismiss
    if MessagePump._dispatch_message is not _dispatch_message:
        MessagePump._dispatch_message = _dispatch_message
    for name in _PALETTE_METHODS:
        method = CommandPalette.__dict__.get(name)
        if method is not None:
            setattr(CommandPalette, name, _closing_quietly(method))
