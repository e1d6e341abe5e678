"""Textual's private names are used in one module, `tui/ui/compat.py`, and each still exists with the shape
relied on: a new Textual that renames or reshapes one fails here, in one place, instead of in the app."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.app import App
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.message import Message
from textual.message_pump import MessagePump
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.cache import LRUCache
from textual.widgets import Footer, Input, OptionList
from textual.widgets.option_list import Option

import tui.ui
from tui.ui import compat

UI = Path(tui.ui.__file__).parent


def test_the_private_names_compat_reads_still_exist_with_their_shape():
    widget = Widget()
    assert isinstance(widget._bindings, BindingsMap) and isinstance(widget._bindings.key_to_bindings, dict)
    assert compat.bindings_of(widget) is widget._bindings
    message = Message()
    assert message._stop_propagation is False
    message.stop()
    assert compat.is_stopped(message) is True
    app = App()
    assert compat.is_queued(app, message) is False
    app._message_queue.put_nowait(message)  # (where `post_message` puts it)
    assert compat.is_queued(app, message) is True
    assert app._peek_message() is message and app._pending_message is message  # (taken out to look past)
    assert compat.is_queued(app, message) is True
    assert app._exit is False and compat.is_exiting(app) is False
    assert isinstance(app._keymap, dict) and hasattr(widget._bindings, "apply_keymap")
    assert Footer()._bindings_ready is False and compat.footer_ready(Footer()) is False
    from textual._node_list import DuplicateIds

    assert issubclass(DuplicateIds, Exception)
    options = OptionList()  # (the line map `KnownHeightOptionList` fills, and `option_first_line` reads)
    cache = options._line_cache
    assert (cache.lines, cache.heights, cache.index_to_line) == ([], {}, {})
    assert isinstance(OptionList._index_to_line, property)
    assert isinstance(options._option_render_cache, LRUCache) and options._option_to_index == {}
    assert Option("x")._divider is False
    from textual.widgets import Tree  # (`keep_tree_lines`: a tree's cache of drawn lines)

    assert isinstance(Tree("t")._line_cache, LRUCache)
    assert "_on_resize" in vars(Tree)


async def test_a_list_of_known_heights_is_laid_out_as_textual_would():
    """`KnownHeightOptionList` fills Textual's line map from the heights the options give: the lines,
    the cursor's line and the virtual size are those OptionList itself makes from the rendered
    prompts; no prompt is rendered to get there."""
    from rich.text import Text
    from textual.app import App as _App
    from textual.widgets.option_list import Option

    class Sized(Option):
        def __init__(self, text: str, i: int) -> None:
            super().__init__(Text(text, no_wrap=True), id=f"o{i}")
            self.height = text.count("\n") + 1

    texts = [("a\nb" if i % 3 else "c") for i in range(40)]

    class Lists(_App):
        def compose(self):
            yield OptionList(*[Sized(t, i) for i, t in enumerate(texts)], id="plain")
            yield compat.KnownHeightOptionList(*[Sized(t, i) for i, t in enumerate(texts)], id="known")

    app = Lists()
    async with app.run_test(size=(40, 30)) as pilot:
        await pilot.pause()
        plain, known = app.query_one("#plain", OptionList), app.query_one("#known", OptionList)
        plain.highlighted = known.highlighted = 25
        await pilot.pause()
        assert known._lines == plain._lines and known.virtual_size == plain.virtual_size
        assert compat.option_first_line(known, 25) == compat.option_first_line(plain, 25)
        assert all(o._visual is not None for o in plain.options)  # (Textual's: every prompt rendered)
        assert sum(o._visual is not None for o in known.options) < len(texts) // 2  # (the rows drawn only)


def _color(color) -> tuple | None:
    """A colour as the terminal gets it (an ANSI colour by number, whatever its name)."""
    return None if color is None else (color.type, color.number, color.triplet)


def _cells(strips) -> list[list[tuple]]:
    """Each line's cells: character and look (colours, attributes, link, meta but the offset Textual
    adds for text selection, which an option list does not allow)."""
    out = []
    for strip in strips:
        row = []
        for segment in strip:
            style = segment.style
            meta = {k: v for k, v in (style.meta or {}).items() if k != "offset"} if style else {}
            look = (_color(style.color), _color(style.bgcolor), style._attributes, style._set_attributes,
                    style._link, sorted(meta.items())) if style else None
            row.extend((ch, look) for ch in segment.text)
        out.append(row)
    return out


async def test_a_list_of_known_heights_draws_its_rows_cell_for_cell_as_textual_would():
    """`KnownHeightOptionList` draws a `Text` prompt (every line fitting) from its segments: each row,
    plain, highlighted or disabled, styled text, wide characters, an empty line, is the line Textual
    draws (what it leaves out is the work, not a cell)."""
    from rich.style import Style
    from rich.text import Text
    from textual.app import App as _App
    from textual.widgets.option_list import Option

    prompts = [Text.assemble(("存管路由", "bold"), "  3  ", ("2024-W20 ×3", Style(dim=True))),
               Text.assemble("    ", "a ", ("match", Style(bgcolor="yellow", color="black")), " — ünï 🙂"),
               Text("  2024-W21  head\n    line with ") + Text("mark", Style(underline=True, italic=True)),
               Text("\n"), Text("x" * 30, no_wrap=True, overflow="ellipsis")]

    def option(i: int, prompt: Text) -> Option:
        made = Option(prompt, disabled=i == 0)
        made.height = max(1, len(prompt.plain.split("\n")))
        return made

    class Lists(_App):
        def compose(self):
            yield compat.KnownHeightOptionList(*[option(i, p) for i, p in enumerate(prompts)])

    app = Lists()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        known = app.query_one(compat.KnownHeightOptionList)
        for option in known.options:
            for part in ("", "option-list--option-highlighted", "option-list--option-disabled"):
                style = known.get_visual_style("option-list--option", *([part] if part else []))
                known._option_render_cache.clear()
                ours = known._get_option_render(option, style)
                known._option_render_cache.clear()
                textual = OptionList._get_option_render(known, option, style)
                assert _cells(ours) == _cells(textual), (option.prompt.plain, part)
                assert [s.cell_length for s in ours] == [s.cell_length for s in textual]


async def test_typing_in_a_steady_input_lays_nothing_out_and_scrolls_as_textual_would():
    """`SteadyInput` takes a key without a layout of the screen; its text's width (what the cursor is
    scrolled along) is the one Textual's `Input` gives the same text."""
    from textual.app import App as _App

    class Inputs(_App):
        def compose(self):
            yield Input(id="plain")
            yield compat.SteadyInput(id="steady")

    app = Inputs()
    async with app.run_test(size=(16, 10)) as pilot:
        plain, steady = app.query_one("#plain", Input), app.query_one("#steady", Input)
        await pilot.pause()
        text = "wider than its box"
        plain.value = text
        await pilot.pause()
        steady.focus()
        await pilot.pause()
        compositor, layouts = app.screen._compositor, []
        reflow = compositor.reflow
        compositor.reflow = lambda *a, **k: layouts.append(a) or reflow(*a, **k)
        steady.value = text[:-2]  # (as pasted)
        await pilot.press(*text[-2:])  # (as typed)
        await pilot.pause()
        assert layouts == []
        assert steady.value == text and steady.virtual_size == plain.virtual_size
        assert steady.scroll_offset.x > 0 and steady.scroll_offset.x == steady.max_scroll_x


