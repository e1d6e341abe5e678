"""The error dialog: something failed in the background; show what, offer the details to copy, keep going."""

from __future__ import annotations

import platform
import traceback

from rich.text import Text
from textual import __version__ as textual_version
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...model.text import sanitize
from ..keys import bindings


def error_details(error: BaseException | str, where: str = "") -> str:
    """Plain text to paste into a bug report: where, the exception with its traceback, versions."""
    from ... import __version__ as app_version

    if isinstance(error, BaseException):
        body = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    else:
        body = str(error)
    head = f"reports-tui {app_version} · textual {textual_version} · Python {platform.python_version()}"
    return sanitize("\n".join(x for x in (head, where, body.rstrip()) if x)) + "\n"


def error_summary(error: BaseException | str) -> str:
    """One line: the exception's type and message."""
    if isinstance(error, BaseException):
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    else:
        text = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
    return sanitize(text)


class ErrorScreen(ModalScreen[None]):
    """An unexpected error, with the details to copy; closing it returns to where the user was."""

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen #error-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $error; background: $surface; padding: 0 1;
    }
    ErrorScreen #error-title { text-style: bold; color: $text-error; }
    ErrorScreen #error-summary { margin: 1 0 0 0; }
    ErrorScreen #error-hint { color: $text-muted; margin: 0 0 1 0; }
    ErrorScreen #error-scroll { height: auto; max-height: 45vh; border: round $panel; }
    ErrorScreen #error-details { color: $text-muted; width: auto; }
    ErrorScreen #error-buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    ErrorScreen #error-buttons Button { margin: 0 0 0 2; min-width: 10; }
    """

    BINDINGS = bindings("error")

    def __init__(self, error: BaseException | str, where: str = "") -> None:
        super().__init__(id="error")
        self.details = error_details(error, where)
        self.summary = error_summary(error)
        self.where = sanitize(where)
        self.more = 0  # errors that arrived while this dialog was open

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Text("Something went wrong"), id="error-title")
            yield Static(Text(self.summary), id="error-summary")
            yield Static(Text(("while " + self.where + ". " if self.where else "")
                              + "reports-tui keeps running; c copies the details below."), id="error-hint")
            with VerticalScroll(id="error-scroll"):
                yield Static(Text(self.details, no_wrap=True), id="error-details")
            with Horizontal(id="error-buttons"):
                yield Button("Copy details", id="error-copy-button", variant="primary", compact=True)
                yield Button("Close", id="error-close-button", compact=True)

    def on_mount(self) -> None:
        self.query_one("#error-box").border_title = "error"
        self.query_one("#error-close-button", Button).focus()

    def add_error(self, error: BaseException | str, where: str = "") -> None:
        """Another error while this one is shown: append it rather than stack dialogs."""
        self.more += 1
        if self.more < 20:  # (the details of the first twenty; a storm of errors is counted, not kept)
            self.details += "\n" + error_details(error, where)
        self.query_one("#error-details", Static).update(Text(self.details, no_wrap=True))
        self.query_one("#error-title", Static).update(Text(f"Something went wrong ({self.more + 1} errors)"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "error-copy-button":
            self.action_copy()
        else:
            self.action_close()

    def action_copy(self) -> None:
        """Copy the details to the clipboard (OSC 52)."""
        self.app.copy_to_clipboard(self.details)
        self.notify("Error details copied to the clipboard.", timeout=3, markup=False)

    def action_close(self) -> None:
        """Back to where the user was."""
        self.dismiss(None)
