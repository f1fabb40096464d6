"""Does the retrieved evidence answer the question? Checks that catch near misses.

A near miss is on topic — the passages are about Estonia's X-Road, about Korea's eGovFrame —
but lacks what the question hinges on: the name or number it is about ("version 4.0",
"Singapore", "2022"), those names together in one passage (Korea *and* the GovTech Maturity
Index), or the kind of answer it asks for (a year for "when", an amount for "how much did …
spend"). Similarity scores cannot see any of this; these checks can, and they are cheap.
"""
from __future__ import annotations

import re
from pathlib import Path

from .chunk import indexed_text
from .lexical import fold_text, tokenize
from .query import FOLDED
from .text import countries
from .text.countries import ShortNames
from .text.lexicon import CURRENCY_SIGNS, CURRENCY_WORDS, LANGUAGE_NAMES, MONTHS, NUMBER_WORDS, QUANTITY_WORDS
from .types import Chunk

_NUMERIC = re.compile(r"[\d.,%]+")
# Names, acronyms and numbers a question hinges on: "Singapore", "2022", "4.0", "15%".
# A name of several capitalised words ("United Kingdom", "Republic of Moldova") is one term: a
# passage may write it by its initials ("UK") or, for a country, by another of its names.
_WORD = r"[A-Z][\w'’.-]*[\w]"
# (not after a hyphen: the "Government" of "e-Government" is no name)
# a decade ("the 1980s") is a term of its own: any year of it answers (sg-01 was refused for
# want of "1980" beside "in 1987")
_DECADE = re.compile(r"(?:1[5-9]|20)\d0s")
# years, versions and other numbers: a decade, a number with a decimal or thousands mark, two digits or more
_NUMBER_TERM = rf"{_DECADE.pattern}\b|\d+(?:[.,]\d+)+%?|\d{{2,}}%?"
_KEY = re.compile(rf"(?<![\w-])({_WORD}(?: (?:of |of the )?{_WORD})*|{_NUMBER_TERM})")


def key_terms(question: str) -> list[str]:
    """Capitalised names and numbers of an English question (not its first word, nor a follow-up's
    folded onto it: "How did Korea fund … — Tell me more"; not short all-capital acronyms, which a
    passage may spell out)."""
    if FOLDED + " " in question:
        return list(dict.fromkeys(k for part in question.split(FOLDED + " ") for k in key_terms(part)))
    words = question.split()
    first = words[0].strip("¿¡\"'") if words else ""
    keys = []
    for m in _KEY.finditer(question):
        k = m.group(1)
        if m.start() == question.find(first) and k.split(" ")[0] == first:
            k = k[len(first):].strip()  # the question's first word is capitalised for grammar
        run: list[str] = []
        for w in k.split() + [""]:  # a language name ("the French GovStack guide"), an acronym stand apart
            if w and w.lower() not in LANGUAGE_NAMES and not _acronym(w):
                run.append(w)
                continue
            keys += [" ".join(run).rstrip(".,")] * bool(run) + [w] * bool(w)
            run = []
    return list(dict.fromkeys(k for k in keys if not _acronym(k)))


def _acronym(word: str) -> bool:
    """A short all-capital acronym ("OECD"): a passage may spell it out, so it is no key term."""
    return re.sub(r"['’]s$", "", word).isupper() and len(word) <= 8


def numbers(question: str) -> list[str]:
    """Years, versions and other numbers: the key terms that stay the same in every language."""
    return list(dict.fromkeys(re.findall(rf"\b(?:{_NUMBER_TERM})", question)))


def haystack(chunk: Chunk) -> str:
    """What a passage says, with the context a reader has: report title, section, file name
    ("moldova-public-service-…" names the country its title leaves out)."""
    return fold_text(indexed_text(chunk) + "\n" + Path(chunk.path).stem.replace("-", " ").replace("_", " "))


