"""The table of the names pinyin may spell, saved with the search index: a process answering one query
reads it back instead of working it out from every name's readings, an index saved without it (the
format before) is built again, and a table that does not fit its names is not used."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from tui.index.load import load_library
from tui.index.search import tiers
from tui.index.search.spelling import StoredSpelling, read_spelling, spelling_parts
from tui.index.store.searchdb import cache_file, open_saved
from tui.index.workspace import Workspace


def _workspace(tmp_path: Path, monkeypatch) -> Workspace:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2024-W01.md").write_text(
        "# 周报 2024-W01\n\n## 【贝易转】\n\n- 上线完成\n\n## 【百叶窗】\n\n- 装好\n", encoding="utf-8")
    (reports / "2024-W02.md").write_text("# 周报 2024-W02\n\n## 【银行对账】\n\n- 对完\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return Workspace(load_library([str(reports)], use_cache=True), use_cache=True)


def _made(monkeypatch) -> list[int]:
    """The lengths of the starts worked out from readings from now on."""
    made: list[int] = []
    real = tiers._spelled_starts
    monkeypatch.setattr(tiers, "_spelled_starts", lambda rd, j, n, out: made.append(n) or real(rd, j, n, out))
    return made


def _found(res) -> list[tuple[str, str, float]]:
    return [(h.text, h.tier, h.score) for h in res.hits]


@pytest.mark.parametrize("lazy", [True, False])
def test_a_saved_index_answers_pinyin_of_names_from_its_stored_table(tmp_path, monkeypatch, lazy):
    ws = _workspace(tmp_path, monkeypatch)
    built = ws.search_index()
    want = {q: _found(built.search(q)) for q in ("by", "byz", "beiyi", "yhdz")}
    assert want["byz"] and all(t == "pinyin" for _text, t, _s in want["byz"])
    got = open_saved(cache_file(), ws._index_key(ws.library), lazy=lazy)
    assert got is not None
    index, _fp, close = got
    try:
        made = _made(monkeypatch)
        assert {q: _found(index.search(q)) for q in want} == want
        assert 2 not in made  # (the two-letter table read back, not made from the names' readings)
        assert isinstance(index._pairs_memo[1], StoredSpelling)
    finally:
        close()


def test_an_index_saved_without_the_table_is_built_again_with_it(tmp_path, monkeypatch):
    ws = _workspace(tmp_path, monkeypatch)
    with monkeypatch.context() as m:  # (saved by the format before: its stamp names it)
        m.setattr("tui.index.search.index.FORMAT", "4")
        m.setattr("tui.index.search.parts.FORMAT", "4")
        ws.search_index()
        assert open_saved(cache_file(), ws._index_key(ws.library), lazy=True) is not None
    assert open_saved(cache_file(), ws._index_key(ws.library), lazy=True) is None  # (another format: not read)
    again = Workspace(ws.library, use_cache=True)
    assert again.search("byz").hits
    index, _fp, close = open_saved(cache_file(), again._index_key(again.library), lazy=True)
    try:
        assert isinstance(index._pairs_memo[1], StoredSpelling)
    finally:
        close()


def test_a_stored_table_for_other_names_is_not_used_and_a_damaged_one_is_found_out():
    terms = {"贝易转": 0, "百叶窗": 1, "银行对账": 2}
    table = {"by": [("贝易转", 0), ("百叶窗", 1)], "yh": [("银行对账", 2)]}
    parts = spelling_parts(table, len(terms))
    back = read_spelling(parts["spelling"], parts["spelling_ids"], terms)
    assert back is not None and {k: back.get(k) for k in table} == table and back.get("zz", []) == []
    assert read_spelling(parts["spelling"], parts["spelling_ids"], {**terms, "新名字": 3}) is None
    bad = array("i", parts["spelling_ids"])
    bad[0] = 7  # (no such name)
    with pytest.raises(ValueError):
        read_spelling(parts["spelling"], bad.tobytes(), terms)
    with pytest.raises(ValueError):
        read_spelling(parts["spelling"], parts["spelling_ids"][:-4], terms)
    with pytest.raises(ValueError):
        read_spelling(b'{"terms": 3, "keys": ["by"], "off": [0]}', parts["spelling_ids"], terms)


def test_an_index_read_on_demand_reads_the_readings_of_the_names_a_query_looks_at():
    from tui.index.search.engine import SearchIndex
    from tui.index.search.index import DamagedIndex
    from tui.index.search.readings import StoredReadings

    reports = load_library([str(Path(__file__).parent.parent / "data" / "team")], use_cache=False).reports
    built = SearchIndex.build(reports)
    built.prepare_pinyin()
    parts = built.to_parts()
    index = SearchIndex.from_parts(parts, lazy=True)
    assert isinstance(index.readings, StoredReadings)
    names = [t for t in built.terms if t in built.readings]
    assert names and not set(names) & set(dict.keys(index.readings))  # (no name's decoded yet)
    some = names[len(names) // 2]
    assert index.readings.get(some) == built.readings[some]
    assert set(names) & set(dict.keys(index.readings)) == {some}  # (that one alone)
    assert all(index.readings.get(t) == built.readings[t] for t in names)
    assert index.readings.get("no such name", "none") == "none"
    damaged = {"readings": b'[{"a":1}]', "readings.off": array("i", [8]).tobytes(), "readings.authors": b"{}"}
    with pytest.raises(DamagedIndex):
        StoredReadings(damaged, lambda: {"x": 0}, 1).get("x")


def test_the_names_three_letters_start_are_those_whose_readings_spell_them(monkeypatch):
    # the names pinyin of three letters may spell a run of are found by one pattern over the readings
    # of those its first two name, never by working out each name's three-letter starts at a key: the
    # same names as every start of every name's readings gives (polyphones, Latin letters and digits,
    # characters with no reading between)
    from tui.index.search.engine import SearchIndex

    reports = load_library([str(Path(__file__).parent.parent / "data" / "team")], use_cache=False).reports
    index = SearchIndex.build(reports)
    index.prepare_pinyin()
    for name in ("银行对账", "重庆行长", "区块链2期", "a银·行b", "长长乐", "x", "单于"):
        index.terms.setdefault(name, len(index.terms))
    index.warm()
    starts: dict[str, set[str]] = {}
    for term in index.terms:
        rd, found = index._readings_of(term), set()
        for j in range(len(rd)):
            tiers._spelled_starts(rd, j, 3, found)
        for s in found:
            starts.setdefault(s, set()).add(term)
    made = _made(monkeypatch)
    assert {"yhd", "zqh", "czl", "qkl", "l2q", "ayi", "hab"} <= set(starts) and "ayh" not in starts
    for s in [*starts, "zzz", "yhq", "b2q"]:
        assert {term for term, _i in index._names_spelling(s)} == starts.get(s, set()), s
    assert 3 not in made and 2 not in made
