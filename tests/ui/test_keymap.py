"""The settings' `[keymap]` rebinds keys by binding id: the new keys act, the old ones no longer do, and
the help, the footer and the command palette show the user's keys; an unknown id, a value that is no
key and a clash are notices naming them, never a crash. The Textual-free key table (`tui.keymap`, read
by `reports-tui keys`) is the one the screens are built from, and its key-name rules are Textual's."""

from __future__ import annotations

import string

import pytest
from textual.app import App
from textual.binding import Binding
from textual.keys import Keys, _character_to_key, key_to_character
from textual.widgets._footer import FooterKey

from tui import keymap
from tui.ui.keys import screen_commands
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.screens.week_picker import WeekPickerModal
from tui.ui.widgets.key_footer import KeyFooter
from uiutil import classes_with_bindings, eventually, make_app, ready


def settings(tmp_path, text: str) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def help_rows(app) -> dict[str, str]:
    assert isinstance(app.screen, HelpScreen)
    return {desc: keys for keys, desc, _ in app.screen.rows}


def footer_keys(screen) -> dict[str, str]:
    drawn = [(e.description, e.key_display) for f in screen.query(KeyFooter) for e in f.entries]
    return dict(drawn + [(k.description, k.key_display) for k in screen.query(FooterKey)])


def toasts(app) -> list[str]:
    return [str(t.render()) for t in app.screen.query("Toast")]


async def test_a_keymap_that_rebinds_slash_and_c_works_and_shows_in_help_footer_and_palette(seed_library, tmp_path):
    # Unquoted dotted ids (a nested table in TOML) and quoted ones both name a binding.
    cfg = settings(tmp_path, '[keymap]\nmain.search = "ctrl+f"\n"main.compare" = "C"\n')
    app = make_app(seed_library, config=cfg)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await ready(pilot)
        assert app.keymap.problems == []
        assert footer_keys(main).get("Search") == "^f"
        assert footer_keys(main).get("Compare") == "C"
        keys = {c.description: c.keys for c in screen_commands(main)}
        assert keys["Search"] == "^f" and keys["Compare"] == "C"  # the palette's "key: …"

        await pilot.press("f1")
        await eventually(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        assert rows["Search"] == "^f" and rows["Compare"] == "C"
        assert "/" not in rows.values()
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)

        await pilot.press("slash", "c")  # the old keys do nothing now
        for _ in range(5):
            await pilot.pause()
        assert app.screen is main

        await pilot.press("ctrl+f")
        search = await eventually(pilot, lambda: _is(app.screen, SearchScreen))
        await pilot.press("escape")
        await eventually(pilot, lambda: app.screen is main)
        assert search is not main

        await pilot.press("C")
        await eventually(pilot, lambda: _is(app.screen, WeekPickerModal))


def _is(screen, kind):
    assert isinstance(screen, kind)
    return screen


async def test_a_clash_an_unknown_id_and_a_bad_key_are_notices_and_the_app_runs(seed_library, tmp_path):
    cfg = settings(tmp_path, '[keymap]\n"main.search" = "c"\n"main.serch" = "s"\n"compare.next" = "ctrl-n"\n')
    app = make_app(seed_library, config=cfg)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await ready(pilot)

        def noticed():
            shown = "\n".join(toasts(app))
            assert "'c' is bound to both main.compare and main.search" in shown
            assert "main.serch" in shown and "did you mean main.search?" in shown
            assert "compare.next" in shown and "ctrl-n" in shown
            return shown

        await eventually(pilot, noticed)
        # The user's key wins over the default it took (as Textual resolves a keymap clash): `c`
        # searches, and the rest of the keymap still applies.
        await pilot.press("c")
        await eventually(pilot, lambda: _is(app.screen, SearchScreen))
        assert app.is_running and main.is_attached


async def test_a_keymap_that_is_not_a_table_is_a_notice(seed_library, tmp_path):
    app = make_app(seed_library, config=settings(tmp_path, 'keymap = "ctrl+f"\n'))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        main = await ready(pilot)
        await eventually(pilot, lambda: _true("must be a table" in "\n".join(toasts(app))))
        await pilot.press("slash")  # the default keys stay
        await eventually(pilot, lambda: _is(app.screen, SearchScreen))
        assert main.is_attached


