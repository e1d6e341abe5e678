"""Which reports were read: kept by content in one file of the user's state folder, merged between
sessions, and never an error that stops the app."""

from __future__ import annotations

import json
import os

import pytest

from tui.index.readstate import ReadState
from tui.model import parse_report
from tui.model.report import SourceRef


def report(text: str, name: str = "a.md"):
    return parse_report(text, SourceRef(name))


def test_read_is_kept_by_content(tmp_path):
    path = tmp_path / "read.json"
    a = report("# 2024-W23\n\n- 【A】进度10%\n")
    state = ReadState(path)
    assert not state.is_read(a) and state.mark(a) and state.is_read(a)
    assert not state.mark(a)  # already read: nothing to save
    again = ReadState(path)
    assert again.is_read(report("# 2024-W23\n\n- 【A】进度10%\n", "moved/elsewhere.md"))  # moved: still read
    assert not again.is_read(report("# 2024-W23\n\n- 【A】进度20%\n"))  # edited since: unread again
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {"version", "read"}


def test_two_sessions_merge(tmp_path):
    path = tmp_path / "read.json"
    a, b, c = (report(f"# 2024-W2{i}\n\n- x\n") for i in range(3))
    one, two = ReadState(path), ReadState(path)
    one.mark(a)
    one.mark(c)
    two.mark(b)
    two.mark(c, False)  # (unread in the second session: its own later change wins)
    fresh = ReadState(path)
    assert (fresh.is_read(a), fresh.is_read(b), fresh.is_read(c)) == (True, True, False)


def test_a_broken_file_is_reported_and_replaced(tmp_path):
    path = tmp_path / "read.json"
    path.write_text("{not json", encoding="utf-8")
    state = ReadState(path)
    assert state.error and "read.json" in state.error
    a = report("# 2024-W23\n")
    state.mark(a)
    assert ReadState(path).is_read(a)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_is_an_error_not_a_crash(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        state = ReadState(folder / "read.json")
        a = report("# 2024-W23\n")
        assert state.mark(a) and state.is_read(a)  # read for this session
        assert state.error and "cannot save" in state.error
    finally:
        folder.chmod(0o700)


def test_a_file_where_the_folder_should_be(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("", encoding="utf-8")
    state = ReadState(blocker / "read.json")
    a = report("# 2024-W23\n")
    assert state.mark(a) and state.is_read(a) and "cannot save" in state.error


def test_in_memory_only():
    state = ReadState(None)
    a = report("# 2024-W23\n")
    assert state.mark(a) and state.is_read(a) and state.error is None
