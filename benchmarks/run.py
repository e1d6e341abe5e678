"""Timings for reports-tui at scale; run by `make bench`.

Generates 1,000 and 10,000 reports (`BENCH_SIZES=1000` for a quicker run) into a temporary folder
and prints, per size: cold and warm `reports-tui weeks`, warm `reports-tui search` next to `rg` and
`fzf --filter` on the same files, in-app search latency per keystroke, time until the TUI shows its
first screen (headless), peak RSS and cold-load throughput; then, on the bundled seeds, the first
screen against a bare Textual app. Every process uses a fresh cache and config folder.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

QUERY = "存管"            # the CLI search word (rg / fzf get the same one)
CLI_QUERIES = [("贝易转", "a project: heading hits"), ("in:O2 存管", "a section filter"),
               ("week:2024-W20..2024-W29", "filter only"), ("贝易砖", "a typo: the fuzzy tier"),
               ("byz", "pinyin initials")]
KEYSTROKES = ["贝易转", "实时数仓", "存管路由", "byz", "ssss", "zfyx"]  # typed one character at a time
RUNS = 3

_MEASURE = r"""
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)
sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
"""

_FIRST_SCREEN = r"""
import asyncio, sys, time, argparse
t0 = time.perf_counter() - (time.time() - float(sys.argv[1]))  # the moment the parent launched us
mode, paths = sys.argv[2], sys.argv[3:]

