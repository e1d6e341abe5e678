"""The library of reports: loading many, looking weeks up, search, KPI series, compare (no Textual or Rich)."""

from .library import Library, LookupFailed, bundled_seeds, load_library

__all__ = ["Library", "LookupFailed", "bundled_seeds", "load_library"]
