"""One folder per person (SPEC §3.0): which folders of a library each hold one person's reports.

A folder's sub-folders are people when each holds one person's reports of different periods and they
share periods (a team writes the same weeks; folders per year or per project do not). That is decided
for every folder under a PATH, from the top down, so people sit at any depth
(`WeeklyReports/Hackathon_6th/21_silverling/…`) whatever the folders beside them hold; the first folder
on the way down whose sub-folders are people settles its part of the tree. A person folder's name less
an ordinal prefix (`21_`, `02-`) is the person's name, unless its reports name their author
themselves: then the name most of them give is the whole folder's (`folder_names`).

`assign_authors` gives every report of a library its author:
1. the name a report gives itself (`authors`);
2. a report in a person folder takes the folder's author: the name most of its reports give, else the
   folder's name — one folder is one author;
3. the config's aliases (`[authors] aliases`) merge spellings;
4. a person folder's name is that person's spelling: an author named only by that spelling elsewhere
   (another cohort's folder `zhangyuqin1998`, a `Github ID：zhangyuqin1998`) is the same person, as long
   as the spelling names one person only.

Pure Python; no Textual or Rich.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence, Union

from .authors import Aliases, name_key
from .files import SourceRef
from .report import Report
from .text import LazyPattern, nfkc, printable_name

Weeks = Union[str, Sequence[str], None]  # a report's ISO weeks: the filing week first (a str: that one)

_DATE_LIKE = LazyPattern(
    r"^(?:(?:19|20)\d\d(?:\D.*)?|\d{1,2}(?:[-_. ]\d{1,2})*|q[1-4].*|w\d{1,2}|第?\d+[周月期].*|\d+月"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[-_ ]?\d+)?)$",
    re.IGNORECASE,
)
# Folders that sit beside people's folders but are nobody's: templates, pictures, drafts, archives, and
# folders named for a kind of report (`weekly/` beside `monthly/` is one person's, not two people).
_NOBODY = LazyPattern(
    r"^(?:templates?|模板|范例|示例|样例|examples?|samples?|assets?|images?|imgs?|pics?|pictures?|图片|附件"
    r"|attachments?|drafts?|草稿|archives?|归档|old|backups?|备份|misc|others?|其他|tmp|temp"
    r"|(?:bi-?)?weekly|monthly|daily|quarterly|yearly|annual|周报|双周报|月报|日报|季报|年报|reports?|notes?)$",
    re.IGNORECASE,
)
_ORDINAL = LazyPattern(r"^\d{1,3}[\s._\-、]+(?=[^\d\s._\-、])")


@dataclass(frozen=True)
class PersonFolder:
    """A folder that holds one person's reports."""

    key: str  # which folder (its PATH and its path below it): two folders may share a name
    name: str  # the person it names: the folder's name less an ordinal prefix, printable


def person_name(folder: str) -> str:
    """The person a folder's name names: without an ordinal prefix (`21_silverling` → `silverling`)."""
    return printable_name(_ORDINAL.sub("", folder.strip()) or folder)


def _dirs(ref: SourceRef, root: str) -> list[str] | None:
    """The folders between `root` and a report (a zip counts as a folder named after it); None when
    the report is not under `root`."""
    path = ref.path
    if path == root:
        rel: list[str] = []
    else:
        prefix = root if root.endswith(os.sep) else root + os.sep
        if not path.startswith(prefix):
            return None
        parts = path[len(prefix):].split(os.sep)
        rel = parts[:-1]
        if ref.member is not None:
            stem = parts[-1]
            rel.append(stem[:-4] if stem.lower().endswith(".zip") else stem)
    if ref.member is not None:
        rel.extend(p for p in ref.member.replace("\\", "/").split("/")[:-1] if p)
    return rel


def _weeks(w: Weeks) -> Sequence[str]:
    if not w:
        return ()
    return (w,) if isinstance(w, str) else w


def person_folders(sources: Sequence[SourceRef], weeks: Sequence[Weeks], roots: Sequence[str]
                   ) -> list[PersonFolder | None]:
    """The person folder each report sits in (None: in none), for reports under the `roots` (the
    PATHs); `weeks`: each report's ISO weeks, its filing week first (`Report.covered_weeks`)."""
    out: list[PersonFolder | None] = [None] * len(sources)
    norm = [str(Path(r)) for r in roots]  # as `source.scan` writes them
    cover = [_weeks(w) for w in weeks]
    per_root: dict[int, dict[tuple[str, ...], list[int]]] = defaultdict(dict)
    seen: dict[tuple[str, str | None], tuple[int, tuple[str, ...]] | None] = {}
    for i, ref in enumerate(sources):
        # Reports share folders: each folder is placed under its PATH once (10,000 reports, ~30 folders).
        folder = ref.path.rpartition(os.sep)[0] if ref.member is None else ref.path
        inner = ref.member.replace("\\", "/").rpartition("/")[0] if ref.member is not None else None
        key = (folder, inner)
        if key not in seen:
            seen[key] = None
            for n, root in enumerate(norm):
                d = _dirs(ref, root)
                if d is not None:
                    seen[key] = (n, tuple(d))
                    break
        found = seen[key]
        if found is not None:
            per_root[found[0]].setdefault(found[1], []).append(i)
    for n, groups in per_root.items():
        _walk(n, groups, cover, out)
    return out


