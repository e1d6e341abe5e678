"""An install that works: the wheel built from this checkout, installed into a fresh virtual environment
(as `pipx install .` and `uv tool install .` do), runs with nothing of the checkout on its path: it
knows its version, opens the bundled sample reports it ships, and carries its manual page.

The dependencies come from PyPI (through pip's cache, warm after `make setup`); without PyPI the test
skips and says so."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testpaths import REPO

pytestmark = pytest.mark.slow


def pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, built as pip builds it for `pipx install .`."""
    dist = tmp_path_factory.mktemp("dist")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                 "--disable-pip-version-check", "-w", dist, REPO], timeout=180)
    assert built.returncode == 0, built.stdout + built.stderr
    return next(dist.glob("reports_tui-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The `bin` folder of a fresh virtual environment with the wheel installed."""
    tmp = tmp_path_factory.mktemp("install")
    venv = tmp / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=120)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # (`--no-compile`: the same files installed, without the bytecode of every module of every dependency,
    # ~2.5 s of CPU; the few modules the tests import compile as they are first imported)
    res = run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
               "--prefer-binary", "--no-compile", wheel], timeout=600)
    if res.returncode != 0:
        if not pypi_reachable():
            pytest.skip("PyPI cannot be reached: the wheel's dependencies cannot be installed")
        pytest.fail(f"installing the wheel failed:\n{res.stdout}\n{res.stderr}")
    return venv / "bin"


def clean_env(tmp: Path) -> dict[str, str]:
    """An environment where nothing points at the checkout: not its venv, not its sources."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(XDG_CACHE_HOME=str(tmp / "cache"), XDG_CONFIG_HOME=str(tmp / "config"), NO_COLOR="1")
    return env


def test_installed_reports_tui_knows_its_version_and_opens_the_bundled_reports(installed, tmp_path):
    env = clean_env(tmp_path)
    exe = installed / "reports-tui"
    res = run([exe, "--version"], env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0, res.stderr
    from tui import __version__

    assert res.stdout.strip() == f"reports-tui {__version__}"
    res = run([exe, "weeks"], env=env, cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["2023-W46", "2023-W52", "2024-W17", "2024-W23", "2024-W29"]
    seeds = installed.parent / "lib"
    assert all(str(seeds) in line for line in lines[1:])  # the reports inside the package, not the checkout's
    assert str(REPO) not in res.stdout
    where = run([installed / "python", "-c", "import tui; print(tui.__file__)"], env=env, cwd=tmp_path, timeout=60)
    assert str(installed.parent) in where.stdout


def test_installed_reports_tui_prints_keys_and_completion_scripts(installed, tmp_path):
    env = clean_env(tmp_path)
    res = run([installed / "reports-tui", "keys"], env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and "main.search" in res.stdout, res.stderr
    res = run([installed / "reports-tui", "completion", "bash"], env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and "reports-tui" in res.stdout, res.stderr


def test_installed_manual_page_is_where_man_finds_it(installed, tmp_path):
    page = installed.parent / "share" / "man" / "man1" / "reports-tui.1"
    assert page.read_text(encoding="utf-8") == (REPO / "man" / "reports-tui.1").read_text(encoding="utf-8")
    if shutil.which("man") is None:
        pytest.skip("man is not installed (`make test` installs man-db from Debian)")
    # man finds pages beside the programs on PATH (PREFIX/bin → PREFIX/share/man), as in a pipx venv.
    env = {**clean_env(tmp_path), "PATH": f"{installed}{os.pathsep}/usr/bin:/bin"}
    env.pop("MANPATH", None)
    res = run(["man", "-w", "reports-tui"], env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == str(page), res.stdout + res.stderr


def test_the_wheel_holds_the_package_its_seeds_and_the_manual_page(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.startswith("tui/seeds/") for n in names) == len(list((REPO / "seeds").iterdir()))
    assert any(n.endswith(".data/data/share/man/man1/reports-tui.1") for n in names)
    assert "tui/keymap.py" in names and "tui/cli/completion.py" in names
    assert not any(n.startswith(("tests/", "scripts/", "benchmarks/", "man/")) for n in names)
