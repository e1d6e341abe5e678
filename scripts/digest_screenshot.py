"""Write screenshots/digest.png: `reports-tui digest --format html` of the team fixture's newest week
(tests/data/team/monday), as headless Chromium shows it (1000 px wide, the whole page).

Run by `make screenshots` (which installs Debian's `chromium` and a Chinese font when they are missing);
exits 1 when there is no browser or the page could not be made.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "browser")]

from serveutil import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TEAM = REPO / "tests" / "data" / "team" / "monday"


def main() -> int:
    if not CHROMIUM.exists():
        print(f"digest.png: no browser at {CHROMIUM} (Debian package `chromium`)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out = REPO / "screenshots" / "digest.png"
    with tempfile.TemporaryDirectory(prefix="reports-tui-digest-shot-") as home:
        page_file = Path(home) / "digest.html"
        env = {"XDG_CONFIG_HOME": f"{home}/config", "XDG_CACHE_HOME": f"{home}/cache", "PATH": "/usr/bin:/bin"}
        try:
            # As a user makes it; the settings and cache of the developer are left alone.
            subprocess.run([sys.executable, "-m", "tui", "digest", "--format", "html", "--config", "/dev/null",
                            "--output", str(page_file), str(TEAM.relative_to(REPO))], cwd=REPO, env=env,
                           check=True, timeout=120, capture_output=True)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1000, "height": 800}, color_scheme="light")
                page.goto(page_file.as_uri())
                page.wait_for_load_state("load")
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        except Exception as exc:
            print(f"digest.png: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print(out.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
