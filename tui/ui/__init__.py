"""The Textual user interface of reports-tui (imported only when the TUI opens)."""
