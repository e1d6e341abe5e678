"""What a reader can open in the report view: links (in the browser), images (with the system viewer) and
tables (whole, on a screen of their own), by a click or by `enter` on the highlighted line; `n`/`N` move
the highlight to the next/previous line that has one. The link under the mouse or on the highlighted line
shows in the view's subtitle.
"""

from __future__ import annotations

from rich.text import Text
from textual import events

from ..rows import Action
from ..tablerows import TableRow


class ReportLinks:
    """The report view's links, images and tables (a mixin of `ReportView`)."""

    # ── links, images and tables ─────────────────────────────────────────────────────────────────

    def actions_on(self, line: int | None) -> tuple[Action, ...]:
        """What can be opened on a source line (links, images, its table)."""
        if line is None or self._huge or self.raw or self.report is None:
            return ()
        rows = self._ensure_hanging()
        return tuple(rows[line - 1].actions) if 1 <= line <= len(rows) else ()

    def _show_target(self) -> None:
        """The subtitle: the link under the mouse or on the highlighted line, else the file name."""
        if self.report is None:
            return
        target = self._hover
        if target is None:
            for a in self.actions_on(self.highlight):
                if a.kind in ("link", "image"):
                    target = a.target
                    break
        self.set_subtitle("→ " + target if target else self.report.source.name)

    def set_subtitle(self, text: str) -> None:
        """Show `text` (never markup) below the view, unless it shows already (Textual draws the whole
        view again on every setting, the same or not)."""
        if text != self._subtitle:
            self._subtitle = text
            self.border_subtitle = Text(text)

    def _action_lines(self) -> list[int]:
        rows = self._ensure_hanging() if not (self._huge or self.raw) else []
        return [no for no, r in enumerate(rows, 1) if r.actions and r.lead]

    def _move_action(self, step: int) -> None:
        lines = self._action_lines()
        if not lines:
            import time

            if time.monotonic() - self._told_none > 2:  # once, not a toast per key press
                self._told_none = time.monotonic()
                self.notify("No links, images or tables in this report.", timeout=2, markup=False)
            return
        here = self.highlight if self.highlight is not None else (self.current_line() or 1) - (1 if step > 0 else 0)
        if step > 0:
            nxt = next((no for no in lines if no > here), lines[0])
        else:
            nxt = next((no for no in reversed(lines) if no < here), lines[-1])
        self.set_highlight(nxt)
        self.scroll_to_line(nxt)

    def action_next_action(self) -> None:
        """Highlight the next line with a link, an image or a table."""
        self._move_action(1)

    def action_prev_action(self) -> None:
        """Highlight the previous line with a link, an image or a table."""
        self._move_action(-1)

    def action_open(self) -> None:
        """Open what the highlighted line holds (its first link or image, or its table); with no
        highlight, the first such line in view is highlighted."""
        line = self.highlight
        if not self.actions_on(line):
            top = self.current_line() or 1
            bottom = self._line_at_row(int(self.scroll_y) + self.size.height - 1)[0] or len(self._starts)
            line = next((no for no in self._action_lines() if top <= no <= bottom), None)
            if line is None:
                return
            self.set_highlight(line)
            return
        self.open_action(self.actions_on(line)[0], line)

    def open_action(self, action: Action, line: int) -> None:
        """Open a link in the browser, an image with the system viewer, or a table on its own screen."""
        if self.report is None:
            return
        if action.kind == "table":
            self.open_table(line)
        elif action.kind == "link":
            from ..mdinline import safe_url

            url = safe_url(action.target)
            if url:
                self.app.open_url(url)
                self.notify(f"Opening {url}", timeout=2, markup=False)
            else:
                self.notify(f"Not a web link: {action.target}", timeout=3, markup=False)
        elif action.kind == "image":
            from .. import opener

            path, what = opener.image_file(self.report, action.target)
            if path is None and what.startswith(("http://", "https://")):
                self.app.open_url(what)
                self.notify(f"Opening {what}", timeout=2, markup=False)
            elif path is None:
                self.notify(what or f"Cannot open {action.target}", severity="warning", timeout=4, markup=False)
            elif opener.launch(path):
                self.notify(f"Opening {what}", timeout=2, markup=False)
            else:
                self.notify(f"No image viewer (xdg-open) to open {what}", severity="warning", timeout=4,
                            markup=False)

    def open_table(self, line: int) -> None:
        """The table holding a source line, whole, on a screen that scrolls both ways."""
        rows = self._ensure_hanging()
        row = rows[line - 1] if 1 <= line <= len(rows) else None
        if not isinstance(row, TableRow):
            return
        pal = self.palette
        self.post_message(self.TableOpened(self, row.table.render_whole(pal.table, pal.table_header),
                                           f"Table at line {row.table.first_line}"))

    def _line_at_event(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        no, row_offset = self._line_at_row(int(self.scroll_y) + offset.y)
        return no if row_offset >= 0 else None

    def on_click(self, event: events.Click) -> None:
        """A click on a link or an image opens it; on a line, highlights it (again, on a table: opens it)."""
        if self.report is None or self._huge or self.raw:
            return
        line = self._line_at_event(event)
        if line is None:
            return
        actions = self.actions_on(line)
        n = event.style.meta.get("action") if event.style else None
        if isinstance(n, int) and 0 <= n < len(actions):
            self.set_highlight(line)
            self.open_action(actions[n], line)
            return
        if line == self.highlight and actions and actions[0].kind == "table":
            self.open_table(line)
            return
        self.set_highlight(line)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Show the target of the link under the mouse."""
        link = event.style.link if event.style else None
        if link != self._hover:
            self._hover = link
            self._show_target()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self._show_target()
