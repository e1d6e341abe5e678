"""Every key binding of the app as plain data, and the user's `[keymap]`: checked, with its clashes.

The screens build their Textual bindings from `BINDINGS`, and `reports-tui keys`, the README's key
table and the man page read the same table, without importing Textual. A binding's id is
`SCOPE.ACTION` (`main.search`, `compare.next`, `week-list.down`): the screen or pane it belongs to, a
dot, and what it does. The settings file rebinds keys by id:

```toml
[keymap]
"main.search" = "ctrl+f"        # a key as Textual names it, or the character itself
"main.compare" = "C"
"compare.down" = "j,down,ctrl+n"  # several keys, comma-separated
```

Key names follow Textual (`slash` is `/`, `left_square_bracket` is `[`; a single character may be
written as itself). The rules that turn a character into its name and back mirror `textual.keys`; a
UI test holds them to Textual's.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, Iterable


@dataclass(frozen=True)
class KeyBinding:
    """One key binding: its id, default keys (Textual names, comma-separated), the action it runs and
    what it does (`description` in the footer, `tooltip` the longer words where there are)."""

    id: str
    key: str
    action: str
    description: str
    show: bool = True
    tooltip: str = ""

    @property
    def scope(self) -> str:
        """The screen or pane the binding belongs to (`main` for `main.search`)."""
        return self.id.split(".", 1)[0]

    @property
    def help(self) -> str:
        """What the binding does, in the longest words there are."""
        return self.tooltip or self.description


HELP_KEYS = "question_mark,f1"
"""`?` and F1 open the help of the screen in view (where a text box has focus, `?` types a `?`)."""


def _help(scope: str, show: bool = True) -> KeyBinding:
    return KeyBinding(f"{scope}.help", HELP_KEYS, "app.help", "Help", show=show)


BINDINGS: tuple[KeyBinding, ...] = (
    # The app: everywhere but over a dialog. ctrl+c quits too (where no text box takes it to copy):
    # what terminal users press to stop a program.
    KeyBinding("app.quit", "q", "quit", "Quit"),
    KeyBinding("app.quit-ctrl-c", "ctrl+c", "quit", "Quit", show=False),
    KeyBinding("app.palette", "ctrl+p", "command_palette", "palette", show=False, tooltip="Command palette"),
    # The main screen and its panes.
    KeyBinding("main.search", "slash", "search", "Search"),
    KeyBinding("main.prev-week", "left_square_bracket", "prev_week", "Prev", tooltip="Prev week"),
    KeyBinding("main.next-week", "right_square_bracket", "next_week", "Next", tooltip="Next week"),
    KeyBinding("main.compare", "c", "compare", "Compare"),
    KeyBinding("main.mark", "space", "mark", "Mark week", show=False),
    KeyBinding("main.timeline", "t", "timeline", "Timeline", show=False),
    KeyBinding("main.metrics", "m", "metrics", "Metrics"),
    KeyBinding("main.raw", "r", "raw", "Raw"),
    KeyBinding("main.kpis", "p", "toggle_kpis", "KPIs", tooltip="KPI panel: full, one line or hidden"),
    KeyBinding("main.only-author", "a", "only_author", "Only", show=False,
               tooltip="Only this person's reports (again: everyone's)"),
    KeyBinding("main.team-week", "w", "team_week", "Team", tooltip="The whole team's week: every report of this week"),
    KeyBinding("main.next-unread", "u", "next_unread", "Unread", show=False, tooltip="The next report not read yet"),
    KeyBinding("main.toggle-read", "U", "toggle_read", "Read/unread", show=False,
               tooltip="Mark the open report read (or unread again)"),
    KeyBinding("main.edit", "e", "edit", "Edit", show=False),
    KeyBinding("main.copy", "y", "copy", "Copy section", show=False),
    KeyBinding("main.draft", "d", "draft", "Draft", show=False, tooltip="Draft the next report"),
    KeyBinding("main.back", "escape", "back", "Back", show=False),
    _help("main"),
    KeyBinding("week-list.cursor-down", "down", "cursor_down", "Down", show=False),
    KeyBinding("week-list.cursor-up", "up", "cursor_up", "Up", show=False),
    KeyBinding("week-list.down", "j", "cursor_down", "Down", show=False),
    KeyBinding("week-list.up", "k", "cursor_up", "Up", show=False),
    KeyBinding("week-list.first", "home", "first", "First", show=False),
    KeyBinding("week-list.last", "end", "last", "Last", show=False),
    KeyBinding("week-list.page-up", "pageup", "page_up", "Page up", show=False),
    KeyBinding("week-list.page-down", "pagedown", "page_down", "Page down", show=False),
    KeyBinding("week-list.select", "enter", "select", "Open week", show=False),
    KeyBinding("section-tree.down", "j", "cursor_down", "Down", show=False),
    KeyBinding("section-tree.up", "k", "cursor_up", "Up", show=False),
    KeyBinding("report-view.down", "j", "scroll_down", "Down", show=False),
    KeyBinding("report-view.up", "k", "scroll_up", "Up", show=False),
    KeyBinding("report-view.page-down", "space", "page_down", "Page down", show=False),
    KeyBinding("report-view.open", "enter", "open", "Open link", show=False),
    KeyBinding("report-view.next-link", "n", "next_action", "Next link", show=False),
    KeyBinding("report-view.previous-link", "N", "prev_action", "Previous link", show=False),
    # Search.
    KeyBinding("search.back", "escape", "back", "Back"),
    KeyBinding("search.open", "enter", "open", "Open"),
    KeyBinding("search.timeline", "t", "timeline", "Timeline"),
    KeyBinding("search.timeline-ctrl", "ctrl+t", "timeline", "Timeline", show=False),
    KeyBinding("search.results", "down", "results", "Results", show=False),
    KeyBinding("search.query", "ctrl+f", "focus_query", "Query", show=False),
    _help("search"),
    # Compare.
    KeyBinding("compare.back", "escape", "back", "Back"),
    KeyBinding("compare.next", "n", "next_change", "Next change"),
    KeyBinding("compare.previous", "N", "previous_change", "Prev change"),
    KeyBinding("compare.unchanged", "u", "toggle_unchanged", "Hide unchanged"),
    KeyBinding("compare.swap", "s", "swap", "Swap sides"),
    KeyBinding("compare.down", "j,down", "scroll(1)", "Down", show=False),
    KeyBinding("compare.up", "k,up", "scroll(-1)", "Up", show=False),
    _help("compare"),
    # Timeline.
    KeyBinding("timeline.back", "escape", "back", "Back"),
    KeyBinding("timeline.open", "enter", "open", "Open week"),
    _help("timeline"),
    # Metrics.
    KeyBinding("metrics.back", "escape,m,q", "back", "Back"),
    KeyBinding("metrics.overlay", "a", "overlay", "All authors",
               tooltip="Every author's line on each chart (again: the open report's author only)"),
    KeyBinding("metrics.down", "j", "scroll_down", "Down", show=False),
    KeyBinding("metrics.up", "k", "scroll_up", "Up", show=False),
    _help("metrics"),
    # A team's week.
    KeyBinding("team-week.back", "escape", "back", "Back"),
    KeyBinding("team-week.prev", "left_square_bracket", "step(-1)", "Prev week"),
    KeyBinding("team-week.next", "right_square_bracket", "step(1)", "Next week"),
    KeyBinding("team-week.by-project", "p", "by_project", "By project",
               tooltip="By author / by project: the week rolled up by project, each line marked with its change"),
    KeyBinding("team-week.roster", "h", "roster", "Heat-map", tooltip="Who filed, week by week: people × the last 12 weeks"),
    KeyBinding("team-week.open", "o", "open", "Open", tooltip="Open the report in view on the main screen"),
    _help("team-week"),
    # Next week's draft.
    KeyBinding("draft.back", "escape", "back", "Back"),
    KeyBinding("draft.copy", "y", "copy", "Copy draft", tooltip="Copy the whole draft (Markdown)"),
    KeyBinding("draft.edit", "e", "edit", "Edit", tooltip="Edit the draft in $EDITOR (a temporary file)"),
    KeyBinding("draft.down", "j,down", "scroll(1)", "Down", show=False),
    KeyBinding("draft.up", "k,up", "scroll(-1)", "Up", show=False),
    _help("draft"),
    # The roster heat-map.
    KeyBinding("roster.back", "escape", "back", "Back"),
    KeyBinding("roster.earlier", "left_square_bracket", "shift(-1)", "Earlier", tooltip="The 12 weeks one week earlier"),
    KeyBinding("roster.later", "right_square_bracket", "shift(1)", "Later", tooltip="The 12 weeks one week later"),
    _help("roster"),
    KeyBinding("roster-grid.open", "enter", "select_cursor", "Open report", tooltip="Open the report of the cell"),
    # Dialogs.
    KeyBinding("week-picker.cancel", "escape", "cancel", "Cancel"),
    KeyBinding("week-picker.down", "down", "move(1)", "Down", show=False),
    KeyBinding("week-picker.up", "up", "move(-1)", "Up", show=False),
    _help("week-picker", show=False),
    KeyBinding("table.close", "escape,q,enter", "close", "Close"),
    KeyBinding("table.left", "h,left", "scroll('left')", "Left", show=False),
    KeyBinding("table.right", "l,right", "scroll('right')", "Right", show=False),
    KeyBinding("table.down", "j", "scroll('down')", "Down", show=False),
    KeyBinding("table.up", "k", "scroll('up')", "Up", show=False),
    _help("table"),
    KeyBinding("error.close", "escape,enter,q", "close", "Close"),
    KeyBinding("error.copy", "c,y", "copy", "Copy details"),
    _help("error", show=False),
    KeyBinding("help.close", "escape,q,question_mark,f1", "dismiss", "Close"),
)
"""Every binding, in the order the footer and the help list them."""

PANES = {"week-list": "main", "section-tree": "main", "report-view": "main", "roster-grid": "roster"}
"""Scopes that are panes of a screen: their keys act while the pane has focus, beside the screen's."""

