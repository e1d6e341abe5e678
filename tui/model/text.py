"""Text hygiene shared by every layer: terminal-safe text and numbers read the same way everywhere.

Report text and file names are untrusted: `sanitize` removes what could drive a terminal right after
decoding; `printable_name` shows a file name (which may hold bytes that are not UTF-8, control
characters or newlines) as escaped, readable text; `nfkc` normalises full-width digits and signs
wherever numbers are read.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
