"""Handing the terminal to the user's editor ($VISUAL, $EDITOR, else a common one) and taking it back."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess


def explain_no_editor(screen, event, message: str) -> None:
    """`e` in a browser session (`reports-tui serve`): say why nothing opens, the editor would open on the
    machine running the app; the key goes no further."""
    from ..config import is_served

    if event.key == "e" and is_served():
        event.stop()
        screen.notify(message, severity="warning", timeout=4, markup=False)


def editor_command() -> list[str] | None:
    """$VISUAL, else $EDITOR (split as a shell would: `code --wait`), else the first of sensible-editor,
    nano and vi found; None when there is none."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
        (e for e in ("sensible-editor", "nano", "vi") if shutil.which(e)), None)
    return shlex.split(editor) if editor else None


def run_editor(app, path: str) -> str | None:
    """Open `path` in the editor (`editor_command`), the app suspended until it exits; why it could not,
    or None."""
    command = editor_command()
    if not command:
        return "Set $EDITOR to edit."
    try:
        with app.suspend():
            subprocess.call(command + [path])
    except Exception as exc:  # no terminal to hand over (headless), or the editor is missing
        return f"Cannot run {shlex.join(command)}: {exc}"
    return None
