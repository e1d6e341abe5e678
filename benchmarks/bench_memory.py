"""Peak memory of `reports-tui weeks` on one large report: the target is at most 500 MB for a report of up
to 100 MB (5× the size of a 100 MB report), cache on or off.

    .venv/bin/python benchmarks/bench_memory.py [MB ...]        (default: 10 50 100)

For each size, two reports are generated into a temporary folder: one shaped like the seeds
(`bench_parse.big_report`: projects, headings and numbers varied) and one of `- x` lines (four bytes
of text per item: the most parsed items a megabyte can hold). Each is read by `reports-tui weeks` as a
separate process, three ways: with a fresh parse cache (`cold`: parsed and stored), again (`warm`) and
with `--no-cache`. Prints the peak resident memory of each run (`ru_maxrss`) and its ratio to the
report's size. (Below 100 MB the peak is mostly what a report is parsed into, which is bounded on its
own — `parse.MAX_PARTS` — rather than in proportion to the file.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_parse import big_report  # noqa: E402

EXE = HERE.parent / ".venv" / "bin" / "reports-tui"
TARGET_MB = 500  # peak memory for any report of up to 100 MB (above: 5× its size)

_MEASURE = r"""
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)
"""


def peak_rss(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak resident MB, seconds) of one `reports-tui ARGS` process."""
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "tui"]
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd, *args], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    took = time.perf_counter() - start
    if out[1] != "0":
        raise RuntimeError(f"reports-tui {' '.join(args)} exited {out[1]}")
    return int(out[0]) / 1024, took


def item_lines(mb: float) -> bytes:
    """A report of about `mb` megabytes of `- x` lines under one OKR section."""
    head = "# 2024-W10 大周报\n\n## 【O1 业务】\n\n".encode()
    return head + b"- x\n" * int(mb * 1024 * 1024 / 4)


def main(argv: list[str]) -> int:
    sizes = [float(a) for a in argv] or [10.0, 50.0, 100.0]
    print(f"peak memory of `reports-tui weeks` on one report (target: at most {TARGET_MB} MB up to 100 MB)")
    print(f"{'report':>22}  {'cold (cache on)':>22}  {'warm':>10}  {'--no-cache':>22}")
    with tempfile.TemporaryDirectory(prefix="reports-tui-memory-") as tmp:
        root = Path(tmp)
        for mb in sizes:
            for shape, make in (("seeds-shaped", big_report), ("`- x` lines", item_lines)):
                folder = root / "reports"
                folder.mkdir(exist_ok=True)
                data = make(mb)
                (folder / "big.md").write_bytes(data)
                size = len(data) / 1024 / 1024
                del data
                env = dict(os.environ, XDG_CACHE_HOME=str(root / "cache"), XDG_CONFIG_HOME=str(root / "config"))
                cold, t_cold = peak_rss(["weeks", str(folder)], env)
                warm, _ = peak_rss(["weeks", str(folder)], env)
                bare, t_bare = peak_rss(["weeks", "--no-cache", str(folder)], env)

                def cell(rss: float, took: float) -> str:
                    mark = "ok" if rss <= max(TARGET_MB, 5 * size) else "OVER"
                    return f"{rss:5.0f} MB {rss / size:4.1f}× {mark:>4} {took:4.0f}s"

                print(f"{size:6.0f} MB {shape:>12}  {cell(cold, t_cold):>22}  {warm:7.0f} MB  {cell(bare, t_bare):>22}",
                      flush=True)
                (folder / "big.md").unlink()
                shutil.rmtree(root / "cache", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
