"""Is a written sentence backed by the sources? Each one is matched to the source sentence that
supports it best — meaning (multilingual e5, so a Korean sentence meets its English source) and
the facts it states: every number, and every name a source would spell the same way, must be in
that source sentence or the one after it. The model's own [n] is ignored: it is often wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np

from ..answer import asks, coverage
from ..evidence import present
from ..chunk import NOT_AFTER_ABBREVIATION, sentence_spans
from ..lexical import fold_text
from ..text import countries
from ..text.lexicon import CJK_LETTERS, CURRENCY_SIGNS, SCALE_WORDS

# the model's citation marks, a run of them one mark: "[1], [2] and [3]" left "in 2001,." and
# "as mentioned in sources,, and." where each was taken out alone
CITE_MARK = r"\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\]"  # one mark: "[2]", "[1, 3]", "[2-4]"
_CITE_MARK = re.compile(rf"\s*{CITE_MARK}(?:\s*[,;]?\s*(?:[^\W\d]{{1,4}}\s+)?{CITE_MARK})*")
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# names a source writes the same in every language: acronyms and words with digits (KONEPS, G4C, X-Road)
_CODE_NAME = re.compile(r"\b(?=\w*[A-Z]\w*[A-Z0-9])[A-Z][\w-]*[A-Z0-9][\w-]*\b")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z][\w'’-]+")


_ENUMERATOR = re.compile(r"^\s*(?:[-•*·▪]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_LINE_ENUMERATOR = re.compile(_ENUMERATOR.pattern, re.M)


_ENDS_PLAIN = re.compile(NOT_AFTER_ABBREVIATION + r"\Z")
_LEADING_MARKS = re.compile(rf"^(?:\s*{CITE_MARK})*\s*")


def ends_sentence(before: str, after: str) -> bool:
    """Whether the full stop (or other end mark) that `before` ends with ends a written sentence,
    `after` being the text that follows: not after an abbreviation the reports' sentences are not
    split at either ("(p. 9)", "annex no. 1", chunk.py), nor before a word that starts in lower
    case ("pensions, etc. by the second stage"): the 1.5B model writes both, and a sentence cut
    there is cited mid-way and its second half read as a list item. Nor before a bracket."""
    if not before.rstrip().endswith("."):
        return True
    nxt = _LEADING_MARKS.sub("", after)[:1]
    if nxt in "(（":  # "… pensions, etc. (1983-1986)." goes on: its years alone were cited as a sentence (sc3-01)
        return False
    return not nxt.islower() and _ENDS_PLAIN.search(before.rstrip()) is not None


def split_sentences(text: str) -> list[str]:
    """`text` cut at its sentence ends and line breaks (ends_sentence decides a full stop's)."""
    pieces, start = [], 0
    for m in _SENTENCE.finditer(text):
        if "\n" not in m.group() and not ends_sentence(text[:m.start()], text[m.end():]):
            continue
        pieces.append(text[start:m.start()])
        start = m.end()
    return pieces + [text[start:]]


def sentences(text: str) -> list[str]:
    """The sentences of a written answer, without the model's citation marks; a list item keeps
    its bullet ("- …") so the answer reads as a list."""
    out = []
    for p in split_sentences(text or ""):
        p = _CITE_MARK.sub("", _without_source_lead(p)).strip()
        item = _ENUMERATOR.match(p)
        p = _ENUMERATOR.sub("", p).strip(" \t-•*")
        if len(re.findall(r"\w", p)) < 3 or (not item and _one_spaced_word(p)):
            continue  # a bare label the model echoed from the prompt ("Sources:,,."), not a statement
        if asks(p):
            continue  # a question echoed (the user's, or one a survey in the sources asks) answers nothing
        out.append(f"- {p}" if item else p)
    return out


# "According to [1], …", "Selon [2] et [3], …": a lead-in whose object is the model's source number
_SOURCE_LEAD = re.compile(r"^(\s*(?:[-•*]\s+)?)([^\W\d][^\d\[\]\n,]{0,30}?)\s*\[\s*\d+\s*\]"
                          r"(?:[\s,]*(?:[^\W\d]{1,4}\s+)?\[\s*\d+\s*\])*\s*[,，:]\s*")
# "[1]에 따르면, …": the source number first, the words that make it a lead-in after it
_SOURCE_LEAD_AFTER = re.compile(r"^(\s*)()\[\s*\d+\s*\][^\W\d]{1,6}(?:\s+[^\W\d]+){0,2}\s*[,，]\s*")


def _without_source_lead(sentence: str) -> str:
    """`sentence` without a lead-in that names the model's source by its number ("According to
    [1], Korea topped …" → "Korea topped …"): with the mark taken out it read "According to,
    Korea topped …" (6 of 224 answers, dev-05 among them), and the answer cites its source after
    the sentence anyway. Only a lead of up to three words without digits that is one word or ends
    in a lower-case one ("According to", "Selon", "Según"): "In Korea [1], …" keeps its words; or
    the number first and up to three words of lead-in after it ("[1]에 따르면, …")."""
    m = _SOURCE_LEAD.match(sentence) or _SOURCE_LEAD_AFTER.match(sentence)
    if not m:
        return sentence
    words = m.group(2).split()
    if len(words) > 3 or (len(words) > 1 and not words[-1][:1].islower()):
        return sentence
    rest = sentence[m.end():]
    return m.group(1) + rest[:1].upper() + rest[1:] if rest else sentence


def _one_spaced_word(text: str) -> bool:
    """One word written with spaces around it (a CJK sentence is one run of letters)."""
    words = re.findall(r"\w+", text)
    return len(words) == 1 and not re.search(f"[{CJK_LETTERS}]", text)


def statement(sentence: str) -> str:
    """A sentence without its list bullet: what is checked ("3)" numbers the list, not a fact)."""
    return sentence[2:] if sentence.startswith("- ") else sentence


def without_asides(sentence: str, missing: tuple[str, ...]) -> str:
    """`sentence` without the parenthesised asides that hold a name or number no source does: a
    small model adds an acronym of its own ("the Residence Registration Number (NIT)") to a
    sentence the sources otherwise support."""
    def unsupported(m: re.Match) -> bool:
        return any(x in m.group() for x in missing)
    trimmed = re.sub(r"\s*[(（][^()（）]*[)）]", lambda m: "" if unsupported(m) else m.group(), sentence)
    return re.sub(r"\s+([.,;:!?。])", r"\1", trimmed)


def looping(sentence: str, times: int = 3) -> bool:
    """The same three words `times` times or more: the degenerate repetition small models fall
    into at temperature 0 ("el Sistema de Información Común, el Sistema de Información Común, …")."""
    words = re.findall(r"\w+", sentence.lower())
    grams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    return bool(grams) and max(grams.count(g) for g in set(grams)) >= times


def stated_numbers(text: str) -> list[str]:
    """The numbers a sentence states, as digits ("1,000" → "1000"; "2.5" stays)."""
    out = []
    for n in _NUMBER.findall(text):
        out.append(re.sub(r"(?<=\d),(?=\d{3}\b)", "", n))
    return out


def names(text: str, same_language: bool) -> list[str]:
    """Names the source must also hold: acronyms and coded names always; capitalised words too
    when the answer is in the sources' language (across languages "Corée" is "Korea")."""
    found = _CODE_NAME.findall(text)
    if same_language:
        found += _NAME.findall(text)
    return list(dict.fromkeys(found))


_SCALE_WORD = "|".join(re.escape(w) for w in sorted(SCALE_WORDS, key=len, reverse=True))
# a number, and a scale word right after it or after a second number it runs on to ("1.7-1.8bn",
# "1,7 bis 1,8 Milliarden": the first takes the second's scale; not over "and": "94 questions and 5
# million users"); "m" counts only after a currency sign ("£750m"), elsewhere it is metres; "제5조"
# is Article 5 of a Korean law, not 5 trillion
_AMOUNT = re.compile(rf"(?P<cur>[{CURRENCY_SIGNS}])?{_NUMBER.pattern}"
                     rf"(?:\s?(?:-|–|~|to|bis|à|до|đến)\s?[{CURRENCY_SIGNS}]?{_NUMBER.pattern})?"
                     rf"(?<!제\d)(?<!제\d\d)\s?(?P<scale>(?i:{_SCALE_WORD})(?![^\W\d_])|(?<![{CJK_LETTERS}])(?i:{_SCALE_WORD})|m\b)?")


def _value(number: str) -> float:
    """"1,700" → 1700, "1.7" → 1.7, "1,7" → 1.7, "1.234.567" → 1234567: a separator before
    exactly three digits groups thousands; any other is the decimal mark."""
    groups = re.split(r"[.,]", number)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    whole = "".join(groups[:-1]) if len(groups) > 1 else groups[0]
    return float(f"{whole}.{groups[-1]}") if len(groups) > 1 else float(whole)


def _amounts(text: str) -> Iterator[tuple[re.Match, int | None, list[float]]]:
    """Each number (or range) of `text`, the power of ten its scale word stands for (None: no
    scale word), and the value of each of its numbers."""
    for m in _AMOUNT.finditer(text):
        scale = m.group("scale")
        if scale == "m" and not m.group("cur"):
            scale = None
        power = None if not scale else 6 if scale == "m" else SCALE_WORDS[scale.lower()]
        yield m, power, [_value(n) * 10 ** (power or 0) for n in _NUMBER.findall(m.group(0))]


def has_amount(value: float, hay: str) -> bool:
    """Whether `hay` states `value`, with its scale word or as plain digits."""
    return any(abs(v - value) <= 1e-6 * max(abs(value), 1.0) for _, _, values in _amounts(hay) for v in values)


def has_number(n: str, hay: str) -> bool:
    plain = hay.replace(",", "")
    return re.search(rf"(?<![\d.]){re.escape(n)}(?![\d]|\.\d)", plain) is not None or \
        (re.fullmatch(r"(19|20)\d\d", n) is not None and present(n, hay, ""))


class Fact(NamedTuple):
    """A number or name a text states, and how a source must state it too."""
    text: str
    kind: str  # "name": spelled alike; "number": the same digits; "amount": the same value, scale included
    value: float = 0.0


def facts(text: str, same_language: bool) -> list[Fact]:
    """The numbers and names a text states: "1.8 Billionen" is the amount 1.8e12, which a source's
    "£1.8bn" does not state while "18억" does; other numbers by their digits."""
    scaled, rest = [], text
    for m, power, values in _amounts(text):
        if power is not None:
            scaled += [Fact(m.group(0).strip(), "amount", v) for v in values]
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]  # its digits are checked by value
    return ([Fact(n, "number") for n in stated_numbers(rest)] + scaled
            + [Fact(n, "name") for n in names(text, same_language)])


