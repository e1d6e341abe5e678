"""Posting lists of the search index's lines, kept by tantivy: which lines may hold a string.

The search index (`index.IndexData`) keeps every distinct visible line once, lower case, with an id
that never changes (lines are only ever appended). A tantivy index holds, per line id, the line's
characters and character pairs (1–2-character n-grams; none across a space, which no word looked up
holds); a word's candidate lines are those holding
every pair of it (one character: that character), a superset the engine then checks with the same
scan as before, on those lines only. So the answer never depends on this index: a line it does not
hold yet (appended since it was last extended) is scanned as before, and without it (no tantivy, a
damaged or busy folder) every line is.

A third field holds each line's words of one or two Latin letters or digits, whole (its runs of
lower-case letters and digits that short, as `scans` tells a whole word), so such a word's whole-word
lines are the lines of that term (`whole_holding`, exact) rather than a scan of every line for it
(`t`, `re`: ~35–70 ms at 10,000 reports); a longer word is whole in some line only if it is a word of
the index's vocabulary, which says so without asking here.

A second field holds each line's pinyin initials: the pairs of letters two adjacent hanzi may start
with (every reading of each: 行 is xing or hang, so 银行 gives "yx" and "yh"), so pinyin initials or
syllables in running text (`byz`, `beiyi`) are checked on the lines holding every pair of their
initials rather than on every line (`initials_holding`).

A posting index belongs to one index's line ids (`token`, a random identity saved with the index's
parts): it lives in the cache folder (`search/<hash of the library key>/`, one writer at a time
across processes, by tantivy's lock file) or in memory for an index that is not saved. Whatever goes
wrong with it (its folder damaged, another process writing, tantivy missing) means it is not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterable

from .records import HANZI_RUNS

FORMAT = 3  # 2: the lines' pinyin initials (field "i"); 3: their words of one or two letters (field "w")
TOKENIZER = "reports-tui-ngram-1-2"
WORDS_TOKENIZER = "reports-tui-latin-words"  # (`scans._WORD_CLASS`: a whole word is a run of these)
WORD_MAX = 2  # the longest word posted whole (longer ones are most of a line's words, and the room they'd take)
INFO = "reports-tui.json"  # beside tantivy's files: {"format", "token"}
WRITER_HEAP = 64_000_000
MAX_PAIRS = 12  # a long word is looked up by this many of its pairs (the check afterwards is exact)


def folder_for(cache_dir: str | os.PathLike, key: str) -> Path:
    """Where the posting index of a library's saved search index lives."""
    return Path(cache_dir) / "search" / hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _failure() -> tuple[type[BaseException], ...]:
    # tantivy reports damage as ValueError/OSError, and a Rust panic as pyo3's PanicException (a
    # BaseException): both mean "not usable now", never the end of a search.
    try:
        from pyo3_runtime import PanicException  # type: ignore[import-not-found]
    except ImportError:
        return (ValueError, OSError, RuntimeError)
    return (ValueError, OSError, RuntimeError, PanicException)


def _grams(s: str) -> list[str]:
    """The character pairs a string is looked up by (a single character: itself)."""
    if len(s) < 2:
        return [s] if s else []
    pairs = list(dict.fromkeys(s[i:i + 2] for i in range(len(s) - 1)))
    if len(pairs) > MAX_PAIRS:  # (first, last and evenly between: enough to narrow the lines down)
        step = (len(pairs) - 1) / (MAX_PAIRS - 1)
        pairs = list(dict.fromkeys(pairs[round(i * step)] for i in range(MAX_PAIRS)))
    return pairs


_INITIALS: dict[str, str] = {}  # hanzi → the letters its readings start with (pypinyin's, as the engine reads them)
_PAIRS: dict[str, tuple[str, ...]] = {}  # two adjacent hanzi → the pairs of initials they may spell
_RUNS: dict[str, tuple[str, ...]] = {}  # a run of hanzi → the pairs of initials it may spell (a few kept)
RUNS_KEPT = 100_000


def _initials(ch: str) -> str:
    got = _INITIALS.get(ch)
    if got is None:
        from .match import text_readings
        from .pinyin import char_readings

        got = _INITIALS[ch] = "".join(sorted({r[0] for r in text_readings(char_readings(ch))}))
    return got


