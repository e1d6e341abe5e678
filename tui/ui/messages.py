"""Messages between the loading worker, the file watcher and the screens."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from ..index.library import Library


@dataclass
class LoadProgress(Message):
    """Some reports of the library have been read (`total` None: not known yet)."""

    done: int
    total: int | None
    detail: str = ""  # files done of all, rate and time left (`LoadMeter.text`)


@dataclass
class LibraryGrew(Message):
    """While a library loads: more of its reports were read (`Workspace.show_partial` has them);
    `partial`: those reports as a library in week order, when one was made for the week list."""

    read: int
    total: int
    partial: Library | None = None


@dataclass
class LibraryLoaded(Message):
    """The library finished loading (`reload`: it replaces an earlier one, e.g. after a file change)."""

    library: Library
    reload: bool = False
    notices: list[str] = field(default_factory=list)  # what to tell the user about the parse cache


@dataclass
class LoadFailed(Message):
    """Loading the library raised an error (shown to the user; the app keeps running)."""

    error: str
    exception: BaseException | None = None


@dataclass
class FilesChanged(Message):
    """Report files under the watched folders were added, changed or deleted."""

    paths: list[str]
