"""The help screen, generated from the live bindings of the screen it was opened from."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..compat import bindings_in_force
from ..keys import bindings, screen_commands

PANES = {"WeekList": "week list", "SectionTree": "section tree", "ReportView": "report"}


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, where) for every binding that works on a screen: the screen's own keys
    (its BINDINGS, as the screen allows them now), the app's, then its panes' (week list, section
    tree, report view); keys that share an action and place are merged."""
    app = screen.app
    rows: list[tuple[str, str, str]] = [(c.keys, c.description, "everywhere") for c in screen_commands(screen)]
    seen: set[tuple[str, str, str]] = set()

    def add(binding: Binding, where: str) -> None:
        if not binding.description or binding.action.startswith("app.focus") or "command_palette" in binding.action:
            return
        keys = app.get_key_display(binding)
        key = (binding.action, where, keys)
        if key in seen:
            return
        seen.add(key)
        rows.append((keys, binding.tooltip or binding.description, where))

    for _key, active in screen.active_bindings.items():
        if active.node is app:
            add(active.binding, "app")
    for widget in screen.query("WeekList, SectionTree, ReportView"):
        for key_bindings in bindings_in_force(widget).key_to_bindings.values():
            for b in key_bindings:
                add(b, PANES.get(type(widget).__name__, ""))
    rows.append(("tab / shift+tab", "Next / previous pane", "everywhere"))
    from ..commands import palette_summary

    palette = [app.get_key_display(b) for _, b in bindings_in_force(app) if "command_palette" in b.action]
    rows.append((" / ".join(dict.fromkeys(palette)) or "ctrl+p", f"Command palette: {palette_summary(screen)}",
                 "everywhere"))
    # Merge keys that share an action and place (e.g. `q` and `ctrl+c`).
    merged: dict[tuple[str, str], list[str]] = {}
    for keys, desc, where in rows:
        merged.setdefault((desc, where), []).append(keys)
    order = {"everywhere": 0, "app": 1, "week list": 2, "section tree": 3, "report": 4}
    out = [(" / ".join(dict.fromkeys(k)), d, w) for (d, w), k in merged.items()]
    out.sort(key=lambda r: order.get(r[2], 9))
    return out


def screen_name(screen: Screen) -> str:
    """The name a screen's binding ids start with (`compare` for `compare.next`), or its class name."""
    for key_bindings in bindings_in_force(screen).key_to_bindings.values():
        for b in key_bindings:
            if b.id and "." in b.id:
                return b.id.split(".", 1)[0].replace("-", " ")
    return type(screen).__name__


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, with what it does and where."""

    BINDINGS = bindings("help")

    def __init__(self, screen: Screen) -> None:
        super().__init__(id="help")
        self.rows = binding_rows(screen)
        self.name_of = screen_name(screen)

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", padding=(0, 2))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("does")
        table.add_column("where", style="dim", no_wrap=True)
        for keys, desc, where in self.rows:
            table.add_row(Text(keys), Text(desc), Text(where))
        with VerticalScroll(id="help-body"):
            yield Static(Text(f"reports-tui — keys of the {self.name_of} screen", style="bold"),
                         id="help-title")
            yield Static(table, id="help-table")
            yield Static(Text("Mouse works everywhere. escape closes this help.", style="dim"), id="help-foot")
