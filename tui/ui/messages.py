"""Messages between the load thread, the file watcher, the screens and the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message
from textual.worker import Worker

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
    checked: bool = False  # the library first shown as stored, its files now checked (the first load ends)


@dataclass
class LoadFailed(Message):
    """Loading the library raised an error (shown to the user; the app keeps running)."""

    error: str
    exception: BaseException | None = None


@dataclass
class FilesChanged(Message):
    """Report files under the watched folders were added, changed or deleted."""

    paths: list[str]


@dataclass
class LibraryChanged(Message, bubble=False):
    """To the screen in view: more reports were read, or the library was (re)loaded (search asks its
    query again)."""


@dataclass
class WorkerFailed(Message):
    """To the app: a screen's worker ended with an error (the app shows the error dialog)."""

    worker: Worker


@dataclass
class Unexpected(Message):
    """To the app: an exception nothing expected, caught where it happened (the error dialog)."""

    error: BaseException
    where: str = ""