DIALOGS = frozenset({"week-picker", "table", "error", "help"})
"""Scopes that are dialogs: the app's keys do not reach past them."""

BY_ID: dict[str, KeyBinding] = {b.id: b for b in BINDINGS}


def bindings_of(scope: str) -> list[KeyBinding]:
    """The bindings of one screen or pane, in order."""
    return [b for b in BINDINGS if b.scope == scope]


# ── key names (as `textual.keys` writes them) ────────────────────────────────────────────────────

_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                 "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
_NAMED = frozenset({"escape", "enter", "return", "tab", "space", "backspace", "delete", "insert", "home", "end",
                    "pageup", "pagedown", "up", "down", "left", "right", "newline"}
                   | {f"f{n}" for n in range(1, 25)})
"""Keys that are not characters (a UI test checks them against `textual.keys.Keys`)."""
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def character_key(char: str) -> str:
    """The name of the key that types one character (`/` → `slash`, `?` → `question_mark`, `a` → `a`)."""
    if char.isalnum():
        return char
    if char == "\t":
        return "tab"
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return _REPLACEMENTS.get(name, name)


_CHARACTERS = {character_key(c): c for c in string.punctuation + " "}


def key_character(key: str) -> str | None:
    """The character a key name types (`slash` → `/`), or None for a key that types none (`f1`, `ctrl+f`)."""
    if "+" in key.rstrip("+") or key in _NAMED:
        return None
    if len(key) == 1:
        return key
    if key in _CHARACTERS:
        return _CHARACTERS[key]
    try:
        char = unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return None
    return char if character_key(char) == key else None


