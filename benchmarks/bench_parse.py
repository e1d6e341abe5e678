"""Parse time of one large report: linear in its size, or not.

    .venv/bin/python benchmarks/bench_parse.py [MB ...]        (default: 2 10 50)

A report of the given size is built from the bundled seeds' bodies, repeated with every project,
section and number varied (so a big report has as many distinct projects and headings as a real
one of that size would), and timed through what a load does with it: decoding, decoding and
parsing, and the parts the parse cache stores (head and projects; the search record, only up to
10 MB unless `--all`). Prints seconds per step and the parse rate (MB/s of decode + parse) per size:
linear parsing keeps that rate about the same as the size grows.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tui.model.report import SourceRef  # noqa: E402

_BRACKET = re.compile(r"【([^】\n]{1,30})】")
_HEADING = re.compile(r"(?m)^(#{2,6} )(.*)$")


def big_report(mb: float) -> bytes:
    """A UTF-8 report of about `mb` megabytes, shaped like the seeds (deterministic)."""
    seeds = sorted((HERE.parent / "seeds").iterdir())
    bodies = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in seeds if p.suffix in (".md", ".txt")]
    parts = ["# 2024-W10 大周报\n\nCreated: 2024年3月4日 09:00\n\n"]
    size, n = 0, 0
    target = int(mb * 1024 * 1024)
    while size < target:
        body = bodies[n % len(bodies)]
        body = _BRACKET.sub(lambda m: f"【{m.group(1)}{n}】", body)
        body = _HEADING.sub(lambda m: f"{m.group(1)}{m.group(2)} {n}", body)
        chunk = body.replace("进度", f"进度{n % 100}", 1)
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    return "".join(parts).encode("utf-8")


def main(argv: list[str]) -> int:
    from tui.index.search.records import search_parts
    from tui.index.store import codec
    from tui.model.load import load_bytes
    from tui.model.source import decode

    timed_all = "--all" in argv
    sizes = [float(a) for a in argv if a != "--all"] or [2.0, 10.0, 50.0]
    print(f"{'size':>8}  {'decode':>7}  {'+parse':>7}  {'head+projects':>13}  {'search record':>13}  rate")
    for mb in sizes:
        data = big_report(mb)
        real = len(data) / 1024 / 1024
        t0 = time.perf_counter()
        decode(data)
        t1 = time.perf_counter()
        report = load_bytes(data, SourceRef("big.md"))  # decode + parse
        t2 = time.perf_counter()
        codec.encode_head(report)
        codec.encode_projects(report.projects)
        t3 = time.perf_counter()
        if mb <= 10 or timed_all:
            search_parts(report)
            record = f"{time.perf_counter() - t3:12.2f}s"
        else:
            record = f"{'(--all)':>13}"
        print(f"{real:6.1f}MB  {t1 - t0:6.2f}s  {t2 - t1:6.2f}s  {t3 - t2:12.2f}s  {record}  "
              f"{real / (t2 - t1):.1f} MB/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
