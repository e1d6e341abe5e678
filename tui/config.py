"""Settings: a TOML file in the platform config folder (or `--config PATH`), written atomically.

```toml
theme = "textual-dark"

[kpi]
sections = ["周报数据"]            # extra KPI section names
incident_sections = ["线上问题"]   # extra incident section names

[kpi.aliases]
"入金有效成功率" = ["入金成功率"]

[kpi.direction]                    # "up": higher is better, "down": lower is better
"平均耗时" = "down"

[authors]
aliases = {"张三" = ["zhangsan", "San Zhang"]}   # spellings of one person, shown as the key
properties = ["Reporter", "提交人"]             # more property lines under the title naming the author

[team]
members = ["张三", "李四"]          # who is expected every week (default: who filed in the 4 weeks before)
late_after_days = 7                # a report published more days than this after its period ends is late
done_words = ["已归档"]            # more words that say a project finished
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model.vocab import Vocabulary

APP_NAME = "reports-tui"

#: Set to "1" in the environment of every app process `reports-tui serve` starts. Such a session
#: disables what would act on the server's desktop (opening an editor) and leaves the server's settings
#: file alone.
SERVED_ENV = "REPORTS_TUI_SERVED"


def is_served() -> bool:
    """Whether this process is an app session started by `reports-tui serve`."""
    return os.environ.get(SERVED_ENV) == "1"


def config_dir() -> Path:
    """The platform's user config folder for reports-tui."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The platform's user cache folder for reports-tui."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The platform's user state folder for reports-tui (which reports were read)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


LATE_AFTER_DAYS = 7  # `[team] late_after_days` when the settings do not say


@dataclass(frozen=True)
class TeamSettings:
    """The `[team]` table: who is expected each week (empty: who filed lately), how many days after its
    period a report may be published before it is late, and the words that say a project finished."""

    members: tuple[str, ...] = ()
    late_after_days: int = LATE_AFTER_DAYS
    done_words: tuple[str, ...] = field(default_factory=lambda: _done_words())


def default_config_path() -> Path:
    """Where the config file lives when `--config` is not given."""
    return config_dir() / "config.toml"


