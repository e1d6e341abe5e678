"""A report row read from a stored index carries the library's report, holding its strings, not copies."""

from types import SimpleNamespace

from tui.index.search.docs import Doc


def _copy(s: str) -> str:
    return "".join(list(s))  # (an equal string, another object)


def test_adopted_report_strings_replace_equal_copies():
    path, week, label, author = "/r/alice/2024-W03.md", "2024-W03", "2024-W03 · weekly", "alice"
    doc = Doc.from_row([_copy(path), "", 120, 1.5, _copy(week), _copy(label), _copy(author), "", ["2024-W03", 1]])
    report = SimpleNamespace(source=SimpleNamespace(path=path), week=week, label=label, author=author)
    doc.adopt(report)
    assert doc.ref is report
    assert doc.path is path and doc.week is week and doc.label is label and doc.author is author
    assert doc.key == (path, "", 120, 1.5)


def test_a_differing_value_is_kept():
    doc = Doc.from_row(["/r/a.md", "", 1, 0.0, "2024-W03", "old label", None, "", []])
    report = SimpleNamespace(source=SimpleNamespace(path="/r/a.md"), week="2024-W04", label="new label", author="bob")
    doc.adopt(report)
    assert (doc.week, doc.label, doc.author) == ("2024-W03", "old label", None) and doc.ref is report
