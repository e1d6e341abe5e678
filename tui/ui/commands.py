"""Command palette providers (ctrl+p): the screen's own keys and the theme everywhere (the app's
COMMANDS); go to week, go to project, compare with…, a team's people where they fit (each screen's
COMMANDS)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from ..model.report import Project, Report
from .keys import is_move, screen_commands


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
    from .messages import Unexpected

    app.post_message(Unexpected(error, "listing commands in the palette"))


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
    """Go to a week (from any screen: back on the main screen, the week open)."""

    SUMMARY = "weeks"

    def _items(self) -> list[tuple[str, object, str]]:
        app = self.app
        team = app.workspace.is_team()
        return [(f"Go to week {_week_text(r, team)}", partial(app.open_report, r), r.title)
                for r in reversed(app.library.reports)]

    async def discover(self) -> Hits:
        if self.screen is not self.app.main_screen:
            return  # over another screen the palette opens on that screen's own commands (weeks: typed)
        try:
            items = self._items()[:20]
        except Exception as exc:
            _report(self.app, exc)
            return
        for text, callback, help_text in items:
            yield DiscoveryHit(literal(text), callback, text=text, help=literal(help_text))



class CompareProvider(_ListProvider):
    """Compare the open week with another one (the main screen's; searched for, not listed at once)."""

    SUMMARY = "compare"

    def _items(self) -> list[tuple[str, object, str]]:
        app = self.app
        main = app.main_screen
        current = main.current if main is not None else None
        if current is None:
            return []
        team = app.workspace.is_team()
        mine = f"{current.author} · {current.label}" if team and current.author else current.label
        return [(f"Compare {mine} with {_week_text(r, team)}", partial(main.open_compare, current, r),
                 "side by side, with KPI changes")
                for r in reversed(app.library.reports) if r is not current]


class PeopleProvider(Provider):
    """A team's people: "Only NAME" keeps one person's reports in the week list, "Everyone" all of
    them; "Team week" reads every report of the open week. Names match as written or by pinyin."""

    SUMMARY = "people"

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
        if main.current is not None:
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

    SUMMARY = "projects"

    def _items(self) -> list[tuple[str, object, str]]:
        app = self.app
        latest: dict[str, tuple[Report, Project]] = {}
        for r in app.library.reports:
            for p in r.projects:
                latest[p.key] = (r, p)
        items: list[tuple[str, object, str]] = []
        for key, (r, p) in sorted(latest.items()):
            items.append((f"Go to project {p.name}", partial(app.open_report, r, p.line), f"latest: {r.label}"))
            items.append((f"Timeline of project {p.name}", partial(app.main_screen.open_timeline, key),
                          "every week's entries"))
        return items



class ScreenKeysProvider(_ListProvider):
    """The actions of the screen the palette was opened on, one command per key of its BINDINGS
    (those the screen allows now; cursor and scroll keys left out)."""

    SUMMARY = "this screen's keys"

    def _items(self) -> list[tuple[str, object, str]]:
        screen = self.screen
        return [(c.description, partial(_run_action, screen, c.binding.action), f"key: {c.keys}")
                for c in screen_commands(screen) if c.enabled and not is_move(c.binding)]

    async def discover(self) -> Hits:
        try:
            items = self._items()
        except Exception as exc:
            _report(self.app, exc)
            return
        for text, callback, help_text in items:
            # Listed first (a discovery hit scores 0, and the palette lists hits by score): the
            # screen's own commands above the rest, whatever order the providers answer in.
            yield Hit(1.0, literal(text), callback, text=text, help=literal(help_text))


async def _run_action(screen, action: str) -> None:
    """Run a screen's action as its key would (nothing once the screen is gone)."""
    if screen.is_attached:
        await screen.run_action(action)


class ThemeProvider(Provider):
    """Switch theme (the choice is remembered in the config file)."""

    SUMMARY = "theme"

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in sorted(self.app.available_themes):
            text = f"Theme: {name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), partial(setattr, self.app, "theme", name), text=text,
                          help="remembered for next time")


def palette_summary(screen) -> str:
    """What the command palette offers on a screen, in words (for the help screen)."""
    app = screen.app
    names = [getattr(p, "SUMMARY", "") for p in (*app.COMMANDS, *screen.COMMANDS)]
    order = ["this screen's keys", "weeks", "compare", "projects", "people", "theme"]
    known = [n for n in order if n in names]
    return ", ".join(known) or "commands"


MAIN_COMMANDS = {WeeksProvider, CompareProvider, ProjectsProvider, PeopleProvider}
"""The main screen's palette: weeks, compare with…, projects, a team's people."""

VIEW_COMMANDS = {WeeksProvider, ProjectsProvider}
"""The palette of a full-screen view over the main one (search, compare, timeline, metrics, team week):
go to a week or a project (back on the main screen), or a project's timeline."""
