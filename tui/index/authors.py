"""Whose report it is, for a whole library (SPEC §3.0): who wrote each report, the spellings that name
each person, the one rule by which a person is named (`--author`, `AUTHOR@WEEK`, `by:`, the palette),
and the spellings that look like one person (`lint`'s alias suggestions). Pure Python.

Who wrote each report is assigned after loading by `model.people.assign_authors` (in the model, so that
the parse cache, which stores the authors assigned, is keyed by its code too). Spellings that merely look
alike (韩用功 / Hanyonggong) are never merged: `alias_suggestions` lists them.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Protocol, Sequence

from ..model.authors import Aliases, name_key
from ..model.files import SourceRef
from ..model.people import PersonFolder, Weeks, person_folders
from ..model.report import Report
from ..model.vocab import Vocabulary


class Loaded(Protocol):
    """What this module reads of a `library.Library` (which imports this module)."""

    reports: list[Report]
    paths: list[str]
    vocab: Vocabulary

    def authors(self) -> list[str]: ...


Readings = Callable[[str], list[tuple[str, ...]]]

_HANZI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_LETTER = re.compile(r"[^a-z]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
MIN_SOUND = 4  # letters: shorter spellings (`li`, `wang`) are shared by too many people to suggest merging


def author_spellings(sources: Sequence[SourceRef], weeks: Sequence[Weeks], authors: Sequence[str | None],
                     paths: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Every other spelling of each author: those the config lists, and the name of their person folder
    (`02_zhangyuqin1998` for 张钰钦). Computed from what a library holds once assigned (sources, weeks,
    authors), so a library read from the cache and the saved search index give the same."""
    out: dict[str, dict[str, None]] = defaultdict(dict)
    present = set(a for a in authors if a)
    config = Aliases(aliases)
    for shown, others in aliases.items():
        if shown in present:
            for other in others:
                out[shown][other] = None
    folders = person_folders(sources, weeks, paths)
    owner: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, PersonFolder] = {}
    for f, a in zip(folders, authors):
        if f is not None and a:
            owner[f.key][a] += 1
            first.setdefault(f.key, f)
    for key, counts in owner.items():
        who = config.canonical(counts.most_common(1)[0][0]) or ""
        spelling = first[key].name
        if name_key(spelling) != name_key(who):
            out[who][spelling] = None
    return {a: list(s) for a, s in out.items()}


def names_of(sources: Sequence[SourceRef], weeks: Sequence[Weeks], authors: Sequence[str | None],
             paths: Sequence[str], aliases: Mapping[str, Iterable[str]], readings: Readings | None = None
             ) -> AuthorNames:
    """The names of the authors of these reports (in order of their first report), with their spellings
    (`author_spellings`): for a library, or for the reports a saved search index holds."""
    return AuthorNames([a for a in authors if a], author_spellings(sources, weeks, authors, paths, aliases), readings)


def library_names(library: Loaded, readings: Readings | None = None) -> AuthorNames:
    """The names of a loaded library's authors (`Library.authors`) with their spellings."""
    reports = library.reports
    return names_of([r.source for r in reports], [r.covered_weeks for r in reports], [r.author for r in reports],
                    library.paths, library.vocab.author_aliases, readings)


class AuthorNotFound(LookupError):
    """A name that names no author, or several (`candidates`)."""

    def __init__(self, query: str, candidates: list[str], authors: list[str]) -> None:
        self.query, self.candidates, self.authors = query, candidates, authors
        super().__init__(self.describe(repr(query)))

    def describe(self, what: str) -> str:
        """The error, about `what` (`--author 'x'`, `'x@2024-W23'`): the candidates, or every author."""
        if self.candidates:
            return f"{what} names several authors: " + ", ".join(self.candidates)
        if not self.authors:
            return f"{what}: these reports name no author"
        return f"{what} names no author; authors: " + ", ".join(self.authors)


class AuthorNames:
    """The one rule by which a person is named — `--author`, `AUTHOR@WEEK`, `by:` in a search and the
    palette: the first of these that names anyone counts:
    1. a name as written or one of its spellings (the config's aliases, the person's folder), ignoring
       case and spacing;
    2. a part of a name or of a spelling (`zhangyuqin` is part of the folder `zhangyuqin1998`);
    3. the pinyin of a Chinese name, whole or in part, full or initials (`zhangsan`, `zs` → 张三);
    4. a name within one typo (two from 8 letters on).
    """

    def __init__(self, authors: Iterable[str], spellings: Mapping[str, Iterable[str]] | None = None,
                 readings: Readings | None = None) -> None:
        self.authors = list(dict.fromkeys(a for a in authors if a))
        self.spellings = {a: list(dict.fromkeys((spellings or {}).get(a, ()))) for a in self.authors}
        self._keys = {a: [name_key(a)] + [name_key(s) for s in self.spellings[a]] for a in self.authors}
        self._readings = readings

    def matches(self, text: str) -> list[str]:
        """Every author `text` names, by the first rule that names anyone (empty: nobody)."""
        k = name_key(text).lstrip("@").strip()
        if not k or not self.authors:
            return []
        keys = self._keys
        found = [a for a in self.authors if k in keys[a]]
        if found:
            return found
        found = [a for a in self.authors if any(k in s for s in keys[a])]
        if found:
            return found
        from .search import pinyin as py

        if py.is_pinyin_query(text):
            q = py.compact(text)
            found = [a for a in self.authors if _HANZI.search(a) and py.match(q, a, self.readings_of(a)) is not None]
            if found:
                return found
        if len(k) >= 3:
            from .search.match import max_edits, osa

            budget = max_edits(len(k))
            found = [a for a in self.authors if any(osa(k, s) <= budget for s in keys[a])]
        return found

    def matching(self, values: Iterable[str]) -> set[str]:
        """The authors any of several names (`by:` values) names."""
        out: set[str] = set()
        for v in values:
            out.update(self.matches(v))
        return out

    def naming(self, values: Iterable[str], authors: Iterable[str], readings: Readings | None = None) -> set[str]:
        """Which of `authors` (those of a search index, say) the names `values` name, with this library's
        spellings; `readings`: where to get a name's pinyin readings."""
        return AuthorNames(authors, self.spellings, readings or self._readings).matching(values)

    def find(self, text: str) -> str:
        """The one author `text` names; `AuthorNotFound` (listing the candidates) when it names none or
        several."""
        found = self.matches(text)
        if len(found) == 1:
            return found[0]
        raise AuthorNotFound(text, found, self.authors)

    def readings_of(self, name: str) -> list[tuple[str, ...]]:
        """The pinyin readings of a name's characters (`search.pinyin.readings`)."""
        if self._readings is not None:
            return self._readings(name)
        from .search import pinyin as py

        return py.readings(name)


