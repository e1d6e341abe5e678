"""Write screenshots/serve.png: `reports-tui serve` on the bundled seeds, in headless Chromium (1280×800).

Run by `make screenshots` (which installs Debian's `chromium` and a Chinese font when they are missing);
exits 1 when there is no browser or the page did not show the app.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "browser")]

from serveutil import CHROMIUM, CHROMIUM_ARGS, HOOK, VIEWPORT, cleanup, start_server, wait_screen  # noqa: E402


def main() -> int:
    if not CHROMIUM.exists():
        print(f"serve.png: no browser at {CHROMIUM} (Debian package `chromium`)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    from tui.index.load import load_library

    labels = [r.label for r in load_library([str(REPO / "seeds")]).reports]
    out = REPO / "screenshots" / "serve.png"
    home = Path(tempfile.mkdtemp(prefix="reports-tui-serve-shot-"))
    # The app must not read or write the developer's settings or cache.
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    served = start_server(home, env=env)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.add_init_script(HOOK)
            page.goto(served.url)
            wait_screen(page, lambda t: all(label in t for label in labels), "the week list")
            page.focus(".xterm-helper-textarea")  # the app shows its keys in the footer once focused
            wait_screen(page, lambda t: "Search" in t.splitlines()[-1], "the footer")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
            browser.close()
        served.stop(signal.SIGINT)
    except Exception as exc:
        print(f"serve.png: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        cleanup(served)
    print(out.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
