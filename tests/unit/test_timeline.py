"""Project timelines: identity across weeks, progress figures, status, the project list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.index.load import load_library
from tui.index.timeline import projects, same_project, timeline

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def lib():
    return load_library([str(SEEDS)])


def test_realtime_warehouse_progress_per_week(lib):
    t = timeline(lib, "实时数仓")
    assert [w.report.week for w in t.weeks] == ["2024-W17", "2024-W23", "2024-W29"]
    assert [w.first_progress for w in t.weeks] == [80, 98, 98]
    assert [v for _, v in t.progress_series()] == [80, 98, 98]
    assert t.weeks[2].progress == [98, 95]
    assert t.weeks[0].status == "整体进度80%。"


def test_same_project_under_another_name(lib):
    a = timeline(lib, "贝易转（C转）")
    b = timeline(lib, "贝易转")
    assert [w.report.week for w in a.weeks] == [w.report.week for w in b.weeks] == ["2024-W17", "2024-W23", "2024-W29"]
    assert a.weeks[0].projects[0].name == "贝易转（C转）"
    assert timeline(lib, "实时数仓项目").key == "实时数仓"
    # every entry line of the week is there, oldest week first, in source order
    w = b.weeks[0]
    assert w.entries[0][1] == "【贝易转（C转）】" and [ln for ln, _ in w.entries] == sorted(ln for ln, _ in w.entries)


@pytest.mark.parametrize("a, b, same", [
    ("贝易转", "贝易转", True),
    ("物保", "物保二期", False),
    ("实时数仓", "支付实时数仓", False),
    ("银企金融m6v机房迁移", "银企金融m6机房迁移", True),
])
def test_same_project(a, b, same):
    assert same_project(a, b) is same


def test_projects_list(lib):
    infos = projects(lib)
    by_key = {p.key: p for p in infos}
    assert by_key["贝易转"].weeks == 3 and set(by_key["贝易转"].names) == {"贝易转（C转）", "贝易转"}
    assert by_key["实时数仓"].first_week == "2024-W17" and by_key["实时数仓"].last_week == "2024-W29"
    assert [p.weeks for p in infos] == sorted((p.weeks for p in infos), reverse=True)


def test_unknown_project_is_empty(lib):
    assert timeline(lib, "没有这个项目").weeks == []
