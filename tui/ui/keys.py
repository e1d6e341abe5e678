"""Key bindings shared by every screen: Textual bindings made from the table in `tui.keymap`, the
help key, and the screen's own commands (what the help screen lists and the command palette offers),
read from the live bindings with the user's keymap applied.

Every binding has an id `SCREEN.ACTION` (`main.search`, `compare.next`, `week-list.down`): the screen
(or pane widget) it belongs to, a dot, and what it does, in kebab-case.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen

from ..keymap import BY_ID, HELP_KEYS, bindings_of
from .compat import bindings_in_force

MOVES = ("scroll", "move", "cursor", "page")
"""Actions that only move a cursor or scroll: listed in the help, not offered as palette commands."""


def bindings(scope: str) -> list[Binding]:
    """The Textual bindings of a screen or pane (`main`, `week-list`), from the table in `tui.keymap`."""
    return [Binding(b.key, b.action, b.description, show=b.show, tooltip=b.tooltip, id=b.id)
            for b in bindings_of(scope)]


def help_binding(screen: str, show: bool = True) -> Binding:
    """The help key of a screen: `?`/F1, id `SCREEN.help` (the table's, where it has one)."""
    known = BY_ID.get(f"{screen}.help")
    if known is not None:
        return bindings(screen)[bindings_of(screen).index(known)]
    return Binding(HELP_KEYS, "app.help", "Help", show=show, id=f"{screen}.help")


def narrow_footer(screen: Screen, width: int) -> None:
    """A screen's footer at `width` columns: compact below 110 (every key's name still fits at 80), the
    palette's key shown from 90 (as on the main screen)."""
    from textual.widgets import Footer

    for footer in screen.query(Footer):
        footer.compact = width < 110
        footer.show_command_palette = width >= 90


@dataclass(frozen=True)
class ScreenCommand:
    """One action of a screen reachable by a key: what it does, its keys, the binding behind it."""

    description: str
    keys: str
    binding: Binding
    enabled: bool = True  # False: shown dimmed now (e.g. while the comparison is computed)


def screen_commands(screen: Screen) -> list[ScreenCommand]:
    """The actions a screen's own BINDINGS bind (not its panes', the app's or Textual's) that work
    there now, in their order; keys that share an action are merged (`?` / `f1`)."""
    app = screen.app
    own = own_binding_ids(type(screen))
    by_action: dict[str, ScreenCommand] = {}
    for key_bindings in bindings_in_force(screen).key_to_bindings.values():
        for binding in key_bindings:
            if not binding.description or binding.id not in own:
                continue
            allowed = _allowed(screen, binding)
            if allowed is False:
                continue
            keys = app.get_key_display(binding)
            known = by_action.get(binding.action)
            if known is None:
                by_action[binding.action] = ScreenCommand(binding.tooltip or binding.description, keys, binding,
                                                          allowed is not None)
            elif keys not in known.keys.split(" / "):
                by_action[binding.action] = ScreenCommand(known.description, f"{known.keys} / {keys}",
                                                          known.binding, known.enabled)
    # (in the table's order: Textual moves a key the keymap changed to the end of its map)
    order = {binding_id: n for n, binding_id in enumerate(BY_ID)}
    return sorted(by_action.values(), key=lambda c: order.get(c.binding.id, len(order)))


def own_binding_ids(cls: type) -> set[str]:
    """The ids of the bindings a screen class declares (and its reports-tui bases), not Textual's
    own (focus moves, copying selected text)."""
    return {b.id for klass in cls.__mro__ if klass.__module__.startswith("tui.")
            for b in klass.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id}


def is_move(binding: Binding) -> bool:
    """Whether a binding only moves a cursor or scrolls (no use as a palette command)."""
    name = binding.action.split(".")[-1]
    return name.startswith(MOVES)


def _allowed(screen: Screen, binding: Binding) -> bool | None:
    """The screen's `check_action` for a binding (False: not offered here, e.g. `e` in a browser)."""
    action = binding.action
    if action.startswith("app."):
        return True
    name, _, params = action.partition("(")
    try:
        return screen.check_action(name, ())
    except Exception:  # (a check that needs state the screen does not have yet)
        return None
