"""Every use of Textual's private names, in one place (Textual is pinned exactly; `tests/ui/test_compat.py`
asserts that each name below still exists with the shape relied on, so a new Textual fails one test
instead of the app).

Work-arounds for Textual behaviour that crashes the app on input a user can produce:

- `OptionList` page up/down before the list has been laid out (the command palette's list, pressed right
  after ctrl+p or while its results arrive) looks up a line map that is still empty and raises KeyError,
  which ends the app. Moving by a fixed number of options instead is what the user meant.
- `Screen.dismiss` called twice (enter twice in the command palette, escape twice in a picker) runs
  the result callback twice (`InvalidStateError: invalid state`) and pops a screen too many: a
  second dismiss, or one of a screen that is no longer on top, does nothing.
- The command palette's keys and handlers that arrive while it closes (its widgets already removed)
  raise `NoMatches`: they do nothing instead; a palette dismissed before it mounted fails in its mount
  handler (`IndexError`: it looks for the screen below it): it mounts quietly; and ctrl+p while the
  last palette is still closing would open a second one under the same id (`DuplicateIds`): nothing
  happens.
- `App.pop_screen` with only the bottom screen left (keys typed faster than screens close ask for a
  pop too many) raises and ends the app: it does nothing.
- An exception raised while a message is handled ends the message loop of the widget it happened in,
  and the app: it is handed to the app's `handle_unexpected` instead (the error dialog), and the loop
  goes on. The app decides (during start-up it lets Textual end the app as usual). So are the
  exceptions Textual would end the app for elsewhere (`App._handle_exception`).
- `OptionList` renders every option to measure its height before it draws any (`_update_lines`): a
  list whose options each know their height (`KnownHeightOptionList`) is laid out without that, and
  set anew it keeps the rows of the options it had that look the same (`LinedOption.key`).
- Setting a widget's `virtual_size` lays the whole screen out again, even where only its scrollbar
  follows it: `set_virtual_size` sets it without that; `SteadyInput` types without it.
- A widget hears of its new size (`Resize`) only once the screen is laid out and drawn: one whose rows
  follow its width is drawn at the old width first and then again. `SizeKnown` tells it before it is
  drawn (`size_known`).
- A `Tree` resized forgets every line it drew and lays the whole screen out again, though its lines and
  its virtual size do not depend on its size (drawn lines are kept by width): `keep_tree_lines` skips that.
- `StylesCache.get_inner_outer` (a line's inner and outer background) is an `lru_cache` on a method, so it
  keeps the last 1,024 widgets' line keepers alive, with every line they drew, after their widget, screen
  or app is gone (Textual issue 6665): `install` puts the same look-up cached by its colours alone.

And small readers of private state: a node's key bindings, whether a key event was stopped or waits in a
queue, whether the app is exiting, whether a footer has its bindings yet, where an option starts in an
option list.
"""

from __future__ import annotations

from asyncio import CancelledError
from functools import lru_cache, wraps
from typing import Protocol, runtime_checkable

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text

from textual._styles_cache import StylesCache
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.color import Color
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.geometry import Region, Size
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.events import Resize
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widgets import Footer, Input, OptionList, Tree
from textual.widgets.option_list import Option
from textual.worker import WorkerFailed

_PAGE = 10


@runtime_checkable
class ErrorHandler(Protocol):
    """An app that can show an unexpected exception and keep running (the error dialog)."""

    def handle_unexpected(self, error: BaseException, where: str = "") -> bool:
        """Show `error`; False: not handled (Textual ends the app with its traceback)."""


# ── readers of private state ─────────────────────────────────────────────────────────────────────


def bindings_of(node: MessagePump) -> BindingsMap:
    """The key bindings a screen or widget declares (its BINDINGS, its bases' included)."""
    return node._bindings


def bindings_in_force(node: DOMNode) -> BindingsMap:
    """A node's bindings with the app's keymap applied: Textual applies the keymap only to the copies it
    makes while routing a key (`Screen._binding_chain`), so `node._bindings` still holds the defaults."""
    bindings = node._bindings.copy()
    keymap = node.app._keymap
    if keymap:
        bindings.apply_keymap(keymap)
    return bindings


