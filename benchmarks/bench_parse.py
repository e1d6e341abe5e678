"""Parse time of one large report: linear in its size, or not.

    .venv/bin/python benchmarks/bench_parse.py [MB ...]        (default: 2 10 50)

A report of the given size is built from the bundled seeds' bodies, repeated with every project,
section and number varied (so a big report has as many distinct projects and headings as a real
one of that size would), and timed through what a load does with it: decoding, the parser, and the
parts the parse cache stores (head, projects, search record). Prints seconds and MB/s per size;
the rate should stay about the same as the size grows.
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
    from tui.index.store.loader import report_parts
    from tui.model.load import load_bytes
    from tui.model.parse import parse_report
    from tui.model.source import decode

    sizes = [float(a) for a in argv] or [2.0, 10.0, 50.0]
    print(f"{'size':>8}  {'decode':>7}  {'parse':>7}  {'cache parts':>11}  {'total':>7}  rate")
    for mb in sizes:
        data = big_report(mb)
        real = len(data) / 1024 / 1024
        t0 = time.perf_counter()
        text, enc = decode(data)
        t1 = time.perf_counter()
        parse_report(text, SourceRef("big.md"), encoding=enc)
        t2 = time.perf_counter()
        report = load_bytes(data, SourceRef("big.md"))
        t3 = time.perf_counter()
        report_parts(report, keep=False)
        t4 = time.perf_counter()
        total = (t1 - t0) + (t2 - t1) + (t4 - t3)
        print(f"{real:6.1f}MB  {t1 - t0:6.2f}s  {t2 - t1:6.2f}s  {t4 - t3:10.2f}s  {total:6.2f}s  "
              f"{real / total:.1f} MB/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
