"""Which full-text engine keeps the search index's posting lists: SQLite FTS5 against tantivy.

    .venv/bin/python benchmarks/bench_engines.py [PATH ...]   (default: the real archives and the seeds)

Both index the distinct visible lines of a library (lower case, as the search index keeps them) and
answer "which lines hold this string" (the candidates our ranking then scores): FTS5 with its trigram
tokenizer (3+ characters) beside a table of each line's characters and character pairs (1–2-character
words, which trigrams cannot answer), contentless (the lines are kept once, by the index); tantivy
(`pip install tantivy`, not a dependency of reports-tui) with 1–2-character n-grams (every pair of a word, in any order: its n-gram tokens carry no
positions a phrase query could use, so both give a superset the ranking checks).
Printed per engine: build time, size on disk, and per query the candidates found and the median time
to get every one of them as line ids. Skips tantivy when it is not installed.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

QUERIES = ["r", "的", "rust", "async", "region", "工具链", "编译", "存管", "risc-v", "llvm", "webassembly", "人工智能",
           "co", "is"]


def lines_of(paths: list[str]) -> list[str]:
    """The distinct visible lines of a library, lower case (as `SearchIndex` keeps them)."""
    from tui.index.load import load_library
    from tui.index.search.engine import SearchIndex

    ix = SearchIndex(load_library(paths).reports)
    return [ix.text(t).replace("\x00", " ") for t in range(ix.ntexts)]  # (hidden URLs: no text to find)


def grams(text: str) -> str:
    """The characters and character pairs of a line as FTS5 tokens (hex code points, so no tokenizer
    splits or folds them)."""
    out = {f"u{ord(c):x}" for c in text if not c.isspace()}
    out.update(f"u{ord(a):x}x{ord(b):x}" for a, b in zip(text, text[1:]) if not (a.isspace() or b.isspace()))
    return " ".join(out)


def timed(fn, runs: int = 5) -> tuple[float, int]:
    ts, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = len(fn())
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000, n


def bench_fts5(lines: list[str], folder: Path, detail: str) -> None:
    path = folder / f"fts-{detail}.sqlite3"
    db = sqlite3.connect(path)
    t = time.perf_counter()
    db.execute(f"CREATE VIRTUAL TABLE t3 USING fts5(t, tokenize='trigram', detail={detail}, content='')")
    db.execute("CREATE VIRTUAL TABLE g USING fts5(grams, tokenize='ascii', detail=none, content='')")
    db.executemany("INSERT INTO t3 (rowid, t) VALUES (?, ?)", enumerate(lines))
    db.executemany("INSERT INTO g (rowid, grams) VALUES (?, ?)", ((i, grams(s)) for i, s in enumerate(lines)))
    db.execute("INSERT INTO t3 (t3) VALUES ('optimize')")
    db.execute("INSERT INTO g (g) VALUES ('optimize')")
    db.commit()
    build = time.perf_counter() - t
    db.close()
    db = sqlite3.connect(path)
    size = os.path.getsize(path)
    print(f"  FTS5 (trigram detail={detail} + grams): built in {build:.2f} s, {size / 1e6:.1f} MB")

    def query(q: str):
        if len(q) >= 3:
            phrase = '"' + q.replace('"', '""') + '"'
            if detail == "none":  # (no positions: every trigram of the word, in any order; a superset)
                phrase = " AND ".join('"' + q[i:i + 3].replace('"', '""') + '"' for i in range(len(q) - 2))
            return lambda: db.execute("SELECT rowid FROM t3 WHERE t3 MATCH ?", (phrase,)).fetchall()
        tok = f"u{ord(q[0]):x}" if len(q) == 1 else f"u{ord(q[0]):x}x{ord(q[1]):x}"
        return lambda: db.execute("SELECT rowid FROM g WHERE g MATCH ?", (tok,)).fetchall()

    for q in QUERIES:
        ms, n = timed(query(q))
        truth = sum(q in s for s in lines)
        print(f"    {q!r:<16} {n:>7} candidates ({truth} hold it)  {ms:7.2f} ms")
    db.close()


def bench_tantivy(lines: list[str], folder: Path) -> None:
    try:
        import tantivy
    except ImportError:
        print("  tantivy: not installed (pip install tantivy), skipped")
        return
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("t", stored=False, tokenizer_name="ng", index_option="position")
    sb.add_integer_field("id", stored=False, fast=True, indexed=False)
    schema = sb.build()
    (folder / "tantivy").mkdir()
    ix = tantivy.Index(schema, path=str(folder / "tantivy"))
    ix.register_tokenizer("ng", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 2, False)).build())
    t = time.perf_counter()
    w = ix.writer(heap_size=100_000_000, num_threads=1)
    for i, s in enumerate(lines):
        w.add_document(tantivy.Document(t=s, id=i))
    w.commit()
    w.wait_merging_threads()
    build = time.perf_counter() - t
    ix.reload()
    size = sum(f.stat().st_size for f in (folder / "tantivy").rglob("*") if f.is_file())
    print(f"  tantivy (1-2-grams, positions): built in {build:.2f} s, {size / 1e6:.1f} MB")
    searcher = ix.searcher()

    def query(q: str):
        pairs = [q[i:i + 2] for i in range(len(q) - 1)] or [q]
        if len(pairs) == 1:
            qq = tantivy.Query.term_query(schema, "t", pairs[0])
        else:
            # (the n-gram tokenizer gives no positions a phrase could use: every pair, in any order)
            qq = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(schema, "t", p))
                                              for p in dict.fromkeys(pairs)])

        def run():
            n = max(1, searcher.search(qq, limit=1, count=True).count)
            return [a.doc for _s, a in searcher.search(qq, limit=n).hits]
        return run

    for q in QUERIES:
        ms, n = timed(query(q))
        truth = sum(q in s for s in lines)
        print(f"    {q!r:<16} {n:>7} candidates ({truth} hold it)  {ms:7.2f} ms")


def main() -> int:
    """Run both engines over each library given (default: the real archives, then the seeds)."""
    corpora = HERE.parent.parent / "shared" / "corpora"
    libs = [[a] for a in sys.argv[1:]] or [[str(corpora / "this-week-in-rust")], [str(corpora / "plct-weekly")]]
    for paths in libs:
        t = time.perf_counter()
        lines = lines_of(paths)
        mb = sum(len(s.encode()) for s in lines) / 1e6
        print(f"\n== {' + '.join(paths)}: {len(lines):,} distinct lines, {mb:.1f} MB (read in "
              f"{time.perf_counter() - t:.1f} s) ==")
        with tempfile.TemporaryDirectory() as tmp:
            for detail in ("none", "full"):
                bench_fts5(lines, Path(tmp), detail)
            bench_tantivy(lines, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
