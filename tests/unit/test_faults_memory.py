"""Memory bounded by design: a report's bytes, its text, its lines and what the parse cache stores of it
are never held in several copies at once, and what a report is parsed into is bounded whatever the
file holds. Measured with tracemalloc on small inputs (the limits that matter at hundreds of MB are
lowered here, so the behaviour they bound shows at a few MB); the real sizes are measured by
`benchmarks/bench_memory.py`."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path

import pytest

from tui.index.store import loader
from tui.model import parse, source
from tui.model import text as text_module
from tui.model.report import SourceRef
from tui.model.source import Candidate

MB = 1024 * 1024


def _candidate(path: Path) -> Candidate:
    st = path.stat()
    return Candidate(str(path), None, st.st_size, st.st_mtime_ns)


class Traced:
    """Python's allocations above what was held when it started: now, and at most since."""

    def __enter__(self) -> Traced:
        gc.collect()
        tracemalloc.start()
        self.base = tracemalloc.get_traced_memory()[0]
        return self

    def now(self) -> int:
        """Bytes held now, above the start."""
        return tracemalloc.get_traced_memory()[0] - self.base

    def peak(self) -> int:
        """The most held at once since the start, above it."""
        return tracemalloc.get_traced_memory()[1] - self.base

    def __exit__(self, *exc) -> None:
        tracemalloc.stop()


def test_decoding_copies_nothing_but_the_text():
    """The bytes are read once into text: no stripped copy of the bytes to see whether they are blank,
    no sliced copy behind a BOM, no stripped copy of the text. (ASCII: its text takes what its bytes do.)"""
    body = ("- a line of a weekly report\n" * (4 * MB // 28)).encode()
    for data in (b"# 2024-W10\n\n" + body, b"\xef\xbb\xbf# 2024-W10\n\n" + body):
        with Traced() as t:
            text, _ = source.decode(data)
            assert t.peak() < 1.25 * len(data), f"decoding {len(data) / MB:.1f} MB took {t.peak() / MB:.1f} MB"
        assert len(text) == len(data) - (3 if data.startswith(b"\xef") else 0)


def test_a_report_is_parsed_without_its_bytes(tmp_path, monkeypatch):
    """When a report is parsed its bytes are gone: at the start of the parse only the text is held."""
    from tui.model import load

    path = tmp_path / "r.md"
    path.write_bytes(b"# 2024-W10\n\n" + (b"a long paragraph line " * 40 + b"\n") * (3 * MB // 881))
    seen = []
    real = load.load_text

    def watch(text, *args, **kwargs):
        seen.append(held.now())
        return real(text, *args, **kwargs)

    monkeypatch.setattr(load, "load_text", watch)
    with Traced() as held:
        parts = loader.parse_candidate(_candidate(path), parse.DEFAULT_VOCABULARY, search=False)
    size = path.stat().st_size
    assert parts["kind"] == "report" and len(seen) == 1
    assert seen[0] < 1.25 * size, f"{seen[0] / MB:.1f} MB held for a {size / MB:.1f} MB report: bytes and text"


def test_a_report_holds_a_bounded_number_of_parts_and_says_where_it_stops(monkeypatch):
    """`- x` is 4 bytes of text and hundreds of bytes parsed: past MAX_PARTS sections and items the
    rest of a report is text only, with a warning naming the line; its lines are never all held."""
    monkeypatch.setattr(parse, "MAX_PARTS", 2000)
    monkeypatch.setattr(text_module, "LINES_AT_ONCE", 64 * 1024)
    text = "# 2024-W10\n\n## 【O1 业务】\n\n" + "- x\n" * (MB // 2)  # 2 MB, half a million items
    with Traced() as t:
        report = parse.parse_report(text, SourceRef("big.md"))
        peak = t.peak()
    # (2000 items and 64 K characters of lines at a time: less than the text itself takes, where half a
    # million items took 70 times as much)
    assert peak < sys.getsizeof(text), f"parsing {len(text) / MB:.1f} M characters took {peak / MB:.1f} MB"
    items = [i for s in report.root.walk() for i in s.all_items()]
    assert len(items) + len(report.sections) == 2000
    assert report.text is text
    (cut,) = [w for w in report.warnings if w.message.startswith("too large to read whole")]
    assert cut.line == 4 + 2000 and f"from line {cut.line:,} on it is text only" in cut.message
    assert report.root.end_line == text.count("\n") + 1


def test_lines_are_split_a_part_at_a_time_as_split_gives_them(monkeypatch):
    monkeypatch.setattr(text_module, "LINES_AT_ONCE", 7)
    for text in ("", "\n", "a", "a\n", "a\nb", "0123456789\nab\n\nc\n", "\n\n\n", "x" * 30 + "\n" + "y" * 3):
        lines = text.split("\n")
        assert list(text_module.iter_lines(text)) == lines, repr(text)
        index = text_module.LineIndex(text)
        assert list(index) == lines and index[-1] == lines[-1] and index[1:3] == lines[1:3]
        assert [index.offset(i) for i in range(len(lines))] == [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
        index.drop_final_empty()
        assert list(index) == (lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines)


def test_a_long_report_is_stored_without_its_text_and_its_body_read_from_its_file(tmp_path, monkeypatch,
                                                                                   cache_home):
    """The parse cache gets the head, projects and search record of a long report, never its text (no
    row holds text: a body is read from its file); its text does not come back from the parse worker
    either, so the loaded library keeps its head only, and its body is read again from its file when it
    is used: the same as a parse without the cache."""
    from tui.index.load import load_library

    monkeypatch.setattr(loader, "MAX_STORED_TEXT", 5000)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "long.md").write_text("# 2024-W10\n\n## 【O1 业务】\n\n" + "".join(
        f"- 【项目{i}】进度{i % 100}%\n" for i in range(400)), encoding="utf-8")
    (folder / "short.md").write_text("# 2024-W11\n\n- 【贝易转】进度50%\n", encoding="utf-8")
    want = {r.source.name: r for r in load_library([str(folder)]).reports}
    for run in ("cold", "warm"):
        lib = load_library([str(folder)], use_cache=True)
        got = {r.source.name: r for r in lib.reports}
        long = got["long.md"]
        assert isinstance(long, loader.LazyReport), run
        assert "root" not in long.__dict__ and "text" not in long.__dict__, f"{run}: the body is held"
        assert long.warnings == want["long.md"].warnings and long.kpis == want["long.md"].kpis
        assert long.text == want["long.md"].text
        assert [s.title for s in long.sections] == [s.title for s in want["long.md"].sections]
        assert long.projects == want["long.md"].projects
        assert got["short.md"].text == want["short.md"].text
    import sqlite3

    with sqlite3.connect(next(cache_home.rglob("*.sqlite3"))) as db:
        stored = dict(db.execute("SELECT path, text IS NOT NULL FROM reports"))
    assert stored == {str(folder / "long.md"): 0, str(folder / "short.md"): 0}
