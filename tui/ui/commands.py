"""Command palette providers (ctrl+p): go to week, go to project, compare with…, a team's people, theme."""

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


def _week_text(r: Report, author: bool = False) -> str:
    who = f"{r.author} · " if author and r.author else ""
    return f"{who}{r.label}  ({r.week or 'undated'})"


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
        team = app.workspace.is_team()
        for r in reversed(app.library.reports):
            items.append((f"Go to week {_week_text(r, team)}", partial(app.open_report, r), r.title))
        main = app.main_screen
        current = getattr(main, "current", None)
        if current is not None:
            mine = f"{current.author} · {current.label}" if team and current.author else current.label
            for r in reversed(app.library.reports):
                if r is not current:
                    items.append((f"Compare {mine} with {_week_text(r, team)}",
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



class PeopleProvider(Provider):
    """A team's people: "Only NAME" keeps one person's reports in the week list, "Everyone" all of
    them; "Team week" reads every report of the open week. Names match as written or by pinyin."""

    def _items(self) -> list[tuple[str, str, object, str]]:
        """(text, name matched by pinyin, callback, help) for each command."""
        app = self.app
        workspace = app.workspace
        main = app.main_screen
        if not workspace.is_team() or main is None:
            return []
        from ..index.library import EVERYONE

        items: list[tuple[str, str, object, str]] = []
        for name in sorted(workspace.authors(), key=lambda n: n.casefold()):
            mine = workspace.reports_of(name)
            latest = next((r for r in reversed(mine) if r.week), mine[-1] if mine else None)
            items.append((f"Only {name}", name, partial(main.show_author, name),
                          f"{len(mine)} reports; [ ] walk them" + (f", latest {latest.label}" if latest else "")))
        items.append(("Everyone", "", partial(main.show_author, EVERYONE),
                      f"every report in the week list ({len(workspace.authors())} people)"))
        if getattr(main, "current", None) is not None:
            items.append((f"Team week {main.current.week or main.current.label}", "", main.action_team_week,
                          "every report of the open week, one after another"))
        return items

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        from ..index.search import pinyin

        spoken = pinyin.is_pinyin_query(query)
        for text, name, callback, help_text in self._items():
            score = matcher.match(text)
            shown = highlight(matcher, text)
            if not score and spoken and name:
                found = pinyin.match(query, name)  # `zhangsan`, `zs` find 张三
                if found is not None:
                    score = 0.5 + 0.4 * found.quality
                    start = len(text) - len(name)
                    shown = Content(text).stylize(matcher.match_style, start + found.start, start + found.end)
            if score > 0:
                yield Hit(score, shown, callback, text=text, help=literal(help_text))

    async def discover(self) -> Hits:
        for text, _name, callback, help_text in self._items():
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
