"""A saved index that can no longer be read — of an older format after an upgrade, or damaged — is built
again from the library as the cache holds it. The saved index had taken over the reports' search records
(deleted from the cache: it holds them), so they are made again from each report's body; that must not
leave every report holding its body afterwards (at 100,000 reports such a rebuild held ~3 GB more than a
first build)."""

from __future__ import annotations

from tui.index.load import load_library
from tui.index.search import parts
from tui.index.workspace import Workspace

N = 60


def _library(root) -> None:
    """Reports with projects of many items each (what a report's body holds beyond its head)."""
    for i in range(N):
        week = f"2024-W{i % 50 + 1:02d}"
        lines = [f"# 周报 {week}", "", "## 项目进展", ""]
        for p in range(6):
            lines += [f"### 项目{p} 迁移", ""]
            lines += [f"- 第{i}周 条目{j}：接口联调完成，覆盖率 {50 + j}%，下周继续推进存管路由的切换" for j in range(12)]
            lines.append("")
        (root / f"r{i // 50}").mkdir(exist_ok=True)
        (root / f"r{i // 50}" / f"{week}.md").write_text("\n".join(lines), encoding="utf-8")


def _search(folder):
    """The library as the cache holds it, searched: the library and the hits."""
    lib = load_library([str(folder)], use_cache=True)
    result = Workspace(lib, use_cache=True, check_files=True).search("存管", limit=1000)
    return lib, [(h.report.source.path, h.line, h.score) for h in result.hits], result.total


def test_an_index_rebuilt_from_the_cache_leaves_no_report_holding_its_body(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    folder.mkdir()
    _library(folder)
    load_library([str(folder)], use_cache=True)  # (parsed and stored)
    _lib, hits, total = _search(folder)  # (read from the cache: the index built, saved, the records taken over)
    assert total >= len(hits) > N
    monkeypatch.setattr(parts, "FORMAT", parts.FORMAT + "-next")  # (the index saved is of another format now)
    lib, again, total_again = _search(folder)
    assert (again, total_again) == (hits, total)  # (the same answer from the index built again)
    # (a report's projects, once read, stay with it; the bodies the records were made from are otherwise
    # let go of, a few hundred at a time: what a library's projects cost is what a rebuild kept)
    kept = [r for r in lib.reports if "projects" in r.__dict__]
    assert not kept, f"{len(kept)} of {N} reports kept their projects after the index was built again"
