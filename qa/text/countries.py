"""Countries by any of their names, from ISO 3166 (pycountry: the tables of Debian's iso-codes).

A question says "South Korea" where the reports say "Korea" or "Republic of Korea", "Czech
Republic" where they say "Czechia". ISO gives each country a short name, an official one and
often a common one; "Korea, Republic of" also gives the short form "Korea" — which ISO gives
North Korea too. Which Korea a set of reports means by a bare "Korea" is told by the full names
its documents use (`ShortNames`): the seed reports write "Republic of Korea", so their "Korea"
answers a question about South Korea and not one about North Korea.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from ..lexical import fold_text


@dataclass(frozen=True)
class _Table:
    code_of: dict[str, str]  # a folded full name → country code ("south korea" → "KR")
    names: dict[str, tuple[str, ...]]  # code → its folded full names, longest first
    short: dict[str, str]  # code → its short form, where ISO writes "Korea, Republic of"
    sharing: dict[str, frozenset[str]]  # short form → the countries it may name


@lru_cache(maxsize=1)
def _table() -> _Table:
    import pycountry  # ~0.1 s to load its data

    code_of: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    short: dict[str, str] = {}
    for c in pycountry.countries:
        full = {getattr(c, a, None) for a in ("name", "official_name", "common_name")} - {None}
        for n in list(full):
            if ", " in n:  # "Korea, Republic of" → "Republic of Korea", short form "Korea"
                head, tail = n.split(", ", 1)
                full = (full - {n}) | {f"{tail} {head}"}
                short[c.alpha_2] = fold_text(head)
        folded = {fold_text(n) for n in full}
        folded = sorted(folded | {n[4:] for n in folded if n.startswith("the ")}, key=len, reverse=True)
        names[c.alpha_2] = tuple(folded)
        for n in folded:
            code_of.setdefault(n, c.alpha_2)
    sharing: dict[str, set[str]] = {}
    for code, s in short.items():
        sharing.setdefault(s, set()).add(code)
        if s in code_of:  # "Congo" is a country's own name and the short form of another
            sharing[s].add(code_of[s])
    return _Table(code_of, names, short, {s: frozenset(c) for s, c in sharing.items()})


def country_of(term: str) -> str | None:
    """The code of the country `term` names by a full name ("South Korea's" → "KR"), or None."""
    return _table().code_of.get(fold_text(re.sub(r"^the |['’]s$", "", term.strip(), flags=re.I)))


def names(term: str, meant: Callable[[str], frozenset[str]] | None = None) -> tuple[str, ...]:
    """The folded names of the country `term` names, or (): its full names, and its short form
    unless that is shared and `meant(short form)` says the reports mean another country by it."""
    code = country_of(term)
    if code is None:
        return ()
    t = _table()
    s = t.short.get(code)
    if s is None or (meant is not None and code not in meant(s)):
        return t.names[code]
    return t.names[code] + ((s,) if s not in t.names[code] else ())


class ShortNames:
    """Which country a set of reports means by a short name several share ("Korea"): those whose
    full names its documents use — all of them where the documents use none. Found in one pass
    over the texts, on first need."""

    def __init__(self, texts: Callable[[], Iterable[str]]):
        self._texts = texts
        self._used: frozenset[str] | None = None  # the sharing countries whose full names the texts use

    def __call__(self, short: str) -> frozenset[str]:
        codes = _table().sharing.get(short, frozenset())
        return (codes & self.used()) or codes

    def used(self) -> frozenset[str]:
        if self._used is None:
            t = _table()
            by_name = {n: code for codes in t.sharing.values() if len(codes) > 1
                       for code in codes for n in t.names[code]}
            # longest first: "democratic people's republic of korea" is not read as "republic of korea"
            pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
                                 + r")\b")
            used: set[str] = set()
            for text in self._texts():
                used |= {by_name[m.group(1)] for m in pattern.finditer(fold_text(text).replace("’", "'"))}
            self._used = frozenset(used)
        return self._used