def present(term: str, hay: str, joined: str, meant: ShortNames | None = None) -> bool:
    """Lenient on purpose: "Korean" matches "Korea" (shared 5-letter prefix), "Businesslink"
    matches "Business Link", "South Korea" matches "Republic of Korea" and, where the reports
    mean South Korea by it, "Korea" (text/countries.py); "4.0" must appear as written."""
    if not term.isascii() and not _NUMERIC.fullmatch(term) and fold_text(term) in hay:
        return True  # a country named in the question's own script ("新加坡"), in a passage in that language
    return _written(term, hay, joined) or any(re.search(rf"\b{re.escape(n)}", hay) or _initials_in(n, hay)
                                              for n in countries.names(term, meant))


def _initials_in(name: str, hay: str) -> bool:
    """A name of several words by its initials: "United Kingdom" as "UK", "united states of
    america" as "USA" or "U.S.A." (also the English form of "Reino Unido", "미국")."""
    letters = [w[0].lower() for w in name.split() if w.lower() not in ("of", "the", "and")]
    return len(letters) >= 2 and re.search(r"\b" + r"\.?".join(map(re.escape, letters)) + r"\b", hay) is not None


def _written(term: str, hay: str, joined: str) -> bool:
    if _DECADE.fullmatch(term):  # "1980s": a year of it, or the decade itself ("the '80s")
        return re.search(rf"(?<![\d.,]){term[:3]}\d(?!\d|[.,]\d)|['‘’]{term[2]}0s\b", hay) is not None
    if _NUMERIC.fullmatch(term):
        if re.fullmatch(r"(19|20)\d\d", term):
            if re.search(rf"['‘’]{term[2:]}\b", hay):
                return True  # "('08)" is 2008
            if re.search(rf"(?<![\d.,]){term}[.\-/]\d{{1,2}}(?:[.\-/]\d{{1,2}})?(?!\d)", hay):
                return True  # "2009.07.07", "2009-07" are dates in 2009
        return re.search(rf"(?<![\d.,]){re.escape(term.rstrip('%'))}(?![\d]|[.,]\d)", hay) is not None
    if _initials_in(" ".join(w for w in term.split() if w[0].isupper()), hay):
        return True  # "United Kingdom" is "UK"
    for t in tokenize(term):  # stems: "singapor", "korea"
        probe = t[:5] if len(t) >= 5 else t
        if (len(probe) >= 5 and probe in hay) or re.search(rf"\b{re.escape(probe)}", hay) or t in joined \
                or _stem_in(t, hay):
            continue
        return False
    return True


def _stem_in(stem: str, hay: str) -> bool:
    """A word of `hay` has this stem though it does not begin with it: "moving" is "move",
    "studying" is "studi" (the stemmer drops an e and turns y into i)."""
    words = set(re.findall(rf"\b{re.escape(stem[:3])}\w*", hay)) if len(stem) >= 3 else ()
    return any(stem in tokenize(w) for w in words)


def missing_terms(terms: list[str], chunks: list[Chunk], meant: ShortNames | None = None) -> list[str]:
    """The terms that none of the passages mention; `meant`: which country the reports mean by
    a short name several share (text/countries.py)."""
    hay = "\n".join(haystack(c) for c in chunks)
    joined = re.sub(r"[\s-]+", "", hay)
    return [t for t in terms if not present(t, hay, joined, meant)]




def missing_together(terms: list[str], chunks: list[Chunk], meant: ShortNames | None = None) -> list[str]:
    """The terms missing from the one passage that holds most of them: a question about
    "Korea's score in the GovTech Maturity Index" needs a passage that names both. A question
    with several numbers compares them ("2023 … with the 2019 edition"): those need only
    appear somewhere among the passages."""
    terms = [t for t in terms if t.lower() not in LANGUAGE_NAMES]
    nums = [t for t in terms if _NUMERIC.fullmatch(t)]
    together = terms if len(nums) <= 1 else [t for t in terms if t not in nums]
    best: list[str] | None = None
    for c in chunks:
        miss = missing_terms(together, [c], meant)
        if best is None or len(miss) < len(best):
            best = miss
        if not best:
            break
    apart = missing_terms(nums, chunks, meant) if len(nums) > 1 else []
    return (best or []) + apart


