"""Work-arounds for Textual behaviour that crashes the app on input a user can produce.

`OptionList` page up/down before the list has been laid out (the command palette's list, pressed right
after ctrl+p or while its results arrive) looks up a line map that is still empty and raises KeyError,
which ends the app. Moving by a fixed number of options instead is what the user meant.
"""

from __future__ import annotations

from textual.widgets import OptionList

_PAGE = 10
_original_move_page = OptionList._move_page


def _move_page(self: OptionList, direction) -> None:
    try:
        _original_move_page(self, direction)
    except (KeyError, IndexError):
        if not self.option_count:
            return
        current = self.highlighted if self.highlighted is not None else 0
        self.highlighted = max(0, min(self.option_count - 1, current + direction * _PAGE))


def install() -> None:
    """Apply the work-arounds (idempotent)."""
    if OptionList._move_page is not _move_page:
        OptionList._move_page = _move_page
