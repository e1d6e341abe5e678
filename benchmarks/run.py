"""Timings for reports-tui at scale; run by `make bench`.

Generates 1,000 and 10,000 reports (`BENCH_SIZES=1000` for a quicker run; `BENCH_SIZES=10000,100000` for
an organisation's archive, with `BENCH_KEEP=DIR` to generate the reports into DIR once and reuse them on
later runs) into a temporary folder and prints, per size: cold and warm `reports-tui weeks`, the first `reports-tui search`
(which builds and saves the index: its peak RSS), warm `reports-tui search` run side by side
with `rg -c` on the same files (the median ratio), `fzf --filter`, in-app search latency per
keystroke, the TUI itself typing into its search screen until each key's list and preview are drawn
(`bench_keys.py`, with its peak RSS, index built), time until the TUI shows its first screen (headless),
peak RSS and cold-load throughput.
Before that: on the bundled seeds, the first screen against a bare Textual app; on the real archives
in ../shared/corpora (this-week-in-rust, and with plct-weekly), a cold `search` against a cold
`weeks`, and in the app on a warm cache the first query after the first screen and the memory with
the search index built. Every process uses a fresh cache and config folder of its benchmark.
Then next week's draft (`bench_draft.py`: per report, one large report, `reports-tui draft`), and the
peak memory of one large report of 10, 50 and 100 MB (`bench_memory.py`; the sizes from
BENCH_MEMORY_MB, empty to skip). At the end, the scale targets side by side: each figure against its
target, at 10,000 and at 100,000.

Start-up figures are those of an installed app: first of all, reports-tui and the modules it imports are
compiled to byte code (`compileall`, and one import of the app) into a byte-code folder of the run that
every process shares, so no timed run compiles them.
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
               ("week:2024-W20..2024-W29", "filter only")]
RG_QUERIES = [(QUERY, "a CJK word", 2.0), ("贝易砖", "a typo: the fuzzy tier", 3.0), ("byz", "pinyin initials", 3.0)]
KEYSTROKES = ["贝易转", "实时数仓", "存管路由", "byz", "ssss", "zfyx", "贝易砖", "in:O2 进度", "pos 押金"]  # typed a character at a time
# One target per figure, used by the per-size lines and by the table at the end.
FIRST_SCREEN_S = 1.5      # warm first screen, at every size (and 100k ≤ 2× 10k)
COLD_MBS = 8.0            # cold load (parse + cache), 2 cores
KEY_MS = 30.0             # keystroke → results (engine alone) and key → drawn (the TUI), p99
RSS_MB = {10_000: 300, 100_000: 600}  # peak RSS with the index built (largest process, and the TUI)
PAIRS = 7  # side-by-side runs of reports-tui and rg (the median ratio is printed)
RUNS = 3
BIG = 50_000  # from this many reports on, fewer repeats (each run takes long) and no `--no-cache` run
RESULTS: dict[int | str, dict[str, float | None]] = {}  # size (or "seeds") → figure → value, for the summary
PYCACHE: Path | None = None  # the run's byte-code folder (see `compile_bytecode`)

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
from tui.index.load import load_library
from tui.index.workspace import Workspace
paths, queries = sys.argv[1], json.loads(sys.argv[2])
lib = load_library([paths], use_cache=True)
ws = Workspace(lib, use_cache=True)  # as the app: the index read from the parse cache (built the first time)
t = time.perf_counter(); index = ws.search_index(); build = time.perf_counter() - t
per = []
for _ in range(3):
    for q in queries:
        for i in range(1, len(q) + 1):
            if not q[:i].strip():
                continue
            t = time.perf_counter(); ws.search(q[:i], limit=300, wait=False); per.append(time.perf_counter() - t)
per.sort()
import resource
print(json.dumps({"build": build, "median": statistics.median(per), "p90": per[int(len(per) * 0.9)],
                  "p99": per[min(len(per) - 1, int(len(per) * 0.99))], "max": per[-1], "n": len(per),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_APP_FIRST_QUERY = r"""
import asyncio, json, sys, time, argparse, resource
t0 = time.perf_counter()
query, paths = sys.argv[1], sys.argv[2:]