class Config:
    """The settings in effect, and where they came from."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None, error: str | None = None):
        self.path = path
        self.data: dict[str, Any] = {} if data is None else data
        self.error = error
        self.unread = error is not None
        """Whether a file is there that could not be read: it is never saved over (it is the user's)."""

    def __repr__(self) -> str:
        return f"Config({str(self.path)!r}, error={self.error!r})"

    @property
    def theme(self) -> str | None:
        """The theme chosen last (None: the app's default)."""
        value = self.data.get("theme")
        return value if isinstance(value, str) else None

    def vocabulary(self) -> Vocabulary:
        """The built-in vocabulary extended by the `[kpi]` and `[authors]` tables."""
        vocab = Vocabulary()
        _author_vocabulary(self.data.get("authors"), vocab)
        kpi = self.data.get("kpi") or {}
        if not isinstance(kpi, dict):
            return vocab
        for key, target in (("sections", vocab.kpi_sections), ("incident_sections", vocab.incident_sections)):
            extra = kpi.get(key) or []
            if isinstance(extra, list):
                target.extend(str(x).lower() for x in extra if str(x).strip())
        aliases = kpi.get("aliases") or {}
        if isinstance(aliases, dict):
            for name, names in aliases.items():
                if isinstance(names, str):
                    names = [names]
                if isinstance(names, list):
                    vocab.kpi_aliases.setdefault(str(name), []).extend(str(n) for n in names)
        direction = kpi.get("direction") or {}
        if isinstance(direction, dict):
            for name, d in direction.items():
                if str(d).lower() in ("up", "higher", "+", "1"):
                    vocab.good_direction[str(name)] = 1
                elif str(d).lower() in ("down", "lower", "-", "-1"):
                    vocab.good_direction[str(name)] = -1
        return vocab

    def team(self) -> TeamSettings:
        """The `[team]` table (members, late_after_days, done_words added to the built-in words); a
        value of the wrong kind is left out (the default stands)."""
        return team_settings(self.data.get("team"))

    def set(self, key: str, value: Any) -> None:
        """Change one top-level setting and save the file (errors are kept, not raised)."""
        self.data[key] = value
        if self.unread:
            self.error = f"settings not saved: {self.path} could not be read, and is left as it is"
            return
        try:
            save_config(self)
        except (OSError, ValueError, TypeError, RecursionError) as exc:  # (a value TOML cannot hold too)
            self.error = f"cannot save settings to {self.path}: {exc}"


def _strings(value: Any) -> list[str]:
    """A list of non-blank strings from a setting that should be one (a lone string counts as a list)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(x).strip() for x in value if isinstance(x, (str, int, float)) and str(x).strip()]


def team_settings(table: Any) -> TeamSettings:
    """`TeamSettings` from a `[team]` table as read from TOML (anything else: the defaults)."""
    if not isinstance(table, dict):
        return TeamSettings()
    members = tuple(dict.fromkeys(_strings(table.get("members"))))
    late = table.get("late_after_days", LATE_AFTER_DAYS)
    if isinstance(late, bool) or not isinstance(late, (int, float)) or not 0 <= late <= 366:
        late = LATE_AFTER_DAYS
    built_in = _done_words()
    extra = [w for w in _strings(table.get("done_words")) if w not in built_in]
    return TeamSettings(members, int(late), built_in + tuple(dict.fromkeys(extra)))


def _done_words() -> tuple[str, ...]:
    # (the model's words, imported when first asked for: every subcommand reads its settings, and most
    # never ask the team's; importing the report model costs `reports-tui search` ~20 ms)
    from .model.projects import DONE_WORDS

    return DONE_WORDS


def _author_vocabulary(table: Any, vocab: Vocabulary) -> None:
    """The `[authors]` table: `aliases` (name shown → other spellings) and extra `properties`."""
    if not isinstance(table, dict):
        return
    extra = table.get("properties") or []
    if isinstance(extra, str):
        extra = [extra]
    if isinstance(extra, list):
        vocab.author_properties.extend(str(x).strip() for x in extra if str(x).strip())
    aliases = table.get("aliases") or {}
    if isinstance(aliases, dict):
        for name, names in aliases.items():
            if isinstance(names, str):
                names = [names]
            if isinstance(names, list) and str(name).strip():
                vocab.author_aliases.setdefault(str(name).strip(), []).extend(
                    str(n) for n in names if str(n).strip())


MAX_CONFIG_BYTES = 1024 * 1024  # a settings file larger than this is not read


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read the config file; a missing file is an empty config, a broken one is reported in `error`.
    Only a regular file of at most `MAX_CONFIG_BYTES` is read (never a FIFO or a device)."""
    from .model.files import Unreadable, bounded, read_file

    p = Path(path) if path else default_config_path()
    if not os.path.lexists(p) or str(p) == os.devnull:  # (`--config /dev/null`: no settings)
        return Config(p)
    import tomllib

    try:
        text = read_file(p, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, Unreadable, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Config(p, {}, error=bounded(f"cannot read settings {p}: {reason}"))
    try:
        data = tomllib.loads(text)
    except Exception as exc:  # noqa: BLE001 - whatever the parser makes of a file, it is a notice (a file
        # nested hundreds deep ends tomllib with RecursionError, not TOMLDecodeError)
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__
        return Config(p, {}, error=bounded(f"cannot read settings {p}: {reason}"))
    if _deeper_than(data, MAX_CONFIG_DEPTH):  # (what reads or saves the settings may recurse over them)
        return Config(p, {}, error=bounded(f"cannot read settings {p}: nested more than {MAX_CONFIG_DEPTH} deep"))
    return Config(p, data)


#: Tables and arrays nested deeper than this are refused: no setting needs more than three levels, and
#: the settings are read (`str` of a value) and saved (`tomli_w`) by code that recurses.
MAX_CONFIG_DEPTH = 32


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether tables and arrays nest more than `limit` deep (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def save_config(cfg: Config) -> None:
    """Write the config atomically: a temporary file in the same folder, then a rename."""
    import stat

    import tomli_w

    # A symlinked settings file (dotfiles) is written where it points; anything but a regular file
    # (`--config /dev/null`, a folder) is never replaced.
    target = Path(os.path.realpath(cfg.path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(f"{target} is not a regular file")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, tomli_w.dumps(cfg.data).encode("utf-8"), prefix=".config-")


def write_atomically(target: Path, data: bytes, prefix: str = ".tmp-", readable: bool = False) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename (an `OSError`
    leaves nothing behind). Private to the user (0600) unless `readable` (then as the umask allows)."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if readable:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