# What kind of answer a question asks for, in the languages users ask in.
# "When was it released?" asks for a time; "When is a service considered mobile friendly?" for a condition.
_WHEN = re.compile(r"(^|[,;]\s*|\band\s+)when\b(?!\s+(is|are|should|can|could|does|do|must|may|would)\b)|"
                   r"\b(what|which|in what|in which) year\b|\bsince when\b|\bwhat date\b|cu[aá]ndo|en qu[eé] a[nñ]o|"
                   r"\bquand\b|en quelle ann[eé]e|언제|몇\s*년|khi nào|năm nào|bao giờ", re.I)
_HOW_MUCH = re.compile(r"\bhow (many|much)\b|\bwhat (share|percentage|proportion|percent|number|amount|score|rank)|"
                       r"cu[aá]nt[oa]s?\b|qu[eé] porcentaje|\bcombien\b|quel pourcentage|quelle part|몇|얼마|"
                       r"bao nhiêu|tỷ lệ", re.I)
# an amount of money: "how much … spend", "what budget"
_MONEY_Q = re.compile(r"\bhow much\b.*\b(spend|spent|cost|costs|invest\w*|paid|pay|sav(e|ed|ing|ings))\b|"
                      r"\bwhat (budget|funding|price)\b|cu[aá]nto.*(gast|cost|invirti)|combien.*(co[uû]t|d[eé]pens)|"
                      r"예산|비용|chi phí|ngân sách", re.I)

# a year may run into a Korean or Chinese word ("1998년에", "1998年"): no \b there, only no digit or Latin letter
_YEAR_DIGITS = r"(1[89]\d\d|20\d\d)"
_YEAR = re.compile(rf"(?<![0-9A-Za-z]){_YEAR_DIGITS}(?![0-9])|['‘’]\d\d\b|\b({'|'.join(MONTHS)})\b", re.I)
# a year that is not part of a larger number or a date ("2,023", "2009.07.07"): no count
_YEAR_ALONE = re.compile(rf"(?<![0-9A-Za-z.,]){_YEAR_DIGITS}(?![0-9]|[.,]\d)")
_NUMBER = re.compile(rf"\d|\b({'|'.join(NUMBER_WORDS + QUANTITY_WORDS)})\b", re.I)
_MONEY = re.compile(rf"[{CURRENCY_SIGNS}]|\b({'|'.join(CURRENCY_WORDS)})\b", re.I)


# "29", "1,200", "two"; a share counts too: "half of the services", "all agencies"
_COUNT = re.compile(rf"[\d.,%]*\d[\d.,%]*|(?i:{'|'.join(NUMBER_WORDS + QUANTITY_WORDS)})")
# "how many hours", "how many OECD countries"; "how many maturity levels": the counted thing may be
# the word after the first one (a noun's head comes last), so both are taken
_COUNTED_UNIT = re.compile(r"\b(?i:how many)\s+(?:[A-Z]\w*\s+)*([a-z][\w-]*)(?:\s+([a-z][\w-]*))?")


def answer_kind(question: str) -> str | None:
    """'year', 'money', 'number', 'number:UNIT' ("how many hours" → number:hour) or None (any
    statement may answer)."""
    if _WHEN.search(question):
        return "year"
    if _MONEY_Q.search(question):
        return "money"
    unit = _COUNTED_UNIT.search(question)
    if unit:
        stems = [t for w in unit.groups() if w for t in tokenize(w)[:1]]
        return f"number:{'|'.join(stems)}" if stems else "number"
    if _HOW_MUCH.search(question):
        return "number"
    return None


def has_answer_kind(kind: str | None, text: str) -> bool:
    """Whether `text` holds the kind of answer; for "number:UNIT", a number within three words
    before the unit ("29 OECD countries", "155 data points")."""
    if kind is None:
        return True
    if kind.startswith("number:"):
        units = kind.split(":", 1)[1].split("|")
        tokens = re.findall(r"[\w.,%]+", text)
        stems = [tokenize(t) for t in tokens]
        return any(_COUNT.fullmatch(tokens[i]) and any(u in stems[j] for u in units
                                                       for j in range(i + 1, min(i + 4, len(tokens))))
                   for i in range(len(tokens)))
    if kind == "number":  # a count or a share: a year is not one ("… participated in the 2023 edition")
        text = _YEAR_ALONE.sub(" ", text)
    pattern = {"year": _YEAR, "money": _MONEY, "number": _NUMBER}[kind]
    return pattern.search(text) is not None