def missing_facts(stated: list[Fact], text: str) -> tuple[str, ...]:
    """The facts of `stated` that `text` does not hold."""
    hay = fold_text(text)
    joined = re.sub(r"[\s-]+", "", hay)

    def held(f: Fact) -> bool:
        if f.kind == "amount":
            return has_amount(f.value, text)
        return has_number(f.text, hay) if f.kind == "number" else present(f.text, hay, joined)
    return tuple(f.text for f in stated if not held(f))


@dataclass(frozen=True)
class SourceSentence:
    excerpt: int  # index into the excerpts
    start: int  # offsets in the excerpt's passage text
    end: int
    text: str


@dataclass(frozen=True)
class Support:
    sentence: str  # the written sentence, without marks
    source: SourceSentence | None  # the sentence that supports it; None: nothing does
    score: float  # 0-1: similarity of meaning, 0 when a number or name is missing
    missing: tuple[str, ...] = ()  # numbers or names no source sentence holds


def source_sentences(excerpts) -> list[SourceSentence]:
    """Each sentence of the excerpts, and each two that follow each other (a written sentence may
    join a fact and the sentence that runs on from it); the quote is the verbatim span."""
    out = []
    for k, e in enumerate(excerpts):
        text = e.hit.shown.text
        spans = [(e.start + a, e.start + b) for a, b in sentence_spans(text[e.start:e.end])
                 if len(text[e.start + a:e.start + b].split()) >= 3]
        out += [SourceSentence(k, a, b, text[a:b]) for a, b in spans]
        out += [SourceSentence(k, a, d, text[a:d]) for (a, _), (_, d) in zip(spans, spans[1:])]
    return out


