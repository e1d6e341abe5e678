"""Time to write next week's draft: per report of the bundled seeds and of the real archives in
../shared/corpora, for one large report (1 and 5 MB, shaped like the seeds), and `reports-tui draft`
on the seeds from a warm cache against `reports-tui weeks` (the draft should cost next to nothing more).

    .venv/bin/python benchmarks/bench_draft.py

Targets: a seed-sized report ≤ 20 ms (the app's `d` answers at once); 1 MB ≤ 1 s (written in a thread,
input never waits); `draft` ≤ `weeks` + 0.25 s on the seeds (it reads the same cache, then imports the
parser, which a `weeks` from the cache never needs, and writes one draft).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

CORPORA = REPO.parent / "shared" / "corpora"


def ok(value: float, target: float) -> str:
    return "✓" if value <= target else "✗"


def per_report(paths: list[str]) -> tuple[int, float, float]:
    """(reports, median ms, max ms) of drafting after every report of a library."""
    from tui.index.draft import draft_report
    from tui.index.load import load_library

    lib = load_library(paths)
    times = []
    for r in lib.reports:
        history = [x for x in lib.reports if x.author == r.author]
        t = time.perf_counter()
        draft_report(r, history, datetime.now())
        times.append((time.perf_counter() - t) * 1000)
    return len(times), statistics.median(times), max(times)


def large(mb: float) -> float:
    """Seconds to draft after one report of `mb` megabytes."""
    from bench_parse import big_report
    from tui.index.draft import draft_report
    from tui.model.parse import parse_report
    from tui.model.report import SourceRef

    report = parse_report(big_report(mb).decode("utf-8"), SourceRef("big.md"))
    t = time.perf_counter()
    draft_report(report, [report], datetime.now())
    return time.perf_counter() - t


def cli(argv: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Median seconds of a `reports-tui` command."""
    exe = [str(REPO / ".venv" / "bin" / "reports-tui")]
    if not Path(exe[0]).exists():
        exe = [sys.executable, "-m", "tui"]
    subprocess.run(exe + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # (warm the cache)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(exe + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    print("\n== next week's draft ==")
    n, med, worst = per_report([str(REPO / "seeds")])
    print(f"  {f'seeds, per report ({n})':<36} median {med:6.1f} ms, max {worst:6.1f} ms   (target ≤ 20 ms {ok(worst, 20)})")
    for name in ("plct-weekly", "this-week-in-rust"):
        if (CORPORA / name).is_dir():
            n, med, worst = per_report([str(CORPORA / name)])
            print(f"  {name + f', per report ({n})':<36} median {med:6.1f} ms, max {worst:6.1f} ms")
    for mb in (1, 5):
        s = large(mb)
        mark = f"   (target ≤ 1 s {ok(s, 1.0)})" if mb == 1 else ""
        print(f"  {f'one report of {mb} MB':<36} {s:6.2f} s{mark}")
    with tempfile.TemporaryDirectory(prefix="reports-tui-bench-draft-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "XDG_CONFIG_HOME": str(Path(tmp) / "config")}
        weeks, draft = cli(["weeks"], env), cli(["draft"], env)
    print(f"  {'reports-tui draft (seeds, warm)':<36} {draft:6.2f} s against weeks {weeks:.2f} s "
          f"(+{draft - weeks:.2f} s; target ≤ +0.25 s {ok(draft - weeks, 0.25)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
