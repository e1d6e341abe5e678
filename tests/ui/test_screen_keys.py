"""The same keys on every screen: one binding-id scheme, `?`/F1 help listing the screen's own keys,
a command palette that offers the screen's actions and only what fits there, and the compare and
timeline screens computed off the UI thread (a spinner meanwhile, escape leaves at once)."""

from __future__ import annotations

import re
import threading

import pytest
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandPalette
from textual.geometry import Region
from textual.widgets import DataTable, Input, LoadingIndicator, OptionList

from testpaths import DATA
from tui.index.load import load_library
from tui.model.vocab import Vocabulary
from tui.ui.screens.compare import CompareScreen, DiffRow
from tui.ui.screens.error import ErrorScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.metrics import MetricsScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.screens.table import TableScreen
from tui.ui.screens.team_week import TeamWeekScreen
from tui.ui.screens.timeline import TimelineScreen
from tui.ui.screens.week_picker import WeekPickerModal
from uiutil import classes_with_bindings, eventually, in_turn, make_app, ready, settled

ID = re.compile(r"^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z0-9]+)*$")


def test_every_binding_id_is_screen_dot_action():
    """A keymap names a key by its id: every binding has one, `SCREEN.ACTION`, one prefix per class, and
    no two bindings share an id."""
    seen: dict[str, str] = {}
    classes = classes_with_bindings()
    assert len(classes) >= 12
    for cls in classes:
        prefixes = set()
        for b in cls.__dict__["BINDINGS"]:
            assert isinstance(b, Binding), cls
            assert b.id and ID.match(b.id), (cls.__name__, b.key, b.id)
            assert b.id not in seen, (b.id, cls.__name__, seen.get(b.id))
            seen[b.id] = cls.__name__
            prefixes.add(b.id.split(".")[0])
        assert len(prefixes) == 1, (cls.__name__, prefixes)
    assert {"main.search", "main.prev-week", "compare.next", "search.back", "app.quit"} <= set(seen)


@pytest.fixture(scope="module")
def team_library():
    return load_library([str(DATA / "team" / "notion")], vocab=Vocabulary())


