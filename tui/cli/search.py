"""`reports-tui search QUERY`: ranked hits across every report, as text or JSON.

The answer comes from the library's search index. When the parse cache holds one made from exactly
the files under the paths (same names, sizes and mtimes), it is read from there on demand and nothing
else is loaded (no parser, no report); otherwise the library is loaded the normal way (which parses
what changed) and its index brought up to date and saved for next time.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (imported where used: the engine only after the walk of the folders has begun)
    from ..index.search.engine import SearchResult


def cmd_search(args: argparse.Namespace) -> int:
    """`reports-tui search QUERY [PATH ...] [--json] [--limit N] [--author NAME]`: ranked hits."""
    authors = [args.author] if getattr(args, "author", None) else []
    result = None if args.no_cache else search_saved_index(args, authors)
    if result is None:
        from ..index.search.pinyin import is_pinyin_query
        from ..index.workspace import Workspace
        from .common import open_library, say

        # (pinyin readings, which take loading pypinyin, are saved with the index when a query needs them)
        ws = Workspace(open_library(args), use_cache=not args.no_cache, check_files=True,
                       pinyin=is_pinyin_query(args.query), notice=lambda m: say(f"reports-tui: {m}"))
        result = ws.search(args.query, limit=args.limit, authors=authors)
    return print_result(args, result)


def search_saved_index(args: argparse.Namespace, authors: list[str]) -> SearchResult | None:
    """The answer from the index saved in the parse cache, when it was made from exactly the files
    under the paths; None otherwise (or when anything read does not check out).

    The folders are walked (`fingerprint_soon`) while the engine is imported and the query runs; the
    answer is kept only when the files are those the index was made from."""
    from ..index.store.searchdb import fingerprint_soon
    from .common import check_paths

    check_paths(args.paths)
    paths = [str(p) for p in args.paths]
    if not paths:
        from ..index.library import bundled_seeds

        paths = [str(bundled_seeds())]
    files = fingerprint_soon(paths)
    try:
        got = _saved_answer(args, authors, paths)
    finally:
        now = files()
    return got[0] if got is not None and got[1] == now else None


def _saved_answer(args: argparse.Namespace, authors: list[str], paths: list[str]
                  ) -> tuple[SearchResult, str] | None:
    """The answer of the saved index of these paths, and the fingerprint of the files it was made from."""
    import sqlite3

    from ..config import load_config
    from ..index.search.index import DamagedIndex
    from ..index.search.pinyin import is_pinyin_query
    from ..index.search.records import vocab_key
    from ..index.store.searchdb import cache_file, index_key, open_saved

    cfg = load_config(args.config)
    if cfg.error:  # (reported by the normal path)
        return None
    close = None
    try:
        got = open_saved(cache_file(), index_key(vocab_key(cfg.vocabulary()), paths), lazy=True)
        if got is None:
            return None
        index, fp, close = got
        if not index.pinyin_ready and is_pinyin_query(args.query):
            return None  # (saved without pinyin readings: the normal path adds them)
        return index.search(args.query, limit=args.limit, authors=authors), fp
    except (DamagedIndex, sqlite3.Error, KeyError, IndexError, ValueError, TypeError, UnicodeDecodeError):
        return None  # (the normal path reads the index whole, checks it, and builds it again if need be)
    finally:
        if close is not None:
            close()


def highlight(text: str, spans: list[tuple[int, int]], paint) -> str:
    """Text with its matched spans painted by `paint(str) -> str`."""
    out, last = [], 0
    for a, b in spans:
        out.append(text[last:a])
        out.append(paint(text[a:b]))
        last = b
    out.append(text[last:])
    return "".join(out)


def print_result(args, result: SearchResult) -> int:
    """Print a result as `reports-tui search` does: JSON (SPEC §4) or one heading and line per hit."""
    from .termout import Style, terminal_width, truncate, use_colour, width

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
        by = f"  ({h.author})" if h.author else ""
        head = f"{h.report.week or 'undated'}  {where}{by}  {h.report.source.name}:{h.line}"
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