def is_stopped(message: Message) -> bool:
    """Whether a message (a key) was stopped by a handler (it will not bubble on)."""
    return message._stop_propagation


def is_queued(pump: MessagePump, message: Message) -> bool:
    """Whether a message waits in a pump's queue (or was taken from it to peek past it). (A key the app
    sent to its screen comes back to the app stopped: the screen stops a message whose sender is its
    parent before it bubbles it there.)"""
    return pump._pending_message is message or message in pump._message_queue.values


def is_exiting(app: App) -> bool:
    """Whether the app is closing (`exit()` was called)."""
    return app._exit


def footer_ready(footer: Footer) -> bool:
    """Whether a footer has been told its screen's bindings (before that it shows none)."""
    return footer._bindings_ready


def option_first_line(option_list: OptionList, index: int) -> int | None:
    """The line of an option list where option `index` starts, as laid out now (None: not laid out)."""
    return option_list._index_to_line.get(index)


def nothing() -> AwaitComplete:
    """An awaitable that does nothing: what a screen-stack call answers when there is nothing to do."""

    async def done() -> None:
        return None

    return AwaitComplete(done())


# ── the app: errors, the palette, popping ───────────────────────────────────────────────────────


class GuardedApp(App):
    """The app's part of the work-arounds: a base class between `App` and the app (which provides
    `handle_unexpected` and `show_error`)."""

    def _handle_exception(self, error: Exception) -> None:
        # The command palette's search still running as the palette closes finds its list gone.
        if isinstance(error, WorkerFailed) and isinstance(error.error, NoMatches) \
                and "CommandPalette" in str(error.error):
            return
        # A worker that failed (one started with exit_on_error): a dialog, not an exit.
        if isinstance(error, WorkerFailed) and self.is_running and self.screen_stack:
            cause = error.error if isinstance(error.error, BaseException) else error
            try:
                self.call_later(self.show_error, cause, "working in the background")
                return
            except Exception:
                pass
        # Anything else Textual would end the app for (callbacks, idle handlers): the dialog too.
        if isinstance(self, ErrorHandler) and self.handle_unexpected(error, "handling an event"):
            return
        super()._handle_exception(error)

    def show_error(self, error: BaseException | str, where: str = "") -> None:
        """Show an unexpected error and keep running (the app shows its error dialog)."""
        raise NotImplementedError

    def pop_screen(self):
        """Pop the top screen; with only the bottom screen left, do nothing."""
        if len(self.screen_stack) <= 1:
            return nothing().call_next(self)
        return super().pop_screen()

    def action_command_palette(self) -> None:
        """The command palette (ctrl+p); pressed while the last one is still closing, nothing."""
        from textual._node_list import DuplicateIds

        if any(isinstance(n, CommandPalette) for n in self.screen_stack):
            return
        try:
            super().action_command_palette()
        except DuplicateIds:
            pass


# ── class patches ────────────────────────────────────────────────────────────────────────────────

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


def _dismiss(self: Screen, result=None):
    if getattr(self, "_reports_dismissed", False) or not self.is_attached or not self.app.screen_stack \
            or self.app.screen_stack[-1] is not self:
        return nothing().call_next(self.app)
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
        if not isinstance(app, ErrorHandler) or \
                not app.handle_unexpected(error, f"handling {type(message).__name__} in {type(self).__name__}"):
            raise


PALETTE_METHODS = ("_action_command_list", "_action_cursor_down", "_action_escape", "_select_or_command",
                   "_select_command", "_input", "_stop_event_leak")
"""The command palette's handlers that may run after its widgets are gone."""


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


def _mounting_quietly(method):
    if getattr(method, "_reports_guarded", False):
        return method

    @wraps(method)
    def guarded(self, *args, **kwargs):
        if self not in self.app.screen_stack:
            return None  # dismissed before it mounted: nothing to set up
        return method(self, *args, **kwargs)

    guarded._reports_guarded = True
    return guarded


