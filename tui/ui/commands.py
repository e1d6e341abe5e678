"""Command palette providers (ctrl+p): go to week, go to project, compare with…, theme."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from ..model.report import Project, Report


def literal(text: str) -> Content:
    """Report text for the palette: the palette parses plain strings (prompts and help) as markup."""
    return Content(text)


def highlight(matcher: Matcher, text: str) -> Content:
    """`Matcher.highlight` without parsing the candidate as markup (labels may contain `[/]`)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if offset < len(text) and not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _report(app, error: BaseException) -> None:
    """A provider that failed: the error dialog (as for any unexpected error), once the palette is gone."""
    handle = getattr(app, "handle_unexpected", None)
    if handle is not None:
        app.call_later(handle, error, "listing commands in the palette")


def _week_text(r: Report) -> str:
    return f"{r.label}  ({r.week or 'undated'})"


class _ListProvider(Provider):
    """A provider over a fixed list of (prompt, callback, help) rows, matched fuzzily."""

    def _items(self) -> list[tuple[str, object, str]]:
        raise NotImplementedError

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        try:
            items = self._items()
        except Exception as exc:  # (Textual would only log it: the user would see no hits and no reason)
            _report(self.app, exc)
            return
        for text, callback, help_text in items:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), callback, text=text, help=literal(help_text))


class WeeksProvider(_ListProvider):
    """Go to a week, or compare the open week with another one."""

    def _items(self) -> list[tuple[str, object, str]]:
        app = self.app
        items: list[tuple[str, object, str]] = []
        for r in reversed(app.library.reports):
            items.append((f"Go to week {_week_text(r)}", partial(app.open_report, r), r.title))
        main = app.main_screen
        current = getattr(main, "current", None)
        if current is not None:
            for r in reversed(app.library.reports):
                if r is not current:
                    items.append((f"Compare {current.label} with {_week_text(r)}",
                                  partial(main.open_compare, current, r), "side by side, with KPI changes"))
        return items

    async def discover(self) -> Hits:
        try:
            items = self._items()[:20]
        except Exception as exc:
            _report(self.app, exc)
            return
        for text, callback, help_text in items:
            yield DiscoveryHit(literal(text), callback, text=text, help=literal(help_text))



class ProjectsProvider(_ListProvider):
    """Go to a project: its latest report, scrolled to it (or its timeline)."""

    def _items(self) -> list[tuple[str, object, str]]:
        app = self.app
        latest: dict[str, tuple[Report, Project]] = {}
        for r in app.library.reports:
            for p in r.projects:
                latest[p.key] = (r, p)
        items: list[tuple[str, object, str]] = []
        for key, (r, p) in sorted(latest.items()):
            items.append((f"Go to project {p.name}", partial(app.open_report, r, p.line), f"latest: {r.label}"))
            items.append((f"Timeline of project {p.name}", partial(self._timeline, key), "every week's entries"))
        return items

    def _timeline(self, key: str) -> None:
        from .screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.app.workspace, key))



class ThemeProvider(Provider):
    """Switch theme (the choice is remembered in the config file)."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in sorted(self.app.available_themes):
            text = f"Theme: {name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), partial(setattr, self.app, "theme", name), text=text,
                          help="remembered for next time")
