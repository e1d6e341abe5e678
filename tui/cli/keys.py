"""`reports-tui keys`: every key binding's id with its key (the settings' `[keymap]` applied) and what
it does; what is wrong with the keymap on stderr (exit 1). Also the Markdown table the README shows."""

from __future__ import annotations

import argparse
import sys

from ..keymap import BINDINGS, Keymap, display_keys
from .common import EXIT_OK, EXIT_PROBLEM, dump_json, error_text, say
from .termout import Style, output_width, table, use_colour


def cmd_keys(args: argparse.Namespace) -> int:
    """Print the key table; exit 1 when the keymap has a problem (each is named on stderr)."""
    from ..config import load_config

    cfg = load_config(args.config)
    if cfg.error:
        say(error_text(f"reports-tui: {cfg.error}"))
    keymap = Keymap.from_settings(cfg.data)
    if args.json:
        dump_json(key_records(keymap))
    else:
        st = Style(use_colour())
        rows = []
        for b in BINDINGS:
            keys = display_keys(keymap.keys(b.id))
            does = b.help if b.id not in keymap.overrides else f"{b.help}  (default {display_keys(b.key)})"
            rows.append([b.id, st(keys, "bold") if b.id in keymap.overrides else keys, does])
        sys.stdout.write(table(rows, header=["id", "key", "does"], max_width=output_width(), style=st) + "\n")
    for problem in keymap.problems:
        say(error_text(f"reports-tui: {problem}"))
    return EXIT_PROBLEM if keymap.problems else EXIT_OK


def key_records(keymap: Keymap) -> list[dict]:
    """One record per binding: `{id, keys, default, description, shown}` (`keys` as the keymap writes
    them, `shown`: whether the footer shows it)."""
    return [{"id": b.id, "keys": display_keys(keymap.keys(b.id)).split(","),
             "default": display_keys(b.key).split(","), "description": b.help, "shown": b.show}
            for b in BINDINGS]


def markdown_table() -> str:
    """Every binding id with its default key and what it does, as the README's Markdown table."""
    lines = ["| id | key | does |", "|---|---|---|"]
    for b in BINDINGS:
        keys = " ".join(f"`{k}`" if k != "`" else "`` ` ``" for k in display_keys(b.key).split(","))
        lines.append(f"| `{b.id}` | {keys.replace('|', '&#124;')} | {b.help.replace('|', '&#124;')} |")
    return "\n".join(lines) + "\n"
