"""An intern programme's archive of bi-weekly reports, written into a folder for a test: the shapes of a
real one, with made-up people and text.

    WeeklyReports/README.md                                       (no report of anyone's)
    WeeklyReports/Hackathon_5th/01_xingmingyyj/xingmingyyj2023.10.10-2023.10.23.md   (a range glued to a name)
    WeeklyReports/Hackathon_5th/02_zhangyuqin1998/[WeeklyReport]2023.10.10~2023.10.23.md   (### 姓名 / 张钰钦)
    WeeklyReports/Hackathon_6th/21_silverling/[WeeklyReport]2024.03.23~2024.04.05.md
    WeeklyReports/Hackathon_6th/模板/[WeeklyReport]模板.md          (a template: nobody's)
    WeeklyReports/Hackathon_10th/13_wanghao/…  and a copy of two of them in hackathon_10th/13_wanghao/

Cohort folders, one folder per person below them (ordinal prefixes), names inside some reports behind
labels (`姓名：`, `Name:`, `Github ID：`, `GitHub-ID:`), one person spelled 韩用功 in one folder and
Hanyonggong in another, one folder whose reports name the person only sometimes, many naming nobody.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FIRST_WEEK_5TH = date(2023, 10, 10)
FIRST_WEEK_6TH = date(2024, 3, 23)
FIRST_WEEK_10TH = date(2026, 1, 19)


@dataclass
class Person:
    """One intern: where their reports sit, how they name themselves, and when they wrote."""

    cohort: str
    folder: str
    author: str  # who the library must say wrote every report in the folder
    header: str  # what each report says about who wrote it ("{n}" is the report's number)
    start: date
    reports: int
    names: str = "bracket"  # file names: "bracket" [WeeklyReport]A~B.md, "glued" folderA-B.md, "plain" 周报_A-B.md
    named_in: tuple[int, ...] | None = None  # only these reports (by number) carry the header
    late: int | None = None  # this report (by number) was written down a month after its period: a warning


def _people() -> list[Person]:
    p5, p6, p10 = "Hackathon_5th", "Hackathon_6th", "Hackathon_10th"
    people = [
        Person(p5, "01_xingmingyyj", "xingmingyyj", "", FIRST_WEEK_5TH, 6, names="glued"),
        Person(p5, "02_zhangyuqin1998", "张钰钦", "### 姓名\n\n张钰钦\n\n", FIRST_WEEK_5TH, 6, late=3),
        Person(p5, "03_MarioLulab", "陆琦", "姓名：陆琦\n\n", FIRST_WEEK_5TH, 6, named_in=(1, 4)),
        Person(p5, "04_Hanyonggong", "Hanyonggong", "", FIRST_WEEK_5TH + timedelta(days=14), 5),
        Person(p5, "05_SecretXV", "SecretXV", "### 姓名\n\nGithub ID：SecretXV\n\n", FIRST_WEEK_5TH, 6),
        Person(p5, "06_Austin-00", "Austin-00", "## 基本信息\n\n- GitHub-ID: Austin-00\n- 方向：框架\n\n",
               FIRST_WEEK_5TH, 6),
        Person(p5, "07_ccsuzzh", "Zhou Zhihao", "Name: Zhou Zhihao\n\n", FIRST_WEEK_5TH + timedelta(days=7), 5,
               names="plain"),
        Person(p6, "11_hanyg", "韩用功", "### 姓名\n\n姓名：韩用功\n\n", FIRST_WEEK_6TH, 6),
        Person(p6, "12_zhangyuqin1998", "张钰钦", "", FIRST_WEEK_6TH, 5),  # the same person, next cohort
        Person(p6, "13_NKNaN", "宁可", "## 姓名：宁可\n\n", FIRST_WEEK_6TH + timedelta(days=7), 6),
        Person(p6, "14_yinfan98", "尹帆", "Github ID：yinfan98\n姓名：尹帆\n\n", FIRST_WEEK_6TH, 6, names="plain"),
        Person(p6, "21_silverling", "silverling", "", FIRST_WEEK_6TH, 6),
        Person(p10, "02_Lin-Yuan", "Lin-Yuan", "", FIRST_WEEK_10TH, 4),
        Person(p10, "05_ming-y", "明宇", "### 姓名\n\n明宇\n\n", FIRST_WEEK_10TH, 4),
        Person(p10, "13_wanghao", "王豪", "姓名：王豪\n\n", FIRST_WEEK_10TH, 4),
        Person("hackathon_10th", "14_qiuyue", "qiuyue", "", FIRST_WEEK_10TH, 3),
    ]
    # Many interns name nobody in their reports: their folders name them.
    handles = ["river-tan", "moonpie7", "qingshan-dev", "bytecat", "lanxin2002", "pinecone88", "oakleaf", "tiny-gear"]
    for n, who in enumerate(handles):
        cohort, start = (p5, FIRST_WEEK_5TH) if n % 2 else (p6, FIRST_WEEK_6TH)
        style = ("bracket", "glued", "plain")[n % 3]
        if style == "glued" and who[-1].isdigit():
            style = "bracket"  # (`moonpie72023.12.26`: where the name ends and the year starts is anyone's guess)
        people.append(Person(cohort, f"{30 + n}_{who}", who, "", start + timedelta(days=7 * (n % 3 == 0)), 6,
                             names=style))
    return people


PEOPLE = _people()
NOBODYS = ["README.md", "Hackathon_6th/模板/[WeeklyReport]模板.md", "Hackathon_5th/周报说明.md"]
COPIED = ("hackathon_10th/13_wanghao", "Hackathon_10th/13_wanghao", 2)  # a folder copied into a case variant


def _body(p: Person, n: int, a: date, b: date) -> str:
    header = p.header if p.named_in is None or n in p.named_in else ""
    created = f"Created: {b + timedelta(days=30):%Y年%m月%d日} 10:00\n\n" if n == p.late else ""
    return (f"# 飞桨护航计划集训营 第{n}期双周报\n\n{created}{header}"
            f"## 本周工作\n\n1. 完成算子 op{n}_{p.folder[-3:]} 的单测，进度{min(100, 20 * n)}%\n"
            f"2. 阅读 {a:%m-%d} 至 {b:%m-%d} 的设计文档\n\n"
            f"## 指标\n\n- 单测覆盖率：{60 + 5 * n}%\n\n"
            f"## 下周工作\n\n1. 继续推进算子 op{n + 1}\n\n## 导师点评\n\n按计划推进。\n")


def _name(p: Person, a: date, b: date) -> str:
    if p.names == "glued":
        return f"{p.folder.split('_', 1)[1]}{a:%Y.%m.%d}-{b:%Y.%m.%d}.md"
    if p.names == "plain":
        return f"周报_{a:%Y.%m.%d}-{b:%Y.%m.%d}.md"
    return f"[WeeklyReport]{a:%Y.%m.%d}~{b:%Y.%m.%d}.md"


def periods(p: Person) -> list[tuple[date, date]]:
    """The periods of a person's reports: two weeks each, one after another."""
    return [(p.start + timedelta(days=14 * i), p.start + timedelta(days=14 * i + 13)) for i in range(p.reports)]


