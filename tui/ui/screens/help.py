"""The help screen, generated from the live bindings of the screen it was opened from."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

PANES = {"WeekList": "week list", "SectionTree": "section tree", "ReportView": "report"}


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, where) for every binding that works on a screen, de-duplicated."""
    app = screen.app
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

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
        node = active.node
        where = "app" if node is app else "everywhere" if node is screen else PANES.get(type(node).__name__, "")
        add(active.binding, where)
    for widget in screen.query("WeekList, SectionTree, ReportView"):
        for bindings in widget._bindings.key_to_bindings.values():
            for b in bindings:
                add(b, PANES.get(type(widget).__name__, ""))
    rows.append(("tab / shift+tab", "Next / previous pane", "everywhere"))
    rows.append(("ctrl+p", "Command palette: weeks, projects, compare, theme", "everywhere"))
    # Merge keys that share an action and place (e.g. `?` and `f1`).
    merged: dict[tuple[str, str], list[str]] = {}
    for keys, desc, where in rows:
        merged.setdefault((desc, where), []).append(keys)
    order = {"everywhere": 0, "app": 1, "week list": 2, "section tree": 3, "report": 4}
    out = [(" / ".join(dict.fromkeys(k)), d, w) for (d, w), k in merged.items()]
    out.sort(key=lambda r: order.get(r[2], 9))
    return out


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, with what it does and where."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="close-help"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__(id="help")
        self.rows = binding_rows(screen)

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", padding=(0, 2))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("does")
        table.add_column("where", style="dim", no_wrap=True)
        for keys, desc, where in self.rows:
            table.add_row(Text(keys), Text(desc), Text(where))
        with VerticalScroll(id="help-body"):
            yield Static(Text("reports-tui — keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static(Text("Mouse works everywhere. escape closes this help.", style="dim"), id="help-foot")
