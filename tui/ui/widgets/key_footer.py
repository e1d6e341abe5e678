"""The footer drawn as one widget: the screen's keys as one line of text, not a widget per key."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.strip import Strip
from textual.widgets import Footer

from ..compat import footer_ready


@dataclass(frozen=True)
class FooterEntry:
    """One key the footer shows: what it presses, how it reads, where it is drawn (columns)."""

    key: str
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    start: int = 0
    end: int = 0
    palette: bool = False  # the command palette's key (drawn at the right, after a border)


class KeyFooter(Footer):
    """Textual's footer, drawn as one line instead of one widget per key (each styled, laid out and
    rendered: ~45 ms of a first screen's start). Same text and styles (`footer-key--key`,
    `footer-key--description`), the palette's key at the right, dimmed disabled keys; a click
    presses a key, the pointer highlights it and shows its tooltip. Grouped bindings (none of
    reports-tui's) fall back to Textual's widgets."""

    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description", "footer-key--hover",
                         "footer-key--palette-border"}

    DEFAULT_CSS = """
    KeyFooter {
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-key--palette-border {
            color: $foreground 20%;
        }
        &:hover { pointer: pointer; }
    }
    """

    _shown: tuple | None = None
    _entries: tuple[FooterEntry, ...] = ()
    _grouped = False
    _hover: int | None = None

    def _read(self) -> tuple[tuple[FooterEntry, ...], FooterEntry | None, bool]:
        """The keys to show now (one per action, in order), the palette's key, whether any are grouped."""
        if not footer_ready(self) or not self.is_attached:
            return (), None, False
        active = self.screen.active_bindings
        app = self.app
        seen: dict[str, FooterEntry] = {}
        grouped = False
        for _, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            grouped = grouped or binding.group is not None
            seen[binding.action] = FooterEntry(binding.key, app.get_key_display(binding), binding.description,
                                               binding.action, enabled, tooltip)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _tooltip = found
                palette = FooterEntry(binding.key, app.get_key_display(binding), binding.description,
                                      binding.action, enabled, binding.tooltip or binding.description)
        return tuple(seen.values()), palette, grouped

    def compose(self):
        if self._grouped:
            yield from super().compose()

    def bindings_changed(self, screen) -> None:
        """The screen's keys may have changed: the line follows now, so the keys are in the frame drawn
        next (Textual's footer reads them once that frame is drawn, and draws a second one)."""
        super().bindings_changed(screen)  # (and reads them again once the frame is drawn: `recompose`)
        if screen.app.app_focus and self.is_attached and screen is self.screen and not self._grouped:
            entries, palette, grouped = self._read()
            if not grouped:
                self._show((entries, palette, self.compact, grouped))

    def _show(self, shown: tuple) -> bool:
        """Draw these keys (entries, palette's key, compact, grouped) unless they are drawn: whether they
        were new."""
        if shown == self._shown:
            return False
        self._shown = shown
        self._hover = None
        self.refresh()
        return True

    async def recompose(self) -> None:
        """Called by Textual when the bindings may have changed: redraw if the keys shown did."""
        entries, palette, grouped = self._read()
        shown = (entries, palette, self.compact, grouped)
        if shown == self._shown:
            return
        if grouped or self._grouped:
            self._shown = shown
            self._grouped = grouped
            await super().recompose()
            self._shown = None  # (drawn below)
        self._show(shown)

    def _watch_compact(self, compact: bool) -> None:
        self.refresh()

    def _watch_show_command_palette(self, show: bool) -> None:
        self.call_after_refresh(self.recompose)

    def _keys(self, width: int) -> tuple[Text, list[FooterEntry]]:
        """The line and where each key sits in it (the palette's key at the right of `width`)."""
        entries, palette, _grouped = self._shown[:3] if self._shown else ((), None, False)
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hover_style = self.get_component_rich_style("footer-key--hover")
        hovered = self._over(hover_style, "footer-key--key"), self._over(hover_style, "footer-key--description")
        compact = self.compact
        line = Text(no_wrap=True, overflow="crop", end="")
        placed: list[FooterEntry] = []

        def add(entry: FooterEntry, tight: bool) -> None:
            start = len(line)
            index = len(placed)
            key = entry.key_display if tight else f" {entry.key_display} "
            key_look, description_look = hovered if index == self._hover else (key_style, description_style)
            line.append(key, key_look)
            if entry.description:
                line.append(f" {entry.description}" if tight else f"{entry.description} ", description_look)
            if not entry.enabled:
                line.stylize(Style(dim=True), start)
            if index == self._hover:
                line.stylize_before(hover_style, start)
            placed.append(FooterEntry(**{**entry.__dict__, "start": start, "end": len(line)}))

        for entry in entries:
            add(entry, compact)
            if compact:
                line.append(" ")
        if palette is not None:
            tail = Text(no_wrap=True, end="")
            right = 1  # (its padding, or in compact style its margin)
            body_start = len(line)
            add(palette, True)  # (Textual's palette key is drawn compact at every width)
            body = line[body_start:]
            line = line[:body_start]
            place = max(0, width - (1 + len(body) + right))
            if place < len(line):
                line = line[:place]
            line.append(" " * (place - len(line)))
            tail.append("▏", self.get_component_rich_style("footer-key--palette-border"))
            tail.append_text(body)
            tail.append(" " * right)
            offset = place + 1 - body_start
            last = placed[-1]
            placed[-1] = FooterEntry(**{**last.__dict__, "start": last.start + offset, "end": last.end + offset,
                                         "palette": True})
            line.append_text(tail)
        return line, placed

    @property
    def entries(self) -> list[FooterEntry]:
        """The keys drawn now, in order (the palette's last), with the columns each takes."""
        return self._keys(self.size.width)[1]

    def _over(self, hover: Style, component: str) -> Style:
        """A part of a key under the pointer: its style over the hover background (as a hovered key
        widget computes it: a see-through background shows the hover colour)."""
        styles = self.get_component_styles(component)
        background = Color.from_rich_color(hover.bgcolor) + styles.background if hover.bgcolor else None
        look = self.get_component_rich_style(component)
        return look + Style(bgcolor=background.rich_color) if background is not None else look

    def render(self) -> Text:
        return self._keys(self.size.width)[0]

    def render_line(self, y: int) -> Strip:
        # The room between keys as Textual draws its margins and padding: its background, no text
        # colour or style (so the line is cell for cell the one Textual's footer draws).
        strip = super().render_line(y)
        inside = [(e.start - e.palette, e.end) for e in self.entries]
        cuts = sorted({0, strip.cell_length, *(c for span in inside for c in span)})
        pieces = strip.divide(cuts[1:])
        segments: list[Segment] = []
        for start, piece in zip(cuts, pieces):
            if any(a <= start < b for a, b in inside):
                segments.extend(piece)
            else:
                segments.extend(Segment(seg.text, Style(bgcolor=seg.style.bgcolor if seg.style else None))
                                for seg in piece)
        return Strip(segments, strip.cell_length)

    def _at(self, x: int) -> int | None:
        for index, entry in enumerate(self._keys(self.size.width)[1]):
            if entry.start <= x < entry.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._at(event.x)
        if index != self._hover:
            self._hover = index
            placed = self._keys(self.size.width)[1]
            self.tooltip = placed[index].tooltip or None if index is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._at(event.x)
        if index is None:
            return
        entry = self._keys(self.size.width)[1][index]
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
