"""`reports-tui search QUERY`: ranked hits across every report, as text or JSON.

The answer comes from the library's search index. When the parse cache holds one made from exactly
the files under the paths (same names, sizes and mtimes), it is read from there on demand and nothing
else is loaded (no parser, no report); otherwise the library is loaded the normal way (which parses
what changed) and its index brought up to date and saved for next time.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # (imported where used: the engine only after the walk of the folders has begun)
    from ..index.search.engine import SearchResult


def cmd_search(args: argparse.Namespace) -> int:
    """`reports-tui search QUERY [PATH ...] [--json] [--limit N] [--author NAME]`: ranked hits."""
    given = [args.author] if getattr(args, "author", None) else []
    result = None if args.no_cache else search_saved_index(args, given)
    if result is None:
        from ..index.search.pinyin import is_pinyin_query
        from ..index.workspace import Workspace
        from .authors import resolve_author
        from .common import open_library, say

        # (pinyin readings, which take loading pypinyin, are saved with the index when a query needs them)
        ws = Workspace(open_library(args), use_cache=not args.no_cache, check_files=True,
                       pinyin=is_pinyin_query(args.query), notice=lambda m: say(f"reports-tui: {m}"))
        # `--author` names one person by the rule every subcommand follows (none or several: exit 2)
        result = ws.search(args.query, limit=args.limit, authors=[resolve_author(ws.author_names(), a) for a in given])
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
    files = cache(fingerprint_soon(paths))
    try:
        got = _saved_answer(args, authors, paths, files)
    finally:
        now = files()
    return got[0] if got is not None and got[1] == now else None


def _saved_answer(args: argparse.Namespace, authors: list[str], paths: list[str], files: Callable[[], str]
                  ) -> tuple[SearchResult, str] | None:
    """The answer of the saved index of these paths, and the fingerprint of the files it was made from;
    `authors`: the `--author` names as given (None when one names nobody or several: the normal path
    says so); `files()`: the fingerprint of the files now. A pinyin query of an index saved without
    pinyin readings makes them (loading pypinyin) and, the files being those it was made from, writes
    them alone into the saved index (`searchdb.save_readings`): the library is not loaded for them."""
    import sqlite3

    from ..config import load_config
    from ..index.search.index import DamagedIndex
    from ..index.search.pinyin import is_pinyin_query
    from ..index.search.records import vocab_key
    from ..index.store.searchdb import cache_file, index_key, open_saved, save_readings

    cfg = load_config(args.config)
    if cfg.error:  # (reported by the normal path)
        return None
    close = None
    try:
        key = index_key(vocab_key(cfg.vocabulary()), paths)
        got = open_saved(cache_file(), key, lazy=True)
        if got is None:
            return None
        index, fp, close = got
        if not index.pinyin_ready and is_pinyin_query(args.query):  # (saved without pinyin readings)
            if files() != fp:
                return None  # (the files changed: the normal path builds the index again)
            index.persisted_as = fp
            save_readings(index, cache_file(), key)  # (made, then written alone if still the saved index)
        vocab = cfg.vocabulary()
        names = _LazyNames(index, paths, vocab.author_aliases)
        who: list[str] = []
        for name in authors:
            found = names().matches(name)
            if len(found) != 1:
                return None
            who.extend(found)
        return index.search(args.query, limit=args.limit, authors=who,
                            names=lambda *a: names().naming(*a)), fp
    except (DamagedIndex, sqlite3.Error, KeyError, IndexError, ValueError, TypeError, UnicodeDecodeError):
        return None  # (the normal path reads the index whole, checks it, and builds it again if need be)
    finally:
        if close is not None:
            close()


class _LazyNames:
    """The authors of a saved index's reports with their spellings (`index.authors.names_of`), worked out
    when first asked for (a query without `by:` or `--author` never needs them)."""

    def __init__(self, index, paths: list[str], aliases) -> None:
        self.index, self.paths, self.aliases, self.names = index, paths, aliases, None

    def __call__(self):
        if self.names is None:
            from ..index.authors import names_of
            from ..model.files import SourceRef

            docs = [d for d, dead in zip(self.index.all_docs(), self.index.doc_dead) if not dead]
            self.names = names_of([SourceRef(d.path, d.member or None) for d in docs], [d.week for d in docs],
                                  [d.author for d in docs], self.paths, self.aliases)
        return self.names


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
    """Print a result as `reports-tui search` does: JSON (SPEC §4), or per hit a heading (week, label,
    section, author, `FILE:LINE`) and the matched line as a reader sees it. Lines are cut to the width
    only on a terminal; a pipe or a file gets them whole."""
    from .termout import Style, output_width, use_colour

    if getattr(args, "json", False):
        from .common import json_text

        sys.stdout.write(json_text([h.to_json() for h in result.hits]) + "\n")
        return 0
    st = Style(use_colour())
    if not result.hits:
        print(f"no matches for {args.query!r}", file=sys.stderr)
        return 0
    cols = output_width()
    for h in result.hits:
        print(hit_heading(h, cols, st))
        print("    " + hit_line(h, None if cols is None else max(20, cols - 4), st))
    more = result.total - len(result.hits)
    if more > 0:
        print(st(f"… {more}{'+' if result.capped else ''} more (use --limit)", "dim"), file=sys.stderr)
    return 0


def hit_heading(h, cols: int | None, st) -> str:
    """`WEEK  LABEL · SECTION · PROJECT  (AUTHOR)  FILE:LINE`: the week once when the label is the
    week; on a terminal too narrow, the label part is cut and then the path's middle, never its line."""
    from .termout import cut_middle, truncate, width

    week = h.report.week or ""
    label = h.report.label if h.report.label != week else ""
    lead = f"{week}  " if week else ""
    what = " · ".join(x for x in (label, h.section, h.project_name or "") if x)
    by = f"  ({h.author})" if h.author else ""
    path, line = h.report.source.display, f":{h.line}"
    where = path + line
    if cols is not None and width(lead + what + by) + 2 + width(where) > cols:
        fixed = width(lead) + width(by) + 2
        where_room = max(12 + len(line), cols - fixed - min(width(what), (cols - fixed) // 2))  # (half for each)
        if width(where) > where_room:
            where = cut_middle(path, where_room - len(line)) + line  # (the line number stays whole)
        what = truncate(what, max(1, cols - fixed - width(where)))
    head = f"{lead}{what}{by}  {where}"
    return st(truncate(head, cols) if cols is not None else head, "bold")


def hit_line(h, room: int | None, st) -> str:
    """The hit's line as a reader sees it (link text, not link syntax) with its matches painted; cut
    to `room` cells (keeping the first match in view) when given."""
    from ..index.visible import visible_spans
    from .termout import truncate, width

    text, spans = visible_spans(h.text, list(h.spans))
    if room is not None and width(text) > room:
        if spans:  # keep the first match in view: drop text before it when the line is long
            a = max(0, spans[0][0] - 10)
            if a:
                text, spans = "…" + text[a:], [(x - a + 1, y - a + 1) for x, y in spans if x >= a]
        if width(text) > room:
            cut = truncate(text, room)
            keep = len(cut) - 1
            text, spans = cut, [(x, min(y, keep)) for x, y in spans if x < keep]
    return highlight(text, spans, lambda s: st(s, "yellow", "bold"))