async def main():
    if mode == "bare":
        from textual.app import App
        from textual.widgets import Static

        class Bare(App):
            def compose(self):
                yield Static("hello")
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return time.perf_counter() - t0
    from tui.ui.app import ReportsApp
    args = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=False)
    app = ReportsApp(args, watch=False) if "watch" in ReportsApp.__init__.__code__.co_varnames else ReportsApp(args)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (getattr(app, "loaded", False) and getattr(app.main_screen, "current", None) is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()
        return time.perf_counter() - t0

print(asyncio.run(main()))
"""

_IN_APP_SEARCH = r"""
import json, statistics, sys, time
from tui.index.workspace import Workspace, open_library
paths, queries = sys.argv[1], json.loads(sys.argv[2])
lib = open_library([paths])
ws = Workspace(lib)
t = time.perf_counter(); index = ws.search_index(); build = time.perf_counter() - t
# as the search screen does in its worker once the index is built: pinyin readings loaded
t = time.perf_counter(); index.warm_pinyin(); warm = time.perf_counter() - t
per = []
for q in queries:
    for i in range(1, len(q) + 1):
        t = time.perf_counter(); ws.search(q[:i]); per.append(time.perf_counter() - t)
import resource
print(json.dumps({"build": build, "warm": warm, "median": statistics.median(per), "p90": sorted(per)[int(len(per) * 0.9)],
                  "max": max(per), "n": len(per), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def env_for(tmp: Path) -> dict[str, str]:
    """A child environment with its own cache and config folders (fresh per benchmark)."""
    # Byte code goes to a folder of the benchmark's own (an installed app has byte code; compiling
    # every module on every run would time the compiler), never into the source tree.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(XDG_CACHE_HOME=str(tmp / "cache"), XDG_CONFIG_HOME=str(tmp / "config"), NO_COLOR="1",
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"), PYTHONPATH=str(REPO))
    return env


def reports_tui() -> list[str]:
    """How to launch reports-tui: the venv's script if there is one."""
    exe = Path(sys.executable).with_name("reports-tui")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tui"]


def measure(cmd: list[str] | str, env: dict[str, str], shell: bool = False) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the largest process) of one command, whole process."""
    argv = ["bash", "-c", cmd] if shell else cmd
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True)
    dt, rss_kb, rc = out.stdout.split()
    if rc != "0":
        raise RuntimeError(f"{argv} exited {rc}: {out.stderr}")
    return float(dt), int(rss_kb) / 1024


def median_of(cmd, env, runs=RUNS, shell=False) -> tuple[float, float]:
    """Median wall time and the largest peak RSS over some runs."""
    res = [measure(cmd, env, shell) for _ in range(runs)]
    return statistics.median(r[0] for r in res), max(r[1] for r in res)


def first_screen(mode: str, paths: list[str], env: dict[str, str], runs: int = RUNS) -> float | None:
    """Median seconds from launching the process until its first screen is drawn (headless).

    The child reports the moment the screen is up, measured from the parent's launch time, so
    interpreter start-up counts and shutting down afterwards does not.
    """
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _FIRST_SCREEN, repr(time.time()), mode, *paths], env=env,
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            print(f"    (first screen failed: {out.stderr.strip().splitlines()[-1:]})")
            return None
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def ok(value: float | None, target: float, lower_is_better: bool = True) -> str:
    """A ✓/✗ mark against a target."""
    if value is None:
        return "(n/a)"
    good = value <= target if lower_is_better else value >= target
    return "✓" if good else "✗"


def have_search_module() -> bool:
    try:
        import tui.index.search.engine  # noqa: F401
        return True
    except ImportError:
        return False


def have_app() -> bool:
    try:
        import tui.ui.app  # noqa: F401
        return True
    except ImportError:
        return False


def bench_size(n: int, root: Path) -> None:
    """Every number for a library of n generated reports."""
    from benchmarks.generate import generate

    corpus = root / f"reports-{n}"
    t = time.perf_counter()
    files = generate(corpus, n)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"\n== {n:,} reports, {mb:.1f} MB (generated in {time.perf_counter() - t:.1f} s) ==")
    state = root / f"state-{n}"
    env = env_for(state)
    rt = reports_tui()
    peak = 0.0

    cold, rss = measure(rt + ["weeks", str(corpus)], env)
    peak = max(peak, rss)
    print(f"  weeks, cold cache          {cold:7.2f} s   ({mb / cold:.1f} MB/s parse+store, peak RSS {rss:.0f} MB)")
    warm, rss = median_of(rt + ["weeks", str(corpus)], env)
    peak = max(peak, rss)
    print(f"  weeks, warm cache          {warm:7.2f} s   (peak RSS {rss:.0f} MB)")
    nocache, rss = measure(rt + ["weeks", "--no-cache", str(corpus)], env_for(state / "nocache"))
    print(f"  weeks, --no-cache          {nocache:7.2f} s   (peak RSS {rss:.0f} MB: every report kept whole)")

    search_t = None
    if have_search_module():
        # the first search after a load checks every cached row and remembers the library: warm it up
        measure(rt + ["search", QUERY, str(corpus)], env)
        search_t, rss = median_of(rt + ["search", QUERY, str(corpus)], env, runs=5)
        peak = max(peak, rss)
        print(f"  search {QUERY}, warm         {search_t:7.2f} s   (peak RSS {rss:.0f} MB, median of 5)")
        for q, why in CLI_QUERIES:
            t_q, rss = median_of(rt + ["search", q, str(corpus)], env)
            peak = max(peak, rss)
            print(f"  search {q!r:<16} {t_q:7.2f} s   (peak RSS {rss:.0f} MB; {why})")
    else:
        print("  search                     (tui.index.search missing: skipped)")
    rg_t = None
    if shutil.which("rg"):
        rg_t, _ = median_of(["rg", "-c", QUERY, str(corpus)], env)
        print(f"  rg -c {QUERY}                {rg_t:7.2f} s")
    else:
        print("  rg                         (not installed: skipped)")
    if shutil.which("fzf"):
        fzf_t, _ = median_of(f"find {corpus} -type f -exec cat {{}} + | fzf --filter {QUERY}", env, runs=1,
                             shell=True)
        print(f"  fzf --filter {QUERY}         {fzf_t:7.2f} s")
    else:
        print("  fzf                        (not installed: skipped)")

    latency = None
    if have_search_module():
        out = subprocess.run([sys.executable, "-c", _IN_APP_SEARCH, str(corpus), json.dumps(KEYSTROKES)], env=env,
                             capture_output=True, text=True)
        if out.returncode == 0:
            s = json.loads(out.stdout)
            latency = s["median"] * 1000
            peak = max(peak, s["rss_mb"])
            print(f"  in-app search per keystroke  median {latency:.1f} ms, p90 {s['p90'] * 1000:.1f} ms,"
                  f" max {s['max'] * 1000:.0f} ms over {s['n']} keystrokes (index built in {s['build']:.2f} s in the"
                  f" background, pinyin readings {s['warm']:.2f} s; RSS {s['rss_mb']:.0f} MB)")
        else:
            print(f"  in-app search failed: {out.stderr.strip().splitlines()[-1:]}")

    tui_t = first_screen("app", [str(corpus)], env) if have_app() else None
    if tui_t is not None:
        print(f"  TUI first screen, warm     {tui_t:7.2f} s   (headless: week list and a report shown)")
    print(f"  peak RSS (largest process) {peak:7.0f} MB")

    if n >= 10_000:
        print("  targets at 10,000 reports:")
        if search_t is not None and rg_t is not None:
            print(f"    search ≤ 2× rg             {search_t:.2f} s vs {2 * rg_t:.2f} s  {ok(search_t, 2 * rg_t)}")
        print(f"    TUI usable ≤ 1.0 s         {tui_t if tui_t is not None else float('nan'):.2f} s  {ok(tui_t, 1.0)}")
        print(f"    keystroke ≤ 30 ms median   {latency if latency is not None else float('nan'):.1f} ms"
              f"  {ok(latency, 30)}")
        print(f"    peak RSS ≤ 300 MB          {peak:.0f} MB  {ok(peak, 300)}")
        print(f"    cold load ≥ 4 MB/s         {mb / cold:.1f} MB/s  {ok(mb / cold, 4, lower_is_better=False)}")


def bench_seeds(root: Path) -> None:
    """First screen on the bundled seeds against a bare Textual app."""
    if not have_app():
        print("\n== seeds: tui.ui.app missing, first screen skipped ==")
        return
    env = env_for(root / "state-seeds")
    print("\n== bundled seeds: first screen (headless, median of 5) ==")
    bare = first_screen("bare", [], env, runs=5)
    first_screen("app", [], env, runs=1)  # fill the cache
    app = first_screen("app", [], env, runs=5)
    if bare is None or app is None:
        return
    print(f"  bare Textual app           {bare:7.2f} s")
    print(f"  reports-tui                {app:7.2f} s   ({app / bare:.1f}× bare; target ≤ 2×  {ok(app, 2 * bare)})")


def main() -> int:
    """Run everything; sizes from BENCH_SIZES (comma-separated, default 1000,10000)."""
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s.strip()]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"reports-tui benchmarks · Python {sys.version.split()[0]} · {cores} cores · sizes {sizes}")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reports-tui-bench-") as tmp:
        root = Path(tmp)
        bench_seeds(root)
        for n in sizes:
            bench_size(n, root)
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
