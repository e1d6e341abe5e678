"""The section tree of a very long report: built within a budget, the rest on demand, and still
following the report and scrolling it."""

from __future__ import annotations


from tui.index.load import load_library
from tui.ui.widgets import section_tree as st
from tui.ui.widgets.report_view import ReportView
from tui.ui.widgets.section_tree import SectionTree
from uiutil import eventually, make_app, ready


def long_report(folder, parts: int = 400, projects: int = 3):
    """Many parts, each with the same few sub-headings and projects (as a long report repeats itself)."""
    text = ["# 2024-W10 长报告\n"]
    for i in range(parts):
        text.append(f"\n## 第{i}部分\n\n### 【O1 业务服务】\n\n")
        text.extend(f"- 【项目{i}-{j}】进度{j}%\n" for j in range(projects))
    path = folder / "long.md"
    path.write_text("".join(text), encoding="utf-8")
    return load_library([str(path)])


def wide_report(folder, items: int = 500):
    """One section holding many projects."""
    text = "# 2024-W11 宽报告\n\n## 【O1 业务服务】\n\n" + "".join(f"- 【项目{j}】进度{j % 100}%\n" for j in range(items))
    path = folder / "wide.md"
    path.write_text(text, encoding="utf-8")
    return load_library([str(path)])


def count(node) -> int:
    return sum(1 + count(c) for c in node.children)


def nodes_of(tree):
    def walk(node):
        for c in node.children:
            yield c
            yield from walk(c)

    return list(walk(tree.root))


async def test_a_long_report_builds_a_bounded_tree_and_fills_sections_when_expanded(tmp_path):
    lib = long_report(tmp_path, parts=400, projects=12)
    report = lib.reports[0]
    assert len(report.sections) == 800 and len(report.projects) == 4800
    async with make_app(lib).run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = pilot.app.query_one(SectionTree)
        built = count(tree.root)
        assert built < st.EAGER_NODES + st.MAX_CHILDREN + 10  # not every section and project
        parts = [n for n in tree.root.children if n.data.kind == "section"]
        assert len(parts) == st.MAX_CHILDREN and tree.root.children[-1].data.kind == "more"
        assert parts[0].is_expanded and parts[0].children  # the first parts show in full
        later = [n for n in parts if not n.is_expanded]
        assert later and not later[-1].children  # later ones wait, collapsed
        node = later[-1]
        node.expand()
        await pilot.pause()
        await pilot.pause()
        assert [c.data.kind for c in node.children] == ["section"]
        sub = node.children[0]
        assert [c.data.kind for c in sub.children] == ["project"] * 12
        assert sub.children[0].data.obj.line > sub.data.obj.line  # the part's own projects


async def test_more_leaf_adds_the_next_children(tmp_path):
    lib = wide_report(tmp_path, items=st.MAX_CHILDREN + 50)
    async with make_app(lib).run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = pilot.app.query_one(SectionTree)
        section = next(n for n in nodes_of(tree) if n.data.kind == "section" and len(n.children) > 10)
        assert len(section.children) == st.MAX_CHILDREN + 1
        more = section.children[-1]
        assert more.data.kind == "more" and str(more.label) == "… 50 more"
        tree.focus()
        await pilot.pause()
        tree.move_cursor(more)
        await pilot.press("enter")
        await pilot.pause()
        kinds = [c.data.kind for c in section.children]
        assert kinds == ["project"] * (st.MAX_CHILDREN + 50)
        assert tree.cursor_node is section.children[st.MAX_CHILDREN]  # on the first one added
        # selecting a project still scrolls the report to it
        view = pilot.app.query_one(ReportView)
        await pilot.press("enter")
        await pilot.pause()
        assert view.highlight == section.children[st.MAX_CHILDREN].data.line
        assert view.scroll_y > 0


async def test_scrolling_into_a_section_not_built_yet_puts_the_cursor_on_its_shown_parent(tmp_path):
    lib = long_report(tmp_path, parts=150, projects=12)
    report = lib.reports[0]
    async with make_app(lib).run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = pilot.app.query_one(SectionTree)
        deep = report.sections[-1]  # the last part's 【O1 业务服务】, inside a collapsed part
        assert deep.level == 3
        tree.follow(deep)
        await pilot.pause()
        node = tree.cursor_node
        assert node.data.kind == "section" and node.data.obj is report.sections[-2]  # its part
        assert not node.is_expanded
        tree.follow(report.sections[1])  # the first part's sub-section: built, shown
        await pilot.pause()
        assert tree.cursor_node.data.obj is report.sections[1]
        # the report view scrolled to the end reports the section in view: the tree follows
        view = pilot.app.query_one(ReportView)
        view.focus()
        await pilot.pause()
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        in_view = view.current_section()
        part = [s for s in report.root.children if s.line <= in_view.line][-1]
        assert part.line > report.sections[-60].line  # near the end
        assert tree.cursor_node.data.obj is part and not tree.cursor_node.is_expanded


async def test_following_a_section_behind_the_more_leaf(tmp_path):
    lib = long_report(tmp_path, parts=st.MAX_CHILDREN + 20)
    report = lib.reports[0]
    async with make_app(lib).run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        tree = pilot.app.query_one(SectionTree)
        tree.follow(report.sections[-1])
        await pilot.pause()
        assert tree.cursor_node.data.kind == "more"
        assert tree.cursor_node is tree.root.children[-1]


async def test_the_tree_follows_the_section_at_the_top_page_by_page_and_in_the_next_report(tmp_path):
    # (two reports of many sections, nested two deep and of different lengths: at every page the tree's
    # cursor is on the section whose heading is the last one at or above the view's top line — also in
    # the second report opened, whose sections are not the first one's)
    for week, parts, subs in ((10, 40, 3), (11, 30, 2)):
        text = [f"# 2024-W{week} 长报告\n"]
        for i in range(parts):
            text.append(f"\n## 第{i}部分\n\n说明{i}：本周{'进展顺利' * (1 + i % 3)}\n")
            for j in range(subs):
                items = "".join(f"- 【项目{i}-{j}-{k}】进度{k}%\n" for k in range(1 + (i + j + week) % 4))
                text.append(f"\n### 小节{i}-{j}\n\n{items}")
        (tmp_path / f"w{week}.md").write_text("".join(text), encoding="utf-8")
    lib = load_library([str(tmp_path)])
    async with make_app(lib).run_test(size=(100, 30)) as pilot:
        main = await ready(pilot)
        tree = pilot.app.query_one(SectionTree)
        view = pilot.app.query_one(ReportView)
        first = main.current
        for report in (first, next(r for r in lib.reports if r is not first)):
            if main.current is not report:
                main.show_report(report, push_history=False)
                await pilot.pause()
            view.focus()
            await pilot.pause()
            headings = [n for n, ln in enumerate(report.text.split("\n"), 1) if ln.startswith("##")]
            pages = 0
            while True:
                top = view.current_line()
                want = max((n for n in headings if n <= top), default=None)
                if want is not None:
                    await eventually(pilot, lambda: tree.cursor_node.data.obj.line == want)
                    pages += 1
                if view.scroll_y >= view.max_scroll_y:
                    break
                view.scroll_page_down(animate=False)  # (`space`, without its animation)
                await pilot.pause()
            assert pages > 15