def write_archive(root: Path) -> Path:
    """Write the archive under `root`; returns its `WeeklyReports` folder."""
    base = root / "WeeklyReports"
    for p in PEOPLE:
        folder = base / p.cohort / p.folder
        folder.mkdir(parents=True, exist_ok=True)
        for n, (a, b) in enumerate(periods(p), start=1):
            (folder / _name(p, a, b)).write_text(_body(p, n, a, b), encoding="utf-8")
    (base / "README.md").write_text("# 集训营周报\n\n每位同学在自己的文件夹里提交双周报。\n", encoding="utf-8")
    (base / "Hackathon_5th" / "周报说明.md").write_text("# 周报怎么写\n\n- 写清楚做了什么\n", encoding="utf-8")
    template = base / "Hackathon_6th" / "模板"
    template.mkdir(parents=True)
    (template / "[WeeklyReport]模板.md").write_text("# 双周报\n\n### 姓名\n\n（你的名字）\n\n## 本周工作\n\n1. \n",
                                                   encoding="utf-8")
    copy_to, copy_from, n = COPIED
    (base / copy_to).mkdir(parents=True, exist_ok=True)
    for f in sorted((base / copy_from).iterdir())[:n]:
        shutil.copy2(f, base / copy_to / f.name)
    return base


def expected_author(path: Path, base: Path) -> str | None:
    """Who the library must say wrote the report at `path` (None: nobody)."""
    rel = path.relative_to(base).parts
    for p in PEOPLE:
        if rel[:2] == (p.cohort, p.folder):
            return p.author
    if "/".join(rel[:2]) == COPIED[0]:
        return "王豪"
    return None
