"""The library of reports: loading many, looking weeks up, search, KPI series, compare (no Textual or Rich).

The names below are imported on first use (the `reports-tui search` fast path loads no parser).
"""

from typing import TYPE_CHECKING

__all__ = ["Library", "LookupFailed", "bundled_seeds", "load_library"]

if TYPE_CHECKING:
    from .library import Library, LookupFailed, bundled_seeds
    from .load import load_library


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import library, load

    value = getattr(load if name == "load_library" else library, name)
    globals()[name] = value
    return value
