"""Line breaking for mixed CJK and Latin text (a small subset of Unicode's UAX #14).

Rich wraps at spaces only, so a Chinese sentence wraps at its last space and leaves the rest of the
row empty. Here a line may break:
- after a run of spaces (the spaces are dropped at the break);
- between two CJK characters, and between a CJK character and a Latin one;
but never inside a Latin word (unless the word alone is wider than the line), never before a closing
punctuation mark (`，。、；：？！）】」』》〉”’` and their full- and half-width forms: such a mark stays
with the character before it), and never after an opening one (`（【「『《〈“‘`).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

# No line starts with these (UAX #14 classes CL, CP, EX, IS, NS in their CJK and ASCII forms).
CLOSING = frozenset(
    "，。、；：？！）】」』》〉〕〗〙〛｝］”’"  # full-width
    "﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"  # small forms
    "｡､｣｠"  # half-width
    ",.;:?!)]}%"  # ASCII
    "…‥・ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ゛゜"
    "％"
)
# No line ends with these (class OP, and opening quotes).
OPENING = frozenset("（【「『《〈〔〖〘〚｛［“‘(［｢﹙﹛﹝[{")


@lru_cache(maxsize=4096)
def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, kana, CJK symbols and punctuation, unified ideographs
        or 0xAC00 <= o <= 0xD7AF  # Hangul syllables
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # full- and half-width forms
        or 0x20000 <= o <= 0x3FFFF  # supplementary ideographs
    )


def _can_break_before(text: str, i: int) -> bool:
    """Whether a line may start at index `i` (0 < i < len) without a space before it."""
    ch, prev = text[i], text[i - 1]
    if ch in CLOSING or prev in OPENING:
        return False
    if ch == " " or prev == " ":
        return False  # spaces are handled as break points of their own
    return _is_cjk(ch) or _is_cjk(prev)


def break_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) character ranges of the lines of `text` broken to `width` cells.

    Spaces at a break are left out of both lines. A word wider than the line is cut where it fills it.
    """
    n = len(text)
    width = max(width, 1)
    if n <= width and (text.isascii() or cell_len(text) <= width):
        return [(0, n)]
    # cells before each index: one pass in C for the widths, then a bisection per line.
    cum = None if text.isascii() else list(accumulate(map(get_character_cell_size, text), initial=0))
    if cum is not None and cum[-1] <= width:
        return [(0, n)]
    out: list[tuple[int, int]] = []
    start = 0
    while start < n:
        if out:
            while start < n and text[start] == " ":
                start += 1
            if start >= n:
                break
        # `e`: the first index that no longer fits on this line.
        e = start + width if cum is None else bisect_right(cum, cum[start] + width) - 1
        if e >= n:
            end = n
            while end > start and text[end - 1] == " ":
                end -= 1
            out.append((start, end))
            break
        b = e
        if text[start : e + 1].isascii():
            # Latin only: the last space is the only break point (no walking back through long words).
            b = text.rfind(" ", start + 1, e + 1)
            if b < 0:
                b = start
        while b > start:
            if text[b] == " ":
                end = b
                while end > start and text[end - 1] == " ":
                    end -= 1
                if end > start:
                    out.append((start, end))
                    start = b
                    break
            elif _can_break_before(text, b):
                out.append((start, b))
                start = b
                break
            b -= 1
        else:
            # No break point on this line: cut the word where the line is full (at least one character).
            cut = max(e, start + 1)
            while cut > start + 1 and cut < n and text[cut] in CLOSING:
                cut -= 1  # a closing mark still takes the character before it along
            out.append((start, cut))
            start = cut
    return out or [(0, 0)]


def break_lines(text: Text, width: int) -> list[Text]:
    """`text` broken into lines of at most `width` cells (see the module's rules), styles kept."""
    plain = text.plain
    ranges = break_ranges(plain, width)
    if len(ranges) == 1 and ranges[0] == (0, len(plain)):
        return [text]
    cuts: list[int] = []
    for s, e in ranges:
        cuts.append(s)
        cuts.append(e)
    pieces = text.divide(cuts)  # pieces[0] is before the first cut, then alternating line / gap
    return [pieces[1 + 2 * k] for k in range(len(ranges))]