@pytest.mark.parametrize("owner,name,params", [
    (App, "_handle_exception", ["self", "error"]),
    (OptionList, "_move_page", ["self", "direction"]),
    (OptionList, "_update_lines", ["self"]),
    (OptionList, "_get_left_gutter_width", ["self"]),
    (OptionList, "_get_option_render", ["self", "option", "style"]),
    (OptionList, "_scroll_update", ["self", "virtual_size"]),
    (Widget, "_scroll_update", ["self", "virtual_size"]),
    (Widget, "_size_updated", ["self", "size", "virtual_size", "container_size", "layout"]),
    (ScrollView, "_size_updated", ["self", "size", "virtual_size", "container_size", "layout"]),
    (Input, "_watch_value", ["self", "value"]),
    (MessagePump, "_dispatch_message", ["self", "message"]),
    (StylesCache, "get_inner_outer", ["cls", "base_background", "background"]),
])
def test_the_private_methods_compat_replaces_still_exist_with_their_signature(owner, name, params):
    compat.install()
    method = getattr(owner, name)
    original = {"_move_page": compat._original_move_page, "_dispatch_message": compat._original_dispatch,
                "get_inner_outer": compat._original_inner_outer}.get(name, method)
    assert list(inspect.signature(original).parameters) == params
    if name == "_dispatch_message":
        assert inspect.iscoroutinefunction(original)
    if name == "get_inner_outer":  # (the same two styles, the lines' keeper not among the cache's keys)
        from textual.color import Color

        base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
        keeper = StylesCache()
        assert keeper.get_inner_outer(base, background) == original(keeper, base, background)


def test_the_command_palette_handlers_compat_guards_still_exist():
    compat.install()
    for name in (*compat.PALETTE_METHODS, "_on_mount"):
        method = CommandPalette.__dict__.get(name)
        assert callable(method), name
        assert getattr(method, "_reports_guarded", False), name


def _private_attributes(tree: ast.AST) -> set[str]:
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")}


def _own_names() -> set[str]:
    """Private names reports-tui defines itself (methods, attributes, class attributes)."""
    names: set[str] = set()
    for path in Path(tui.ui.__file__).parents[1].rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_no_module_but_compat_uses_a_private_name_of_textual():
    own = _own_names()
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "compat.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in sorted(_private_attributes(tree) - own):
            found.append(f"{path.relative_to(UI)}: {name}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                if module and module.startswith("textual.") and any(p.startswith("_") for p in module.split(".")):
                    found.append(f"{path.relative_to(UI)}: imports {module}")
    assert not found, found


def test_no_class_of_the_app_overrides_a_private_name_of_textual():
    """A method or attribute of ours named like one of Textual's private ones replaces it silently (a
    tree's `_add_children` once shadowed the one Textual mounts children with)."""
    clashes = []
    for info in pkgutil.walk_packages(tui.ui.__path__, "tui.ui."):
        if info.name == "tui.ui.compat":
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            textual_names = {n for base in cls.__mro__ if base.__module__.startswith("textual")
                             for n in vars(base) if n.startswith("_") and not n.startswith("__")}
            textual_names -= set(vars(type("Probe", (cls,), {})))  # (what Textual sets on every subclass)
            for n in vars(cls):
                if n.startswith("_") and not n.startswith("__") and n in textual_names:
                    clashes.append(f"{cls.__qualname__}.{n}")
    assert not clashes, clashes
