"""Countries by any of their names, from ISO 3166 (pycountry: the tables of Debian's iso-codes).

A question says "South Korea" where the reports say "Korea" or "Republic of Korea", "Czech
Republic" where they say "Czechia". ISO gives each country a short name, an official one and
often a common one; "Korea, Republic of" also gives the short form "Korea" — which ISO gives
North Korea too. Which Korea a set of reports means by a bare "Korea" is told by the full names
its documents use (`ShortNames`): the seed reports write "Republic of Korea", so their "Korea"
answers a question about South Korea and not one about North Korea.

A question in another language names countries in its own words: "新加坡", "Казахстана", "Việt
Nam". pycountry ships the ISO names translated into ~150 languages (gettext catalogues); a name
found in a question (`named_in`) is a term the answer hinges on, found in an English passage
under its English names and in a passage in the question's language as written.
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
    """The code of the country `term` names by a full name ("South Korea's" → "KR"; "新加坡" →
    "SG"), or None."""
    folded = fold_text(re.sub(r"^the |['’]s$", "", term.strip(), flags=re.I))
    return _table().code_of.get(folded) or _translated().get(folded, (None, ""))[0]


@lru_cache(maxsize=None)
def _translated(lang: str | None = None) -> dict[str, tuple[str, str]]:
    """Folded country names in `lang` (every language pycountry translates ISO 3166 into, when
    None) → (country code, the name as written). A name ISO writes inverted ("Corée, République
    de") is left out: its short form is what a question says, and several countries share it."""
    import gettext
    import os

    import pycountry

    locales = [d for d in sorted(os.listdir(pycountry.LOCALES_DIR))
               if os.path.exists(os.path.join(pycountry.LOCALES_DIR, d, "LC_MESSAGES", "iso3166-1.mo"))
               and (lang is None or d == lang or d.startswith(f"{lang}_"))]
    out: dict[str, tuple[str, str]] = {}
    english = _table().code_of
    for locale in locales:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        for c in pycountry.countries:
            for a in ("name", "official_name", "common_name"):
                name = getattr(c, a, None)
                local = catalogue.gettext(name) if name else None
                if not local or "," in local or "，" in local:
                    continue
                folded = fold_text(local)
                if english.get(folded, c.alpha_2) == c.alpha_2:  # not a name English gives another country
                    out.setdefault(folded, (c.alpha_2, local))
    return dict(sorted(out.items(), key=lambda item: -len(item[0])))  # longest first: named_in's order


def warm() -> None:
    """Read the catalogues of every language now (~0.4 s), not during a question."""
    _translated()


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # scripts written without spaces


def named_in(question: str, lang: str) -> list[str]:
    """The countries a question in `lang` (not English) names in its own words, as written in
    pycountry's catalogue for that language: "新加坡的智慧国家计划…" → ["新加坡"], "…Казахстана?" →
    ["Казахстан"]. A name must begin a word (it may end one: "Deutschlands", "싱가포르의", "越南政府");
    in Chinese or Japanese, written without spaces, the words are found by rjieba (jieba's
    segmenter): the "中国" of "发展中国家" (developing countries) begins no word."""
    if lang == "en":
        return []
    table = _translated(lang)
    text = fold_text(question)
    word_starts: set[int] | None = None  # of a text without spaces, found on first need
    found: list[tuple[int, str]] = []  # (where, name as written)
    taken: list[tuple[int, int]] = []
    for name in table:  # longest first: "Corée du Sud" before "Corée"
        if name not in text:
            continue
        for m in re.finditer(re.escape(name), text):
            a, b = m.span()
            if any(a < e and s < b for s, e in taken):
                continue  # inside a longer name already found
            if _UNSPACED.match(name):
                if word_starts is None:
                    import rjieba
                    word_starts = {start for _, start, _ in rjieba.tokenize(text)}
                if a not in word_starts:
                    continue
            elif a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_"):
                continue
            taken.append((a, b))
            found.append((a, table[name][1]))
            break
    return list(dict.fromkeys(name for _, name in sorted(found)))


def named_in_english(text: str) -> set[str]:
    """The codes of the countries an English text names by a full name ISO knows ("… in Spain?"
    → {"ES"}); a short form several countries share ("Korea") is left out."""
    folded, t = fold_text(text), _table()
    return {code for name, code in t.code_of.items()
            if name in folded and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)}


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
