"""The footer drawn as one widget (KeyFooter): cell for cell Textual's footer, and it acts like it (a click
presses a key, the pointer highlights a key and shows its tooltip, the keys follow the focus)."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from tui.ui.widgets.key_footer import KeyFooter
from uiutil import eventually


class Keys(App):
    """A screen with keys like the main screen's: one with a tooltip, one switched off, one of a focused input."""

    BINDINGS = [Binding("a", "ping", "Ping", tooltip="Ping it"), Binding("b", "off", "Off"),
                Binding("question_mark", "help", "Help"), Binding("q", "quit", "Quit")]
    AUTO_FOCUS = None  # (a focused input takes the printable keys: the footer would hide them)

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer
        self.pings = 0

    def compose(self):
        yield Static("body", id="body")
        yield KeyedInput(id="field")
        yield self.footer(compact=False)

    def check_action(self, action: str, parameters) -> bool | None:
        return None if action == "off" else True  # (None: shown, greyed out)

    def action_ping(self) -> None:
        self.pings += 1


class KeyedInput(Input):
    """An input with a key of its own (shown only while it has the focus)."""

    BINDINGS = [Binding("ctrl+r", "reset", "Reset")]


def cells(app) -> list[tuple]:
    """The footer's line as the screen draws it: (character, colours and attributes) per cell."""
    strip = app.screen._compositor.render_strips()[-1]
    return [(ch, str(seg.style.color), str(seg.style.bgcolor), seg.style.bold, seg.style.dim, seg.style.reverse)
            for seg in strip for ch in seg.text]


def footer_of(app) -> Footer:
    return app.screen.query_one(Footer)


async def drawn(pilot) -> list[tuple[str, object]]:
    await eventually(pilot, lambda: "Quit" in "".join(c[0] for c in cells(pilot.app)))
    for _ in range(3):
        await pilot.pause()
    return cells(pilot.app)


@pytest.mark.parametrize("size", [(60, 10), (120, 10)])
async def test_the_footer_is_drawn_cell_for_cell_as_textuals(size):
    lines = []
    for footer in (Footer, KeyFooter):
        app = Keys(footer)
        async with app.run_test(size=size) as pilot:
            footer_of(app).compact = size[0] < 100
            lines.append(await drawn(pilot))
            await pilot.hover(footer, offset=(9, 0))  # ("b Off", greyed out, in both styles)
            await eventually(pilot, lambda: cells(app) != lines[-1])
            lines.append(cells(app)[:20])
    assert "".join(c[0] for c in lines[2]).rstrip().endswith("^p palette")
    assert lines[2] == lines[0]
    assert lines[3] == lines[1]  # (the key under the pointer)


async def test_a_click_presses_the_key_and_a_greyed_out_key_does_nothing():
    app = Keys(KeyFooter)
    async with app.run_test(size=(120, 10)) as pilot:
        await drawn(pilot)
        entries = {e.description: e for e in footer_of(app).entries}
        assert not entries["Off"].enabled and entries["Ping"].enabled
        line = cells(app)
        greyed, lit = line[entries["Off"].start + 1], line[entries["Ping"].start + 1]
        assert greyed[0] == "b" and lit[0] == "a" and greyed[1] != lit[1]  # (Textual draws dim as a fainter colour)
        await pilot.click(KeyFooter, offset=(entries["Off"].start + 1, 0))
        await pilot.click(KeyFooter, offset=(entries["Ping"].start + 1, 0))
        await eventually(pilot, lambda: app.pings == 1)


async def test_the_pointer_highlights_a_key_and_shows_its_tooltip():
    app = Keys(KeyFooter)
    async with app.run_test(size=(120, 10)) as pilot:
        before = await drawn(pilot)
        footer = footer_of(app)
        ping = next(e for e in footer.entries if e.description == "Ping")
        await pilot.hover(KeyFooter, offset=(ping.start + 1, 0))
        await eventually(pilot, lambda: footer.tooltip == "Ping it")
        await eventually(pilot, lambda: cells(app)[ping.end - 1][2] != before[ping.end - 1][2])
        assert cells(app)[ping.end + 1] == before[ping.end + 1]  # (the next key stays as it was)
        await pilot.hover(Static, offset=(0, 0))
        await eventually(pilot, lambda: footer.tooltip is None and cells(app) == before)


async def test_the_keys_follow_the_focus():
    app = Keys(KeyFooter)
    async with app.run_test(size=(120, 10)) as pilot:
        await drawn(pilot)
        text = lambda: "".join(c[0] for c in cells(app))  # noqa: E731
        assert "Reset" not in text()
        app.query_one(KeyedInput).focus()
        await eventually(pilot, lambda: "Reset" in text())
        assert "Reset" in [e.description for e in footer_of(app).entries]
        app.set_focus(None)
        await eventually(pilot, lambda: "Reset" not in text() and "Ping" in text())