def set_virtual_size(widget: Widget, size: Size) -> None:
    """A scrolling widget's new content size, for a widget whose own size the screen's layout gives
    (not `height: auto`): only its scrollbars follow it (`_scroll_update`, which lays the screen out
    when one shows or hides). Setting `virtual_size` lays out the whole screen each time, which a list
    or preview that changes on every key cannot afford."""
    if size != widget.virtual_size:
        widget.set_reactive(Widget.virtual_size, size)
        widget._scroll_update(size)
    widget.refresh()


class SizeKnown(Widget):
    """A widget told its new size before it is drawn at it (`size_known`), a mixin: Textual sends `Resize`
    once the screen is laid out and drawn, so a widget laying out its rows there draws them twice (at
    the old width first) and, when its virtual size changes, has the screen laid out once more."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if changed:
            self.size_known()
        return changed

    def size_known(self) -> None:
        """The widget's size (and region) changed and it is about to be drawn at it."""


def keep_tree_lines(tree: Tree, event: Resize) -> None:
    """A `Tree`'s resize, handled without Textual's handler (which forgets every line drawn and lays the
    screen out again): only its cache of drawn lines grows to its height, as Textual's does."""
    event.prevent_default()  # (Tree's `_on_resize` is not called)
    tree._line_cache.grow(event.size.height)


class SteadyInput(Input):
    """An `Input` of a size the screen gives (not `height: auto`) whose typing does not lay the screen
    out: Textual sets its `virtual_size` (the text's width) on every change, a layout of the whole screen
    each key; here it is set first without one, so that Textual's own setting changes nothing."""

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class LinedOption(Option):
    """An option whose prompt is lines of `rich.text.Text` made apart (`prompt_lines`, or None: split its
    `prompt`); a `KnownHeightOptionList` draws them as they are. Options of the same `key` (None: not
    compared) look the same: a list that replaces its options keeps the lines of those it had."""

    key: tuple | None = None

    @property
    def prompt_lines(self) -> list[Text] | None:
        return None

    def take_lines(self, other: "LinedOption") -> None:
        """Take the lines made by `other`, an option of the same key that is being replaced."""


