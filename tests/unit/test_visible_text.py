"""What a reader sees of a line (`records.visible`): link targets, autolinks, bare URLs and `href`/`src`
values hidden, their URLs given apart; a URL glued to a word is text."""

from __future__ import annotations

import pytest

from tui.index.search.records import HIDDEN, fold, visible

CASES = [
    ("see xhttp://a.b/c and http://a.b/c", "see xhttp://a.b/c and ~~~~~~~~~~~~", "http://a.b/c"),
    ('HREF = "https://x.org/a" text', "~~~~~~~~~~~~~~~~~~~~~~~~ text", "https://x.org/a"),
    ("a Www.Example.com/b done", "a ~~~~~~~~~~~~~~~~~ done", "Www.Example.com/b"),
    ('<FTP://h/x> [t](https://u "T") [r][lbl]', "~~~~~~~~~~~ [t~~~~~~~~~~~~~~~~ [r~~~~~~", "FTP://h/x https://u"),
    ("ſrc='q.png' _www.x.y srcs='z'", "~~~~~~~~~~~ _www.x.y srcs='z'", "q.png"),
    ("Line one\nhttps://x.y", "Line one\n~~~~~~~~~~~", "https://x.y"),
    ("汉字 https://x.y，后文", "汉字 ~~~~~~~~~~~，后文", "https://x.y"),
    ("no link: a < b = c", "no link: a < b = c", ""),
]


@pytest.mark.parametrize("line, seen, urls", CASES)
def test_visible(line, seen, urls):
    got, got_urls = visible(line)
    assert got.replace(HIDDEN, "~") == seen and got_urls == urls and len(got) == len(line)


def test_fold():
    assert fold("ＡＢｃ１\u3000x\ny") == "ABc1 x y"
    line = "nothing to fold"
    assert fold(line) is line
