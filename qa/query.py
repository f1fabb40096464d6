"""The question as every stage sees it: a frozen `Query`, built once by `Retriever.prepare`.

Retrieval, reading and judging all take a Query, so what a question means — the text after a
follow-up is folded in, its language, its two vectors, its BM25 and term-coverage scores over
the index, the weight of each of its terms, the kind of answer it asks for, the names and
numbers it hinges on — is worked out once, in one place, and never again by question string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .lexical import tokenize

_FOLLOW_UP = re.compile(r"^(and|but|also|so|then|what about|how about|et|y|또|그리고)\b|"
                        r"\b(it|its|they|them|their|this|that|these|those|there|he|she|this one)\b|"
                        # asking for more of the same: "Tell me more" was answered from a byline
                        r"^(tell me more|more|go on|explain|elaborate|can you (explain|elaborate)|"
                        r"anything else|what else|give (me )?an example|for example|how so|"
                        r"dis-m'en plus|plus de détails|cuéntame más|más detalles)\b", re.I)


FOLDED = " —"  # between a previous question and the follow-up folded onto it


def resolve_follow_up(question: str, history: list[str] | None) -> str:
    """Fold the previous question into a short, dependent follow-up; leave others unchanged.

    A follow-up is dependent when it starts like a continuation ("and ...", "what about ...") or
    leans on a pronoun and has few content words of its own.
    """
    if not history:
        return question
    content = tokenize(question)
    if _FOLLOW_UP.search(question.strip()) and len(content) <= 4 or len(content) <= 1:
        return f"{history[-1].rstrip(' ?')}{FOLDED} {question}"
    return question


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def asking_part(question: str) -> str:
    """The sentence that asks, in a question that first tells a story ("I run a café in Leeds and
    my landlord … Can I …?"): the last sentence with a question mark, else the last sentence.
    The story still finds the passage; only what is asked decides whether it is answered."""
    parts = [p for p in _SENTENCE_END.split(question.strip()) if p.strip()]
    if len(parts) <= 1:
        return question
    asking = [p for p in parts if p.rstrip().endswith(("?", "？"))]
    return asking[-1] if asking else parts[-1]


@dataclass(frozen=True)
class QueryVectors:
    main: np.ndarray  # (dim,) unit vector in the main embedder's space
    ml: np.ndarray | None  # the same in the multilingual space (None: there is none)


@dataclass(frozen=True, eq=False)
class Query:
    text: str  # as asked, whitespace collapsed
    resolved: str  # with the previous question folded in when it is a dependent follow-up
    lang: str  # ISO 639-1 code of the question's language (text.language)
    vectors: QueryVectors
    bm25: np.ndarray  # BM25 of every chunk (acronyms and cognates included)
    coverage: np.ndarray  # IDF-weighted share of the question's terms in every chunk
    term_weights: Mapping[str, float]  # what each term counts for when sentences are scored
    kind: str | None  # the kind of answer asked for (evidence.answer_kind)
    key_terms: tuple[str, ...]  # names and numbers the question hinges on (asking sentence only)
    numbers: tuple[str, ...]  # the numbers among them: the same in every language
    # countries a question not in English names in its own words ("新加坡"): like its numbers,
    # checked in passages of any language (text/countries.py)
    countries: tuple[str, ...] = ()

    @property
    def foreign(self) -> bool:
        """Not in English, the language of the reports' wording in BM25 and of the fitted weights."""
        return self.lang != "en"

    @staticmethod
    def frozen_weights(weights: dict[str, float]) -> Mapping[str, float]:
        return MappingProxyType(dict(weights))