def _true(ok):
    assert ok
    return ok


async def test_a_rebound_quit_key_quits_while_reports_load(tmp_path, monkeypatch):
    """Keys typed while reports load wait for them, but quitting acts at once: also on the user's key."""
    import threading

    import tui.ui.loading as loading

    gate = threading.Event()

    def never_done(*args, cancelled=None, **kwargs):
        gate.wait(20)
        raise loading.Cancelled()

    monkeypatch.setattr(loading, "load_library", never_done)
    app = make_app(paths=[tmp_path], config=settings(tmp_path, '[keymap]\n"app.quit" = "x"\n'))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("x")
            for _ in range(200):
                if not app.is_running:
                    break
                await pilot.pause()
            assert not app.is_running
    finally:
        gate.set()


# ── the table and Textual agree ──────────────────────────────────────────────────────────────────

def test_every_binding_of_the_app_is_in_the_key_table():
    """`reports-tui keys`, the README and the man page list the table: a binding declared anywhere else
    would be missing there (declare it in `tui/keymap.py` and build BINDINGS with `keys.bindings`)."""
    live: dict[str, Binding] = {}
    for cls in classes_with_bindings():
        for b in cls.__dict__["BINDINGS"]:
            live[b.id] = b
    assert set(live) == set(keymap.BY_ID), set(live) ^ set(keymap.BY_ID)
    for binding_id, b in live.items():
        row = keymap.BY_ID[binding_id]
        assert (b.key, b.action, b.description, b.show, b.tooltip) == \
            (row.key, row.action, row.description, row.show, row.tooltip), binding_id


def test_panes_and_dialogs_of_the_table_are_the_apps():
    from textual.screen import ModalScreen, Screen
    from textual.widget import Widget

    kinds = {}
    for cls in classes_with_bindings():
        scope = keymap.BY_ID[cls.__dict__["BINDINGS"][0].id].scope
        kinds[scope] = cls
    for scope, cls in kinds.items():
        if scope == "app":
            assert issubclass(cls, App)
        elif scope in keymap.PANES:
            assert issubclass(cls, Widget) and not issubclass(cls, Screen), scope
        else:
            assert issubclass(cls, ModalScreen) == (scope in keymap.DIALOGS), scope


def test_key_names_are_textuals():
    for char in string.printable.strip().replace(",", "") + "贝é":  # (a comma separates keys)
        assert keymap.character_key(char) == _character_to_key(char), char
        assert keymap.normalize_key(char) == App._normalize_keymap({"x": char})["x"], char
    for key in {k for b in keymap.BINDINGS for k in b.key.split(",")} | {"ctrl+f", "question_mark", "plus"}:
        assert keymap.normalize_key(key) == key
        assert keymap.key_problem(key) is None, key
        base = key.rpartition("+")[2]
        if base not in keymap._NAMED and key_to_character(base) is not None:
            assert keymap.key_character(base) == key_to_character(base), key
    named = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")} - {"ctrl-at"}
    assert named <= keymap._NAMED | {"return"}


def test_textual_still_has_the_private_names_the_keymap_uses():
    app = App()
    assert isinstance(app._keymap, dict)
    assert hasattr(app._bindings, "key_to_bindings") and hasattr(app._bindings, "apply_keymap")


async def test_the_command_palette_key_can_be_rebound_and_the_footer_shows_it(seed_library, tmp_path):
    from textual.command import CommandPalette

    app = make_app(seed_library, config=settings(tmp_path, '[keymap]\n"app.palette" = "ctrl+k"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        main = await ready(pilot)
        assert "^k" in footer_keys(main).values()
        await pilot.press("ctrl+p")
        for _ in range(5):
            await pilot.pause()
        assert app.screen is main
        await pilot.press("ctrl+k")
        await eventually(pilot, lambda: _is(app.screen, CommandPalette))
