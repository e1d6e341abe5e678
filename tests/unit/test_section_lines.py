"""`SectionLines`, which the report view asks at every scroll for the section at the top, gives the section
`Report.section_at` gives, for every line: on any tree of sections (nested or not, open to the end, ended
before they start) and on every report of the seeds and the test data."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from testpaths import DATA, SEEDS
from tui.index.load import load_library
from tui.model.files import SourceRef
from tui.model.report import Report, Section, SectionLines

LAST = 40  # the last line of the generated reports

SECTION = st.tuples(st.integers(0, 6), st.integers(1, LAST), st.integers(-1, LAST + 2))


@st.composite
def trees(draw) -> Section:
    """A root with sections hung anywhere below it, in any order of lines (the rule does not assume a
    well-formed tree), some open to the end (`end_line` 0) and some ending before they start."""
    root = Section(title="", key="", level=0, line=1, end_line=draw(st.sampled_from([0, LAST])))
    made = [root]
    for level, line, end in draw(st.lists(SECTION, max_size=25)):
        sec = Section(title=f"s{len(made)}", key=f"s{len(made)}", level=level, line=line, end_line=max(end, 0))
        draw(st.sampled_from(made)).children.append(sec)
        made.append(sec)
    return root


@settings(max_examples=300, deadline=None)
@given(trees())
def test_any_tree_answers_every_line_as_section_at_does(root):
    report = Report(source=SourceRef("x.md"), text="", title="", label="", root=root)
    lines = SectionLines(root)
    for line in range(-1, LAST + 4):
        assert lines.at(line) is report.section_at(line), line


def test_every_report_of_the_seeds_and_the_test_data_answers_as_section_at_does():
    lib = load_library([str(SEEDS), str(DATA)])
    checked = 0
    for report in lib.reports:
        root = report.root
        if root is None:
            continue
        lines = SectionLines(root)
        for line in range(0, report.text.count("\n") + 3):
            assert lines.at(line) is report.section_at(line), (report.source, line)
        checked += len(report.sections)
    assert checked > 100