class SupportChecker:
    """Scores written sentences against the source sentences of one answer's excerpts."""

    def __init__(self, embedder, excerpts, same_language: bool, term_weights=None, meaning_weight: float = 1.0,
                 floor: float = 0.45, lang: str | None = None, asked: tuple[str, ...] = ()):
        """`term_weights(sentence) → {term: weight}` (the index's IDF): in the sources' language a
        sentence's support is `meaning_weight` × meaning + the rest × the share of its terms the
        source holds, as an extractive answer's sentences are scored; across languages, meaning.
        `asked`: acronyms and coded names of the question ("UNPOG"): a sentence that repeats one
        ("According to the UNPOG study, …") may stand on a source sentence without it, where the
        passage of that sentence names it (not another report: "El estudio de UNPOG recomienda …"
        stood on the success factors of another report)."""
        self.embedder, self.same_language = embedder, same_language
        self.term_weights = term_weights if same_language else None
        self.meaning_weight, self.floor = meaning_weight, floor  # floor: AnswerPolicy.support_min
        self.sources = source_sentences(excerpts)
        # what a sentence's names and numbers are looked for in: its source, and the title of the
        # report the writer read it under ("[1] OECD Digital Government Index 2019:"), from which
        # a sentence may name the report or its year
        held = [" ".join(n for n in asked if not missing_facts([Fact(n, "name")], e.hit.shown.text)) for e in excerpts]
        # (without the numbers of its items: "5) Any E-Government project …" does not say five, and
        # "Il y a 5 agences qui ont partagé des données" stood on it)
        self._fact_texts = [f"{excerpts[s.excerpt].hit.shown.title or ''}\n{_LINE_ENUMERATOR.sub('', s.text)}\n"
                            f"{held[s.excerpt]}" for s in self.sources]
        # a country the sentence names in its own language (its names in other languages are not
        # spelled alike, so `names` cannot check them) must be one the excerpt it stands on, or its
        # report, names: "Estonya'nın … belgesinin yazarı Barbara Ubaldi" stood on an OECD report's
        # acknowledgements (ml-11)
        self.lang = lang
        self._country_texts = [fold_text(f"{excerpts[s.excerpt].hit.shown.title or ''}\n"
                                         f"{Path(excerpts[s.excerpt].hit.shown.path or '').stem.replace('-', ' ')}\n"
                                         f"{excerpts[s.excerpt].text}") for s in self.sources] \
            if lang and lang != "en" else [""] * len(self.sources)
        self._calibrate = getattr(embedder, "calibrated", lambda s: np.asarray(s))
        self._vectors = embedder.encode_queries([s.text for s in self.sources]) if self.sources else None
        self._pairs = np.array([" " in s.text and s.end - s.start > 0 and
                                any(o.start == s.start and o.end < s.end for o in self.sources) for s in self.sources], float)

    def check(self, sentence: str) -> Support:
        sentence = statement(sentence)
        if not self.sources:
            return Support(sentence, None, 0.0)
        if looping(sentence):  # a small model stuck in a loop: no source says a thing five times
            return Support(sentence, None, 0.0, ("a phrase repeated",))
        sims = np.asarray(self._calibrate(self._vectors @ self.embedder.encode_queries([sentence])[0]), float)
        if self.term_weights is not None:
            weights = self.term_weights(sentence)
            share = np.array([coverage(weights, s.text) for s in self.sources])
            sims = self.meaning_weight * sims + (1 - self.meaning_weight) * share
        stated = facts(sentence, self.same_language)
        named = countries.named_in(sentence, self.lang) if self.lang and self.lang != "en" else []
        holds = [not missing_facts(stated, t) and all(present(c, h, "") for c in named)
                 for t, h in zip(self._fact_texts, self._country_texts)]
        order = [int(i) for i in np.argsort(-np.asarray(sims), kind="stable")]
        best = next((i for i in order if holds[i] and not self._pairs[i]), None)
        if best is None or sims[best] < self.floor:  # two sentences together only where one alone falls short
            best = next((i for i in order if holds[i]), None)
        if best is None:  # what the closest source sentence lacks
            first = order[0]
            return Support(sentence, self.sources[first], 0.0, missing_facts(stated, self._fact_texts[first])
                           + tuple(c for c in named if not present(c, self._country_texts[first], "")))
        return Support(sentence, self.sources[best], float(sims[best]))
