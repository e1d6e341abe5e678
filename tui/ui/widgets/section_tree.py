"""The section tree of the open report: sections, and under each the projects and KPIs found there.

A tree node is cheap, but not free: a 5 MB report has tens of thousands of sections and projects,
and adding them all took a second. So the tree is built within a budget: sections are filled in
document order until about `EAGER_NODES` nodes exist, later sections stay collapsed and are filled
when expanded, and a node never gets more than `MAX_CHILDREN` children at once (a "… N more" leaf
adds the next ones when selected). Reports of ordinary size show fully expanded, as before.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Union

from rich.text import Text
from textual import events, on
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...model.report import Kpi, Project, Report, Section
from ...index.formats import format_value
from ..compat import keep_tree_lines
from ..keys import bindings

EAGER_NODES = 1500  # nodes built at once when a report opens
MAX_CHILDREN = 200  # children of one node added at once


@dataclass
class Node:
    """What a tree node stands for, and the source line it points to."""

    kind: str  # "section" | "project" | "kpi" | "more" (a leaf standing for further children)
    obj: Union[Section, Project, Kpi, list]  # for "more": the children not added yet
    line: int


class SectionTree(Tree[Node]):
    """Sections of the open report with their projects and KPIs; the cursor follows the report view."""

    BINDINGS = bindings("section-tree")

    def __init__(self, **kwargs) -> None:
        super().__init__(Text("report"), **kwargs)  # (a string label is markup: reading it loads Rich's emoji table)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._by_section: dict[int, TreeNode[Node]] = {}
        self._up: dict[int, Section] = {}  # id(section) -> its parent section (below the root)
        self._leaves: dict[int, list[Node]] = {}  # id(section) -> its project and KPI leaves
        self._unfilled: set[int] = set()  # ids of section nodes whose children are not added yet
        self._deferred: dict[int, TreeNode[Node]] = {}  # id(section) -> the "… N more" leaf holding it
        self._budget = 0

    # ── building ─────────────────────────────────────────────────────────────────────────────────

    def set_report(self, report: Report | None) -> None:
        """Rebuild the tree for a report."""
        self.clear()
        self._by_section = {}
        self._up = {}
        self._leaves = {}
        self._unfilled = set()
        self._deferred = {}
        if report is None or report.root is None:
            return
        sections = []
        for top in report.root.children:
            for s in top.walk():
                sections.append(s)
                for child in s.children:
                    self._up[id(child)] = s
        # Projects and KPIs name the section they were found in by key; a key can repeat (the same
        # heading in several parts of a long report): the last section of that key above the line.
        by_key: dict[str, tuple[list[int], list[Section]]] = {}
        for s in sections:
            lines, secs = by_key.setdefault(s.key, ([], []))
            lines.append(s.line)
            secs.append(s)

        def home(key: str, line: int | None) -> Section | None:
            found = by_key.get(key)
            if found is None:
                return None
            lines, secs = found
            i = bisect.bisect_right(lines, line) - 1 if line is not None else 0
            return secs[max(i, 0)]

        leaves = self._leaves
        for p in report.projects:
            s = home(p.section, p.line)
            if s is not None:
                leaves.setdefault(id(s), []).append(Node("project", p, p.line))
        leftovers: list[Kpi] = []
        kpi_home: Section | None = None
        for k in report.kpis:
            s = home(k.section, k.line)
            if s is None:
                leftovers.append(k)
                continue
            kpi_home = kpi_home or s
            leaves.setdefault(id(s), []).append(Node("kpi", k, k.line or s.line))
        # Derived KPIs (生产事件数) have no section of their own: list them with the other KPIs.
        if kpi_home is not None:
            for k in leftovers:
                leaves[id(kpi_home)].append(Node("kpi", k, k.line or kpi_home.line))
        self._budget = EAGER_NODES
        self._add_tree_nodes(self.root, list(report.root.children))
        self.root.expand()

    def _children_of(self, section: Section) -> list[Node | Section]:
        return [*self._leaves.get(id(section), ()), *section.children]

    def _add_tree_nodes(self, parent: TreeNode[Node], children: list[Node | Section]) -> None:
        """Add children under a node: at most MAX_CHILDREN, then a "… N more" leaf."""
        shown, rest = children[:MAX_CHILDREN], children[MAX_CHILDREN:]
        for child in shown:
            if isinstance(child, Node):
                parent.add_leaf(self._leaf_label(child), child)
                self._budget -= 1
            else:
                self._add_section(parent, child)
        if rest:
            more = parent.add_leaf(Text(f"… {len(rest)} more", style="dim italic"), Node("more", rest, -1))
            self._budget -= 1
            for child in rest:
                if not isinstance(child, Node):
                    self._deferred[id(child)] = more

    def _add_section(self, parent: TreeNode[Node], section: Section) -> None:
        label = Text(section.title or section.key, style="italic" if section.implicit else "")
        children = self._children_of(section)
        fill = self._budget > 0
        if not children:  # nothing under it: a leaf, with no expand mark
            self._by_section[id(section)] = parent.add_leaf(label, Node("section", section, section.line))
            self._budget -= 1
            return
        node = parent.add(label, Node("section", section, section.line), expand=fill)
        self._by_section[id(section)] = node
        self._budget -= 1
        if fill:
            self._add_tree_nodes(node, children)
        else:
            self._unfilled.add(id(node))

    def fill(self, node: TreeNode[Node] | None) -> None:
        """Add a section node's children now if they were left for later."""
        if node is None or id(node) not in self._unfilled:
            return
        self._unfilled.discard(id(node))
        self._budget = EAGER_NODES
        self._add_tree_nodes(node, self._children_of(node.data.obj))

    @staticmethod
    def _leaf_label(leaf: Node) -> Text:
        if leaf.kind == "project":
            return Text.assemble(("◆ ", "bold"), leaf.obj.name)
        k = leaf.obj
        return Text.assemble(("▪ ", "dim"), k.name, " ", (format_value(k.value, k.unit), "bold"))

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded) -> None:
        self.fill(event.node)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        node = event.node
        if node.data is not None and node.data.kind == "more":
            event.stop()
            parent, rest = node.parent, node.data.obj
            node.remove()  # the cursor stays on its line: on the first of the children added next
            self._budget = EAGER_NODES
            if parent is not None:
                self._add_tree_nodes(parent, rest)

    def on_resize(self, event: events.Resize) -> None:
        # The tree's lines do not depend on its size, and the screen draws it at its new size already.
        keep_tree_lines(self, event)

    # ── following the report ─────────────────────────────────────────────────────────────────────

    def follow(self, section: Section | None) -> None:
        """Put the cursor on a section's node (without selecting it); for a section not in the tree
        yet, or inside a collapsed one, the nearest shown section above it."""
        if section is None:
            return
        node = self._by_section.get(id(section))
        s = section
        while node is None and s is not None:
            node = self._deferred.get(id(s))  # not added yet: the "… N more" leaf holding it
            up = self._up.get(id(s))
            if node is None and up is not None:
                node = self._by_section.get(id(up))
            s = up
        if node is None and section.level <= 1 and self.root.children:
            node = self.root.children[0]  # the title: the first section
        if node is None:
            return
        up = node.parent
        while up is not None and not up.is_root:  # inside a collapsed section: that section
            if not up.is_expanded:
                node = up
            up = up.parent
        if node.line >= 0 and self.cursor_node is not node:
            self.move_cursor(node, animate=False)

    @property
    def cursor_project(self) -> Project | None:
        """The project under the cursor, if the cursor is on one."""
        node = self.cursor_node
        if node is not None and node.data is not None and node.data.kind == "project":
            return node.data.obj  # type: ignore[return-value]
        return None
