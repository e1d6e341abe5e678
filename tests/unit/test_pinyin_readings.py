"""A character's pinyin readings read from pypinyin's per-character dictionary (without importing
pypinyin) are the ones pypinyin itself gives; report text's readings never import it, a name's
readings in context do."""

from __future__ import annotations

import sys

import pytest

from tui.index.load import load_library
from tui.index.search import pinyin as py
from tui.index.search.engine import SearchIndex

# every character of the ranges search reads as hanzi, a sample of each (and the odd readings: ê, m, n)
SAMPLE = [chr(c) for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(a, b + 1, 41)]
ODD = "欸嗯呒呣哼噷姆唔行长绿女略虐乐了着重"


def test_single_readings_are_pypinyins():
    from pypinyin import Style, lazy_pinyin, pinyin

    assert py._single_dict() is not None  # (read from the files, not the fallback through pypinyin)
    for ch in SAMPLE + list(ODD):
        out = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        assert py._normal_readings(ch) == (out[0] if out else []), ch
        assert py.char_readings(ch) == tuple(dict.fromkeys(r.lower() for r in py._normal_readings(ch) if r.isalpha()))
        # a lone hanzi's reading in context is pypinyin's too
        context = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
        assert py.readings(ch)[0][:1] == tuple(r.lower() for r in context[:1]), ch
    assert py.char_readings("绿") == ("lv", "lu") and py.char_readings("行")[:2] == ("xing", "hang")
    assert py.char_readings("a") == () and py.char_readings("。") == ()


def test_report_text_is_read_without_pypinyin_and_names_in_context_with_it(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "r.md").write_text("# 2024-W10\n\n## 进\n\n- 银行 接口 完成 a 行\n", encoding="utf-8")
    (tmp_path / "b" / "r.md").write_text("# 2024-W11\n\n## 进展\n\n- 存管 上线\n", encoding="utf-8")
    one, two = load_library([str(tmp_path / "a")]).reports, load_library([str(tmp_path / "b")]).reports
    py._single_dict()
    monkeypatch.setitem(sys.modules, "pypinyin", None)  # (importing pypinyin now fails)
    ix = SearchIndex.build(one)
    ix.prepare_pinyin()  # (its one name, 进, is a lone hanzi: read as its first reading)
    assert ix.char_pinyin["行"][:2] == ["xing", "hang"] and set(ix.char_pinyin) >= set("银行接口完成")
    assert ix.readings["进"] == [("jin",)]
    assert [h.line for h in ix.search("yinhang").hits] == [5]
    with pytest.raises(ImportError):
        SearchIndex.build(two).prepare_pinyin()  # (进展 holds two hanzi: its readings in context need phrases)
    monkeypatch.undo()
    ix = SearchIndex.build(two)
    ix.prepare_pinyin()
    assert ix.readings["进展"] == [("jin",), ("zhan",)]
    assert py.readings("银行")[1][0] == "hang"
