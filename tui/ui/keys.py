"""Key bindings shared by every screen: the binding-id scheme, the help key, and the screen's own
commands (what the help screen lists and the command palette offers), read from the live bindings.

Every binding has an id `SCREEN.ACTION` (`main.search`, `compare.next`, `week-list.down`): the screen
(or pane widget) it belongs to, a dot, and what it does, in kebab-case.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen

from .compat import bindings_of

HELP_KEYS = "question_mark,f1"
"""`?` and F1 open the help for the screen in view (where a text box has focus, `?` types a `?`)."""

MOVES = ("scroll", "move", "cursor", "page")
"""Actions that only move a cursor or scroll: listed in the help, not offered as palette commands."""


def help_binding(screen: str, show: bool = True) -> Binding:
    """The help key of a screen: `?`/F1, id `SCREEN.help`."""
    return Binding(HELP_KEYS, "app.help", "Help", show=show, id=f"{screen}.help")


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
    for bindings in bindings_of(screen).key_to_bindings.values():
        for binding in bindings:
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
    return list(by_action.values())


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