def _walk(root: int, groups: dict[tuple[str, ...], list[int]], cover: list[tuple[str, ...]],
          out: list[PersonFolder | None]) -> None:
    """Top down from the PATH: a folder whose sub-folders are people names them; else look deeper."""
    children: dict[tuple[str, ...], dict[str, list[tuple[str, ...]]]] = defaultdict(lambda: defaultdict(list))
    for dirs in groups:
        for k in range(len(dirs)):
            children[dirs[:k]][dirs[k]].append(dirs)
    stack: list[tuple[str, ...]] = [()]
    while stack:
        node = stack.pop()
        kids = children.get(node)
        if not kids:
            continue
        under = {c: [i for d in ds for i in groups[d]] for c, ds in kids.items()}
        people = {c: ids for c, ids in under.items() if not _NOBODY.match(nfkc(c).strip())}
        direct = len(groups.get(node, ()))
        if _are_people(people, direct + sum(map(len, under.values())), list(under), cover):
            for c, ids in people.items():
                pf = PersonFolder(f"{root}:{'/'.join(node + (c,))}", person_name(c))
                for i in ids:
                    out[i] = pf
        else:
            stack.extend(node + (c,) for c in kids)


def _are_people(people: dict[str, list[int]], total: int, names: list[str], cover: list[tuple[str, ...]]) -> bool:
    """Whether these sibling folders (`people`, with the reports under each) are one person each: two
    or more of them hold two reports or more, they hold two thirds of the reports under their parent
    (`total`), none of the siblings (`names`) is named like a date, each holds different weeks, and
    most reports share a week with another folder's."""
    if sum(len(ids) >= 2 for ids in people.values()) < 2:
        return False
    inside = sum(map(len, people.values()))
    if inside < 4 or inside * 3 < total * 2:
        return False
    if any(_DATE_LIKE.match(nfkc(c).strip()) for c in names):
        return False
    owners: Counter[str] = Counter()
    per_folder = []
    for ids in people.values():
        weeks = [cover[i] for i in ids if cover[i]]
        if len(weeks) >= 2 and len({w[0] for w in weeks}) * 10 < len(weeks) * 8:
            return False  # one folder, many reports per week: a team's folder, not a person's
        owners.update({x for w in weeks for x in w})
        per_folder.append(weeks)
    dated = sum(map(len, per_folder))
    if dated < 4:
        return False
    shared = 0
    for weeks in per_folder:
        for w in weeks:
            shared += owners[w[0]] > 1 if len(w) == 1 else any(owners[x] > 1 for x in w)
    return shared * 2 >= dated


def folder_names(folders: Sequence[PersonFolder | None], named: Sequence[str | None] | None,
                 weeks: Sequence[Weeks]) -> dict[str, str]:
    """Each person folder's author: the name its reports give most often (on a tie one that is not the
    folder's own spelling, then the newest report's), else the folder's name."""
    ids: dict[str, list[int]] = defaultdict(list)
    first: dict[str, PersonFolder] = {}
    for i, f in enumerate(folders):
        if f is not None:
            ids[f.key].append(i)
            first.setdefault(f.key, f)
    out: dict[str, str] = {}
    for key, members in ids.items():
        folder = first[key].name
        given: Counter[str] = Counter()
        newest: dict[str, str] = {}
        for i in members:
            name = named[i] if named is not None else None
            if name:
                given[name] += 1
                week = (_weeks(weeks[i]) or ("",))[0]
                newest[name] = max(newest.get(name, ""), week)
        if not given:
            out[key] = folder
            continue
        own = nfkc(folder).casefold()
        out[key] = max(given, key=lambda n: (given[n], nfkc(n).casefold() != own, newest[n]))
    return out


def assign_authors(reports: Sequence[Report], paths: Sequence[str], aliases: Mapping[str, Iterable[str]]
                   ) -> list[str | None]:
    """Set each report's `author` as the library gives it (see the module's docstring; `paths`: the
    library's PATHs, `aliases`: the config's) and return the names the reports give themselves
    (`Report.text_author`), which a later call starts from again."""
    named = [r.text_author for r in reports]
    if not reports:
        return named
    weeks = [r.covered_weeks for r in reports]
    folders = person_folders([r.source for r in reports], weeks, paths)
    chosen = folder_names(folders, named, weeks)
    merge = Aliases(aliases)
    canonical = {name: merge.canonical(name) for name in {*chosen.values(), *named} if name is not None}
    spelled: dict[str, set[str]] = defaultdict(set)  # a folder's spelling → the authors it is the folder of
    for f in {f.key: f for f in folders if f is not None}.values():
        who = canonical[chosen[f.key]]
        if name_key(f.name) != name_key(who):
            spelled[name_key(f.name)].add(who)
    final: dict[str, str] = {}  # each name as the library shows it
    for name, shown in canonical.items():
        owners = spelled.get(name_key(shown))
        final[name] = next(iter(owners)) if owners is not None and len(owners) == 1 else shown
    for r, f, n in zip(reports, folders, named):
        a = final[chosen[f.key]] if f is not None else (final[n] if n is not None else None)
        if r.author != a:
            r.author = a
    return named