class KnownHeightOptionList(OptionList):
    """An `OptionList` whose options each say how many lines they take (`option.height`, every line of
    a prompt no wider than the list): it is laid out from those heights, so an option's prompt is made
    and rendered only when it is drawn. Textual's `_update_lines` renders every option to measure it;
    this one fills the same line map (`_line_cache`, as kept by Textual 8.2.8) from the heights."""

    _drawn_width = 0  # the rows' width while the list is drawn (`render_lines`), else 0
    _laid_out = False  # the line map is up to date for the drawing under way (`render_lines`)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # (a keyed option's strips by (key, index, style, padding, width): this list's as drawn, and the
        # replaced list's until the new one is first drawn — an option's index is in its strips)
        self._drawn: dict[tuple, list[Strip]] = {}
        self._kept: dict[tuple, list[Strip]] = {}

    def set_options(self, options):
        """Options set anew: those of a key the list had take its lines, and its strips where they are at
        the same place (the whole list after a keystroke's page starts with most of the page's rows)."""
        options = list(options)
        had = {o.key: o for o in self._options if isinstance(o, LinedOption) and o.key is not None}
        if had:
            for option in options:
                old = had.get(option.key) if isinstance(option, LinedOption) else None
                if old is not None:
                    option.take_lines(old)
        if self._drawn:
            self._kept, self._drawn = self._drawn, {}
        return super().set_options(options)

    def clear_options(self):
        self._drawn, self._kept = {}, {}
        return super().clear_options()

    def _update_lines(self) -> None:
        if self._laid_out:
            # (while a drawing is under way nothing changes the options or the size: every row drawn
            # reads the line map through `_lines`, which would find the region again each time)
            return
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
            if self.styles.auto_dimensions:
                self.virtual_size = size  # (its height follows its rows: the screen is laid out again)
                self._scroll_update(size)
            else:
                set_virtual_size(self, size)
        self._laid_out = bool(self._drawn_width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The options' heights added up (a list of `height: auto` is measured without rendering them)."""
        return sum(max(1, option.height) for option in self.options)

    def _get_option_render(self, option: Option, style: VisualStyle) -> list[Strip]:
        # A prompt of `rich.text.Text` whose every line fits (this list's rule) drawn straight from its
        # segments: Textual turns it into its own content and wraps and formats it first, most of
        # what drawing a new list costs (each keystroke of a search draws one). Cell for cell the
        # same lines (`tests/ui/test_compat.py`). A keyed option drawn at the same place by the list
        # this one replaced takes its strips.
        padding = self.get_component_styles("option-list--option").padding
        cache = (option, style, padding)
        strips = self._option_render_cache.get(cache)
        if strips is not None:
            return strips
        width = self._drawn_width or self.scrollable_content_region.width - self._get_left_gutter_width()
        key = option.key if isinstance(option, LinedOption) else None
        where = None if key is None else (key, self._option_to_index[option], style, padding, width)
        strips = self._kept.get(where) if where is not None else None
        if strips is None:
            strips = self._option_strips(option, style, padding, width)
        if strips is None:
            return super()._get_option_render(option, style)
        self._option_render_cache[cache] = strips
        if where is not None:
            self._drawn[where] = strips
        return strips

    def _option_strips(self, option: Option, style: VisualStyle, padding, width: int) -> list[Strip] | None:
        """An option's lines drawn straight from its text, `width` cells each (None: Textual's way draws
        it). An option that keeps its lines apart (`prompt_lines`) gives them without a join and a split."""
        lines = option.prompt_lines if isinstance(option, LinedOption) else None
        if lines is None:
            prompt = option.prompt
            if type(prompt) is not Text:
                return None
            lines = prompt.split("\n", allow_blank=True)
        if option._divider or padding.top or padding.bottom:
            return None
        base = style.rich_style
        meta = RichStyle.from_meta({"option": self._option_to_index[option]})
        plain = meta + base  # (as Textual's `apply_meta` puts it: the meta first)
        console = self.app.console
        strips = []
        for line in lines:
            segments = [Segment(" " * padding.left, plain)] if padding.left else []
            segments.extend(Segment(text, meta + (base + part) if part else plain)
                            for text, part, _ in line.render(console, end="") if text)
            strip = Strip(segments)
            if strip.cell_length > width:  # (rows cut for another width, until they are made anew)
                return None
            strips.append(strip.extend_cell_length(width, plain))
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        # (the rows' width, found once a drawing rather than once a row: finding a widget's region
        # is not free)
        region = self.scrollable_content_region
        self._drawn_width = region.width - self._get_left_gutter_width() if region else 0
        try:
            return super().render_lines(crop)
        finally:
            self._drawn_width = 0
            self._laid_out = False
            self._kept = {}  # (the replaced list's rows: drawn again, or gone from the screen)


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[VisualStyle, VisualStyle]:
    """`StylesCache.get_inner_outer`, Textual's own body, cached by the two colours only."""
    return VisualStyle(background=base_background + background), VisualStyle(background=base_background)


_original_inner_outer = StylesCache.get_inner_outer
_INNER_OUTER = staticmethod(_inner_outer)


def install() -> None:
    """Apply the class patches (idempotent)."""
    if StylesCache.__dict__.get("get_inner_outer") is not _INNER_OUTER:
        StylesCache.get_inner_outer = _INNER_OUTER
    if OptionList._move_page is not _move_page:
        OptionList._move_page = _move_page
    if Screen.dismiss is not _dismiss:
        Screen.dismiss = _dismiss
    if MessagePump._dispatch_message is not _dispatch_message:
        MessagePump._dispatch_message = _dispatch_message
    for name in PALETTE_METHODS:
        method = CommandPalette.__dict__.get(name)
        if method is not None:
            setattr(CommandPalette, name, _closing_quietly(method))
    mount = CommandPalette.__dict__.get("_on_mount")
    if mount is not None:
        CommandPalette._on_mount = _mounting_quietly(mount)