def shown(widget) -> str:
    """The text a widget shows on screen."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)


def help_descriptions(app) -> set[str]:
    assert isinstance(app.screen, HelpScreen)
    return {d for _, d, _ in app.screen.rows}


async def open_screen(pilot, name: str):
    """Open one screen over the main one, as a user would where a key does it."""
    app = pilot.app
    main = app.main_screen
    reports = main.library.reports
    if name == "main":
        return main
    if name == "search":
        await pilot.press("slash")
    elif name == "compare":
        main.open_compare(reports[0], reports[-1])
    elif name == "timeline":
        app.push_screen(TimelineScreen(app.workspace, reports[-1].projects[0].key))
    elif name == "metrics":
        await pilot.press("m")
    elif name == "week-picker":
        await pilot.press("c")
    elif name == "table":
        app.push_screen(TableScreen(Text("a | b\n1 | 2"), "a table"))
    elif name == "error":
        app.show_error(ValueError("a test error"), "testing")
    elif name == "team-week":
        await pilot.press("w")
    kinds = {"search": SearchScreen, "compare": CompareScreen, "timeline": TimelineScreen, "metrics": MetricsScreen,
             "week-picker": WeekPickerModal, "table": TableScreen, "error": ErrorScreen, "team-week": TeamWeekScreen}

    def shown():
        assert isinstance(app.screen, kinds[name])
        return app.screen

    screen = await eventually(pilot, shown)
    await pilot.pause()
    return screen


# screen → keys its help must list (its own), and keys of the main screen it must not
OWN_KEYS = {
    "main": {"Search", "Prev week", "Compare", "Metrics", "Help"},
    "search": {"Back", "Open", "Timeline", "Help"},
    "compare": {"Next change", "Prev change", "Hide unchanged", "Swap sides", "Back", "Help"},
    "timeline": {"Open week", "Back", "Help"},
    "metrics": {"Back", "Help"},
    "week-picker": {"Cancel", "Help"},
    "table": {"Close", "Help"},
    "error": {"Close", "Copy details", "Help"},
    "team-week": {"Prev week", "Next week", "Open the report in view on the main screen", "Help"},
}
TEXT_BOX = {"search", "week-picker"}  # a text box has focus as the screen opens


async def help_lists_own_keys(pilot, name: str) -> None:
    """Open `name` over the main screen: `f1` opens help listing the screen's own keys (none of the main
    screen's), escape goes back to the screen, and `?` opens help again, or types where a text box has
    focus."""
    app = pilot.app
    screen = await open_screen(pilot, name)
    await pilot.press("f1")
    await eventually(pilot, lambda: isinstance(app.screen, HelpScreen))
    shown = help_descriptions(app)
    assert OWN_KEYS[name] <= shown, OWN_KEYS[name] - shown
    if name != "main":
        assert not {"Metrics", "Raw", "Copy section"} & shown  # the main screen's keys are not this screen's
    await pilot.press("escape")
    await eventually(pilot, lambda: app.screen is screen)
    if name in TEXT_BOX:
        box = screen.query_one(Input)
        assert screen.focused is box
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is screen and box.value.endswith("?")  # `?` types where a text box has focus
    else:
        await pilot.press("question_mark")
        await eventually(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert OWN_KEYS[name] <= help_descriptions(app)


def help_on(name: str):
    return f"help on the {name} screen", lambda pilot: help_lists_own_keys(pilot, name)


async def test_help_on_every_screen_lists_its_own_keys(seed_library):
    """Each screen of the seeds in turn in one app (see `in_turn`)."""
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await in_turn(pilot, [help_on(name) for name in OWN_KEYS if name != "team-week"])


async def test_help_on_the_team_week_screen_lists_its_own_keys(team_library):
    app = make_app(team_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await in_turn(pilot, [help_on("team-week")])


async def test_question_mark_in_search_is_typed_and_f1_opens_help(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "search")
        await pilot.press("w", "h", "y", "question_mark")
        await pilot.pause()
        assert screen.query_one("#search-input", Input).value == "why?"
        await pilot.press("f1")
        await eventually(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "keys of the search screen" in shown(app.screen.query_one("#help-title"))
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is screen)
        assert screen.query_one("#search-input", Input).value == "why?"


async def palette_prompts(pilot, query: str) -> list[str]:
    """Open the palette, type `query`, and read what it lists."""
    app = pilot.app
    await pilot.press("ctrl+p")
    palette = await eventually(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen)
    palette.query_one(Input).insert_text_at_cursor(query)
    await pilot.pause()  # (the palette takes the new query and starts its search)
    # It lists matches as its providers answer: the list is whole once its search has ended.
    await settled(pilot, of=palette)
    options = palette.query_one(OptionList)
    # (a prompt is the command, then its help on the next line)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def test_palette_on_compare_offers_its_keys_and_nothing_of_the_main_screen(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "compare")
        await eventually(pilot, lambda: not screen.computing)
        left = screen.a
        prompts = await palette_prompts(pilot, "swap")
        assert any("Swap sides" in p for p in prompts)
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is screen)
        prompts = await palette_prompts(pilot, "compare")
        assert not any(p.startswith("Compare ") for p in prompts), prompts  # (main's "Compare A with B")
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is screen)
        # The screen's command runs the screen's action.
        prompts = await palette_prompts(pilot, "Swap sides")
        await pilot.press("enter")
        await eventually(pilot, lambda: app.screen is screen and screen.a is not left)
        assert screen.b is left


async def test_every_palette_command_of_the_compare_screen_runs_there(seed_library):
    """Each command the palette offers on the compare screen (its keys, weeks, projects) runs without
    an error dialog."""
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "compare")
        await eventually(pilot, lambda: not screen.computing)
        for query in ("Next change", "Prev change", "Hide unchanged", "Swap sides", "Help", "Go to week",
                      "Timeline of project"):
            if app.screen is not screen:
                screen = await open_screen(pilot, "compare")
                await eventually(pilot, lambda: not screen.computing)
            await palette_prompts(pilot, query)
            await pilot.press("enter")
            await eventually(pilot, lambda: not isinstance(app.screen, CommandPalette))
            await settled(pilot)
            assert not isinstance(app.screen, ErrorScreen), query
            if isinstance(app.screen, HelpScreen):
                await pilot.press("escape")
            elif query == "Timeline of project":
                assert isinstance(app.screen, TimelineScreen)
            elif query == "Go to week":
                assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_palette_on_main_screen_keeps_weeks_compare_and_its_keys(seed_library):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        prompts = await palette_prompts(pilot, "Compare")
        assert any(p.startswith("Compare ") and " with " in p for p in prompts)
        await pilot.press("escape")
        prompts = await palette_prompts(pilot, "Metrics")
        assert "Metrics" in prompts
        await pilot.press("enter")
        await eventually(pilot, lambda: isinstance(app.screen, MetricsScreen))


class Gate:
    """Holds a computation until the test lets it go."""

    def __init__(self, real):
        self.real = real
        self.started = threading.Event()
        self.go = threading.Event()
        self.done = threading.Event()  # the computation let go has ended

    def __call__(self, *args, **kwargs):
        self.started.set()
        try:
            assert self.go.wait(20)
            return self.real(*args, **kwargs)
        finally:
            self.done.set()


async def compare_oldest_and_newest(pilot):
    """The main screen once ready, with the comparison of its oldest and newest reports opened."""
    main = await ready(pilot)
    reports = main.library.reports
    main.open_compare(reports[0], reports[-1])
    return main


async def test_compare_shows_a_spinner_then_the_diff(seed_library, monkeypatch):
    import tui.ui.screens.compare as compare_screen

    gate = Gate(compare_screen.compare)
    monkeypatch.setattr(compare_screen, "compare", gate)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await compare_oldest_and_newest(pilot)
        screen = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        await eventually(pilot, lambda: gate.started.is_set())
        await pilot.pause()
        assert screen.computing and screen.query_one(LoadingIndicator).display
        assert "comparing" in shown(screen.query_one("#compare-header"))
        # keys are answered meanwhile: the help opens and closes, n does nothing
        await pilot.press("n", "f1")
        await eventually(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is screen)
        gate.go.set()

        def filled():
            assert not screen.computing and not screen.query(LoadingIndicator)
            assert len(screen.query(DiffRow)) > 5
            assert "changed" in shown(screen.query_one("#compare-header"))

        await eventually(pilot, filled)
        await pilot.press("n")
        await eventually(pilot, lambda: screen.cursor == 0)


async def test_escape_while_comparing_returns_to_the_main_screen(seed_library, monkeypatch):
    import tui.ui.screens.compare as compare_screen

    gate = Gate(compare_screen.compare)
    monkeypatch.setattr(compare_screen, "compare", gate)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await compare_oldest_and_newest(pilot)
        await eventually(pilot, lambda: gate.started.is_set())
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        gate.go.set()  # the comparison ends after its screen closed: dropped, no error
        await eventually(pilot, lambda: gate.done.is_set())
        await settled(pilot)
        assert app.screen is main and len(app.screen_stack) == 1
        newest = main.current
        await pilot.press("left_square_bracket")
        await eventually(pilot, lambda: main.current is not newest)
        assert app.is_running and not app._exit


async def test_timeline_shows_a_spinner_then_fills_in(seed_library, monkeypatch):
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        gate = Gate(app.workspace.timeline)
        monkeypatch.setattr(app.workspace, "timeline", gate)
        key = main.library.reports[-1].projects[0].key
        app.push_screen(TimelineScreen(app.workspace, key))
        screen = await eventually(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
        await eventually(pilot, lambda: gate.started.is_set())
        await pilot.pause()
        assert screen.query_one(LoadingIndicator).display and screen.timeline is None
        await pilot.press("enter")  # nothing to open yet
        assert app.screen is screen
        gate.go.set()

        def filled():
            assert screen.timeline is not None and not screen.query(LoadingIndicator)
            assert screen.query_one(DataTable).row_count == len(screen.timeline.weeks) > 0
            assert screen.query(".timeline-week")

        await eventually(pilot, filled)
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)

        # escape while gathering: back at once, the late result dropped
        gate2 = Gate(gate.real)
        monkeypatch.setattr(app.workspace, "timeline", gate2)
        app.push_screen(TimelineScreen(app.workspace, key))
        await eventually(pilot, lambda: gate2.started.is_set())
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        gate2.go.set()
        await eventually(pilot, lambda: gate2.done.is_set())
        await settled(pilot)
        assert app.screen is main and len(app.screen_stack) == 1 and app.is_running


async def test_palette_while_comparing_offers_no_command_that_waits(seed_library, monkeypatch):
    import tui.ui.screens.compare as compare_screen

    gate = Gate(compare_screen.compare)
    monkeypatch.setattr(compare_screen, "compare", gate)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        main.open_compare(main.library.reports[0], main.library.reports[-1])
        screen = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        await eventually(pilot, lambda: gate.started.is_set())
        for query, offered in (("Back", True), ("Help", True), ("change", False), ("Swap", False)):
            prompts = await palette_prompts(pilot, query)
            ours = {"Back", "Help", "Next change", "Prev change", "Hide unchanged", "Swap sides"} & set(prompts)
            assert bool(ours) is offered, (query, prompts)
            await pilot.press("escape")
            await eventually(pilot, lambda: app.screen is screen)
        gate.go.set()
        await eventually(pilot, lambda: not screen.computing)
        prompts = await palette_prompts(pilot, "Swap")
        assert "Swap sides" in prompts


async def test_palette_opens_on_the_screens_own_commands(seed_library):
    """Opened over the compare screen, the palette lists that screen's commands (not 20 weeks)."""
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_screen(pilot, "compare")
        await eventually(pilot, lambda: not screen.computing)
        await pilot.press("ctrl+p")
        palette = await eventually(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen)

        def listed():
            options = palette.query_one(OptionList)
            prompts = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
            assert {"Next change", "Swap sides", "Back", "Help"} <= set(prompts), prompts
            return prompts

        prompts = await eventually(pilot, listed, timeout=30)
        assert not any(p.startswith("Go to week") for p in prompts)
        assert prompts[0] == "Back"  # the screen's own commands first: enter on an empty palette is harmless
        await pilot.press("enter")
        await eventually(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.is_running


async def test_a_comparison_that_fails_says_so_and_shows_the_error(seed_library, monkeypatch):
    import tui.ui.screens.compare as compare_screen

    monkeypatch.delenv("REPORTS_TUI_CRASH_ON_ERROR", raising=False)  # errors go to the dialog, as for users

    def broken(*args, **kwargs):
        raise RuntimeError("a comparison that fails")

    monkeypatch.setattr(compare_screen, "compare", broken)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await compare_oldest_and_newest(pilot)
        dialog = await eventually(pilot, lambda: isinstance(app.screen, ErrorScreen) and app.screen)
        assert "a comparison that fails" in dialog.details
        await pilot.press("escape")
        screen = await eventually(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen)
        assert not screen.query(LoadingIndicator)
        assert "could not compare these weeks" in shown(screen.query_one("#compare-header"))
        assert app.is_running
