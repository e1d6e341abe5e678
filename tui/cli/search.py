"""`reports-tui search QUERY`: ranked hits across every report, as text or JSON."""

from __future__ import annotations

import argparse
import sys

from ..index.search.engine import SearchResult
from .termout import Style, terminal_width, truncate, use_colour, width


def cmd_search(args: argparse.Namespace) -> int:
    """`reports-tui search QUERY [PATH ...] [--json] [--limit N]`: fuzzy, ranked hits across all reports."""
    from ..config import load_config
    from ..index.search.cached import search_from_cache

    result = None
    if not args.no_cache:
        cfg = load_config(args.config)
        if not cfg.error:  # (a broken config is reported by the normal path)
            result = search_from_cache(args.paths, cfg.vocabulary(), args.query, cli_limit(args))
    if result is None:
        from ..index.search.engine import search
        from .common import open_library

        result = search(open_library(args), args.query, limit=cli_limit(args))
    return print_result(args, result)


def highlight(text: str, spans: list[tuple[int, int]], paint) -> str:
    """Text with its matched spans painted by `paint(str) -> str`."""
    out, last = [], 0
    for a, b in spans:
        out.append(text[last:a])
        out.append(paint(text[a:b]))
        last = b
    out.append(text[last:])
    return "".join(out)


def cli_limit(args) -> int:
    """The `--limit` of the `search` subcommand (0: every hit)."""
    return args.limit if args.limit and args.limit > 0 else 0


def print_result(args, result: SearchResult) -> int:
    """Print a result as `reports-tui search` does: JSON (SPEC §4) or one heading and line per hit."""
    if getattr(args, "json", False):
        from .common import json_text

        sys.stdout.write(json_text([h.to_json() for h in result.hits]) + "\n")
        return 0
    st = Style(use_colour())
    if not result.hits:
        print(f"no matches for {args.query!r}", file=sys.stderr)
        return 0
    cols = terminal_width()
    for h in result.hits:
        where = " · ".join(x for x in (h.report.label, h.section, h.project_name or "") if x)
        head = f"{h.report.week or 'undated'}  {where}  {h.report.source.name}:{h.line}"
        print(st(truncate(head, cols), "bold"))
        text, spans = h.text, h.spans
        room = max(20, cols - 4)
        if width(text) > room and spans:
            # keep the first match in view: drop text before it when the line is long
            a = max(0, spans[0][0] - 10)
            if a:
                text, spans = "…" + text[a:], [(x - a + 1, y - a + 1) for x, y in spans if x >= a]
        if width(text) > room:
            cut = truncate(text, room)
            keep = len(cut) - 1
            text, spans = cut, [(x, min(y, keep)) for x, y in spans if x < keep]
        print("    " + highlight(text, spans, lambda s: st(s, "yellow", "bold")))
    more = result.total - len(result.hits)
    if more > 0:
        print(st(f"… {more}{'+' if result.capped else ''} more (use --limit)", "dim"), file=sys.stderr)
    return 0
