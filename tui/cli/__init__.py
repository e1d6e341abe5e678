"""The command line: `reports-tui` opens the TUI; `weeks`, `search`, `kpi`, `diff`, `lint`, `cache`, `team`
and `digest` are subcommands with plain or JSON output that never load Textual (`main` parses and
dispatches; one module per subcommand; `termout` writes plain terminal text)."""

from .main import main, run

__all__ = ["main", "run"]