_ALIASES = {"esc": "escape", "return": "enter", "pgup": "pageup", "pgdn": "pagedown", "del": "delete"}


def normalize_key(key: str) -> str:
    """One key as Textual names it: a character as its name (`/` → `slash`), modifiers and named keys
    in lower case (`Ctrl+F` → `ctrl+f`, `Esc` → `escape`)."""
    key = key.strip()
    if len(key) == 1:
        return character_key(key)
    parts = key.split("+")
    if parts[-1] == "" and len(parts) > 1:  # `ctrl++`
        parts = parts[:-2] + ["+"]
    *mods, base = parts
    mods = [m.strip().lower() for m in mods]
    base = base.strip()
    if len(base) == 1:
        base = base.lower() if mods and base.isalpha() else character_key(base)
    elif base.lower() in _NAMED or base.lower() in _ALIASES:
        base = _ALIASES.get(base.lower(), base.lower())
    return "+".join([*mods, base])


def key_problem(key: str) -> str | None:
    """Why a (normalized) key name is no key a terminal sends, or None when it is one."""
    if not key:
        return "an empty key"
    *mods, base = key.split("+")
    bad = [m for m in mods if m not in MODIFIERS]
    if bad:
        return f"{bad[0]!r} is not a modifier ({', '.join(MODIFIERS)})"
    if base in _NAMED or len(base) == 1 or key_character(base) is not None:
        return None
    return f"{base!r} is not a key name"


