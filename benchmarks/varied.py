"""Write N weekly reports as varied as a real archive, deterministically.

    python benchmarks/varied.py OUT_DIR [N] [--seed S]

`generate.py` varies the numbers of five seed templates, so only ~7 % of its lines are distinct; a real
archive repeats far less (62.8 % distinct lines, 70.8 % of bytes in ../shared/corpora). Search cost and
index size grow with the distinct text, so a benchmark on the seed templates flatters them. This
generator writes reports shaped like the seeds (title, `Created:`, focus projects, OKR sections, a KPI
section, incidents, next week's plans), several authors a week, whose items are new sentences made by
splicing fragments of the real archives' lines and words (read at run time from ../shared/corpora,
never stored in this repository; the seeds when the corpora are absent): each author carries part of
last week's items forward (as people do, with new progress figures), the rest are new. `distinct_share`
measures the share of distinct lines and of their bytes; the defaults land at 60–70 %.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

try:
    from .generate import write_weeks  # (imported as benchmarks.varied)
except ImportError:
    from generate import write_weeks  # (run as a script: its folder is on the path)

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
CORPORA = HERE.parent.parent / "shared" / "corpora"

AUTHORS = ["zhangwei", "wangfang", "lina", "liuyang", "chenjie", "yangmin", "zhaolei", "huangli"]
SECTIONS = ["【O1 业务服务】", "【O2 能力升级】", "【O3 平台治理】", "【O4 团队建设】"]
KPIS = ["入金有效成功率", "出金有效成功率", "一次支付成功率", "支付系统年度可用性"]
FOUND = ["监控发现", "业务发现", "商户反馈", "客服反馈"]
CARRY = 0.35  # share of an author's items carried into next week (the text kept, a number changed)

_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|^#+\s+|^>\s*")
_LINK = re.compile(r"\]\([^)]*\)|https?://\S+")
_SPLIT = re.compile(r"(?<=[，,；;。：:、 ])")


def _pool() -> tuple[list[str], list[str]]:
    """Sentences (list items and paragraphs, markers and link targets dropped) and project-like names
    from the real archives (the seeds when they are absent)."""
    files = [p for p in CORPORA.rglob("*.md")] if CORPORA.is_dir() else []
    if not files:
        files = [p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt")]
    sentences: list[str] = []
    names: set[str] = set()
    for p in sorted(files):
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            s = _LINK.sub("]", _MARKER.sub("", line)).strip()
            if 12 <= len(s) <= 240 and not s.startswith(("|", "```", "<", "[", "!")):
                sentences.append(s)
            for m in re.finditer(r"\b[A-Z][A-Za-z0-9]{2,15}\b|[\u4e00-\u9fff]{2,5}", s):
                names.add(m.group())
    return sentences, sorted(names)


def _fragments(s: str) -> list[str]:
    parts = [x for x in _SPLIT.split(s) if x.strip()]
    return parts if len(parts) > 1 else [s[: len(s) // 2], s[len(s) // 2:]]


class Archive:
    """The pools a generated archive draws from, and each author's items carried from week to week."""

    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        self.sentences, self.names = _pool()
        self.projects = [n for n in self.names if len(n) >= 2][:4000] or ["贝易转", "实时数仓", "存管路由"]
        self.carried: dict[str, list[str]] = {}

    def sentence(self) -> str:
        """A new line: the start of one real line joined to the end of another, sometimes with a third's
        middle, and now and then a figure."""
        rng = self.rng
        a, b = _fragments(rng.choice(self.sentences)), _fragments(rng.choice(self.sentences))
        k = rng.randrange(1, len(a)) if len(a) > 1 else 1
        j = rng.randrange(0, len(b) - 1) if len(b) > 1 else 0
        out = "".join(a[:k]) + "".join(b[j:])
        if rng.random() < 0.3:
            out += f"，进度{rng.randint(5, 100)}%"
        return out[:300]

    def item(self, author: str) -> str:
        """An item of an author's report: carried from last week (its figure moved on) or new."""
        rng = self.rng
        mine = self.carried.setdefault(author, [])
        if mine and rng.random() < CARRY:
            text = rng.choice(mine)
            if rng.random() < 0.5:
                text = re.sub(r"\d+%", f"{rng.randint(5, 100)}%", text, count=1)
            return text
        text = self.sentence()
        if rng.random() < 0.15:
            text = f"【{rng.choice(self.projects)}】{text}"
        mine.append(text)
        if len(mine) > 40:
            mine.pop(0)
        return text

    def report(self, author: str, monday: date) -> str:
        """One report for the week starting on `monday`."""
        rng = self.rng
        y, w, _ = monday.isocalendar()
        created = datetime.combine(monday + timedelta(days=rng.randint(4, 6)), datetime.min.time()) + timedelta(
            minutes=rng.randint(8 * 60, 22 * 60))
        label = rng.choice([f"{y}-W{w:02d}", f"{y}年第{w}周", f"第{w}周 {monday:%Y-%m-%d}", f"Week {w}, {y}"])
        out = [f"# {label}", "", f"Created: {created.year}年{created.month}月{created.day}日 {created:%H:%M}", ""]
        for _ in range(rng.randint(3, 6)):  # focus projects, items nested under them
            out.append(f"- 【{rng.choice(self.projects)}】")
            for i in range(rng.randint(3, 8)):
                out.append(f"    - {self.item(author)}")
                if rng.random() < 0.3:
                    out.append(f"        - {self.item(author)}")
        out.append("")
        for sec in rng.sample(SECTIONS, rng.randint(2, 4)):
            out += [f"## {sec}", ""]
            out += [f"- {self.item(author)}" for i in range(rng.randint(5, 12))]
            out.append("")
        out += ["## 系统运行数据", ""]
        out += [f"- {k}：{rng.uniform(99.9, 100):.3f}%" for k in KPIS]
        out += [f"- 事故数AB级{rng.randint(0, 1)}次，CD级{rng.randint(0, 3)}次", ""]
        out += ["## 生产事件", ""]
        for _ in range(rng.randint(0, 3)):
            day = monday + timedelta(days=rng.randint(0, 6))
            out.append(f"- {day.month}/{day.day} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} "
                       f"{rng.choice(FOUND)}，{self.sentence()}")
        out += ["", "## 下周计划", ""]
        out += [f"- {self.item(author)}" for _ in range(rng.randint(2, 5))]
        return "\n".join(out) + "\n"


def generate(out: Path, n: int, seed: int = 1) -> list[Path]:
    """Write n reports under `out` (8 authors a week, weeks going back from 2024-W30)."""
    arc = Archive(seed)
    authors = AUTHORS[: max(1, min(len(AUTHORS), n // 8 or 1))]
    return write_weeks(out, n, authors, arc.report)


def distinct_share(files: list[Path]) -> tuple[float, float]:
    """(share of distinct non-empty lines, share of their bytes) over some files."""
    seen: set[str] = set()
    lines = nbytes = dlines = dbytes = 0
    for p in files:
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            s = line.strip()
            if not s:
                continue
            size = len(s.encode("utf-8"))
            lines += 1
            nbytes += size
            if s not in seen:
                seen.add(s)
                dlines += 1
                dbytes += size
    return (dlines / lines if lines else 0.0), (dbytes / nbytes if nbytes else 0.0)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    files = generate(a.out, a.n, a.seed)
    size = sum(p.stat().st_size for p in files)
    lines, nbytes = distinct_share(files)
    print(f"wrote {len(files)} reports, {size / 1e6:.1f} MB, under {a.out}: {lines:.0%} distinct lines,"
          f" {nbytes:.0%} of bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
