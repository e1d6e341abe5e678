"""reports-tui: read, search, chart and compare a folder of weekly Markdown reports."""


def __getattr__(name: str) -> str:
    # The version is looked up on first use: importlib.metadata costs ~0.1 s at start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("reports-tui")
        except PackageNotFoundError:  # running from a source tree without an install
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
