"""A page of hits is kept for a query typed again (`SearchIndex._kept_page`) only while the index is as it
was: a report added, or one replaced (its old version marked dead), and the same words find what the
index now holds — never the page kept before it changed."""

from __future__ import annotations

from tui.index.search.engine import SearchIndex
from tui.index.search.index import Doc


def _report(i: int, lines: list[str], version: int = 0) -> tuple[Doc, tuple]:
    week = f"2024-W{1 + i:02d}"
    doc = Doc(f"/lib/{i}.md", "", 100 + version, float(version), week, week.lower(), None, "",
              (0, week, "", f"/lib/{i}.md"))
    ents = [(1, f"Week {i}", "", (), None, True, "title")]
    ents += [(2 + n, text, "", (), None, False, "item") for n, text in enumerate(lines)]
    return doc, ((), (), (), tuple(ents))


def _texts(ix: SearchIndex, query: str, limit: int, counted: bool = True) -> list[str]:
    return [h.text for h in ix.search(query, limit=limit, counted=counted).hits]


def test_a_query_typed_again_finds_what_the_index_holds_now():
    ix = SearchIndex()
    ix.add([_report(0, ["ledger migration step 1", "cache warmup"]), _report(1, ["ledger audit"])])
    for limit, counted in ((40, False), (300, True)):
        assert _texts(ix, "ledger", limit, counted) == ["ledger audit", "ledger migration step 1"]
        assert _texts(ix, "ledger", limit, counted) == ["ledger audit", "ledger migration step 1"]  # (kept)
    ix.add([_report(2, ["ledger rollout done"])])  # (a newer report: first among equal scores)
    for limit, counted in ((40, False), (300, True)):
        assert _texts(ix, "ledger", limit, counted) == ["ledger rollout done", "ledger audit",
                                                        "ledger migration step 1"]
    ix.kill(1)  # (report 1 replaced: its old version dead, the new one added, of lines the index holds)
    ix.add([_report(1, ["cache warmup"], version=1)])
    for limit, counted in ((40, False), (300, True)):
        assert _texts(ix, "ledger", limit, counted) == ["ledger rollout done", "ledger migration step 1"]
        res = ix.search("ledger", limit=limit, counted=counted)
        assert res.total == 2 or res.capped
