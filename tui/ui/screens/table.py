"""A whole Markdown table on a screen of its own, scrollable both ways (the report view cuts cells to fit)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ..keys import bindings


class TableScreen(ModalScreen[None]):
    """One table at its natural width; arrows scroll, escape closes."""

    DEFAULT_CSS = """
    TableScreen { align: center middle; }
    TableScreen #table-box { width: 95%; height: 90%; overflow: auto auto; border: round $primary;
                             background: $surface; padding: 0 1; }
    TableScreen #table-body { width: auto; height: auto; }
    """

    BINDINGS = bindings("table")

    def __init__(self, table: Text, title: str = "Table") -> None:
        super().__init__()
        self.table = table
        self.title_text = title

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="table-box"):
            yield Static(self.table, id="table-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#table-box")
        box.border_title = Text(self.title_text)
        body = self.query_one("#table-body", Static)
        # Its natural width, whatever the screen's: the box scrolls sideways to show the rest.
        body.styles.width = max((line.cell_len for line in self.table.split("\n")), default=1)
        body.styles.height = len(self.table.plain.split("\n"))
        box.focus()

    def action_scroll(self, direction: str) -> None:
        """Scroll the table."""
        box = self.query_one("#table-box", ScrollableContainer)
        dx, dy = {"left": (-8, 0), "right": (8, 0), "up": (0, -1), "down": (0, 1)}[direction]
        box.scroll_relative(dx, dy, animate=False)

    def action_close(self) -> None:
        """Back to the report."""
        self.dismiss(None)