async def main():
    from tui.ui.app import ReportsApp
    args = argparse.Namespace(paths=paths, compare=None, search=None, config=None, no_cache=False)
    app = ReportsApp(args, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (app.loaded and getattr(app.main_screen, "current", None) is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()
        screen_at = time.perf_counter()
        await pilot.press("slash")
        screen = app.screen
        screen.query_one("#search-input").value = query
        screen.start_search(query)
        while not (screen.result is not None and screen.result.query.raw == query and screen.result.complete):
            await asyncio.sleep(0.002)
        first = time.perf_counter() - screen_at
        while app.workspace.cached_search_index() is None or app.workspace._index_lock.locked():
            await asyncio.sleep(0.01)
        await pilot.pause(0.3)
        print(json.dumps({"screen": screen_at - t0, "first_query": first, "hits": screen.result.total,
                          "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))

asyncio.run(main())
"""


def env_for(tmp: Path) -> dict[str, str]:
    """A child environment with its own cache and config folders (fresh per benchmark)."""
    # Byte code goes to a folder of the benchmark's own (an installed app has byte code; compiling
    # every module on every run would time the compiler), never into the source tree.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(XDG_CACHE_HOME=str(tmp / "cache"), XDG_CONFIG_HOME=str(tmp / "config"), NO_COLOR="1",
               PYTHONPYCACHEPREFIX=str(PYCACHE or tmp / "pycache"), PYTHONPATH=str(REPO))
    return env


def compile_bytecode(root: Path) -> None:
    """Byte code for reports-tui and what it imports, as an installed app has it: `compileall` of the
    package, then one import of the app and its loaders and search engine (which writes the byte code
    of every library module they import), into a folder every later process of the run shares."""
    global PYCACHE
    PYCACHE = root / "pycache"
    env = env_for(root / "compile")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "tui")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    imports = ("import tui.cli.main, tui.index.store.cache, tui.index.store.loading, tui.index.store.loader, tui.index.search.engine\n"
               "try:\n    import tui.ui.app, tui.ui.screens.main\nexcept ImportError:\n    pass\n")
    subprocess.run([sys.executable, "-c", imports], env=env, check=True)
    print(f"(byte code compiled in {time.perf_counter() - t:.1f} s)")


def reports_tui() -> list[str]:
    """How to launch reports-tui: the venv's script if there is one."""
    exe = Path(sys.executable).with_name("reports-tui")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tui"]


def measure(cmd: list[str] | str, env: dict[str, str], shell: bool = False) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the largest process) of one command, whole process."""
    argv = ["bash", "-c", cmd] if shell else cmd
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True)
    dt, rss_kb, rc = out.stdout.split()
    if rc != "0" and not (argv[0] == "rg" and rc == "1"):  # (rg: 1 is "no match")
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


def side_by_side(cmd_a: list[str], cmd_b: list[str], env: dict[str, str], pairs: int = PAIRS) -> tuple[float, float, float]:
    """Run two commands alternately `pairs` times: (median seconds of a, of b, median of the ratios a/b)."""
    a_t, b_t, ratios = [], [], []
    for _ in range(pairs):
        a, _ = measure(cmd_a, env)
        b, _ = measure(cmd_b, env)
        a_t.append(a)
        b_t.append(b)
        ratios.append(a / b if b else float("inf"))
    return statistics.median(a_t), statistics.median(b_t), statistics.median(ratios)


def have_search_module() -> bool:
    """Whether the search engine can be imported."""
    try:
        import tui.index.search.engine  # noqa: F401
        return True
    except ImportError:
        return False


def have_app() -> bool:
    """Whether the TUI can be imported."""
    try:
        import tui.ui.app  # noqa: F401
        return True
    except ImportError:
        return False


def bench_size(n: int, root: Path) -> None:
    """Every number for a library of n generated reports."""
    # BENCH_ARCHIVE=varied (the default): an archive as varied as real ones (`varied.py`, 60-70 % distinct
    # lines); BENCH_ARCHIVE=seeds: the seed templates with numbers varied (`generate.py`, ~7 % distinct)
    kind = os.environ.get("BENCH_ARCHIVE", "varied")
    if kind == "seeds":
        from benchmarks.generate import generate
    else:
        from benchmarks.varied import generate

    keep = os.environ.get("BENCH_KEEP")
    corpus = (Path(keep) if keep else root) / (f"reports-{n}" if kind == "seeds" else f"varied-{n}")
    t = time.perf_counter()
    files = sorted(corpus.rglob("*.md")) if (corpus / ".complete").exists() else []
    how = "reused"
    if len(files) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        files = generate(corpus, n)
        (corpus / ".complete").touch()
        how = "generated"
    mb = sum(p.stat().st_size for p in files) / 1e6
    from benchmarks.varied import distinct_share

    share = distinct_share(files[:: max(1, len(files) // 2000)])  # (a sample of 2,000 files)
    print(f"  ({kind} archive: {share[0]:.0%} distinct lines, {share[1]:.0%} of bytes, in a sample)")
    big = n >= BIG
    pairs, runs = (3, 1) if big else (PAIRS, RUNS)
    res = RESULTS.setdefault(n, {})
    print(f"\n== {n:,} reports, {mb:.1f} MB ({how} in {time.perf_counter() - t:.1f} s) ==")
    state = root / f"state-{n}"
    env = env_for(state)
    rt = reports_tui()
    peak = 0.0

    cold, rss = measure(rt + ["weeks", str(corpus)], env)
    peak = max(peak, rss)
    res["cold_mbs"] = mb / cold
    print(f"  weeks, cold cache          {cold:7.2f} s   ({mb / cold:.1f} MB/s parse+store, peak RSS {rss:.0f} MB)")
    warm, rss = median_of(rt + ["weeks", str(corpus)], env, runs=runs)
    peak = max(peak, rss)
    res["warm_weeks"] = warm
    print(f"  weeks, warm cache          {warm:7.2f} s   (peak RSS {rss:.0f} MB)")
    for what, args in (("team --weeks 12, warm", ["team", "--weeks", "12"]),
                       ("digest --format html, warm", ["digest", "--format", "html"])):
        t_x, rss = median_of(rt + args + [str(corpus)], env, runs=runs)
        peak = max(peak, rss)
        print(f"  {what:<26} {t_x:7.2f} s   (peak RSS {rss:.0f} MB)")
    if big:
        print("  weeks, --no-cache          (skipped at this size: it keeps every report whole)")
    else:
        nocache, rss = measure(rt + ["weeks", "--no-cache", str(corpus)], env_for(state / "nocache"))
        print(f"  weeks, --no-cache          {nocache:7.2f} s   (peak RSS {rss:.0f} MB: every report kept whole)")

    search_t = None
    ratios: dict[str, tuple[float, float]] = {}
    if have_search_module():
        # the first search after a load builds the library's search index and saves it (written as it is
        # built): its process's peak against the target of the app with its index
        build_t, build_rss = measure(rt + ["search", QUERY, str(corpus)], env)
        res["build_rss"] = build_rss
        print(f"  search, index built        {build_t:7.2f} s   (peak RSS {build_rss:.0f} MB: the first search builds"
              " and saves the index)")
        for q, why in CLI_QUERIES:
            t_q, rss = median_of(rt + ["search", q, str(corpus)], env, runs=runs)
            peak = max(peak, rss)
            print(f"  search {q!r:<16} {t_q:7.2f} s   (peak RSS {rss:.0f} MB; {why})")
        if shutil.which("rg"):
            for q, why, target in RG_QUERIES:
                t_q, t_rg, ratio = side_by_side(rt + ["search", q, str(corpus)], ["rg", "-c", q, str(corpus)], env,
                                                pairs)
                ratios[q] = (ratio, target)
                if q == QUERY:
                    search_t = t_q
                    res["search_rg"] = ratio
                print(f"  search {q!r:<16} {t_q:7.2f} s   rg -c {t_rg:.2f} s: {ratio:.1f}× rg, median of {pairs} side by"
                      f" side ({why}; target ≤ {target:.0f}×)")
        else:
            print("  rg                         (not installed: no ratios)")
    else:
        print("  search                     (tui.index.search missing: skipped)")
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
            latency = s["p99"] * 1000
            res["keystroke_p99"] = latency
            peak = max(peak, s["rss_mb"])
            print(f"  in-app search per keystroke  median {s['median'] * 1000:.1f} ms, p90 {s['p90'] * 1000:.1f} ms,"
                  f" p99 {latency:.1f} ms, max {s['max'] * 1000:.0f} ms over {s['n']} keystrokes (index read from"
                  f" the parse cache in {s['build']:.2f} s; RSS {s['rss_mb']:.0f} MB)")
        else:
            print(f"  in-app search failed: {out.stderr.strip().splitlines()[-1:]}")

    app_keys = None
    if have_app():
        # the TUI itself (Pilot): keys typed into the search screen, each until its list and preview are
        # drawn (`bench_keys.py`); and the TUI's peak RSS with its index built
        out = subprocess.run([sys.executable, str(HERE / "bench_keys.py"), str(corpus)], env=env, capture_output=True,
                             text=True, timeout=3600)
        if out.returncode == 0:
            app_keys = json.loads(out.stdout.strip().splitlines()[-1])
            k, p_ = app_keys["search"], app_keys["press"]
            res["app_keystroke_p99"], res["app_rss"] = k["p99"], app_keys["rss_mb"]
            print(f"  TUI keystroke → list+preview  p50 {k['p50']:.0f} ms, p90 {k['p90']:.0f} ms, p99 {k['p99']:.0f} ms"
                  f" over {app_keys['n']} keys (from the search's start; from the key press, with the"
                  f" {app_keys['debounce_ms']:.0f} ms debounce: p50 {p_['p50']:.0f}, p99 {p_['p99']:.0f} ms);"
                  f" slowest {', '.join(repr(q) for _t, q in app_keys['slowest'][:3])}")
            c, w = app_keys["cpu"], app_keys["worker_cpu"]
            print(f"    CPU time per key: the process p50 {c['p50']:.0f} / p90 {c['p90']:.0f} / p99 {c['p99']:.0f} ms,"
                  f" the search worker p50 {w['p50']:.0f} / p90 {w['p90']:.0f} / p99 {w['p99']:.0f} ms")
            if app_keys.get("fill"):
                f_, fc = app_keys["fill"], app_keys["fill_cpu"]
                print(f"    the whole list after the page: p50 {f_['p50']:.0f} / p99 {f_['p99']:.0f} ms"
                      f" (its search's CPU p50 {fc['p50']:.0f} / p99 {fc['p99']:.0f} ms)")
            print(f"  TUI peak RSS, index built  {app_keys['rss_mb']:7.0f} MB")
        else:
            print(f"  TUI keystrokes failed: {out.stderr.strip().splitlines()[-1:]}")
    tui_t = first_screen("app", [str(corpus)], env, runs=runs) if have_app() else None
    res["first_screen"] = tui_t
    if tui_t is not None:
        print(f"  TUI first screen, warm     {tui_t:7.2f} s   (headless: week list and a report shown)")
    res["peak_rss"] = peak
    print(f"  peak RSS (largest process) {peak:7.0f} MB")

    if n in RSS_MB:  # the targets at 10,000 and 100,000 reports (also side by side at the end)
        print(f"  targets at {n:,} reports:")
        for q, (ratio, target) in ratios.items():
            print(f"    search {q} ≤ {target:.0f}× rg{'':<9} {ratio:.1f}×  {ok(ratio, target)}")
        print(f"    warm first screen ≤ {FIRST_SCREEN_S} s  {tui_t if tui_t is not None else float('nan'):.2f} s"
              f"  {ok(tui_t, FIRST_SCREEN_S)}")
        print(f"    keystroke ≤ {KEY_MS:.0f} ms p99      {latency if latency is not None else float('nan'):.1f} ms"
              f"  {ok(latency, KEY_MS)}")
        print(f"    peak RSS ≤ {RSS_MB[n]} MB          {peak:.0f} MB  {ok(peak, RSS_MB[n])}")
        if "build_rss" in res:
            print(f"    index build RSS ≤ {RSS_MB[n]} MB    {res['build_rss']:.0f} MB  {ok(res['build_rss'], RSS_MB[n])}")
        if app_keys is not None:
            print(f"    TUI keystroke ≤ {KEY_MS:.0f} ms p99  {app_keys['search']['p99']:.0f} ms"
                  f"  {ok(app_keys['search']['p99'], KEY_MS)}")
            print(f"    TUI RSS ≤ {RSS_MB[n]} MB           {app_keys['rss_mb']:.0f} MB  {ok(app_keys['rss_mb'], RSS_MB[n])}")
        print(f"    cold load ≥ {COLD_MBS:.0f} MB/s         {mb / cold:.1f} MB/s"
              f"  {ok(mb / cold, COLD_MBS, lower_is_better=False)}")


CORPORA = REPO.parent / "shared" / "corpora"


def bench_corpus(root: Path, names: list[str], query: str = "Rust") -> None:
    """A link-heavy archive: cold `search` against cold `weeks`, and in the app on a warm cache the first
    query after the first screen and the memory with the search index built."""
    paths = [str(CORPORA / n) for n in names]
    if not all(Path(p).is_dir() for p in paths):
        print(f"\n== {' + '.join(names)}: not found under {CORPORA}, skipped ==")
        return
    mb = sum(f.stat().st_size for p in paths for f in Path(p).rglob("*") if f.is_file()) / 1e6
    print(f"\n== {' + '.join(names)} ({mb:.1f} MB) ==")
    rt = reports_tui()
    cold_w, cold_s, ratios = [], [], []
    for i in range(3):  # each run on a cache of its own, so both parse everything
        w, _ = measure(rt + ["weeks", *paths], env_for(root / f"cold-weeks-{'-'.join(names)}-{i}"))
        s_, _ = measure(rt + ["search", query, *paths], env_for(root / f"cold-search-{'-'.join(names)}-{i}"))
        cold_w.append(w)
        cold_s.append(s_)
        ratios.append(s_ / w)
    w, s_, r = statistics.median(cold_w), statistics.median(cold_s), statistics.median(ratios)
    print(f"  cold weeks {w:.2f} s, cold search {query!r} {s_:.2f} s: {r:.2f}× (median of 3 side by side;"
          f" target ≤ 1.20×  {ok(r, 1.2)})")
    if not have_app():
        return
    env = env_for(root / f"warm-{'-'.join(names)}")
    runs = []
    for i in range(4):  # the first run parses and saves the search index; then warm
        out = subprocess.run([sys.executable, "-c", _APP_FIRST_QUERY, query, *paths], env=env, capture_output=True,
                             text=True, timeout=600)
        if out.returncode != 0:
            print(f"  app: failed ({out.stderr.strip().splitlines()[-1:]})")
            return
        if i:
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = statistics.median(r_["first_query"] for r_ in runs)
    screen = statistics.median(r_["screen"] for r_ in runs)
    rss = max(r_["rss_mb"] for r_ in runs)
    print(f"  app, warm cache: first screen {screen:.2f} s; first query {query!r} {first:.2f} s after it"
          f" (target ≤ 0.5 s  {ok(first, 0.5)}); peak RSS with the index built {rss:.0f} MB (target ≤ 200 MB"
          f"  {ok(rss, 200)})")


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
    RESULTS["seeds"] = {"ratio": app / bare}
    print(f"  bare Textual app           {bare:7.2f} s")
    print(f"  reports-tui                {app:7.2f} s   ({app / bare:.2f}× bare; target ≤ 2×  {ok(app, 2 * bare)})")


def _pad(text: str, cells: int) -> str:
    """Text padded to a number of terminal cells (a CJK character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, cells - used)


def _fmt(value: float | None, fmt: str) -> str:
    return "(not run)" if value is None else fmt.format(value)


def summary(results: dict) -> None:
    """The scale targets side by side: each figure at 10,000 and at 100,000 reports against
    its target, ✓ or ✗ for each scale it applies to."""
    ten, hundred = results.get(10_000, {}), results.get(100_000, {})
    if not ten and not hundred:
        return

    def get(d: dict, k: str) -> float | None:
        return d.get(k)

    fs10, fs100 = get(ten, "first_screen"), get(hundred, "first_screen")
    growth = fs100 / fs10 if fs10 and fs100 else None
    seeds = results.get("seeds", {}).get("ratio")
    rows = [
        # what, target, 10k value, 100k value, format, marks at 10k / 100k
        ("cold load (parse + cache)", f"≥ {COLD_MBS:.0f} MB/s", get(ten, "cold_mbs"), get(hundred, "cold_mbs"),
         "{:.1f} MB/s", lambda v: ok(v, COLD_MBS, lower_is_better=False),
         lambda v: ok(v, COLD_MBS, lower_is_better=False)),
        ("warm first screen", f"≤ {FIRST_SCREEN_S} s", fs10, fs100, "{:.2f} s", lambda v: ok(v, FIRST_SCREEN_S),
         lambda v: ok(v, FIRST_SCREEN_S)),
        ("  … growth 10k → 100k", "≤ 2×", None, growth, "{:.1f}×", None, lambda v: ok(v, 2.0)),
        ("warm `weeks`", "(no target)", get(ten, "warm_weeks"), get(hundred, "warm_weeks"), "{:.2f} s", None, None),
        (f"search {QUERY}, warm", "≤ 2× rg -c", get(ten, "search_rg"), get(hundred, "search_rg"), "{:.1f}× rg",
         lambda v: ok(v, 2.0), lambda v: ok(v, 2.0)),
        ("keystroke → results, p99", f"≤ {KEY_MS:.0f} ms", get(ten, "keystroke_p99"), get(hundred, "keystroke_p99"),
         "{:.1f} ms", lambda v: ok(v, KEY_MS), lambda v: ok(v, KEY_MS)),
        ("peak RSS with the index", f"≤ {RSS_MB[10_000]} / {RSS_MB[100_000]} MB", get(ten, "peak_rss"),
         get(hundred, "peak_rss"), "{:.0f} MB", lambda v: ok(v, RSS_MB[10_000]), lambda v: ok(v, RSS_MB[100_000])),
        ("TUI keystroke → drawn, p99", f"≤ {KEY_MS:.0f} ms", get(ten, "app_keystroke_p99"),
         get(hundred, "app_keystroke_p99"), "{:.0f} ms", lambda v: ok(v, KEY_MS), lambda v: ok(v, KEY_MS)),
        ("TUI peak RSS, index built", f"≤ {RSS_MB[10_000]} / {RSS_MB[100_000]} MB", get(ten, "app_rss"),
         get(hundred, "app_rss"), "{:.0f} MB", lambda v: ok(v, RSS_MB[10_000]), lambda v: ok(v, RSS_MB[100_000])),
    ]
    print("\n== scale targets: 10,000 and 100,000 reports, side by side ==")
    print(f"  {'what':<28} {'target':<18} {'10,000':>14}    {'100,000':>14}")
    for what, target, v10, v100, fmt, mark10, mark100 in rows:
        m10 = f" {mark10(v10)}" if mark10 and v10 is not None else "  "
        m100 = f" {mark100(v100)}" if mark100 and v100 is not None else "  "
        print(f"  {_pad(what, 28)} {target:<18} {_fmt(v10, fmt):>14}{m10}  {_fmt(v100, fmt):>14}{m100}")
    mark = f" {ok(seeds, 2.0)}" if seeds is not None else ""
    print(f"  {'bundled seeds first screen':<28} {'≤ 2× bare Textual':<18} {_fmt(seeds, '{:.2f}× bare'):>14}{mark}"
          "  (the same at every scale)")


def main() -> int:
    """Run everything; sizes from BENCH_SIZES (comma-separated, default 1000,10000)."""
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s.strip()]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"reports-tui benchmarks · Python {sys.version.split()[0]} · {cores} cores · sizes {sizes}")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reports-tui-bench-") as tmp:
        root = Path(tmp)
        compile_bytecode(root)
        bench_seeds(root)
        bench_corpus(root, ["this-week-in-rust"])
        bench_corpus(root, ["this-week-in-rust", "plct-weekly"])
        for n in sizes:
            bench_size(n, root)
    subprocess.run([sys.executable, str(HERE / "bench_draft.py")])
    memory = [m for m in os.environ.get("BENCH_MEMORY_MB", "10,50,100").split(",") if m.strip()]
    if memory:  # one large report: peak memory (BENCH_MEMORY_MB= skips it)
        import bench_memory

        print()
        bench_memory.main(memory)
    summary(RESULTS)
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
