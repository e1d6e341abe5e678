"""The section tree of the open report: sections, and under each the projects and KPIs found there."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...model.report import Kpi, Project, Report, Section
from ...index.series import format_value


@dataclass
class Node:
    """What a tree node stands for, and the source line it points to."""

    kind: str  # "section" | "project" | "kpi"
    obj: Section | Project | Kpi
    line: int


class SectionTree(Tree[Node]):
    """Sections of the open report with their projects and KPIs; the cursor follows the report view."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__("report", **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._by_section: dict[int, TreeNode[Node]] = {}

    def set_report(self, report: Report | None) -> None:
        """Rebuild the tree for a report."""
        self.clear()
        self._by_section = {}
        if report is None or report.root is None:
            return
        projects: dict[str, list[Project]] = {}
        for p in report.projects:
            projects.setdefault(p.section, []).append(p)
        kpis: dict[str, list[Kpi]] = {}
        for k in report.kpis:
            kpis.setdefault(k.section, []).append(k)

        def add(parent: TreeNode[Node], section: Section) -> None:
            label = Text(section.title or section.key, style="italic" if section.implicit else "")
            node = parent.add(label, Node("section", section, section.line), expand=True)
            self._by_section[id(section)] = node
            for p in projects.pop(section.key, []):
                node.add_leaf(Text.assemble(("◆ ", "bold"), p.name), Node("project", p, p.line))
            for k in kpis.pop(section.key, []):
                node.add_leaf(Text.assemble(("▪ ", "dim"), k.name, " ", (format_value(k.value, k.unit), "bold")),
                              Node("kpi", k, k.line or section.line))
            for child in section.children:
                add(node, child)

        for child in report.root.children:
            add(self.root, child)
        # Derived KPIs (生产事件数) have no section of their own: list them with the other KPIs.
        leftovers = [k for ks in kpis.values() for k in ks]
        home = next((n for n in self._by_section.values()
                     if any(c.data and c.data.kind == "kpi" for c in n.children)), None)
        for k in leftovers:
            if home is not None:
                home.add_leaf(Text.assemble(("▪ ", "dim"), k.name, " ", (format_value(k.value, k.unit), "bold")),
                              Node("kpi", k, k.line or home.data.line))
        self.root.expand()

    def follow(self, section: Section | None) -> None:
        """Put the cursor on a section's node (without selecting it)."""
        if section is None:
            return
        node = self._by_section.get(id(section))
        if node is None and section.level <= 1 and self.root.children:
            node = self.root.children[0]  # the title: the first section
        if node is not None and node.line >= 0 and self.cursor_node is not node:
            self.move_cursor(node, animate=False)

    @property
    def cursor_project(self) -> Project | None:
        """The project under the cursor, if the cursor is on one."""
        node = self.cursor_node
        if node is not None and node.data is not None and node.data.kind == "project":
            return node.data.obj  # type: ignore[return-value]
        return None
