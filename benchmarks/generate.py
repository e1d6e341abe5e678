"""Write N weekly reports shaped like the bundled seeds into a folder, deterministically.

    python benchmarks/generate.py OUT_DIR [N] [--seed S]

Several authors write a report every week (`OUT_DIR/<author>/<year>/<label>.md`); each report is a
seed with its title, `Created:` date, numbers and item order varied, so that KPIs, progress
percentages, projects and week labels all differ from file to file.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"

AUTHORS = ["zhangwei", "wangfang", "lina", "liuyang", "chenjie", "yangmin", "zhaolei", "huangli",
           "zhouxin", "wuhao", "xuqing", "sunpeng"]

_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d+(?:\.\d+)?)(?=%|笔|万|元|次|城|人|天|分钟|s|ms)")
_TITLE = re.compile(r"\A#[^\n]*\n")
_CREATED = re.compile(r"(?m)^Created: [^\n]*$")
_WEEK_HEADING = re.compile(r"#+ .*第\s*\d+\s*周")


def _templates() -> list[list[str]]:
    """Each seed split into its title and blocks (a block: a top-level item with its children)."""
    out = []
    for p in sorted(SEEDS.iterdir()):
        if p.suffix.lower() not in (".md", ".txt", ".markdown"):
            continue
        text = p.read_text(encoding="utf-8")
        text = _TITLE.sub("", text, count=1)
        text = _CREATED.sub("", text, count=1)
        lines = [ln for ln in text.strip("\n").split("\n") if not _WEEK_HEADING.match(ln)]
        out.append(lines)
    return out


def _label(rng: random.Random, monday: date) -> str:
    """A week label in one of the styles the seeds use."""
    y, w, _ = monday.isocalendar()
    style = rng.randrange(5)
    if style == 0:
        return f"{y}-W{w:02d}"
    if style == 1:
        return f"{y}-w{w:02d}"
    if style == 2:
        return f"第{w}周 {monday:%Y-%m-%d}"
    if style == 3:
        return f"{y}年第{w}周"
    return f"Week {w}, {y}"


def _vary_numbers(rng: random.Random, line: str) -> str:
    def repl(m: re.Match) -> str:
        s = m.group(1)
        v = float(s)
        if "." in s:
            decimals = len(s.split(".")[1])
            nv = v * rng.uniform(0.995, 1.005) if v > 90 else v * rng.uniform(0.5, 1.5)
            return f"{min(nv, 99.999 if v <= 100 else nv):.{decimals}f}"
        if v <= 100 and line[m.end():m.end() + 1] == "%":
            return str(min(100, max(0, int(v + rng.randint(-15, 15)))))
        return str(max(0, int(v * rng.uniform(0.5, 1.6))))

    return _NUMBER.sub(repl, line)


def _blocks(lines: list[str]) -> list[list[str]]:
    """Split a body into blocks: headings and top-level items start a new block."""
    blocks: list[list[str]] = []
    for line in lines:
        if not blocks or line.startswith(("#", "- ", "1. ", "2. ", "3. ", "4. ", "5. ", "6. ")) or (
            line and line[0].isdigit() and ". " in line[:4]
        ):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def render(rng: random.Random, templates: list[list[str]], monday: date) -> str:
    """One report for the week starting on `monday`."""
    body = rng.choice(templates)
    blocks = _blocks(body)
    # Keep headings where they are; shuffle items between headings a little, drop one now and then.
    out: list[str] = []
    run: list[list[str]] = []

    def flush() -> None:
        if len(run) > 2:
            i = rng.randrange(len(run) - 1)
            run[i], run[i + 1] = run[i + 1], run[i]
        for b in run:
            if len(run) > 3 and rng.random() < 0.08:
                continue
            out.extend(b)
        run.clear()

    for b in blocks:
        if b[0].startswith("#"):
            flush()
            out.extend(b)
        else:
            run.append(b)
    flush()
    created = datetime.combine(monday + timedelta(days=rng.randint(4, 6)), datetime.min.time()) + timedelta(
        minutes=rng.randint(8 * 60, 22 * 60))
    head = [f"# {_label(rng, monday)}", "", f"Created: {created.year}年{created.month}月{created.day}日 "
            f"{created:%H:%M}", ""]
    return "\n".join(head + [_vary_numbers(rng, line) for line in out]) + "\n"


def generate(out: Path, n: int, seed: int = 1) -> list[Path]:
    """Write n reports under `out` (several authors per week, weeks going back from 2024-W30)."""
    rng = random.Random(seed)
    templates = _templates()
    authors = AUTHORS[: max(1, min(len(AUTHORS), 8 if n >= 64 else max(1, n // 8)))]
    return write_weeks(out, n, authors, lambda _author, monday: render(rng, templates, monday))


def write_weeks(out: Path, n: int, authors: list[str], text: Callable[[str, date], str]) -> list[Path]:
    """Write n reports under `out` as `<author>/<year>/<year>-W<week>.md`, one per author a week, weeks
    going back from 2024-W30 (`text(author, monday)`: a report's Markdown, asked in the order written)."""
    weeks = (n + len(authors) - 1) // len(authors)
    last = date(2024, 7, 22)  # a Monday
    written: list[Path] = []
    for k in range(weeks):
        monday = last - timedelta(weeks=weeks - 1 - k)
        y, w, _ = monday.isocalendar()
        for author in authors:
            if len(written) >= n:
                break
            path = out / author / str(y) / f"{y}-W{w:02d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(author, monday), encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    files = generate(a.out, a.n, a.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} reports, {size / 1e6:.1f} MB, under {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
