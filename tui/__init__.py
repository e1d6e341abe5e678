"""reports-tui: read, search, chart and compare a folder of weekly Markdown reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reports-tui")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0+unknown"