def display_key(key: str) -> str:
    """A key as the keymap may write it: the character for a character key (`/`, `[`), else its name."""
    *mods, base = key.split("+")
    char = key_character(base)
    if char is not None and char not in ", \t":
        base = char
    return "+".join([*mods, base])


def display_keys(keys: str) -> str:
    """Several keys (`question_mark,f1`) as the keymap may write them (`?,f1`)."""
    return ",".join(display_key(k) for k in keys.split(","))


# ── the user's keymap ────────────────────────────────────────────────────────────────────────────

def _flatten(table: dict, prefix: str = "") -> Iterable[tuple[str, Any]]:
    # An unquoted `main.search = "x"` is a nested table in TOML: read it as the id it spells.
    for name, value in table.items():
        path = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield path, value


class Keymap:
    """The keys in effect: the defaults, overridden by the settings' `[keymap]` where it is valid, and
    what is wrong with it (unknown ids, values that are no keys, clashes), one message each."""

    def __init__(self, table: Any = None) -> None:
        self.overrides: dict[str, str] = {}
        self.problems: list[str] = []
        if table is None:
            return
        if not isinstance(table, dict):
            self.problems.append('keymap: [keymap] must be a table of "binding.id" = "key" lines')
            return
        for binding_id, value in _flatten(table):
            self._add(binding_id, value)
        self.problems.extend(self.clashes())

    @classmethod
    def from_settings(cls, data: dict[str, Any]) -> Keymap:
        """The keymap of a settings file's data (its `[keymap]` table)."""
        return cls(data.get("keymap"))

    def _add(self, binding_id: str, value: Any) -> None:
        if binding_id not in BY_ID:
            near = get_close_matches(binding_id, list(BY_ID), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]}?)" if near else ""
            self.problems.append(f"keymap: no key binding has the id {binding_id!r}{hint}; "
                                 "`reports-tui keys` lists them")
            return
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f'keymap: {binding_id} needs a key in quotes, like "ctrl+f" (not {value!r})')
            return
        keys = [normalize_key(k) for k in value.split(",")]
        for key in keys:
            problem = key_problem(key)
            if problem:
                self.problems.append(f"keymap: {binding_id} = {value!r}: {problem}; "
                                     'keys look like "/", "ctrl+f", "f5", "escape" (several: "j,down")')
                return
        self.overrides[binding_id] = ",".join(dict.fromkeys(keys))

    def keys(self, binding_id: str) -> str:
        """The keys of a binding in effect (Textual names, comma-separated)."""
        return self.overrides.get(binding_id) or BY_ID[binding_id].key

    def key_set(self, *binding_ids: str) -> frozenset[str]:
        """Every key in effect of some bindings."""
        return frozenset(k for i in binding_ids for k in self.keys(i).split(","))

    def clashes(self) -> list[str]:
        """A key the keymap gives to two bindings that act together (one screen, its panes, the app)
        where the defaults did not: one message naming the key, the ids and the screen."""
        out: list[str] = []
        seen: set[tuple[str, frozenset[str]]] = set()
        for screen in sorted({b.scope for b in BINDINGS if b.scope not in PANES and b.scope != "app"}):
            together = [b for b in BINDINGS if b.scope == screen or PANES.get(b.scope) == screen
                        or (b.scope == "app" and screen not in DIALOGS)]
            defaults = _holders(together, lambda i: BY_ID[i].key)
            for key, ids in _holders(together, self.keys).items():
                if len(ids) < 2 or ids <= defaults.get(key, set()) or (key, frozenset(ids)) in seen:
                    continue
                seen.add((key, frozenset(ids)))
                names = sorted(ids)
                holders = f"both {names[0]} and {names[1]}" if len(names) == 2 else \
                    f"{', '.join(names[:-1])} and {names[-1]}"
                out.append(f"keymap: {display_key(key)!r} is bound to {holders} on the {screen} screen")
        return out


def _holders(bindings: list[KeyBinding], keys_of) -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = {}
    for b in bindings:
        for key in keys_of(b.id).split(","):
            by_key.setdefault(key, set()).add(b.id)
    return by_key
