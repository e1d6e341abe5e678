"""How long `r` (raw Markdown) and `r` again (back to the rendered report) take on a 5 MB report.

The report is the one `tests/ui/test_hostile_ui.py` opens (10,000 short sections, then lines of 10,000
CJK characters up to 5 MB). Per round: the report opened afresh and its first screen shown (the rest
is rendered part by part after it), then `r` and `r` back; then the time until the rest is rendered;
then `r` and `r` back again. Each key is timed from the key to the screen drawn (wall and CPU time of
the process). Run: `.venv/bin/python benchmarks/bench_raw_toggle.py [ROUNDS]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_big(folder: Path) -> Path:
    """The hostile UI test's big report (5 MB)."""
    big = "# 2024-W10 大报告\n\n" + "".join(
        f"## 【O{i % 9 + 1} 段落{i}】\n\n- 项目{i}：进度{i % 100}%\n    - 细节\t制表符\u00a0不换行\u200b零宽\n"
        for i in range(10000))
    while len(big.encode()) < 5_000_000:
        big += "- " + "很长的一行" * 2000 + "\n"
    path = folder / "big.md"
    path.write_text(big, encoding="utf-8")
    return path


async def toggle(app, pilot, main) -> tuple[float, float]:
    """Press `r`; (wall, CPU) seconds until the view has switched and the screen is drawn."""
    raw = not main.raw
    t, c = time.perf_counter(), time.process_time()
    app.post_message(events.Key("r", "r"))  # (posted: `pilot.press` also waits for the process to idle)
    while main.raw != raw:
        await asyncio.sleep(0)
    await pilot._wait_for_screen()
    app.screen._compositor.render_update(full=True)
    return time.perf_counter() - t, time.process_time() - c


async def main(rounds: int) -> None:
    tmp = tempfile.mkdtemp(prefix="reports-tui-bench-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    from tui.index.load import load_library
    from tui.ui.app import ReportsApp
    from tui.ui.rows import Pending

    path = make_big(Path(tmp))
    lib = load_library([str(path)])
    ns = argparse.Namespace(paths=[str(path)], compare=None, search=None, config=None, no_cache=True)
    app = ReportsApp(ns, library=lib, watch=False)
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("raw", "back", "rest", "raw again", "back again")}
    rendering = []
    async with app.run_test(size=(120, 36)) as pilot:
        while getattr(app.screen_stack[0], "current", None) is None:
            await pilot.pause(0.05)
        main = app.screen_stack[0]
        view = main.query_one("ReportView")
        view.focus()
        while view.pending or any(not w.is_finished for w in app.workers):  # (the first opening, the index)
            await asyncio.sleep(0.1)
        for _ in range(rounds):
            main.current = None
            main.show_report(lib.reports[0], push_history=False)
            await pilot._wait_for_screen()
            rendering.append(view.pending)  # (its first screen shown, the rest still to render)
            times["raw"].append(await toggle(app, pilot, main))
            times["back"].append(await toggle(app, pilot, main))
            t, c = time.perf_counter(), time.process_time()
            while view.pending:
                await asyncio.sleep(0.05)
            times["rest"].append((time.perf_counter() - t, time.process_time() - c))
            times["raw again"].append(await toggle(app, pilot, main))
            times["back again"].append(await toggle(app, pilot, main))
    print(f"5 MB report ({len(view._lines)} lines), median of {rounds} rounds ({sum(rendering)} with the rest "
          f"still rendering at the first `r`), wall / CPU ms:")
    for name, xs in times.items():
        what = {"rest": "then until the rest is rendered"}.get(name, f"`r` {name}")
        print(f"  {what:<34} {statistics.median(w for w, _ in xs) * 1000:>7.0f} / "
              f"{statistics.median(c for _, c in xs) * 1000:>7.0f}   ({', '.join(f'{w * 1000:.0f}' for w, _ in xs)})")

if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