def initial_pairs(text: str) -> list[str]:
    """The pairs of pinyin initials a line's adjacent hanzi may spell (lower case; every reading of
    each), as the engine's pinyin tiers read them (`columns.IndexData.char_pinyin`)."""
    runs = [r for r in HANZI_RUNS.findall(text) if len(r) > 1]
    if not runs:
        return []
    out: set[str] = set()
    for run in runs:
        got = _RUNS.get(run)
        if got is None:  # (the same runs of hanzi recur from line to line: names, phrases)
            got = set()
            for two in {run[i:i + 2] for i in range(len(run) - 1)}:
                pairs = _PAIRS.get(two)
                if pairs is None:
                    pairs = _PAIRS[two] = tuple(a + b for a in _initials(two[0]) for b in _initials(two[1]))
                got.update(pairs)
            if len(_RUNS) >= RUNS_KEPT:
                _RUNS.clear()
            got = _RUNS[run] = tuple(got)
        out.update(got)
    return sorted(out)


class Postings:
    """A tantivy index of line ids → their 1–2-character n-grams (see the module's description)."""

    def __init__(self, index: Any, schema: Any, token: str, folder: Path | None):
        self._ix, self._schema, self.token, self.folder = index, schema, token, folder
        self._lock = threading.RLock()  # reading, and swapping the searcher (short)
        self._writing = threading.Lock()  # extending (long: never held by a query)
        self._searcher = index.searcher()
        self.failed = False

    # -- opening ---------------------------------------------------------------------------------

    @staticmethod
    def _schema_and_analyzer() -> tuple[Any, Any]:
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("t", stored=False, tokenizer_name=TOKENIZER, index_option="basic")
        sb.add_text_field("i", stored=False, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("w", stored=False, tokenizer_name=WORDS_TOKENIZER, index_option="basic")
        sb.add_integer_field("tid", stored=False, fast=True, indexed=False)
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 2, False)).build()
        return sb.build(), analyzer

    @staticmethod
    def _register(ix: Any, analyzer: Any) -> None:
        import tantivy

        ix.register_tokenizer(TOKENIZER, analyzer)
        words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex("[0-9a-z]+"))
        ix.register_tokenizer(WORDS_TOKENIZER, words.filter(tantivy.Filter.remove_long(WORD_MAX + 1)).build())

    @classmethod
    def create(cls, token: str, folder: Path | None = None) -> Postings | None:
        """A new, empty posting index (in `folder`, replacing whatever is there; None: in memory), or
        None when tantivy cannot make one."""
        try:
            import tantivy

            schema, analyzer = cls._schema_and_analyzer()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True, exist_ok=True)
                ix = tantivy.Index(schema, path=str(folder))
            else:
                ix = tantivy.Index(schema)
            cls._register(ix, analyzer)
            if folder is not None:
                tmp = folder / (INFO + ".tmp")
                tmp.write_text(json.dumps({"format": FORMAT, "token": token}), encoding="utf-8")
                os.replace(tmp, folder / INFO)
            return cls(ix, schema, token, folder)
        except ImportError:
            return None
        except _failure():
            return None

    @classmethod
    def open(cls, folder: Path, token: str) -> Postings | None:
        """The posting index in `folder` when it belongs to the index `token` (None otherwise, or when
        it cannot be read)."""
        try:
            info = json.loads((folder / INFO).read_text(encoding="utf-8"))
            if type(info) is not dict or info.get("format") != FORMAT or info.get("token") != token:
                return None
            import tantivy

            schema, analyzer = cls._schema_and_analyzer()
            ix = tantivy.Index.open(str(folder))
            cls._register(ix, analyzer)
            got = cls(ix, schema, token, folder)
            got.ndocs  # (a damaged folder fails here, not in the middle of a query)
            return got
        except ImportError:
            return None
        except (_failure() + (TypeError, UnicodeDecodeError, json.JSONDecodeError)):
            return None

    # -- reading ---------------------------------------------------------------------------------

    @property
    def ndocs(self) -> int:
        """How many lines it holds (ids 0 … ndocs-1: lines are added in order)."""
        with self._lock:
            return self._searcher.num_docs

    def holding(self, s: str | list[str], cap: int) -> list[int] | None:
        """The ids of the lines that may hold `s` (lower case; a list: every one of those strings, in one
        query over all their pairs), ascending; None when more than `cap` may (scanning them all is then
        as quick) or the index cannot answer."""
        grams = _grams(s) if isinstance(s, str) else list(dict.fromkeys(g for w in s for g in _grams(w)))
        return self._lines("t", grams, cap)

    def whole_holding(self, word: str, cap: int) -> list[int] | None:
        """The ids of the lines holding a word of one or two Latin letters or digits (lower case) as a
        whole word, ascending (exact: every line's short words are posted); None as for `holding`, or
        for a longer word."""
        return self._lines("w", [word], cap) if 0 < len(word) <= WORD_MAX else None

    def initials_holding(self, letters: str, cap: int) -> list[int] | None:
        """The ids of the lines that may spell these pinyin initials (two or more letters, lower case)
        in adjacent hanzi: those holding every pair of them; None as for `holding`."""
        return self._lines("i", list(dict.fromkeys(letters[i:i + 2] for i in range(len(letters) - 1))), cap)

    def lacking(self, s: str, cap: int) -> list[int] | None:
        """The ids of the lines that do not hold `s` (one or two characters, lower case: a term of its
        own), ascending; None as for `holding`."""
        return self._lines("t", [s], cap, lacking=True) if 0 < len(s) <= 2 else None

    def _lines(self, field: str, grams: list[str], cap: int, lacking: bool = False) -> list[int] | None:
        """The ids of the lines holding every one of these terms of a field (`lacking`: the one term
        not), ascending (None: more than `cap`, or the index cannot answer)."""
        if not grams or self.failed:
            return None
        try:
            import tantivy

            with self._lock:
                terms = [tantivy.Query.term_query(self._schema, field, g) for g in grams]
                q = terms[0] if len(terms) == 1 else tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, t) for t in terms])
                if lacking:
                    q = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                     (tantivy.Occur.MustNot, q)])
                searcher = self._searcher
                count = searcher.search(q, limit=1, count=True).count
                if count > cap:
                    return None
                if not count:
                    return []
                hits = searcher.search(q, limit=count, count=False, order_by_field="tid",
                                       order=tantivy.Order.Asc).hits
            return [tid for tid, _addr in hits]
        except _failure():
            self.failed = True
            return None

    # -- growing ---------------------------------------------------------------------------------

    def extend(self, start: int, texts: Iterable[tuple[int, str]]) -> bool:
        """Add lines (id, lower-case text) from id `start` on, in one commit; False when that could not
        be done (another process writing or done meanwhile, a full disk): it is tried another time."""
        try:
            import tantivy

            with self._writing:
                writer = self._ix.writer(heap_size=WRITER_HEAP, num_threads=1)
                try:
                    self._ix.reload()
                    if self._ix.searcher().num_docs != start:  # (another process added them first)
                        writer.rollback()
                        self._swap()
                        return False
                    for tid, text in texts:
                        # (a line a piece between spaces at a time: no word looked up holds a space, so
                        # the pairs across one and the space itself would only take room)
                        pieces = [p for p in text.split(" ") if p]
                        pairs = initial_pairs(text)
                        if pairs:
                            writer.add_document(tantivy.Document(t=pieces, i=pairs, w=text, tid=tid))
                        else:
                            writer.add_document(tantivy.Document(t=pieces, w=text, tid=tid))
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    try:
                        writer.rollback()
                    except _failure():
                        pass
                    raise
                self._swap()
            return True
        except ImportError:
            return False
        except _failure():
            return False

    def _swap(self) -> None:
        """Read what was committed (queries from now on see it)."""
        self._ix.reload()
        searcher = self._ix.searcher()
        with self._lock:
            self._searcher = searcher

    def size(self) -> int:
        """Bytes on disk (0 in memory)."""
        if self.folder is None:
            return 0
        return folder_size(self.folder)


def folder_size(folder: Path) -> int:
    """Bytes of the files under a folder (0 when it is gone)."""
    total = 0
    try:
        for p in folder.rglob("*"):
            try:
                if p.is_file():
                    total += p.stat().st_size
            except OSError:
                pass
    except OSError:
        pass
    return total
