"""Command palette providers (ctrl+p): the screen's own keys and the theme everywhere (the app's
COMMANDS); go to week, go to project, compare with…, a team's people where they fit (each screen's
COMMANDS)."""

from __future__ import annotations

from datetime import date
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from ..index.formats import counted
from ..model.report import Project, Report
from ..model.weeks import parse_iso_week
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


EXACT_WEEK = 1000.0  # the score of a week whose ISO week or label is what was typed: above any fuzzy score
NEAR_WEEK = 500.0   # … and, when an ISO week was typed, of the others, less one per week away …
NEAR_WEEKS = 26     # … up to this many weeks away


def week_score(query: str, report: Report, fuzzy: float) -> float:
    """A week's rank for what was typed: first the week whose ISO week or label it is (`2024-W12`,
    `2024w12`, `第53周`); when an ISO week was typed, then the weeks around it, nearest first (not
    whichever shares the most characters: 2024-W19 for 2024-W12), matched or not; else `fuzzy`."""
    typed = query.strip().casefold()
    if typed and typed in (report.label.casefold(), (report.week or "").casefold()):
        return EXACT_WEEK + fuzzy / 100
    target = parse_iso_week(query)
    mine = parse_iso_week(report.week) if target and report.week else None
    if mine is None:
        return fuzzy
    away = abs((date.fromisocalendar(*mine, 1) - date.fromisocalendar(*target, 1)).days) // 7
    if away == 0:
        return EXACT_WEEK + fuzzy / 100
    return NEAR_WEEK - away + fuzzy / 100 if away <= NEAR_WEEKS else fuzzy


class _ListProvider(Provider):
    """A provider over a fixed list of (prompt, callback, help) rows, matched fuzzily; rows about a
    report (a fourth element) rank an exact week first (`week_score`)."""

    WEEK_RANK = 0.0  # added to a week-ranked row's score (a provider whose rows come after equal weeks' others)

    def _items(self) -> list[tuple]:
        raise NotImplementedError

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        try:
            items = self._items()
        except Exception as exc:  # (Textual would only log it: the user would see no hits and no reason)
            _report(self.app, exc)
            return
        for text, callback, help_text, *report in items:
            score = matcher.match(text)
            if report and (ranked := week_score(query, report[0], score)) != score:
                score = ranked + self.WEEK_RANK
            if score > 0:
                yield Hit(score, highlight(matcher, text), callback, text=text, help=literal(help_text))


class WeeksProvider(_ListProvider):
    """Go to a week (from any screen: back on the main screen, the week open)."""

    SUMMARY = "weeks"

    def _items(self) -> list[tuple[str, object, str, Report]]:
        app = self.app
        team = app.workspace.is_team()
        return [(f"Go to week {_week_text(r, team)}", partial(app.open_report, r), r.title, r)
                for r in reversed(app.library.reports)]

    async def discover(self) -> Hits:
        if self.screen is not self.app.main_screen:
            return  # over another screen the palette opens on that screen's own commands (weeks: typed)
        try:
            items = self._items()[:20]
        except Exception as exc:
            _report(self.app, exc)
            return
        for text, callback, help_text, _week in items:
            yield DiscoveryHit(literal(text), callback, text=text, help=literal(help_text))


class CompareProvider(_ListProvider):
    """Compare the open week with another one (the main screen's; searched for, not listed at once)."""

    SUMMARY = "compare"
    WEEK_RANK = -0.5  # a typed week: "Go to week" first, then "Compare … with" it

    def _items(self) -> list[tuple[str, object, str, Report]]:
        app = self.app
        main = app.main_screen
        current = main.current if main is not None else None
        if current is None:
            return []
        team = app.workspace.is_team()
        mine = f"{current.author} · {current.label}" if team and current.author else current.label
        return [(f"Compare {mine} with {_week_text(r, team)}", partial(main.open_compare, current, r),
                 "side by side, with KPI changes", r)
                for r in reversed(app.library.reports) if r is not current]


class PeopleProvider(Provider):
    """A team's people: "Only NAME" keeps one person's reports in the week list, "Everyone" all of
    them; "Team week" reads every report of the open week ("… by project": rolled up), "Roster
    heat-map" shows who filed week by week. A person is found by the rule `--author` and `by:` follow
    (`index.authors.AuthorNames`): as written, a spelling, a part, pinyin, a typo."""

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
                          f"{counted(len(mine), 'report')}; [ ] walk them" + (f", latest {latest.label}" if latest else "")))
        items.append(("Everyone", "", partial(main.show_author, EVERYONE),
                      f"every report in the week list ({len(workspace.authors())} people)"))
        if main.current is not None:
            week = main.current.week or main.current.label
            items.append((f"Team week {week}", "", main.action_team_week,
                          "every report of the open week, one after another"))
            if main.current.week:
                items.append((f"Team week {week} by project", "", partial(main.action_team_week, True),
                              "the week rolled up by project: new, done, stalled, dropped; KPI moves"))
        items.append(("Roster heat-map", "", main.action_roster,
                      "who filed, week by week: people × the last 12 weeks"))
        return items

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        try:
            items = self._items()
            # The one rule by which a person is named (`--author`, `by:`): a name, a spelling (the config's,
            # the person's folder), a part of one, its pinyin or initials, a typo.
            named = set(self.app.workspace.author_names().matches(query)) if items and len(query.strip()) >= 2 else set()
        except Exception as exc:  # (Textual would only log it: the user would see no hits and no reason)
            _report(self.app, exc)
            return
        for text, name, callback, help_text in items:
            score = matcher.match(text)
            shown = highlight(matcher, text)
            if name in named:
                # as high as if the name were written the way it was typed (a week row holding it scores so)
                score = max(score, matcher.match(f"Only {query.strip()}"))
                if not any(s.style for s in shown.spans):
                    start = len(text) - len(name)
                    shown = Content(text).stylize(matcher.match_style, start, len(text))
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
