"""Text hygiene shared by every layer: terminal-safe text and numbers read the same way everywhere.

Report text and file names are untrusted: `sanitize` removes what could drive a terminal right after
decoding; `printable_name` shows a file name (which may hold bytes that are not UTF-8, control
characters or newlines) as escaped, readable text; `nfkc` normalises full-width digits and signs
wherever numbers are read.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import Iterator, Sequence, overload


class LazyPattern:
    """A regular expression compiled when first used (a module's rules cost nothing at import)."""

    # After the first use each method sits in the instance's dict, bound to the compiled pattern: a call
    # then costs ~80 ns more than on a compiled pattern, so the parser's per-line patterns stay compiled.
    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str):
        compiled = re.compile(self.pattern, self.flags)
        for method in ("search", "match", "fullmatch", "finditer", "findall", "split", "sub", "subn"):
            setattr(self, method, getattr(compiled, method))
        self.groupindex = compiled.groupindex
        self.groups = compiled.groups
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


# ESC sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC (ESC P/X/^/_ ... ST),
# and any other two-character ESC sequence. Then C0/C1 controls except tab and newline, and the
# bidirectional overrides/isolates that can make text display in a different order than it is stored.
_ESC_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str) -> str:
    """Remove terminal escape sequences and control characters (tab and newline stay)."""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESC_SEQ.sub("", text)
    return _CONTROLS.sub("", text)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


_HAS_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@lru_cache(maxsize=4096)  # (a report's titles and lines are read by several extractors, each normalising them)
def nfkc(text: str) -> str:
    """Full-width digits, colons and percent signs to ASCII (and no zero-width characters), for reading numbers."""
    if text.isascii():  # (ASCII is its own NFKC and holds no zero-width character)
        return text
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_ZERO_WIDTH) if _HAS_ZERO_WIDTH.search(text) else text


_SURROGATE = re.compile(r"[\udc80-\udcff]")
_NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable_name(name: str) -> str:
    """A file name fit for a terminal and for UTF-8 output: bytes that were not UTF-8 (decoded by the
    OS as lone surrogates) shown as `\\xff`, control characters, newlines and bidirectional overrides
    as escapes (`\\n`, `\\x1b`, `\\u202e`), so no name can forge a line or drive the terminal."""
    if name.isprintable():
        return name
    name = _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)
    return _NAME_CONTROLS.sub(_escape_control, name)


def _escape_control(m: re.Match) -> str:
    ch = m.group()
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# ── lines of a long text ────────────────────────────────────────────────────────────────────────
#
# A report's lines as strings take several times the memory of its text (a string each: ~50–75 bytes
# besides its characters), so a long text is never split into all of its lines at once.

#: Characters of text split into lines at a time.
LINES_AT_ONCE = 1 << 20


def iter_lines(text: str) -> Iterator[str]:
    """The lines of a text, as `text.split("\\n")` gives them, split `LINES_AT_ONCE` characters at a time."""
    if len(text) <= LINES_AT_ONCE:
        yield from text.split("\n")
        return
    start = 0
    while True:
        end = text.find("\n", start + LINES_AT_ONCE)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


class LineIndex(Sequence[str]):
    """The lines of a text by index, as `text.split("\\n")` holds them, each cut from the text when
    asked for: 8 bytes a line (where it starts) instead of a string a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Where each line starts, and one past the end of the text (as if it ended in a newline).
        self._starts = array("q", accumulate(map(add, map(len, iter_lines(text)), repeat(1)), initial=0))
        self._n = len(self._starts) - 1

    def drop_final_empty(self) -> None:
        """Forget the empty line after a final newline (the last of `split`'s lines), if there are others."""
        if self._n > 1 and self._starts[self._n] - self._starts[self._n - 1] == 1:
            self._n -= 1

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("line index out of range")
        return self.text[self._starts[i]:self._starts[i + 1] - 1]

    def offset(self, i: int) -> int:
        """Where line `i` (from 0) starts in the text; `len(self)` gives where the last line ends + 1."""
        return self._starts[i]