# ---------------------------------------------------------------------------------------------
# spellings that look like one person

@dataclass
class AliasSuggestion:
    """Authors that look like one person: the name to show, the other spellings, and why."""

    name: str
    others: list[str]
    why: str

    def entry(self) -> str:
        """The `[authors] aliases` entry that merges them: `"韩用功" = ["Hanyonggong"]`."""
        return f"{_toml(self.name)} = [{', '.join(map(_toml, self.others))}]"


def _toml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # (a JSON string is a TOML basic string)


def aliases_line(aliases: Mapping[str, Iterable[str]], more: Iterable[AliasSuggestion]) -> str:
    """The config's `aliases = {…}` line with the suggestions added to what it already says."""
    merged: dict[str, list[str]] = {k: list(v) for k, v in aliases.items()}
    for s in more:
        have = merged.setdefault(s.name, [])
        have.extend(o for o in s.others if o not in have)
    return "aliases = {" + ", ".join(f"{_toml(k)} = [{', '.join(map(_toml, v))}]" for k, v in merged.items()) + "}"


def _letters(text: str, digits: bool) -> str:
    from ..model.text import nfkc

    return (_NOT_ALNUM if digits else _NOT_LETTER).sub("", nfkc(text).casefold())


def _sounds(name: str, spellings: Iterable[str], readings: Readings) -> dict[str, str]:
    """How a person's name and spellings sound, each with where it comes from: `py:` the pinyin of a
    Chinese name, or a Latin spelling's letters without digits (`hanyonggong`, `zhangyuqin` for
    `zhangyuqin1998`); `az:` a Latin spelling's letters and digits (`austin00` for `Austin-00`)."""
    out: dict[str, str] = {}
    if _HANZI.search(name):
        syllables = [rd[0] for rd in readings(name) if rd]
        if len(syllables) >= 2:
            out.setdefault("py:" + "".join(syllables), "pinyin")
            out.setdefault("py:" + "".join(syllables[1:] + syllables[:1]), "pinyin")  # given name first
    for s in ([] if _HANZI.search(name) else [name]) + [s for s in spellings if not _HANZI.search(s)]:
        source = "name" if s == name else f"spelling {s}"
        out.setdefault("py:" + _letters(s, digits=False), source)
        out.setdefault("az:" + _letters(s, digits=True), source)
    return {k: v for k, v in out.items() if len(k) - 3 >= MIN_SOUND}


def alias_suggestions(names: AuthorNames, counts: Mapping[str, int]) -> list[AliasSuggestion]:
    """Authors whose names sound the same — the same pinyin (韩用功 / Hanyonggong), the same letters
    (`Austin-00` / `austin`) or a folder or account spelling of the other's name (张钰钦 / zhangyuqin) —
    grouped, the Chinese name (else the one with most reports) shown. `counts`: reports per author."""
    if len(names.authors) < 2:
        return []
    read = names.readings_of
    by_sound: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a in names.authors:
        for sound, source in _sounds(a, names.spellings.get(a, ()), read).items():
            by_sound[sound].append((a, source))
    parent = {a: a for a in names.authors}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    why: dict[frozenset, str] = {}
    for sound, owners in by_sound.items():
        if sound.startswith("py:") and not any(src == "pinyin" for _, src in owners):
            continue  # Latin spellings that differ in digits only (`wei01`, `wei02`) are two people
        people = list(dict.fromkeys(a for a, _ in owners))
        for a in people[1:]:
            parent[root(a)] = root(people[0])
        if len(people) > 1:
            sources = {s for _, s in owners}
            spelt = [s[len("spelling "):] for s in sources if s.startswith("spelling ")]
            reason = (f"{spelt[0]} spells the other's name" if spelt
                      else "the same in pinyin" if "pinyin" in sources else "the same letters")
            why.setdefault(frozenset(people), reason)
    groups: dict[str, list[str]] = defaultdict(list)
    for a in names.authors:
        groups[root(a)].append(a)
    out: list[AliasSuggestion] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        shown = max(members, key=lambda a: (bool(_HANZI.search(a)), counts.get(a, 0), -members.index(a)))
        reason = next((r for ppl, r in why.items() if ppl <= set(members)), "the same letters")
        out.append(AliasSuggestion(shown, [a for a in members if a != shown], reason))
    return out
