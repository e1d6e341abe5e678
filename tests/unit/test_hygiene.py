"""The model, the index and the subcommands never load Textual or Rich (fast start, testable core)."""

from __future__ import annotations

import subprocess
import sys

from testpaths import REPO


def test_core_imports_neither_textual_nor_rich():
    code = (
        "import sys, tui.model, tui.index, tui.cli, tui.config, tui.termout\n"
        "import tui.index.library\n"
        "for opt in ('tui.index.search', 'tui.index.compare', 'tui.index.cache', 'tui.index.series',\n"
        "            'tui.index.timeline', 'tui.index.pinyin'):\n"
        "    try: __import__(opt)\n"
        "    except ImportError: pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


def test_weeks_subcommand_does_not_load_textual():
    code = (
        "import sys\nfrom tui.cli import main\nmain(['weeks', '--json'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "sys.stderr.write('LOADED:' + ','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().endswith("LOADED:")
